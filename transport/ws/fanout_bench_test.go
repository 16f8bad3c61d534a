package ws

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/lobby"
)

// BenchmarkWriterFanOut queues one 300-byte frame on each of 500 server
// connections and waits until every client has read it: the per-frame cost
// of the writers (queue, wake-up, deadline, write) over loopback, with the
// clients reading in the same process. "socket-deadline" is the writer as it
// runs; "context-per-write" is the fallback used when the hijacked socket is
// unknown (a context.WithTimeout per frame, as every write once was).
func BenchmarkWriterFanOut(b *testing.B) {
	for _, mode := range []string{"socket-deadline", "context-per-write"} {
		b.Run(mode, func(b *testing.B) { benchWriterFanOut(b, 500, mode == "socket-deadline") })
	}
}

func benchWriterFanOut(b *testing.B, n int, socketDeadline bool) {
	srv := &Server{cfg: Config{}.withDefaults(), writers: newWriters()}
	srv.cfg.Log = zerolog.Nop()
	pairs := dialPairsOn(b, srv, n, socketDeadline)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var received sync.WaitGroup
	frame := []byte(`{"type":"question","pad":"` + strings.Repeat("x", 300-27) + `"}`)
	for _, p := range pairs {
		p.server.startPings(ctx)
		nc := websocket.NetConn(ctx, p.client, websocket.MessageText)
		wg.Go(func() {
			buf := make([]byte, len(frame))
			for {
				if _, err := io.ReadFull(nc, buf); err != nil {
					return
				}
				received.Done()
			}
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		received.Add(n)
		for _, p := range pairs {
			p.server.Send(lobby.Frame{Data: frame, Question: -1})
		}
		received.Wait()
	}
	b.StopTimer()
	for _, p := range pairs {
		p.server.stopPings()
		p.server.closeWith(CloseIdle)
		p.client.CloseNow()
	}
	cancel()
	wg.Wait()
	for _, p := range pairs {
		p.server.pingWG.Wait()
	}
}
