package lobby

import (
	"context"
	"errors"
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
	failed atomic.Bool  // the last probe failed outright (not a timeout: the age of lastOK covers those)
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
	if l.ready.failed.Load() {
		return wire.Unavailable("bus: the last probe failed", nil)
	}
	if last := l.ready.lastOK.Load(); last != 0 {
		if age := time.Since(time.Unix(0, last)); age > readyStale {
			return wire.Unavailable("bus: no answer for "+age.Round(time.Millisecond).String(), nil)
		}
	}
	// The probe says the bus answered lately: ask once more, bounded, so a
	// store that just went away (connection refused) shows at once. While
	// it stalls instead, the probe's age answers without this call.
	c, cancel := context.WithTimeout(ctx, readyProbeTimeout)
	defer cancel()
	if err := l.pingBounded(c); err != nil {
		return wire.Unavailable("bus", err)
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
		}
		l.ready.failed.Store(err != nil && !errors.Is(err, context.DeadlineExceeded))
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
