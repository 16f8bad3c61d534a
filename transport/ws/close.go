package ws

import (
	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/lobby"
)

// Close is a named WebSocket close: code plus reason text.
type Close struct {
	Code   websocket.StatusCode
	Reason string
}

// The close codes of protocol v1 (docs/protocol.md lists them).
var (
	CloseNormal      = Close{websocket.StatusNormalClosure, "bye"}
	CloseGameOver    = Close{websocket.StatusNormalClosure, "game over"}
	CloseLeft        = Close{websocket.StatusNormalClosure, "left the game"}
	CloseShutdown    = Close{websocket.StatusGoingAway, "server shutting down: reconnect"}
	CloseTooBig      = Close{websocket.StatusMessageTooBig, "message too big"}
	CloseReplaced    = Close{4000, "resumed on another connection"}
	CloseSlow        = Close{4001, "slow consumer"}
	CloseKicked      = Close{4002, "kicked"}
	CloseIdle        = Close{4003, "idle"}
	CloseFlood       = Close{4004, "flood"}
	CloseRoomLost    = Close{4005, "room moved: reconnect"}
	CloseJoinTimeout = Close{4006, "no join message in time"}
)

func closeFor(r lobby.CloseReason) Close {
	switch r {
	case lobby.CloseKicked:
		return CloseKicked
	case lobby.CloseReplaced:
		return CloseReplaced
	case lobby.CloseLeft:
		return CloseLeft
	case lobby.CloseGameOver:
		return CloseGameOver
	case lobby.CloseRoomLost:
		return CloseRoomLost
	}
	return CloseNormal
}
