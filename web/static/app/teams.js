// Team chips, shared by the phone and the big screens (issue 15).
import { el } from "./ui.js";

// teamChip is a team's name on its colour (team-N classes in teams.css; the
// colours follow the default names Red, Blue, Green... by team number).
export function teamChip(team, name, extra = "") {
  if (!team) return null;
  return el("span", { class: `team-chip team-${team}${extra ? " " + extra : ""}`, text: name || `Team ${team}` });
}
