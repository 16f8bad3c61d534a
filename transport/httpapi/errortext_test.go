package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// brokenStore is the text of an infrastructure failure: it belongs in the
// server's log, never in what a client is told.
const brokenStore = "redisbus: dial tcp 127.0.0.1:6379: connect: connection refused"

// breakableBus is a membus whose store calls fail with brokenStore while
// broken is set; lease acquisition can be made to report "held elsewhere"
// without an error.
type breakableBus struct {
	lobby.Bus
	broken    atomic.Bool
	leaseHeld atomic.Bool
}

func (b *breakableBus) fail() error {
	if b.broken.Load() {
		return errors.New(brokenStore)
	}
	return nil
}

func (b *breakableBus) ReservePIN(ctx context.Context, pin string, ttl time.Duration) (bool, error) {
	if err := b.fail(); err != nil {
		return false, err
	}
	return b.Bus.ReservePIN(ctx, pin, ttl)
}

func (b *breakableBus) ClaimRoom(ctx context.Context, room, game, holder string, ttl time.Duration) (lobby.Term, error) {
	if b.leaseHeld.Load() {
		return 0, lobby.ErrLeaseHeld
	}
	return b.Bus.ClaimRoom(ctx, room, game, holder, ttl)
}

func (b *breakableBus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	if err := b.fail(); err != nil {
		return "", err
	}
	return b.Bus.AppendInputLive(ctx, room, data)
}

func (b *breakableBus) Ping(ctx context.Context) error {
	if err := b.fail(); err != nil {
		return err
	}
	return b.Bus.Ping(ctx)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TestClientErrorsHideInfrastructure: a failing store gives clients the
// code and a fixed message; the cause goes to the log only.
func TestClientErrorsHideInfrastructure(t *testing.T) {
	bus := &breakableBus{Bus: membus.New(membus.Options{})}
	logs := &syncBuffer{}
	log := zerolog.New(logs)
	s := start(t, options{bus: bus, log: &log})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "ada")

	leaks := func(t *testing.T, what, msg string) {
		t.Helper()
		for _, inner := range []string{"dial tcp", "redisbus", "6379", "<nil>", "connection refused"} {
			if strings.Contains(msg, inner) {
				t.Errorf("%s tells the client %q (contains %q)", what, msg, inner)
			}
		}
	}
	httpError := func(t *testing.T, resp *http.Response, body map[string]any) (string, string) {
		t.Helper()
		e, _ := body["error"].(map[string]any)
		code, _ := e["code"].(string)
		msg, _ := e["message"].(string)
		if resp.StatusCode != http.StatusServiceUnavailable || code != string(wire.CodeUnavailable) || msg == "" {
			t.Fatalf("status %d body %v, want 503 unavailable with a message", resp.StatusCode, body)
		}
		return code, msg
	}

	bus.leaseHeld.Store(true)
	resp, body := postJSON(t, s.URL+"/api/games", map[string]any{"count": 1})
	_, leaseMsg := httpError(t, resp, body)
	leaks(t, "create with the lease held elsewhere", leaseMsg)
	bus.leaseHeld.Store(false)

	bus.broken.Store(true)
	resp, body = postJSON(t, s.URL+"/api/games", map[string]any{"count": 1})
	_, createMsg := httpError(t, resp, body)
	leaks(t, "create with the store down", createMsg)
	if createMsg != leaseMsg {
		t.Errorf("two messages for code unavailable: %q and %q (want one fixed message per code)", createMsg, leaseMsg)
	}
	resp, body = getJSON(t, s.URL+"/readyz")
	_, readyMsg := httpError(t, resp, body)
	leaks(t, "/readyz", readyMsg)

	p.Send(map[string]any{"type": "sync", "id": "s1"})
	e := p.ExpectError(wire.CodeUnavailable)
	leaks(t, "a message with the store down", e.Message)
	if e.Message != createMsg {
		t.Errorf("websocket says %q, HTTP %q for the same code", e.Message, createMsg)
	}
	bus.broken.Store(false)

	if !strings.Contains(logs.String(), brokenStore) {
		t.Errorf("the cause is not in the log:\n%s", logs.String())
	}
}
