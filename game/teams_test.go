package game

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func teamSettings(names ...string) Settings {
	return Settings{QuestionTime: 30 * time.Second, TeamNames: names, LateJoin: true}
}

// teamMove is one player's move on a question of a team game: a choice
// (-1: no answer) and a response time.
type teamMove struct {
	who    PlayerID
	choice int
	rt     time.Duration
}

// playTeamQuestion answers question i as planned, closes it if the answers
// did not, and returns the reveal.
func playTeamQuestion(t *testing.T, g *Game, i int, moves []teamMove) QuestionClosed {
	t.Helper()
	var evs []Event
	for _, m := range moves {
		if m.choice < 0 {
			continue
		}
		evs = append(evs, must(t)(g.Answer(m.who, i, Answer{Choices: []int{m.choice}}, m.rt, 0, g.OpenedAt().Add(m.rt)))...)
	}
	if g.Phase() == PhaseQuestion {
		evs = append(evs, must(t)(g.Next(g.OpenedAt().Add(40*time.Second)))...)
	}
	qc, ok := find[QuestionClosed](evs)
	if !ok || qc.Index != i {
		t.Fatalf("question %d did not close: %#v", i, evs)
	}
	return qc
}

func teamRow(t *testing.T, qc QuestionClosed, team int) TeamResult {
	t.Helper()
	for _, r := range qc.Teams {
		if r.Team == team {
			return r
		}
	}
	t.Fatalf("no result for team %d in %+v", team, qc.Teams)
	return TeamResult{}
}

// The worked example of docs/scoring.md, read from the page and played.
func TestScoringDocTeamExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/scoring.md")
	if err != nil {
		t.Fatal(err)
	}
	page := string(doc)
	start := strings.Index(page, "Worked example, standard mode, T = 30 s, two questions")
	end := strings.Index(page, "## Self-paced challenges")
	if start < 0 || end < start {
		t.Fatal("docs/scoring.md lost the team worked example")
	}
	section := page[start:end]
	type answerRow struct {
		q         int
		who, team string
		choice    int
		rt        time.Duration
		points    int
		line      string
	}
	type teamRowDoc struct {
		q                                    int
		team                                 string
		present, correct, streak, pts, total int
		line                                 string
	}
	var answers []answerRow
	var teams []teamRowDoc
	secs := regexp.MustCompile(`t = (\d+(?:\.\d+)?) s`)
	bold := regexp.MustCompile(`\*\*(\d+)\*\*`)
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		q, err := strconv.Atoi(strings.TrimSpace(cells[1]))
		if err != nil {
			continue
		}
		for k := range cells {
			cells[k] = strings.TrimSpace(cells[k])
		}
		switch len(cells) {
		case 7:
			r := answerRow{q: q, who: cells[2], team: cells[3], choice: -1, line: line}
			r.points, _ = strconv.Atoi(cells[5])
			switch {
			case strings.HasPrefix(cells[4], "right"):
				r.choice = 0
			case strings.HasPrefix(cells[4], "wrong"):
				r.choice = 1
			}
			if m := secs.FindStringSubmatch(cells[4]); m != nil {
				s, _ := strconv.ParseFloat(m[1], 64)
				r.rt = time.Duration(s * float64(time.Second))
			}
			answers = append(answers, r)
		case 10:
			r := teamRowDoc{q: q, team: cells[2], line: line}
			r.present, _ = strconv.Atoi(cells[3])
			r.correct, _ = strconv.Atoi(cells[4])
			r.streak, _ = strconv.Atoi(strings.Fields(cells[6])[0])
			m := bold.FindAllStringSubmatch(cells[7]+cells[8], -1)
			if len(m) != 2 {
				t.Fatalf("cannot read the team points of %q", line)
			}
			r.pts, _ = strconv.Atoi(m[0][1])
			r.total, _ = strconv.Atoi(m[1][1])
			if mean := regexp.MustCompile(`= (\d+)$`).FindStringSubmatch(cells[5]); mean != nil {
				if v, _ := strconv.Atoi(mean[1]); r.streak > 0 && v+StreakBonus(r.streak) != r.pts || r.streak == 0 && v != r.pts {
					t.Errorf("row %q: the mean and the streak bonus do not add up to the team points", line)
				}
			}
			teams = append(teams, r)
		}
	}
	if len(answers) != 11 || len(teams) != 4 {
		t.Fatalf("read %d answer rows and %d team rows, want 11 and 4", len(answers), len(teams))
	}

	g := newGame(t, teamSettings("Red", "Blue"), singles(2)...)
	teamNo := map[string]int{"Red": 1, "Blue": 2}
	joined := map[string]bool{}
	for _, r := range answers {
		if r.q == 1 && !joined[r.who] {
			must(t)(g.JoinTeam(PlayerID(r.who), r.who, teamNo[r.team], t0))
			joined[r.who] = true
		}
	}
	must(t)(g.Start(t0))
	var closed []QuestionClosed
	for q := 1; q <= 2; q++ {
		if q == 2 {
			must(t)(g.Next(at(time.Minute))) // open question 2
		}
		var moves []teamMove
		for _, r := range answers {
			if r.q != q {
				continue
			}
			moves = append(moves, teamMove{PlayerID(r.who), r.choice, r.rt})
		}
		qc := playTeamQuestion(t, g, q-1, moves)
		closed = append(closed, qc)
		if q == 1 {
			// Late joiners (first seen in question 2) join during this reveal, with no pick.
			for _, r := range answers {
				if r.q == 2 && !joined[r.who] {
					evs := must(t)(g.Join(PlayerID(r.who), r.who, at(time.Minute)))
					if pj, _ := find[PlayerJoined](evs); pj.Team != teamNo[r.team] {
						t.Errorf("late joiner %s went to team %d, the page says %s", r.who, pj.Team, r.team)
					}
					joined[r.who] = true
				}
			}
		}
	}
	for _, r := range answers {
		res := closed[r.q-1].Results[PlayerID(r.who)]
		if res.Points != r.points || !res.TeamCounted {
			t.Errorf("docs row %q: code gives %d points (counted for the team: %v)", strings.TrimSpace(r.line), res.Points, res.TeamCounted)
		}
	}
	for _, r := range teams {
		got := teamRow(t, closed[r.q-1], teamNo[r.team])
		if got.Present != r.present || got.CorrectCount != r.correct || got.Streak != r.streak ||
			got.Points+got.StreakBonus != r.pts || got.Score != r.total {
			t.Errorf("docs row %q: code gives %+v", strings.TrimSpace(r.line), got)
		}
	}
	st := g.TeamStandings()
	if st[0].Name != "Red" || st[1].Name != "Blue" || st[0].Rank != 1 || st[1].Rank != 2 {
		t.Fatalf("team standings %+v, the page says Red 1st, Blue 2nd", st)
	}
	best := regexp.MustCompile(`(\w+) is Red's best player \([^)]*= (\d+)\s+points\) and (\w+) Blue's \([^)]*= (\d+),`).FindStringSubmatch(section)
	if best == nil {
		t.Fatal("cannot read the best players of the example")
	}
	for k, ts := range st[:2] {
		score, _ := strconv.Atoi(best[2+2*k])
		if ts.Best == nil || ts.Best.Nickname != best[1+2*k] || ts.Best.Score != score {
			t.Errorf("best player of %s: code %+v, page %s with %d", ts.Name, ts.Best, best[1+2*k], score)
		}
	}
}

// Team scoring rules, one game per case.
func TestTeamScoring(t *testing.T) {
	right := func(who PlayerID, s float64) teamMove {
		return teamMove{who, 0, time.Duration(s * float64(time.Second))}
	}
	wrong := func(who PlayerID) teamMove { return teamMove{who, 1, time.Second} }
	tests := []struct {
		name  string
		teams map[PlayerID]int // join order a, b, c, ...
		plays [][]teamMove
		want  []string // per question, per team: "present/correct points+bonus=score s<streak>"
	}{
		{
			name:  "the mean, not the sum: a big team has no advantage",
			teams: map[PlayerID]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 2},
			plays: [][]teamMove{{right("a", 0), right("b", 0), right("c", 0), right("d", 0), right("e", 0)}},
			want:  []string{"1:4/4 1000+0=1000 s1 2:1/1 1000+0=1000 s1"},
		},
		{
			name:  "uneven teams, a member who does not answer counts as 0",
			teams: map[PlayerID]int{"a": 1, "b": 1, "c": 1, "d": 2, "e": 2},
			plays: [][]teamMove{{right("a", 0), right("b", 0), right("d", 0)}},
			want:  []string{"1:3/2 667+0=667 s1 2:2/1 500+0=500 s0"},
		},
		{
			name:  "team streak on a majority, reset without one, bonus capped like a player's",
			teams: map[PlayerID]int{"a": 1, "b": 1, "c": 1},
			plays: [][]teamMove{
				{right("a", 0), right("b", 0), wrong("c")},
				{right("a", 0), right("b", 0), wrong("c")},
				{right("a", 0), wrong("b"), wrong("c")},
				{right("a", 0), right("b", 0), right("c", 0)},
			},
			want: []string{
				"1:3/2 667+0=667 s1 2:0/0 0+0=0 s0",
				"1:3/2 667+100=1434 s2 2:0/0 0+0=0 s0",
				"1:3/1 333+0=1767 s0 2:0/0 0+0=0 s0",
				"1:3/3 1000+0=2767 s1 2:0/0 0+0=0 s0",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGame(t, Settings{QuestionTime: 30 * time.Second, Teams: 2}, singles(len(tt.plays))...)
			for _, id := range []PlayerID{"a", "b", "c", "d", "e"} {
				if team, ok := tt.teams[id]; ok {
					must(t)(g.JoinTeam(id, string(id), team, t0))
				}
			}
			must(t)(g.Start(t0))
			for i, moves := range tt.plays {
				if i > 0 {
					must(t)(g.Next(g.OpenedAt().Add(time.Minute)))
				}
				qc := playTeamQuestion(t, g, i, moves)
				got := ""
				for _, r := range qc.Teams {
					got += fmt.Sprintf("%d:%d/%d %d+%d=%d s%d ", r.Team, r.Present, r.CorrectCount, r.Points, r.StreakBonus, r.Score, r.Streak)
				}
				if got = strings.TrimSpace(got); got != tt.want[i] {
					t.Fatalf("question %d:\n got %s\nwant %s", i, got, tt.want[i])
				}
			}
		})
	}
}

// Who counts for the team's mean: settled when the question opens.
func TestTeamPresence(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second, Teams: 2, LateJoin: true, Mode: ModeAccuracy}, singles(4)...)
	for _, id := range []PlayerID{"a", "b", "c", "d"} {
		must(t)(g.JoinTeam(id, string(id), 1, t0))
	}
	must(t)(g.JoinTeam("x", "x", 2, t0))
	must(t)(g.Leave("d", t0)) // left before the start: never counted while gone
	must(t)(g.Start(t0))
	// Question 0: a right; b disconnected at the open but back to answer
	// right (counted); c disconnected and never answers (counted as 0, then
	// away); d rejoins mid-question and answers right (its own score only).
	must(t)(g.Disconnect("b", at(time.Second)))
	must(t)(g.Disconnect("c", at(time.Second)))
	must(t)(g.Reconnect("b", at(2*time.Second)))
	must(t)(g.Join("d", "d", at(2*time.Second)))
	qc := playTeamQuestion(t, g, 0, []teamMove{{"a", 0, time.Second}, {"b", 0, time.Second}, {"d", 0, time.Second}, {"x", 0, time.Second}})
	if r := teamRow(t, qc, 1); r.Present != 3 || r.CorrectCount != 2 || r.Points != 667 {
		t.Fatalf("question 0, team 1: %+v, want a, b, c present, 2 correct, round(2000/3) = 667", r)
	}
	if r := qc.Results["d"]; !r.Correct || r.TeamCounted || r.Points != 1000 {
		t.Fatalf("d, back mid-question: %+v, want 1000 points for itself, not counted for the team", r)
	}
	if p, _ := g.Player("c"); !p.Away {
		t.Fatal("c missed a whole question while disconnected: want away")
	}
	// Question 1: c still away (not counted); d counted again.
	must(t)(g.Next(at(time.Minute)))
	// A late joiner goes to the smallest team (team 2 has one player) and
	// counts from the next question.
	evs := must(t)(g.JoinTeam("late", "late", 1, at(61*time.Second)))
	if pj, _ := find[PlayerJoined](evs); pj.Team != 2 {
		t.Fatalf("late joiner picked team 1 and went to %d, want the smallest, 2", pj.Team)
	}
	qc = playTeamQuestion(t, g, 1, []teamMove{{"a", 0, 0}, {"b", 0, 0}, {"d", 1, 0}, {"x", 0, 0}})
	if r := teamRow(t, qc, 1); r.Present != 3 || r.Points != 667 {
		t.Fatalf("question 1, team 1: %+v, want a, b, d present (c away)", r)
	}
	if r := teamRow(t, qc, 2); r.Present != 1 || r.Points != 1000 {
		t.Fatalf("question 1, team 2: %+v, want only x (the late joiner counts from the next)", r)
	}
	// c reconnects during the reveal: counted again from question 2.
	must(t)(g.Reconnect("c", at(62*time.Second)))
	must(t)(g.Next(at(2 * time.Minute)))
	qc = playTeamQuestion(t, g, 2, []teamMove{{"a", 0, 0}, {"b", 0, 0}, {"c", 0, 0}, {"d", 0, 0}, {"x", 0, 0}, {"late", 1, 0}})
	if r := teamRow(t, qc, 1); r.Present != 4 || r.Points != 1000 {
		t.Fatalf("question 2, team 1: %+v, want 4 present all right", r)
	}
	if r := teamRow(t, qc, 2); r.Present != 2 || r.Points != 500 {
		t.Fatalf("question 2, team 2: %+v, want x and the late joiner", r)
	}
	// A member kicked mid-question does not count for it; their past stands.
	must(t)(g.Next(at(3 * time.Minute)))
	before := teamRow(t, qc, 1).Score
	must(t)(g.Kick("d", at(3*time.Minute+time.Second)))
	qc = playTeamQuestion(t, g, 3, []teamMove{{"a", 0, 0}, {"b", 0, 0}, {"c", 0, 0}, {"x", 0, 0}, {"late", 0, 0}})
	if r := teamRow(t, qc, 1); r.Present != 3 || r.Score != before+1000+StreakBonus(4) {
		t.Fatalf("question 3, team 1: %+v, want a, b, c (d kicked), score %d + 1000 + bonus", r, before)
	}
	// The review says which answers counted for the team.
	for _, p := range g.Results().Players {
		if p.Player == "d" {
			t.Fatal("a kicked player stays out of the results")
		}
		if p.Player == "c" && (p.Answers[1].TeamCounted || !p.Answers[0].TeamCounted) {
			t.Fatalf("c's review: %+v, want counted for 0, not for 1", p.Answers)
		}
	}
}

func TestTeamRankingTiesShareAPlace(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second, Teams: 4, Mode: ModeAccuracy}, singles(1)...)
	for k, id := range []PlayerID{"a", "b", "c", "d", "e"} {
		must(t)(g.JoinTeam(id, string(id), min(k+1, 4), t0))
	}
	must(t)(g.Start(t0))
	// a (team 1) and b (team 2) right: 1000 each; team 3 wrong; team 4 half right.
	playTeamQuestion(t, g, 0, []teamMove{{"a", 0, time.Second}, {"b", 0, 2 * time.Second}, {"c", 1, 0}, {"d", 0, 0}, {"e", 1, 0}})
	var got []string
	for _, s := range g.TeamStandings() {
		got = append(got, fmt.Sprintf("%d:%s/%d", s.Rank, s.Name, s.Score))
	}
	if want := "1:Red/1000 1:Blue/1000 3:Yellow/500 4:Green/0"; strings.Join(got, " ") != want {
		// Team 4 has d right and e wrong: 500, not correct (1 of 2).
		t.Fatalf("team standings %v, want %s", got, want)
	}
	podium, ok := find[PodiumShown](must(t)(g.Next(at(time.Minute))))
	if !ok || len(podium.Teams) != 4 || podium.Teams[0].Best == nil || podium.Teams[0].Best.Nickname != "a" {
		t.Fatalf("podium: %+v", podium)
	}
}

func TestTeamCommandsAndRefusals(t *testing.T) {
	classic := newGame(t, Settings{}, singles(1)...)
	_, err := classic.JoinTeam("a", "Ada", 1, t0)
	wantCode(t, err, CodeTeamsOff)
	must(t)(classic.Join("a", "Ada", t0))
	_, err = classic.MoveToTeam("a", 1, t0)
	wantCode(t, err, CodeTeamsOff)
	_, err = classic.BalanceTeams(t0)
	wantCode(t, err, CodeTeamsOff)
	if classic.TeamStandings() != nil || bytes.Contains(classic.Snapshot(), []byte(`"team`)) {
		t.Fatal("a classic game must carry nothing of teams")
	}

	g := newGame(t, Settings{Teams: 3, LateJoin: true}, singles(2)...)
	_, err = g.JoinTeam("a", "Ada", 4, t0)
	wantCode(t, err, CodeUnknownTeam)
	_, err = g.JoinTeam("a", "Ada", -1, t0)
	wantCode(t, err, CodeUnknownTeam)
	must(t)(g.JoinTeam("a", "Ada", 3, t0))
	must(t)(g.Join("b", "Bob", t0)) // no pick: smallest team, lowest number first
	if p, _ := g.Player("b"); p.Team != 1 || p.TeamName != "Red" {
		t.Fatalf("b without a pick: team %d %q, want 1 Red", p.Team, p.TeamName)
	}
	evs := must(t)(g.ChooseTeam("b", 3, t0))
	if tc, ok := find[TeamChanged](evs); !ok || tc.From != 1 || tc.To != 3 || tc.By != TeamByPlayer {
		t.Fatalf("choose: %#v", evs)
	}
	if evs := must(t)(g.MoveToTeam("b", 3, t0)); evs != nil {
		t.Fatalf("moving to the same team: %#v, want nothing", evs)
	}
	_, err = g.MoveToTeam("b", 0, t0)
	wantCode(t, err, CodeUnknownTeam)
	_, err = g.MoveToTeam("nobody", 1, t0)
	wantCode(t, err, CodeUnknownPlayer)
	must(t)(g.Join("c", "Cy", t0))
	must(t)(g.ChooseTeam("c", 3, t0))
	// Teams 0, 0, 3 players: balancing moves the two latest joiners of team 3.
	evs = must(t)(g.BalanceTeams(t0))
	var moved []string
	for _, e := range evs {
		tc := e.(TeamChanged)
		moved = append(moved, fmt.Sprintf("%s:%d->%d", tc.Player, tc.From, tc.To))
	}
	if got := strings.Join(moved, " "); got != "c:3->1 b:3->2" {
		t.Fatalf("balance moved %s", got)
	}
	must(t)(g.Start(t0))
	_, err = g.MoveToTeam("a", 1, t0)
	wantCode(t, err, CodeTeamsLocked)
	_, err = g.ChooseTeam("a", 1, t0)
	wantCode(t, err, CodeTeamsLocked)
	_, err = g.BalanceTeams(t0)
	wantCode(t, err, CodeTeamsLocked)
	// Leaving and coming back keeps the team, even if another is smaller now.
	must(t)(g.Leave("a", t0))
	evs = must(t)(g.JoinTeam("a", "Ada", 1, t0))
	if pj, _ := find[PlayerJoined](evs); !pj.Rejoined || pj.Team != 3 {
		t.Fatalf("rejoin: %+v, want team 3 kept", pj)
	}

	bal := newGame(t, Settings{Teams: 2, TeamAssign: TeamsBalance}, singles(1)...)
	_, err = bal.JoinTeam("a", "Ada", 2, t0)
	wantCode(t, err, CodeTeamChoiceOff)
	for _, id := range []PlayerID{"a", "b", "c"} {
		must(t)(bal.Join(id, string(id)+"x", t0))
	}
	var teams []int
	for _, p := range bal.Players() {
		teams = append(teams, p.Team)
	}
	if fmt.Sprint(teams) != "[1 2 1]" {
		t.Fatalf("balanced joins went to %v, want [1 2 1]", teams)
	}
	_, err = bal.ChooseTeam("a", 2, t0)
	wantCode(t, err, CodeTeamChoiceOff)
	must(t)(bal.MoveToTeam("a", 2, t0)) // the host still can
}

func TestTeamSettings(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		ok   bool
	}{
		{"two teams", Settings{Teams: 2}, true},
		{"ten named teams", Settings{TeamNames: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}}, true},
		{"one team", Settings{Teams: 1}, false},
		{"eleven teams", Settings{Teams: 11}, false},
		{"names and count disagree", Settings{Teams: 3, TeamNames: []string{"a", "b"}}, false},
		{"look-alike names", Settings{TeamNames: []string{"Owls", "OWLS"}}, false},
		{"empty name", Settings{TeamNames: []string{"Owls", " "}}, false},
		{"unknown assignment", Settings{Teams: 2, TeamAssign: "random"}, false},
		{"assignment without teams", Settings{TeamAssign: TeamsBalance}, false},
		{"practice in teams", Settings{Teams: 2, SelfPaced: true, ChallengeTime: time.Hour, Practice: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(singles(1), tt.s)
			if (err == nil) != tt.ok {
				t.Fatalf("New: %v, want ok %v", err, tt.ok)
			}
			if err != nil {
				wantCode(t, err, CodeInvalidSettings)
			}
		})
	}
	g := newGame(t, Settings{TeamNames: []string{" Ｏｗｌｓ ", "Foxes"}}, singles(1)...)
	if n := g.Settings().TeamNames; n[0] != "Owls" || g.Settings().TeamAssign != TeamsChoose {
		t.Fatalf("team names are normalised like nicknames: %q, assignment %q", n, g.Settings().TeamAssign)
	}
}
