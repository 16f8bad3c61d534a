// The player controller: join or resume, answer, see how it went.
import { Conn, Countdown } from "./conn.js";
import {
  $, el, clear, show, announce, optionFace, optionClass, optionLabel, KIND_NAMES,
  formatScore, ordinal, errorText, storageGet, storageSet, focusView, nicknameProblem, plural, sentence,
} from "./ui.js";

const JOIN_KEY = "quizroom.join";
const SEAT_KEY = "quizroom.player";
const HELLO_ID = "hello";
const ANSWER_KEY = "quizroom.answer"; // what this phone answered, for the reveal after a reload

let seat = storageGet(sessionStorage, SEAT_KEY);
let join = storageGet(sessionStorage, JOIN_KEY);
if (!seat && !join) seat = storageGet(localStorage, SEAT_KEY); // the tab was discarded
if (join && seat && (seat.pin !== join.pin || seat.nickname !== join.nickname)) seat = null;

let awaitingWelcome = true;
let question = null; // the question on screen
let answered = false;
let picks = new Set();
let phase = "";
let lastAnswerText = "";
let myId = seat ? seat.player_id : "";
let score = 0;
let lastReveal = null;
let review = null;

const conn = new Conn(hello, { onMessage: receive, onStatus: status, onClose: closed });
const countdown = new Countdown(conn, $("#q-timer"), $("#q-timebar"));

$("#nick-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const nickname = $("#nick-input").value.trim().replace(/\s+/g, " ");
  const problem = nicknameProblem(nickname);
  if (problem) { $("#nick-error").textContent = problem; $("#nick-input").focus(); return; }
  join = { pin: join ? join.pin : seat.pin, nickname };
  seat = null;
  storageSet(sessionStorage, JOIN_KEY, join);
  show("v-connecting");
  conn.start();
});
document.addEventListener("keydown", onKey);
$("#leave-btn").addEventListener("click", () => $("#leave-dialog").showModal());
$("#leave-cancel").addEventListener("click", () => $("#leave-dialog").close());
$("#leave-confirm").addEventListener("click", leave);

// present shows a view and, when it was not already on screen (or refocus
// says the content is new), moves focus to its heading.
function present(viewId, refocus = false) {
  const fresh = $("#" + viewId).hidden;
  show(viewId);
  $("#leave-btn").hidden = !seat || !["v-lobby", "v-question", "v-result", "v-standing"].includes(viewId);
  if (fresh || refocus) focusView(viewId);
}

// leave gives the seat up for good: the server is told, and the resume token
// is forgotten so a reload cannot bring this phone back into the game.
function leave() {
  $("#leave-dialog").close();
  const sent = conn.send({ type: "leave" });
  forget();
  ended("You left the game", "Your seat is given up. Thanks for playing!");
  // The server closes the connection after a leave; stop anyway if it does not.
  if (sent) setTimeout(() => conn.stop(), 3000);
  else conn.stop();
}

if (!seat && !join) {
  ended("Not in a game", "Enter a game PIN to join a game.");
} else {
  $("#me-nick").textContent = (seat || join).nickname || "";
  conn.start();
}

function hello() {
  awaitingWelcome = true;
  if (seat && seat.resume_token) return { type: "resume", id: HELLO_ID, pin: seat.pin, resume_token: seat.resume_token };
  return { type: "join", id: HELLO_ID, pin: join.pin, nickname: join.nickname };
}

function status(s) {
  const banner = $("#conn-banner");
  if (s === "reconnecting") {
    banner.hidden = false;
    banner.textContent = "Connection lost. Reconnecting… your score is safe.";
    document.body.classList.add("offline");
  } else if (s === "open" || s === "closed") {
    banner.hidden = true;
    banner.textContent = "";
    document.body.classList.remove("offline");
  }
}

// Close codes of transport/ws: 4002 kicked, 4000 resumed elsewhere, 1000 with
// "game over" or "left the game" final. Anything else (network, restart, slow
// link, room moved) means "resume".
function closed(ev) {
  const reason = String(ev.reason || "");
  if (ev.code === 4002 || /kick/i.test(reason)) { kicked(); return true; }
  if (ev.code === 4000) {
    ended("Playing elsewhere", "You opened this game in another tab or device, so this one stopped. Carry on there.");
    return true;
  }
  if (ev.code === 1000 && /game over|left/i.test(reason)) {
    if (phase !== "ended" && phase !== "final") ended("Game over", "This game is over.");
    return true;
  }
  return phase === "stopped" || phase === "ended";
}

function receive(msg) {
  switch (msg.type) {
    case "welcome": return welcome(msg);
    case "state": return applyState(msg.state || msg);
    case "error": return error(msg);
    case "player_joined":
      $("#lobby-count").textContent = plural(msg.count, "player");
      return;
    case "player_left":
      if (msg.player_id === myId && msg.kicked !== false) kicked();
      else if (msg.count !== undefined) $("#lobby-count").textContent = plural(msg.count, "player");
      return;
    case "question": return showQuestion(msg, msg.deadline_ms, null, null);
    case "answer_ack": return ack(msg);
    case "kicked": return kicked();
    case "paused":
      if (phase !== "question") return;
      countdown.pause(msg.remaining_ms);
      $("#q-paused").hidden = false;
      announce("The host paused the game.");
      return;
    case "resumed":
    case "extended":
      if (phase !== "question") return;
      if (msg.type === "resumed") $("#q-paused").hidden = true;
      if (!$("#q-paused").hidden && msg.remaining_ms) countdown.pause(msg.remaining_ms);
      else if (msg.deadline_ms) countdown.run(msg.deadline_ms, Math.max(countdown.total, msg.deadline_ms - conn.serverNow()));
      if (msg.type === "extended") announce("The host added more time.");
      return;
    case "reveal": return showReveal(msg);
    case "leaderboard": return showStanding(msg);
    case "podium": return showFinal(msg);
    case "review":
      review = msg.missed || [];
      return paintReview();
    case "ended":
      if (phase !== "final") ended("Game over", msg.reason === "finished" ? "Thanks for playing!" : "The host ended the game.");
      forget();
      return;
  }
}

function welcome(msg) {
  awaitingWelcome = false;
  myId = msg.player_id || myId;
  seat = { pin: msg.pin, resume_token: msg.resume_token || (seat && seat.resume_token), player_id: myId, nickname: msg.nickname || (join && join.nickname) };
  storageSet(sessionStorage, SEAT_KEY, seat);
  storageSet(localStorage, SEAT_KEY, seat);
  storageSet(sessionStorage, JOIN_KEY, null);
  storageSet(localStorage, "quizroom.nickname", seat.nickname);
  join = null;
  $("#me-nick").textContent = seat.nickname;
  document.title = `${seat.nickname} · Quizroom`;
  applyState(msg.state || {});
}

function applyState(st) {
  if (st.score !== undefined) setScore(st.score);
  switch (st.phase) {
    case "question": {
      const q = { ...(st.question || {}) };
      if (st.q !== undefined) q.q = st.q;
      if (st.total !== undefined) q.total = st.total;
      let deadline = q.deadline_ms;
      if (st.remaining_ms !== undefined) deadline = (st.server_ms || conn.serverNow()) + st.remaining_ms;
      // The room's word on whether it has the answer: one sent on a
      // connection that died before its ack (an instance lost mid-question)
      // never reached it, so the player must be able to answer again.
      if (!st.answered) answered = false;
      showQuestion(q, deadline, st.paused ? st.remaining_ms : null, st.answered ? (st.your_answer || {}) : null);
      return;
    }
    case "reveal":
      if (st.question) question = st.question;
      if (st.last_reveal) showReveal(st.last_reveal);
      return;
    case "leaderboard":
      if (st.leaderboard) showStanding(st.leaderboard);
      return;
    case "podium":
    case "ended":
      if (st.podium) showFinal(st.podium);
      else ended("Game over", st.end_reason === "host_ended" ? "The host ended the game." : "This game is over.");
      return;
    default:
      phase = "lobby";
      if (st.count !== undefined) $("#lobby-count").textContent = plural(st.count, "player");
      present("v-lobby");
      announce("You're in. Waiting for the host to start.");
  }
}

function error(msg) {
  const text = errorText(msg.code, msg.message);
  if (awaitingWelcome || msg.re === HELLO_ID) {
    conn.stop();
    const nick = (join && join.nickname) || (seat && seat.nickname) || "";
    if (["nickname_taken", "invalid_nickname"].includes(msg.code)) {
      askNickname(text, nick);
    } else if (seat && ["bad_resume_token", "unknown_player"].includes(msg.code)) {
      // The seat is gone (for example the game restarted): join again as a new player.
      const pin = seat.pin;
      forget();
      join = { pin, nickname: nick };
      askNickname(text, nick);
    } else {
      forget();
      ended("Can't join", text);
    }
    return;
  }
  if (msg.code === "kicked") return kicked();
  if (phase === "question") $("#q-error").textContent = text;
  else announce(text, true);
}

function askNickname(text, nick) {
  phase = "stopped";
  $("#nick-error").textContent = text;
  $("#nick-input").value = nick;
  show("v-nick");
  $("#nick-input").focus();
  $("#nick-input").select();
}

function kicked() {
  forget();
  conn.stop();
  ended("Removed from the game", errorText("kicked"));
}

function forget() {
  storageSet(sessionStorage, SEAT_KEY, null);
  storageSet(localStorage, SEAT_KEY, null);
  seat = null;
}

function ended(title, text) {
  phase = "ended";
  countdown.stop();
  $("#e-title").textContent = title;
  $("#e-text").textContent = text;
  present("v-ended");
  announce(`${title}. ${text}`);
}

function setScore(n) {
  score = n || 0;
  $("#me-score").textContent = formatScore(score);
  $("#me-score-box").hidden = false;
}

function showQuestion(q, deadline, pausedLeft, yourAnswer) {
  const fresh = !question || question.q !== q.q || phase !== "question";
  phase = "question";
  question = q;
  if (fresh) { answered = false; picks = new Set(); }
  $("#q-num").textContent = `${q.q + 1} / ${q.total}`;
  $("#q-num").setAttribute("aria-label", `Question ${q.q + 1} of ${q.total}`);
  $("#q-kind").textContent = KIND_NAMES[q.kind] || q.kind;
  $("#q-prompt").textContent = q.prompt;
  $("#q-double").hidden = !q.double_points;
  $("#q-paused").hidden = pausedLeft === null || pausedLeft === undefined;
  $("#q-error").textContent = "";
  const total = q.time_ms || Math.max(1000, (deadline || 0) - conn.serverNow());
  countdown.total = total;
  if (pausedLeft !== null && pausedLeft !== undefined) countdown.pause(pausedLeft);
  else countdown.run(deadline || conn.serverNow() + total, total);
  paintAnswerArea();
  if (yourAnswer) {
    lastAnswerText = describe(yourAnswer);
    remember(lastAnswerText);
    received(lastAnswerText);
  }
  else $("#q-received").hidden = true;
  present("v-question", fresh);
  const spoken = q.kind === "typed" ? " Type your answer." :
    " Options: " + (q.options || []).map((t, i) => `${i + 1}, ${optionLabel(i)}: ${t}`).join("; ");
  if (fresh) announce(`Question ${q.q + 1} of ${q.total}. ${sentence(q.prompt)}${spoken}`);
}

function paintAnswerArea() {
  const q = question;
  const box = clear($("#q-answer"));
  // A new question's options start enabled and at full strength; the class
  // came back on every question after the first answered one.
  box.classList.toggle("locked", answered);
  if (q.kind === "typed") {
    const form = el("form", { class: "typed-form", id: "typed-form", novalidate: true },
      el("label", { for: "typed-input", class: "sr-only", text: "Your answer" }),
      el("input", { id: "typed-input", class: "big-input", autocomplete: "off", autocapitalize: "off", spellcheck: "false", maxlength: 200, placeholder: "Type your answer" }),
      el("button", { type: "submit", class: "btn btn-primary btn-big", text: "Send answer" }));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = $("#typed-input").value.trim();
      if (!text) { $("#q-error").textContent = "Type an answer first."; return; }
      send({ text }, text);
    });
    box.append(form);
    return;
  }
  const multi = q.kind === "multi";
  const grid = el("div", { class: "answer-grid", role: "group", "aria-label": multi ? "Pick all that apply" : "Answers" },
    (q.options || []).map((text, i) => el("button", {
      type: "button", class: `${optionClass(i)} answer-btn`, "data-index": i,
      "aria-pressed": multi ? "false" : null,
      "aria-keyshortcuts": String(i + 1),
      onclick: () => pick(i),
    }, optionFace(i, text))));
  box.append(grid);
  if (multi) {
    box.append(el("button", { type: "button", id: "multi-send", class: "btn btn-primary btn-big", text: "Send answer", onclick: sendMulti }));
  }
}

function pick(i) {
  if (answered || phase !== "question") return;
  const q = question;
  if (q.kind === "multi") {
    if (picks.has(i)) picks.delete(i); else picks.add(i);
    const btn = document.querySelector(`.answer-btn[data-index="${i}"]`);
    if (btn) btn.setAttribute("aria-pressed", String(picks.has(i)));
    return;
  }
  send({ choice: i }, `${optionLabel(i)}: ${q.options[i]}`, [i]);
}

function sendMulti() {
  if (picks.size === 0) { $("#q-error").textContent = "Pick at least one answer."; return; }
  const choices = [...picks].sort();
  send({ choices }, choices.map((i) => question.options[i]).join(", "), choices);
}

function send(body, text, chosen) {
  if (answered) return;
  const ok = conn.send({ type: "answer", q: question.q, ...body });
  if (!ok) { $("#q-error").textContent = "Not connected. Your answer will need to be sent again when we're back."; return; }
  answered = true;
  lastAnswerText = text;
  remember(text);
  for (const b of document.querySelectorAll("#q-answer button, #q-answer input")) b.disabled = true;
  for (const i of chosen || []) {
    const btn = document.querySelector(`.answer-btn[data-index="${i}"]`);
    if (btn) btn.classList.add("chosen");
  }
  received(text, "Sending…");
}

function received(text, title = "Answer received") {
  answered = true;
  for (const b of document.querySelectorAll("#q-answer button, #q-answer input")) b.disabled = true;
  $("#q-answer").classList.add("locked");
  $("#received-text").textContent = title;
  $("#received-sub").textContent = text ? `${sentence(`You answered: ${text}`)} Waiting for the others…` : "Waiting for the others…";
  $("#q-received").hidden = false;
}

function ack(msg) {
  if (!question || msg.q !== question.q) return;
  if (msg.accepted) {
    received(lastAnswerText);
    announce("Answer received.");
  } else if (msg.code === "already_answered") {
    received(lastAnswerText);
  } else {
    answered = false;
    $("#q-answer").classList.remove("locked");
    $("#q-received").hidden = true;
    const late = ["too_late", "closed", "question_closed", "not_in_question"].includes(msg.code);
    $("#q-error").textContent = late ? "Time's up: that answer came too late." : errorText(msg.code, msg.message);
    if (!late) for (const b of document.querySelectorAll("#q-answer button, #q-answer input")) b.disabled = false;
  }
}

// remember keeps the answer text of the open question, so the reveal can
// show the player what they picked (also after a reload).
function remember(text) {
  if (!question) return;
  storageSet(sessionStorage, ANSWER_KEY, { pin: seat ? seat.pin : join && join.pin, q: question.q, text });
}

function rememberedAnswer(q) {
  const a = storageGet(sessionStorage, ANSWER_KEY);
  const pin = seat ? seat.pin : join && join.pin;
  return a && a.q === q && a.pin === pin ? a.text : null;
}

function describe(a) {
  if (!question) return "";
  if (a.text !== undefined) return a.text;
  if (a.choice !== undefined) return `${optionLabel(a.choice)}: ${(question.options || [])[a.choice] ?? ""}`;
  if (a.choices) return a.choices.map((i) => (question.options || [])[i]).join(", ");
  return "";
}

function showReveal(r) {
  phase = "reveal";
  lastReveal = r;
  countdown.stop();
  const you = r.you || {};
  const q = question && question.q === r.q ? question : { options: [] };
  const poll = r.kind === "poll";
  const card = $("#r-card");
  card.classList.remove("good", "bad", "none");
  let verdict;
  let icon;
  if (poll) { verdict = "Thanks for voting"; icon = ["none", "✓"]; }
  else if (r.skipped) { verdict = "Skipped"; icon = ["none", "–"]; }
  else if (!you.answered) { verdict = "Time's up: no answer"; icon = ["none", "–"]; }
  else if (you.correct) { verdict = "Correct!"; icon = ["good", "✓"]; }
  else { verdict = "Not this time"; icon = ["bad", "✗"]; }
  card.classList.add(icon[0]);
  $("#r-icon").className = `icon icon-${icon[0]}`;
  $("#r-icon").textContent = icon[1];
  $("#r-verdict").textContent = verdict;
  const pts = you.points || 0;
  $("#r-points").textContent = poll ? "" : r.skipped ? "The host skipped this question: no points" : `+${formatScore(pts)} points`;
  // What this player picked, next to the verdict: "Not this time" alone
  // leaves them wondering what they tapped.
  const mine = you.answered ? rememberedAnswer(r.q) : null;
  $("#r-yours-box").hidden = !you.answered;
  $("#r-yours").textContent = mine || (you.answered ? "(sent from another screen)" : "");
  $("#r-yours").className = "r-yours" + (!poll && !r.skipped && you.answered && !you.correct ? " wrong-pick" : "");
  $("#r-streak").textContent = you.streak > 1 ? `Streak: ${you.streak} in a row${you.streak_bonus ? ` (+${you.streak_bonus} bonus)` : ""}` : "";
  $("#r-rank").textContent = you.rank ? `${ordinal(you.rank)} place · ${formatScore(you.score)} points` : "";
  if (you.score !== undefined) setScore(you.score);
  const correctText = r.kind === "typed" ? (r.accept || [])[0] || r.term || "" :
    (r.correct || []).map((i) => `${optionLabel(i)}: ${(q.options || [])[i] ?? ""}`).join(", ");
  $("#r-answer").textContent = poll ? "Polls have no right answer." : correctText;
  $("#r-explanation").textContent = r.explanation || "";
  present("v-result");
  const yours = mine ? `${sentence(`You answered ${mine}`)} ` : "";
  announce(`${sentence(verdict)} ${yours}${poll || r.skipped ? "" : `${plural(pts, "point")}. `}${poll ? "" : sentence(`Correct answer: ${correctText}`)}`);
}

function showStanding(lb) {
  phase = "leaderboard";
  const you = lb.you || {};
  if (you.score !== undefined) setScore(you.score);
  $("#s-rank").textContent = you.rank ? ordinal(you.rank) : "–";
  $("#s-score").textContent = `${formatScore(you.score ?? score)} points`;
  const ahead = you.ahead;
  const text = ahead
    ? `${formatScore(ahead.score - (you.score ?? score))} points behind ${ahead.nickname}`
    : you.rank === 1 ? "You're in the lead!" : "";
  $("#s-ahead").textContent = text;
  present("v-standing");
  announce(`You are ${you.rank ? ordinal(you.rank) : "unranked"} with ${you.score ?? score} points. ${text}`);
}

function showFinal(p) {
  phase = "final";
  countdown.stop();
  const you = p.you || {};
  if (you.score !== undefined) setScore(you.score);
  $("#f-rank").textContent = you.rank ? ordinal(you.rank) : "–";
  $("#f-icon").textContent = you.rank && you.rank <= 3 ? String(you.rank) : "★";
  const n = p.players;
  $("#f-score").textContent = `${formatScore(you.score ?? score)} points${n ? ` · ${n} ${n === 1 ? "player" : "players"}` : ""}`;
  present("v-final");
  paintReview();
  announce(`Game over. You finished ${you.rank ? ordinal(you.rank) : ""} with ${you.score ?? score} points.`);
}

function paintReview() {
  if (phase !== "final" || review === null) return;
  const list = clear($("#review-list"));
  $("#review-none").textContent = review.length === 0 ? "You got every question right. Nothing to review!" :
    `${review.length} ${review.length === 1 ? "question" : "questions"} to look at again:`;
  for (const m of review) {
    list.append(el("li", { class: "review-item" },
      el("p", { class: "review-q", text: `${m.q + 1}. ${m.prompt}` }),
      el("p", {}, el("span", { class: "muted", text: "You answered: " }), el("span", { class: "your-answer", text: m.your_answer || "(no answer)" })),
      el("p", {}, el("span", { class: "muted", text: "Correct: " }), el("strong", { class: "correct-answer", text: m.correct_answer })),
      m.explanation ? el("p", { class: "review-expl", text: m.explanation }) : null));
  }
}

function onKey(ev) {
  if (phase !== "question" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.target.closest && ev.target.closest("input, textarea, select")) return;
  const n = Number(ev.key);
  if (n >= 1 && n <= 4 && question && question.options && n <= question.options.length && question.kind !== "typed") {
    ev.preventDefault();
    pick(n - 1);
  } else if (ev.key === "Enter" && !(ev.target.closest && ev.target.closest("button")) && question && question.kind === "multi" && !answered) {
    ev.preventDefault();
    sendMulti();
  }
}

