package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/quizroom/quizroom/transport/httpapi"
)

// projector is the host screen's size in these tests: a 1080p projector.
const projectorW, projectorH = 1920, 1080

// xssNickname would run a script if any page parsed it as HTML. Nicknames are
// at most 20 characters, so it is the short form of <img src=x onerror=alert(1)>.
const xssNickname = `<svg/onload=alert()>`

// TestWhatARoomSees plays a game as a meetup would (host on a 1080p
// projector, three phones at 390x844) and checks, with numbers read from
// the page, what the back of the room can read, and each defect the room
// noticed: options that looked disabled after an answer, a skipped question
// called correct, no "what you picked" on the reveal, ties in different
// places, a dropped phone nobody could see, and a "Final results" button
// that needed pressing twice. The third player's nickname is made of HTML:
// every screen that names players (lobby, leaderboard, podium, on the host,
// the big screen and the player's own phone) must show it as text. It plays
// here, not in TestGameThroughPages, because the README's screenshots come
// from that room.
func TestWhatARoomSees(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", projectorW, projectorH, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0 && !document.querySelector("#kinds input[value=single]").closest("label").hidden`)
	host.click(`#kinds input[value=truefalse]`) // four options on every question
	host.typeInto("#count", "3")
	host.typeInto("#seconds", "120")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")
	host.waitFor("the QR code to load", `(() => { const i = document.querySelector("img.qr"); return !!i && i.complete && i.naturalWidth > 0; })()`)
	checkLobbyReadable(t, host)
	// The big screen on a 720p projector.
	display := newTab(t, browser, "display", 1280, 720, false)
	display.navigate(base + "/display/" + pin)
	display.waitText("#pin", host.text("#pin"))

	phones := map[string]*tab{}
	for _, who := range []struct{ name, nick string }{{"ada", "Ada"}, {"bob", "Bob"}, {"xss", xssNickname}} {
		p := newTab(t, browser, who.name, 390, 844, true)
		p.navigate(base + "/join/" + pin)
		p.typeInto("#nick-input", who.nick)
		p.click("#nick-submit")
		p.waitText("#v-lobby", "You're in!")
		phones[who.name] = p
	}
	ada, bob, xss := phones["ada"], phones["bob"], phones["xss"]
	host.waitText("#player-count", "3")
	xss.waitText("#me-nick", xssNickname)
	checkNoInjectedImage(t, xss)
	for _, b := range []*tab{host, display} {
		b.waitText("#player-list", xssNickname)
		checkNoInjectedImage(t, b)
	}

	// Question 1: nobody answers; the host shows the answer.
	host.click("#btn-next")
	host.waitText(".q-num", "Question 1 of 3")
	for _, p := range phones {
		p.waitFor("four answer buttons", `document.querySelectorAll(".answer-btn").length === 4`)
	}
	host.waitFor("the countdown to run", `Number(document.querySelector("#timer").textContent) > 0`)
	checkQuestionReadable(t, host)
	display.waitVisible(".question .options")
	checkNoScroll(t, display, "question")
	for b, sel := range map[*tab]string{host: "#timer", display: "#timer", ada: "#q-timer"} {
		checkTimerFits(t, b, sel)
	}
	host.click("#btn-next")
	host.waitVisible(".reveal-view")
	for _, p := range phones {
		p.waitText("#r-verdict", "no answer")
	}

	// Defect 8: three players on 0 points share 1st place, on every screen.
	host.click("#btn-next")
	host.waitVisible("#leaderboard")
	display.waitText("#leaderboard", xssNickname)
	checkNoInjectedImage(t, display)
	if ranks := eval[[]string](host, `[...document.querySelectorAll("#leaderboard .lb-rank")].map((n) => n.textContent)`); strings.Join(ranks, ",") != "1,1,1" {
		t.Errorf("leaderboard of three players on 0 points shows places %v, want 1,1,1", ranks)
	}
	for _, p := range phones {
		p.waitText("#s-rank", "1st")
	}
	checkNoInjectedImage(t, host)

	// Question 2: the third player's phone drops; the host sees it (defect 9).
	host.click("#btn-next")
	host.waitText(".q-num", "Question 2 of 3")
	ada.waitVisible(".answer-btn")
	bob.waitVisible(".answer-btn")
	xss.waitVisible(".answer-btn")
	xss.noProblems()
	xss.do("close the third player's phone", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.Close, cdp.Empty{})
		return err
	}))
	waitAnswered(host, "0 of 3 answered, 1 offline")
	// Defect 7: each phone's reveal says what that player picked.
	ada.click(`.answer-btn[data-index="0"]`)
	ada.waitText("#q-received", "Answer received")
	waitAnswered(host, "1 of 3 answered, 1 offline")
	bob.click(`.answer-btn[data-index="1"]`)
	host.waitVisible(".reveal-view") // every connected player answered
	ada.waitVisible("#v-result")
	bob.waitVisible("#v-result")
	for p, want := range map[*tab]string{ada: "A (triangle): ", bob: "B (diamond): "} {
		p.waitText("#r-yours-box", "Your answer: "+want)
	}
	host.click("#btn-next")
	host.waitVisible("#leaderboard")
	host.click("#btn-next")
	host.waitText(".q-num", "Question 3 of 3")

	// Defect 2: after answering question 2, question 3's options are
	// enabled and drawn at full strength.
	for _, p := range []*tab{ada, bob} {
		p.waitFor("four answer buttons", `document.querySelectorAll(".answer-btn").length === 4`)
		checkOptionsAtFullStrength(t, p)
	}

	// Defect 5: a skipped question is not "Correct!" on any phone.
	ada.click(`.answer-btn[data-index="0"]`)
	ada.waitText("#q-received", "Answer received")
	host.key("s")
	host.waitVisible(".reveal-view")
	for _, p := range []*tab{ada, bob} {
		p.waitText("#r-verdict", "Skipped")
		p.waitText("#r-points", "no points")
	}

	// Defect 4: from the last reveal, one press for the leaderboard, then
	// one for the final results.
	host.waitText("#btn-next", "Leaderboard")
	host.click("#btn-next")
	host.waitVisible("#leaderboard")
	host.waitText("#btn-next", "Final results")
	host.click("#btn-next")
	host.waitVisible("#podium")
	host.waitVisible(".accuracy")
	host.waitVisible("#download-csv")
	checkPodiumFits(t, host)
	display.waitVisible("#podium")
	display.waitVisible(".accuracy")
	checkNoScroll(t, display, "podium")
	// A dropped player keeps a place on the podium.
	for _, b := range []*tab{host, display} {
		b.waitText(".podium-view", xssNickname)
		checkNoInjectedImage(t, b)
	}
	ada.waitVisible("#v-final")
	bob.waitVisible("#v-final")

	// Ties in the CSV too: a place is shared by equal scores and times.
	text := eval[string](host, `fetch(document.querySelector("#download-csv").href).then((r) => r.text())`)
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("results CSV %q: %v", text, err)
	}
	for i := 2; i < len(rows); i++ {
		prev, row := rows[i-1], rows[i]
		if prev[3] == row[3] && prev[5] == row[5] && prev[0] != row[0] {
			t.Errorf("CSV: %s and %s tie (%s points, %s ms) but are placed %s and %s", prev[2], row[2], row[3], row[5], prev[0], row[0])
		}
	}
	for _, b := range []*tab{host, display, ada, bob} {
		b.noProblems()
	}
}

// checkNoInjectedImage fails if the HTML nickname became an element anywhere.
func checkNoInjectedImage(t *testing.T, b *tab) {
	t.Helper()
	if n := eval[int](b, `document.querySelectorAll('svg:not(.shape), img[src="x"]').length`); n > 0 {
		t.Errorf("%s: the nickname %s was parsed as HTML (%d injected elements)", b.name, xssNickname, n)
	}
	if !strings.Contains(eval[string](b, `document.body.innerText`), xssNickname) {
		t.Errorf("%s: the nickname %s is not shown as literal text", b.name, xssNickname)
	}
}

// checkTimerFits: a countdown of three digits (the game has 120 seconds a
// question) stays inside its ring with room to spare, its text at most 85%
// of the ring's inner width.
func checkTimerFits(t *testing.T, b *tab, sel string) {
	t.Helper()
	b.waitFor("the countdown to run", fmt.Sprintf(`Number(document.querySelector(%s).textContent) > 0`, jsString(sel)))
	m := eval[[]float64](b, fmt.Sprintf(`(() => { const n = document.querySelector(%s);
		return [n.textContent.length, n.getBoundingClientRect().width, n.closest(".timer").clientWidth]; })()`, jsString(sel)))
	if m[0] != 3 {
		t.Errorf("%s: the countdown shows %.0f digits, want 3 to measure", b.name, m[0])
	}
	t.Logf("%s: countdown text %.1f px in a ring of %.1f px", b.name, m[1], m[2])
	if m[1] > 0.85*m[2] {
		t.Errorf("%s: the countdown's text is %.0f px wide in a ring of %.0f px: it touches the ring", b.name, m[1], m[2])
	}
}

// checkNoScroll: the screen shows all of the phase without scrolling.
func checkNoScroll(t *testing.T, b *tab, phase string) {
	t.Helper()
	if m := eval[[]float64](b, `[document.documentElement.scrollHeight, innerWidth, innerHeight]`); m[0] > m[2] {
		t.Errorf("%s: the %s screen is %.0f px tall at %.0fx%.0f: it scrolls", b.name, phase, m[0], m[1], m[2])
	}
	b.screenshot(b.name + "-" + phase)
}

// checkLobbyReadable: at 1080p the join QR is at least 400 px and the PIN
// at least 100 px tall, both wholly on screen.
func checkLobbyReadable(t *testing.T, host *tab) {
	t.Helper()
	qr := eval[[]float64](host, `(() => { const r = document.querySelector("img.qr").getBoundingClientRect(); return [r.width, r.height, r.bottom, innerHeight]; })()`)
	if qr[0] < 400 || qr[1] < 400 {
		t.Errorf("lobby QR is %.0fx%.0f px at %dx%d, want at least 400 px", qr[0], qr[1], projectorW, projectorH)
	}
	if qr[2] > qr[3] {
		t.Errorf("lobby QR ends at %.0f px, below the %.0f px screen", qr[2], qr[3])
	}
	if px := eval[float64](host, `parseFloat(getComputedStyle(document.querySelector("#pin")).fontSize)`); px < 100 {
		t.Errorf("lobby PIN is %.0f px, want at least 100 px to read it from the back", px)
	}
}

// checkQuestionReadable measures the projector's question screen: question
// text >= 48 px, option text >= 32 px, options filling >= 40% of the
// height, a timer of at least 120 px, and nothing below the screen.
func checkQuestionReadable(t *testing.T, host *tab) {
	t.Helper()
	m := eval[map[string]float64](host, `(() => {
		const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
		const box = (sel) => document.querySelector(sel).getBoundingClientRect();
		const opts = [...document.querySelectorAll(".question .options .opt-text")].map((n) => parseFloat(getComputedStyle(n).fontSize));
		return {
			prompt: px("#prompt"), option: Math.min(...opts),
			optionsShare: box(".question .options").height / innerHeight,
			timerW: box(".question .timer").width, timerH: box(".question .timer").height,
			scroll: document.documentElement.scrollHeight - innerHeight,
		};
	})()`)
	if m["prompt"] < 48 {
		t.Errorf("question text is %.1f px at 1080p, want at least 48", m["prompt"])
	}
	if m["option"] < 32 {
		t.Errorf("option text is %.1f px at 1080p, want at least 32", m["option"])
	}
	if m["optionsShare"] < 0.4 {
		t.Errorf("options fill %.0f%% of the height, want at least 40%%", 100*m["optionsShare"])
	}
	if m["timerW"] < 120 || m["timerH"] < 120 {
		t.Errorf("timer is %.0fx%.0f px, want at least 120 px", m["timerW"], m["timerH"])
	}
	if m["scroll"] > 0 {
		t.Errorf("the question screen is %.0f px taller than the 1080p screen", m["scroll"])
	}
	host.screenshot("projector-question")
}

// checkPodiumFits: podium, accuracy table and buttons on one 1080p screen.
func checkPodiumFits(t *testing.T, host *tab) {
	t.Helper()
	m := eval[[]float64](host, `[document.documentElement.scrollHeight, innerHeight,
		document.querySelector(".accuracy").getBoundingClientRect().bottom,
		document.querySelector("#download-csv").getBoundingClientRect().bottom]`)
	if m[0] > m[1] {
		t.Errorf("the podium screen scrolls: %.0f px of page in a %.0f px screen", m[0], m[1])
	}
	if m[2] > m[1] || m[3] > m[1] {
		t.Errorf("the accuracy table (bottom %.0f) or the buttons (bottom %.0f) are below the %.0f px screen", m[2], m[3], m[1])
	}
	host.screenshot("projector-podium")
}

// checkOptionsAtFullStrength: every enabled answer button is drawn at full
// opacity (its own and every ancestor's).
func checkOptionsAtFullStrength(t *testing.T, p *tab) {
	t.Helper()
	faint := eval[[]string](p, `[...document.querySelectorAll(".answer-btn")].flatMap((b) => {
		if (b.disabled) return [b.innerText + " is disabled"];
		let o = 1;
		for (let n = b; n && n.nodeType === 1; n = n.parentElement) o *= Number(getComputedStyle(n).opacity);
		return o < 1 ? [b.innerText + " at opacity " + o.toFixed(2)] : [];
	})`)
	if len(faint) > 0 {
		t.Errorf("%s: options look disabled on a new question: %s", p.name, strings.Join(faint, "; "))
	}
}

// TestHostSetupDoesNotShift: the host page's layout shift while the banks
// and categories load, measured as Lighthouse does (the sum of
// 'layout-shift' entries without recent input), at a phone size and a
// desktop size. The bank list comes 300 ms after the page, as over a
// throttled network (on loopback it would arrive before the first paint
// and hide the shift). Lighthouse's budget for a good page is 0.1; ours 0.05.
func TestHostSetupDoesNotShift(t *testing.T) {
	base := startServerOn(t, "127.0.0.1:0", httpapi.Config{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/banks" {
				select {
				case <-time.After(300 * time.Millisecond): // network latency, not synchronization
				case <-r.Context().Done():
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	browser := newBrowser(t)
	for _, size := range [][2]int64{{412, 823}, {1350, 940}} {
		b := newTab(t, browser, fmt.Sprintf("host %dx%d", size[0], size[1]), size[0], size[1], size[0] < 600)
		b.do("observe layout shifts", observeShifts)
		b.navigate(base + "/host")
		b.waitFor("categories to load", `document.querySelectorAll("#categories input").length > 0`)
		cls := eval[float64](b, `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.__cls))))`)
		t.Logf("host setup at %dx%d: layout shift %.4f", size[0], size[1], cls)
		if cls > 0.05 {
			t.Errorf("host setup at %dx%d shifts by %.3f as it loads, want at most 0.05", size[0], size[1], cls)
		}
		b.noProblems()
	}
}

// shiftScript sums the page's layout shifts into window.__cls from the
// first paint on, as Lighthouse's cumulative layout shift does.
const shiftScript = `
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({ type: "layout-shift", buffered: true });
`

var observeShifts = chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: shiftScript})
	return err
})

// waitAnswered waits for the host's answer count to read want (its parts
// are stacked on the projector, so the text is read without line breaks).
func waitAnswered(host *tab, want string) {
	host.t.Helper()
	host.waitFor(fmt.Sprintf("the answer count to read %q", want), fmt.Sprintf(
		`(document.querySelector("#answered") || {textContent: ""}).textContent.replace(/\s+/g, " ").trim() === %s`, jsString(want)))
}
