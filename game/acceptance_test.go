package game

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A clock that jumps backwards (NTP step, VM resume) must neither reopen,
// lengthen nor close a question, and must never give negative or extra time.
func TestClockJumpsBackwards(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 10 * time.Second, AnswerGrace: time.Second}, singles(2)...)
	ids := joinN(t, g, 4)
	must(t)(g.Start(t0))
	deadline := g.Deadline()
	if evs := g.Advance(at(-time.Hour)); len(evs) != 0 || g.Phase() != PhaseQuestion || !g.Deadline().Equal(deadline) {
		t.Fatalf("advance with a clock an hour behind: %#v, phase %s, deadline %v", evs, g.Phase(), g.Deadline())
	}
	// An answer stamped before the question opened is judged by the response
	// time the server measured, never by the wall clock.
	must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, 2*time.Second, 0, at(-5*time.Second)))
	// A negative response time (clock stepped back between send and receive) counts as 0.
	must(t)(g.Answer(ids[1], 0, Answer{Choices: []int{0}}, -3*time.Second, 0, at(-4*time.Second)))
	if p, _ := g.Player(ids[1]); p.ResponseTime != 0 {
		t.Fatalf("negative response time recorded as %v, want 0", p.ResponseTime)
	}
	// Pausing with the clock behind the opening time leaves at most the full question time.
	evs := must(t)(g.Pause(at(-30 * time.Second)))
	if p, _ := find[Paused](evs); p.Remaining != 10*time.Second {
		t.Fatalf("paused with the clock 30 s behind: remaining %v, want the question's 10 s", p.Remaining)
	}
	must(t)(g.Resume(t0))
	// Extending with the clock behind reports at most the question's whole span.
	evs = must(t)(g.Extend(5*time.Second, at(-time.Minute)))
	if e, _ := find[Extended](evs); e.Remaining != 15*time.Second || !e.Deadline.Equal(at(15*time.Second)) {
		t.Fatalf("extend with the clock behind: %+v, want 15 s remaining to %v", e, at(15*time.Second))
	}
	// An answer in the grace with a response time beyond the question's span is clamped to it.
	must(t)(g.Answer(ids[2], 0, Answer{Choices: []int{0}}, time.Hour, time.Second, at(15500*time.Millisecond)))
	evs = g.Advance(at(16 * time.Second))
	qc, ok := find[QuestionClosed](evs)
	if !ok {
		t.Fatalf("question did not close at its deadline plus grace: %#v", evs)
	}
	if r := qc.Results[ids[1]]; r.Points != 1000 || r.ResponseTime != 0 {
		t.Fatalf("negative response time: %+v, want 1000 points in 0 s", r)
	}
	if r := qc.Results[ids[2]]; r.Points != 500 || r.ResponseTime != 15*time.Second {
		t.Fatalf("response time beyond the deadline: %+v, want 500 points and 15 s", r)
	}
	for _, s := range g.Standings() {
		if s.ResponseMs < 0 {
			t.Fatalf("negative tie-break time %+v", s)
		}
	}
	// Once closed, a clock that jumps back does not reopen it.
	if evs := g.Advance(at(-time.Hour)); len(evs) != 0 || g.Phase() != PhaseReveal {
		t.Fatalf("advance backwards after the close: %#v, phase %s", evs, g.Phase())
	}
	_, err := g.Answer(ids[3], 0, Answer{Choices: []int{0}}, time.Second, time.Hour, at(-time.Hour))
	wantCode(t, err, CodeTooLate)
}

// The tie-break sums the response time of correct answers only: a slow wrong
// answer does not push a player down, a fast one does not lift them.
func TestRankingTieBreakCountsOnlyCorrectAnswers(t *testing.T) {
	g := newGame(t, Settings{QuestionTime: 30 * time.Second, Mode: ModeAccuracy}, singles(3)...)
	ids := joinN(t, g, 4)
	must(t)(g.Start(t0))
	// choice, response time in seconds, per question, per player (-1: no answer).
	plan := [][3][2]float64{
		{{0, 1}, {1, 20}, {0, 2}},   // p0: right 1 s, wrong 20 s, right 2 s -> 2000, 3000 ms
		{{0, 2.5}, {1, 0}, {0, 1}},  // p1: right 2.5 s, wrong 0 s, right 1 s -> 2000, 3500 ms
		{{1, 20}, {1, 20}, {1, 20}}, // p2: wrong three times -> 0, 0 ms
		{{-1, 0}, {-1, 0}, {-1, 0}}, // p3: never answers -> 0, 0 ms
	}
	for q := range 3 {
		for i, id := range ids {
			c, s := plan[i][q][0], plan[i][q][1]
			if c < 0 {
				continue
			}
			rt := time.Duration(s * float64(time.Second))
			must(t)(g.Answer(id, q, Answer{Choices: []int{int(c)}}, rt, 0, at(rt)))
		}
		must(t)(g.Next(at(time.Minute))) // close (p3 never answers)
		if q < 2 {
			must(t)(g.Next(at(time.Minute))) // next question
		}
	}
	got := ""
	for _, s := range g.Standings() {
		got += fmt.Sprintf("%d:%s/%d/%dms ", s.Rank, s.Player, s.Score, s.ResponseMs)
	}
	if want := "1:p0/2000/3000ms 2:p1/2000/3500ms 3:p2/0/0ms 3:p3/0/0ms "; got != want {
		t.Fatalf("standings\n got %s\nwant %s", got, want)
	}
}

// A kicked player can never come back under that id, whether they were in
// the game or had already left when kicked, and never holds a question open.
func TestKickedPlayersCannotRejoin(t *testing.T) {
	g := newGame(t, Settings{LateJoin: true}, singles(2)...)
	ids := joinN(t, g, 3)
	must(t)(g.Leave(ids[2], t0))
	must(t)(g.Kick(ids[2], t0)) // kicked after leaving
	must(t)(g.Start(t0))
	must(t)(g.Kick(ids[1], at(time.Second))) // kicked mid-question
	for _, id := range ids[1:] {
		_, err := g.Join(id, "Back Again", at(time.Second))
		wantCode(t, err, CodeKicked)
		_, err = g.Reconnect(id, at(time.Second))
		wantCode(t, err, CodeKicked)
		_, err = g.Answer(id, 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second))
		wantCode(t, err, CodeKicked)
	}
	evs := must(t)(g.Answer(ids[0], 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second)))
	if qc, ok := find[QuestionClosed](evs); !ok || qc.Players != 1 {
		t.Fatalf("kicked players must not hold the question open or count: %#v", evs)
	}
	if st := g.Standings(); len(st) != 1 || st[0].Player != ids[0] {
		t.Fatalf("standings %+v, want only %s", st, ids[0])
	}
}

// "A question closes early once every connected player has answered": not a
// moment before the last one, whoever is disconnected, has left or joined late.
func TestEarlyCloseOnTheLastConnectedAnswer(t *testing.T) {
	g := newGame(t, Settings{LateJoin: true, QuestionTime: 30 * time.Second}, singles(2)...)
	ids := joinN(t, g, 5)
	must(t)(g.Disconnect(ids[3], t0))
	must(t)(g.Leave(ids[4], t0))
	must(t)(g.Start(t0))
	must(t)(g.Join("late", "Late", at(time.Second))) // connected, but answers from question 1
	for i, id := range ids[:3] {
		evs := must(t)(g.Answer(id, 0, Answer{Choices: []int{0}}, time.Second, 0, at(time.Second)))
		qc, closed := find[QuestionClosed](evs)
		if i < 2 && closed {
			t.Fatalf("closed after %d of 3 connected players answered", i+1)
		}
		if i == 2 && (!closed || qc.Reason != CloseAllAnswered) {
			t.Fatalf("the last connected answer did not close the question: %#v", evs)
		}
	}
	// While paused, answers cannot come in and nothing closes; on resume a
	// question whose last pending player dropped meanwhile closes at once.
	must(t)(g.Next(at(2 * time.Second)))
	for _, id := range []PlayerID{ids[0], ids[1], "late"} {
		must(t)(g.Answer(id, 1, Answer{Choices: []int{0}}, time.Second, 0, at(3*time.Second)))
	}
	must(t)(g.Pause(at(4 * time.Second)))
	evs := must(t)(g.Disconnect(ids[2], at(5*time.Second)))
	if _, closed := find[QuestionClosed](evs); closed || g.Phase() != PhaseQuestion {
		t.Fatalf("closed while paused: %#v", evs)
	}
	// The host learns that one more player is offline.
	if c, ok := find[AnswersCount](evs); !ok || c.Offline != 2 || c.Players != 5 {
		t.Fatalf("a drop during a question sends no count with 2 of 5 offline: %#v", evs)
	}
	if qc, ok := find[QuestionClosed](must(t)(g.Resume(at(6 * time.Second)))); !ok || qc.Reason != CloseAllAnswered {
		t.Fatal("resume with everyone connected answered must close the question")
	}
}

// Every worked example in docs/scoring.md is computed by the code. The
// tables are read from the page itself, so the page cannot drift.
func TestScoringDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/scoring.md")
	if err != nil {
		t.Fatal(err)
	}
	page := string(doc)
	section := func(start, end string) string {
		i := strings.Index(page, start)
		j := strings.Index(page[i+1:], end)
		if i < 0 || j < 0 {
			t.Fatalf("docs/scoring.md lost the section %q", start)
		}
		return page[i : i+1+j]
	}
	bold := regexp.MustCompile(`\*\*(\d+)\*\*`)
	secs := regexp.MustCompile(`t = (?:T = )?(\d+(?:\.\d+)?) s`)
	knob := regexp.MustCompile(`w = (\d(?:\.\d+)?)`)
	const T = 30 * time.Second

	speedRows := 0
	for _, line := range strings.Split(section("Worked examples, T = 30 s", "## Streak bonus"), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 6 || !strings.Contains(cells[1], "t =") {
			continue
		}
		m := secs.FindStringSubmatch(cells[1])
		if m == nil {
			t.Fatalf("cannot read the time of row %q", line)
		}
		sec, _ := strconv.ParseFloat(m[1], 64)
		p, _ := strconv.Atoi(strings.TrimSpace(cells[2]))
		mode := Mode(strings.Trim(strings.TrimSpace(cells[3]), "`"))
		w := 0.0
		if m := knob.FindStringSubmatch(cells[1]); m != nil {
			w, _ = strconv.ParseFloat(m[1], 64)
		}
		want, _ := strconv.Atoi(bold.FindStringSubmatch(cells[4])[1])
		if strings.Contains(cells[1], "double") != (p == 2000) {
			t.Errorf("row %q: double points and P disagree", line)
		}
		rt := time.Duration(sec * float64(time.Second))
		if got := SpeedPoints(p, rt, T, mode, w); got != want {
			t.Errorf("docs row %q: code gives %d", strings.TrimSpace(line), got)
		}
		// And through a whole game, not only the formula.
		s := Settings{QuestionTime: T, Mode: mode, SpeedWeight: w}
		q := singles(1)
		q[0].DoublePoints = p == 2000
		g := newGame(t, s, q...)
		if r := play(t, g, []int{0}, rt); r[0].Points != want {
			t.Errorf("docs row %q: a game gives %d", strings.TrimSpace(line), r[0].Points)
		}
		speedRows++
	}
	if speedRows != 11 {
		t.Errorf("read %d speed examples from docs/scoring.md, want 11", speedRows)
	}

	// Streak table: n -> bonus.
	streak := section("| n |", "A wrong answer")
	lines := strings.Split(streak, "\n")
	ns, bonuses := strings.Split(lines[0], "|"), strings.Split(lines[2], "|")
	for k := 2; k < len(ns)-1; k++ {
		n, err1 := strconv.Atoi(strings.TrimSpace(ns[k]))
		b, err2 := strconv.Atoi(strings.TrimSpace(bonuses[k]))
		if err1 != nil || err2 != nil {
			continue // "8 …"
		}
		if got := StreakBonus(n); got != b {
			t.Errorf("docs: streak %d gives %d, code %d", n, b, got)
		}
	}

	// Multi-select: options "1 2 3 4" are indexes 0..3, correct 2 and 4, t = 2 s.
	multiRows := 0
	q := Question{ID: "m", Kind: KindMulti, Prompt: "Even?", Options: []string{"1", "2", "3", "4"}, Correct: []int{1, 3}}
	for _, line := range strings.Split(section("| picks |", "## Typed answers"), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 6 || !regexp.MustCompile(`^\s*\d`).MatchString(cells[1]) {
			continue
		}
		var picks []int
		for _, f := range strings.Split(cells[1], ",") {
			n, _ := strconv.Atoi(strings.TrimSpace(f))
			picks = append(picks, n-1)
		}
		want, _ := strconv.Atoi(strings.Fields(strings.TrimSpace(cells[3]))[len(strings.Fields(strings.TrimSpace(cells[3])))-1])
		if f := strings.Fields(strings.TrimSpace(cells[3])); len(f) > 1 {
			want, _ = strconv.Atoi(f[0]) // "967 (+ streak bonus)"
			if f[0] == "round(967" {
				want, _ = strconv.Atoi(f[len(f)-1])
			}
		}
		correct := strings.HasPrefix(strings.TrimSpace(cells[4]), "yes")
		g := newGame(t, Settings{QuestionTime: T}, q)
		must(t)(g.Join("solo", "Solo", t0))
		must(t)(g.Start(t0))
		evs := must(t)(g.Answer("solo", 0, Answer{Choices: picks}, 2*time.Second, 0, at(2*time.Second)))
		qc, _ := find[QuestionClosed](evs)
		if r := qc.Results["solo"]; r.Points != want || r.Correct != correct {
			t.Errorf("docs row %q: code gives %d points, correct %v", strings.TrimSpace(line), r.Points, r.Correct)
		}
		multiRows++
	}
	if multiRows != 5 {
		t.Errorf("read %d multi-select examples, want 5", multiRows)
	}

	// Typed: the accepted and refused examples of the page.
	typed := section("For a question accepting", "## Polls")
	right, wrong, _ := strings.Cut(typed, " are right;")
	tick := regexp.MustCompile("`([^`]+)`")
	accept := []string{"JWT", "JSON Web Token"}
	for i, m := range tick.FindAllStringSubmatch(right, -1) {
		if i < 2 {
			continue // the accepted answers themselves
		}
		if !MatchTyped(m[1], accept) {
			t.Errorf("docs say %q is right; the code says wrong", m[1])
		}
	}
	wrongPart, _, _ := strings.Cut(wrong, "are wrong")
	wrongPart = regexp.MustCompile("from `[^`]+`").ReplaceAllString(wrongPart, "") // "(3 edits from `jwt`)"
	refused := tick.FindAllStringSubmatch(wrongPart, -1)
	if len(refused) != 2 {
		t.Errorf("read %d refused typed examples, want 2 (JSON, JWS)", len(refused))
	}
	for _, m := range refused {
		if MatchTyped(m[1], accept) {
			t.Errorf("docs say %q is wrong; the code says right", m[1])
		}
	}
}
