// DOM helpers shared by every page. Text from the server (nicknames, bank
// text) only ever reaches the page through textContent: el() never parses HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

// el builds an element. attrs: plain attributes, plus "class", "text" (the
// textContent), "on<event>" handlers and boolean properties (hidden, disabled).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

// show makes exactly one of the page's views visible.
export function show(viewId) {
  for (const view of document.querySelectorAll("[data-view]")) {
    view.hidden = view.id !== viewId;
  }
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// Answer options carry colour, shape AND a letter, so no information depends on colour.
export const OPTION_STYLES = [
  { name: "red", shape: "triangle", label: "A" },
  { name: "blue", shape: "diamond", label: "B" },
  { name: "gold", shape: "circle", label: "C" },
  { name: "green", shape: "square", label: "D" },
];

const SHAPE_PATHS = {
  triangle: "M12 3 L22 21 L2 21 Z",
  diamond: "M12 2 L22 12 L12 22 L2 12 Z",
  circle: "M12 2 A10 10 0 1 1 11.99 2 Z",
  square: "M3 3 H21 V21 H3 Z",
};

export function shapeIcon(index) {
  const style = OPTION_STYLES[index % OPTION_STYLES.length];
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "shape");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", SHAPE_PATHS[style.shape]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

// optionLabel is the spoken/written name of option i: "A (triangle)".
export function optionLabel(index) {
  const style = OPTION_STYLES[index % OPTION_STYLES.length];
  return `${style.label} (${style.shape})`;
}

// optionFace is the visible content of an option: shape, letter and text.
export function optionFace(index, text) {
  const style = OPTION_STYLES[index % OPTION_STYLES.length];
  return [
    shapeIcon(index),
    el("span", { class: "opt-letter", text: style.label, "aria-hidden": "true" }),
    el("span", { class: "opt-text", text }),
  ];
}

export function optionClass(index) {
  return "opt opt-" + OPTION_STYLES[index % OPTION_STYLES.length].name;
}

// plural names a count with its noun: "1 player", "3 players".
export function plural(n, one, many = one + "s") {
  return `${n} ${n === 1 ? one : many}`;
}

// sentence ends text with a period unless it already ends a sentence, so a
// prompt that ends in "." is not read with two.
export function sentence(text) {
  const t = String(text ?? "").trimEnd();
  return t === "" || /[.!?…:][)"”’»]*$/.test(t) ? t : t + ".";
}

// announce speaks text through the page's polite live region.
export function announce(text, assertive = false) {
  const region = document.getElementById(assertive ? "alert" : "announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after clearing makes screen readers repeat identical messages.
  requestAnimationFrame(() => { region.textContent = text; });
}

export const MAX_NICKNAME = 20;

// nicknameProblem says what is wrong with a nickname before the server is
// asked, or "" when it may be sent. The input has no maxlength: a browser that
// silently cuts a pasted name would join under a name nobody typed.
export function nicknameProblem(nickname) {
  if (!nickname) return "Type a nickname so others know who you are.";
  const n = [...nickname].length;
  if (n > MAX_NICKNAME) return `That nickname is too long: ${n} characters, the limit is ${MAX_NICKNAME}. Make it shorter.`;
  return "";
}

// focusView moves keyboard and screen-reader focus to the heading of a view
// that just appeared, so the reader starts from what changed.
export function focusView(viewId) {
  const heading = document.querySelector(`#${viewId} h1, #${viewId} h2`);
  if (!heading) return;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus({ preventScroll: true });
}

export const KIND_NAMES = {
  single: "Single choice",
  multi: "Pick all that apply",
  truefalse: "True or false",
  typed: "Type the answer",
  poll: "Poll (no points)",
};

export function formatScore(n) {
  return Number(n || 0).toLocaleString("en-US");
}

export function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

export const reducedMotion = () =>
  window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

// errorText turns a server error code into words a player understands; the
// server's own message is the fallback for codes this page does not know.
export function errorText(code, message) {
  switch (code) {
    case "not_found": case "unknown_game":
      return "There is no game with that PIN. Check the number on the host's screen.";
    case "nickname_taken":
      return "Someone in this game already has that nickname. Pick another one.";
    case "invalid_nickname":
      return "That nickname can't be used. Use 1 to 20 letters, numbers or spaces.";
    case "game_locked":
      return "The host has locked this game: no one new can join right now.";
    case "game_full":
      return "This game is full.";
    case "late_join_closed":
      return "This game has already started and doesn't take new players.";
    case "game_ended":
      return "This game is over.";
    case "kicked":
      return "The host removed you from this game.";
    case "bad_resume_token": case "unknown_player":
      return "Your seat in this game could not be found. Join again with a nickname.";
    case "rate_limited": case "join_rate_limited":
      return "Too many tries. Wait a few seconds and try again.";
    case "bad_host_token":
      return "This page's host key does not match the game. Host a new game.";
    case "too_many_games": case "unavailable": case "room_busy":
      return "The server is busy right now. Try again in a moment.";
    case "network":
      return "Can't reach the server. Check your connection and try again.";
    default:
      return message || "Something went wrong. Please try again.";
  }
}

// api calls the HTTP API and throws {code, message} on failure.
export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw { code: "network", message: "" };
  }
  let data = null;
  try { data = await res.json(); } catch { /* empty or not JSON */ }
  if (!res.ok) {
    const err = (data && (data.error || data)) || {};
    throw { code: err.code || (res.status === 404 ? "not_found" : "http_" + res.status), message: err.message, status: res.status };
  }
  return data;
}

export function storageGet(store, key) {
  try { return JSON.parse(store.getItem(key) || "null"); } catch { return null; }
}

export function storageSet(store, key, value) {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch { /* private mode or full: resume is best effort */ }
}
