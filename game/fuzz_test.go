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
	scores   map[PlayerID]int
	accepted map[string]bool // "player/index" of every accepted answer
	kicked   map[PlayerID]bool
}

var fuzzNames = []string{"Ada", "ada", "Bob", "  Cy ", "", "Dee", "<b>Eve</b>", "Fay"}
var fuzzTexts = []string{"JWT", "json web token", "J.W.T.", "JSON", "", "???", "jwt!", string(bytes.Repeat([]byte("x"), 201))}

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
	return &driver{t: t, g: g, now: now, scores: map[PlayerID]int{}, accepted: map[string]bool{}, kicked: map[PlayerID]bool{}}
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
	switch op % 16 {
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
		switch arg % 8 {
		case 6:
			q--
		case 7:
			q++
		}
		var a Answer
		kind := g.Question(g.QuestionIndex()).Kind
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
	g, err := New(fuzzQuestions(), fuzzSettings(data[0]))
	if err != nil {
		t.Fatal(err)
	}
	split := int(data[1]) % (len(data) - 1)
	split -= split % 3
	ops := data[2:]
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
	opClock                                                                = 15
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
	r := rand.New(rand.NewPCG(1, 2))
	for range 24 {
		b := make([]byte, 60+r.IntN(600))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		// Half the steps answer, from one of the first four players.
		for i := 2; i+2 < len(b); i += 3 {
			if r.IntN(2) == 0 {
				b[i], b[i+1] = opAnswer, byte(r.IntN(4))
			}
		}
		// Bias towards a started game: a few joins and a start up front.
		copy(b[2:], []byte{opJoin, 0, 0, opJoin, 1, 0, opJoin, 2, 0, opStart, 0, 0})
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
