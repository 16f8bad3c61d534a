package lobby

import "encoding/json"

// Conn is what a room needs from one client connection. transport/ws
// implements it over a WebSocket.
type Conn interface {
	// Send queues f for writing and never blocks. It reports false when the
	// connection is closed (or was just closed because its queue was full).
	Send(f Frame) bool
	// Close ends the connection for reason, after what was queued so far.
	Close(reason CloseReason)
}

// Frame is one encoded server message.
type Frame struct {
	Data []byte
	// Question is the index of the open question this frame shows (a question
	// message, or a welcome/state in the question phase), or -1. The
	// connection records when it wrote such a frame: response times are
	// measured from that moment.
	Question int
}

// CloseReason says why the room closed a connection; transports map each to a
// close code (docs/protocol.md).
type CloseReason string

// Close reasons chosen by the lobby.
const (
	CloseKicked   CloseReason = "kicked"    // the host kicked the player
	CloseReplaced CloseReason = "replaced"  // the same player resumed on another connection
	CloseLeft     CloseReason = "left"      // the player left the game
	CloseGameOver CloseReason = "game_over" // the game ended; nothing more will be sent
	CloseRoomLost CloseReason = "room_lost" // the room stopped on this instance without ending (resume elsewhere)
)

// Hello is the first message of a connection, already validated by the transport.
type Hello struct {
	Type        string // wire.TypeHost, TypeJoin, TypeResume or TypeDisplay
	PIN         string
	HostToken   string
	Nickname    string
	ResumeToken string
	Re          json.RawMessage // the client's message id, echoed in the reply
	Team        int             // join in team mode: the team picked (0: none)
}

// closedReporter is implemented by connections that know they are closed
// before the room hears of it (transport/ws: a slow consumer cut by its own
// queue). The room then skips replies that cost work, like the full state a
// sync asks for: a client flooding sync and then not reading must not make
// the room encode states nobody will read.
type closedReporter interface{ Closed() bool }
