// Tsunagari counselor console (minimal): presence, take the next conversation or accept an
// offer, read the intake summary, chat, end. One websocket; the server is the source of truth
// for everything shown, including the counselor's own messages, which appear only when the
// server echoes them. Buttons that come with a message (an offer's Accept and Pass, how a
// conversation ended, "still here") are drawn under it and answered as {"type":"option"}.
// The websocket, the log and the composer come from common.js (window.Tsunagari).
'use strict';

(function () {
  const T = window.Tsunagari;
  const MAX_INPUT_ROWS_PX = 200;

  const state = {
    strings: {},
    lang: null,
    status: { online: false, waiting: null, conversation: null },
    conversationId: null,
  };

  let el = {};
  let view = null;
  let conn = null;
  let messageSerial = 0;

  /** The console key from this page's query string (?key=...). */
  function consoleKey() {
    return new URLSearchParams(location.search).get('key') || '';
  }

  /** ws(s)://host/console/ws?key=.. for this page. */
  function socketUrl() {
    return T.socketUrl('/console/ws', { key: consoleKey() });
  }

  /** Shown before the server has sent any labels. */
  function connectingFallback() {
    return T.connectingFallback(
      state.lang || (navigator.language || 'ja').slice(0, 2).toLowerCase());
  }

  /** A UI label from the server, or a fallback until one arrives. */
  function label(key, fallback) {
    return T.label(state.strings, key, fallback);
  }

  /** Set a button's text from a UI label, keeping its symbol until the label arrives. */
  function setButtonLabel(button, key) {
    const text = label(key, '');
    if (text) button.textContent = text;
  }

  /** Apply the localized labels from a "ui" message. */
  function applyUi(msg) {
    T.readUi(msg, state);
    el.title.textContent = label('title', '…');
    el.summaryHeading.textContent = label('summary', '…');
    el.waitingLabel.textContent = label('waiting', '');
    el.noConversation.textContent = label('no_conversation', '');
    el.input.placeholder = label('placeholder', '');
    el.inputLabel.textContent = label('placeholder', label('send', '…'));
    el.sendLabel.textContent = label('send', '');
    el.log.setAttribute('aria-label', label('title', ''));
    ['online', 'offline', 'next', 'end'].forEach((key) => setButtonLabel(el[key], key));
    view.relabel(roleLabel);
    render();
  }

  /** Enable exactly the controls that make sense now, and show presence and waiting count. */
  function render() {
    const open = conn.isOpen();
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
    T.setStatus(el.status, el.statusText, open, open
      ? label(s.online ? 'status_online' : 'status_offline', '')
      : connectingFallback());

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

  /** Role label, only if the server sent one for that role (the console is mostly visual). */
  function roleLabel(role) {
    return role === 'system' ? '' : label(role, '');
  }

  /** The element for one message M, with its option buttons when WITHOPTIONS. */
  function messageElement(m, withOptions) {
    const item = T.renderMessage(m, roleLabel);
    const row = withOptions ? T.optionRow(m.options, chooseOption) : null;
    if (row) {
      item.classList.add('msg-with-options');
      // The group is named by the question it answers (an offer, "How did it end?").
      const text = item.querySelector('.msg-text');
      if (text) {
        text.id = 'msg-' + (++messageSerial);
        row.setAttribute('aria-labelledby', text.id);
      }
      item.appendChild(row);
    }
    return item;
  }

  /** Only the last message keeps its buttons: remove the rows of all earlier ones. */
  function retireOptions() {
    el.log.querySelectorAll('.options').forEach((row) => row.remove());
  }

  /** Append one message; keep the reader's place unless they were already at the end. */
  function appendMessage(m) {
    view.append(messageElement(m, true), m.role === 'counselor', retireOptions);
  }

  /** An option was tapped: send it and disable its row so it cannot be sent twice. */
  function chooseOption(button, row) {
    if (button.disabled) return;
    if (!conn.send({ type: 'option', value: button.dataset.id })) return;
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    button.classList.add('chosen');
    // The focused button just became disabled; keep focus in the conversation rather than
    // losing it to <body> (a new conversation then moves it to the composer).
    el.scroller.focus({ preventScroll: true });
  }

  /** A notice in the log for an "error" message (not a .msg: it is not conversation). */
  function showNotice(text) {
    view.showNotice(text);
    // A refused command (e.g. nobody waiting after Next) must not leave its button disabled.
    render();
  }

  /** A command button: send it and disable the button until the server's next status. */
  function command(type, button) {
    if (conn.send({ type: type }) && button) button.disabled = true;
  }

  /** Route one server frame to its handler. */
  function onMessage(msg) {
    if (msg.type === 'ui') applyUi(msg);
    else if (msg.type === 'status') applyStatus(msg);
    else if (msg.type === 'history') view.showHistory(msg.messages, messageElement);
    else if (msg.type === 'message') appendMessage(msg);
    else if (msg.type === 'error') showNotice(msg.text);
  }

  /** Every change of the connection re-renders the controls and #status. */
  function onPhase(phase) {
    if (phase !== 'connecting') render();
  }

  /** Wire the page. */
  function main() {
    el = T.elements([
      'title', 'status', 'status-text', 'waiting', 'waiting-label', 'online', 'offline',
      'summary-heading', 'no-conversation', 'summary', 'next', 'end',
      'scroller', 'log', 'composer', 'input', 'input-label', 'send', 'send-label',
    ]);
    view = T.logView(el.scroller, el.log);
    conn = T.connection({ url: socketUrl, onMessage: onMessage, onPhase: onPhase });
    renderSummary(null);
    el.online.addEventListener('click', () => command('online', el.online));
    el.offline.addEventListener('click', () => command('offline', el.offline));
    el.next.addEventListener('click', () => command('next', el.next));
    el.end.addEventListener('click', () => command('end', el.end));
    T.composer(el.composer, el.input, MAX_INPUT_ROWS_PX, conn);
    conn.start();
  }

  T.onReady(main);
}());
