// The host page: game setup, then the shared screen with host controls.
import { Conn } from "./conn.js";
import { Stage } from "./stage.js";
import { mountOwnQuestions } from "./ownbank.js";
import { hostApi, storedHostKey } from "./hostkey.js";
import {
  $, el, clear, show, announce, api, errorText, storageGet, storageSet,
} from "./ui.js";

const HOST_KEY = "quizroom.host";
// A challenge lasts days: kept across restarts.
let game = storageGet(sessionStorage, HOST_KEY) || storageGet(localStorage, HOST_KEY);
let conn = null;
let stage = null;
let banks = [];
let total = 0;
let currentQ = -1;
let paused = false;
let locked = false;
let own = null;

const controls = $("#controls");
const buttons = {
  next: $("#btn-next"), skip: $("#btn-skip"), pause: $("#btn-pause"),
  extend: $("#btn-extend"), end: $("#btn-end"), lock: $("#btn-lock"),
};

if (game && game.pin && game.host_token) connect();
else setup();

async function setup() {
  show("setup");
  const form = $("#setup-form");
  form.addEventListener("submit", create);
  $("#bank").addEventListener("change", paintCategories);
  const paintModes = () => {
    const challenge = isChallenge(form);
    $("#challenge-fields").hidden = !challenge;
    $("#auto-advance-field").hidden = challenge;
    $("#team-fields").hidden = !$("#team-mode").checked;
    $("#create").textContent = challenge ? "Create challenge" : "Create game";
  };
  for (const r of form.querySelectorAll("input[name=game_kind]")) r.addEventListener("change", paintModes);
  $("#team-mode").addEventListener("change", paintModes);
  own = mountOwnQuestions($("#own-questions-mount"), () => ({
    count: Number($("#count").value) || 10,
    kinds: [...form.querySelectorAll("input[name=kinds]:checked")].map((i) => i.value),
  }), (active) => {
    // The host's own list replaces the bank and its categories.
    $("#bank").disabled = active;
    $("#categories-field").hidden = active || $("#categories").childElementCount === 0;
  });
  try {
    const data = await api("GET", "/api/banks");
    banks = Array.isArray(data) ? data : (data && data.banks) || [];
  } catch (err) {
    $("#setup-error").textContent = err.code === "network"
      ? errorText(err.code) : "Could not load the question banks. Reload the page to try again.";
  }
  const select = clear($("#bank"));
  for (const b of banks) {
    const count = b.questions ?? b.items ?? b.count;
    select.append(el("option", { value: b.id ?? b.name, text: (b.title || b.name || b.id) + (count ? ` (${count})` : "") }));
  }
  paintCategories();
  form.removeAttribute("aria-busy");
}

function paintCategories() {
  const bank = banks.find((b) => (b.id ?? b.name) === $("#bank").value);
  const box = clear($("#categories"));
  const cats = (bank && bank.categories) || [];
  // Offer only the kinds this bank can generate.
  for (const input of document.querySelectorAll("#kinds input")) {
    const ok = !bank || !bank.kinds || bank.kinds.includes(input.value);
    input.closest("label").hidden = !ok;
    if (!ok) input.checked = false;
  }
  $("#categories-field").hidden = cats.length === 0;
  for (const c of cats) {
    const name = typeof c === "string" ? c : c.name;
    const count = typeof c === "string" ? null : c.count;
    box.append(el("label", { class: "check" },
      el("input", { type: "checkbox", name: "categories", value: name }),
      " " + name + (count ? ` (${count})` : "")));
  }
}

async function create(ev) {
  ev.preventDefault();
  const form = ev.target;
  const errBox = $("#setup-error");
  errBox.textContent = "";
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
  const kinds = checked("kinds");
  const count = Number($("#count").value);
  const seconds = Number($("#seconds").value);
  if (own.problem()) return fail(own.problem());
  const mine = own.questions();
  if (kinds.length === 0 && !mine) return fail("Tick at least one question kind.", $("#kinds input"));
  if (!Number.isInteger(count) || count < 1 || count > 100) return fail("Questions: enter a number from 1 to 100.", $("#count"));
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 300) return fail("Seconds per question: enter a number from 5 to 300.", $("#seconds"));
  const challenge = isChallenge(form);
  const modes = {};
  if (challenge) {
    const n = Number($("#deadline-n").value);
    const minutes = n * Number($("#deadline-unit").value);
    if (!Number.isInteger(n) || n < 1 || minutes > 43200) return fail("Open for: from 1 minute to 30 days.", $("#deadline-n"));
    modes.challenge_minutes = minutes;
  }
  if ($("#team-mode").checked) {
    const names = $("#team-names").value.split(/\n|,/).map((x) => x.trim()).filter(Boolean);
    const n = names.length || Number($("#team-count").value);
    if (!Number.isInteger(n) || n < 2 || n > 10) return fail("Teams: 2 to 10 (names one per line).", $(names.length ? "#team-names" : "#team-count"));
    if (names.length) modes.team_names = names;
    else modes.teams = n;
    modes.team_assign = $("#team-assign").value;
  }
  const btn = $("#create");
  btn.disabled = true;
  btn.textContent = "Creating…";
  try {
    const body = {
      bank: $("#bank").value, categories: checked("categories"), kinds, count, seconds, mode: $("#mode").value,
      auto_advance: !challenge && $("#auto-advance").checked, ...modes,
    };
    if (mine) Object.assign(body, { bank: own.bankId(), questions: mine, categories: [], kinds: [] });
    const created = await hostApi("POST", "/api/games", body);
    game = {
      pin: created.pin, host_token: created.host_token, join_url: created.join_url, qr: created.qr,
      join_local_only: !!created.join_local_only, auto_advance: !challenge && $("#auto-advance").checked, challenge,
    };
    storageSet(sessionStorage, HOST_KEY, game);
    storageSet(localStorage, HOST_KEY, challenge ? game : null);
    connect();
  } catch (err) {
    fail(errorText(err.code, err.message));
  } finally {
    btn.disabled = false;
    btn.textContent = challenge ? "Create challenge" : "Create game";
  }

  function fail(text, focus) {
    errBox.textContent = text;
    if (focus) focus.focus();
  }
}

function connect() {
  show("game");
  document.title = `Game ${game.pin} · Quizroom`;
  conn = new Conn(() => ({ type: "host", pin: game.pin, host_token: game.host_token }), {
    onMessage: receive,
    onStatus: status,
    onClose: (ev) => ev.code === 4000 || (ev.code === 1000 && /game over/.test(ev.reason || "")),
  });
  stage = new Stage(conn, $("#stage"), {
    host: {
      kick: (id) => conn.send({ type: "kick", player_id: id }),
      move: (id, team) => conn.send({ type: "move_team", player_id: id, team }),
      balance: () => conn.send({ type: "balance_teams" }),
    },
    onPhase: paintControls,
    afterPodium: results,
  });
  stage.pin = game.pin;
  stage.joinUrl = game.join_url || "";
  stage.joinLocalOnly = !!game.join_local_only;
  stage.qrSrc = game.qr || `/api/games/${encodeURIComponent(game.pin)}/qr.png`;
  bindControls();
  conn.start();
}

function receive(msg) {
  if (msg.type === "error") {
    if (["unknown_game", "bad_host_token", "game_ended"].includes(msg.code) && stage.phase === "") {
      conn.stop();
      forgetGame();
      $("#fatal-text").textContent = msg.code === "bad_host_token"
        ? errorText(msg.code, msg.message) : `Game ${game.pin} no longer exists.`;
      show("fatal");
      controls.hidden = true;
      return;
    }
    announce(errorText(msg.code, msg.message), true);
    return;
  }
  if (msg.type === "question") {
    total = msg.total;
    currentQ = msg.q;
  }
  // Every new phase starts with its timer running.
  if (["question", "reveal", "leaderboard", "podium", "ended"].includes(msg.type)) paused = false;
  if (msg.type === "welcome" || msg.type === "state") {
    const st = msg.state || msg;
    total = st.total ?? (st.question && st.question.total) ?? total;
    currentQ = st.q ?? currentQ;
    paused = !!st.paused;
    if (st.locked !== undefined) locked = !!st.locked;
  }
  if (msg.type === "locked") locked = !!msg.locked;
  if (msg.type === "paused") paused = true;
  if (msg.type === "resumed") paused = false;
  stage.handle(msg);
  paintControls(stage.phase);
}

function status(s) {
  const box = $("#conn-status");
  box.dataset.status = s;
  const over = stage && (stage.phase === "podium" || stage.phase === "ended");
  box.textContent = s === "reconnecting" ? "Reconnecting…" : s === "connecting" ? "Connecting…" :
    s === "closed" && !over ? "Disconnected" : "";
}

function paintControls(phase) {
  controls.hidden = !["lobby", "question", "reveal", "leaderboard", "challenge"].includes(phase);
  if (phase === "challenge") {
    // A challenge runs by itself; the host may close it.
    for (const b of Object.values(buttons)) b.hidden = b !== buttons.end;
    buttons.end.firstChild.textContent = endArmed ? "Press again to close " : "Close challenge now ";
    return;
  }
  buttons.end.hidden = false;
  buttons.next.hidden = false;
  const inQuestion = phase === "question";
  buttons.lock.hidden = phase !== "lobby";
  buttons.lock.firstChild.textContent = locked ? "Unlock joining " : "Lock joining ";
  buttons.lock.setAttribute("aria-pressed", String(locked));
  buttons.pause.hidden = !pausable(phase);
  buttons.pause.firstChild.textContent = paused ? "Resume " : "Pause ";
  buttons.extend.hidden = !inQuestion;
  buttons.skip.hidden = !inQuestion;
  const last = total > 0 && currentQ >= total - 1;
  // Games made here show the leaderboard after each reveal, the last one
  // included: only the press after it brings the final results.
  const nextLabel = {
    lobby: "Start game ",
    question: "Show answer ",
    reveal: last ? "Leaderboard " : "Next ",
    leaderboard: last ? "Final results " : "Next question ",
  }[phase] || "Next ";
  buttons.next.firstChild.textContent = nextLabel;
  buttons.next.disabled = phase === "lobby" && stage.players.size === 0;
}

// The server pauses the question timer, and the reveal and leaderboard
// timers when the game moves on by itself; without auto-advance those two
// phases have no timer, so pausing them would change nothing.
function pausable(phase) {
  return phase === "question" || (!!game.auto_advance && (phase === "reveal" || phase === "leaderboard"));
}

function bindControls() {
  const act = {
    next: () => conn.send({ type: stage.phase === "lobby" ? "start" : "next" }),
    skip: () => stage.phase === "question" && conn.send({ type: "skip" }),
    pause: () => pausable(stage.phase) && conn.send({ type: paused ? "resume_game" : "pause" }),
    extend: () => stage.phase === "question" && conn.send({ type: "extend", seconds: 10 }),
    lock: () => stage.phase === "lobby" && conn.send({ type: locked ? "unlock" : "lock" }),
    end: confirmEnd,
  };
  for (const [name, fn] of Object.entries(act)) buttons[name].addEventListener("click", fn);
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || controls.hidden) return;
    const t = ev.target;
    if (t.closest && t.closest("input, select, textarea")) return;
    if ((ev.key === " " || ev.key === "Enter") && t.closest && t.closest("button, a")) return;
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    const map = { " ": "next", ArrowRight: "next", PageDown: "next", s: "skip", p: "pause", e: "extend", l: "lock", x: "end" };
    const name = map[key];
    if (!name || buttons[name].hidden || buttons[name].disabled) return;
    ev.preventDefault();
    act[name]();
  });
}

// Ending is not undoable, so it takes a second press within a few seconds.
let endArmed = null;
function confirmEnd() {
  const btn = buttons.end;
  if (endArmed) {
    clearTimeout(endArmed);
    endArmed = null;
    btn.firstChild.textContent = "End game ";
    conn.send({ type: "end" });
    return;
  }
  btn.firstChild.textContent = "Press again to end ";
  announce("Press End game again to end the game for everyone.", true);
  endArmed = setTimeout(() => {
    endArmed = null;
    btn.firstChild.textContent = "End game ";
  }, 4000);
}

function results() {
  const key = storedHostKey();
  const href = `/api/games/${encodeURIComponent(game.pin)}/results.csv?host_token=${encodeURIComponent(game.host_token)}` +
    (key ? `&host_key=${encodeURIComponent(key)}` : "");
  return el("div", { class: "after-actions" },
    el("a", { class: "btn btn-primary", id: "download-csv", href, download: `quizroom-${game.pin}.csv`, text: "Download results (CSV)" }),
    el("button", {
      type: "button", class: "btn", id: "new-game", text: "Host a new game",
      onclick: () => { forgetGame(); conn.stop(); location.assign("/host"); },
    }));
}

const isChallenge = (form) => form.querySelector("input[name=game_kind]:checked").value === "challenge";

function forgetGame() {
  storageSet(sessionStorage, HOST_KEY, null);
  storageSet(localStorage, HOST_KEY, null);
}
