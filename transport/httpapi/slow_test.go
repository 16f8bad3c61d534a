package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/ws"
)

// dialNonReading opens a connection that never reads, with a tiny receive
// buffer, so the server's writes back up.
func dialNonReading(t *testing.T, base string) *websocket.Conn {
	t.Helper()
	dialer := &net.Dialer{Control: nil}
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err == nil {
			_ = c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	t.Cleanup(transport.CloseIdleConnections)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", &websocket.DialOptions{
		Subprotocols: []string{wire.Subprotocol},
		HTTPClient:   &http.Client{Transport: transport},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return conn
}

func TestSlowConsumerIsClosedWhileOthersPlayOn(t *testing.T) {
	s := start(t, options{ws: ws.Config{MessagesPerSecond: 100000, Burst: 100000, QueueBytes: 256 << 10, WriteTimeout: time.Second}})
	qs := mixedQuestions()[:3]
	for i := range qs {
		qs[i].Prompt += strings.Repeat(" and more", 3500) // about 30 KiB a frame
	}
	g := s.newGame(t, qs, game.Settings{QuestionTime: 60 * time.Second})
	players := s.joinMany(t, g.pin, 50)
	for range players {
		g.host.Wait(wire.TypePlayerJoined)
	}
	slow := dialNonReading(t, s.URL)
	ctx := context.Background()
	if err := slow.Write(ctx, websocket.MessageText, []byte(`{"type":"join","pin":"`+g.pin+`","nickname":"sloth"}`)); err != nil {
		t.Fatal(err)
	}
	var joined wire.PlayerJoined
	g.host.Wait(wire.TypePlayerJoined).Decode(t, &joined)

	g.host.Send(map[string]any{"type": "start"})
	// Only once the question is open is the state large: a sync answered
	// in the lobby (room commands run off the reader, so under load they
	// can all be answered before the start) would never fill the queue.
	g.host.Wait(wire.TypeQuestion)
	// The slow player keeps asking for the (large) state and never reads.
	for range 400 {
		if slow.Write(ctx, websocket.MessageText, []byte(`{"type":"sync"}`)) != nil {
			break
		}
	}
	var pc wire.PlayerConnection
	g.host.Wait(wire.TypePlayerConnection).Decode(t, &pc)
	if pc.PlayerID != joined.Player.ID || pc.Connected {
		t.Fatalf("player_connection %+v, want %s disconnected", pc, joined.Player.ID)
	}

	var worst time.Duration
	for qi := range qs {
		if qi > 0 {
			g.host.Send(map[string]any{"type": "next"}) // reveal -> next question
		}
		for _, p := range players {
			var q wire.Question
			m := p.Wait(wire.TypeQuestion)
			m.Decode(t, &q)
			if q.Q != qi {
				t.Fatalf("%s got question %d, want %d", p.nick, q.Q, qi)
			}
			// "On time": before the question's own deadline, a bound that
			// holds on any machine (the lateness is logged below).
			if deadline := time.UnixMilli(q.DeadlineMs); !m.Received.Before(deadline) {
				t.Errorf("%s got question %d at %v, after its deadline %v", p.nick, qi, m.Received.Format(time.StampMilli), deadline.Format(time.StampMilli))
			}
			worst = max(worst, m.Received.Sub(time.UnixMilli(q.ServerMs)))
		}
		g.host.Send(map[string]any{"type": "next"}) // close it
		for _, p := range players {
			p.Wait(wire.TypeReveal)
		}
	}
	t.Logf("slowest question delivery to the 50 readers: %v", worst)

	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "quizroom_slow_consumer_closes_total 1") ||
		!strings.Contains(string(body), `quizroom_connection_closes_total{reason="slow consumer"} 1`) {
		t.Fatalf("metrics do not show one slow-consumer close:\n%s", grepLines(string(body), "quizroom_"))
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
