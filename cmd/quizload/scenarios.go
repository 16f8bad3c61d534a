package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
	"github.com/quizroom/quizroom/cmd/quizload/internal/procstat"
	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

// scenario is one standard load shape.
type scenario struct {
	name, what, target string
	games, perGame     int
	questions, seconds int
	instances          int
	reactionMin        int
	reactionMax        int
	groups             []loadclient.Group
	churnPct           int
	correctPct         int
	startSpread        time.Duration
}

var near = []loadclient.Group{{Name: "local"}}

// scenarios are the standard set, in the order bench runs them. Questions
// are the server's shortest (5 s); where every player answers within 1 s
// the early close ends them sooner. 10,000-player games play 3 questions:
// 30,000 fan-out samples put p99 on 300 of them.
// manyRoomsSpread is how long many-rooms (and its ladder) takes to start
// its games: independent hosts press start over 2 s, not in one instant.
const manyRoomsSpread = 2 * time.Second

var scenarios = []scenario{
	{name: "room-1k", what: "one game, 1,000 players, one instance, 10 questions, answers spread over 3 s",
		target: "fan-out p99 <= 1.2x floor and <= 25 ms; ack p99 <= 10 ms; 0 errors",
		games:  1, perGame: 1000, questions: 10, seconds: 5, instances: 1, reactionMin: 100, reactionMax: 3000, groups: near, correctPct: 70},
	{name: "room-10k", what: "one game, 10,000 players, one instance, all answer within 1 s",
		target: "0 errors; fan-out p99 <= 1.2x floor; ack p99 <= 1.5x the floor's; RSS per player <= 1.3x the floor's per connection",
		games:  1, perGame: 10000, questions: 3, seconds: 5, instances: 1, reactionMin: 0, reactionMax: 1000, groups: near, correctPct: 70},
	{name: "many-rooms", what: "200 games x 50 players, one instance, games started over 2 s (independent hosts)",
		target: "fan-out p99 <= 1.5x floor; ack p99 <= 100 ms; 0 errors",
		games:  200, perGame: 50, questions: 3, seconds: 5, instances: 1, reactionMin: 0, reactionMax: 1000, groups: near, correctPct: 70,
		startSpread: manyRoomsSpread},
	{name: "fairness", what: "200 players in two groups, 5 ms and 300 ms round trip, same reaction times",
		target: "mean score gap <= 1% (and several % without compensation)",
		games:  1, perGame: 200, questions: 5, seconds: 5, instances: 1, reactionMin: 800, reactionMax: 2500,
		groups: []loadclient.Group{{Name: "rtt-5ms", OneWayMs: 2.5}, {Name: "rtt-300ms", OneWayMs: 150}}, correctPct: 100},
	{name: "churn", what: "1,000 players, 20% drop after answering and resume during each question",
		target: "every resume restores the score; 0 lost answers",
		games:  1, perGame: 1000, questions: 5, seconds: 5, instances: 1, reactionMin: 100, reactionMax: 2500, groups: near, churnPct: 20, correctPct: 70},
	{name: "cluster", what: "3 instances + Redis, one game of 10,000 players spread over them",
		target: "fan-out p99 <= 1.5x room-10k; 0 errors",
		games:  1, perGame: 10000, questions: 3, seconds: 5, instances: 3, reactionMin: 0, reactionMax: 1000, groups: near, correctPct: 70},
	{name: "smoke", what: "one game, 300 players, 2 questions (the test suite's end-to-end check)",
		games: 1, perGame: 300, questions: 2, seconds: 5, instances: 1, reactionMin: 20, reactionMax: 300, groups: near, correctPct: 70},
}

func findScenario(name string) (scenario, bool) {
	for _, s := range scenarios {
		if s.name == name {
			return s, true
		}
	}
	return scenario{}, false
}

func (s scenario) players() int { return s.games * s.perGame }

// target is where a scenario runs: URLs of running servers and their pids.
type target struct {
	urls  []string
	pids  []int
	pprof string // host:port of the first server's pprof listener, if any
}

// runner holds what every scenario of a run shares.
type runner struct {
	pin      pinning
	progress io.Writer // nil: no progress bars
	log      io.Writer
	// createBody builds POST /api/games for the real server.
	createBody func(s scenario) map[string]any
	noFloor    bool
	maxSockets int // player sockets per client process (0: the fd limit's)
	// profileDir, when set, receives CPU and heap profiles of the server
	// (fetched from QUIZROOM_PPROF_ADDR) taken while the games run.
	profileDir string
}

func defaultCreateBody(s scenario) map[string]any {
	return map[string]any{"count": s.questions, "seconds": s.seconds, "kinds": []string{"single"}, "max_players": s.perGame}
}

// measure runs scenario s against t, then the floor with the same shape.
func (r *runner) measure(ctx context.Context, s scenario, t target) (report.Record, error) {
	rec := report.Record{Scenario: s.name, Players: s.players(), Instances: len(t.urls), Games: s.games,
		Questions: s.questions, Pinning: r.pin.String()}
	if perInstance := (s.players() + len(t.urls) - 1) / max(len(t.urls), 1); perInstance > socketsPerProcess() {
		rec.Notes = append(rec.Notes, fmt.Sprintf(
			"%d players per instance: a server process has the same file-descriptor limit as this one (about %d sockets), so expect refused connections; spread the game over more instances",
			perInstance, socketsPerProcess()))
	}
	// The floor process starts while the scenario plays (it idles until
	// its run), so its startup is off the critical path.
	type started struct {
		c   *child
		err error
	}
	floorc := make(chan started, 1)
	if !r.noFloor {
		go func() {
			c, err := startFloor(ctx, r.pin)
			floorc <- started{c, err}
		}()
	}
	stopFloor := func() {
		if !r.noFloor {
			if f := <-floorc; f.c != nil {
				f.c.stop()
			}
		}
	}
	res, usage, err := r.play(ctx, s, t, r.createBody(s), s.name)
	if err != nil {
		stopFloor()
		return rec, err
	}
	rec.FanoutSamples = float64s(res.Fanout)
	rec.FanoutMs = stats.Summarize(float64s(res.Fanout))
	rec.AckMs = stats.Summarize(float64s(res.Ack))
	rec.Errors = res.ErrorCount()
	rec.Joined, rec.Finished = res.Joined, res.Finished
	rec.ErrorKinds = res.Errors
	rec.LostAnswers, rec.Resumes, rec.ResumeFailures = res.LostAnswers, res.Resumes, res.ResumeFailed
	if res.Frames > 0 {
		rec.FrameBytes = res.FrameBytes / res.Frames
	}
	rec.ServerCPUSeconds = round1(usage.serverCPU)
	rec.ServerRSSKiB = usage.serverRSS
	if usage.rssPerPlayer > 0 {
		rec.ServerRSSKiBPerPlayer = round1(usage.rssPerPlayer)
	}
	rec.ClientCPUSeconds = round1(usage.clientCPU)
	rec.DurationS = round1(usage.wall.Seconds())
	rec.ClientProcesses = usage.processes
	if usage.wall > 0 {
		rec.ClientCPUPct = round1(usage.clientCPU / usage.wall.Seconds() / float64(r.pin.clientCores()) * 100)
		rec.ClientBound = usage.clientBound
	}
	fairness(&rec, res.Groups)
	for _, e := range res.ErrorSamples {
		fmt.Fprintf(r.log, "  %s: %s\n", s.name, e)
	}

	if !r.noFloor {
		f := <-floorc
		fl, err := f.c, f.err
		if err != nil {
			return rec, err
		}
		floorShape := s
		floorShape.instances = 1
		floorShape.questions = min(s.questions, 5)
		// Same earliest answers as the scenario (answers racing the question's
		// fan-out are part of its cost), but a shorter tail to keep runs short.
		floorShape.reactionMax = min(s.reactionMax, max(s.reactionMin+500, 1000))
		floorShape.groups, floorShape.churnPct = near, 0
		body := map[string]any{"count": floorShape.questions, "seconds": s.seconds, "pad_bytes": rec.FrameBytes}
		fres, fusage, err := r.play(ctx, floorShape, target{urls: []string{fl.url}, pids: []int{fl.pid}}, body, s.name+" floor")
		fl.stop()
		if err != nil {
			return rec, fmt.Errorf("floor: %w", err)
		}
		rec.FloorFanoutSamples = float64s(fres.Fanout)
		rec.FloorFanoutMs = stats.Summarize(float64s(fres.Fanout))
		rec.FloorAckMs = stats.Summarize(float64s(fres.Ack))
		rec.FloorRSSKiBPerPlayer = round1(fusage.rssPerPlayer)
		rec.FanoutP99VsFloor = stats.Ratio(rec.FanoutMs.P99, rec.FloorFanoutMs.P99)
		if n := fres.ErrorCount(); n > 0 {
			rec.Notes = append(rec.Notes, fmt.Sprintf("floor run had %d errors", n))
		}
	}
	if rec.ClientBound {
		rec.Notes = append(rec.Notes, "client-bound: the load generator saturated its core(s); latencies are an upper bound")
	}
	return rec, nil
}

func fairness(rec *report.Record, groups []loadclient.GroupScores) {
	if len(groups) < 2 {
		return
	}
	var pts, speed, uncomp []stats.Group
	for _, g := range groups {
		pts = append(pts, stats.Group{Name: g.Name, Count: g.PointsN, Sum: g.PointsSum})
		speed = append(speed, stats.Group{Name: g.Name, Count: g.SpeedN, Sum: g.SpeedSum})
		uncomp = append(uncomp, stats.Group{Name: g.Name, Count: g.SpeedN, Sum: g.SpeedUncompSum})
	}
	if gap, ok := stats.FairnessGapPct(pts); ok {
		rec.FairnessGapPct, rec.FairnessBasis = &gap, "points of correct answers"
	} else if gap, ok := stats.FairnessGapPct(speed); ok {
		rec.FairnessGapPct, rec.FairnessBasis = &gap, "speed score 1000*(1-t/2T) from the server's response_ms"
	}
	if gap, ok := stats.FairnessGapPct(uncomp); ok {
		rec.FairnessUncompensatedPct = &gap
	}
}

type usage struct {
	serverCPU     float64
	serverRSS     int64
	rssPerPlayer  float64
	clientCPU     float64
	peakClientPct float64 // the busiest client process, % of one core
	clientBound   bool
	wall          time.Duration
	processes     int
}

// play runs one plan against t and samples the servers and the client.
func (r *runner) play(ctx context.Context, s scenario, t target, body map[string]any, label string) (*loadclient.Result, usage, error) {
	var u usage
	total := s.players()
	plan := loadclient.Plan{
		URLs: t.urls, Games: s.games, PlayersPerGame: s.perGame, CreateBody: body, StartSpread: s.startSpread,
		Job: loadclient.Job{
			Questions: s.questions, Groups: s.groups, ReactionMinMs: s.reactionMin, ReactionMaxMs: s.reactionMax,
			CorrectPct: s.correctPct, CorrectOption: "", ChurnPct: s.churnPct,
			DialConcurrency: 64, SpreadSourceIPs: true, Seed: 7,
			// Enough for every question to run to its deadline, twice over.
			Timeout: time.Duration(s.questions*(s.seconds+5))*time.Second + 20*time.Second,
		},
	}
	u.processes = 1
	cpu := newClientCPUSampler(r.pin.clientCores(), os.Getpid())
	perProcess := socketsPerProcess()
	if r.maxSockets > 0 {
		perProcess = min(perProcess, r.maxSockets)
	}
	if total+s.games > perProcess {
		// One process cannot hold them all: every shard goes to a worker
		// process of its own, this one keeps the hosts.
		plan.ShardSize = perProcess
		plan.Spawn = func(ctx context.Context, job loadclient.Job, onJoined func(int64)) (*loadclient.Result, error) {
			return spawnWorker(ctx, job, onJoined, cpu.add)
		}
		u.processes = 1 + (total+perProcess-1)/perProcess
	}
	base := sampleAll(t.pids)
	cpu0 := selfCPU()
	start := time.Now()

	var joinedOnce sync.Once
	var playing atomic.Bool // the games run: client saturation counts from here
	var profiling sync.WaitGroup
	defer profiling.Wait()
	var bar *progressbar.ProgressBar
	var barStage string
	var barMu sync.Mutex
	plan.Progress = func(stage string, done, all int64) {
		if stage == "join" && done >= int64(total) {
			joinedOnce.Do(func() {
				playing.Store(true)
				if r.profileDir != "" && t.pprof != "" {
					profiling.Go(func() { r.profile(ctx, t.pprof, label) })
				}
				now := sampleAll(t.pids)
				if now.RSSKiB > 0 && total > 0 {
					u.rssPerPlayer = float64(now.RSSKiB-base.RSSKiB) / float64(total)
				}
			})
		}
		if r.progress == nil {
			return
		}
		barMu.Lock()
		defer barMu.Unlock()
		if bar == nil || barStage != stage {
			if bar != nil {
				bar.Finish()
			}
			barStage = stage
			desc := label + ": players joining"
			if stage == "question" {
				desc = label + ": questions"
			}
			bar = progressbar.NewOptions64(all, progressbar.OptionSetWriter(r.progress), progressbar.OptionSetDescription(desc),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		bar.Set64(done)
	}

	// Sample the client processes' CPU while they run to tell whether one
	// saturates its core, and the servers' peak RSS.
	stopSampling := make(chan struct{})
	var sampler sync.WaitGroup
	var peakRSS int64
	sampler.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case now := <-tick.C:
				cpu.tick(now, playing.Load())
				peakRSS = max(peakRSS, sampleAll(t.pids).RSSKiB)
			}
		}
	})
	res, err := loadclient.Run(ctx, plan)
	close(stopSampling)
	sampler.Wait()
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return nil, u, err
	}
	u.wall = time.Since(start)
	u.peakClientPct, u.clientBound = cpu.result()
	end := sampleAll(t.pids)
	u.serverCPU = end.CPUSeconds - base.CPUSeconds
	u.serverRSS = max(peakRSS, end.RSSKiB)
	u.clientCPU = selfCPU() - cpu0
	if plan.Spawn != nil {
		u.clientCPU += res.CPUSeconds
	}
	return res, u, nil
}

func sampleAll(pids []int) procstat.Sample {
	var sum procstat.Sample
	for _, pid := range pids {
		s, err := procstat.Read(pid)
		if err != nil {
			continue
		}
		sum.CPUSeconds += s.CPUSeconds
		sum.RSSKiB += s.RSSKiB
	}
	return sum
}

func selfCPU() float64 {
	s, err := procstat.Read(os.Getpid())
	if err != nil {
		return 0
	}
	return s.CPUSeconds
}

func float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// profile saves a heap profile and a CPU profile of the next seconds of play
// from a server's pprof listener.
func (r *runner) profile(ctx context.Context, addr, label string) {
	get := func(path, file string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
		if err != nil {
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintf(r.log, "profile %s: %v\n", path, err)
			return
		}
		defer resp.Body.Close()
		f, err := os.Create(filepath.Join(r.profileDir, file))
		if err != nil {
			return
		}
		defer f.Close()
		io.Copy(f, resp.Body)
	}
	name := strings.ReplaceAll(label, " ", "-")
	// After a collection: at the servers' GOGC of 400 the last one may be
	// from the joins, and the profile would show what was live then.
	get("/debug/pprof/heap?gc=1", name+".heap.pprof")
	// The text heap profile ends with runtime.MemStats (stacks, heap in use,
	// idle, released): what RSS per player is made of.
	get("/debug/pprof/heap?debug=1", name+".memstats.txt")
	// The goroutine profile and an execution trace of the same seconds as
	// the CPU profile: where goroutines wait, and how long runnable ones
	// wait for a core (go tool trace -pprof=sched).
	get("/debug/pprof/goroutine", name+".goroutine.pprof")
	var traced sync.WaitGroup
	traced.Go(func() { get("/debug/pprof/trace?seconds=5", name+".trace") })
	get("/debug/pprof/profile?seconds=8", name+".cpu.pprof")
	traced.Wait()
}
