// Stage renders the shared big screen (host and display): lobby, question,
// reveal, leaderboard, podium and per-question accuracy, from protocol messages.
import { Countdown } from "./conn.js";
import {
  el, clear, announce, optionFace, optionClass, optionLabel, KIND_NAMES,
  formatScore, ordinal, plural, sentence,
} from "./ui.js";

export class Stage {
  // root: the element the stage draws into. opts.host: callbacks for host-only
  // controls in the lobby (kick(id)); opts.onPhase(phase) after each change.
  constructor(conn, root, opts = {}) {
    this.conn = conn;
    this.root = root;
    this.opts = opts;
    this.pin = "";
    this.joinUrl = "";
    this.qrSrc = "";
    this.players = new Map();
    this.locked = false;
    this.phase = "";
    this.question = null;
    this.answered = 0;
    this.playerCount = 0;
    this.offline = 0;
    this.endReason = "";
    this.joinLocalOnly = false;
    this.paused = false;
    this.countdown = null;
    this.stats = null;
    this.podium = null;
  }

  setPhase(phase) {
    if (this.countdown && phase !== "question") this.countdown.stop();
    this.phase = phase;
    this.root.dataset.phase = phase;
    if (this.opts.onPhase) this.opts.onPhase(phase);
  }

  handle(msg) {
    switch (msg.type) {
      case "welcome":
      case "state":
        this.applyState(msg.state || msg);
        break;
      case "lobby":
        this.players = new Map((msg.players || []).map((p) => [p.id, p]));
        this.locked = !!msg.locked;
        if (this.phase === "lobby" || this.phase === "") this.renderLobby();
        break;
      case "player_joined": {
        // Joins are coalesced: msg.players lists everyone since the last one.
        const joined = msg.players || [msg.player];
        for (const p of joined) this.players.set(p.id, p);
        if (this.phase === "lobby") {
          this.renderLobby();
          const who = joined.length === 1 ? joined[0].nickname : `${joined.length} players`;
          announce(`${who} joined. ${plural(this.players.size, "player")}.`);
        }
        break;
      }
      case "player_left":
        this.players.delete(msg.player_id);
        if (this.phase === "lobby") this.renderLobby();
        break;
      case "player_connection": {
        const p = this.players.get(msg.player_id);
        if (p) p.connected = msg.connected;
        if (this.phase === "lobby") this.renderLobby();
        break;
      }
      case "locked":
        this.locked = !!msg.locked;
        if (this.phase === "lobby") this.renderLobby();
        announce(this.locked ? "Joining is locked." : "Joining is open again.");
        break;
      case "question":
        this.paused = false;
        this.answered = 0;
        this.renderQuestion(msg, msg.deadline_ms, null);
        break;
      case "answers_count":
        this.answered = msg.answered;
        this.playerCount = msg.players;
        this.offline = msg.offline || 0;
        this.paintAnswered();
        break;
      case "paused":
        this.paused = true;
        if (this.countdown && this.phase === "question") this.countdown.pause(msg.remaining_ms);
        this.paintPaused();
        announce("Paused");
        break;
      case "resumed":
      case "extended":
        if (msg.type === "resumed") this.paused = false;
        if (this.countdown && this.phase === "question") {
          if (this.paused && msg.remaining_ms) this.countdown.pause(msg.remaining_ms);
          else if (msg.deadline_ms) this.countdown.run(msg.deadline_ms, Math.max(this.countdown.total, msg.deadline_ms - this.conn.serverNow()));
        }
        this.paintPaused();
        if (msg.type === "extended") announce("More time added");
        break;
      case "reveal":
        this.paused = false;
        this.renderReveal(msg);
        break;
      case "leaderboard":
        this.paused = false;
        this.renderLeaderboard(msg);
        break;
      case "podium":
        this.podium = msg;
        this.renderPodium();
        break;
      case "stats":
        this.stats = msg;
        if (this.phase === "podium" || this.phase === "ended") this.renderPodium();
        break;
      case "ended":
        this.endReason = msg.reason || "";
        if (this.phase !== "podium") {
          this.renderEnded(msg.reason);
        } else {
          this.setPhase("ended");
          this.renderPodium();
        }
        break;
    }
  }

  applyState(state) {
    if (state.pin) this.pin = state.pin;
    if (state.players) this.players = new Map(state.players.map((p) => [p.id, p]));
    if (state.locked !== undefined) this.locked = !!state.locked;
    this.paused = !!state.paused;
    switch (state.phase) {
      case "question": {
        const q = state.question || {};
        this.paused = !!state.paused;
        this.answered = (state.answers && state.answers.answered) || 0;
        this.playerCount = (state.answers && state.answers.players) || state.count || this.players.size;
        this.offline = (state.answers && state.answers.offline) || 0;
        // remaining_ms is measured at the server's server_ms: anchor it there.
        let deadline = q.deadline_ms;
        if (state.remaining_ms !== undefined) deadline = (state.server_ms || this.conn.serverNow()) + state.remaining_ms;
        this.renderQuestion({ ...q, q: state.q ?? q.q, total: state.total ?? q.total }, deadline,
          this.paused ? state.remaining_ms : null);
        break;
      }
      case "reveal":
        if (state.question) this.question = state.question;
        if (state.last_reveal) this.renderReveal(state.last_reveal);
        break;
      case "leaderboard":
        if (state.question) this.question = state.question;
        if (state.leaderboard) this.renderLeaderboard(state.leaderboard);
        break;
      case "ended":
        this.endReason = state.end_reason || "";
        if (!state.podium && !this.podium) {
          this.renderEnded(state.end_reason);
          break;
        }
      // falls through: an ended game that had a podium keeps showing it
      case "podium":
        if (state.podium) this.podium = state.podium;
        if (state.stats) this.stats = state.stats;
        this.setPhase(state.phase);
        this.renderPodium();
        break;
      default:
        this.setPhase("lobby");
        this.renderLobby();
    }
  }

  renderEnded(reason) {
    this.setPhase("ended");
    clear(this.root).append(el("div", { class: "card center" },
      el("h2", { text: "The game has ended" }),
      el("p", { text: endedText(reason) }),
      this.opts.afterPodium ? this.opts.afterPodium() : null));
  }

  renderLobby() {
    this.setPhase("lobby");
    const host = this.opts.host;
    const pinText = this.pin.replace(/^(\d{3})(\d{3})$/, "$1 $2");
    const joinUrl = this.joinUrl || `${location.origin}/join/${this.pin}`;
    const list = el("ul", { class: "players", id: "player-list" });
    for (const p of this.players.values()) {
      list.append(el("li", { class: p.connected === false ? "player away" : "player", "data-id": p.id },
        el("span", { class: "nick", text: p.nickname }),
        p.connected === false ? el("span", { class: "tag", text: "offline" }) : null,
        host ? el("button", {
          type: "button", class: "btn btn-small btn-ghost kick",
          "aria-label": `Remove ${p.nickname}`, text: "Remove",
          onclick: () => host.kick(p.id, p.nickname),
        }) : null));
    }
    const n = this.players.size;
    clear(this.root).append(el("div", { class: "lobby" },
      el("div", { class: "join-card card" },
        el("p", { class: "join-how" }, "Join at ", el("strong", { class: "join-url", text: joinUrl.replace(/^https?:\/\//, "") })),
        el("p", { class: "pin-label", id: "pin-label", text: "Game PIN" }),
        el("p", { class: "pin", id: "pin", "aria-describedby": "pin-label", text: pinText }),
        this.qrSrc ? el("img", { class: "qr", src: this.qrSrc, alt: `QR code: scan to join game ${this.pin}`, width: 512, height: 512 }) : null,
        this.joinLocalOnly ? el("p", { class: "local-only", id: "local-only", role: "note" },
          el("strong", { text: "Phones can't open this link. " }),
          "This server has only a loopback address (localhost), which on a phone means the phone itself. Restart it with ",
          el("code", { text: "--public-url http://ADDRESS:PORT" }),
          ", using an address phones on your network can reach, or listen on the network with ",
          el("code", { text: "--addr :8080" }), ".") : null,
        this.locked ? el("p", { class: "tag tag-warn", text: "Joining is locked" }) : null),
      el("div", { class: "players-card card" },
        el("h2", {},
          el("span", { class: "count", id: "player-count", text: String(n) }),
          n === 1 ? " player" : " players"),
        n === 0 ? el("p", { class: "muted", text: "Waiting for players to join…" }) : list)));
  }

  renderQuestion(q, deadlineMs, pausedLeft) {
    this.setPhase("question");
    this.question = q;
    const timerText = el("span", { class: "timer-num", id: "timer" });
    const bar = el("div", { class: "timebar-fill" });
    const count = el("span", { class: "answered-num", id: "answered-count", text: String(this.answered) });
    this.answeredEl = count;
    this.playersEl = el("span", { text: String(this.playerCount || this.players.size || 0) });
    this.offlineEl = el("span", { class: "offline-count", id: "offline-count" });
    this.pausedTag();
    const options = q.kind === "typed"
      ? el("p", { class: "typed-hint card", text: "Type your answer on your device" })
      : el("ol", { class: `options options-${(q.options || []).length}`, "aria-label": "Answer options" },
        (q.options || []).map((text, i) => el("li", { class: optionClass(i) }, optionFace(i, text))));
    const prompt = el("h2", { class: "prompt", id: "prompt", text: q.prompt });
    // Projector layout: the question across the top, the timer and the
    // answer count large at the sides, the options filling the lower half.
    clear(this.root).append(el("div", { class: "question" },
      prompt,
      el("div", { class: "q-meta" },
        el("div", { class: "timer", role: "timer", "aria-label": "Seconds left" }, timerText),
        el("div", { class: "q-mid" },
          el("div", { class: "q-head" },
            el("span", { class: "q-num", text: `Question ${q.q + 1} of ${q.total}` }),
            el("span", { class: "tag", text: KIND_NAMES[q.kind] || q.kind }),
            q.double_points ? el("span", { class: "tag tag-gold", text: "×2 Double points" }) : null),
          el("div", { class: "timebar", "aria-hidden": "true" }, bar),
          this.pausedEl),
        el("p", { class: "answered", id: "answered" }, count,
          el("span", { class: "answered-of" }, " of ", this.playersEl, " answered"),
          this.offlineEl)),
      options));
    this.paintAnswered();
    fitText(prompt, 0.2);
    if (options.tagName === "OL") fitPage(options);
    this.countdown = new Countdown(this.conn, timerText, bar);
    const total = q.time_ms || Math.max(1000, (deadlineMs || 0) - this.conn.serverNow());
    this.countdown.total = total;
    if (pausedLeft !== null && pausedLeft !== undefined) this.countdown.pause(pausedLeft);
    else this.countdown.run(deadlineMs || this.conn.serverNow() + total, total);
    const spoken = q.kind === "typed" ? "" :
      " Options: " + (q.options || []).map((t, i) => `${optionLabel(i)}: ${t}`).join("; ");
    announce(`Question ${q.q + 1} of ${q.total}. ${sentence(q.prompt)}${spoken}`);
  }

  paintAnswered() {
    if (this.answeredEl) this.answeredEl.textContent = String(this.answered);
    if (this.playersEl && this.playerCount) this.playersEl.textContent = String(this.playerCount);
    if (this.offlineEl) {
      // "3 of 4 answered, 1 offline": a dropped phone is not a slow one.
      this.offlineEl.textContent = this.offline > 0 ? `, ${this.offline} offline` : "";
      this.offlineEl.hidden = this.offline === 0;
    }
  }

  // pausedTag makes the "Paused" notice of the view being drawn.
  pausedTag() {
    this.pausedEl = el("p", { class: "tag tag-warn paused", text: "⏸ Paused", hidden: !this.paused });
    return this.pausedEl;
  }

  paintPaused() {
    if (this.pausedEl) this.pausedEl.hidden = !this.paused;
  }

  renderReveal(r) {
    this.setPhase("reveal");
    const q = this.question && this.question.q === r.q ? this.question : { q: r.q, options: [], kind: r.kind };
    const correct = new Set(r.correct || []);
    const dist = r.distribution || [];
    const max = Math.max(1, ...dist);
    let body;
    if (r.kind === "typed" || !(q.options || []).length) {
      body = el("div", { class: "card typed-answer" },
        el("p", { class: "muted", text: "Accepted answer" }),
        el("p", { class: "big-answer", text: (r.accept || [])[0] || r.term || "" }),
        (r.accept || []).length > 1 ? el("p", { class: "muted", text: "Also accepted: " + r.accept.slice(1).join(", ") }) : null);
    } else {
      body = el("ol", { class: `options reveal options-${q.options.length}`, "aria-label": "Results per option" },
        q.options.map((text, i) => {
          const n = dist[i] || 0;
          const isCorrect = correct.has(i);
          const fill = el("span", { class: "dist-fill" });
          fill.style.width = `${(n / max) * 100}%`;
          return el("li", { class: `${optionClass(i)} ${r.kind === "poll" ? "" : isCorrect ? "correct" : "wrong"}` },
            optionFace(i, text),
            el("span", { class: "dist", "aria-label": `${n} ${n === 1 ? "answer" : "answers"}` },
              el("span", { class: "dist-track", "aria-hidden": "true" }, fill),
              el("span", { class: "dist-n", text: String(n) })),
            r.kind !== "poll" && isCorrect ? el("span", { class: "badge", text: "✓ Correct" }) : null);
        }));
    }
    const rightCount = r.correct_count ?? [...correct].reduce((s, i) => s + (dist[i] || 0), 0);
    const prompt = el("h2", { class: "prompt", text: q.prompt || "" });
    clear(this.root).append(el("div", { class: "reveal-view" },
      el("div", { class: "q-head" },
        el("span", { class: "q-num", text: `Question ${r.q + 1}${q.total ? " of " + q.total : ""}` }),
        r.term ? el("span", { class: "tag", text: r.term }) : null,
        this.pausedTag()),
      prompt,
      r.skipped ? el("p", { class: "tag tag-warn", text: "Skipped: no points for this one" }) : null,
      body,
      el("div", { class: "reveal-foot" },
        el("p", { class: "answered", id: "reveal-summary" },
          rightCount !== undefined && r.kind !== "poll"
            ? `${rightCount} of ${r.players ?? r.answered} got it right`
            : `${r.answered ?? 0} of ${r.players ?? 0} answered`),
        r.explanation ? el("div", { class: "explanation card" },
          el("h3", { text: "Why" }), el("p", { text: r.explanation })) : null)));
    fitText(prompt, 0.2);
    if (body.tagName === "OL") fitPage(body, 0.7);
    const answerText = r.kind === "typed" ? (r.accept || [])[0] :
      [...correct].map((i) => `${optionLabel(i)}: ${(q.options || [])[i]}`).join(", ");
    announce(r.kind === "poll" ? "Poll results are in." : `${sentence(`Correct answer: ${answerText}`)} ${r.explanation || ""}`.trimEnd());
  }

  renderLeaderboard(lb) {
    this.setPhase("leaderboard");
    const rows = (lb.top || []).slice(0, 5).map((p) => el("li", { class: "lb-row" },
      el("span", { class: "lb-rank", text: String(p.rank) }),
      el("span", { class: "lb-nick", text: p.nickname }),
      rankChange(p),
      el("span", { class: "lb-score", text: formatScore(p.score) })));
    clear(this.root).append(el("div", { class: "leaderboard card" },
      el("h2", { text: "Leaderboard" }),
      el("div", { class: "center" }, this.pausedTag()),
      rows.length ? el("ol", { class: "lb", id: "leaderboard" }, rows) : el("p", { class: "muted", text: "No scores yet" })));
    const top = (lb.top || [])[0];
    announce(top ? `Leaderboard. First: ${top.nickname} with ${top.score} points.` : "Leaderboard");
  }

  renderPodium() {
    const p = this.podium;
    if (this.phase !== "ended") this.setPhase("podium");
    const top = (p && p.top) || [];
    // Steps go by position; each shows its player's place, so tied players
    // read "1st" and "1st" (the server ranks ties alike).
    const step = (pos) => {
      const who = top[pos - 1];
      if (!who) return el("li", { class: `step step-${pos} empty`, "aria-hidden": "true" });
      // Position sets the place on the stand, rank the block: tied players
      // stand equally high.
      return el("li", { class: `step step-${pos} rank-${Math.min(who.rank, 3)}` },
        el("span", { class: "step-nick", text: who.nickname }),
        el("span", { class: "step-score", text: `${formatScore(who.score)} pts` }),
        el("span", { class: "step-block" }, el("span", { class: "step-place", text: ordinal(who.rank) })));
    };
    const rest = top.slice(3, 8);
    const q = this.question;
    const early = this.endReason === "host_ended" && q && q.total && q.q + 1 < q.total;
    const main = el("div", { class: "podium-main" },
      el("h2", { class: "center", text: "Final results" }),
      early ? el("p", { class: "ended-early", text: `The host ended the game after question ${q.q + 1} of ${q.total}.` }) : null,
      el("ol", { class: "podium", id: "podium", "aria-label": "Top three" }, step(2), step(1), step(3)),
      rest.length ? el("ol", { class: "lb rest", "aria-label": "Next places" }, rest.map((t) => el("li", { class: "lb-row" },
        el("span", { class: "lb-rank", text: String(t.rank) }),
        el("span", { class: "lb-nick", text: t.nickname }),
        el("span", { class: "lb-score", text: formatScore(t.score) })))) : null);
    const side = el("div", { class: "podium-side" });
    if (this.stats && (this.stats.questions || []).length) side.append(accuracyTable(this.stats));
    if (this.opts.afterPodium) side.append(this.opts.afterPodium());
    clear(this.root).append(el("div", { class: "podium-view" }, main, side.childElementCount ? side : null));
    const first = top[0];
    if (first) announce(`Winner: ${first.nickname} with ${first.score} points.`);
  }
}

function rankChange(p) {
  if (!p.prev_rank) return el("span", { class: "lb-change new", text: "new" });
  const d = p.prev_rank - p.rank;
  if (d > 0) return el("span", { class: "lb-change up", "aria-label": `up ${d}`, text: `▲ ${d}` });
  if (d < 0) return el("span", { class: "lb-change down", "aria-label": `down ${-d}`, text: `▼ ${-d}` });
  return el("span", { class: "lb-change same", "aria-label": "no change", text: "–" });
}

function accuracyTable(stats) {
  const rows = stats.questions.slice().sort((a, b) => a.accuracy - b.accuracy);
  return el("section", { class: "card accuracy", "aria-labelledby": "acc-h" },
    el("h3", { id: "acc-h", text: "How the group did (hardest first)" }),
    el("table", { class: "acc-table" },
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", text: "#" }), el("th", { scope: "col", text: "Concept" }),
        el("th", { scope: "col", text: "Correct" }))),
      el("tbody", {}, rows.map((s) => {
        const pct = Math.round((s.accuracy || 0) * 100);
        const fill = el("span", { class: "acc-fill" });
        fill.style.width = `${pct}%`;
        return el("tr", {},
          el("td", { text: String(s.q + 1) }),
          el("td", { text: s.term || s.prompt || `Question ${s.q + 1}` }),
          el("td", { class: "acc-cell" },
            el("span", { class: "acc-track", "aria-hidden": "true" }, fill),
            el("span", { text: s.poll ? "poll" : `${pct}%` })));
      }))));
}

export function endedText(reason) {
  switch (reason) {
    case "finished": return "Thanks for playing!";
    case "host_ended": case "ended_by_host": return "The host ended the game.";
    case "abandoned": case "expired": return "The game was closed after a while without activity.";
    default: return "This game is over.";
  }
}

// fitText shrinks a projector heading whose text is too long for its share
// of the screen height, in steps, never below half size. The size stays in
// viewport units: --fit scales the stylesheet's clamp(), and a resize fits again.
export function fitText(node, share = 0.3) {
  node.dataset.fit = String(share);
  shrink(node, 0.55, () => node.scrollHeight > innerHeight * share);
  bindRefit();
}

// fitPage shrinks node's text (down to least) while the page is taller than
// the screen: long options must not push the last row under the controls.
export function fitPage(node, least = 0.8) {
  node.dataset.fitPage = String(least);
  shrink(node, least, () => document.documentElement.scrollHeight > innerHeight);
  bindRefit();
}

function shrink(node, least, tooBig) {
  let f = 1;
  node.style.setProperty("--fit", "1");
  while (node.isConnected && f - 0.04 >= least && tooBig()) {
    f -= 0.04;
    node.style.setProperty("--fit", f.toFixed(2));
  }
}

let refitBound = false;
function bindRefit() {
  if (refitBound) return;
  refitBound = true;
  addEventListener("resize", () => {
    for (const n of document.querySelectorAll("[data-fit]")) fitText(n, Number(n.dataset.fit));
    for (const n of document.querySelectorAll("[data-fit-page]")) fitPage(n, Number(n.dataset.fitPage));
  });
}
