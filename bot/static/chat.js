// Tsunagari web chat: the person's side of a conversation, over one websocket.
// The server is the source of truth: the page never adds the person's own messages locally,
// it waits for the server's echo, and it replaces the whole log on every (re)connect.
// The websocket, the log and the composer come from common.js (window.Tsunagari).
'use strict';

(function () {
  const T = window.Tsunagari;
  const TOKEN_KEY = 'tsunagari.chat.token';
  const MAX_INPUT_ROWS_PX = 160;

  const state = {
    strings: {},
    lang: null,
  };

  let el = {};
  let view = null;
  let conn = null;

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
    return T.socketUrl('/chat/ws', { token: chatToken(), lang: T.browserLang() });
  }

  /** Shown before the server has sent any labels. */
  function connectingFallback() {
    return T.connectingFallback(state.lang || T.browserLang());
  }

  /** A UI label from the server, or a fallback until one arrives. */
  function label(key, fallback) {
    return T.label(state.strings, key, fallback);
  }

  /** Show the connection state: data-state is "open" or "closed". */
  function setStatus(open, text) {
    T.setStatus(el.status, el.statusText, open, text);
  }

  /** Apply the localized labels from a "ui" message. */
  function applyUi(msg) {
    T.readUi(msg, state);
    const title = label('title', '…');
    document.title = title;
    el.title.textContent = title;
    el.input.placeholder = label('placeholder', '');
    el.inputLabel.textContent = label('placeholder', label('send', '…'));
    el.sendLabel.textContent = label('send', '');
    el.log.setAttribute('aria-label', title);
    el.actions.setAttribute('aria-label', label('actions', ''));
    el.actEnd.textContent = label('end', '…');
    el.actRestart.textContent = label('restart', '…');
    el.actForget.textContent = label('forget', '…');
    view.relabel(roleLabel);
    if (el.status.dataset.state !== 'open') {
      el.statusText.textContent = label('reconnecting', connectingFallback());
    }
  }

  /** The label shown above a message of this role ("" for system notices). */
  function roleLabel(role) {
    if (role === 'person') return label('you', '');
    if (role === 'counselor') return label('counselor', '');
    if (role === 'bot') return label('bot', '');
    return '';
  }

  /** The element for one message M, with its option buttons when WITHOPTIONS. */
  function messageElement(m, withOptions) {
    const item = T.renderMessage(m, roleLabel);
    const row = withOptions ? T.optionRow(m.options, chooseOption) : null;
    if (row) item.appendChild(row);
    return item;
  }

  /** Only the last message keeps its buttons: remove the rows of all earlier ones. */
  function retireOptions() {
    el.log.querySelectorAll('.options').forEach((row) => row.remove());
  }

  /** Append one message; keep the reader's place unless they were already at the end. */
  function appendMessage(m) {
    view.append(messageElement(m, true), m.role === 'person', retireOptions);
  }

  /** An option was tapped: send it and disable its row so it cannot be sent twice. */
  function chooseOption(button, row) {
    if (button.disabled) return;
    if (!conn.send({ type: 'button', id: button.dataset.id })) return;
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    button.classList.add('chosen');
    // The focused button just became disabled; keep focus in the conversation rather than
    // losing it to <body>, without opening the phone's keyboard.
    el.scroller.focus({ preventScroll: true });
  }

  // Which actions make sense where the conversation is: End while it is open; Start again in
  // the questions or once it is over (never while waiting or talking: End comes first); Erase
  // whenever something was written.
  const ACTIONS_BY_STATE = {
    none: { end: false, restart: true, forget: false },
    intake: { end: true, restart: true, forget: true },
    queued: { end: true, restart: false, forget: true },
    connected: { end: true, restart: false, forget: true },
    closed: { end: false, restart: true, forget: true },
  };

  /** Enable the action buttons for the conversation's STATE (a "state" frame). */
  function applyState(conversationState) {
    const allowed = ACTIONS_BY_STATE[conversationState] || ACTIONS_BY_STATE.intake;
    el.actions.dataset.state = conversationState in ACTIONS_BY_STATE ? conversationState : 'intake';
    el.actEnd.disabled = !allowed.end;
    el.actRestart.disabled = !allowed.restart;
    el.actForget.disabled = !allowed.forget;
  }

  /**
   * An action button was tapped: it goes to the server like an option button (the server echoes
   * its label as the person's message). The composer is left alone, so whatever the person was
   * typing is still there to send once they have started again.
   */
  function chooseAction(event) {
    const button = event.currentTarget;
    if (button.disabled) return;
    conn.send({ type: 'button', id: button.dataset.id });
  }

  /** Everything written here was erased: clear it from this page too. */
  function onErased() {
    el.log.replaceChildren();
  }

  /** Route one server frame to its handler. */
  function onMessage(msg) {
    if (msg.type === 'ui') applyUi(msg);
    else if (msg.type === 'history') view.showHistory(msg.messages, messageElement);
    else if (msg.type === 'message') appendMessage(msg);
    else if (msg.type === 'state') applyState(msg.state);
    else if (msg.type === 'erased') onErased();
    else if (msg.type === 'error') view.showNotice(msg.text);
  }

  /** Show each step of the connection in #status. */
  function onPhase(phase) {
    if (phase === 'connecting') {
      setStatus(false, conn.everOpened ? label('reconnecting', connectingFallback())
        : label('connecting', connectingFallback()));
    } else if (phase === 'open') {
      setStatus(true, '');
    } else if (phase === 'closed') {
      setStatus(false, label('reconnecting', connectingFallback()));
    }
  }

  /** Wire the page. */
  function main() {
    el = T.elements([
      'title', 'status', 'status-text', 'scroller', 'log', 'composer',
      'input', 'input-label', 'send', 'send-label',
      'actions', 'act-end', 'act-restart', 'act-forget',
    ]);
    [el.actEnd, el.actRestart, el.actForget].forEach((b) => b.addEventListener('click', chooseAction));
    view = T.logView(el.scroller, el.log);
    conn = T.connection({ url: socketUrl, onMessage: onMessage, onPhase: onPhase });
    setStatus(false, connectingFallback());
    T.composer(el.composer, el.input, MAX_INPUT_ROWS_PX, conn);
    conn.start();
  }

  T.onReady(main);
}());
