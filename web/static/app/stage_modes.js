// Team mode and self-paced challenges on the big screen (issue 15): the
// lobby's team board (with the host's moves), team rows for the reveal,
// leaderboard and podium, and the host's live view of a challenge.
import { el, formatScore, ordinal, announce } from "./ui.js";
import { teamChip } from "./teams.js";

// The team and challenge styles come with this module.
if (!document.querySelector('link[href="/static/teams.css"]')) {
  document.head.append(el("link", { rel: "stylesheet", href: "/static/teams.css" }));
}

// handle takes a team or challenge message, or a state (as {type: "state"}).
export function handle(stage, msg) {
  switch (msg.type) {
    case "state": {
      const st = msg.state;
      if (st.teams) { stage.teams = st.teams; stage.teamAssign = st.team_assign || ""; }
      if (st.challenge_deadline_ms) stage.deadlineMs = st.challenge_deadline_ms;
      stage.challengeClosed = !!st.challenge_closed;
      if (st.total !== undefined) stage.total = st.total;
      if (st.progress) { stage.progress = null; applyProgress(stage, st.progress); }
      return;
    }
    case "team_changed": {
      const p = stage.players.get(msg.player_id);
      if (p) p.team = msg.to;
      if (msg.teams) stage.teams = msg.teams;
      if (stage.phase === "lobby") stage.renderLobby();
      announce(`${msg.nickname} is now in team ${teamName(stage, msg.to)}.`);
      return;
    }
    case "challenge":
      stage.deadlineMs = msg.deadline_ms || stage.deadlineMs;
      stage.challengeClosed = !!msg.closed;
      break;
    case "joined":
      applyProgress(stage, { players: msg.players.map((p) => ({ player_id: p.id, nickname: p.nickname, team: p.team || 0, played: 0, total: stage.total || 0, score: 0, finished: false })) });
      break;
    case "progress":
      applyProgress(stage, msg);
      break;
  }
  if (stage.phase === "challenge") stage.renderChallenge();
}

// loaded applies what came before the module, then draws the view again.
export function loaded(stage) {
  for (const msg of stage.queue.splice(0)) handle(stage, msg);
  switch (stage.phase) {
    case "lobby": stage.renderLobby(); break;
    case "challenge": stage.renderChallenge(); break;
    case "reveal": if (stage.shown) stage.renderReveal(stage.shown); break;
    case "leaderboard": if (stage.shown) stage.renderLeaderboard(stage.shown); break;
    case "podium": case "ended": if (stage.podium) stage.renderPodium(); break;
  }
}

// teamBoard is the lobby's players by team; host gets a "Move to" select
// per player and a "Balance teams" button.
export function teamBoard(stage, host) {
  const teams = stage.teams || [];
  const cols = teams.map((t) => {
    const members = [...stage.players.values()].filter((p) => p.team === t.team);
    return el("section", { class: `card team-col team-${t.team}`, "aria-label": `Team ${t.name}`, "data-team": t.team },
      el("h3", {}, teamChip(t.team, t.name), el("span", { class: "muted", text: `${members.length} ${members.length === 1 ? "player" : "players"}` })),
      members.length === 0 ? el("p", { class: "muted", text: "Nobody yet" }) :
        el("ul", {}, members.map((p) => el("li", { class: p.connected === false ? "team-member away" : "team-member", "data-id": p.id },
          el("span", { class: "nick", text: p.nickname }),
          host ? moveSelect(stage, p, teams, host) : null))));
  });
  return el("div", { class: "teams-area" },
    host && teams.length ? el("p", {},
      el("button", { type: "button", class: "btn btn-small", id: "balance-teams", text: "Balance teams", onclick: () => host.balance() }),
      el("span", { class: "muted", text: stage.teamAssign === "balance" ? " New players go to the smallest team." : " Players pick their team when they join." })) : null,
    el("div", { class: "teams-board", id: "teams-board" }, cols));
}

function moveSelect(stage, p, teams, host) {
  const id = `move-${p.id}`;
  const sel = el("select", { id, class: "move-team", "aria-label": `Move ${p.nickname} to another team` },
    teams.map((t) => el("option", { value: String(t.team), text: t.name, selected: t.team === p.team ? true : null })));
  sel.addEventListener("change", () => host.move(p.id, Number(sel.value)));
  return el("span", {}, sel,
    el("button", { type: "button", class: "btn btn-small btn-ghost kick", "aria-label": `Remove ${p.nickname}`, text: "Remove",
      onclick: () => host.kick(p.id, p.nickname) }));
}

// teamRows renders team rows (reveal: this question's points; leaderboard
// and podium: rank, score and best player).
export function teamRows(rows, { reveal = false, title = "Teams" } = {}) {
  if (!rows || rows.length === 0) return null;
  if (reveal) return teamStrip(rows, title);
  const sorted = reveal ? rows.slice().sort((a, b) => a.rank - b.rank) : rows;
  return el("section", { class: "card teams-card", "aria-labelledby": "teams-h" },
    el("h3", { id: "teams-h", text: title }),
    el("ol", { class: "team-rows", id: "team-rows" }, sorted.map((t) => el("li", { class: `team-row team-${t.team}`, "data-team": t.team },
      el("span", { class: "tr-rank", text: ordinal(t.rank) }),
      el("span", {}, teamChip(t.team, t.name),
        reveal
          ? el("span", { class: "tr-best", text: `+${formatScore(t.points)} this question${t.present ? ` · ${t.correct_count} of ${t.present} right` : ""}` })
          : t.best ? el("span", { class: "tr-best", text: `Best: ${t.best.nickname} (${formatScore(t.best.score)})` }) : null),
      el("span", { class: "tr-score", "data-score": t.score, text: formatScore(t.score) })))));
}

// teamStrip is the reveal's compact team line: each team's points for the
// question and its total, in rank order.
function teamStrip(rows, title) {
  const sorted = rows.slice().sort((a, b) => a.rank - b.rank || a.team - b.team);
  return el("section", { class: "team-strip", "aria-label": title },
    el("ol", { class: "team-rows", id: "team-rows" }, sorted.map((t) => el("li", { class: `team-row team-${t.team}`, "data-team": t.team },
      el("span", { class: "tr-rank", text: ordinal(t.rank) }),
      el("span", {}, teamChip(t.team, t.name),
        el("span", { class: "tr-best", text: `+${formatScore(t.points)}${t.streak_bonus ? ` (+${t.streak_bonus} streak)` : ""} · ${t.correct_count || 0} of ${t.present || 0} right` })),
      el("span", { class: "tr-score", "data-score": t.score, text: formatScore(t.score) })))));
}

// applyProgress merges a progress message into the stage's challenge view.
export function applyProgress(stage, msg) {
  stage.progress = stage.progress || { players: new Map(), questions: new Map(), finished: 0, count: 0, teams: null };
  const pr = stage.progress;
  for (const p of msg.players || []) pr.players.set(p.player_id, p);
  for (const q of msg.questions || []) pr.questions.set(q.q, q);
  if (msg.finished !== undefined) pr.finished = msg.finished;
  if (msg.count !== undefined) pr.count = msg.count;
  if (msg.teams) pr.teams = msg.teams;
}

// challengeView is the host's live view of a challenge: the join card, the
// deadline, who has played what, and per-question accuracy.
export function challengeView(stage, joinCard) {
  const pr = stage.progress || { players: new Map(), questions: new Map(), finished: 0, count: 0 };
  const rows = [...pr.players.values()].sort((a, b) => b.score - a.score || a.nickname.localeCompare(b.nickname));
  const deadline = stage.deadlineMs ? new Date(stage.deadlineMs).toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "";
  const table = rows.length === 0 ? el("p", { class: "muted", text: "Nobody has joined yet. Share the link or the PIN." }) :
    el("table", { class: "progress-table", id: "progress" },
      el("caption", { class: "sr-only", text: "Players' progress" }),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", text: "Player" }), el("th", { scope: "col", text: "Progress" }),
        el("th", { scope: "col", class: "num", text: "Score" }), el("th", { scope: "col", text: "Status" }))),
      el("tbody", {}, rows.map((p) => el("tr", { "data-id": p.player_id },
        el("td", {}, el("span", { class: "nick", text: p.nickname }), p.team ? " " : null, p.team ? teamChip(p.team, teamName(stage, p.team)) : null),
        el("td", { text: `${p.played} of ${p.total}` }),
        el("td", { class: "num", text: formatScore(p.score) }),
        el("td", { class: p.finished ? "done" : "", text: p.finished ? "Finished" : p.played ? "Playing" : "Joined" })))));
  const qs = [...pr.questions.values()].sort((a, b) => a.q - b.q);
  const acc = qs.length === 0 ? null : el("section", { class: "card", "aria-labelledby": "live-acc-h" },
    el("h3", { id: "live-acc-h", text: "Accuracy so far" }),
    el("table", { class: "acc-table", id: "live-accuracy" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "#" }), el("th", { scope: "col", text: "Concept" }),
        el("th", { scope: "col", text: "Correct" }))),
      el("tbody", {}, qs.map((s) => {
        const pct = Math.round((s.accuracy || 0) * 100);
        const fill = el("span", { class: "acc-fill" });
        fill.style.width = `${pct}%`;
        return el("tr", {}, el("td", { text: String(s.q + 1) }), el("td", { text: s.term || s.prompt }),
          el("td", { class: "acc-cell" }, el("span", { class: "acc-track", "aria-hidden": "true" }, fill),
            el("span", { text: `${pct}% of ${s.players}` })));
      }))));
  return el("div", { class: "challenge-view" },
    el("div", { class: "side" }, joinCard,
      el("section", { class: "card", "aria-labelledby": "ch-h" },
        el("h2", { id: "ch-h", text: stage.challengeClosed ? "Challenge closed" : "Self-paced challenge" }),
        el("p", { id: "challenge-deadline", text: stage.challengeClosed ? "Players still in a question are finishing it; results follow." : `Open until ${deadline}` }),
        el("p", { class: "muted", text: "Players join with the PIN or the link and play alone, at their own pace, until the deadline. Results appear here after it." }),
        el("p", { class: "muted", text: "Kept in this server's memory unless it runs with Redis (REDIS_URL): restarting a server without Redis loses open challenges." }))),
    el("div", { class: "side" },
      el("section", { class: "card", "aria-labelledby": "prog-h" },
        el("h2", { id: "prog-h" }, el("span", { id: "finished-count", text: String(pr.finished) }), ` of ${pr.players.size} finished`),
        table),
      pr.teams ? teamRows(pr.teams, { title: "Teams so far" }) : null,
      acc));
}

function teamName(stage, n) {
  const t = (stage.teams || []).find((x) => x.team === n);
  return t ? t.name : `Team ${n}`;
}
