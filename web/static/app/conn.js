// Conn is the page's WebSocket to the server (protocol quizroom.v1). It
// reconnects with backoff (after a drop, a phone waking up or a network
// change), estimates the server clock offset from pongs, asks for a fresh
// state on a gap in seq, and drops frames of an older owner_term.

const PROTOCOL = "quizroom.v1";
const PING_EVERY_MS = 5000;
const PONG_TIMEOUT_MS = 12000;
const MAX_BACKOFF_MS = 5000;
// Retryable refusals (docs/protocol.md) are sent again after a backoff;
// the page hears of one only when every try is refused.
const RETRYABLE = new Set(["room_busy", "rate_limited", "unavailable"]);
const MAX_RETRIES = 6;
const MAX_INFLIGHT = 32;

export class Conn {
  // hello() returns the first message for each (re)connection.
  // handlers: onMessage(msg), onStatus(status, detail), onClose(event) -> true to stop.
  constructor(hello, handlers) {
    this.hello = hello;
    this.handlers = handlers;
    this.ws = null;
    this.stopped = false;
    this.attempt = 0;
    this.lastSeq = 0;
    this.term = 0;
    this.offset = 0;
    this.bestRtt = Infinity;
    this.rttSamples = [];
    this.lastPongAt = 0;
    this.timer = null;
    this.pinger = null;
    this.nextId = 1;
    // Messages sent on this socket and not yet answered, by id, for retries.
    this.inflight = new Map();
    window.addEventListener("online", () => this.kick());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.kick();
    });
  }

  // serverNow is the current time on the server clock, in Unix ms.
  serverNow() {
    return Date.now() + this.offset;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
  }

  // kick reconnects now if the socket is not healthy (used on wake-up and "online").
  kick() {
    if (this.stopped) return;
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN && Date.now() - this.lastPongAt < PONG_TIMEOUT_MS) {
      this.ping();
      return;
    }
    if (ws && ws.readyState === WebSocket.CONNECTING) return;
    this.drop();
    clearTimeout(this.timer);
    this.open();
  }

  drop() {
    if (!this.ws) return;
    const ws = this.ws;
    this.ws = null;
    ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
    try { ws.close(4000, "reconnecting"); } catch { /* already closed */ }
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}/ws`, PROTOCOL);
    } catch (err) {
      this.retry();
      return;
    }
    this.ws = ws;
    this.inflight.clear(); // a new connection: the page resends what matters
    this.handlers.onStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    ws.onopen = () => {
      this.lastPongAt = Date.now();
      this.send(this.hello());
      this.ping();
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.heartbeat(), PING_EVERY_MS);
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      this.receive(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pinger);
      if (this.stopped) return;
      if (this.handlers.onClose && this.handlers.onClose(ev)) {
        this.stopped = true;
        this.handlers.onStatus("closed", ev);
        return;
      }
      this.retry();
    };
  }

  retry() {
    this.attempt++;
    this.handlers.onStatus("reconnecting");
    const base = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.attempt, 5));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), base / 2 + Math.random() * base / 2);
  }

  heartbeat() {
    if (Date.now() - this.lastPongAt > PONG_TIMEOUT_MS) {
      // The network went away without a close (phone asleep, Wi-Fi to cellular).
      this.drop();
      this.retry();
      return;
    }
    this.ping();
  }

  ping() {
    this.send({ type: "ping", t: Date.now() });
  }

  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    if (msg.id === undefined && msg.type !== "ping") msg.id = "c" + this.nextId++;
    this.ws.send(JSON.stringify(msg));
    if (msg.id !== undefined) {
      this.inflight.set(msg.id, { msg, tries: 0, ws: this.ws });
      if (this.inflight.size > MAX_INFLIGHT) this.inflight.delete(this.inflight.keys().next().value);
    }
    return msg.id ?? true;
  }

  // retried reports whether msg is a retryable refusal (then resent).
  retried(msg) {
    if (msg.re === undefined || !this.inflight.has(msg.re)) return false;
    const sent = this.inflight.get(msg.re);
    if (msg.type !== "error" || !RETRYABLE.has(msg.code) || sent.tries >= MAX_RETRIES) {
      this.inflight.delete(msg.re);
      return false;
    }
    sent.tries++;
    const base = Math.min(MAX_BACKOFF_MS, 100 * 2 ** sent.tries);
    setTimeout(() => {
      if (this.ws !== sent.ws || sent.ws.readyState !== WebSocket.OPEN) return;
      sent.ws.send(JSON.stringify(sent.msg));
    }, base / 2 + Math.random() * base / 2);
    return true;
  }

  receive(msg) {
    if (msg.owner_term < this.term) return;
    if (msg.owner_term) this.term = msg.owner_term;
    if (this.retried(msg)) return;
    switch (msg.type) {
      case "pong": {
        const now = Date.now();
        this.lastPongAt = now;
        const rtt = now - msg.t;
        if (rtt >= 0) {
          this.rttSamples.push({ rtt, offset: msg.server_ms - (msg.t + rtt / 2) });
          if (this.rttSamples.length > 8) this.rttSamples.shift();
          // The sample with the smallest round trip has the least skew.
          const best = this.rttSamples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
          this.offset = best.offset;
          this.bestRtt = best.rtt;
        }
        return;
      }
      case "welcome":
        this.attempt = 0;
        if (this.rttSamples.length === 0 && msg.server_ms) this.offset = msg.server_ms - Date.now();
        this.lastSeq = msg.seq || 0;
        this.handlers.onStatus("open");
        break;
      case "state":
        this.lastSeq = msg.seq || this.lastSeq;
        break;
      case "reconnect":
        // The server is going away; come back after the pause it asks for.
        this.drop();
        clearTimeout(this.timer);
        this.handlers.onStatus("reconnecting");
        this.timer = setTimeout(() => this.open(), msg.after_ms || 500);
        return;
      default:
        if (typeof msg.seq === "number" && msg.seq > 0) {
          if (this.lastSeq && msg.seq > this.lastSeq + 1) {
            this.lastSeq = msg.seq;
            this.send({ type: "sync" });
          } else if (msg.seq > this.lastSeq) {
            this.lastSeq = msg.seq;
          }
        }
    }
    this.handlers.onMessage(msg);
  }
}

// Countdown keeps a <time>-like element showing whole seconds left until a
// server-clock deadline, and an optional progress bar.
export class Countdown {
  constructor(conn, textEl, barEl) {
    this.conn = conn;
    this.textEl = textEl;
    this.barEl = barEl;
    this.deadline = 0;
    this.total = 1;
    this.pausedLeft = null;
    this.timer = null;
  }

  run(deadlineMs, totalMs) {
    this.deadline = deadlineMs;
    this.total = totalMs || this.total;
    this.pausedLeft = null;
    this.tick();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 200);
  }

  pause(remainingMs) {
    this.pausedLeft = remainingMs;
    clearInterval(this.timer);
    this.paint(remainingMs);
  }

  stop() {
    clearInterval(this.timer);
  }

  left() {
    if (this.pausedLeft !== null) return this.pausedLeft;
    return Math.max(0, this.deadline - this.conn.serverNow());
  }

  tick() {
    const left = this.left();
    this.paint(left);
    if (left <= 0) clearInterval(this.timer);
  }

  paint(left) {
    // Never show more than the question's time: the clock offset settles
    // over the first pongs and may start a few ms off.
    const secs = Math.min(Math.ceil(left / 1000), Math.ceil(this.total / 1000));
    if (this.textEl.textContent !== String(secs)) this.textEl.textContent = String(secs);
    this.textEl.classList.toggle("urgent", secs <= 5 && secs > 0);
    if (this.barEl) {
      const frac = Math.max(0, Math.min(1, left / this.total));
      this.barEl.style.transform = `scaleX(${frac})`;
    }
  }
}
