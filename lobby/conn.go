package lobby

import (
	"encoding/json"
	"sync"

	"github.com/quizroom/quizroom/lobby/wire"
)

// Conn is what a room needs from one client connection. transport/ws
// implements it over a WebSocket.
type Conn interface {
	// Send queues f for writing, or writes it when f.WriteNow allows, and
	// never waits on the peer. It reports false when the connection is
	// closed (or was just closed because its queue was full or the write
	// failed).
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
	// Reply marks a frame that answers the connection's own message (an
	// answer's ack, a welcome, an error). A transport that queues writes
	// writes it, like a question, before the broadcasts waiting: a player
	// who tapped an answer waits for its ack, while a reveal or a
	// leaderboard stays on the screen for seconds. On a saturated core acks
	// waited 100 to 400 ms behind other rooms' fan-outs (issue 16).
	Reply bool
	// WriteNow marks a frame the room wants written at once: a question to
	// a small room (WriteNowFanout). A transport that queues writes may
	// write it on the calling goroutine (the room's actor, or its view's
	// dispatcher) when the connection has nothing waiting and the socket
	// takes it without a wait, as a bare broadcast server writes. On a
	// core shared by 200 games, the hand-off to a writer goroutine was
	// most of a question's wait: the writer sat in the run queue behind
	// other rooms' work (issue 16).
	WriteNow bool
	// buf is the pooled buffer Data was built in (one player's copy of a
	// shared frame, see deliverPlayers), or nil.
	buf *[]byte
}

// Written tells the room that f was written and its bytes are not needed
// any more, so a buffer it was built in can serve the next fan-out. A
// transport calls it once after its last use of Data; a frame never written
// (its connection closed) need not be: the collector takes it.
//
// Why: a player's copy of a shared frame with their "you" part was the
// largest allocation while 200 games played at once (16% of the bytes),
// and what is allocated decides how often the collector stalls a core.
func (f Frame) Written() {
	if f.buf == nil || cap(f.Data) > maxPooledFrame {
		return
	}
	*f.buf = f.Data[:0]
	frameBufs.Put(f.buf)
}

// maxPooledFrame is the largest buffer kept for reuse: a reveal with a long
// explanation is a few KiB; a rare huge frame is not kept.
const maxPooledFrame = 16 << 10

var frameBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// personalFrame is shared with the player's "you" part, built in a pooled
// buffer that Written gives back.
func personalFrame(shared, you []byte, question int) Frame {
	bp := frameBufs.Get().(*[]byte)
	return Frame{Data: wire.AppendWithYou((*bp)[:0], shared, you), Question: question, buf: bp}
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
