package ws

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
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
	accepted := make(chan *conn, n)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &hijackWatcher{ResponseWriter: w}
		wsc, err := websocket.Accept(hw, r, nil)
		if err != nil {
			return
		}
		nc := hw.conn
		if !socketDeadline {
			nc = nil
		}
		accepted <- newConn(srv, wsc, nc, "", zerolog.Nop())
	}))
	defer hs.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var clients []net.Conn
	var received sync.WaitGroup
	frame := []byte(`{"type":"question","pad":"` + strings.Repeat("x", 300-27) + `"}`)
	conns := make([]*conn, 0, n)
	for range n {
		cc, _, err := websocket.Dial(ctx, hs.URL, nil)
		if err != nil {
			b.Fatal(err)
		}
		c := <-accepted
		conns = append(conns, c)
		c.startPings(ctx)
		nc := websocket.NetConn(ctx, cc, websocket.MessageText)
		clients = append(clients, nc)
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
		for _, c := range conns {
			c.Send(lobby.Frame{Data: frame, Question: -1})
		}
		received.Wait()
	}
	b.StopTimer()
	for _, c := range conns {
		c.stopPings()
		c.closeWith(CloseIdle)
	}
	for _, nc := range clients {
		nc.Close()
	}
	cancel()
	wg.Wait()
	for _, c := range conns {
		c.finishing.Wait()
		c.pingWG.Wait()
		c.ws.CloseNow()
	}
}
