package lobby

import (
	"encoding/json"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// input is one entry of a room's input log: a connection's message, with
// where to send the room's reply (Origin instance, Ref connection).
type input struct {
	ID string `json:"-"`

	Op     string          `json:"op"`
	Origin string          `json:"o"`
	Ref    uint64          `json:"r"`
	Re     json.RawMessage `json:"re,omitempty"`
	At     time.Time       `json:"at"`
	// Counted: the input holds a slot of the owner's input bound.
	Counted bool `json:"n,omitempty"`

	Player   game.PlayerID `json:"p,omitempty"`
	Role     string        `json:"role,omitempty"`
	Nickname string        `json:"nick,omitempty"`
	Token    string        `json:"tok,omitempty"`

	Q      int           `json:"q,omitempty"`
	Answer game.Answer   `json:"a,omitzero"`
	RT     time.Duration `json:"rt,omitempty"`
	Recv   time.Time     `json:"recv,omitzero"`

	Seconds int           `json:"s,omitempty"`
	Target  game.PlayerID `json:"t,omitempty"`
}

// Internal input ops beyond the wire message types.
const (
	opDetach = "detach"
	opResync = "resync"
)

// Audiences of an output item.
const (
	toAll     = 0 // every connection of the room
	toHosts   = 1 // host and display connections
	toPlayers = 2 // player connections
	toRef     = 3 // one connection: Origin + Ref
	toPlayer  = 4 // every connection of Player
)

// outItem is one thing to deliver. A room publishes one Output per batch of
// inputs, holding the items in order; each instance delivers them to its own
// connections.
type outItem struct {
	To int             `json:"to"`
	D  json.RawMessage `json:"d,omitempty"`
	// You holds each player's personal part: added as "you" to D (or merged
	// into D's members when Merge), so a broadcast costs one shared encoding
	// plus a small object per player, not a message per player.
	You   map[game.PlayerID]json.RawMessage `json:"y,omitempty"`
	Merge bool                              `json:"m,omitempty"`
	// Per holds whole frames for single players (review), sent after D.
	Per map[game.PlayerID]json.RawMessage `json:"per,omitempty"`
	// Q is 1 + the index of the open question the frame shows (0: none).
	Q int `json:"q,omitempty"`

	Origin string        `json:"o,omitempty"`
	Ref    uint64        `json:"r,omitempty"`
	Player game.PlayerID `json:"p,omitempty"`
	// Role is set on a welcome: the connection is admitted with this role.
	Role string `json:"role,omitempty"`
	// Code and Msg refuse an attach.
	Code  wire.Code   `json:"code,omitempty"`
	Msg   string      `json:"msg,omitempty"`
	Close CloseReason `json:"c,omitempty"`
	// Recv is when the answer being acked was read (for the latency metric).
	Recv time.Time `json:"recv,omitzero"`
	// End: the room is over; instances close its connections after this.
	End bool `json:"end,omitempty"`
}

type outMsg struct {
	Items []outItem `json:"i"`
	// W is the room's wire seq after this output: a new owner reads it from
	// the last output kept on the Bus and numbers its broadcasts past it.
	W uint64 `json:"w,omitempty"`
}
