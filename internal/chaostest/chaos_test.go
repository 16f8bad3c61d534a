package chaostest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Game shape: 3 single-choice questions of 5 s (the shortest the API
// allows, so a fault crosses a deadline quickly); the fault hits question
// 1. Even players answer as soon as it opens, odd ones once the fault lets
// them (release), so the question is open across the fault with answers
// acknowledged before it and sent during or after it.
const (
	players   = 12
	questions = 3
	seconds   = 5
	faultQ    = 1
)

// run is one scenario in progress.
type run struct {
	t       *testing.T
	c       *cluster
	g       *game
	pin     string
	host    *client
	players []*client
	owner   *proc

	releaseOnce sync.Once
	release     chan struct{}

	mu     sync.Mutex
	notes  []string
	frozen freezes
	// checks the fault made itself (bounded waits)
	v verdict
}

// freezeOwner SIGSTOPs the owner and returns the function that thaws it
// (and records the window for the reply bound).
func (r *run) freezeOwner() (thaw func(), err error) {
	if err := r.owner.signal(syscall.SIGSTOP); err != nil {
		return nil, err
	}
	from := time.Now()
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = r.owner.signal(syscall.SIGCONT)
			r.mu.Lock()
			r.frozen[0] = [2]time.Time{from, time.Now()}
			r.mu.Unlock()
		})
	}, nil
}

func (r *run) open() { r.releaseOnce.Do(func() { close(r.release) }) }

func (r *run) note(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *run) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.v.add(format, args...)
}

// waitEvenAcked waits until every even player's answer to q is acknowledged.
func (r *run) waitEvenAcked(ctx context.Context, q int) {
	ok := waitUntil(ctx, 20*time.Millisecond, func() bool {
		for _, p := range r.players {
			if p.idx%2 == 0 && !p.acked(q) {
				return false
			}
		}
		return true
	})
	if !ok {
		r.note("not every even player's answer to q%d was acknowledged before the fault", q)
	}
}

// waitNewHolder waits until Redis names a lease holder other than old.
func (r *run) waitNewHolder(ctx context.Context, old string, limit time.Duration) (string, time.Duration) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	h := ""
	waitUntil(ctx, 50*time.Millisecond, func() bool {
		h = r.c.holder(ctx, r.pin)
		return h != "" && h != old
	})
	return h, time.Since(start)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// checkPingDuringFault: app-level ping is answered within 1 s while the
// fault lasts, on a player connected to a non-owner instance that has an
// answer waiting, sent right behind a sync (which waits on Redis).
func (r *run) checkPingDuringFault() {
	for _, p := range r.players {
		p.mu.Lock()
		inst := p.inst
		p.mu.Unlock()
		if inst == 0 || p.idx%2 == 0 {
			continue
		}
		if took, ok := p.pingBehind(map[string]any{"type": "sync"}, time.Second); ok {
			r.note("ping behind a sync during the fault: pong in %v (%s)", took.Round(time.Millisecond), p.name)
		} else {
			r.problem("%s: app-level ping behind a sync unanswered for 1s during the fault", p.name)
		}
		return
	}
}

// checkReadyzDuringOutage: every instance's /readyz answers each probe
// within 1 s and says 503 within readyBound of the outage's start. The
// instances are probed side by side, every 100 ms.
const readyBound = 2500 * time.Millisecond

func (r *run) checkReadyzDuringOutage(ctx context.Context, since time.Time) {
	var wg sync.WaitGroup
	for _, p := range r.c.procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unanswered := 0
			for time.Since(since) < 3*readyBound && ctx.Err() == nil {
				st := p.ready(ctx)
				if st == http.StatusServiceUnavailable {
					break
				}
				if st == 0 {
					unanswered++
				}
				sleepCtx(ctx, 100*time.Millisecond)
			}
			took := time.Since(since).Round(10 * time.Millisecond)
			if unanswered > 0 {
				r.problem("%s: %d /readyz probes got no answer within 1s during the outage", p.name, unanswered)
			}
			if took > readyBound {
				r.problem("%s: /readyz not 503 within %v of the outage (%v)", p.name, readyBound, took)
			} else {
				r.note("%s /readyz 503 after %v", p.name, took)
			}
		}()
	}
	wg.Wait()
}

type scenario struct {
	name string
	// fault runs when question faultQ opens; it must end the fault. The
	// held-back players answer once it calls r.open() (or it returns).
	fault func(ctx context.Context, r *run)
	// lost: the fault leaves no instance able to hold the room; every
	// connection must be told (room_lost, then unknown_game on resume).
	lost bool
}

// finishBound: after the fault ended, every connection must see the game
// end (or the documented room_lost then unknown_game) within this.
const finishBound = 25 * time.Second

func runScenario(t *testing.T, s scenario) {
	t0 := time.Now()
	c := startCluster(t)
	clusterUp := time.Since(t0)
	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	created := c.createGame(ctx, c.procs[0], questions, seconds)
	r := &run{t: t, c: c, pin: created.PIN, owner: c.procs[0], release: make(chan struct{}), frozen: freezes{}}
	cctx, stopClients := context.WithCancel(ctx)
	defer stopClients()
	urls := make([]string, len(c.procs))
	for i, p := range c.procs {
		urls[i] = p.wsURL()
	}
	r.g = &game{ctx: cctx, urls: urls, pin: created.PIN, hostToken: created.HostToken, opened: map[int]chan struct{}{},
		gate: func(idx, q int) <-chan struct{} {
			if q == faultQ && idx%2 == 1 {
				return r.release
			}
			return nil
		}}
	r.host = newClient(r.g, "host", -1, 0, true)
	all := []*client{r.host}
	for i := range players {
		p := newClient(r.g, fmt.Sprintf("p%02d", i), i, i%len(c.procs), false)
		r.players = append(r.players, p)
		all = append(all, p)
	}
	var wg sync.WaitGroup
	for _, cl := range all {
		wg.Add(1)
		go func() { defer wg.Done(); cl.run() }()
	}
	defer func() { stopClients(); wg.Wait() }()

	joinCtx, cancelJoin := context.WithTimeout(ctx, 15*time.Second)
	joined := waitUntil(joinCtx, 20*time.Millisecond, func() bool {
		for _, cl := range all {
			cl.mu.Lock()
			w := cl.welcomed
			cl.mu.Unlock()
			if !w {
				return false
			}
		}
		return true
	})
	cancelJoin()
	if !joined {
		t.Fatal("not every client got its welcome within 15s")
	}
	r.host.mu.Lock()
	hostConn := r.host.conn
	r.host.mu.Unlock()
	r.host.write(hostConn, map[string]any{"type": "start"})
	startedAt := time.Since(t0)
	var faultAt time.Duration

	faultDone := make(chan time.Time, 1)
	go func() {
		select {
		case <-r.g.questionOpened(faultQ):
		case <-cctx.Done():
			faultDone <- time.Now()
			return
		}
		faultAt = time.Since(t0)
		s.fault(cctx, r)
		r.open()
		faultDone <- time.Now()
	}()

	var ended time.Time
	finishedAll := false
	for !finishedAll {
		select {
		case ended = <-faultDone:
		case <-ctx.Done():
			t.Fatalf("scenario did not finish in time")
		case <-time.After(200 * time.Millisecond):
		}
		finishedAll = true
		for _, cl := range all {
			if cl.finished() == "" {
				finishedAll = false
			}
		}
		if !ended.IsZero() && !finishedAll && time.Since(ended) > finishBound {
			for _, cl := range all {
				if cl.finished() == "" {
					last := cl.lastRec()
					r.problem("%s silent: nothing for %v after the fault, last: %s",
						cl.name, time.Since(last.at).Round(100*time.Millisecond), last.describe())
				}
			}
			break
		}
		r.host.syncIfQuiet(4 * time.Second)
	}
	if ended.IsZero() {
		ended = <-faultDone
	}
	stopClients()
	wg.Wait()
	r.note("timeline: cluster up %v, game started %v, fault at %v, fault over %v, clients done %v",
		clusterUp.Round(10*time.Millisecond), startedAt.Round(10*time.Millisecond), faultAt.Round(10*time.Millisecond),
		ended.Sub(t0).Round(10*time.Millisecond), time.Since(t0).Round(10*time.Millisecond))

	v := &r.v
	checkFrames(v, all, r.frozen)
	lost := 0
	for _, cl := range all {
		if cl.finished() == "unknown_game" {
			lost++
		}
	}
	rctx, rcancel := context.WithTimeout(t.Context(), 10*time.Second)
	res, status, err := c.results(rctx, created)
	rcancel()
	switch {
	case s.lost && lost == len(all):
		r.note("room lost as expected: every connection got unknown_game on resume (results: %d)", status)
	case s.lost:
		v.add("%d of %d connections told unknown_game, want all (results %d %v)", lost, len(all), status, err)
	case err == nil:
		checkResults(v, all, res)
		if res.Phase != "ended" && res.Phase != "podium" {
			v.add("the results end in phase %q, want the game finished", res.Phase)
		}
	case lost == len(all):
		v.add("the room was lost: every connection got unknown_game on resume (results: %d %v)", status, err)
	default:
		v.add("no results (status %d: %v), %d of %d connections told unknown_game", status, err, lost, len(all))
	}

	for _, n := range r.notes {
		t.Log(n)
	}
	summary(t, all)
	if len(v.problems) > 0 {
		t.Errorf("%s: %d problems seen by the clients:\n  %s", s.name, len(v.problems), strings.Join(v.problems, "\n  "))
	}
}

// summary logs what each client went through: connections, frames, how
// it finished.
func summary(t *testing.T, all []*client) {
	t.Helper()
	var b strings.Builder
	for _, cl := range all {
		cl.mu.Lock()
		frames := 0
		var closes []string
		for _, r := range cl.recs {
			if r.raw != nil {
				frames++
			} else if strings.HasPrefix(r.event, "closed") {
				closes = append(closes, r.event)
			}
		}
		fmt.Fprintf(&b, "\n  %s: %d connections, %d frames, finished %q", cl.name, cl.conns, frames, cl.done)
		if len(closes) > 0 {
			fmt.Fprintf(&b, ", closes: %s", strings.Join(closes, "; "))
		}
		cl.mu.Unlock()
	}
	t.Log("clients:" + b.String())
}

func TestOwnerKilled(t *testing.T) {
	runScenario(t, scenario{name: "owner SIGKILLed mid-question", fault: func(ctx context.Context, r *run) {
		r.waitEvenAcked(ctx, faultQ)
		if err := r.owner.signal(syscall.SIGKILL); err != nil {
			r.t.Error(err)
			return
		}
		h, took := r.waitNewHolder(ctx, r.owner.name, 10*time.Second)
		r.note("takeover by %q %v after SIGKILL", h, took.Round(10*time.Millisecond))
	}})
}

func TestRedisFrozenAcrossDeadline(t *testing.T) {
	runScenario(t, scenario{name: "Redis frozen 7s across the question's deadline",

		fault: func(ctx context.Context, r *run) {
			r.waitEvenAcked(ctx, faultQ)
			if err := r.c.redis.Signal(syscall.SIGSTOP); err != nil {
				r.t.Error(err)
				return
			}
			frozen := time.Now()
			defer func() { _ = r.c.redis.Signal(syscall.SIGCONT) }()
			r.open() // odd players answer into the freeze
			sleepCtx(ctx, 300*time.Millisecond)
			r.checkPingDuringFault()
			r.checkReadyzDuringOutage(ctx, frozen)
			sleepCtx(ctx, 7*time.Second-time.Since(frozen))
		}})
}

func TestRedisRestartedEmpty(t *testing.T) {
	runScenario(t, scenario{name: "Redis restarted empty mid-question",

		fault: func(ctx context.Context, r *run) {
			r.waitEvenAcked(ctx, faultQ)
			r.c.redis.Stop()
			r.c.redis.Restart()
			r.note("redis restarted empty")
		}})
}

func TestRedisStoppedWithoutPersistence(t *testing.T) {
	runScenario(t, scenario{name: "Redis stopped 20s without persistence",

		fault: func(ctx context.Context, r *run) {
			r.waitEvenAcked(ctx, faultQ)
			r.c.redis.Stop()
			down := time.Now()
			r.open()
			sleepCtx(ctx, 300*time.Millisecond)
			r.checkPingDuringFault()
			r.checkReadyzDuringOutage(ctx, down)
			sleepCtx(ctx, 20*time.Second-time.Since(down))
			r.c.redis.Restart()
		}})
}

func TestOwnerFrozenPastLease(t *testing.T) {
	runScenario(t, scenario{name: "owner SIGSTOPped past its lease, then SIGCONT",

		fault: func(ctx context.Context, r *run) {
			r.waitEvenAcked(ctx, faultQ)
			thaw, err := r.freezeOwner()
			if err != nil {
				r.t.Error(err)
				return
			}
			defer thaw()
			h, took := r.waitNewHolder(ctx, r.owner.name, 10*time.Second)
			r.note("takeover by %q %v after SIGSTOP", h, took.Round(10*time.Millisecond))
			r.open()
			// Keep the old owner frozen until the game moved past the
			// question it was deciding (its deadline timer is due when it
			// wakes), or 12 s.
			wctx, cancel := context.WithTimeout(ctx, 12*time.Second)
			defer cancel()
			select {
			case <-r.g.questionOpened(faultQ + 1):
			case <-wctx.Done():
			}
			sleepCtx(ctx, 500*time.Millisecond)
		}})
}

func TestOwnerFrozenDuringSnapshot(t *testing.T) {
	runScenario(t, scenario{name: "owner SIGSTOPped while it writes the question's snapshot",

		fault: func(ctx context.Context, r *run) {
			// The owner snapshots 250 ms after a phase change: stop it
			// just before, with the question's opening not yet in Redis's
			// snapshot (the input log has it).
			sleepCtx(ctx, 200*time.Millisecond)
			thaw, err := r.freezeOwner()
			if err != nil {
				r.t.Error(err)
				return
			}
			defer thaw()
			h, took := r.waitNewHolder(ctx, r.owner.name, 10*time.Second)
			r.note("takeover by %q %v after SIGSTOP", h, took.Round(10*time.Millisecond))
			r.open()
			sleepCtx(ctx, 6*time.Second)
		}})
}

func TestRoomLostWhenOwnerAndRedisForget(t *testing.T) {
	runScenario(t, scenario{name: "owner SIGKILLed and Redis restarted empty", lost: true,
		fault: func(ctx context.Context, r *run) {
			r.waitEvenAcked(ctx, faultQ)
			if err := r.owner.signal(syscall.SIGKILL); err != nil {
				r.t.Error(err)
				return
			}
			r.c.redis.Stop()
			r.c.redis.Restart()
			r.note("owner killed, redis restarted empty")
		}})
}
