package chaostest

import (
	"strings"
	"testing"
	"time"
)

// TestChecksCatchWhatIssue17Saw feeds the checks the frames the issue's
// report describes, so that a check that stopped looking is itself caught.
func TestChecksCatchWhatIssue17Saw(t *testing.T) {
	at := time.Unix(1000, 0)
	frame := func(conn int, ms int, raw string) rec {
		r := rec{at: at.Add(time.Duration(ms) * time.Millisecond), conn: conn, raw: []byte(raw)}
		if err := jsonHead(r.raw, &r.h); err != nil {
			t.Fatal(err)
		}
		return r
	}
	g := &game{}
	p := newClient(g, "p01", 1, 1, false)
	p.answers[1] = &answerState{started: true, decided: true, accepted: true, choice: 2}
	p.requests["a"] = &request{id: "a", q: 1, choice: 2, sent: at, conn: 1,
		replies: []reply{{at: at.Add(8 * time.Second), accepted: true}, {at: at.Add(8 * time.Second), code: "too_late"}}}
	p.recs = []rec{
		frame(1, 100, `{"type":"question","seq":8,"q":1,"options":["a","b","c","d"],"owner_term":1}`),
		frame(1, 200, `{"type":"reveal","seq":9,"q":1,"reason":"deadline","answered":10,"correct_count":3,"you":{"answered":true},"owner_term":2}`),
		frame(1, 300, `{"type":"reveal","seq":4,"q":1,"reason":"deadline","answered":6,"correct_count":3,"you":{"answered":false},"owner_term":1}`),
	}
	v := &verdict{}
	checkFrames(v, []*client{p}, freezes{})
	all := strings.Join(v.problems, "\n")
	for _, want := range []string{
		"seq went back on p01 connection 1",
		"term went back on p01 connection 1",
		"saw two different reveals of question 1",
		"was accepted, the reveal says not answered",
		"got accepted, too_late",
		"waited 8s for its reply",
		"question 1 was revealed 2 different ways",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("checks missed %q; they said:\n%s", want, all)
		}
	}

	// The same answer sent to an instance frozen for 7 s, answered 1 s
	// after its thaw, is within the bound.
	v = &verdict{}
	p.requests["a"].replies = p.requests["a"].replies[:1]
	p.recs = p.recs[:2]
	checkFrames(v, []*client{p}, freezes{0: {at.Add(-time.Second), at.Add(7 * time.Second)}})
	if len(v.problems) != 0 {
		t.Errorf("a clean run has problems: %v", v.problems)
	}
}
