package game

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

// wallClockScript is a short game driven by times like the server's: a local
// zone and a monotonic reading (time.Now()).
func wallClockScript(g *Game, base time.Time) []func() ([]Event, error) {
	return []func() ([]Event, error){
		func() ([]Event, error) { return g.Join("a", "Ada", base) },
		func() ([]Event, error) { return g.Join("b", "Bob", base) },
		func() ([]Event, error) { return g.Start(base.Add(time.Second)) },
		func() ([]Event, error) {
			return g.Answer("a", 0, Answer{Choices: []int{1}}, 2*time.Second, 0, base.Add(3*time.Second))
		},
		func() ([]Event, error) { return g.Pause(base.Add(4 * time.Second)) },
		func() ([]Event, error) { return g.Resume(base.Add(9 * time.Second)) },
		func() ([]Event, error) { return g.Advance(base.Add(time.Minute)), nil },
		func() ([]Event, error) { return g.Next(base.Add(time.Minute)) },
		func() ([]Event, error) {
			return g.Answer("b", 1, Answer{Choices: []int{1, 3}}, time.Second, 0, base.Add(61*time.Second))
		},
		func() ([]Event, error) { return g.Disconnect("a", base.Add(62*time.Second)) },
		func() ([]Event, error) { return g.Advance(base.Add(10 * time.Minute)), nil },
	}
}

// Neither the zone nor the monotonic reading may leak into the state, or a
// restored game would produce different events from the original.
func TestSnapshotReplayWithWallClockTimes(t *testing.T) {
	base := time.Now().In(time.FixedZone("UTC+5", 5*3600))
	s := Settings{QuestionTime: 30 * time.Second, AutoAdvance: true, ShowLeaderboard: true}
	n := len(wallClockScript(nil, base))
	for split := range n + 1 {
		original := newGame(t, s, sampleQuestions()...)
		steps := wallClockScript(original, base)
		for _, step := range steps[:split] {
			step()
		}
		restored, err := Restore(original.Snapshot())
		if err != nil {
			t.Fatal(err)
		}
		for i, step := range steps[split:] {
			wantEvs, wantErr := step()
			gotEvs, gotErr := wallClockScript(restored, base)[split+i]()
			if !reflect.DeepEqual(gotEvs, wantEvs) || !reflect.DeepEqual(gotErr, wantErr) {
				t.Fatalf("split %d step %d: restored game gave\n%#v %v\nwant\n%#v %v", split, split+i, gotEvs, gotErr, wantEvs, wantErr)
			}
		}
		if a, b := original.Snapshot(), restored.Snapshot(); !bytes.Equal(a, b) {
			t.Fatalf("split %d: snapshots differ:\n%s\n%s", split, a, b)
		}
		if original.Phase() != PhasePodium {
			t.Fatalf("script ended in %s, want podium", original.Phase())
		}
	}
}

func TestSnapshotIsDeterministic(t *testing.T) {
	a := newGame(t, Settings{}, sampleQuestions()...)
	b := newGame(t, Settings{}, sampleQuestions()...)
	for _, g := range []*Game{a, b} {
		ids := joinN(t, g, 5)
		must(t)(g.Start(t0))
		must(t)(g.Answer(ids[3], 0, Answer{Choices: []int{1}}, time.Second, 0, t0))
	}
	if !bytes.Equal(a.Snapshot(), b.Snapshot()) || !bytes.Equal(a.Snapshot(), a.Snapshot()) {
		t.Fatal("the same inputs gave different snapshot bytes")
	}
}

// FuzzRestore: Restore is a decoder of bytes that may come from a damaged
// store; it must refuse or produce a game that works.
func FuzzRestore(f *testing.F) {
	for _, s := range fuzzSeeds()[:10] {
		ops, ext := s[2:], byte(0)
		if s[0]&0x80 != 0 {
			ext, ops = ops[0], ops[1:]
		}
		g, _ := New(fuzzQuestions(), fuzzModes(fuzzSettings(s[0]), ext))
		d := newDriver(f, g, t0)
		d.run(ops[:min(len(ops), 60)])
		f.Add(g.Snapshot())
	}
	f.Add([]byte(`{"v":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Restore(data)
		if err != nil {
			if CodeOf(err) != CodeInvalidSnapshot {
				t.Fatalf("refusal with code %q: %v", CodeOf(err), err)
			}
			return
		}
		snap := g.Snapshot()
		again, err := Restore(snap)
		if err != nil {
			t.Fatalf("cannot restore our own snapshot: %v", err)
		}
		if !bytes.Equal(again.Snapshot(), snap) {
			t.Fatal("snapshot round trip is not stable")
		}
		// The restored game must take any input without panicking.
		d := newDriver(t, g, g.OpenedAt())
		for _, op := range [][]byte{{opJoin, 5, 0}, {opAnswer, 0, 0}, {opAnswer, 1, 2 << 3}, {opAnswer, 2, 3 << 3},
			{opPause, 0, 0}, {opExtend, 0, 30}, {opResume, 0, 0}, {opAdvance, 0, 0}, {opNext, 0, 0}, {opKickJoin, 1, 0},
			{opLeave, 2, 0}, {opDisconnect, 0, 0}, {opAdvance, 0, 1}, {opSkip, 0, 0}, {opNext, 0, 0}, {opLockEnd, 0, 0},
			{opJoinTeam, 6, 2}, {opMove, 0, 1}, {opBalance, 0, 0}, {opPlayerNext, 0, 0}, {opAnswer, 0, 0}, {opPractice, 0, 0},
			{opClock, 0, 127}, {opAdvance, 0, 0}} {
			d.stepNoCheck(op)
		}
		g.Results()
		g.Standings()
	})
}
