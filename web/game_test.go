package web_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// player is one phone in the game and what the test made it answer.
type player struct {
	*tab
	nickname string
	picked   int // option index answered on the current question, -1 for none
}

// picks are the options each player answers on the three questions: no two
// rows alike and no row the opposite of another, so on true-or-false
// questions at most one player can miss every answer.
var picks = [][]int{{0, 1, 0}, {1, 0, 0}, {0, 0, 1}, {1, 1, 1}}

// TestGameThroughPages plays a three-question game from creation to the
// podium with a host screen and four phones, only by clicking and typing in
// the pages, and checks what every screen shows at each step. Along the way a
// player reloads mid-question (and must come back with the same score) and
// the phone layout must hold at 360x740. The host is a 1080p projector; Ada's
// phone is 390x844. The README's screenshots come from this room, so its
// players have the nicknames a real room would; the nickname made of HTML
// plays in TestWhatARoomSees.
func TestGameThroughPages(t *testing.T) {
	base := startLANServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", projectorW, projectorH, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "3")
	host.typeInto("#seconds", "30")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(pin) {
		t.Fatalf("host lobby shows PIN %q, want 6 digits", pin)
	}
	if got := host.text(".join-url"); !strings.Contains(got, "/join/"+pin) {
		t.Errorf("host lobby shows join URL %q, want it to end in /join/%s", got, pin)
	}
	host.waitFor("the QR code to load", `(() => { const i = document.querySelector("img.qr"); return !!i && i.complete && i.naturalWidth > 0; })()`)

	players := []*player{
		{tab: newTab(t, browser, "ada", 390, 844, true), nickname: "Ada"},
		{tab: newTab(t, browser, "bob", 360, 740, true), nickname: "Bob"},
		{tab: newTab(t, browser, "grace", 360, 740, true), nickname: "Grace"},
		{tab: newTab(t, browser, "linus", 360, 740, true), nickname: "Linus"},
	}
	// Ada comes through the QR link (PIN step skipped), the others type the PIN.
	players[0].navigate(base + "/join/" + pin)
	players[0].waitVisible("#nick-input")
	for _, p := range players[1:] {
		p.navigate(base + "/")
		p.typeInto("#pin-input", pin)
		p.click("#pin-submit")
		p.waitVisible("#nick-input")
	}
	// A wrong PIN is refused in words before the nickname step.
	probe := newTab(t, browser, "probe", 360, 740, true)
	probe.navigate(base + "/")
	wrong := fmt.Sprintf("%06d", (mustAtoi(t, pin)+1)%1_000_000)
	probe.typeInto("#pin-input", wrong)
	probe.click("#pin-submit")
	probe.waitText("#pin-error", "no game with PIN "+wrong)

	for i, p := range players {
		p.typeInto("#nick-input", p.nickname)
		p.click("#nick-submit")
		p.waitText("#v-lobby", "You're in!")
		host.waitText("#player-count", strconv.Itoa(i+1))
	}
	// A second Ada is told the nickname is taken and may pick another.
	probe.navigate(base + "/join/" + pin)
	probe.typeInto("#nick-input", "Ada")
	probe.click("#nick-submit")
	probe.waitText("#nick-error", "already has that nickname")
	probe.noProblems()

	for _, p := range players {
		host.waitText("#player-list", p.nickname)
		p.waitText("#me-nick", p.nickname)
	}
	host.screenshot("host-lobby")
	checkZoom200(t, host, projectorW, projectorH)

	host.click("#btn-next") // Start game
	for q := 0; q < 3; q++ {
		host.waitText(".q-num", fmt.Sprintf("Question %d of 3", q+1))
		prompt := host.text("#prompt")
		nOptions := eval[int](host, `document.querySelectorAll(".question .options .opt").length`)
		if nOptions < 2 {
			t.Fatalf("question %d shows %d options on the host, want 2 to 4", q+1, nOptions)
		}
		for _, p := range players {
			p.waitText("#q-prompt", prompt)
			p.waitFor("answer buttons", fmt.Sprintf(`document.querySelectorAll(".answer-btn").length === %d`, nOptions))
		}
		host.waitFor("the countdown to run", `Number(document.querySelector("#timer").textContent) > 0`)
		if q == 0 {
			host.screenshot("host-question")
			players[0].screenshot("phone-question")
			checkPhoneLayout(t, players[1].tab)
			checkZoom200(t, host, projectorW, projectorH)
		}
		if q == 1 {
			// Bob reloads before answering and must be back in the same seat.
			before := players[1].text("#me-score")
			players[1].do("reload", chromedp.Reload())
			players[1].waitText("#q-prompt", prompt)
			players[1].waitText("#me-nick", "Bob")
			if after := players[1].text("#me-score"); after != before {
				t.Errorf("after a reload Bob's score is %q, was %q", after, before)
			}
		}
		// Players spread over the options, no two alike over the game, so
		// nobody shares a place by chance: Bob by key, the others by click.
		for i, p := range players {
			p.picked = picks[i][q] % nOptions
			if i == 1 {
				p.key(strconv.Itoa(p.picked + 1))
			} else {
				p.click(fmt.Sprintf(`.answer-btn[data-index="%d"]`, p.picked))
			}
			if i < len(players)-1 {
				p.waitText("#q-received", "Answer received")
				host.waitText("#answered-count", strconv.Itoa(i+1))
			} else {
				// The last answer closes the question at once: the reveal may
				// replace "answer received" before the test looks.
				p.waitFor("answer received or the reveal", `document.querySelector("#q-received").innerText.includes("Answer received") || !document.querySelector("#v-result").hidden`)
			}
		}
		// Everyone answered: the question closes early and the reveal shows.
		host.waitVisible(".reveal-view")
		correct := eval[[]int](host, `[...document.querySelectorAll(".reveal .opt")].flatMap((o, i) => o.classList.contains("correct") ? [i] : [])`)
		if len(correct) == 0 {
			t.Fatalf("question %d: the host reveal marks no option correct", q+1)
		}
		if got, want := host.text("#reveal-summary"), fmt.Sprintf("of %d", len(players)); !strings.Contains(got, want) {
			t.Errorf("question %d: reveal summary %q, want a count out of %d players", q+1, got, len(players))
		}
		for _, p := range players {
			want := "Not this time"
			for _, c := range correct {
				if c == p.picked {
					want = "Correct!"
				}
			}
			p.waitText("#r-verdict", want)
			if want == "Correct!" {
				p.waitText("#r-points", "+")
			}
		}
		if q == 0 {
			host.screenshot("host-reveal")
			players[0].screenshot("phone-reveal")
		}
		host.click("#btn-next")
		// With the leaderboard phase on, the top 5 show before the next question.
		host.waitFor("the leaderboard or the next step", `!!document.querySelector("#leaderboard, .question, #podium")`)
		if eval[bool](host, `!!document.querySelector("#leaderboard")`) {
			for _, p := range players {
				host.waitText("#leaderboard", p.nickname)
				p.waitText("#v-standing", "points")
			}
			if q == 0 {
				host.screenshot("host-leaderboard")
			}
			host.click("#btn-next")
		}
	}

	host.waitVisible("#podium")
	for _, p := range players {
		host.waitText(".podium-view", p.nickname)
		p.waitVisible("#v-final")
		p.waitFor("the final rank", `/^\d+(st|nd|rd|th)$/.test(document.querySelector("#f-rank").textContent)`)
		p.waitFor("the review", `!document.querySelector("#review-none").textContent.startsWith("Loading")`)
		missed := eval[int](p.tab, `document.querySelectorAll("#review-list li").length`)
		if missed > 0 && !strings.Contains(p.text("#review-list"), "Correct:") {
			t.Errorf("%s: review lists %d missed questions without their correct answer", p.nickname, missed)
		}
	}
	host.waitVisible(".accuracy")
	if rows := eval[int](host, `document.querySelectorAll(".acc-table tbody tr").length`); rows != 3 {
		t.Errorf("per-question accuracy has %d rows, want 3", rows)
	}
	csv := eval[string](host, `fetch(document.querySelector("#download-csv").href).then((r) => r.ok ? r.text() : "HTTP " + r.status)`)
	for _, p := range players {
		if !strings.Contains(csv, p.nickname) {
			t.Errorf("results CSV does not name %s:\n%s", p.nickname, csv)
		}
	}
	host.screenshot("host-podium")
	players[2].screenshot("phone-podium")

	host.noProblems()
	for _, p := range players {
		p.noProblems()
	}
}

// checkPhoneLayout: no horizontal scroll at 360 px, touch targets >= 48 px.
func checkPhoneLayout(t *testing.T, b *tab) {
	t.Helper()
	if w := eval[[]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth, innerWidth]`); w[0] > w[1] || w[1] > 360 {
		t.Errorf("%s: page is %d px wide in a %d px viewport (innerWidth %d): horizontal scroll", b.name, w[0], w[1], w[2])
	}
	heights := eval[[]float64](b, `[...document.querySelectorAll(".answer-btn")].map((e) => e.getBoundingClientRect().height)`)
	if len(heights) == 0 {
		t.Errorf("%s: no answer buttons on the phone", b.name)
	}
	for i, h := range heights {
		if h < 48 {
			t.Errorf("%s: answer button %d is %.0f px tall, want at least 48", b.name, i+1, h)
		}
	}
}

// checkZoom200 shows the page as a browser zoomed to 200% would (half the CSS
// pixels) and fails on horizontal scrolling, then restores the viewport.
func checkZoom200(t *testing.T, b *tab, width, height int64) {
	t.Helper()
	b.do("zoom to 200%", chromedp.EmulateViewport(width/2, height/2))
	if w := eval[[]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
		t.Errorf("%s: at 200%% zoom the page is %d px wide in %d: horizontal scroll", b.name, w[0], w[1])
	}
	b.do("zoom back", chromedp.EmulateViewport(width, height))
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
