package ws_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
	"github.com/quizroom/quizroom/transport/ws"
)

// stallBus is a membus whose input appends hang while stalled, as every
// call to a frozen Redis does, until released (or their context ends).
type stallBus struct {
	lobby.Bus
	mu      sync.Mutex
	release chan struct{} // nil: not stalled
}

func (b *stallBus) stall() {
	b.mu.Lock()
	b.release = make(chan struct{})
	b.mu.Unlock()
}

func (b *stallBus) resume() {
	b.mu.Lock()
	if b.release != nil {
		close(b.release)
		b.release = nil
	}
	b.mu.Unlock()
}

func (b *stallBus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	b.mu.Lock()
	wait := b.release
	b.mu.Unlock()
	if wait != nil {
		select {
		case <-wait:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return b.Bus.AppendInputLive(ctx, room, data)
}

func startStallServer(t *testing.T) (*stallBus, *testServer) {
	t.Helper()
	bus := &stallBus{Bus: membus.New(membus.Options{})}
	l := lobby.New(bus, lobby.Config{Log: zerolog.Nop()})
	s := ws.NewServer(l, ws.Config{Log: zerolog.Nop()})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(w, r, r.RemoteAddr, zerolog.Nop())
	}))
	t.Cleanup(func() {
		bus.resume()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx, 0); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		hs.Close()
		l.Close()
	})
	return bus, &testServer{URL: hs.URL, lobby: l, ws: s}
}

// pongBound is how long a ping may wait while the store stalls: far less
// than the stall, which lasts until the test ends it.
const pongBound = 3 * time.Second

// A join, a sync and a host command waiting on a stalled store do not
// hold the connection's reader: a ping sent behind each is answered while
// the store still stalls, and the waiting message is answered once it
// wakes up.
func TestPingAnsweredWhileTheStoreStalls(t *testing.T) {
	bus, s := startStallServer(t)
	created := s.createGame(t, []game.Question{
		{ID: "q1", Kind: game.KindSingle, Prompt: "1+1?", Options: []string{"1", "2"}, Correct: []int{1}},
	}, game.Settings{QuestionTime: time.Minute})
	host := wiretest.Dial(t, s.URL)
	host.Send(map[string]any{"type": "host", "pin": created.PIN, "host_token": created.HostToken})
	host.Wait(wire.TypeWelcome)

	bus.stall()
	player := wiretest.Dial(t, s.URL)
	player.Send(map[string]any{"type": "join", "pin": created.PIN, "nickname": "ada"})
	player.Send(map[string]any{"type": "ping", "t": 1})
	if _, err := player.WaitErr(pongBound, wire.TypePong); err != nil {
		t.Fatalf("ping behind a join to a stalled store: %v", err)
	}
	host.Send(map[string]any{"type": "sync", "id": "s1"})
	host.Send(map[string]any{"type": "start", "id": "go"})
	host.Send(map[string]any{"type": "ping", "t": 2})
	if _, err := host.WaitErr(pongBound, wire.TypePong); err != nil {
		t.Fatalf("ping behind a sync and a start to a stalled store: %v", err)
	}
	bus.resume()
	player.Wait(wire.TypeWelcome)
	host.Wait(wire.TypeState)
	// The start goes to the room: the question, or a refusal when the
	// room took it before the player's join (the two waited side by side).
	host.Wait(wire.TypeQuestion, wire.TypeError)
}
