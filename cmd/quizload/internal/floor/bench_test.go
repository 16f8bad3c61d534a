package floor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fanOutRig is n server-side connections (with the hijacked sockets) and
// n client readers that count the frames they receive.
type fanOutRig struct {
	conns    []*conn
	received atomic.Int64
	round    chan struct{}
	target   atomic.Int64
	stop     func()
}

func newFanOutRig(b *testing.B, n int) *fanOutRig {
	rig := &fanOutRig{round: make(chan struct{}, 1)}
	accepted := make(chan *conn, n)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hk := &hijackKeeper{ResponseWriter: w}
		ws, err := websocket.Accept(hk, r, nil)
		if err != nil {
			return
		}
		c := &conn{ws: ws, raw: hk.raw}
		accepted <- c
		// Keep reading so control frames are handled, as the floor does.
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				return
			}
		}
	}))
	var clients []*websocket.Conn
	var readers sync.WaitGroup
	for range n {
		cc, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(hs.URL, "http"), nil)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, cc)
		readers.Go(func() {
			for {
				if _, _, err := cc.Read(context.Background()); err != nil {
					return
				}
				if rig.received.Add(1) == rig.target.Load() {
					rig.round <- struct{}{}
				}
			}
		})
		rig.conns = append(rig.conns, <-accepted)
	}
	rig.stop = func() {
		for _, c := range clients {
			c.CloseNow()
		}
		for _, c := range rig.conns {
			c.ws.CloseNow()
		}
		readers.Wait()
		hs.Close()
	}
	return rig
}

// BenchmarkFanOut compares ways to write one 500-byte frame to every
// connection with coder/websocket, from the broadcast to the last client's
// receipt (docs/benchmarks.md, "the floor"):
//
//   - slices: the floor; one goroutine per core over its slice of the
//     connections, the socket's deadline armed once per broadcast.
//   - writer: a writer goroutine per connection fed by a channel, under the
//     socket's deadline (the server's shape, minus its game).
//   - writer-ctx: the same with a context.WithTimeout per write (the old
//     floor).
func BenchmarkFanOut(b *testing.B) {
	const n = 1000
	frame := []byte(`{"type":"question","prompt":"` + strings.Repeat("x", 440) + `"}`)
	for _, variant := range []string{"slices", "writer", "writer-ctx"} {
		b.Run(variant, func(b *testing.B) {
			rig := newFanOutRig(b, n)
			defer rig.stop()
			var send func()
			switch variant {
			case "slices":
				g := &game{}
				send = func() { g.broadcast(rig.conns, func() [][]byte { return [][]byte{frame} }) }
			default:
				withCtx := variant == "writer-ctx"
				queues := make([]chan []byte, n)
				var writers sync.WaitGroup
				for i, c := range rig.conns {
					queues[i] = make(chan []byte, 64)
					q := queues[i]
					writers.Go(func() {
						for f := range q {
							if withCtx {
								ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
								_ = c.ws.Write(ctx, websocket.MessageText, f)
								cancel()
								continue
							}
							c.armDeadline(time.Now())
							_ = c.ws.Write(context.Background(), websocket.MessageText, f)
						}
					})
				}
				defer func() {
					for _, q := range queues {
						close(q)
					}
					writers.Wait()
				}()
				send = func() {
					for _, q := range queues {
						q <- frame
					}
				}
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				rig.target.Store(int64(i+1) * n)
				send()
				<-rig.round
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/conn")
		})
	}
}
