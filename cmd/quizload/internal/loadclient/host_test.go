package loadclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestHostWatchdogReportsTheStalledPhase: a server that welcomes the host,
// sends one question and then nothing makes Drive report a stall naming the
// phase and the last frame, without any read deadline racing the reader.
func TestHostWatchdogReportsTheStalledPhase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol}})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		if _, _, err := c.Read(ctx); err != nil { // host hello
			return
		}
		c.Write(ctx, websocket.MessageText, []byte(`{"type":"welcome","seq":1,"state":{"phase":"lobby","q":0}}`))
		if _, _, err := c.Read(ctx); err != nil { // start
			return
		}
		c.Write(ctx, websocket.MessageText, []byte(`{"type":"question","seq":2,"q":0,"total":3}`))
		for { // then silence, reading until the client goes
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h := &Host{Game: Game{PIN: "123456", HostToken: "h"}, URL: srv.URL, StallAfter: 300 * time.Millisecond}
	if err := h.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Drive(ctx); err == nil {
		t.Fatal("Drive returned no error on a game that never ends")
	}
	stalls := h.Stalls()
	if len(stalls) == 0 {
		t.Fatal("no stall reported")
	}
	for _, want := range []string{"host stalled", `phase "question"`, "question(seq 2, q 0", `last sent {"type":"start"`} {
		if !strings.Contains(stalls[0], want) {
			t.Errorf("stall report lacks %q: %s", want, stalls[0])
		}
	}
}
