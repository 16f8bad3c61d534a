package lobby

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
)

// Readiness answers from a background probe of the Bus, never from a call
// made while the caller waits: a store that stalls (a frozen Redis) does
// not answer within any client timeout, and a load balancer's probe that
// gets no answer is worse than a 503. Ready says unavailable once the last
// successful probe is older than readyStale: within readyStale plus one
// probe period of the store's last answer.
const (
	readyProbeEvery   = 250 * time.Millisecond
	readyProbeTimeout = 500 * time.Millisecond
	readyStale        = time.Second
)

// readiness is the probe's state.
type readiness struct {
	once   sync.Once
	lastOK atomic.Int64 // unix nanos of the last successful ping, 0 before the first
	failed atomic.Bool  // the first probe failed (before any success)
}

// busReady reports whether the Bus answered recently, starting the probe on
// first use.
func (l *Lobby) busReady(ctx context.Context) error {
	l.ready.once.Do(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.closing {
			return
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.probeBus()
		}()
	})
	last := l.ready.lastOK.Load()
	if last == 0 {
		if l.ready.failed.Load() {
			return wire.Unavailable("bus", nil)
		}
		// No probe answered yet: ask once, bounded.
		c, cancel := context.WithTimeout(ctx, readyProbeTimeout)
		defer cancel()
		if err := l.pingBounded(c); err != nil {
			return wire.Unavailable("bus", err)
		}
		return nil
	}
	if age := time.Since(time.Unix(0, last)); age > readyStale {
		return wire.Unavailable("bus: no answer for "+age.Round(time.Millisecond).String(), nil)
	}
	return nil
}

// probeBus pings the Bus every readyProbeEvery until the lobby closes. A
// ping that hangs is not waited for past readyProbeTimeout, and no second
// one is sent while it hangs.
func (l *Lobby) probeBus() {
	t := time.NewTicker(readyProbeEvery)
	defer t.Stop()
	for {
		c, cancel := context.WithTimeout(l.ctx, readyProbeTimeout)
		err := l.pingBounded(c)
		cancel()
		if err == nil {
			l.ready.lastOK.Store(time.Now().UnixNano())
		} else if l.ready.lastOK.Load() == 0 {
			l.ready.failed.Store(true)
		}
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pingBounded is Bus.Ping that returns when ctx ends even if the store does
// not (a client may not honour ctx while a read is stuck).
func (l *Lobby) pingBounded(ctx context.Context) error {
	done := make(chan error, 1)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		done <- l.bus.Ping(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
