package web_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestMultiSelectGame: the host page offers "Pick all that apply" for the
// default bank, and a game of multi-select questions generated from it
// plays to the podium: the phone toggles several answers, sends them, and
// the verdict agrees with the options the host reveals as correct.
func TestMultiSelectGame(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	if eval[bool](host, `document.querySelector('#kinds input[value="multi"]').closest("label").hidden`) {
		t.Fatal("the host page does not offer multi-select for the default bank")
	}
	// Only multi-select: untick what is ticked, tick multi.
	for _, k := range []string{"single", "truefalse", "typed", "poll"} {
		if eval[bool](host, fmt.Sprintf(`document.querySelector('#kinds input[value=%q]').checked`, k)) {
			host.click(fmt.Sprintf(`#kinds input[value=%q]`, k))
		}
	}
	host.click(`#kinds input[value="multi"]`)
	host.typeInto("#count", "2")
	host.typeInto("#seconds", "60")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	phone := newTab(t, browser, "ada", 390, 844, true)
	phone.navigate(base + "/join/" + pin)
	phone.waitVisible("#nick-input")
	phone.typeInto("#nick-input", "Ada")
	phone.click("#nick-submit")
	phone.waitText("#v-lobby", "You're in!")
	host.waitText("#player-count", "1")
	host.click("#btn-next")

	for q := 0; q < 2; q++ {
		host.waitText(".q-num", fmt.Sprintf("Question %d of 2", q+1))
		prompt := host.text("#prompt")
		phone.waitText("#q-prompt", prompt)
		phone.waitFor("a pick-all-that-apply grid", `!!document.querySelector('.answer-grid[aria-label="Pick all that apply"]')`)
		n := eval[int](phone, `document.querySelectorAll(".answer-btn").length`)
		if n < 3 {
			t.Fatalf("question %d: %d options", q+1, n)
		}
		// Pick two options, change one's mind, then send.
		picks := []int{0, 1 + q}
		for _, i := range append(slices.Clone(picks), n-1, n-1) {
			phone.click(fmt.Sprintf(`.answer-btn[data-index="%d"]`, i))
		}
		pressed := eval[[]int](phone, `[...document.querySelectorAll(".answer-btn")].flatMap((b, i) => b.getAttribute("aria-pressed") === "true" ? [i] : [])`)
		if !slices.Equal(pressed, picks) {
			t.Fatalf("question %d: pressed %v, want %v", q+1, pressed, picks)
		}
		if q == 0 {
			phone.screenshot("phone-multi-question")
		}
		phone.click("#multi-send")
		host.waitVisible(".reveal-view")
		correct := eval[[]int](host, `[...document.querySelectorAll(".reveal .opt")].flatMap((o, i) => o.classList.contains("correct") ? [i] : [])`)
		// The bank makes multi-selects with one to all options right.
		if len(correct) == 0 {
			t.Fatalf("question %d: the reveal marks none of %d options correct", q+1, n)
		}
		want := "Not this time"
		if slices.Equal(correct, picks) {
			want = "Correct!"
		}
		phone.waitText("#r-verdict", want)
		host.click("#btn-next")
		host.waitFor("the leaderboard or the next step", `!!document.querySelector("#leaderboard, .question, #podium")`)
		if eval[bool](host, `!!document.querySelector("#leaderboard")`) {
			host.waitText("#leaderboard", "Ada")
			host.click("#btn-next")
		}
	}
	host.waitVisible("#podium")
	phone.waitVisible("#v-final")
	for _, b := range []*tab{host, phone} {
		b.noProblems()
	}
}
