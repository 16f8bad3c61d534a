package stats

import (
	"math"
	"slices"
	"sync/atomic"
)

// Summary is a latency distribution in milliseconds. Field names are part of
// quizload's JSON output and stay stable.
type Summary struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
	N   int     `json:"n"`
}

// Percentile returns the nearest-rank percentile p (0 < p <= 100) of sorted:
// the smallest sample such that at least p% of the samples are <= it. It
// returns 0 for no samples.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summarize sorts samples in place and returns their summary, rounded to
// 0.01 ms so the JSON stays readable.
func Summarize(samples []float64) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	slices.Sort(samples)
	return Summary{
		P50: round2(Percentile(samples, 50)),
		P90: round2(Percentile(samples, 90)),
		P99: round2(Percentile(samples, 99)),
		Max: round2(samples[len(samples)-1]),
		N:   len(samples),
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Ratio returns a/b rounded to 0.01, or 0 when b is 0.
func Ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return round2(a / b)
}

// Recorder keeps up to a fixed number of float32 samples in a buffer
// allocated once; Add past capacity counts the sample as dropped instead of
// growing, so the hot path never allocates.
type Recorder struct {
	buf     []float32
	next    atomic.Int64
	dropped atomic.Int64
}

// NewRecorder preallocates room for capacity samples.
func NewRecorder(capacity int) *Recorder {
	return &Recorder{buf: make([]float32, capacity)}
}

// Add records one sample.
func (r *Recorder) Add(v float64) {
	i := r.next.Add(1) - 1
	if i >= int64(len(r.buf)) {
		r.dropped.Add(1)
		return
	}
	r.buf[i] = float32(v)
}

// Samples returns a copy of the recorded samples as float64.
func (r *Recorder) Samples() []float64 {
	n := min(r.next.Load(), int64(len(r.buf)))
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(r.buf[i])
	}
	return out
}

// Dropped is the number of samples that did not fit.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Group accumulates the scores of one latency group.
type Group struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Sum   float64 `json:"sum"`
}

// Mean is the group's mean score, 0 for an empty group.
func (g Group) Mean() float64 {
	if g.Count == 0 {
		return 0
	}
	return g.Sum / float64(g.Count)
}

// FairnessGapPct is the largest difference between the mean scores of the
// groups, as a percentage of the largest mean: 0 means every group scored the
// same on average. Groups without samples are ignored; with fewer than two
// groups left the gap is 0 and ok is false.
func FairnessGapPct(groups []Group) (gap float64, ok bool) {
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, g := range groups {
		if g.Count == 0 {
			continue
		}
		m := g.Mean()
		lo, hi = min(lo, m), max(hi, m)
		n++
	}
	if n < 2 || hi <= 0 {
		return 0, false
	}
	return round2((hi - lo) / hi * 100), true
}
