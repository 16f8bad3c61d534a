package ws

import (
	"io"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/lobby"
)

// TestAttachedLogDoesNotRaceSend: once the room admitted a connection, its
// broadcasts may call Send at any moment, on the dispatcher's goroutine,
// while the reader names the connection's log after the room. Send logs
// when it closes a slow consumer: the two must not race (go test -race).
func TestAttachedLogDoesNotRaceSend(t *testing.T) {
	s := &Server{cfg: Config{QueueFrames: 1}.withDefaults()}
	c := newConn(s, nil, nil, "192.0.2.1", zerolog.New(io.Discard))
	frame := lobby.Frame{Data: []byte(`{"type":"question"}`), Question: -1}
	if !c.Send(frame) {
		t.Fatal("the first frame was refused")
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		// The queue is full: this Send closes a slow consumer, and logs it.
		if c.Send(frame) {
			t.Error("a frame past the queue's bound was queued")
		}
	})
	c.bindLog("123456", "player", "p_1")
	wg.Wait()
	if c.closeReason() != CloseSlow {
		t.Fatalf("closed %v, want slow consumer", c.closeReason())
	}
}
