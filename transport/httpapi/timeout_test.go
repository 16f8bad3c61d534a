package httpapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/ws"
)

func TestSilentConnectionIsClosedWithoutAJoin(t *testing.T) {
	s := start(t, options{ws: ws.Config{JoinTimeout: 200 * time.Millisecond}})
	c := s.dial(t)
	if code, _ := c.WaitClosed(); code != ws.CloseJoinTimeout.Code {
		t.Fatalf("close %d, want %d", code, ws.CloseJoinTimeout.Code)
	}
}

func TestConnectionThatAnswersNoPingIsClosedAsIdle(t *testing.T) {
	s := start(t, options{ws: ws.Config{PingInterval: 50 * time.Millisecond, IdleTimeout: 300 * time.Millisecond}})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	// A client that never reads never answers pings.
	mute := dialNonReading(t, s.URL)
	if err := mute.Write(context.Background(), websocket.MessageText, []byte(`{"type":"join","pin":"`+g.pin+`","nickname":"mute"}`)); err != nil {
		t.Fatal(err)
	}
	var joined wire.PlayerJoined
	g.host.Wait(wire.TypePlayerJoined).Decode(t, &joined)
	var pc wire.PlayerConnection
	g.host.Wait(wire.TypePlayerConnection).Decode(t, &pc)
	if pc.PlayerID != joined.Player.ID || pc.Connected {
		t.Fatalf("player_connection %+v", pc)
	}
}
