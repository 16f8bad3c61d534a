// The landing page: PIN, then nickname, then on to the player controller.
import { $, el, clear, show, announce, api, errorText, nicknameProblem, storageGet, storageSet } from "./ui.js";

const JOIN_KEY = "quizroom.join";
const SEAT_KEY = "quizroom.player";
let pin = "";
let info = null;

const fromPath = location.pathname.match(/^\/join\/([^/]+)\/?$/);
const seat = storageGet(sessionStorage, SEAT_KEY);
if (seat && seat.pin) {
  $("#resume").hidden = false;
  $("#resume-link").textContent = `Back to game ${seat.pin}`;
}

$("#pin-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  checkPin($("#pin-input").value);
});
$("#nick-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const nickname = $("#nick-input").value.trim().replace(/\s+/g, " ");
  const err = $("#nick-error");
  const problem = nicknameProblem(nickname);
  if (problem) { err.textContent = problem; $("#nick-input").focus(); return; }
  if (info && info.teams && info.team_assign !== "balance") return pickTeam(nickname);
  storageSet(sessionStorage, JOIN_KEY, { pin, nickname });
  location.assign("/play");
});

// pickTeam offers the game's teams (team mode, players choose).
function pickTeam(nickname) {
  const box = clear($("#team-pick"));
  for (const t of info.teams) {
    box.append(el("button", {
      type: "button", class: `team-${t.team}`, "data-team": t.team,
      onclick: () => {
        storageSet(sessionStorage, JOIN_KEY, { pin, nickname, team: t.team });
        location.assign("/play");
      },
    }, el("span", { text: t.name }), el("span", { text: `${t.members} ${t.members === 1 ? "player" : "players"}` })));
  }
  show("step-team");
  announce("Pick your team.");
  box.querySelector("button").focus();
}

if (fromPath) {
  checkPin(decodeURIComponent(fromPath[1]));
} else {
  show("step-pin");
  $("#pin-input").focus();
}

async function checkPin(raw) {
  const value = String(raw).replace(/\D/g, "");
  const err = $("#pin-error");
  err.textContent = "";
  if (value.length !== 6) {
    show("step-pin");
    $("#pin-input").value = raw;
    err.textContent = "A game PIN has 6 digits.";
    $("#pin-input").focus();
    return;
  }
  const btn = $("#pin-submit");
  btn.disabled = true;
  try {
    info = await api("GET", `/api/games/${value}`);
    if (info && info.joinable === false) {
      if (info.self_paced) throw { code: "challenge_closed" };
      if (info.phase === "ended" || info.phase === "podium") throw { code: "game_ended" };
      if (info.locked) throw { code: "game_locked" };
      throw { code: "late_join_closed" };
    }
    pin = value;
    $("#nick-pin").textContent = value.replace(/^(\d{3})(\d{3})$/, "$1 $2");
    show("step-nick");
    announce(`Game ${$("#nick-pin").textContent} found. Choose a nickname.`);
    const last = storageGet(localStorage, "quizroom.nickname");
    if (last && !$("#nick-input").value) $("#nick-input").value = last;
    $("#nick-input").focus();
  } catch (e) {
    show("step-pin");
    $("#pin-input").value = value;
    err.textContent = e.code === "not_found" || e.status === 404
      ? `There is no game with PIN ${value}. Check the number on the host's screen.`
      : errorText(e.code, e.message);
    $("#pin-input").focus();
  } finally {
    btn.disabled = false;
  }
}
