package loadclient

import (
	"testing"
	"time"
)

func TestNeighboursInDifferentGroupsReactAlike(t *testing.T) {
	j := Job{Groups: []Group{{Name: "near"}, {Name: "far", OneWayMs: 150}}, ReactionMinMs: 800, ReactionMaxMs: 2500, CorrectPct: 50, Seed: 7}
	differ := false
	for i := 0; i < 200; i += 2 {
		for q := range 5 {
			a, b := j.Reaction(i, q), j.Reaction(i+1, q)
			if a != b {
				t.Fatalf("players %d and %d react %v and %v to question %d", i, i+1, a, b, q)
			}
			if a < 800*time.Millisecond || a > 2500*time.Millisecond {
				t.Fatalf("reaction %v outside the range", a)
			}
			if j.Correct(i, q) != j.Correct(i+1, q) {
				t.Fatalf("players %d and %d differ in correctness", i, i+1)
			}
			if j.GroupOf(i) == j.GroupOf(i+1) {
				t.Fatal("neighbours share a group")
			}
			differ = differ || a != j.Reaction(i+2, q)
		}
	}
	if !differ {
		t.Error("every rank reacts the same: the spread is not applied")
	}
}

func TestValidate(t *testing.T) {
	ok := Job{URLs: []string{"http://x"}, PINs: []string{"1"}, PlayersPerGame: 10, Count: 10, Questions: 3, Groups: []Group{{}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.Count = 11
	if bad.Validate() == nil {
		t.Error("11 players in one game of 10 accepted")
	}
	bad = ok
	bad.Questions = MaxQuestions + 1
	if bad.Validate() == nil {
		t.Error("too many questions accepted")
	}
}

func TestMergeAddsUp(t *testing.T) {
	a := &Result{Fanout: []float32{1}, Errors: map[string]int64{"x": 1}, Groups: []GroupScores{{Name: "near", SpeedN: 1, SpeedSum: 900}}}
	a.Merge(&Result{Fanout: []float32{2, 3}, Errors: map[string]int64{"x": 2, "y": 1}, Joined: 5,
		Groups: []GroupScores{{Name: "near", SpeedN: 1, SpeedSum: 800}, {Name: "far", SpeedN: 1}}})
	if len(a.Fanout) != 3 || a.ErrorCount() != 4 || a.Joined != 5 || len(a.Groups) != 2 || a.Groups[0].SpeedSum != 1700 {
		t.Errorf("merged: %+v", a)
	}
}

func TestSpeedScore(t *testing.T) {
	if speedScore(400, 20000) != 1000 || speedScore(10000, 20000) != 750 || speedScore(50000, 20000) != 0 {
		t.Error("speedScore does not follow 1000*(1-t/2T)")
	}
}
