package chaostest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Bounds the checks hold the server to (docs/operations.md, "One owner at a
// time"): an answer gets a reply within answerBound, whatever Redis does.
const answerBound = 4 * time.Second

// verdict collects what went wrong, each problem once.
type verdict struct {
	problems []string
	seen     map[string]bool
}

func (v *verdict) add(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	if v.seen == nil {
		v.seen = map[string]bool{}
	}
	if !v.seen[p] {
		v.seen[p] = true
		v.problems = append(v.problems, p)
	}
}

// normalized is a shared frame without what differs per connection (seq,
// the personal you) or per owner (owner_term: the same reveal replayed by a new
// owner is the same reveal), so that equal frames compare equal.
func normalized(raw []byte) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return string(raw)
	}
	delete(m, "seq")
	delete(m, "owner_term")
	delete(m, "you")
	b, _ := json.Marshal(m) // map keys are sorted
	return string(b)
}

// freezes are the instances the scenario froze (SIGSTOP) and when: a frozen
// process cannot answer anything, so the reply bound of a request sent to
// it while frozen starts at its thaw.
type freezes map[int][2]time.Time

func (f freezes) start(inst int, sent time.Time) time.Time {
	if w, ok := f[inst]; ok && !sent.Before(w[0]) && sent.Before(w[1]) {
		return w[1]
	}
	return sent
}

// checkFrames applies the frame-level assertions to every client.
func checkFrames(v *verdict, clients []*client, frozen freezes) {
	reveals := map[int]map[string][]string{} // q -> normalized reveal -> clients
	podiums := map[string][]string{}
	for _, c := range clients {
		c.mu.Lock()
		lastSeq := map[int]uint64{}
		lastTerm := map[int]uint64{}
		seenReveal := map[int]map[int]string{} // conn -> q -> normalized
		backs, firstBack := map[int]int{}, map[int]string{}
		for _, r := range c.recs {
			if r.raw == nil {
				continue
			}
			if r.h.Term != 0 {
				if prev := lastTerm[r.conn]; r.h.Term < prev {
					v.add("term went back on %s connection %d (instance %d): %d after %d, frame %s",
						c.name, r.conn, r.inst, r.h.Term, prev, r.describe())
				}
				lastTerm[r.conn] = max(lastTerm[r.conn], r.h.Term)
			}
			if r.h.Seq != nil {
				if prev, ok := lastSeq[r.conn]; ok && *r.h.Seq < prev {
					backs[r.conn]++
					if backs[r.conn] == 1 {
						firstBack[r.conn] = fmt.Sprintf("seq went back on %s connection %d (instance %d): %d after %d, frame %s",
							c.name, r.conn, r.inst, *r.h.Seq, prev, r.describe())
					}
				}
				lastSeq[r.conn] = max(lastSeq[r.conn], *r.h.Seq)
			}
			switch r.h.Type {
			case "reveal":
				q := *r.h.Q
				n := normalized(r.raw)
				if reveals[q] == nil {
					reveals[q] = map[string][]string{}
				}
				if !slices.Contains(reveals[q][n], c.name) {
					reveals[q][n] = append(reveals[q][n], c.name)
				}
				if seenReveal[r.conn] == nil {
					seenReveal[r.conn] = map[int]string{}
				}
				if prev, ok := seenReveal[r.conn][q]; ok && prev != n {
					v.add("%s connection %d saw two different reveals of question %d: %s, then %s",
						c.name, r.conn, q, revealSummary(prev), revealSummary(n))
				}
				seenReveal[r.conn][q] = n
				if !c.host && c.answers[q] != nil && c.answers[q].accepted {
					var you struct {
						Answered *bool `json:"answered"`
					}
					_ = json.Unmarshal(r.h.You, &you)
					if you.Answered != nil && !*you.Answered {
						v.add("%s: answer to question %d was accepted, the reveal says not answered: %s", c.name, q, r.describe())
					}
				}
			case "podium":
				var p struct {
					Top json.RawMessage `json:"top"`
				}
				_ = json.Unmarshal(r.raw, &p)
				podiums[string(p.Top)] = append(podiums[string(p.Top)], c.name)
			}
		}
		for conn, n := range backs {
			v.add("%s (%d frames went back on that connection)", firstBack[conn], n)
		}
		for _, req := range c.requests {
			checkRequest(v, c, req, frozen.start(req.inst, req.sent))
		}
		c.mu.Unlock()
	}
	for q, byFrame := range reveals {
		if len(byFrame) > 1 {
			var kinds []string
			for n, who := range byFrame {
				kinds = append(kinds, fmt.Sprintf("%s (seen by %d connections)", revealSummary(n), len(who)))
			}
			sort.Strings(kinds)
			v.add("question %d was revealed %d different ways: %s", q, len(byFrame), strings.Join(kinds, "; "))
		}
	}
	if len(podiums) > 1 {
		v.add("%d different podiums were shown", len(podiums))
	}
}

func revealSummary(n string) string {
	var r struct {
		Reason   string `json:"reason"`
		Answered int    `json:"answered"`
		Correct  int    `json:"correct_count"`
	}
	_ = json.Unmarshal([]byte(n), &r)
	return fmt.Sprintf("reason %s, %d answered, %d correct", r.Reason, r.Answered, r.Correct)
}

// checkRequest: one answer request gets one verdict, in time; c.mu held.
func checkRequest(v *verdict, c *client, req *request, from time.Time) {
	accepted, refused := false, ""
	var codes []string
	for _, rp := range req.replies {
		if rp.accepted {
			accepted = true
			codes = append(codes, "accepted")
			continue
		}
		codes = append(codes, rp.code)
		if rp.code != "unavailable" && rp.code != "room_busy" {
			refused = rp.code
		}
	}
	if accepted && refused != "" {
		v.add("%s: answer request %s to question %d got %s", c.name, req.id, req.q, strings.Join(codes, ", "))
	}
	if len(req.replies) > 1 {
		v.add("%s: answer request %s got %d replies: %s", c.name, req.id, len(req.replies), strings.Join(codes, ", "))
	}
	if len(req.replies) > 0 {
		if took := req.replies[0].at.Sub(from); took > answerBound {
			v.add("%s: answer request %s to question %d waited %v for its reply (%s), bound %v",
				c.name, req.id, req.q, took.Round(100*time.Millisecond), codes[0], answerBound)
		}
		return
	}
	// No reply: a problem when the connection lived past the bound and the
	// question was not closed meanwhile.
	for _, r := range c.recs {
		if r.conn != req.conn || !r.at.After(req.sent) {
			continue
		}
		if r.h.Type == "reveal" && r.h.Q != nil && *r.h.Q == req.q && r.at.Sub(from) <= answerBound {
			return
		}
		if r.raw == nil && r.at.Sub(from) <= answerBound {
			return // the connection closed within the bound
		}
		if r.at.Sub(from) > answerBound {
			v.add("%s: answer request %s to question %d had no reply in %v while the connection stayed open",
				c.name, req.id, req.q, answerBound)
			return
		}
	}
}

// checkResults: every acknowledged answer is in the results, no refused one
// is, and every podium a player saw matches the results.
func checkResults(v *verdict, clients []*client, res resultsJSON) {
	byID := map[string]int{}
	for i, p := range res.Players {
		byID[p.PlayerID] = i
	}
	for _, c := range clients {
		if c.host {
			continue
		}
		c.mu.Lock()
		i, ok := byID[c.playerID]
		if !ok {
			v.add("%s (%s) is missing from the results", c.name, c.playerID)
			c.mu.Unlock()
			continue
		}
		pr := res.Players[i]
		for q, as := range c.answers {
			j := slices.IndexFunc(pr.Answers, func(a struct {
				Q        int   `json:"q"`
				Answered bool  `json:"answered"`
				Choices  []int `json:"choices"`
				Points   int   `json:"points"`
			}) bool {
				return a.Q == q
			})
			counted := j >= 0 && pr.Answers[j].Answered
			if as.accepted && (!counted || !slices.Equal(pr.Answers[j].Choices, []int{as.choice})) {
				v.add("%s: acknowledged answer %d to question %d is not in the results", c.name, as.choice, q)
			}
			if !as.accepted && counted && refusedOnly(c, q) {
				v.add("%s: answer to question %d was refused (%s) and is counted in the results", c.name, q, refusals(c, q))
			}
		}
		for _, r := range c.recs {
			if r.h.Type != "podium" {
				continue
			}
			var you struct {
				Score int `json:"score"`
			}
			_ = json.Unmarshal(r.h.You, &you)
			if you.Score != pr.Score {
				v.add("%s was shown %d points on the podium, the results say %d", c.name, you.Score, pr.Score)
			}
		}
		c.mu.Unlock()
	}
}

// refusedOnly: every request for q got a definitive refusal; c.mu held.
func refusedOnly(c *client, q int) bool {
	any := false
	for _, req := range c.requests {
		if req.q != q {
			continue
		}
		any = true
		def := false
		for _, rp := range req.replies {
			if !rp.accepted && rp.code != "unavailable" && rp.code != "room_busy" {
				def = true
			}
		}
		if !def {
			return false
		}
	}
	return any
}

func refusals(c *client, q int) string {
	var codes []string
	for _, req := range c.requests {
		if req.q == q {
			for _, rp := range req.replies {
				codes = append(codes, rp.code)
			}
		}
	}
	return strings.Join(codes, ", ")
}
