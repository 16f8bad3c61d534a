package web_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/quizroom/quizroom/game"
)

// teamGameResults is what the test reads of results.json to check the team
// rule (docs/scoring.md, "Teams") against what the screens showed.
type teamGameResults struct {
	Players []struct {
		Nickname string `json:"nickname"`
		Team     int    `json:"team"`
		Answers  []struct {
			Q       int  `json:"q"`
			Correct bool `json:"correct"`
			Points  int  `json:"points"`
		} `json:"answers"`
	} `json:"players"`
	Teams []struct {
		Team  int    `json:"team"`
		Name  string `json:"name"`
		Score int    `json:"score"`
		Rank  int    `json:"rank"`
	} `json:"teams"`
}

// expectedTeamScores applies the team rule to the players' own results: a
// team's points per question are the rounded mean of its present members'
// points (streak bonus excluded), plus the team streak bonus when more than
// half of them were right.
func expectedTeamScores(res teamGameResults, teams, questions int) map[int]int {
	scores := map[int]int{}
	for t := 1; t <= teams; t++ {
		streak := 0
		for q := range questions {
			sum, present, right := 0, 0, 0
			for _, p := range res.Players {
				if p.Team != t {
					continue
				}
				present++ // every member was in the game when each question opened
				for _, a := range p.Answers {
					if a.Q == q {
						sum += a.Points
						if a.Correct {
							right++
						}
					}
				}
			}
			if present == 0 {
				continue
			}
			mean := (2*sum + present) / (2 * present)
			if 2*right > present {
				streak++
				mean += game.StreakBonus(streak)
			} else {
				streak = 0
			}
			scores[t] += mean
		}
	}
	return scores
}

// TestTeamGameThroughPages: six phones in three teams to the podium. Players
// pick teams on the join page, the host balances them and moves one, a
// player switches; reveal, leaderboard and podium show the teams, the phones
// their own and their team's points, and the team scores on the podium are
// those the rule gives from the players' points.
func TestTeamGameThroughPages(t *testing.T) {
	base := startLANServer(t)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", projectorW, projectorH, false)
	host.navigate(base + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "2")
	host.typeInto("#seconds", "20")
	host.click("#team-mode")
	host.typeInto("#team-count", "3")
	host.screenshot("host-setup-teams")
	audit(t, host, "host-setup-teams")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")
	host.waitFor("three team columns", `document.querySelectorAll("#teams-board .team-col").length === 3`)

	// Four pick Red, one Blue, one Green.
	nicks := []string{"Ada", "Bob", "Cy", "Dee", "Eve", "Fay"}
	picks := []int{1, 1, 1, 1, 2, 3}
	phones := make([]*tab, len(nicks))
	for i, nick := range nicks {
		w, h := int64(390), int64(844)
		if i%2 == 1 {
			w, h = 360, 740
		}
		p := newTab(t, browser, strings.ToLower(nick), w, h, true)
		phones[i] = p
		p.navigate(base + "/join/" + pin)
		p.typeInto("#nick-input", nick)
		p.click("#nick-submit")
		p.waitVisible("#team-pick")
		if i == 0 {
			p.screenshot("phone-team-pick")
			audit(t, p, "phone-team-pick")
		}
		p.click(fmt.Sprintf(`#team-pick button[data-team="%d"]`, picks[i]))
		p.waitText("#v-lobby", "You're in!")
		host.waitText("#player-count", strconv.Itoa(i+1))
	}
	teamOf := func(nick string) string {
		return eval[string](host, fmt.Sprintf(`(() => { for (const c of document.querySelectorAll("#teams-board .team-col")) `+
			`if ([...c.querySelectorAll(".nick")].some((n) => n.textContent === %q)) return c.dataset.team; return ""; })()`, nick))
	}
	waitSizes := func(want string) {
		host.waitFor("team sizes "+want, fmt.Sprintf(`[...document.querySelectorAll("#teams-board .team-col")].map((c) => c.querySelectorAll(".nick").length).join(",") === %q`, want))
	}
	waitSizes("4,1,1")
	// Balancing moves the latest joiners of the biggest team: Dee to Blue, Cy to Green.
	host.click("#balance-teams")
	waitSizes("2,2,2")
	if teamOf("Dee") != "2" || teamOf("Cy") != "3" {
		t.Fatalf("after balancing Dee is in team %s and Cy in %s, want 2 and 3", teamOf("Dee"), teamOf("Cy"))
	}
	phones[3].waitText("#me-team", "Blue")
	// The host moves Bob to Blue; Eve then switches herself to Red.
	host.do("move Bob", chromedp.Evaluate[chromedp.Void](`(() => { const li = [...document.querySelectorAll("#teams-board li")].find((l) => l.querySelector(".nick").textContent === "Bob");`+
		` const s = li.querySelector("select"); s.value = "2"; s.dispatchEvent(new Event("change")); })()`))
	waitSizes("1,3,2")
	phones[1].waitText("#me-team", "Blue")
	phones[4].click(`#team-switch button[data-team="1"]`)
	waitSizes("2,2,2")
	phones[4].waitText("#me-team", "Red")
	host.screenshot("host-lobby-teams")
	audit(t, host, "host-lobby-teams")
	phones[4].screenshot("phone-lobby-team")
	audit(t, phones[4], "phone-lobby-team")
	want := map[string]string{"Ada": "1", "Eve": "1", "Bob": "2", "Dee": "2", "Cy": "3", "Fay": "3"}
	for nick, team := range want {
		if got := teamOf(nick); got != team {
			t.Errorf("%s is in team %s on the host, want %s", nick, got, team)
		}
	}

	host.click("#btn-next") // Start
	for q := 0; q < 2; q++ {
		host.waitText(".q-num", fmt.Sprintf("Question %d of 2", q+1))
		n := eval[int](host, `document.querySelectorAll(".question .options .opt").length`)
		for i, p := range phones {
			p.waitFor("answer buttons", fmt.Sprintf(`document.querySelectorAll(".answer-btn").length === %d`, n))
			p.click(fmt.Sprintf(`.answer-btn[data-index="%d"]`, (i/2+q)%n))
		}
		host.waitVisible(".reveal-view")
		host.waitFor("three team rows in the reveal", `document.querySelectorAll("#team-rows .team-row").length === 3`)
		for _, p := range phones {
			p.waitVisible("#r-team")
			p.waitText("#r-team", "for the team")
		}
		if q == 0 {
			host.screenshot("host-reveal-teams")
			audit(t, host, "host-reveal-teams")
			phones[0].screenshot("phone-reveal-team")
			audit(t, phones[0], "phone-reveal-team")
		}
		host.click("#btn-next")
		host.waitVisible("#leaderboard")
		host.waitFor("team standings on the leaderboard", `document.querySelectorAll("#team-rows .team-row").length === 3`)
		phones[2].waitVisible("#s-team")
		if q == 0 {
			host.screenshot("host-leaderboard-teams")
		}
		host.click("#btn-next")
	}
	host.waitVisible("#podium")
	host.waitFor("team standings on the podium", `document.querySelectorAll("#team-rows .team-row").length === 3`)
	shown := eval[map[string]int](host, `Object.fromEntries([...document.querySelectorAll("#team-rows .team-row")].map((r) => [r.dataset.team, Number(r.querySelector(".tr-score").dataset.score)]))`)
	for _, p := range phones {
		p.waitVisible("#v-final")
		p.waitText("#f-team", "teams with")
	}
	host.screenshot("host-podium-teams")
	audit(t, host, "host-podium-teams")
	phones[0].screenshot("phone-podium-team")

	raw := eval[string](host, fmt.Sprintf(`fetch("/api/games/%s/results.json?host_token=" + encodeURIComponent(JSON.parse(sessionStorage.getItem("quizroom.host")).host_token)).then((r) => r.text())`, pin))
	var res teamGameResults
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("results.json: %v\n%s", err, raw)
	}
	exp := expectedTeamScores(res, 3, 2)
	for _, tm := range res.Teams {
		if tm.Score != exp[tm.Team] {
			t.Errorf("team %s scores %d in the results, the rule gives %d", tm.Name, tm.Score, exp[tm.Team])
		}
		if shown[strconv.Itoa(tm.Team)] != exp[tm.Team] {
			t.Errorf("team %s shows %d on the podium, the rule gives %d", tm.Name, shown[strconv.Itoa(tm.Team)], exp[tm.Team])
		}
	}
	t.Logf("team scores %v (players' results %s)", exp, raw)
	csv := eval[string](host, `fetch(document.querySelector("#download-csv").href).then((r) => r.text())`)
	if !strings.Contains(csv, ",team") || !strings.Contains(csv, "team_score") || !strings.Contains(csv, "Green") {
		t.Errorf("the CSV lacks the team column or totals:\n%s", csv)
	}
	for _, b := range append([]*tab{host}, phones...) {
		b.noProblems()
	}
}
