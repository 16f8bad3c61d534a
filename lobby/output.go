package lobby

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
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
	Step   string        `json:"st,omitempty"` // opClose: the step recorded (room.stepKey); opIdle: the last input before it
	Answer game.Answer   `json:"a,omitzero"`
	RT     time.Duration `json:"rt,omitempty"`
	Recv   time.Time     `json:"recv,omitzero"`

	Seconds int           `json:"s,omitempty"`
	Target  game.PlayerID `json:"t,omitempty"`
	Team    int           `json:"team,omitempty"` // join, move_team, choose_team
}

// Internal input ops beyond the wire message types.
const (
	opDetach = "detach"
	opResync = "resync"
	// opClose is a timed step (a question's deadline close, an
	// auto-advance, a challenge's end), decided by the owner and recorded
	// in the input log (see room.recordClose).
	opClose = "close"
	// opIdle is the idle end, decided by the owner and recorded in the
	// input log (see room.recordIdleEnd).
	opIdle = "idle"
)

// audience is who an output item is for. The values are on the Bus (in
// outputs other instances decode): never renumber them.
type audience int

const (
	toAll     audience = 0 // every connection of the room
	toHosts   audience = 1 // host and display connections
	toPlayers audience = 2 // player connections
	toRef     audience = 3 // one connection: Origin + Ref
	toPlayer  audience = 4 // every connection of Player
)

// questionRef names the question a frame shows, as an output item carries
// it: 0 for none, so that it is left out of the encoding, else 1 + the
// question's index. Only showing and index translate: everywhere else a
// question is its index, and -1 is none (Frame.Question).
type questionRef int

const noQuestion questionRef = 0

func showing(index int) questionRef { return questionRef(index + 1) }

// index is the question's index, or -1 for none.
func (q questionRef) index() int { return int(q) - 1 }

// outItem is one thing to deliver. A room publishes one Output per batch of
// inputs, holding the items in order; each instance delivers them to its own
// connections.
type outItem struct {
	To audience        `json:"to"`
	D  json.RawMessage `json:"d,omitempty"`
	// You holds each player's personal part, added as "you" to D, so a
	// broadcast costs one shared encoding plus a small object per player,
	// not a message per player.
	You map[game.PlayerID]json.RawMessage `json:"y,omitempty"`
	// Per holds whole frames for single players (review), sent after D.
	Per map[game.PlayerID]json.RawMessage `json:"per,omitempty"`
	// Q is the open question the frame shows.
	Q questionRef `json:"q,omitempty"`

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
	// L is the last input the owner had applied when it published this
	// output: a new owner replaying the inputs after an older snapshot
	// publishes nothing for those up to L, whose outputs went out already.
	L string `json:"l,omitempty"`
	// T is the ownership term the output was published in: a view drops
	// an output of an older term than the newest it delivered (see
	// view.receive); every frame in it carries the term too, for clients.
	T Term `json:"t,omitempty"`
}

// lazyOutput is a batch published on an in-process Bus, encoded only when
// someone reads its bytes. The view of this instance takes the items as they
// are (view.stash), and with one instance nobody else reads them: encoding
// every batch of 200 rooms for no reader was 3 to 6% of the server's CPU
// in many-rooms (issue 16). Lobbies sharing one Bus (tests) and a takeover's
// LastOutput encode it then. The items are not changed after flush, so any
// goroutine may encode them.
type lazyOutput struct {
	once sync.Once
	msg  outMsg
	data []byte
}

func (z *lazyOutput) bytes() []byte {
	z.once.Do(func() {
		z.data = encodeOutput(z.msg)
		z.msg = outMsg{} // a room's last output is kept (LastOutput): not twice
	})
	return z.data
}

// encodeOutput encodes a batch for the Bus. The per-player maps (You, Per)
// hold thousands of parts that are already JSON: they are written by hand,
// unsorted and without the re-validation encoding/json does on every
// json.RawMessage; everything else goes through encoding/json, so a field
// added to outItem or outMsg is encoded without touching this.
func encodeOutput(msg outMsg) []byte {
	items := msg.Items
	msg.Items = nil
	head := mustMarshal(msg) // {"i":null,...}
	const prefix = `{"i":null`
	if !bytes.HasPrefix(head, []byte(prefix)) {
		panic("lobby: outMsg must start with its items")
	}
	size := len(head) + 2
	for i := range items {
		size += len(items[i].D) + 64
		for _, v := range items[i].You {
			size += len(v) + 24
		}
		for _, v := range items[i].Per {
			size += len(v) + 24
		}
	}
	buf := make([]byte, 0, size)
	buf = append(buf, `{"i":[`...)
	for i := range items {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendItem(buf, items[i])
	}
	buf = append(buf, ']')
	return append(buf, head[len(prefix):]...)
}

func appendItem(buf []byte, it outItem) []byte {
	if isPlainReply(it) {
		return appendPlainReply(buf, it)
	}
	you, per := it.You, it.Per
	it.You, it.Per = nil, nil
	enc := mustMarshal(it)
	buf = append(buf, enc[:len(enc)-1]...) // without its closing brace
	if len(you) > 0 {                      // omitempty, as encoding/json would
		buf = append(buf, `,"y":`...)
		buf = appendParts(buf, you)
	}
	if len(per) > 0 {
		buf = append(buf, `,"per":`...)
		buf = appendParts(buf, per)
	}
	return append(buf, '}')
}

// isPlainReply reports whether it is a reply to one connection with nothing
// but a frame (answer acks, most of a busy question's items), which
// appendPlainReply encodes without reflection.
func isPlainReply(it outItem) bool {
	return it.To == toRef && len(it.D) > 0 && it.You == nil && it.Per == nil && it.Q == 0 &&
		it.Player == "" && it.Role == "" && it.Code == "" && it.Msg == "" && it.Close == "" && !it.End &&
		(it.Recv.IsZero() || (it.Recv.Year() >= 0 && it.Recv.Year() <= 9999))
}

// appendPlainReply encodes a plain reply exactly as encoding/json does
// (TestPlainReplyMatchesEncodingJSON): fields in declaration order, empty
// ones left out.
func appendPlainReply(buf []byte, it outItem) []byte {
	buf = append(buf, `{"to":`...)
	buf = strconv.AppendInt(buf, int64(it.To), 10)
	buf = append(buf, `,"d":`...)
	buf = append(buf, it.D...)
	if it.Origin != "" {
		buf = append(buf, `,"o":`...)
		buf = appendJSONString(buf, it.Origin)
	}
	if it.Ref != 0 {
		buf = append(buf, `,"r":`...)
		buf = strconv.AppendUint(buf, it.Ref, 10)
	}
	if !it.Recv.IsZero() {
		buf = append(buf, `,"recv":"`...)
		buf = it.Recv.AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, '"')
	}
	return append(buf, '}')
}

func appendParts(buf []byte, parts map[game.PlayerID]json.RawMessage) []byte {
	buf = append(buf, '{')
	first := true
	for id, v := range parts {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendJSONString(buf, string(id))
		buf = append(buf, ':')
		if len(v) == 0 {
			buf = append(buf, "null"...)
		} else {
			buf = append(buf, v...)
		}
	}
	return append(buf, '}')
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("lobby: encoding an output: " + err.Error()) // only well-formed parts reach here
	}
	return b
}

// appendJSONString appends s as a JSON string: plain ASCII is copied, anything
// else goes through encoding/json (same escaping as everywhere else).
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return append(buf, mustMarshal(s)...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// encodeAck encodes an answer_ack. An accepted one (the bulk of a burst of
// answers) is written by hand, byte for byte what wire.Marshal writes
// (TestAckMatchesEncodingJSON); a refusal goes through wire.Marshal.
func encodeAck(a wire.AnswerAck) []byte {
	if !a.Accepted || a.Code != "" || a.Message != "" || !plainRaw(a.Re) {
		return wire.Marshal(a)
	}
	buf := make([]byte, 0, 96+len(a.Re))
	buf = append(buf, `{"type":`...)
	buf = appendJSONString(buf, a.Type)
	if len(a.Re) > 0 {
		buf = append(buf, `,"re":`...)
		buf = append(buf, a.Re...)
	}
	buf = append(buf, `,"seq":`...)
	buf = strconv.AppendUint(buf, a.Seq, 10)
	buf = append(buf, `,"q":`...)
	buf = strconv.AppendInt(buf, int64(a.Q), 10)
	buf = append(buf, `,"accepted":true`...)
	if a.ResponseMs != nil {
		buf = append(buf, `,"response_ms":`...)
		buf = strconv.AppendInt(buf, *a.ResponseMs, 10)
	}
	return append(buf, '}')
}
