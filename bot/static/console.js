// Tsunagari counselor console (minimal): presence, take the next conversation, read the intake
// summary, chat, end. One websocket; the server is the source of truth for everything shown,
// including the counselor's own messages, which appear only when the server echoes them.
'use strict';

(function () {
  const ROLES = ['bot', 'counselor', 'person', 'system'];
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  const NEAR_BOTTOM_PX = 120;
  const MAX_INPUT_ROWS_PX = 200;

  const state = {
    socket: null,
    attempt: 0,
    reconnectTimer: null,
    strings: {},
    lang: null,
    status: { online: false, waiting: null, conversation: null },
    conversationId: null,
  };

  const el = {};

  /** Look up the elements the page needs once. */
  function findElements() {
    [
      'title', 'status', 'status-text', 'waiting', 'waiting-label', 'online', 'offline',
      'summary-heading', 'no-conversation', 'summary', 'next', 'end',
      'scroller', 'log', 'composer', 'input', 'input-label', 'send', 'send-label',
    ].forEach((id) => {
      el[id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
    });
  }

  /** The console key from this page's query string (?key=...). */
  function consoleKey() {
    return new URLSearchParams(location.search).get('key') || '';
  }

  /** ws(s)://host/console/ws?key=.. for this page. */
  function socketUrl() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({ key: consoleKey() });
    return scheme + '//' + location.host + '/console/ws?' + query.toString();
  }

  /** The only text hard-coded here: shown before the server has sent any labels. */
  function connectingFallback() {
    const lang = state.lang || (navigator.language || 'ja').slice(0, 2).toLowerCase();
    return lang === 'ja' ? '接続中…' : 'Connecting…';
  }

  /** A UI label from the server, or a fallback until one arrives. */
  function label(key, fallback) {
    const value = state.strings[key];
    return typeof value === 'string' && value ? value : fallback;
  }

  /** True while the websocket is open. */
  function isOpen() {
    return !!state.socket && state.socket.readyState === WebSocket.OPEN;
  }

  /** Set a button's text from a UI label, keeping its symbol until the label arrives. */
  function setButtonLabel(button, key) {
    const text = label(key, '');
    if (text) button.textContent = text;
  }

  /** Apply the localized labels from a "ui" message. */
  function applyUi(msg) {
    state.strings = msg.strings && typeof msg.strings === 'object' ? msg.strings : {};
    if (typeof msg.lang === 'string' && msg.lang) {
      state.lang = msg.lang.slice(0, 2).toLowerCase();
      document.documentElement.lang = msg.lang;
    }
    el.title.textContent = label('title', '…');
    el.summaryHeading.textContent = label('summary', '…');
    el.waitingLabel.textContent = label('waiting', '');
    el.noConversation.textContent = label('no_conversation', '');
    el.input.placeholder = label('placeholder', '');
    el.inputLabel.textContent = label('placeholder', label('send', '…'));
    el.sendLabel.textContent = label('send', '');
    el.log.setAttribute('aria-label', label('title', ''));
    ['online', 'offline', 'next', 'end'].forEach((key) => setButtonLabel(el[key], key));
    relabelMessages();
    render();
  }

  /** Enable exactly the controls that make sense now, and show presence and waiting count. */
  function render() {
    const open = isOpen();
    const s = state.status;
    const inConversation = !!s.conversation;

    el.online.disabled = !open || s.online;
    el.offline.disabled = !open || !s.online;
    el.online.setAttribute('aria-pressed', String(!!s.online));
    el.offline.setAttribute('aria-pressed', String(!s.online));
    el.next.disabled = !open || !s.online || inConversation;
    el.end.disabled = !open || !inConversation;
    el.input.disabled = !open || !inConversation;
    el.send.disabled = !open || !inConversation;

    document.body.dataset.presence = s.online ? 'online' : 'offline';
    el.status.dataset.state = open ? 'open' : 'closed';
    el.statusText.textContent = open
      ? label(s.online ? 'status_online' : 'status_offline', '')
      : connectingFallback();

    const waiting = Number.isInteger(s.waiting) ? s.waiting : null;
    el.waiting.textContent = waiting === null ? '–' : String(waiting);
    const title = label('title', '…');
    document.title = waiting ? '(' + waiting + ') ' + title : title;
  }

  /** Show the intake summary as a definition list, or the "no conversation" note. */
  function renderSummary(conversation) {
    const rows = conversation && Array.isArray(conversation.summary) ? conversation.summary : [];
    const fragment = document.createDocumentFragment();
    rows.forEach((row) => {
      if (!Array.isArray(row) || row.length < 2) return;
      const term = document.createElement('dt');
      term.textContent = row[0] == null ? '' : String(row[0]);
      const value = document.createElement('dd');
      value.textContent = row[1] == null ? '' : String(row[1]);
      fragment.appendChild(term);
      fragment.appendChild(value);
    });
    el.summary.replaceChildren(fragment);
    el.summary.hidden = !conversation;
    el.noConversation.hidden = !!conversation;
  }

  /** Apply a "status" frame: presence, waiting count, current conversation and its summary. */
  function applyStatus(msg) {
    const conversation = msg.conversation && typeof msg.conversation === 'object'
      ? msg.conversation : null;
    const id = conversation ? String(conversation.id) : null;
    // A different conversation starts with an empty log: the server follows with its history.
    // Ending one (id -> null) keeps the log so the counselor can still read it.
    if (id && id !== state.conversationId) el.log.replaceChildren();
    const starting = id && id !== state.conversationId;
    state.conversationId = id;
    state.status = {
      online: !!msg.online,
      waiting: Number.isInteger(msg.waiting) ? msg.waiting : null,
      conversation: conversation,
    };
    renderSummary(conversation);
    render();
    if (starting) el.input.focus();
  }

  /** Known role, or "system" for anything unexpected. */
  function normalRole(role) {
    return ROLES.indexOf(role) >= 0 ? role : 'system';
  }

  /** Role label, only if the server sent one for that role (the console is mostly visual). */
  function roleLabel(role) {
    return role === 'system' ? '' : label(role, '');
  }

  /** Refresh the role labels already on screen when the UI strings change. */
  function relabelMessages() {
    el.log.querySelectorAll('.msg-label').forEach((node) => {
      node.textContent = roleLabel(node.dataset.role);
    });
  }

  /** Build the element for one message M (text via textContent only: it is user text). */
  function messageElement(m) {
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
    return item;
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
    const fragment = document.createDocumentFragment();
    (Array.isArray(messages) ? messages : []).forEach((m) => {
      if (m && typeof m === 'object') fragment.appendChild(messageElement(m));
    });
    el.log.replaceChildren(fragment);
    scrollToEnd();
  }

  /** Append one message; keep the reader's place unless they were already at the end. */
  function appendMessage(m) {
    const follow = nearBottom() || m.role === 'counselor';
    el.log.appendChild(messageElement(m));
    if (follow) scrollToEnd();
  }

  /** A notice in the log for an "error" message (not a .msg: it is not conversation). */
  function showNotice(text) {
    const follow = nearBottom();
    const item = document.createElement('li');
    item.className = 'notice';
    item.textContent = text == null ? '' : String(text);
    el.log.appendChild(item);
    if (follow) scrollToEnd();
    // A refused command (e.g. nobody waiting after Next) must not leave its button disabled.
    render();
  }

  /** Send one JSON frame; false when the socket is not open. */
  function sendFrame(frame) {
    if (!isOpen()) return false;
    state.socket.send(JSON.stringify(frame));
    return true;
  }

  /** A command button: send it and disable the button until the server's next status. */
  function command(type, button) {
    if (sendFrame({ type: type }) && button) button.disabled = true;
  }

  /** Send the textarea's text; it appears when the server echoes it back. */
  function sendText() {
    const text = el.input.value.trim();
    if (!text || el.input.disabled) return;
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

  /** Enter sends, Shift+Enter is a newline; never send while an IME is composing. */
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
    state.attempt = 0;
    if (msg.type === 'ui') applyUi(msg);
    else if (msg.type === 'status') applyStatus(msg);
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
    let socket;
    try {
      socket = new WebSocket(socketUrl());
    } catch (err) {
      render();
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    render();
    socket.addEventListener('open', render);
    socket.addEventListener('message', onFrame);
    socket.addEventListener('close', () => {
      if (state.socket !== socket) return;
      state.socket = null;
      render();
      scheduleReconnect();
    });
  }

  /** Reconnect at once when the tab comes back or the network returns. */
  function onWakeUp() {
    if (document.visibilityState === 'visible' && !state.socket) connect();
  }

  /** Wire the page. */
  function main() {
    findElements();
    renderSummary(null);
    el.online.addEventListener('click', () => command('online', el.online));
    el.offline.addEventListener('click', () => command('offline', el.offline));
    el.next.addEventListener('click', () => command('next', el.next));
    el.end.addEventListener('click', () => command('end', el.end));
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
