// The read-only big screen: everything the host screen shows, no controls.
import { Conn } from "./conn.js";
import { Stage } from "./stage.js";
import { $, show, errorText, api } from "./ui.js";

const pin = decodeURIComponent((location.pathname.match(/^\/display\/([^/]+)/) || [])[1] || "");
let stage = null;

// fatal shows why there is no game to follow; the status badge says it too
// (it would otherwise keep saying "Connecting…").
function fatal(badge, text) {
  $("#conn-status").textContent = badge;
  $("#fatal-text").textContent = text;
  show("fatal");
}

const conn = new Conn(() => ({ type: "display", pin }), {
  onMessage(msg) {
    if (msg.type === "error") {
      if (stage.phase === "") {
        conn.stop();
        fatal(msg.code === "unknown_game" ? "No such game" : "Not connected", errorText(msg.code, msg.message));
      }
      return;
    }
    stage.handle(msg);
  },
  onStatus(s) {
    $("#conn-status").textContent = s === "reconnecting" ? "Reconnecting…" : s === "connecting" ? "Connecting…" : "";
  },
  onClose: (ev) => ev.code === 4000 || (ev.code === 1000 && /game over/.test(ev.reason || "")),
});
stage = new Stage(conn, $("#stage"));
stage.pin = pin;
stage.qrSrc = `/api/games/${encodeURIComponent(pin)}/qr.png`;
document.title = `Game ${pin} · Quizroom`;
if (!/^\d{6}$/.test(pin)) {
  fatal("No such game", "The address should end with the 6-digit game PIN, like /display/123456.");
} else {
  conn.start();
  // The join link as the server makes it (its LAN address, not this
  // screen's), so phones scanning the big screen reach the game.
  api("GET", `/api/games/${encodeURIComponent(pin)}`).then((info) => {
    if (!info || !info.join_url) return;
    stage.joinUrl = info.join_url;
    stage.joinLocalOnly = !!info.join_local_only;
    if (stage.phase === "lobby") stage.renderLobby();
  }).catch(() => { /* the lobby falls back to this page's own address */ });
}
