// Tsunagari: what the person's web chat (chat.js) and the counselor console (console.js) share.
// One websocket with reconnect and backoff, the message log (#log, .msg, .msg-<role>, .msg-text,
// .notice), the connection status, the composer and the server's UI labels. No framework, no
// build step, no network besides the page's own websocket. Loaded before the page's script.
'use strict';

(function () {
  const ROLES = ['bot', 'counselor', 'person', 'system'];
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  const NEAR_BOTTOM_PX = 120;

  /** Two-letter language of the browser, e.g. "ja" ("ja" when it is not two letters). */
  function browserLang() {
    const tag = (navigator.language || 'ja').slice(0, 2).toLowerCase();
    return /^[a-z]{2}$/.test(tag) ? tag : 'ja';
  }

  /** The only text hard-coded in the pages: shown before the server has sent any labels. */
  function connectingFallback(lang) {
    return lang === 'ja' ? '接続中…' : 'Connecting…';
  }

  /** ws(s)://host<path>?<params> for this page. */
  function socketUrl(path, params) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams(params);
    return scheme + '//' + location.host + path + '?' + query.toString();
  }

  /** A UI label from the server's STRINGS, or FALLBACK until one arrives. */
  function label(strings, key, fallback) {
    const value = strings[key];
    return typeof value === 'string' && value ? value : fallback;
  }

  /** Take the labels and language of a "ui" message into STATE (.strings, .lang). */
  function readUi(msg, state) {
    state.strings = msg.strings && typeof msg.strings === 'object' ? msg.strings : {};
    if (typeof msg.lang === 'string' && msg.lang) {
      state.lang = msg.lang.slice(0, 2).toLowerCase();
      document.documentElement.lang = msg.lang;
    }
  }

  /** Show the connection state on #status (data-state "open" or "closed") and its text. */
  function setStatus(status, statusText, open, text) {
    status.dataset.state = open ? 'open' : 'closed';
    statusText.textContent = text;
  }

  /** Known role, or "system" for anything unexpected. */
  function normalRole(role) {
    return ROLES.indexOf(role) >= 0 ? role : 'system';
  }

  /**
   * The <li class="msg msg-ROLE"> for one message M: a .msg-label (not for system notices)
   * with ROLELABEL(role), then the .msg-text (a person's or counselor's words via textContent
   * only; the service's own messages with their numbers and addresses as links, built as nodes).
   */
  function renderMessage(m, roleLabel) {
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
    const body = m.text == null ? '' : String(m.text);
    if (role === 'bot' || role === 'system') {
      appendLinked(text, body);
    } else {
      text.textContent = body;
    }
    item.appendChild(text);
    return item;
  }

  // Web addresses, and phone numbers as services write them (0120-279-338, 03-0000-0000, #9999,
  // 110, 119, 189), in the service's own messages: tappable, as Telegram makes them.
  const LINKABLE = /(https?:\/\/[^\s、。（）()]+)|(#\d{4}|\b0\d{1,4}-\d{1,4}-\d{3,4}\b|\b(?:110|119|189)\b)/g;

  /** Append BODY to EL as text nodes and <a> elements (built as nodes: never parsed as HTML). */
  function appendLinked(el, body) {
    let last = 0;
    for (const match of body.matchAll(LINKABLE)) {
      if (match.index > last) el.appendChild(document.createTextNode(body.slice(last, match.index)));
      const link = document.createElement('a');
      link.textContent = match[0];
      if (match[1]) {
        link.href = match[1];
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
      } else {
        link.href = 'tel:' + match[0].replace(/-/g, '').replace('#', '%23');
      }
      el.appendChild(link);
      last = match.index + match[0].length;
    }
    if (last < body.length) el.appendChild(document.createTextNode(body.slice(last)));
  }

  /**
   * The row of option buttons under a message (a real <button> each, labels via textContent), or
   * null when OPTIONS has none. CHOOSE(button, row) is called on a tap.
   */
  function optionRow(options, choose) {
    if (!Array.isArray(options)) return null;
    const valid = options.filter((o) => o && o.id != null && o.id !== '');
    if (!valid.length) return null;
    const row = document.createElement('div');
    row.className = 'options';
    row.setAttribute('role', 'group');
    valid.forEach((option) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'option';
      button.dataset.id = String(option.id);
      button.textContent = String(option.label != null ? option.label : option.id);
      button.addEventListener('click', () => choose(button, row));
      row.appendChild(button);
    });
    return row;
  }

  /** The message log LOG inside its scrolling container SCROLLER. */
  function logView(scroller, log) {
    /** True when the reader is at (or close to) the end of the log. */
    function nearBottom() {
      return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    }

    /** Scroll the log to its newest message. */
    function scrollToEnd() {
      scroller.scrollTop = scroller.scrollHeight;
    }

    return {
      nearBottom: nearBottom,
      scrollToEnd: scrollToEnd,

      /** Replace the whole log with a "history" message; BUILD(m, isLast) makes each item. */
      showHistory(messages, build) {
        const list = Array.isArray(messages) ? messages : [];
        const fragment = document.createDocumentFragment();
        list.forEach((m, i) => {
          if (m && typeof m === 'object') fragment.appendChild(build(m, i === list.length - 1));
        });
        log.replaceChildren(fragment);
        scrollToEnd();
      },

      /**
       * Append NODE; keep the reader's place unless they were already at the end or FOLLOW
       * is true. BEFORE, if given, runs after that is decided and before NODE goes in.
       */
      append(node, follow, before) {
        const atEnd = nearBottom() || !!follow;
        if (before) before();
        log.appendChild(node);
        if (!atEnd) return;
        // A message taller than the view is read from its top: a crisis reply starts with 119/110,
        // which scrolling to its end would hide on a phone.
        if (follow || node.offsetHeight <= scroller.clientHeight * 0.8) {
          scrollToEnd();
          return;
        }
        scroller.scrollTop += node.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      },

      /** A notice in the log for an "error" message (not a .msg: it is not conversation). */
      showNotice(text) {
        const item = document.createElement('li');
        item.className = 'notice';
        item.textContent = text == null ? '' : String(text);
        this.append(item, false);
      },

      /** Refresh the role labels already on screen when the UI strings change. */
      relabel(roleLabel) {
        log.querySelectorAll('.msg-label').forEach((node) => {
          node.textContent = roleLabel(node.dataset.role);
        });
      },
    };
  }

  /**
   * One websocket that reconnects with backoff (1s, 2s, 4s, 8s, then 15s) and at once when
   * the tab comes back or the network returns. OPTIONS:
   *   url()            the ws(s):// address, asked again on every connect;
   *   onMessage(msg)   each server frame that parses as a JSON object;
   *   onPhase(phase)   "connecting" (about to open a socket), "failed" (the WebSocket could
   *                    not even be made), "opening" (made, not open yet), "open", "closed".
   */
  function connection(options) {
    const state = { socket: null, attempt: 0, reconnectTimer: null, everOpened: false, stopped: false };
    const phase = (name) => { if (options.onPhase) options.onPhase(name); };

    function isOpen() {
      return !!state.socket && state.socket.readyState === WebSocket.OPEN;
    }

    /** Send one JSON frame; false when the socket is not open (the caller keeps its input). */
    function send(frame) {
      if (!isOpen()) return false;
      state.socket.send(JSON.stringify(frame));
      return true;
    }

    /** Route one server frame to onMessage. */
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
      options.onMessage(msg);
    }

    /** Delay before the next reconnect: 1s, 2s, 4s, 8s, then 15s. */
    function backoffDelay() {
      return BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
    }

    /** Plan a reconnect after the socket closed. */
    function scheduleReconnect() {
      if (state.reconnectTimer || state.stopped) return;
      const delay = backoffDelay();
      state.attempt += 1;
      state.reconnectTimer = setTimeout(() => {
        state.reconnectTimer = null;
        connect();
      }, delay);
    }

    /** Open the websocket (or do nothing if one is already open or opening). */
    function connect() {
      if (state.stopped) return;
      if (state.socket && state.socket.readyState <= WebSocket.OPEN) return;
      if (state.reconnectTimer) {
        clearTimeout(state.reconnectTimer);
        state.reconnectTimer = null;
      }
      phase('connecting');
      let socket;
      try {
        socket = new WebSocket(options.url());
      } catch (err) {
        phase('failed');
        scheduleReconnect();
        return;
      }
      state.socket = socket;
      phase('opening');
      socket.addEventListener('open', () => {
        state.everOpened = true;
        phase('open');
      });
      socket.addEventListener('message', onFrame);
      socket.addEventListener('close', () => {
        if (state.socket !== socket) return;
        state.socket = null;
        phase('closed');
        scheduleReconnect();
      });
    }

    /** Phones suspend background tabs: reconnect at once when the page comes back. */
    function onWakeUp() {
      if (document.visibilityState === 'visible' && !state.socket) connect();
    }

    return {
      isOpen: isOpen,
      send: send,
      connect: connect,
      /** True once any socket of this page has opened (a later connect is a reconnect). */
      get everOpened() { return state.everOpened; },
      /** True once stop() was called. */
      get stopped() { return state.stopped; },
      /** Close for good (e.g. a console key the server refused): no reconnecting, ever. */
      stop() {
        state.stopped = true;
        if (state.reconnectTimer) clearTimeout(state.reconnectTimer);
        state.reconnectTimer = null;
        if (state.socket && state.socket.readyState <= WebSocket.OPEN) state.socket.close();
      },
      /** Listen for the page coming back and the network returning, then connect. */
      start() {
        document.addEventListener('visibilitychange', onWakeUp);
        window.addEventListener('online', onWakeUp);
        connect();
      },
    };
  }

  /** Grow the textarea INPUT with its content, up to MAXPX. */
  function fitInput(input, maxPx) {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, maxPx) + 'px';
  }

  /**
   * Wire the composer: submit sends, Enter sends, Shift+Enter is a newline, never send while
   * an IME is composing (日本語入力); the textarea grows up to MAXPX. The text goes out as
   * {"type":"text"} through CONN and appears only when the server echoes it back.
   */
  function composer(form, input, maxPx, conn) {
    function sendText() {
      const text = input.value.trim();
      if (!text || input.disabled) return;
      if (!conn.send({ type: 'text', text: text })) return;
      input.value = '';
      fitInput(input, maxPx);
      input.focus();
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sendText();
    });
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey) return;
      if (event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      sendText();
    });
    input.addEventListener('input', () => fitInput(input, maxPx));
  }

  /** The elements with these ids, keyed by camelCase ("status-text" -> el.statusText). */
  function elements(ids) {
    const el = {};
    ids.forEach((id) => {
      el[id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = document.getElementById(id);
    });
    return el;
  }

  /** Run MAIN once the document is parsed. */
  function onReady(main) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', main);
    } else {
      main();
    }
  }

  window.Tsunagari = Object.freeze({
    browserLang: browserLang,
    connectingFallback: connectingFallback,
    socketUrl: socketUrl,
    label: label,
    readUi: readUi,
    setStatus: setStatus,
    normalRole: normalRole,
    renderMessage: renderMessage,
    optionRow: optionRow,
    logView: logView,
    connection: connection,
    fitInput: fitInput,
    composer: composer,
    elements: elements,
    onReady: onReady,
  });
}());
