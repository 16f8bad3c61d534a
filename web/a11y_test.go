package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// longXSS is the probe: 28 characters, over the 20-character limit,
// so the landing page must refuse it in words (and never parse it).
const longXSS = `<img src=x onerror=alert(1)>`

// markup is put in front of every explanation of the test bank; the pages
// must show it as these very characters.
const markup = `<b>Bold</b>`

// markupBank is the default bank with HTML in front of every answer, every
// fact's and myth's why, every written explanation and every sentence after
// a first: whatever a reveal's explanation is made of (a statement's why
// first, then the answer's sentences nearest it, which may leave the
// answer's first sentence out), it shows the markup. The game draws its
// questions at random, so markupBank checks that premise for every question
// the bank can make rather than leave it to the draw.
func markupBank(t *testing.T) *bank.Bank {
	t.Helper()
	text := string(bank.DefaultJSON())
	for _, field := range []string{`"answer": "`, `"why": "`, `"explanation": "`} {
		text = strings.ReplaceAll(text, field, field+markup+` `)
	}
	text = strings.ReplaceAll(text, ". ", ". "+markup+" ")
	b, err := bank.Parse([]byte(text))
	if err != nil {
		t.Fatalf("markup bank: %v", err)
	}
	for seed := range int64(8) {
		qs, err := bank.Generate(b, bank.GenerateOptions{Count: len(b.Items), Seed: seed})
		if err != nil {
			t.Fatalf("markup bank: %v", err)
		}
		for _, q := range qs {
			if !strings.Contains(q.Explanation, markup) {
				t.Fatalf("markup bank: question %s explains without the markup: %q", q.ID, q.Explanation)
			}
		}
	}
	return b
}

// TestAccessibilityAndMarkup audits every page in Chromium at each phase:
// accessible names of every control (from Chromium's accessibility tree),
// live regions, focus after each phase change on /play, WCAG AA contrast
// computed from the styles in use, colour never the only signal, reflow at
// 360 px, 320 px and 200% zoom, and prefers-reduced-motion. Along the way it
// checks the too-long XSS nickname, bank text with markup, pausing a reveal of
// an auto-advancing game and leaving a game for good.
func TestAccessibilityAndMarkup(t *testing.T) {
	base := startServerWith(t, httpapi.Config{Banks: map[string]*bank.Bank{"markup": markupBank(t)}})
	browser := newBrowser(t)

	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	// The contrast check must be able to fail: grey on grey is caught.
	_ = eval[bool](host, `(() => { const d = document.createElement("p"); d.id = "probe"; d.textContent = "grey"; d.style.cssText = "color:#777;background:#888"; document.body.append(d); return true; })()`)
	if low := eval[[]string](host, contrastScript); len(low) != 1 || !strings.Contains(low[0], "grey") {
		t.Errorf("the contrast check does not catch grey on grey: %v", low)
	}
	_ = eval[bool](host, `(document.querySelector("#probe").remove(), true)`)
	audit(t, host, "host setup")
	host.click("#auto-advance")
	host.typeInto("#count", "2")
	host.typeInto("#seconds", "60")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	display := newTab(t, browser, "display", 1280, 720, false)
	display.navigate(base + "/display/" + pin)
	display.waitText("#pin", host.text("#pin"))

	phone := newTab(t, browser, "phone", 360, 740, true)
	phone.navigate(base + "/")
	phone.waitVisible("#pin-input")
	audit(t, phone, "landing")
	checkReflow(t, phone, 360, 740, true)
	phone.typeInto("#pin-input", pin)
	phone.click("#pin-submit")
	phone.waitVisible("#nick-input")

	// The 28-character probe is refused before anything is sent, as text.
	phone.typeInto("#nick-input", longXSS)
	phone.click("#nick-submit")
	phone.waitText("#nick-error", "too long")
	if got := phone.text("#nick-error"); !strings.Contains(got, "28 characters") || !strings.Contains(got, "20") {
		t.Errorf("landing: too-long nickname error %q, want it to say 28 characters and the limit of 20", got)
	}
	if v := eval[string](phone, `document.querySelector("#nick-input").value`); v != longXSS {
		t.Errorf("landing: the nickname field holds %q, want the typed %q untouched", v, longXSS)
	}
	if n := eval[int](phone, `document.querySelectorAll('img[src="x"]').length`); n > 0 || eval[string](phone, `location.pathname`) != "/" {
		t.Errorf("landing: the too-long nickname was parsed as HTML or sent on")
	}
	phone.noProblems()

	phone.typeInto("#nick-input", "Dee")
	phone.click("#nick-submit")
	phone.waitText("#v-lobby", "You're in!")
	phone.waitText("#v-lobby", "1 player in the game when you joined")
	checkFocus(t, phone, "v-lobby-h")
	audit(t, phone, "phone lobby")
	host.waitText("#player-list", "Dee")
	audit(t, host, "host lobby")
	checkReducedMotion(t, host, ".player", "animationName", "none")

	host.click("#btn-next")
	phone.waitVisible(".answer-btn")
	prompt := phone.text("#q-prompt")
	checkFocus(t, phone, "q-prompt")
	phone.waitFor("the question to be announced", fmt.Sprintf(`document.querySelector("#announcer").textContent.includes(%s)`, jsString(prompt)))
	if said := phone.text("#announcer"); strings.Contains(said, "..") || strings.Contains(said, "?.") {
		t.Errorf("phone announces %q: doubled punctuation", said)
	}
	// A prompt that ends a sentence is read with one period, as is a count
	// of one with its singular noun.
	spoken := eval[[]string](phone, `import("/static/app/ui.js").then((m) => [m.sentence("Which term sorts query results."), m.sentence("What is DNS?"), m.sentence("A cache"), m.plural(1, "player"), m.plural(2, "player"), m.plural(0, "question")])`)
	if want := []string{"Which term sorts query results.", "What is DNS?", "A cache.", "1 player", "2 players", "0 questions"}; !slices.Equal(spoken, want) {
		t.Errorf("sentence/plural give %q, want %q", spoken, want)
	}
	audit(t, phone, "phone question")
	checkReflow(t, phone, 360, 740, true)
	checkNotColourAlone(t, phone, ".answer-btn")
	audit(t, host, "host question")
	audit(t, display, "display question")

	phone.click(`.answer-btn[data-index="0"]`)
	host.waitVisible(".reveal-view")
	// Auto-advance is on, so the reveal has a timer the host may pause.
	host.waitVisible("#btn-pause")
	host.key("p")
	host.waitText("#btn-pause", "Resume")
	host.waitVisible(".reveal-view .paused")
	display.waitVisible(".reveal-view .paused")

	phone.waitVisible("#v-result")
	checkFocus(t, phone, "r-verdict")
	phone.waitText("#announcer", "Correct answer")
	for _, b := range []*tab{phone, host, display} {
		sel := map[*tab]string{phone: "#r-explanation", host: ".explanation", display: ".explanation"}[b]
		b.waitText(sel, markup)
		if n := eval[int](b, `document.querySelectorAll("main b").length`); n > 0 {
			t.Errorf("%s: bank markup became %d <b> elements", b.name, n)
		}
	}
	audit(t, phone, "phone reveal")
	audit(t, host, "host reveal")
	checkNotColourAlone(t, host, ".reveal .opt")

	host.key("p")
	host.waitText("#btn-pause", "Pause")
	phone.waitVisible("#v-standing")
	checkFocus(t, phone, "s-rank")
	audit(t, phone, "phone standing")

	// Leave: a dialog asks first; "Stay" changes nothing.
	phone.click("#leave-btn")
	phone.waitFor("the leave dialog", `document.querySelector("#leave-dialog").open && document.querySelector("#leave-dialog").contains(document.activeElement)`)
	audit(t, phone, "phone leave dialog")
	phone.click("#leave-cancel")
	phone.waitFor("the dialog to close", `!document.querySelector("#leave-dialog").open`)
	phone.click("#leave-btn")
	phone.click("#leave-confirm")
	phone.waitText("#v-ended", "You left the game")
	checkFocus(t, phone, "e-title")
	if left := eval[bool](phone, `!localStorage.getItem("quizroom.player") && !sessionStorage.getItem("quizroom.player")`); !left {
		t.Error("phone: the resume token is still stored after leaving")
	}
	phone.do("reload", chromedp.Reload())
	phone.waitText("#v-ended", "Not in a game")

	for _, b := range []*tab{host, display, phone} {
		b.noProblems()
	}
}

// audit fails on controls without an accessible name (as Chromium computes
// it), on missing live regions, and on text below WCAG AA contrast.
func audit(t *testing.T, b *tab, where string) {
	t.Helper()
	interactive := map[string]bool{"button": true, "link": true, "textbox": true, "combobox": true, "checkbox": true,
		"spinbutton": true, "radio": true, "listbox": true, "switch": true, "searchbox": true, "menuitem": true}
	var nodes []*accessibility.Node
	b.do("read the accessibility tree", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		nodes = res.Nodes
		return err
	}))
	named := 0
	for _, n := range nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		role := axString(n.Role)
		if !interactive[role] {
			continue
		}
		if name := strings.TrimSpace(axString(n.Name)); name == "" {
			t.Errorf("%s (%s): a %s has no accessible name", b.name, where, role)
		} else {
			named++
		}
	}
	if named == 0 && !strings.HasPrefix(where, "display") { // the big screen has no controls by design
		t.Errorf("%s (%s): no interactive control found in the accessibility tree", b.name, where)
	}
	if !eval[bool](b, `!!document.querySelector('[aria-live="polite"]') && !!document.querySelector('[role="alert"], [aria-live="assertive"]')`) {
		t.Errorf("%s (%s): no polite and assertive live regions", b.name, where)
	}
	for _, low := range eval[[]string](b, contrastScript) {
		t.Errorf("%s (%s): contrast below AA: %s", b.name, where, low)
	}
}

func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(v.Value, &s); err != nil {
		return string(v.Value)
	}
	return s
}

// contrastScript lists every visible text whose colour is below WCAG AA
// against the background it is drawn on: 4.5:1, or 3:1 for large text, and
// always 4.5:1 on buttons. Translucent backgrounds are composited over what
// lies under them; the page gradient counts as its lighter end (--bg2).
const contrastScript = `(() => {
  const parse = (c) => {
    c = c.trim();
    if (c.startsWith("#")) { const h = c.slice(1); return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)).concat(1); }
    const m = c.match(/rgba?\(([^)]*)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => { const a = top[3]; return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1); };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const page = parse(getComputedStyle(document.documentElement).getPropertyValue("--bg2"));
  const background = (el) => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = page;
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    if (el.closest(".sr-only, svg, [disabled], :disabled")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(s.color), bg);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const onButton = !!el.closest("button, .btn, .answer-btn");
    const need = large && !onButton ? 3 : 4.5;
    const r = ratio(fg, bg);
    if (r < need) low.push(JSON.stringify(el.textContent.trim().slice(0, 30)) + " " + s.color + " on " + "rgb(" + bg.slice(0, 3).map(Math.round).join(",") + ") = " + r.toFixed(2) + " < " + need);
  }
  return low;
})()`

// checkFocus waits until keyboard focus is on the element with this id.
func checkFocus(t *testing.T, b *tab, id string) {
	t.Helper()
	b.waitFor("focus on #"+id, fmt.Sprintf(`document.activeElement && document.activeElement.id === %s`, jsString(id)))
}

// checkReflow: no horizontal scroll at the size given, at 320 px wide (the
// WCAG reflow width) and at 200% zoom of a 1280x800 desktop window.
func checkReflow(t *testing.T, b *tab, width, height int64, mobile bool) {
	t.Helper()
	sizes := [][2]int64{{width, height}, {320, 640}, {640, 400}}
	for _, sz := range sizes {
		b.do(fmt.Sprintf("resize to %dx%d", sz[0], sz[1]), chromedp.EmulateViewport(sz[0], sz[1]))
		if w := eval[[]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("%s: at %dx%d the page is %d px wide in %d: horizontal scroll", b.name, sz[0], sz[1], w[0], w[1])
		}
	}
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.do("restore the viewport", chromedp.EmulateViewport(width, height, opts...))
}

// checkNotColourAlone: each option carries a shape and a letter besides its
// colour, and a reveal marks the right one in words.
func checkNotColourAlone(t *testing.T, b *tab, sel string) {
	t.Helper()
	bad := eval[int](b, fmt.Sprintf(`[...document.querySelectorAll(%s)].filter((o) => !o.querySelector("svg.shape") || !o.querySelector(".opt-letter").textContent.trim() || !o.querySelector(".opt-text").textContent.trim()).length`, jsString(sel)))
	if bad > 0 {
		t.Errorf("%s: %d options of %s are told apart by colour alone", b.name, bad, sel)
	}
	if strings.Contains(sel, "reveal") {
		if eval[int](b, `[...document.querySelectorAll(".reveal .opt.correct")].filter((o) => !o.innerText.includes("Correct")).length`) > 0 {
			t.Errorf("%s: a correct option is marked by colour only", b.name)
		}
	}
}

// checkReducedMotion: with prefers-reduced-motion the property is want; with
// no preference it is something else (so the check can fail).
func checkReducedMotion(t *testing.T, b *tab, sel, prop, want string) {
	t.Helper()
	read := fmt.Sprintf(`getComputedStyle(document.querySelector(%s))[%s]`, jsString(sel), jsString(prop))
	setMotion := func(value string) {
		b.do("prefers-reduced-motion: "+value, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}},
			})
			return err
		}))
	}
	if got := eval[string](b, read); got != want {
		t.Errorf("%s: with reduced motion %s %s is %q, want %q", b.name, sel, prop, got, want)
	}
	setMotion("no-preference")
	if got := eval[string](b, read); got == want {
		t.Errorf("%s: without reduced motion %s %s is still %q: the check cannot tell", b.name, sel, prop, got)
	}
	setMotion("reduce")
}
