// "Use your own questions" on the host page: paste notes or drop a file, see
// what the import kept and skipped, review and edit the questions the game
// will ask, download the bank. host.js mounts it and asks it for the list.
import { el, $, clear, announce, errorText, KIND_NAMES, plural } from "./ui.js";
import { hostApi } from "./hostkey.js";

const MAX_BYTES = 2 * 1024 * 1024;
const BANK_KINDS = ["single", "truefalse", "typed", "multi"];

// mountOwnQuestions builds the section in root. form() gives the setup
// form's {count, kinds}; onActive(bool) says when the host starts or stops
// using their own list. Returns {questions(), bankId(), problem()}: the
// edited list and its bank while the host uses their own questions, else
// null.
export function mountOwnQuestions(root, form, onActive = () => {}) {
  document.head.append(el("link", { rel: "stylesheet", href: "/static/ownbank.css" }));
  let bank = null; // {id, title, items, kinds, bank}
  let list = null; // edited questions
  const generated = new WeakMap(); // question -> its words as generated, to tell edits
  const words = (q) => JSON.stringify([q.prompt, q.options, q.correct, q.accept]);
  let fileName = "";

  const notes = el("textarea", { id: "own-notes", rows: 8, spellcheck: "false",
    placeholder: "Q: What is a mitochondrion?\nA: The organelle that makes most of the cell's energy.\n\nQ: …" });
  const file = el("input", { type: "file", id: "own-file", class: "sr-only", accept: ".md,.txt,.tsv,.json,text/plain,application/json" });
  const drop = el("div", { class: "own-drop", id: "own-drop" },
    el("span", { text: "Drop a notes file (.md, .txt, .tsv) or a bank (.json) here, or " }),
    el("label", { for: "own-file", class: "btn btn-small", text: "choose a file" }), file);
  const importBtn = el("button", { type: "button", class: "btn btn-primary", id: "own-import", text: "Read my questions" });
  const error = el("div", { class: "error", id: "own-error", role: "alert" });
  const report = el("section", { id: "own-report", class: "own-report", hidden: true, "aria-labelledby": "own-report-h" });
  const review = el("section", { id: "own-review", hidden: true, "aria-labelledby": "own-review-h" });
  const details = el("details", { class: "own", id: "own" },
    el("summary", {}, el("span", { text: "Use your own questions" }),
      el("span", { class: "own-hint", text: "(paste notes or drop a file)" })),
    el("p", { class: "muted", text: "Paste study notes in any of these shapes: numbered questions each followed by \"Answer:\", Q: and A: pairs, or ## headings with the answer below. Quizroom turns each answer into a question." }),
    el("label", { for: "own-notes", class: "own-label", text: "Your notes" }), notes, drop,
    el("div", { class: "own-actions" }, importBtn), error, report, review);
  root.append(details);

  importBtn.addEventListener("click", () => read(notes.value, ""));
  file.addEventListener("change", () => file.files[0] && readFile(file.files[0]));
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (f) readFile(f);
  });

  async function readFile(f) {
    if (f.size > MAX_BYTES) return fail(`${f.name} is ${(f.size / 1048576).toFixed(1)} MB; the limit is 2 MB.`);
    fileName = f.name;
    const text = await f.text();
    if (!/\.json$/i.test(f.name)) notes.value = text;
    read(text, /\.json$/i.test(f.name) ? "application/json" : "");
  }

  async function read(text, type) {
    error.textContent = "";
    if (!text.trim()) return fail("Paste your notes or choose a file first.", notes);
    importBtn.disabled = true;
    importBtn.textContent = "Reading…";
    try {
      // The kinds ticked on the form: notes too short for one of them are
      // refused with a message saying which, rather than played otherwise.
      const query = new URLSearchParams();
      const kinds = form().kinds.filter((k) => BANK_KINDS.includes(k));
      if (kinds.length) query.set("kinds", kinds.join(","));
      const title = fileName.replace(/\.[^.]+$/, "");
      if (title) query.set("title", title);
      const path = "/api/banks?" + query;
      bank = await hostApi("POST", path, text, { type: type || "text/plain; charset=utf-8" });
      paintReport();
      await makeQuestions();
    } catch (err) {
      fail(uploadError(err));
    } finally {
      importBtn.disabled = false;
      importBtn.textContent = "Read my questions";
    }
  }

  function fail(text, focus) {
    error.textContent = text;
    if (focus) focus.focus();
  }

  function paintReport() {
    // A list the server left out or sent as null reads as empty.
    const list = (x) => (Array.isArray(x) ? x : []);
    const rep = { kept: list(bank.report?.kept), skipped: list(bank.report?.skipped), warnings: list(bank.report?.warnings) };
    const kept = bank.report ? rep.kept.length : bank.items;
    clear(report).hidden = false;
    report.append(
      el("h2", { id: "own-report-h", text: `“${bank.title}”` }),
      el("p", { id: "own-summary", text: `Kept ${kept} question${kept === 1 ? "" : "s"}` +
        (bank.report ? `, skipped ${rep.skipped.length}, ${rep.warnings.length} warning${rep.warnings.length === 1 ? "" : "s"}.` : " from the bank file.") }));
    if (rep.skipped.length) {
      report.append(el("h3", { text: "Skipped" }), el("ul", { id: "own-skipped" }, rep.skipped.map((s) =>
        el("li", {}, el("strong", { text: `Line ${s.line}: ` }), `“${s.question}” — ${s.reason}` + (s.note ? ` ${s.note}` : "")))));
    }
    if (rep.warnings.length) {
      report.append(el("h3", { text: "Warnings" }), el("ul", { id: "own-warnings" }, rep.warnings.map((w) =>
        el("li", { text: (w.line ? `Line ${w.line}: ` : "") + w.message }))));
    }
  }

  async function makeQuestions() {
    const f = form();
    let kinds = f.kinds.filter((k) => BANK_KINDS.includes(k) && bank.kinds.includes(k));
    if (kinds.length === 0) kinds = bank.kinds;
    const got = await hostApi("POST", `/api/banks/${encodeURIComponent(bank.id)}/questions`, { count: f.count, kinds });
    list = got.questions;
    for (const q of list) generated.set(q, words(q));
    paintReview(got.asked);
    onActive(true);
  }

  function paintReview(asked) {
    clear(review).hidden = false;
    const n = list.length;
    review.append(
      el("h2", { id: "own-review-h", text: "The questions the game will ask" }),
      el("p", { class: "muted", text: "Your game asks these instead of the question bank above." }),
      el("p", { id: "own-count", text: n === 0 ? "No questions left: make new ones or paste other notes." :
        `${n} question${n === 1 ? "" : "s"}` + (asked > n && n > 0 ? ` (your notes make ${n}, you asked for ${asked})` : "") +
        ". Edit the wording or the options, pick the correct option, or remove a question." }),
      el("div", { class: "own-actions" },
        el("button", { type: "button", class: "btn btn-small", id: "own-remake", text: "Make new questions", onclick: () => makeQuestions().catch((e) => fail(uploadError(e))) }),
        el("button", { type: "button", class: "btn btn-small", id: "own-download", text: "Download bank (JSON)", onclick: download }),
        el("button", { type: "button", class: "btn btn-small btn-ghost", id: "own-clear", text: "Stop using my questions", onclick: reset })),
      el("p", { id: "own-status", role: "status" }),
      el("ol", { class: "own-list", id: "own-questions" }, list.map(questionEditor)));
  }

  function questionEditor(q, i) {
    const id = `own-q${i}`;
    const prompt = el("textarea", { id: `${id}-prompt`, class: "own-prompt", rows: Math.min(6, Math.ceil(q.prompt.length / 60) + 1), maxlength: 500 });
    prompt.value = q.prompt;
    prompt.addEventListener("input", () => { q.prompt = prompt.value; });
    const item = el("li", { class: "own-q", id },
      el("div", { class: "own-q-head" },
        el("span", { class: "tag", text: KIND_NAMES[q.kind] || q.kind }),
        el("button", { type: "button", class: "btn btn-small btn-ghost own-remove", "aria-label": `Remove question ${i + 1}`, text: "Remove", onclick: () => remove(i) })),
      el("label", { for: `${id}-prompt`, text: q.kind === "truefalse" ? "Statement" : "Question" }), prompt);
    if (q.kind === "typed") {
      const accept = el("input", { id: `${id}-accept`, class: "own-accept", maxlength: 400 });
      accept.value = (q.accept || []).join(", ");
      accept.addEventListener("input", () => { q.accept = accept.value.split(",").map((s) => s.trim()).filter(Boolean); });
      item.append(el("label", { for: `${id}-accept`, text: "Accepted answers (comma between them)" }), accept);
      return item;
    }
    const multi = q.kind === "multi";
    const options = el("fieldset", { class: "own-options" },
      el("legend", { text: multi ? "Options (every ticked one is correct)" : "Options (the ticked one is correct)" }));
    q.options.forEach((text, j) => {
      const radio = el("input", { type: multi ? "checkbox" : "radio", name: `${id}-correct`, id: `${id}-c${j}`, "aria-label": `Option ${"ABCD"[j]} is correct` });
      radio.checked = (q.correct || []).includes(j);
      radio.addEventListener("change", () => {
        if (!multi) { if (radio.checked) q.correct = [j]; return; }
        q.correct = [...options.querySelectorAll("input[type=checkbox]")].flatMap((box, k) => (box.checked ? [k] : []));
      });
      const input = el("input", { id: `${id}-o${j}`, class: "own-option", maxlength: 200, "aria-label": `Option ${"ABCD"[j]}`, title: text, readonly: q.kind === "truefalse" });
      input.value = text;
      input.addEventListener("input", () => { q.options[j] = input.value; });
      options.append(el("div", { class: "own-option-row" }, radio, el("span", { class: "own-letter", text: "ABCD"[j], "aria-hidden": "true" }), input));
    });
    item.append(options);
    return item;
  }

  function remove(i) {
    const [gone] = list.splice(i, 1);
    paintReview(list.length);
    announce(`Removed “${gone.prompt.slice(0, 60)}”. ${plural(list.length, "question")} left.`);
    const next = $(`#own-q${Math.min(i, list.length - 1)} .own-remove`) || $("#own-remake");
    if (next) next.focus();
  }

  // download saves the bank; questions the host edited go in as the items'
  // hand-written questions (typed ones as accepted answers), so the file
  // replays them next time.
  async function download() {
    const status = $("#own-status");
    try {
      const edited = list.filter((q) => generated.get(q) !== words(q));
      const data = await hostApi("POST", `/api/banks/${encodeURIComponent(bank.id)}/export`, { questions: edited });
      status.textContent = edited.length === 0 ? "Saved the bank." :
        `Saved the bank with ${data.kept} of your ${edited.length} edit${edited.length === 1 ? "" : "s"}` +
        (data.skipped.length ? `; not kept: ${data.skipped.map((s) => `question “${s.prompt.slice(0, 40)}” (${s.reason})`).join("; ")}.` : ".");
      const blob = new Blob([JSON.stringify(data.bank, null, 2) + "\n"], { type: "application/json" });
      const a = el("a", { href: URL.createObjectURL(blob), download: (bank.title || "bank").replace(/[^\w.-]+/g, "-").toLowerCase() + ".json" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (err) {
      fail(uploadError(err));
    }
  }

  function reset() {
    bank = null;
    list = null;
    fileName = "";
    clear(report).hidden = true;
    clear(review).hidden = true;
    onActive(false);
    notes.focus();
  }

  return {
    questions: () => (bank && list ? list : null),
    bankId: () => (bank ? bank.id : null),
    problem: () => {
      if (!bank || !list) return "";
      if (list.length === 0) return "Every question was removed: make new ones or stop using your own questions.";
      const i = list.findIndex((q) => q.kind === "multi" && !(q.correct || []).length);
      return i >= 0 ? `Question ${i + 1}: tick at least one correct option.` : "";
    },
  };
}

// uploadError words the server's refusal of notes for a host.
function uploadError(err) {
  const where = (err.problems || []).slice(0, 3).map((p) => (p.line ? `line ${p.line}: ` : p.path ? `${p.path}: ` : "") + p.message).join("; ");
  const text = {
    empty_input: "The notes are empty.",
    binary_input: "That is not a text file. Use notes saved as plain text (.md, .txt, .tsv) or a bank (.json).",
    too_large: "That is over the 2 MB limit. Split the notes into smaller files.",
    no_questions: "No question found. Write each as \"Q: …\" with \"A: …\" below, as a numbered line ending in \"?\" with \"Answer: …\", or as a ## heading.",
    missing_answer: "A question has no answer.",
    invalid_json: "The bank file is not valid JSON.",
    unknown_version: "The bank file is of a version this server cannot read.",
    invalid_bank: "The bank file breaks the format.",
    not_enough_items: err.message,
    rate_limited: "Too many tries. Wait a minute and try again.",
  }[err.code];
  return (text || errorText(err.code, err.message)) + (where ? ` (${where})` : "");
}
