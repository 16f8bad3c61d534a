package lobby

import (
	"sync/atomic"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/rs/zerolog"
)

// roomMeta is what the room keeps beside the engine.
type roomMeta struct {
	HostTokenHash string                   `json:"host"`
	Tokens        map[string]game.PlayerID `json:"tokens"` // hash(resume token) -> player
	// Game tells this game from a later one on the same PIN (see
	// Terms.ClaimRoom and RestoreRoom).
	Game string `json:"game,omitempty"`
}

type binding struct {
	origin string
	ref    uint64
}

// room is one game at runtime, split by purpose over its files: the actor
// loop (actor.go: inputs, timers, queries), the renderer from engine events
// to output items for typed audiences (render.go, notes.go, flush.go) and
// ownership of the room on the Bus (ownership.go: lease, snapshot, replay,
// fencing). run is the only goroutine touching any of it.
type room struct {
	l    *Lobby
	pin  string
	g    *game.Game
	meta roomMeta
	log  zerolog.Logger

	// inputs carries the pump's reads of a remote input log, a batch each
	// (nil on an in-process log: the actor reads it itself, see readLocal).
	inputs chan []input
	// logGrown is closed when the in-process log grows past what the
	// actor read (InProcessLog.PollInputs); nil on a remote log. logBuf
	// is the actor's buffer for those reads.
	logGrown <-chan struct{}
	logBuf   []Input
	pending  atomic.Int64
	// players is playerCount for other goroutines (Lobby.Players).
	players atomic.Int64
	// queries run on the actor for readers on this instance (game info,
	// results), so they see the live game rather than the last snapshot.
	queries chan func()

	// The actor's own state: who is connected where, and when the room
	// last saw an input.
	bindings     map[game.PlayerID]binding
	commands     []commandRecord // the last commands applied, for their retries (lobby/commandids.go)
	ended        bool
	over         atomic.Bool // ended, for other goroutines: set before the ended output goes out
	lastActivity time.Time

	renderer   // the pure renderer (render.go, notes.go, flush.go) and what it keeps between events
	ownerState // what ownership (ownership.go) keeps: the Bus positions and the snapshot's state
}

// renderer turns engine events into output items for typed audiences. It
// is pure: it reads the engine through engineView, is handed the time, and
// only appends to items, which the actor publishes (flush); no goroutines,
// no Bus, no clock. It keeps what screens show between events; its sequence
// space is wireSeq, the seq clients see on every frame.
type renderer struct {
	wireSeq      uint64
	playerCount  int
	lastReveal   *wire.Reveal
	lastBoard    *wire.Leaderboard
	lastPodium   *wire.Podium
	lastCount    *wire.AnswersCount
	countDirty   bool
	pendingJoins []wire.Player  // joined, not yet announced to host and display
	lastNote     time.Time      // when host notes last went out
	items        []outItem      // the batch's items, published by flush
	openQuestion *wire.Question // the question opened in this batch (see stampQuestion)
	openItem     int            // its index in items
	modes        modes          // issue 15: team mode and challenges (lobby/render_modes.go)
}

// ownerState is what the owner of a room keeps for the Bus. Its sequence
// spaces are the input log's positions (lastInput, published: opaque ids
// the Bus orders) and outSeq, the Seq of the room's outputs on the Bus.
type ownerState struct {
	lastInput    string
	outSeq       uint64
	published    string    // the old owner published the outputs of inputs up to this one (see continueSequences)
	lastInputAt  time.Time // see inputTime
	leaseLost    bool      // a fenced write found another instance holding the lease
	term         Term      // the ownership term this actor runs the room in (0: the Bus has no terms)
	roomLost     bool      // the bus forgot the room and it could not be written back: connections get room_lost
	closing      string    // the timed step recorded in the log, not applied yet (stepKey, see recordClose)
	closeRetry   time.Time // when a failed close record is tried again
	idleRecorded string    // the idle end is recorded after this input, not applied yet (see recordIdleEnd)
	handingOver  bool      // release is taking the final snapshot of a planned hand-over
	handedOver   bool      // restored from such a snapshot
	dirty        bool      // changed since the last snapshot
	snapshotDue  bool      // a phase change wants a snapshot (see flush)
	snapshotAt   time.Time // when the phase change's snapshot is taken (see flush)
	renewAt      time.Time // when the lease is renewed next (see run)
	metaJSON     []byte    // encoded meta, valid while len(meta.Tokens) == metaTokens
	metaTokens   int
}

// inputBatches is how many reads of a remote input log wait for the actor
// (up to 16 x inputReadMax inputs); the actor's step on an in-process log
// takes as many (readLocal). A channel of single inputs as deep as
// InputQueue (4096) allocated its whole buffer, 1.2 MB, for every room:
// 12 KiB per player in a room of 100, most of many-rooms' RSS above the
// floor's.
const inputBatches = 16

// inputReadMax is how many inputs one read of the log takes.
const inputReadMax = 256

func newRoom(l *Lobby, pin string, g *game.Game, meta roomMeta) *room {
	r := &room{
		l:            l,
		pin:          pin,
		g:            g,
		meta:         meta,
		log:          l.log.With().Str("pin", pin).Logger(),
		queries:      make(chan func(), 16),
		ownerState:   ownerState{lastInput: InputStart},
		bindings:     map[game.PlayerID]binding{},
		lastActivity: time.Now(),
	}
	if l.localLog == nil {
		r.inputs = make(chan []input, inputBatches)
	}
	return r
}
