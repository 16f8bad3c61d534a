package ws_test

import (
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
	"github.com/quizroom/quizroom/transport/ws"
)

// pingOf is a ping message of exactly n bytes.
func pingOf(n int) []byte {
	head, tail := `{"type":"ping","t":1,"pad":"`, `"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

// TestMessageSizeLimitIsExact: a message of wire.MaxMessageBytes is read;
// one byte more closes the connection with the documented code and reason.
func TestMessageSizeLimitIsExact(t *testing.T) {
	s := startServer(t, ws.Config{})
	c := wiretest.Dial(t, s.URL)
	c.SendRaw(websocket.MessageText, pingOf(wire.MaxMessageBytes))
	c.Wait(wire.TypePong)
	_ = c.TrySendRaw(websocket.MessageText, pingOf(wire.MaxMessageBytes+1))
	if code, reason := c.WaitClosed(); code != ws.CloseTooBig.Code || reason != ws.CloseTooBig.Reason {
		t.Fatalf("close %d %q, want %d %q", code, reason, ws.CloseTooBig.Code, ws.CloseTooBig.Reason)
	}
}
