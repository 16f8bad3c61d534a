package loadclient

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

// shard is the shared state of the players of one Job.
type shard struct {
	job     Job
	client  *http.Client
	dialSem chan struct{}

	fanout, ack  *stats.Recorder
	frameBytes   atomic.Int64
	frames       atomic.Int64
	joinedN      atomic.Int64
	finished     atomic.Int64
	resumes      atomic.Int64
	resumeFailed atomic.Int64
	lostAnswers  atomic.Int64
	accepted     atomic.Int64
	onJoined     func(n int64)

	groups []lockedGroup

	mu           sync.Mutex
	errors       map[string]int64
	errorSamples []string
	perQuestion  []QuestionIO
}

type lockedGroup struct {
	mu sync.Mutex
	GroupScores
}

func (s *shard) fail(kind, detail string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors[kind]++
	if len(s.errorSamples) < 10 {
		if len(detail) > 300 {
			detail = detail[:300]
		}
		s.errorSamples = append(s.errorSamples, kind+": "+detail)
	}
}

func (s *shard) joined(int) {
	n := s.joinedN.Add(1)
	if s.onJoined != nil {
		s.onJoined(n)
	}
}

func (s *shard) questionSeen(q int) {
	if q < 0 || q >= len(s.perQuestion) {
		return
	}
	s.mu.Lock()
	s.perQuestion[q].Received++
	s.mu.Unlock()
}

func (s *shard) questionAnswered(q int) {
	if q < 0 || q >= len(s.perQuestion) {
		return
	}
	s.mu.Lock()
	s.perQuestion[q].Answered++
	s.mu.Unlock()
}

// RunShard plays every player of job until the games end or ctx is done.
// onJoined, when not nil, is called with the number of players that have
// joined so far, each time one more joins (from the players' goroutines).
func RunShard(ctx context.Context, job Job, onJoined func(joined int64)) (*Result, error) {
	if err := job.Validate(); err != nil {
		return nil, err
	}
	if job.Timeout > 0 {
		// The shard's players also join within the deadline.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, job.Timeout+30*time.Second+time.Duration(job.Count)*3*time.Millisecond)
		defer cancel()
	}
	conc := job.DialConcurrency
	if conc <= 0 {
		conc = 64
	}
	samples := job.Count*job.Questions + 16
	s := &shard{
		job:         job,
		client:      newHTTPClient(),
		dialSem:     make(chan struct{}, conc),
		fanout:      stats.NewRecorder(samples * 2),
		ack:         stats.NewRecorder(samples * 2),
		onJoined:    onJoined,
		groups:      make([]lockedGroup, len(job.Groups)),
		errors:      map[string]int64{},
		perQuestion: make([]QuestionIO, job.Questions),
	}
	for k, g := range job.Groups {
		s.groups[k].Name = g.Name
	}
	cpu0 := processCPU()
	var wg sync.WaitGroup
	players := make([]*player, 0, job.Count)
	for i := job.First; i < job.First+job.Count; i++ {
		g := job.GroupOf(i)
		p := &player{
			s:          s,
			i:          i,
			group:      g,
			pin:        job.PINs[job.GameOf(i)],
			url:        job.URLOf(i),
			delay:      time.Duration(job.Groups[g].OneWayMs * float64(time.Millisecond)),
			buf:        make([]byte, 0, 2048),
			curQ:       -1,
			sentQ:      -1,
			lastScoreQ: -1,
		}
		players = append(players, p)
		wg.Go(func() { p.run(ctx) })
	}
	wg.Wait()
	s.client.CloseIdleConnections()

	r := &Result{
		Fanout:       toFloat32(s.fanout.Samples()),
		Ack:          toFloat32(s.ack.Samples()),
		FrameBytes:   s.frameBytes.Load(),
		Frames:       s.frames.Load(),
		Errors:       s.errors,
		ErrorSamples: s.errorSamples,
		Joined:       s.joinedN.Load(),
		Finished:     s.finished.Load(),
		Resumes:      s.resumes.Load(),
		ResumeFailed: s.resumeFailed.Load(),
		LostAnswers:  s.lostAnswers.Load(),
		Accepted:     s.accepted.Load(),
		CPUSeconds:   processCPU() - cpu0,
		PerQuestion:  map[int]QuestionIO{},
	}
	for q, v := range s.perQuestion {
		r.PerQuestion[q] = v
	}
	for k := range s.groups {
		r.Groups = append(r.Groups, s.groups[k].GroupScores)
	}
	if ctx.Err() != nil && r.Finished < int64(job.Count) {
		r.Errors["timeout"] += int64(job.Count) - r.Finished
		// Say where the first few stopped: which frame they saw last.
		told := 0
		for _, p := range players {
			if p.podiumAt.IsZero() && told < 3 {
				told++
				r.ErrorSamples = append(r.ErrorSamples, fmt.Sprintf("timeout: player %d (game %s, %s) saw no podium; last frame %q, question %d, last welcome in phase %q",
					p.i, p.pin, p.url, p.lastType, p.curQ, p.welcomePhase))
			}
		}
	}
	return r, nil
}

func toFloat32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// processCPU is this process's user+system CPU time in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
