// Tsunagari counselor console: presence (online, paused, offline), offers with Accept and Pass,
// the next person, the intake summary, chat, end. One websocket; the server is the source of
// truth for everything shown, including the counselor's own messages, which appear only when the
// server echoes them.
//
// Offers are drawn from the server's "status" frames (not from the log): each open offer is a
// card at the end of the log, with its risk in colour and words, and keeps its buttons until it
// is answered or gone. A new offer plays a sound (unless turned off) and shows a browser
// notification (when the counselor allowed them). Other buttons that come with a message (how a
// conversation ended, a service to send, "still here") stay while they still mean something.
//
// Nothing a person wrote is ever a link or HTML here: every text goes in as a text node. The
// websocket, the log and the composer come from common.js (window.Tsunagari).
'use strict';

(function () {
  const T = window.Tsunagari;
  const MAX_INPUT_ROWS_PX = 200;
  const SOUND_KEY = 'tsunagari.console.sound';

  const state = {
    strings: {},
    lang: null,
    status: {
      presence: 'offline', waiting: null, conversation: null, conversations: [], offers: [],
    },
    conversationId: null,
    stopped: false, // the server refused this page (a wrong key): no reconnecting
    offersSeen: new Set(),
    deadlines: new Map(), // ticket -> epoch ms when its offer times out
  };

  let el = {};
  let view = null;
  let conn = null;
  let serial = 0;
  let audio = null;

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

  /** An element with a class and text (always a text node). */
  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  /** Apply the localized labels from a "ui" message. */
  function applyUi(msg) {
    T.readUi(msg, state);
    el.title.textContent = label('title', '…');
    el.summaryHeading.textContent = label('summary', '…');
    el.waitingLabel.textContent = label('waiting', '');
    el.noConversation.textContent = label('no_conversation', '');
    el.pausedNote.textContent = label('paused_note', '');
    el.input.placeholder = label('placeholder', '');
    el.inputLabel.textContent = label('placeholder', label('send', '…'));
    el.sendLabel.textContent = label('send', '');
    el.log.setAttribute('aria-label', label('title', ''));
    ['offline', 'next', 'end', 'switch'].forEach((key) => setButtonLabel(el[key], key));
    setButtonLabel(el.notify, 'notify_allow');
    view.relabel(roleLabel);
    render();
  }

  /** Is the sound of a new offer on? (On unless the counselor turned it off.) */
  function soundOn() {
    try {
      return localStorage.getItem(SOUND_KEY) !== 'off';
    } catch (err) {
      return true;
    }
  }

  /** Enable exactly the controls that make sense now, and show presence and waiting count. */
  function render() {
    const open = conn.isOpen() && !state.stopped;
    const s = state.status;
    const presence = s.presence;
    const inConversation = !!s.conversation;
    const paused = presence === 'paused';

    // Paused (a missed offer): the Online button becomes "Resume offers".
    el.online.disabled = !open || presence === 'online';
    setButtonLabel(el.online, paused ? 'resume' : 'online');
    el.offline.disabled = !open || presence === 'offline';
    el.online.setAttribute('aria-pressed', String(presence === 'online'));
    el.offline.setAttribute('aria-pressed', String(presence === 'offline'));
    el.next.disabled = !open || presence === 'offline' || inConversation;
    el.end.disabled = !open || !inConversation;
    el.switch.hidden = !(s.conversations && s.conversations.length > 1);
    el.switch.disabled = !open;
    el.input.disabled = !open || !inConversation;
    el.send.disabled = !open || !inConversation;
    el.pausedNote.hidden = !(open && paused);

    document.body.dataset.presence = presence;
    let statusText;
    if (state.stopped) statusText = label('stopped', '—');
    else if (!open) statusText = connectingFallback();
    else if (paused) statusText = label('paused', 'Paused');
    else statusText = label(presence === 'online' ? 'status_online' : 'status_offline', '');
    T.setStatus(el.status, el.statusText, open, statusText);

    const sound = soundOn();
    el.sound.setAttribute('aria-pressed', String(sound));
    setButtonLabel(el.sound, sound ? 'sound_on' : 'sound_off');
    el.notify.hidden = !('Notification' in window) || Notification.permission !== 'default'
      || state.stopped;

    const waiting = Number.isInteger(s.waiting) ? s.waiting : null;
    el.waiting.textContent = waiting === null ? '–' : String(waiting);
    const title = label('title', '…');
    const offers = s.offers || [];
    const mark = offers.some((o) => o.risk === 'imminent') ? '⚠ ' : (offers.length ? '● ' : '');
    document.title = mark + (waiting ? '(' + waiting + ') ' + title : title);
  }

  /** Show the intake summary as a definition list, or the "no conversation" note. */
  function renderSummary(conversation) {
    const rows = conversation && Array.isArray(conversation.summary) ? conversation.summary : [];
    const fragment = document.createDocumentFragment();
    rows.forEach((row) => {
      if (!Array.isArray(row) || row.length < 2) return;
      const term = make('dt', '', row[0] == null ? '' : row[0]);
      const value = make('dd', '', row[1] == null ? '' : row[1]);
      if (row[2]) value.title = String(row[2]); // e.g. the triage rules behind the reasons
      fragment.appendChild(term);
      fragment.appendChild(value);
    });
    el.summary.replaceChildren(fragment);
    el.summary.hidden = !conversation;
    el.noConversation.hidden = !!conversation;
  }

  /** Apply a "status" frame: presence, waiting count, conversations, offers. */
  function applyStatus(msg) {
    const conversation = msg.conversation && typeof msg.conversation === 'object'
      ? msg.conversation : null;
    const id = conversation ? String(conversation.id) : null;
    const held = Array.isArray(msg.conversations) ? msg.conversations.map(String) : [];
    const starting = id && id !== state.conversationId;
    // A different conversation starts with an empty log (the server follows with its summary),
    // unless the counselor still holds the previous one. Ending one (id -> null) keeps the log
    // so the counselor can still read it. Open offers stay.
    if (starting && !(state.conversationId && held.indexOf(state.conversationId) >= 0)) {
      el.log.querySelectorAll(':scope > :not(.offer)').forEach((node) => node.remove());
    }
    state.conversationId = id;
    let presence = typeof msg.presence === 'string' ? msg.presence : (msg.online ? 'online' : 'offline');
    if (['online', 'paused', 'offline'].indexOf(presence) < 0) presence = 'offline';
    state.status = {
      presence: presence,
      waiting: Number.isInteger(msg.waiting) ? msg.waiting : null,
      conversation: conversation,
      conversations: held,
      offers: Array.isArray(msg.offers) ? msg.offers.filter((o) => o && o.ticket) : [],
    };
    renderSummary(conversation);
    renderOffers(state.status.offers);
    retireOptions();
    render();
    if (starting) el.input.focus();
  }

  // ---- offers ---------------------------------------------------------------------------

  /** The card for one offer: risk in colour and words, what they want, its two buttons. */
  function offerCard(offer) {
    const card = make('li', 'msg msg-system msg-with-options offer');
    card.dataset.role = 'system';
    card.dataset.ticket = String(offer.ticket);
    const body = make('div', 'msg-text offer-body');
    const titleId = 'offer-' + (++serial);
    body.appendChild(make('p', 'offer-risk'));
    const title = make('p', 'offer-title', label('offer_title', ''));
    title.id = titleId;
    body.appendChild(title);
    body.appendChild(make('div', 'offer-rows'));
    body.appendChild(make('p', 'offer-left'));
    card.appendChild(body);
    const row = T.optionRow(offer.options, chooseOption);
    if (row) {
      row.setAttribute('aria-labelledby', titleId);
      card.appendChild(row);
    }
    return card;
  }

  /** Bring a card up to date with OFFER (risk may rise while it is open). */
  function updateCard(card, offer) {
    const risk = String(offer.risk || 'low');
    card.dataset.risk = risk;
    // Each risk has its own words (console-offer-risk-*): "IMMINENT: may act on it now".
    card.querySelector('.offer-risk').textContent = String(offer.risk_words || '');
    const rows = document.createDocumentFragment();
    (Array.isArray(offer.rows) ? offer.rows : []).forEach((r) => {
      if (Array.isArray(r) && r.length >= 2) rows.appendChild(make('p', 'offer-row', r[0] + ': ' + r[1]));
    });
    card.querySelector('.offer-rows').replaceChildren(rows);
    if (Number.isInteger(offer.seconds_left)) {
      state.deadlines.set(String(offer.ticket), Date.now() + offer.seconds_left * 1000);
    }
    tickCard(card);
  }

  /** The seconds left on a card's offer. */
  function tickCard(card) {
    const deadline = state.deadlines.get(card.dataset.ticket);
    const left = card.querySelector('.offer-left');
    if (!deadline || !left) return;
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    left.textContent = label('offer_left', '{seconds}').replace('{seconds}', String(seconds));
  }

  /** Draw the open offers, most urgent first, at the end of the log; alert on new ones. */
  function renderOffers(offers) {
    const open = new Set(offers.map((o) => String(o.ticket)));
    el.log.querySelectorAll(':scope > .offer').forEach((card) => {
      if (!open.has(card.dataset.ticket)) {
        state.deadlines.delete(card.dataset.ticket);
        card.remove();
      }
    });
    const atEnd = view.nearBottom();
    let added = false;
    offers.forEach((offer) => {
      const ticket = String(offer.ticket);
      let card = el.log.querySelector(':scope > .offer[data-ticket="' + CSS.escape(ticket) + '"]');
      if (!card) {
        card = offerCard(offer);
        el.log.appendChild(card);
        added = true;
      }
      updateCard(card, offer);
    });
    // Keep the order the server gives (a risk that rose moves its card up), moving a card only
    // when it is out of place so a focused button keeps its focus.
    const cards = Array.from(el.log.querySelectorAll(':scope > .offer'));
    const order = offers.map((o) => String(o.ticket));
    if (cards.map((c) => c.dataset.ticket).join() !== order.join()) {
      order.forEach((ticket) => {
        const card = cards.find((c) => c.dataset.ticket === ticket);
        if (card) el.log.appendChild(card);
      });
    }
    if (added && atEnd) view.scrollToEnd();
    offers.forEach((offer) => {
      const ticket = String(offer.ticket);
      if (!state.offersSeen.has(ticket)) {
        state.offersSeen.add(ticket);
        alertOffer(offer);
      }
    });
  }

  /** A new offer: a sound, and a notification when the counselor allowed them. */
  function alertOffer(offer) {
    const imminent = offer.risk === 'imminent';
    if (soundOn()) playChime(imminent);
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const risk = String(offer.risk_words || '');
    try {
      // Nothing about the person on a lock screen (their region may be their own words): the risk
      // and "someone is waiting" only; the console shows the rest.
      const note = new Notification(risk + ' · ' + label('offer_title', ''), {
        body: '',
        tag: 'tsunagari-offer-' + offer.ticket,
        requireInteraction: imminent,
      });
      note.onclick = () => { window.focus(); note.close(); };
    } catch (err) {
      // Some browsers allow notifications only from a service worker: the sound and the card remain.
    }
  }

  /** The audio context, made (or woken) after the counselor's first tap or key. */
  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === 'suspended' && audio.resume) audio.resume().catch(() => {});
    return audio;
  }

  /** A short chime; three urgent beeps for an imminent offer. No sound files. */
  function playChime(imminent) {
    const context = audioContext();
    if (!context) return;
    const notes = imminent ? [988, 988, 988] : [660, 880];
    const step = imminent ? 0.22 : 0.18;
    notes.forEach((frequency, i) => {
      try {
        const start = context.currentTime + i * step;
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.type = imminent ? 'square' : 'sine';
        oscillator.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(imminent ? 0.25 : 0.18, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + step * 0.9);
        oscillator.connect(gain);
        gain.connect(context.destination);
        oscillator.start(start);
        oscillator.stop(start + step);
      } catch (err) {
        // No audio output: the card and the title still show the offer.
      }
    });
  }

  // ---- messages -------------------------------------------------------------------------

  /** Role label, only if the server sent one for that role (the console is mostly visual). */
  function roleLabel(role) {
    return role === 'system' ? '' : label(role, '');
  }

  /** What a row of buttons is about, from its options' ids: [kind, ticket]. */
  function optionKind(options) {
    const first = Array.isArray(options) && options[0] && options[0].id != null
      ? String(options[0].id) : '';
    let match = /^close:[^:]+:(t\d+)$/.exec(first);
    if (match) return ['close', match[1]];
    match = /^refer:(t\d+):/.exec(first);
    if (match) return ['refer', match[1]];
    if (first === 'still_here') return ['still_here', ''];
    return ['other', ''];
  }

  /**
   * The element for one message M (text nodes only: the service's words for the counselor and
   * the person's words alike are never links here), with its option buttons when WITHOPTIONS.
   */
  function messageElement(m, withOptions) {
    const role = T.normalRole(m.role);
    const item = make('li', 'msg msg-' + role);
    item.dataset.role = role;
    if (m.ticket) item.dataset.ticket = String(m.ticket);
    if (role !== 'system') {
      const name = make('span', 'msg-label', roleLabel(role));
      name.dataset.role = role;
      item.appendChild(name);
    }
    const text = make('div', 'msg-text', m.text == null ? '' : m.text);
    item.appendChild(text);
    const row = withOptions ? T.optionRow(m.options, chooseOption) : null;
    if (row) {
      const [kind, ticket] = optionKind(m.options);
      row.dataset.kind = kind;
      if (ticket) row.dataset.ticket = ticket;
      item.classList.add('msg-with-options');
      // The group is named by the question it answers ("How did it end?").
      text.id = 'msg-' + (++serial);
      row.setAttribute('aria-labelledby', text.id);
      item.appendChild(row);
    }
    return item;
  }

  /**
   * Remove buttons that no longer mean anything: an outcome or a service for a conversation no
   * longer held; an older "still here" or other question once a newer one came.
   */
  function retireOptions() {
    const held = new Set(state.status.conversations || []);
    const rows = Array.from(el.log.querySelectorAll(':scope > .msg:not(.offer) .options'));
    const newest = {};
    rows.forEach((row) => { newest[row.dataset.kind || 'other'] = row; });
    rows.forEach((row) => {
      const kind = row.dataset.kind || 'other';
      const stale = (kind === 'close' || kind === 'refer')
        ? !held.has(row.dataset.ticket)
        : newest[kind] !== row;
      if (stale) row.remove();
    });
  }

  /** Append one message before the open offers (they stay at the end, in view). */
  function appendMessage(m) {
    const node = messageElement(m, true);
    const atEnd = view.nearBottom() || m.role === 'counselor';
    el.log.insertBefore(node, el.log.querySelector(':scope > .offer'));
    retireOptions();
    if (atEnd) view.scrollToEnd();
  }

  /** The "history" frame: the conversation's messages, before any open offer. */
  function showHistory(messages) {
    const offers = Array.from(el.log.querySelectorAll(':scope > .offer'));
    view.showHistory(messages, (m) => messageElement(m, false));
    offers.forEach((card) => el.log.appendChild(card));
    view.scrollToEnd();
  }

  /** An "erase" frame: the person erased their data; remove every trace of them from the page. */
  function applyErase(msg) {
    const tickets = Array.isArray(msg.tickets) ? msg.tickets.map(String) : [];
    if (!tickets.length) return;
    el.log.querySelectorAll('[data-ticket]').forEach((node) => {
      if (tickets.indexOf(node.dataset.ticket) >= 0 && node.parentNode === el.log) node.remove();
    });
    if (state.conversationId && tickets.indexOf(state.conversationId) >= 0) {
      state.conversationId = null;
      state.status.conversation = null;
      renderSummary(null);
    }
    if (msg.text) view.showNotice(msg.text);
    render();
  }

  /** An option was tapped: send it and disable its row so it cannot be sent twice. */
  function chooseOption(button, row) {
    if (button.disabled) return;
    audioContext(); // a tap: the browser now lets the console make a sound
    if (!conn.send({ type: 'option', value: button.dataset.id })) return;
    row.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    button.classList.add('chosen');
    // The focused button just became disabled; keep focus in the conversation rather than
    // losing it to <body> (a new conversation then moves it to the composer).
    el.scroller.focus({ preventScroll: true });
  }

  /** A notice in the log for an "error" message; a fatal one (a wrong key) stops the page. */
  function showNotice(msg) {
    if (msg.fatal) {
      if (state.stopped) return;
      state.stopped = true;
      conn.stop();
    }
    view.showNotice(msg.text);
    // A refused command (e.g. nobody waiting after Next) must not leave its button disabled.
    render();
  }

  /** A command button: send it and disable the button until the server's next status. */
  function command(type, button) {
    audioContext(); // a tap: the browser now lets the console make a sound
    if (conn.send({ type: type }) && button) button.disabled = true;
  }

  /** Route one server frame to its handler. */
  function onMessage(msg) {
    if (state.stopped) return;
    if (msg.type === 'ui') applyUi(msg);
    else if (msg.type === 'status') applyStatus(msg);
    else if (msg.type === 'history') showHistory(msg.messages);
    else if (msg.type === 'message') appendMessage(msg);
    else if (msg.type === 'erase') applyErase(msg);
    else if (msg.type === 'error') showNotice(msg);
  }

  /** Every change of the connection re-renders the controls and #status. */
  function onPhase(phase) {
    if (phase !== 'connecting') render();
  }

  /** Wire the page. */
  function main() {
    el = T.elements([
      'title', 'status', 'status-text', 'waiting', 'waiting-label', 'online', 'offline',
      'sound', 'notify', 'summary-heading', 'no-conversation', 'paused-note', 'summary', 'next',
      'switch', 'end', 'scroller', 'log', 'composer', 'input', 'input-label', 'send', 'send-label',
    ]);
    view = T.logView(el.scroller, el.log);
    conn = T.connection({ url: socketUrl, onMessage: onMessage, onPhase: onPhase });
    renderSummary(null);
    el.online.addEventListener('click', () => command('online', el.online));
    el.offline.addEventListener('click', () => command('offline', el.offline));
    el.next.addEventListener('click', () => command('next', el.next));
    el.switch.addEventListener('click', () => command('switch', el.switch));
    el.end.addEventListener('click', () => command('end', el.end));
    el.sound.addEventListener('click', () => {
      try {
        localStorage.setItem(SOUND_KEY, soundOn() ? 'off' : 'on');
      } catch (err) {
        // Private mode without storage: the toggle lasts only this page.
      }
      if (soundOn()) playChime(false);
      render();
    });
    el.notify.addEventListener('click', () => {
      audioContext();
      if ('Notification' in window && Notification.requestPermission) {
        Promise.resolve(Notification.requestPermission()).then(render, render);
      }
    });
    // Browsers allow sound only after a gesture: the first tap or key wakes the audio up.
    const wake = () => audioContext();
    document.addEventListener('pointerdown', wake, { once: true });
    document.addEventListener('keydown', wake, { once: true });
    setInterval(() => el.log.querySelectorAll(':scope > .offer').forEach(tickCard), 1000);
    T.composer(el.composer, el.input, MAX_INPUT_ROWS_PX, conn);
    conn.start();
  }

  T.onReady(main);
}());
