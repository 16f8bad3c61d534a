// The server's host key (quizroom serve --host-key): asked once, when the
// server first refuses without it, and remembered in this browser. Players
// never need it; only the host page's calls go through hostApi.
import { el } from "./ui.js";

const KEY = "quizroom.hostKey";

export function storedHostKey() {
  try { return localStorage.getItem(KEY) || ""; } catch { return ""; }
}

function remember(key) {
  try {
    if (key) localStorage.setItem(KEY, key);
    else localStorage.removeItem(KEY);
  } catch { /* private mode: asked again next time */ }
}

// hostApi calls the HTTP API with the host key. body: an object (sent as
// JSON) or a string (sent as is, with opts.type). Throws {code, message}.
export async function hostApi(method, path, body, opts = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = {};
    const key = storedHostKey();
    if (key) headers["X-Host-Key"] = key;
    if (body !== undefined) headers["Content-Type"] = typeof body === "string" ? (opts.type || "text/plain; charset=utf-8") : "application/json";
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    } catch {
      throw { code: "network", message: "" };
    }
    let data = null;
    try { data = await res.json(); } catch { /* empty or not JSON */ }
    if (res.ok) return data;
    const err = (data && data.error) || {};
    if ((err.code === "host_key_required" || err.code === "bad_host_key") && attempt < 3) {
      const typed = await askHostKey(err.code === "bad_host_key");
      if (typed === null) throw { code: err.code, message: "This server needs its host key to host a game." };
      remember(typed);
      continue;
    }
    throw { code: err.code || "http_" + res.status, message: err.message, problems: err.problems || [], status: res.status };
  }
}

// askHostKey shows a modal dialog; resolves to the key, or null if cancelled.
function askHostKey(wrong) {
  return new Promise((resolve) => {
    const input = el("input", { type: "password", id: "host-key-input", autocomplete: "current-password", required: true });
    const dialog = el("dialog", { class: "dialog", id: "host-key-dialog", "aria-labelledby": "host-key-h" },
      el("form", { method: "dialog" },
        el("h2", { id: "host-key-h", text: "Host key" }),
        el("p", { text: wrong ? "That key is not this server's. Check it with whoever runs the server." :
          "This server asks hosts for a key. Type it once: this browser remembers it." }),
        el("label", { for: "host-key-input", text: "Host key" }), input,
        el("div", { class: "dialog-actions" },
          el("button", { type: "button", class: "btn btn-ghost", id: "host-key-cancel", text: "Cancel", onclick: () => dialog.close("") }),
          el("button", { type: "submit", class: "btn btn-primary", id: "host-key-ok", value: "ok", text: "Continue" }))));
    dialog.addEventListener("close", () => {
      const key = dialog.returnValue === "ok" ? input.value.trim() : "";
      dialog.remove();
      resolve(key || null);
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
