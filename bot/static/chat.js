// Tsunagari web chat: the person's side of a conversation, over one websocket.
// The server is the source of truth: the page never adds the person's own messages locally,
// it waits for the server's echo, and it replaces the whole log on every (re)connect.
'use strict';

(function () {
  const TOKEN_KEY = 'tsunagari.chat.token';
  const ROLES = ['bot', 'counselor', 'person', 'system'];
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  const NEAR_BOTTOM_PX = 120;
  const MAX_INPUT_ROWS_PX = 160;

  const state = {
    socket: null,
    attempt: 0,
    reconnectTimer: null,
    everOpened: false,
    strings: {},
    lang: null,
  };

  const el = {};

  /** Look up the elements the page needs once. */
  function findElements() {
    el.title = document.getElementById('title');
    el.status = document.getElementById('status');
    el.statusText = document.getElementById('status-text');
    el.scroller = document.getElementById('scroller');
    el.log = document.getElementById('log');
    el.composer = document.getElementById('composer');
    el.input = document.getElementById('input');
    el.inputLabel = document.getElementById('input-label');
    el.send = document.getElementById('send');
    el.sendLabel = document.getElementById('send-label');
  }

  /** Two-letter language of the browser, e.g. "ja". */
  function browserLang() {
    const tag = (navigator.language || 'ja').slice(0, 2).toLowerCase();
    return /^[a-z]{2}$/.test(tag) ? tag : 'ja';
  }

  /** A fresh random token: 16 random bytes as 32 hex characters. */
  function newToken() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // localStorage can throw (private mode, storage disabled): the chat still works for this
  // page's lifetime with an in-memory token, it just cannot resume after a reload.
  let memoryToken = null;

  /** The person's anonymous token, created on first visit and kept in localStorage. */
  function chatToken() {
    try {
      let token = localStorage.getItem(TOKEN_KEY);
      if (!token || !/^[0-9a-f]{32}$/.test(token)) {
        token = newToken();
        localStorage.setItem(TOKEN_KEY, token);
      }
      return token;
    } catch (err) {
      memoryToken = memoryToken || newToken();
      return memoryToken;
    }
  }

  /** ws(s)://host/chat/ws?token=..&lang=.. for this page. */
  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({ token: chatToken(), lang: browserLang() });
    return scheme + '//' + location.host + '/chat/ws?' + query.toString();
  }

  /** The only text hard-coded here: shown before the server has sent any labels. */
  function connectingFallback() {
    return (state.lang || browserLang()) === 'ja' ? '接続中…' : 'Connecting…';
  }

  /** A UI label from the server, or a fallback until one arrives. */
  function label(key, fallback) {
    const value = state.strings[key];
    return typeof value === 'string' && value ? value : fallback;
  }

  /** Show the connection state: data-state is "open" or "closed". */
  function setStatus(open, text) {
    el.status.dataset.state = open ? 'open' : 'closed';
    el.statusText.textContent = text;
  }

  /** Apply the localized labels from a "ui" message. */
  function applyUi(msg) {
    state.strings = msg.strings && typeof msg.strings === 'object' ? msg.strings : {};
    if (typeof msg.lang === 'string' && msg.lang) {
      state.lang = msg.lang.slice(0, 2).toLowerCase();
      document.documentElement.lang = msg.lang;
    }
    const title = label('title', '…');
    document.title = title;
    el.title.textContent = title;
    el.input.placeholder = label('placeholder', '');
    el.inputLabel.textContent = label('placeholder', label('send', '…'));
    el.sendLabel.textContent = label('send', '');
    el.log.setAttribute('aria-label', title);
    relabelMessages();
    if (el.status.dataset.state !== 'open') {
      el.statusText.textContent = label('reconnecting', connectingFallback());
    }
  }

  /** Known role, or "system" for anything unexpected. */
  function normalRole(role) {
    return ROLES.indexOf(role) >= 0 ? role : 'system';
  }

  /** The label shown above a message of this role ("" for system notices). */
  function roleLabel(role) {
    if (role === 'person') return label('you', '');
    if (role === 'counselor') return label('counselor', '');
    if (role === 'bot') return label('bot', '');
    return '';
  }

  /** Refresh the role labels already on screen when the UI strings change. */
  function relabelMessages() {
    el.log.querySelectorAll('.msg-label').forEach((node) => {
      node.textContent = roleLabel(node.dataset.role);
    });
  }

  /** One option button; tapping it sends {"type":"button"} and disables its row at once. */
  function optionButton(option, row) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'option';
    button.dataset.id = String(option.id);
    button.textContent = String(option.label != null ? option.label : option.id);
    button.addEventListener('click', () => chooseOption(button, row));
    return button;
  }

  /** The row of option buttons under a message, or null when it has none. */
  function optionRow(options) {
    if (!Array.isArray(options)) return null;
    const valid = options.filter((o) => o && o.id != null && o.id !== '');
    if (!valid.length) return null;
    const row = document.createElement('div');
    row.className = 'options';
    row.setAttribute('role', 'group');
    valid.forEach((option) => row.appendChild(optionButton(option, row)));
    return row;
  }

  /** Build the element for one message M (text via textContent only: it is user text). */
  function messageElement(m, withOptions) {
    const role = normalRole(m.role);
    const item = document.createElement('li');
    item.className = 'msg msg-' + role;
    item.dataset.role = role;

    if (role !== 'system') {
      const name = document.createElement('span');
      name.className = 'msg-label';
      name.dataset.role = role;
      name.textContent = roleLabel(role);
      item.appendChild(name);
    }
    const text = document.createElement('div');
    text.className = 'msg-text';
    text.textContent = m.text == null ? '' : String(m.text);
    item.appendChild(text);

    const row = withOptions ? optionRow(m.options) : null;
    if (row) item.appendChild(row);
    return item;
  }

  /** Only the last message keeps its buttons: remove the rows of all earlier ones. */
  function retireOptions() {
    el.log.querySelectorAll('.options').forEach((row) => row.remove());
  }

  /** True when the reader is at (or close to) the end of the log. */
  function nearBottom() {
    const s = el.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  /** Scroll the log to its newest message. */
  function scrollToEnd() {
    el.scroller.scrollTop = el.scroller.scrollHeight;
  }

  /** Replace the whole log with a "history" message. */
  function showHistory(messages) {
    const list = Array.isArray(messages) ? messages : [];
    const fragment = document.createDocumentFragment();
    list.forEach((m, i) => {
      if (m && typeof m === 'object') fragment.appendChild(messageElement(m, i === list.length - 1));
    });
    el.log.replaceChildren(fragment);
    scrollToEnd();
  }

  /** Append one message; keep the reader's place unless they were already at the end. */
  function appendMessage(m) {
    const follow = nearBottom() || m.role === 'person';
    retireOptions();
    el.log.appendChild(messageElement(m, true));
    if (follow) scrollToEnd();
  }

  /** A gentle notice in the log for an "error" message (not a .msg: it is not conversation). */
  function showNotice(text) {
    const follow = nearBottom();
    const item = document.createElement('li');
    item.className = 'notice';
    item.textContent = text == null ? '' : String(text);
    el.log.appendChild(item);
    if (follow) scrollToEnd();
  }

  /** Send one JSON frame; false when the socket is not open (the caller keeps its input). */
  function sendFrame(frame) {
    const socket = state.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** An option was tapped: send it and disable its row so it cannot be sent twice. */
  function chooseOption(button, row) {
    if (button.disabled) return;
    if (!sendFrame({ type: 'button', id: button.dataset.id })) return;
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    button.classList.add('chosen');
    // The focused button just became disabled; keep focus in the conversation rather than
    // losing it to <body>, without opening the phone's keyboard.
    el.scroller.focus({ preventScroll: true });
  }

  /** Send the textarea's text; the message appears when the server echoes it back. */
  function sendText() {
    const text = el.input.value.trim();
    if (!text) return;
    if (!sendFrame({ type: 'text', text: text })) return;
    el.input.value = '';
    fitInput();
    el.input.focus();
  }

  /** Grow the textarea with its content, up to a few lines. */
  function fitInput() {
    el.input.style.height = 'auto';
    el.input.style.height = Math.min(el.input.scrollHeight, MAX_INPUT_ROWS_PX) + 'px';
  }

  /** Enter sends, Shift+Enter is a newline; never send while an IME is composing (日本語入力). */
  function onInputKey(event) {
    if (event.key !== 'Enter' || event.shiftKey) return;
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    sendText();
  }

  /** Route one server frame to its handler. */
  function onFrame(event) {
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    // A frame arrived, so this connection really works: start the next backoff from 1s again.
    state.attempt = 0;
    if (msg.type === 'ui') applyUi(msg);
    else if (msg.type === 'history') showHistory(msg.messages);
    else if (msg.type === 'message') appendMessage(msg);
    else if (msg.type === 'error') showNotice(msg.text);
  }

  /** Delay before the next reconnect: 1s, 2s, 4s, 8s, then 15s. */
  function backoffDelay() {
    return BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
  }

  /** Plan a reconnect after the socket closed. */
  function scheduleReconnect() {
    if (state.reconnectTimer) return;
    const delay = backoffDelay();
    state.attempt += 1;
    state.reconnectTimer = setTimeout(() => {
      state.reconnectTimer = null;
      connect();
    }, delay);
  }

  /** Open the websocket (or do nothing if one is already open or opening). */
  function connect() {
    if (state.socket && state.socket.readyState <= WebSocket.OPEN) return;
    if (state.reconnectTimer) {
      clearTimeout(state.reconnectTimer);
      state.reconnectTimer = null;
    }
    const text = state.everOpened ? label('reconnecting', connectingFallback())
      : label('connecting', connectingFallback());
    setStatus(false, text);

    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (err) {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    socket.addEventListener('open', () => {
      state.everOpened = true;
      setStatus(true, '');
    });
    socket.addEventListener('message', onFrame);
    socket.addEventListener('close', () => {
      if (state.socket !== socket) return;
      state.socket = null;
      setStatus(false, label('reconnecting', connectingFallback()));
      scheduleReconnect();
    });
  }

  /** Phones suspend background tabs: reconnect at once when the page comes back. */
  function onWakeUp() {
    if (document.visibilityState === 'visible' && !state.socket) connect();
  }

  /** Wire the page. */
  function main() {
    findElements();
    setStatus(false, connectingFallback());
    el.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      sendText();
    });
    el.input.addEventListener('keydown', onInputKey);
    el.input.addEventListener('input', fitInput);
    document.addEventListener('visibilitychange', onWakeUp);
    window.addEventListener('online', onWakeUp);
    connect();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
}());
