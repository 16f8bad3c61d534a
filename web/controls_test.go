package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHostControlsDisplayAndTypedAnswers covers what the full game does not:
// lock and unlock (by keyboard shortcut), kick, the read-only big screen, a
// typed answer, pause and resume, and ending the game early.
func TestHostControlsDisplayAndTypedAnswers(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#kinds input[value=typed]").length === 1 && !document.querySelector("#kinds input[value=typed]").closest("label").hidden`)
	// Typed answers only.
	host.click(`#kinds input[value=single]`)
	host.click(`#kinds input[value=truefalse]`)
	host.click(`#kinds input[value=typed]`)
	host.typeInto("#count", "2")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	display := newTab(t, browser, "display", 1280, 720, false)
	display.navigate(base + "/display/" + pin)
	display.waitText("#pin", host.text("#pin"))

	ada := newTab(t, browser, "ada", 390, 844, true)
	bob := newTab(t, browser, "bob", 360, 740, true)
	for _, p := range []struct {
		b    *tab
		nick string
	}{{ada, "Ada"}, {bob, "Bob"}} {
		p.b.navigate(base + "/join/" + pin)
		p.b.typeInto("#nick-input", p.nick)
		p.b.click("#nick-submit")
		p.b.waitText("#v-lobby", "You're in!")
		display.waitText("#player-list", p.nick)
	}
	host.waitText("#player-count", "2")

	// L locks joining: a newcomer is told so in words.
	host.key("l")
	host.waitText("#btn-lock", "Unlock joining")
	display.waitText(".join-card", "Joining is locked")
	late := newTab(t, browser, "late", 360, 740, true)
	late.navigate(base + "/join/" + pin)
	late.waitText("#pin-error", "locked")
	host.click("#btn-lock")
	host.waitText("#btn-lock", "Lock joining")

	// Kicking Bob removes him everywhere and tells him why.
	host.click(`#player-list .player:nth-child(2) .kick`)
	bob.waitText("#v-ended", "removed you")
	host.waitText("#player-count", "1")
	display.waitFor("Bob to leave the big screen", `!document.querySelector("#player-list") || !document.querySelector("#player-list").innerText.includes("Bob")`)
	bob.do("reload", chromedp.Reload())
	bob.waitFor("Bob to stay out after a reload", `!document.querySelector("#v-ended").hidden`)

	// The host screen survives a reload (the host token is kept for the tab).
	host.do("reload", chromedp.Reload())
	host.waitText("#player-count", "1")
	host.waitText("#player-list", "Ada")

	host.key(" ") // Space starts the game
	display.waitVisible(".question")
	ada.waitVisible("#typed-input")
	host.waitText(".typed-hint", "Type your answer")

	// P pauses: every screen says so and the countdown stops.
	host.key("p")
	ada.waitVisible("#q-paused")
	display.waitVisible(".paused")
	host.waitText("#btn-pause", "Resume")
	host.key("p")
	ada.waitFor("the pause notice to go", `document.querySelector("#q-paused").hidden`)

	display.waitFor("the countdown to run", `Number(document.querySelector("#timer").textContent) > 0`)
	display.screenshot("display-typed")
	ada.typeInto("#typed-input", "no idea")
	ada.screenshot("phone-typed")
	ada.key("\r")
	ada.waitFor("the reveal (Ada was the only player)", `!document.querySelector("#v-result").hidden`)
	ada.waitText("#r-verdict", "Not this time")
	host.waitVisible(".typed-answer")
	display.waitVisible(".typed-answer")
	accepted := host.text(".big-answer")
	if accepted == "" {
		t.Error("the host reveal of a typed question shows no accepted answer")
	}
	ada.waitText("#r-answer", accepted)

	// X twice ends the game early for everyone: a finished game with fewer
	// questions, so Ada keeps her place, score and review, and the screens
	// show the podium, the accuracy table and (host) the results.
	host.key("x")
	host.waitText("#btn-end", "Press again")
	host.key("x")
	ada.waitVisible("#v-final")
	ada.waitText("#f-rank", "1st")
	ada.waitFor("the review", `!document.querySelector("#review-none").textContent.startsWith("Loading")`)
	ada.waitText("#review-list", "no idea")
	for _, b := range []*tab{host, display} {
		b.waitVisible("#podium")
		b.waitText("#podium", "Ada")
		b.waitText(".ended-early", "after question 1 of 2")
		b.waitVisible(".accuracy")
	}
	csv := eval[string](host, `fetch(document.querySelector("#download-csv").href).then((r) => r.ok ? r.text() : "HTTP " + r.status)`)
	if !strings.Contains(csv, "\n1,") || !strings.Contains(csv, "Ada") {
		t.Errorf("results CSV of the game ended early does not rank Ada:\n%s", csv)
	}

	for _, b := range []*tab{host, display, ada, bob, late} {
		b.noProblems()
	}
}
