package redisbus

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/lobby"
)

// pubSubMode resolves PubSubAuto by asking the server for SPUBLISH once. A
// network error leaves the mode unresolved so the next call asks again.
func (b *Bus) pubSubMode(ctx context.Context) (PubSubMode, error) {
	b.modeMu.Lock()
	defer b.modeMu.Unlock()
	if b.mode != PubSubAuto {
		return b.mode, nil
	}
	// Publishing to a channel nobody listens on is harmless and answers the
	// question on every server: Redis 7+ says 0, older servers and
	// miniredis say "unknown command".
	err := b.rdb.SPublish(ctx, b.prefix+":probe", "").Err()
	switch {
	case err == nil:
		b.mode = PubSubSharded
	case isUnknownCommand(err):
		b.mode = PubSubClassic
	default:
		return PubSubAuto, wrap("probe pub/sub", err)
	}
	return b.mode, nil
}

func isUnknownCommand(err error) bool {
	var re redis.Error
	if !errors.As(err, &re) {
		return false
	}
	msg := strings.ToLower(re.Error())
	return strings.Contains(msg, "unknown command") || strings.Contains(msg, "unknown subcommand")
}

// PubSubMode reports the resolved mode (PubSubAuto until the first publish or
// subscribe reached the server).
func (b *Bus) PubSubMode() PubSubMode {
	b.modeMu.Lock()
	defer b.modeMu.Unlock()
	return b.mode
}

// Publish implements lobby.Broadcaster: one message per output, whatever the
// number of subscribers or players.
func (b *Bus) Publish(ctx context.Context, room string, out lobby.Output) error {
	mode, err := b.pubSubMode(ctx)
	if err != nil {
		return err
	}
	k, payload := b.keys(room), encodeOutput(out)
	_, err = b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		// KEEPTTL, then a TTL only where none is set: an output published
		// after ExpireRoom (the game's last) keeps the retention instead of
		// getting MaxRoomLife back.
		p.SetArgs(ctx, k.last, payload, redis.SetArgs{KeepTTL: true})
		p.Do(ctx, "PEXPIRE", k.last, b.opts.MaxRoomLife.Milliseconds(), "NX")
		if mode == PubSubSharded {
			p.SPublish(ctx, k.out, payload)
		} else {
			p.Publish(ctx, k.out, payload)
		}
		return nil
	})
	return wrap("publish", err)
}

// Subscribe implements lobby.Broadcaster. It returns once Redis confirmed the
// subscription, so every later Publish reaches it.
func (b *Bus) Subscribe(ctx context.Context, room string) (lobby.Subscription, error) {
	mode, err := b.pubSubMode(ctx)
	if err != nil {
		return nil, err
	}
	ch := b.keys(room).out
	var ps *redis.PubSub
	if mode == PubSubSharded {
		ps = b.rdb.SSubscribe(ctx, ch)
	} else {
		ps = b.rdb.Subscribe(ctx, ch)
	}
	// The first reply is the subscription confirmation (or the error).
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, wrap("subscribe", err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s := &subscription{
		rdb:    b.rdb,
		last:   b.keys(room).last,
		ps:     ps,
		c:      make(chan lobby.Output, b.opts.SubscriptionBuffer),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	stopOnCtx := context.AfterFunc(ctx, s.shutdown)
	go func() {
		defer stopOnCtx()
		s.run(runCtx)
	}()
	return s, nil
}

// Subscription health: a pub/sub connection that carried nothing for
// idlePing is pinged, so a half-open connection is found and replaced.
const (
	idlePing     = 15 * time.Second
	retryBackoff = 200 * time.Millisecond
	maxBackoff   = 2 * time.Second
)

type subscription struct {
	rdb    redis.UniversalClient
	last   string // key of the room's last output
	ps     *redis.PubSub
	c      chan lobby.Output
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{}
}

func (s *subscription) C() <-chan lobby.Output { return s.c }

// Close implements lobby.Subscription; it returns after the reader goroutine
// ended and C is closed.
func (s *subscription) Close() error {
	s.shutdown()
	<-s.done
	return nil
}

func (s *subscription) shutdown() {
	s.once.Do(func() {
		s.cancel()
		// Closing the connection interrupts a blocked read.
		_ = s.ps.Close()
	})
}

func (s *subscription) run(ctx context.Context) {
	defer close(s.done)
	defer close(s.c)
	backoff := retryBackoff
	var delivered lobby.Output // the last output handed to C
	lost := false              // the connection broke since the last confirmation
	var recovered *lobby.Output
	for {
		msg, err := s.ps.ReceiveTimeout(ctx, idlePing)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Idle: probe the connection; a failure surfaces on the next read.
				_ = s.ps.Ping(ctx)
				continue
			}
			// go-redis reconnects and resubscribes on the next read; outputs
			// published meanwhile are lost: see the recovery below.
			lost = true
			if !sleepCtx(ctx, backoff) {
				return
			}
			backoff = min(backoff*2, maxBackoff)
			continue
		}
		backoff = retryBackoff
		switch m := msg.(type) {
		case *redis.Subscription:
			// Resubscribed after a break: hand over the last output if it
			// is not the last one delivered, so the receiver sees the gap
			// now rather than at the room's next output. Outputs published
			// just before it may still follow on pub/sub, and one published
			// right after it twice; the receiver drops an output of the same
			// term at or below the last it delivered (lobby's view).
			if lost {
				lost = false
				if out, ok := s.lastOutput(ctx); ok && (out.Seq != delivered.Seq || !bytes.Equal(out.Data, delivered.Data)) {
					recovered = &out
					s.deliver(out, &delivered)
				}
			}
		case *redis.Message:
			out, ok := decodeOutput(m.Payload)
			if !ok {
				continue
			}
			if recovered != nil {
				dup := out.Seq == recovered.Seq && bytes.Equal(out.Data, recovered.Data)
				recovered = nil
				if dup {
					continue // published between resubscribing and reading it back
				}
			}
			s.deliver(out, &delivered)
		}
	}
}

func (s *subscription) deliver(out lobby.Output, delivered *lobby.Output) {
	select {
	case s.c <- out:
		*delivered = out
	default:
		// Never block on a slow consumer: it sees the gap and reloads.
	}
}

func (s *subscription) lastOutput(ctx context.Context) (lobby.Output, bool) {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	v, err := s.rdb.Get(c, s.last).Result()
	if err != nil {
		return lobby.Output{}, false
	}
	return decodeOutput(v)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
