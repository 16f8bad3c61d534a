package loadclient

import (
	"fmt"
	"hash/fnv"
	"time"
)

// Group is a set of players sharing a simulated link. OneWayMs is added in
// each direction (so the round trip grows by twice it).
type Group struct {
	Name     string  `json:"name"`
	OneWayMs float64 `json:"one_way_ms"`
}

// Job is one shard of players. Player i (First <= i < First+Count) joins game
// PINs[i/PlayersPerGame] through URLs[i%len(URLs)], belongs to
// Groups[i%len(Groups)], and reacts after a time that depends only on
// (i/len(Groups), question): neighbours in different groups react equally
// fast, which is what the fairness measure compares.
type Job struct {
	URLs           []string `json:"urls"`
	PINs           []string `json:"pins"`
	PlayersPerGame int      `json:"players_per_game"`
	First          int      `json:"first"`
	Count          int      `json:"count"`
	Questions      int      `json:"questions"`
	Groups         []Group  `json:"groups"`
	// Reaction times are drawn in [ReactionMinMs, ReactionMaxMs].
	ReactionMinMs int `json:"reaction_min_ms"`
	ReactionMaxMs int `json:"reaction_max_ms"`
	// CorrectPct of the answers pick CorrectOption when a question offers it
	// (a bank made for load runs); otherwise the choice is a fixed guess.
	CorrectPct    int    `json:"correct_pct"`
	CorrectOption string `json:"correct_option,omitempty"`
	// ChurnPct of the players drop their connection during each question,
	// after their answer was acknowledged, and resume with their token.
	ChurnPct int `json:"churn_pct"`
	// DialConcurrency bounds the WebSocket handshakes in flight.
	DialConcurrency int `json:"dial_concurrency"`
	// SpreadSourceIPs gives each player its own 127.x.y.z source address when
	// the server is on loopback, so per-address join limits see many clients.
	SpreadSourceIPs bool  `json:"spread_source_ips"`
	Seed            int64 `json:"seed"`
	// Timeout bounds the whole shard.
	Timeout time.Duration `json:"timeout"`
}

// MaxQuestions is how many questions one run may measure (answers are kept in
// a 64-bit set per player).
const MaxQuestions = 64

// Validate reports the first thing wrong with the job.
func (j Job) Validate() error {
	switch {
	case len(j.URLs) == 0:
		return fmt.Errorf("job: no URLs")
	case len(j.PINs) == 0:
		return fmt.Errorf("job: no games")
	case j.PlayersPerGame <= 0:
		return fmt.Errorf("job: players_per_game must be positive")
	case j.Count < 0 || j.First < 0:
		return fmt.Errorf("job: negative player range")
	case (j.First+j.Count+j.PlayersPerGame-1)/j.PlayersPerGame > len(j.PINs):
		return fmt.Errorf("job: %d players need more than %d games of %d", j.First+j.Count, len(j.PINs), j.PlayersPerGame)
	case j.Questions <= 0 || j.Questions > MaxQuestions:
		return fmt.Errorf("job: questions must be 1..%d", MaxQuestions)
	case len(j.Groups) == 0:
		return fmt.Errorf("job: no latency groups")
	case j.ReactionMinMs < 0 || j.ReactionMaxMs < j.ReactionMinMs:
		return fmt.Errorf("job: reaction range %d..%d ms is invalid", j.ReactionMinMs, j.ReactionMaxMs)
	case j.CorrectPct < 0 || j.CorrectPct > 100 || j.ChurnPct < 0 || j.ChurnPct > 100:
		return fmt.Errorf("job: percentages must be 0..100")
	}
	return nil
}

func (j Job) hash(parts ...int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, p := range append([]int{int(j.Seed)}, parts...) {
		for k := range b {
			b[k] = byte(uint64(p) >> (8 * k))
		}
		h.Write(b[:])
	}
	return h.Sum64()
}

// Reaction is how long player i waits before answering question q.
func (j Job) Reaction(i, q int) time.Duration {
	rank := i / len(j.Groups)
	span := j.ReactionMaxMs - j.ReactionMinMs + 1
	ms := j.ReactionMinMs + int(j.hash(1, rank, q)%uint64(span))
	return time.Duration(ms) * time.Millisecond
}

// Correct tells whether player i answers question q correctly.
func (j Job) Correct(i, q int) bool {
	return int(j.hash(2, i/len(j.Groups), q)%100) < j.CorrectPct
}

// Churns tells whether player i drops and resumes during question q.
func (j Job) Churns(i, q int) bool {
	return j.ChurnPct > 0 && int(j.hash(3, i, q)%100) < j.ChurnPct
}

// GroupOf is the latency group index of player i.
func (j Job) GroupOf(i int) int { return i % len(j.Groups) }

// GameOf is the game index of player i.
func (j Job) GameOf(i int) int { return i / j.PlayersPerGame }

// URLOf is the base URL player i connects to.
func (j Job) URLOf(i int) string { return j.URLs[i%len(j.URLs)] }

// GroupScores are the per-group sums behind the fairness measure. Points are
// the server's points for correct answers; Speed is 1000*(1-t/2T) computed
// from the server's response time t, the score a correct answer at that time
// earns under the default rule, defined for every answer; SpeedUncomp adds
// back the link delay the server's fair timing should have removed.
type GroupScores struct {
	Name           string  `json:"name"`
	PointsSum      float64 `json:"points_sum"`
	PointsN        int     `json:"points_n"`
	SpeedSum       float64 `json:"speed_sum"`
	SpeedUncompSum float64 `json:"speed_uncomp_sum"`
	SpeedN         int     `json:"speed_n"`
	ResponseMsSum  float64 `json:"response_ms_sum"`
}

// Result is what a shard measured. It is JSON so worker processes can hand
// theirs back; Merge combines shards.
type Result struct {
	Fanout       []float32          `json:"fanout"`
	Ack          []float32          `json:"ack"`
	FrameBytes   int64              `json:"frame_bytes"`
	Frames       int64              `json:"frames"`
	Groups       []GroupScores      `json:"groups"`
	Errors       map[string]int64   `json:"errors"`
	ErrorSamples []string           `json:"error_samples,omitempty"`
	Joined       int64              `json:"joined"`
	Finished     int64              `json:"finished"`
	Resumes      int64              `json:"resumes"`
	ResumeFailed int64              `json:"resume_failed"`
	LostAnswers  int64              `json:"lost_answers"`
	Accepted     int64              `json:"accepted"`
	CPUSeconds   float64            `json:"cpu_seconds"`
	PerQuestion  map[int]QuestionIO `json:"per_question,omitempty"`
}

// QuestionIO counts what the players saw of one question.
type QuestionIO struct {
	Received int64 `json:"received"`
	Answered int64 `json:"answered"`
}

// ErrorCount is the total of all errors.
func (r *Result) ErrorCount() int64 {
	var n int64
	for _, v := range r.Errors {
		n += v
	}
	return n
}

// Merge adds o into r.
func (r *Result) Merge(o *Result) {
	r.Fanout = append(r.Fanout, o.Fanout...)
	r.Ack = append(r.Ack, o.Ack...)
	r.FrameBytes += o.FrameBytes
	r.Frames += o.Frames
	for _, g := range o.Groups {
		found := false
		for k := range r.Groups {
			if r.Groups[k].Name == g.Name {
				a := &r.Groups[k]
				a.PointsSum += g.PointsSum
				a.PointsN += g.PointsN
				a.SpeedSum += g.SpeedSum
				a.SpeedUncompSum += g.SpeedUncompSum
				a.SpeedN += g.SpeedN
				a.ResponseMsSum += g.ResponseMsSum
				found = true
			}
		}
		if !found {
			r.Groups = append(r.Groups, g)
		}
	}
	if r.Errors == nil {
		r.Errors = map[string]int64{}
	}
	for k, v := range o.Errors {
		r.Errors[k] += v
	}
	if len(r.ErrorSamples) < 10 {
		r.ErrorSamples = append(r.ErrorSamples, o.ErrorSamples[:min(len(o.ErrorSamples), 10-len(r.ErrorSamples))]...)
	}
	r.Joined += o.Joined
	r.Finished += o.Finished
	r.Resumes += o.Resumes
	r.ResumeFailed += o.ResumeFailed
	r.LostAnswers += o.LostAnswers
	r.Accepted += o.Accepted
	r.CPUSeconds += o.CPUSeconds
	if r.PerQuestion == nil {
		r.PerQuestion = map[int]QuestionIO{}
	}
	for q, v := range o.PerQuestion {
		a := r.PerQuestion[q]
		a.Received += v.Received
		a.Answered += v.Answered
		r.PerQuestion[q] = a
	}
}
