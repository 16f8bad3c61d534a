package game

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// driver turns fuzz bytes into engine calls. Every call's outcome (events or
// error) is appended to trace so two runs can be compared exactly.
type driver struct {
	t     testing.TB
	g     *Game
	now   time.Time
	trace []any
	// Invariant bookkeeping.
	scores     map[PlayerID]int
	accepted   map[string]bool // "player/index" of every accepted answer
	kicked     map[PlayerID]bool
	teamScores map[int]int
}

var fuzzNames = []string{"Ada", "ada", "Bob", "  Cy ", "", "Dee", "<b>Eve</b>", "Fay"}
var fuzzTexts = []string{"JWT", "json web token", "J.W.T.", "JSON", "", "???", "jwt!", string(bytes.Repeat([]byte("x"), 201))}

// fuzzModes adds team mode and self-paced play from the extension byte.
func fuzzModes(s Settings, ext byte) Settings {
	switch ext & 3 {
	case 1:
		s.Teams = 2
	case 2:
		s.Teams = 3
	case 3:
		s.TeamNames = []string{"Owls", "Foxes", "Bees"}
	}
	if ext&3 != 0 && ext&4 != 0 {
		s.TeamAssign = TeamsBalance
	}
	if ext&8 != 0 {
		s.SelfPaced, s.ChallengeTime = true, 2*time.Minute
		s.Practice = ext&3 == 0 && ext&16 != 0
	}
	return s
}

func fuzzSettings(b byte) Settings {
	s := Settings{QuestionTime: 10 * time.Second, RevealTime: 2 * time.Second, LeaderboardTime: 3 * time.Second}
	s.AutoAdvance = b&1 != 0
	s.ShowLeaderboard = b&2 != 0
	s.LateJoin = b&4 != 0
	switch (b >> 3) & 3 {
	case 1:
		s.Mode = ModeAccuracy
	case 2:
		s.Mode, s.SpeedWeight = ModeSpeedWeight, 0.4
	}
	if b&32 != 0 {
		s.MaxPlayers = 4
	}
	if b&64 != 0 {
		s.AnswerGrace = 500 * time.Millisecond
	}
	return s
}

func fuzzQuestions() []Question {
	qs := sampleQuestions()
	qs = append(qs, Question{ID: "d", Kind: KindSingle, Prompt: "double", Options: []string{"a", "b", "c", "d"}, Correct: []int{3}, DoublePoints: true, Time: 6 * time.Second})
	return qs
}

func newDriver(t testing.TB, g *Game, now time.Time) *driver {
	return &driver{t: t, g: g, now: now, scores: map[PlayerID]int{}, accepted: map[string]bool{}, kicked: map[PlayerID]bool{},
		teamScores: map[int]int{}}
}

// step applies one operation read from ops: an op code, a player, a detail.
func (d *driver) step(ops []byte) int {
	var b [3]byte
	copy(b[:], ops)
	op, who, arg := b[0], b[1], b[2]
	id := PlayerID(fmt.Sprint("p", who%9)) // p8 never joins: an unknown player
	g, now := d.g, d.now
	var evs []Event
	var err error
	switch op % 22 {
	case 0, 13:
		if op%16 == 13 && arg%4 == 0 {
			evs, err = g.Kick(id, now)
			break
		}
		nick := fmt.Sprint("Player ", who%9)
		if arg&0x80 != 0 {
			nick = fuzzNames[arg%8]
		}
		evs, err = g.Join(id, nick, now)
	case 1, 2: // answers are the most common input
		q := g.QuestionIndex()
		if p, ok := g.Player(id); ok && p.Solo != nil {
			q = p.Solo.Played
		}
		switch arg % 8 {
		case 6:
			q--
		case 7:
			q++
		}
		var a Answer
		kind := g.Question(q).Kind
		switch m := (arg >> 3) & 3; {
		case m == 3 || (kind == KindTyped && m < 2):
			a.Text = fuzzTexts[arg>>5]
		case m == 2:
			for bit := range 5 {
				if (arg>>(bit+3))&1 != 0 {
					a.Choices = append(a.Choices, bit)
				}
			}
		default:
			a.Choices = []int{int(arg>>5) % 5}
		}
		rt := time.Duration(who) * 60 * time.Millisecond
		evs, err = g.Answer(id, q, a, rt, time.Duration(arg%3)*250*time.Millisecond, now)
	case 3:
		evs, err = g.Start(now)
	case 4:
		evs, err = g.Next(now)
	case 5:
		evs, err = g.Skip(now)
	case 6:
		evs, err = g.Pause(now)
	case 7:
		evs, err = g.Resume(now)
	case 8:
		evs, err = g.Extend(time.Duration(int(arg)-20)*time.Second, now)
	case 9:
		if arg == 0 {
			evs, err = g.End(now)
		} else {
			evs, err = g.SetLocked(arg&1 != 0, now)
		}
	case 10:
		evs, err = g.Disconnect(id, now)
	case 11:
		evs, err = g.Reconnect(id, now)
	case 12:
		evs, err = g.Leave(id, now)
	case 14:
		if dl := g.Deadline(); !dl.IsZero() && arg&1 == 0 {
			d.now = dl
		}
		evs = g.Advance(d.now)
	case 15: // the clock jumps, backwards as well as forwards
		d.now = d.now.Add(time.Duration(int8(arg)) * 700 * time.Millisecond)
	case 16:
		evs, err = g.JoinTeam(id, fmt.Sprint("Player ", who%9), int(arg%5), now)
	case 17:
		evs, err = g.MoveToTeam(id, int(arg%5), now)
	case 18:
		evs, err = g.ChooseTeam(id, int(arg%5), now)
	case 19:
		evs, err = g.BalanceTeams(now)
	case 20:
		evs, err = g.PlayerNext(id, now)
	case 21:
		var pr *Game
		pr, err = g.Practice(id, now)
		if err == nil {
			d.checkPractice(id, pr)
			d.trace = append(d.trace, pr.Snapshot()) // replays must build the same practice
		}
	}
	if err != nil {
		if _, ok := err.(*Error); !ok || CodeOf(err) == "" || err.Error() == "" {
			d.t.Fatalf("error without a code: %#v", err)
		}
		d.trace = append(d.trace, err.Error())
	} else {
		d.trace = append(d.trace, evs)
	}
	if d.scores != nil {
		d.check(evs)
	}
	return 3
}

// stepNoCheck applies one operation without the invariant checks (for games
// restored from arbitrary bytes, whose scores need not add up).
func (d *driver) stepNoCheck(op []byte) {
	scores := d.scores
	d.scores = nil
	d.step(op)
	d.scores = scores
}

func (d *driver) run(ops []byte) {
	for len(ops) > 0 {
		n := d.step(ops)
		ops = ops[min(n, len(ops)):]
	}
}

// check asserts the invariants after every step.
func (d *driver) check(evs []Event) {
	t, g := d.t, d.g
	t.Helper()
	for _, e := range evs {
		switch e := e.(type) {
		case AnswerAccepted:
			key := fmt.Sprint(e.Player, "/", e.Index)
			if d.accepted[key] {
				t.Fatalf("second answer accepted for %s", key)
			}
			d.accepted[key] = true
			if d.kicked[e.Player] {
				t.Fatalf("answer accepted from kicked player %s", e.Player)
			}
		case PlayerJoined:
			if d.kicked[e.Player] {
				t.Fatalf("kicked player %s joined again", e.Player)
			}
		case PlayerLeft:
			if e.Kicked {
				d.kicked[e.Player] = true
			}
		}
	}
	st := g.Standings()
	ranks := make([]int, len(st))
	for i, s := range st {
		ranks[i] = s.Rank
		if prev, ok := d.scores[s.Player]; ok && s.Score < prev {
			t.Fatalf("score of %s went down from %d to %d", s.Player, prev, s.Score)
		}
		d.scores[s.Player] = s.Score
		if i > 0 && compareStandingRows(st[i-1], s) > 0 {
			t.Fatalf("standings out of order at %d: %+v then %+v", i, st[i-1], s)
		}
	}
	// Competition ranking: a row's rank is its position unless it ties the
	// row above (same score and response time), whose rank it then shares.
	for i, s := range st {
		want := i + 1
		if i > 0 && st[i-1].Score == s.Score && st[i-1].ResponseMs == s.ResponseMs {
			want = st[i-1].Rank
		}
		if s.Rank != want {
			t.Fatalf("row %d has rank %d, want %d: %v", i, s.Rank, want, ranks)
		}
	}
	for _, p := range g.Results().Players {
		seen := map[int]bool{}
		total := 0
		for _, a := range p.Answers {
			if seen[a.Index] {
				t.Fatalf("%s has two results for question %d", p.Player, a.Index)
			}
			seen[a.Index] = true
			total += a.Points + a.StreakBonus
		}
		if total != p.Score {
			t.Fatalf("%s: score %d is not the sum of its answers %d", p.Player, p.Score, total)
		}
	}
	if ph := g.Phase(); ph == PhaseQuestion && g.Paused() != g.Deadline().IsZero() {
		t.Fatalf("question phase: paused %v but deadline %v", g.Paused(), g.Deadline())
	}
	d.checkModes()
}

// checkModes asserts the team and self-paced invariants.
func (d *driver) checkModes() {
	t, g := d.t, d.g
	t.Helper()
	s := g.Settings()
	res := g.Results()
	for _, p := range g.Players() {
		if s.TeamMode() != (p.Team >= 1 && p.Team <= s.Teams) {
			t.Fatalf("player %s in team %d of %d", p.ID, p.Team, s.Teams)
		}
		if (p.Solo != nil) != s.SelfPaced {
			t.Fatalf("player %s: solo %v in a game self-paced %v", p.ID, p.Solo, s.SelfPaced)
		}
		if p.Solo != nil && (p.Solo.Played > g.Total() || (p.Solo.Open && g.Phase() != PhaseChallenge)) {
			t.Fatalf("player %s: solo clock %+v in phase %s", p.ID, p.Solo, g.Phase())
		}
	}
	if s.SelfPaced {
		for _, p := range res.Players {
			for _, a := range p.Answers {
				if a.Answered && a.Index >= p.Solo.Played {
					t.Fatalf("%s answered question %d but played only %d", p.Player, a.Index, p.Solo.Played)
				}
			}
		}
		if (g.Phase() == PhaseChallenge) == g.Deadline().IsZero() {
			t.Fatalf("phase %s with deadline %v", g.Phase(), g.Deadline())
		}
	}
	if !s.TeamMode() {
		if res.Teams != nil {
			t.Fatal("team results without team mode")
		}
		return
	}
	// The team sums kept step by step equal those a restore derives.
	kept := g.teamAgg
	g.rebuildTeams()
	if !reflect.DeepEqual(kept, g.teamAgg) {
		t.Fatalf("team sums kept %v, rebuilt %v", kept, g.teamAgg)
	}
	if len(res.Teams) != s.Teams {
		t.Fatalf("%d team rows for %d teams", len(res.Teams), s.Teams)
	}
	members := 0
	for k, tr := range res.Teams {
		members += tr.Members
		higher := 0
		for _, o := range res.Teams {
			if o.Score > tr.Score {
				higher++
			}
		}
		if tr.Rank != higher+1 || (k > 0 && res.Teams[k-1].Score < tr.Score) {
			t.Fatalf("team ranking %+v", res.Teams)
		}
		sum := 0
		for _, q := range tr.Questions {
			sum += q.Points + q.StreakBonus
			if q.Present <= 0 || q.CorrectCount > q.Present || q.Points > Points(true) {
				t.Fatalf("team %d question %+v", tr.Team, q)
			}
		}
		if sum != tr.Score {
			t.Fatalf("team %d: score %d is not the sum of its questions %d", tr.Team, tr.Score, sum)
		}
		// Live team scores only grow; in a challenge a team's mean moves as members play.
		if prev, ok := d.teamScores[tr.Team]; ok && !s.SelfPaced && tr.Score < prev {
			t.Fatalf("team %d score went down from %d to %d", tr.Team, prev, tr.Score)
		}
		d.teamScores[tr.Team] = tr.Score
		if tr.Best != nil && tr.Best.Team != tr.Team {
			t.Fatalf("team %d's best player %+v is in another team", tr.Team, tr.Best)
		}
	}
	active := 0
	for _, p := range g.Players() {
		if !p.Left {
			active++
		}
	}
	if members != active {
		t.Fatalf("teams hold %d members, %d players are in the game", members, active)
	}
}

// checkPractice asserts that a practice round holds exactly the player's
// missed questions and is a valid, restorable game.
func (d *driver) checkPractice(id PlayerID, pr *Game) {
	t, g := d.t, d.g
	t.Helper()
	var missed []int
	for _, p := range g.Results().Players {
		if p.Player == id {
			missed = p.Missed
		}
	}
	if pr.Total() != len(missed) {
		t.Fatalf("practice of %d questions for %d missed", pr.Total(), len(missed))
	}
	for k, i := range missed {
		if pr.Question(k).ID != g.Question(i).ID {
			t.Fatalf("practice question %d is %q, want %q", k, pr.Question(k).ID, g.Question(i).ID)
		}
	}
	if _, err := Restore(pr.Snapshot()); err != nil {
		t.Fatalf("practice snapshot: %v", err)
	}
}

func compareStandingRows(a, b Standing) int {
	switch {
	case a.Score != b.Score:
		return b.Score - a.Score
	case a.ResponseMs != b.ResponseMs:
		return int(a.ResponseMs - b.ResponseMs)
	}
	return 0
}

// fuzzGame runs ops directly and, from a split point, also on a game restored
// from a snapshot, and demands identical traces and snapshots.
func fuzzGame(t testing.TB, data []byte) {
	if len(data) < 2 {
		return
	}
	ops := data[2:]
	var ext byte
	if data[0]&0x80 != 0 && len(ops) > 0 {
		ext, ops = ops[0], ops[1:]
	}
	g, err := New(fuzzQuestions(), fuzzModes(fuzzSettings(data[0]), ext))
	if err != nil {
		t.Fatal(err)
	}
	split := int(data[1]) % (len(data) - 1)
	split -= split % 3
	split = min(split, len(ops))

	direct := newDriver(t, g, t0)
	direct.run(ops[:split])
	snap := g.Snapshot()
	restored, err := Restore(snap)
	if err != nil {
		t.Fatalf("Restore of a fresh snapshot: %v", err)
	}
	if again := restored.Snapshot(); !bytes.Equal(again, snap) {
		t.Fatalf("snapshot of the restored game differs:\n%s\n%s", snap, again)
	}
	replay := newDriver(t, restored, direct.now)
	replay.scores, replay.accepted, replay.kicked = maps(direct.scores), maps(direct.accepted), maps(direct.kicked)
	replay.teamScores = maps(direct.teamScores)
	direct.trace = nil
	direct.run(ops[split:])
	replay.run(ops[split:])
	if !reflect.DeepEqual(direct.trace, replay.trace) {
		for i := range min(len(direct.trace), len(replay.trace)) {
			if !reflect.DeepEqual(direct.trace[i], replay.trace[i]) {
				t.Fatalf("step %d after restore differs:\ndirect: %#v\nreplay: %#v", i, direct.trace[i], replay.trace[i])
			}
		}
		t.Fatalf("traces differ in length: %d vs %d", len(direct.trace), len(replay.trace))
	}
	if a, b := g.Snapshot(), restored.Snapshot(); !bytes.Equal(a, b) {
		t.Fatalf("final snapshots differ:\n%s\n%s", a, b)
	}
	if !reflect.DeepEqual(g.Results(), restored.Results()) {
		t.Fatal("results differ after replay")
	}
}

func maps[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Op codes for hand-written seeds: op, arg pairs.
const (
	opJoin, opAnswer, opStart, opNext, opSkip, opPause, opResume, opExtend = 0, 1, 3, 4, 5, 6, 7, 8
	opLockEnd, opDisconnect, opReconnect, opLeave, opKickJoin, opAdvance   = 9, 10, 11, 12, 13, 14
	opClock, opJoinTeam, opMove, opChoose, opBalance, opPlayerNext         = 15, 16, 17, 18, 19, 20
	opPractice                                                             = 21
)

// Answer details for hand-written seeds: option c, or text t of fuzzTexts.
func choice(c int) byte { return byte(c << 5) }
func text(t int) byte   { return byte(t<<5 | 3<<3) }

func fuzzSeeds() [][]byte {
	seeds := [][]byte{
		// Three players, a full game answered mostly right, with a snapshot in the middle.
		{1, 24, opJoin, 0, 0, opJoin, 1, 0, opJoin, 2, 0, opStart, 0, 0,
			opAnswer, 0, choice(1), opAnswer, 1, choice(1), opAnswer, 2, choice(0),
			opNext, 0, 0, opAnswer, 0, 2<<3 | 0x50, opAnswer, 1, 2<<3 | 0x10, opAdvance, 0, 0,
			opNext, 0, 0, opAnswer, 1, choice(0), opAnswer, 2, choice(1), opAdvance, 0, 0,
			opNext, 0, 0, opAnswer, 0, text(0), opAnswer, 1, text(1), opAnswer, 2, text(3),
			opNext, 0, 0, opAnswer, 0, choice(1), opAdvance, 0, 0, opNext, 0, 0,
			opAnswer, 3, choice(3), opAnswer, 0, choice(3), opNext, 0, 0, opNext, 0, 0},
		// Auto-advance with leaderboard, clock jumping both ways, pause and extend.
		{3, 30, opJoin, 0, 0, opJoin, 1, 0, opStart, 0, 0, opClock, 0, 200, opAnswer, 0, choice(1),
			opPause, 0, 0, opClock, 0, 40, opExtend, 0, 30, opResume, 0, 0, opAdvance, 0, 0,
			opAdvance, 0, 0, opAdvance, 0, 0, opAnswer, 1, 2<<3 | 0x50, opClock, 0, 0x80, opAdvance, 0, 1, opAdvance, 0, 0},
		// Late join, kick, leave and rejoin, lock, unknown players.
		{5, 9, opJoin, 0, 0, opStart, 0, 0, opJoin, 1, 0, opAnswer, 1, choice(1), opAnswer, 0, choice(1),
			opKickJoin, 2, 4, opKickJoin, 3, 1, opLeave, 0, 0, opKickJoin, 0, 1, opLockEnd, 0, 1, opJoin, 4, 0,
			opAnswer, 8, choice(0), opDisconnect, 1, 0, opReconnect, 1, 0, opNext, 0, 0, opAnswer, 1, 0,
			opSkip, 0, 0, opLockEnd, 0, 2, opNext, 0, 0, opKickJoin, 3, 0x81, opKickJoin, 4, 0x82},
		// A player who left is kicked, then tries to come back; another is kicked mid-question.
		{4, 0, opJoin, 0, 0, opJoin, 1, 0, opJoin, 2, 0, opStart, 0, 0, opLeave, 0, 0, opKickJoin, 0, 0,
			opKickJoin, 0, 1, opKickJoin, 1, 0, opAnswer, 1, choice(1), opKickJoin, 1, 1, opReconnect, 1, 0,
			opAnswer, 2, choice(1), opNext, 0, 0, opKickJoin, 0, 0x85, opAnswer, 0, choice(0)},
		// Accuracy mode, max players, grace, answers after the deadline.
		{0x68, 6, opJoin, 0, 0, opJoin, 1, 0, opJoin, 2, 0, opJoin, 3, 0, opJoin, 4, 0, opStart, 0, 0,
			opClock, 0, 14, opAnswer, 0, choice(1) | 1, opAnswer, 1, choice(1) | 2, opAdvance, 0, 0,
			opAnswer, 2, choice(1) | 6, opNext, 0, 0, opNext, 0, 0, opLockEnd, 0, 0, opNext, 0, 0},
	}
	// Team and self-paced games: settings byte with 0x80, then the extension byte.
	seeds = append(seeds,
		// Three teams, picks, moves, a balance, a late joiner, a disconnect that makes a member away.
		[]byte{0x84, 12, 2, opJoinTeam, 0, 1, opJoinTeam, 1, 2, opJoin, 2, 0, opMove, 2, 3, opChoose, 1, 1,
			opJoinTeam, 3, 4, opBalance, 0, 0, opStart, 0, 0, opMove, 0, 2, opDisconnect, 2, 0,
			opAnswer, 0, choice(1), opAnswer, 1, choice(0), opAdvance, 0, 0, opJoinTeam, 4, 1, opNext, 0, 0,
			opAnswer, 0, 2<<3 | 0x50, opAnswer, 4, 2<<3 | 0x50, opReconnect, 2, 0, opNext, 0, 0, opNext, 0, 0,
			opAnswer, 2, choice(0), opKickJoin, 1, 0, opAdvance, 0, 0, opNext, 0, 0, opNext, 0, 0, opNext, 0, 0,
			opNext, 0, 0, opNext, 0, 0, opNext, 0, 0, opNext, 0, 0, opNext, 0, 0, opPractice, 0, 0, opPractice, 2, 0},
		// Balanced named teams with auto-advance.
		[]byte{0x87, 30, 3 | 4, opJoin, 0, 0, opJoin, 1, 0, opJoin, 2, 0, opJoinTeam, 3, 1, opChoose, 0, 2,
			opStart, 0, 0, opAnswer, 0, choice(1), opAnswer, 1, choice(1), opAdvance, 0, 0, opAdvance, 0, 0,
			opLeave, 2, 0, opAdvance, 0, 0, opJoin, 2, 0, opAnswer, 2, 2<<3 | 0x50, opAdvance, 0, 0, opAdvance, 0, 1},
		// A challenge: players on their own clocks, the deadline, practice.
		[]byte{0x80, 15, 8, opStart, 0, 0, opJoin, 0, 0, opJoin, 1, 0, opPlayerNext, 0, 0, opAnswer, 0, choice(1),
			opPlayerNext, 1, 0, opPlayerNext, 1, 0, opClock, 0, 20, opAnswer, 1, choice(0), opPlayerNext, 0, 0,
			opAdvance, 0, 0, opPlayerNext, 0, 0, opAnswer, 0, 2<<3 | 0x50, opPlayerNext, 0, 0, opExtend, 0, 40,
			opJoin, 2, 0, opPlayerNext, 2, 0, opClock, 0, 100, opClock, 0, 100, opPlayerNext, 1, 0, opAdvance, 0, 0,
			opAdvance, 0, 0, opPractice, 0, 0, opPractice, 1, 0, opPractice, 2, 0},
		// A team challenge, kicked mid-question, host end.
		[]byte{0x80, 6, 8 | 1, opJoinTeam, 0, 1, opStart, 0, 0, opJoinTeam, 1, 1, opJoin, 2, 0, opPlayerNext, 0, 0,
			opMove, 0, 2, opMove, 1, 2, opPlayerNext, 1, 0, opAnswer, 1, choice(1), opKickJoin, 0, 0,
			opPlayerNext, 2, 0, opAnswer, 2, choice(1), opPlayerNext, 2, 0, opLockEnd, 0, 0, opPractice, 2, 0},
		// A team game ended by the host with a question open.
		[]byte{0x80, 0, 1, opJoinTeam, 0, 1, opJoinTeam, 1, 2, opStart, 0, 0, opAnswer, 0, choice(1), opLockEnd, 0, 0},
		// A practice round played through.
		[]byte{0x80, 3, 8 | 16, opJoin, 0, 0, opStart, 0, 0, opPlayerNext, 0, 0, opAnswer, 0, choice(1),
			opPlayerNext, 0, 0, opAnswer, 0, choice(2), opPlayerNext, 0, 0, opAdvance, 0, 0, opPlayerNext, 0, 0,
			opAnswer, 0, text(0), opPlayerNext, 0, 0, opAnswer, 0, choice(0), opPlayerNext, 0, 0, opAdvance, 0, 0,
			opPractice, 0, 0},
	)
	r := rand.New(rand.NewPCG(1, 2))
	for k := range 36 {
		b := make([]byte, 60+r.IntN(600))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		at := 2
		if k%3 == 0 {
			b[0] &^= 0x80
		} else {
			b[0] |= 0x80
			b[2] = byte(r.IntN(32))
			at = 3
		}
		// Half the steps answer, from one of the first four players; some
		// open a self-paced question first.
		for i := at; i+2 < len(b); i += 3 {
			switch r.IntN(4) {
			case 0, 1:
				b[i], b[i+1] = opAnswer, byte(r.IntN(4))
			case 2:
				if b[2]&8 != 0 && at == 3 {
					b[i], b[i+1] = opPlayerNext, byte(r.IntN(4))
				}
			}
		}
		// Bias towards a started game: a few joins and a start up front.
		copy(b[at:], []byte{opJoin, 0, 0, opJoin, 1, 0, opJoinTeam, 2, 2, opStart, 0, 0})
		seeds = append(seeds, b)
	}
	return seeds
}

func FuzzGame(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		fuzzGame(t, data)
	})
}
