package web_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/quizroom/quizroom/transport/httpapi"
)

// pairNotes are study notes as Q:/A: pairs (the default bank's notes number
// their questions and say "Answer:"), with a duplicate and an editorial note
// the import must skip and say why.
const pairNotes = `Networking study group, week 4

Q: What is a load balancer?
A: A load balancer spreads incoming requests over several servers so that no single server is overwhelmed.

Q: What is a CDN?
A: A CDN is a network of servers around the world that caches static files close to the users who ask for them.

Q: What is DNS?
A: DNS is the system that turns human-readable host names into the IP addresses computers connect to.

Q: What is a reverse proxy?
A: A reverse proxy is a server that sits in front of application servers and forwards client requests to them.

Q: What is TLS?
A: TLS is the protocol that encrypts traffic between a client and a server and proves the server's identity.

Q: What is a firewall?
A: A firewall is a filter that allows or blocks network traffic according to a set of rules.

Q: What is a CDN?
A: A CDN caches static files near users.

Q: What is BGP?
A: (TODO: ask Sam to explain this one.)
`

// TestOwnQuestionsThroughThePage: a host pastes notes in a shape the default
// bank does not use, reads the import report, edits one question (wording,
// an option, the correct option) and removes another, creates the game and
// plays it to the podium with two phones. The phones must show the edited
// wording, never the removed question, and score by the host's correct option.
func TestOwnQuestionsThroughThePage(t *testing.T) {
	base := startServerWith(t, httpapi.Config{})
	browser := newBrowser(t)
	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "4")
	host.typeInto("#seconds", "30")
	// Single choice only, so every question has options to edit.
	host.click(`#kinds input[value="truefalse"]`)
	host.click("#own > summary")
	host.waitVisible("#own-notes")
	// Pasted, as a host would: the whole text at once.
	paste := func(text string) {
		eval[bool](host, fmt.Sprintf(`(() => { const n = document.querySelector("#own-notes"); n.value = %s; n.dispatchEvent(new Event("input")); return true; })()`, jsString(text)))
		host.click("#own-import")
	}
	// Notes the importer cannot read are refused in words, with the line.
	paste("Q: What is a load balancer?\n\nQ: What is a CDN?\nA: A CDN caches files near users.\n")
	host.waitText("#own-error", "A question has no answer. (line 1:")
	// The shipped example imports without a warning: the report must say
	// so rather than fail on an empty list.
	example, err := os.ReadFile("../docs/examples/cell-biology.md")
	if err != nil {
		t.Fatal(err)
	}
	paste(string(example))
	host.waitText("#own-summary", "Kept 8 questions, skipped 0, 0 warnings.")
	if eval[bool](host, `!!document.querySelector("#own-warnings, #own-skipped") || document.querySelector("#own-error").textContent !== ""`) {
		t.Errorf("a report without warnings shows a warning list or an error: %q", host.text("#own-report"))
	}
	host.noProblems()
	paste(pairNotes)

	host.waitText("#own-summary", "Kept 6 questions, skipped 2, 1 warning")
	host.waitText("#own-skipped", "duplicate of item 2")
	host.waitText("#own-skipped", "editorial note only")
	host.waitText("#own-warnings", "text before the first question ignored")
	host.waitFor("4 questions to review", `document.querySelectorAll("#own-questions > li").length === 4`)
	audit(t, host, "own questions under review")
	host.do("show the whole form", chromedp.EmulateViewport(1280, 2800))
	host.screenshot("host-own-questions")
	host.do("back to the laptop screen", chromedp.EmulateViewport(1280, 800))

	// Edit question 1: wording, option A's text, and the correct option.
	const edited = "EDITED: which of these spreads requests over servers?"
	host.typeInto("#own-q0-prompt", edited)
	oldCorrect := eval[int](host, `[...document.querySelectorAll('#own-q0 input[type=radio]')].findIndex((r) => r.checked)`)
	newCorrect := (oldCorrect + 1) % 4
	host.typeInto(fmt.Sprintf("#own-q0-o%d", newCorrect), "Edited option")
	host.click(fmt.Sprintf("#own-q0-c%d", newCorrect))
	// Remove question 2.
	removed := eval[string](host, `document.querySelector("#own-q1-prompt").value`)
	host.click("#own-q1 .own-remove")
	host.waitFor("3 questions left", `document.querySelectorAll("#own-questions > li").length === 3`)
	host.waitText("#own-count", "3 questions")
	// The downloaded bank keeps the edit.
	host.click("#own-download")
	host.waitText("#own-status", "Saved the bank with 1 of your 1 edit.")
	want := eval[[]string](host, `[...document.querySelectorAll(".own-prompt")].map((p) => p.value)`)
	if want[0] != edited || slices.Contains(want, removed) {
		t.Fatalf("review shows %q after editing the first and removing %q", want, removed)
	}
	host.noProblems()

	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")
	players := []*player{
		{tab: newTab(t, browser, "ada", 390, 844, true), nickname: "Ada"},
		{tab: newTab(t, browser, "bob", 390, 844, true), nickname: "Bob"},
	}
	for i, p := range players {
		p.navigate(base + "/join/" + pin)
		p.typeInto("#nick-input", p.nickname)
		p.click("#nick-submit")
		p.waitText("#v-lobby", "You're in!")
		host.waitText("#player-count", strconv.Itoa(i+1))
	}
	host.click("#btn-next") // start
	var seen []string
	for q := range 3 {
		host.waitText(".q-num", fmt.Sprintf("Question %d of 3", q+1))
		for _, p := range players {
			p.waitFor("the question", `!!document.querySelector("#q-prompt") && document.querySelector("#q-prompt").offsetParent !== null && document.querySelectorAll(".answer-btn").length === 4`)
		}
		prompt := players[0].text("#q-prompt")
		seen = append(seen, prompt)
		if q == 0 {
			if !strings.Contains(players[0].text("#v-question"), "Edited option") {
				t.Errorf("phone does not show the edited option: %q", players[0].text("#v-question"))
			}
			players[0].screenshot("phone-own-question")
		}
		// Ada picks the host's correct option of question 1; Bob another.
		for i, p := range players {
			p.picked = (newCorrect + i) % 4
			p.click(fmt.Sprintf(`.answer-btn[data-index="%d"]`, p.picked))
		}
		host.waitVisible(".reveal-view")
		if q == 0 {
			correct := eval[[]int](host, `[...document.querySelectorAll(".reveal .opt")].flatMap((o, i) => o.classList.contains("correct") ? [i] : [])`)
			if !slices.Equal(correct, []int{newCorrect}) {
				t.Errorf("reveal marks %v correct, the host chose %d", correct, newCorrect)
			}
			players[0].waitText("#r-verdict", "Correct!")
			players[1].waitText("#r-verdict", "Not this time")
		}
		host.click("#btn-next")
		host.waitFor("the leaderboard or the next step", `!!document.querySelector("#leaderboard, .question, #podium")`)
		if eval[bool](host, `!!document.querySelector("#leaderboard")`) {
			host.click("#btn-next")
		}
	}
	host.waitVisible("#podium")
	for _, p := range players {
		p.waitVisible("#v-final")
		p.noProblems()
	}
	if !slices.Equal(seen, want) {
		t.Errorf("players saw %q, the host's list was %q", seen, want)
	}
	host.screenshot("host-own-podium")
	host.noProblems()
}

// TestHostKeyAskedOnceAndRemembered: on a server with a host key, the host
// page asks for it when creating a game, says so when it is wrong, and
// remembers the right one in that browser; players never see it.
func TestHostKeyAskedOnceAndRemembered(t *testing.T) {
	base := startServerWith(t, httpapi.Config{HostKey: "study group 7"})
	browser := newBrowser(t)
	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "2")
	host.click("#create")
	dialogSays := func(text string) {
		t.Helper()
		// A modal dialog is fixed in the top layer: it has no offsetParent.
		host.waitFor("the host key dialog to say "+text, fmt.Sprintf(
			`(() => { const d = document.querySelector("#host-key-dialog"); return !!d && d.open && d.innerText.includes(%s); })()`, jsString(text)))
	}
	dialogSays("asks hosts for a key")
	host.typeInto("#host-key-input", "guess")
	host.click("#host-key-ok")
	dialogSays("not this server's")
	host.screenshot("host-key-dialog")
	host.typeInto("#host-key-input", "study group 7")
	host.click("#host-key-ok")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	phone := newTab(t, browser, "ada", 390, 844, true)
	phone.navigate(base + "/join/" + pin)
	phone.typeInto("#nick-input", "Ada")
	phone.click("#nick-submit")
	phone.waitText("#v-lobby", "You're in!")
	phone.noProblems()

	// A second game from the same browser: no question asked.
	host.do("new host page", chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`))
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "2")
	host.click("#create")
	host.waitVisible("#pin")
	if eval[bool](host, `!!document.querySelector("#host-key-dialog")`) {
		t.Error("the host page asked for the key again")
	}
	host.noProblems()
}
