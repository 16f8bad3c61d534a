package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// playSolo plays a self-paced player's next n questions from the challenge
// screen or a reveal: open the question, pick an option, see the reveal.
func playSolo(p *tab, n int, pick int) {
	p.t.Helper()
	for range n {
		p.waitFor("the start or next button", `(() => { const b = [...document.querySelectorAll("#c-start, #r-next")].find((b) => b.offsetParent !== null && !b.hidden); if (b) b.click(); return !!b; })()`)
		p.waitFor("the question", `!document.querySelector("#v-question").hidden && document.querySelectorAll(".answer-btn").length > 0`)
		p.click(fmt.Sprintf(`.answer-btn[data-index="%d"]`, pick%2)) // true/false questions have two options
		p.waitVisible("#v-result")
		p.waitFor("the explanation or the answer", `document.querySelector("#r-answer").textContent.length > 0`)
	}
}

// waitLong is waitFor for events minutes away (a challenge's deadline).
func (b *tab) waitLong(what, predicate string, limit time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingInterval(250*time.Millisecond), chromedp.WithPollingTimeout(limit))); err != nil {
		b.t.Fatalf("%s: waiting for %s: %v", b.name, what, err)
	}
}

// TestChallengeThroughPages: the host creates a one-minute self-paced
// challenge; three players play it alone and finish at different times while
// the host's page shows who has finished, their scores and the accuracy per
// question; after the deadline everyone sees the final results.
func TestChallengeThroughPages(t *testing.T) {
	base := startLANServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", projectorW, projectorH, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "3")
	host.typeInto("#seconds", "30")
	host.click(`input[name=game_kind][value=challenge]`)
	host.waitVisible("#challenge-fields")
	host.typeInto("#deadline-n", "1")
	host.do("deadline in minutes", chromedp.SetValue(chromedp.CSS("#deadline-unit"), "1"))
	host.waitText("#create", "Create challenge")
	host.screenshot("host-setup-challenge")
	audit(t, host, "host-setup-challenge")
	host.click("#create")
	created := time.Now()
	host.waitVisible("#pin")
	host.waitText("#challenge-deadline", "Open until")
	host.waitText(".challenge-view", "restart")
	host.waitText("#btn-end", "Close challenge now")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	names := []string{"Ada", "Bob", "Cy"}
	phones := make([]*tab, 3)
	for i, nick := range names {
		p := newTab(t, browser, strings.ToLower(nick), 390, 844, true)
		phones[i] = p
		p.navigate(base + "/join/" + pin)
		p.typeInto("#nick-input", nick)
		p.click("#nick-submit")
		p.waitText("#v-challenge", "own pace")
		host.waitText("#progress", nick)
	}
	phones[0].screenshot("phone-challenge-start")
	audit(t, phones[0], "phone-challenge-start")

	// Ada plays everything at once; Bob and Cy start.
	playSolo(phones[0], 3, 0)
	phones[0].click("#r-next") // "See your result" after the last reveal
	phones[0].waitText("#f-label", "Your place so far")
	phones[0].waitFor("the review", `!document.querySelector("#review-none").textContent.startsWith("Loading")`)
	host.waitText("#finished-count", "1")
	host.waitFor("Ada's row finished", `[...document.querySelectorAll("#progress tr")].some((r) => r.innerText.includes("Ada") && r.innerText.includes("Finished") && r.innerText.includes("3 of 3"))`)
	host.waitFor("accuracy of three questions", `document.querySelectorAll("#live-accuracy tbody tr").length === 3`)
	phones[0].screenshot("phone-challenge-finished")
	audit(t, phones[0], "phone-challenge-finished")

	playSolo(phones[1], 1, 1)
	host.waitFor("Bob's row at 1 of 3", `[...document.querySelectorAll("#progress tr")].some((r) => r.innerText.includes("Bob") && r.innerText.includes("1 of 3") && r.innerText.includes("Playing"))`)
	playSolo(phones[2], 2, 2)
	host.waitFor("Cy's row at 2 of 3", `[...document.querySelectorAll("#progress tr")].some((r) => r.innerText.includes("Cy") && r.innerText.includes("2 of 3"))`)
	host.screenshot("host-challenge-live")
	audit(t, host, "host-challenge-live")

	// Bob finishes second, Cy third.
	playSolo(phones[1], 2, 1)
	phones[1].click("#r-next")
	phones[1].waitText("#f-label", "Your place so far")
	host.waitText("#finished-count", "2")
	playSolo(phones[2], 1, 2)
	phones[2].click("#r-next")
	phones[2].waitText("#f-label", "Your place so far")
	host.waitText("#finished-count", "3")
	// Scores on the host are the players' own.
	for _, p := range phones {
		score := p.text("#me-score")
		nick := p.text("#me-nick")
		host.waitFor(nick+"'s score", fmt.Sprintf(`[...document.querySelectorAll("#progress tr")].some((r) => r.innerText.includes(%q) && r.innerText.includes(%q))`, nick, score))
	}
	if time.Since(created) > 55*time.Second {
		t.Fatalf("playing took %v: the deadline passed before the live view could be checked", time.Since(created))
	}

	// The deadline passes: final results for everyone.
	host.waitLong("the final results after the deadline", `!!document.querySelector("#podium")`, 90*time.Second)
	if time.Since(created) < 59*time.Second {
		t.Errorf("final results came %v after creation, before the one-minute deadline", time.Since(created))
	}
	for _, nick := range names {
		host.waitText(".podium-view", nick)
	}
	host.waitVisible(".accuracy")
	for _, p := range phones {
		p.waitText("#f-label", "Final place")
		p.waitFor("a final rank", `/^\d+(st|nd|rd|th)$/.test(document.querySelector("#f-rank").textContent)`)
	}
	csv := eval[string](host, `fetch(document.querySelector("#download-csv").href).then((r) => r.ok ? r.text() : "HTTP " + r.status)`)
	for _, nick := range names {
		if !strings.Contains(csv, nick) {
			t.Errorf("results CSV does not name %s:\n%s", nick, csv)
		}
	}
	host.screenshot("host-challenge-results")
	audit(t, host, "host-challenge-results")
	for _, b := range append([]*tab{host}, phones...) {
		b.noProblems()
	}
}

// TestPracticeAfterAGame: a player who missed a question in a live game
// starts "Practise what you missed" from the final screen and plays just
// those questions, with the explanations, in a round of their own.
func TestPracticeAfterAGame(t *testing.T) {
	base := startLANServer(t)
	browser := newBrowser(t)
	host := newTab(t, browser, "host", projectorW, projectorH, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "2")
	host.typeInto("#seconds", "30")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	ada := newTab(t, browser, "ada", 390, 844, true)
	ada.navigate(base + "/join/" + pin)
	ada.typeInto("#nick-input", "Ada")
	ada.click("#nick-submit")
	ada.waitText("#v-lobby", "You're in!")
	host.waitText("#player-count", "1")
	host.click("#btn-next") // start
	// Question 1: Ada does not answer; the host shows the answer.
	ada.waitVisible(".answer-btn")
	missedPrompt := ada.text("#q-prompt")
	host.click("#btn-next")
	ada.waitText("#r-verdict", "no answer")
	host.click("#btn-next") // leaderboard
	host.waitVisible("#leaderboard")
	host.click("#btn-next") // question 2
	ada.waitVisible(".answer-btn")
	ada.click(`.answer-btn[data-index="0"]`)
	ada.waitVisible("#v-result")
	host.click("#btn-next") // leaderboard
	host.waitVisible("#leaderboard")
	host.click("#btn-next") // podium
	ada.waitVisible("#v-final")
	ada.waitText("#review-list", missedPrompt)
	ada.waitVisible("#practice-btn")
	ada.screenshot("phone-final-practice")
	audit(t, ada, "phone-final-practice")
	missed := eval[int](ada, `document.querySelectorAll("#review-list li").length`)

	ada.click("#practice-btn")
	ada.waitText("#c-title", "Practice round")
	ada.waitText("#c-text", fmt.Sprintf("%d question", missed))
	for i := range missed {
		if i == 0 {
			ada.click("#c-start")
		} else {
			ada.click("#r-next") // "Next question" under the reveal
		}
		ada.waitFor("the practice question", `!document.querySelector("#v-question").hidden && document.querySelectorAll(".answer-btn").length > 0`)
		if i == 0 {
			if got := ada.text("#q-prompt"); got != missedPrompt {
				t.Errorf("practice opens with %q, want the missed question %q", got, missedPrompt)
			}
			ada.screenshot("phone-practice-question")
		}
		ada.click(`.answer-btn[data-index="1"]`)
		ada.waitVisible("#v-result")
		ada.waitFor("the explanation", `document.querySelector("#r-explanation").textContent.length > 0`)
		if i == 0 {
			ada.screenshot("phone-practice-reveal")
		}
		ada.waitVisible("#r-next")
	}
	ada.waitText("#r-next", "See how you did")
	ada.click("#r-next")
	ada.waitText("#f-label", "Practice done")
	ada.waitText("#f-rank", fmt.Sprintf("of %d", missed))
	ada.screenshot("phone-practice-done")
	audit(t, ada, "phone-practice-done")
	// The game's own results are untouched by practice.
	host.waitVisible("#podium")
	for _, b := range []*tab{host, ada} {
		b.noProblems()
	}
}
