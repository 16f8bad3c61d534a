package lobby

import (
	"context"
	"errors"
	"time"
)

// Bus is everything rooms share between instances: PINs, the owner lease, the
// input log, the output broadcast, snapshots and key retention. One instance
// uses the in-memory bus (lobby/membus); several instances share a Redis bus
// (transport/redisbus). Every implementation runs the conformance suite in
// lobby/bustest.
//
// A room is named by its PIN everywhere on the Bus. All methods are safe for
// concurrent use. A method that talks to a remote store returns an error when
// the store is unreachable; callers treat that as "try again later", never as
// "no such room".
//
// What the lobby relies on, and every implementation honours (bustest checks
// each point):
//   - Ordering: input ids are opaque to the lobby; the Bus orders them
//     (InputLog.CompareInputs), the same order ReadInputs returns them in.
//   - Fencing: a write that must come from the room's owner is refused,
//     writing nothing, when its fence is not current: snapshots are fenced
//     by the lease holder (ErrLeaseLost); outputs, the owner's own inputs
//     and the confirmation of acknowledgements by the ownership term (Terms:
//     ErrStaleTerm, ErrRoomForgotten). A room's term only grows.
//   - Last output: the Bus keeps each room's last published output
//     (Broadcaster.LastOutput), so a new owner numbers its outputs past
//     everything the old one published.
type Bus interface {
	PINs
	Leases
	InputLog
	Broadcaster
	Snapshots
	Retention
	Pinger
	Terms
}

// Fence names the writer a fenced write is checked against, inside the
// store and atomically with the write: the write happens only while Holder
// holds the room's lease; otherwise it fails with ErrLeaseLost and changes
// nothing. The zero Fence does not fence (tools, and tests seeding a room).
type Fence struct {
	// Holder is the lease holder the write must come from (Config.Instance).
	Holder string
}

// Unfenced is the zero Fence: the write is not checked.
var Unfenced = Fence{}

// ErrLeaseLost is returned by a fenced write whose Fence is not current:
// the writer's lease lapsed (a partition, a pause) and another instance may
// run the room now. The room stops at once instead of overwriting the new
// owner's state.
var ErrLeaseLost = errors.New("lobby: the room's lease is held by another instance")

// PINs reserves game PINs so that no two live games, on any instance, share one.
type PINs interface {
	// ReservePIN claims pin for ttl. It reports false, with no error, when the
	// PIN is already held.
	ReservePIN(ctx context.Context, pin string, ttl time.Duration) (bool, error)
	// PINReserved reports whether pin is currently held (a live or retained game).
	PINReserved(ctx context.Context, pin string) (bool, error)
	// ReleasePIN frees pin at once (a game that failed to start).
	ReleasePIN(ctx context.Context, pin string) error
}

// Leases decide which instance runs a room's actor. A lease lapses after its
// ttl unless renewed; another instance may then acquire it and take over.
type Leases interface {
	// AcquireLease takes the lease of room for holder when it is free or
	// already held by holder (which then extends it). It reports whether
	// holder holds the lease afterwards.
	AcquireLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error)
	// RenewLease extends holder's lease. It reports false when holder no
	// longer holds it (lapsed and possibly taken): the holder must stop its
	// actor at once.
	RenewLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if holder holds it; otherwise it does nothing.
	ReleaseLease(ctx context.Context, room, holder string) error
	// LeaseHolder returns the current holder, or "" when nobody holds it.
	LeaseHolder(ctx context.Context, room string) (string, error)
}

// Input is one entry of a room's input log.
type Input struct {
	// ID is assigned by the log. IDs are opaque strings, ordered as the log
	// orders them; pass the last one seen as after to ReadInputs.
	ID   string
	Data []byte
}

// InputStart is the position before the first input of every log.
const InputStart = "0"

// InputLog is a room's ordered input log: every input to a room's actor, from
// any instance, is appended here before the actor applies it, so an input the
// actor acknowledged survives the actor's instance (as durable as the Bus).
type InputLog interface {
	// AppendInput appends data to room's log and returns its ID.
	AppendInput(ctx context.Context, room string, data []byte) (string, error)
	// ReadInputs returns up to max inputs after the ID after (InputStart for
	// the beginning), in log order. When none are there it waits up to block
	// for one (block <= 0: does not wait) and returns an empty slice, not an
	// error, on timeout. It returns ctx.Err() when ctx ends first.
	ReadInputs(ctx context.Context, room, after string, max int, block time.Duration) ([]Input, error)
	// TrimInputs drops inputs up to and including upTo (they are covered by a
	// snapshot). Trimming is best effort: an implementation may keep more.
	TrimInputs(ctx context.Context, room, upTo string) error
	// CompareInputs orders two ids of the log (InputStart included) as the
	// log orders them: negative when a comes first, 0 when equal, positive
	// when b comes first.
	CompareInputs(a, b string) int
}

// Output is one broadcast from a room's actor: Seq counts the room's outputs
// from 1 without gaps, so a receiver that sees Seq jump knows it missed some.
//
// Read its encoding with Bytes, not Data: an output the lobby publishes on an
// in-process Bus has no Data until someone asks (see lazyOutput).
type Output struct {
	Seq  uint64
	Data []byte
	lazy *lazyOutput
}

// Bytes is the output's encoding: Data, or the batch encoded on the first
// call for an output published in process.
func (o Output) Bytes() []byte {
	if o.Data == nil && o.lazy != nil {
		return o.lazy.bytes()
	}
	return o.Data
}

// Broadcaster carries a room's outputs to every instance with local members,
// once per output per instance.
//
// Delivery is at most once: a slow subscriber or a broken connection to the
// store loses outputs. Receivers detect the loss through Output.Seq and reload
// the room's snapshot.
type Broadcaster interface {
	// Publish sends out to every current subscriber of room.
	Publish(ctx context.Context, room string, out Output) error
	// Subscribe starts receiving room's outputs. When it returns, every later
	// Publish reaches the subscription. The channel is closed after Close or
	// when ctx ends.
	Subscribe(ctx context.Context, room string) (Subscription, error)
	// LastOutput returns the last output published for room; ok is false
	// when there is none (or it expired with the room). Unlike delivery, it
	// is durable: a new owner reads it to number its outputs past it.
	LastOutput(ctx context.Context, room string) (out Output, ok bool, err error)
}

// Subscription is one instance's feed of a room's outputs.
type Subscription interface {
	// C delivers outputs in publish order. It is never blocked on: outputs a
	// full channel cannot take are dropped (see Broadcaster).
	C() <-chan Output
	// Close ends the subscription and closes C. It is idempotent.
	Close() error
}

// Snapshot is a room's state as of one input.
type Snapshot struct {
	// Data is the room's own encoding (game snapshot, sessions, tokens).
	Data []byte
	// LastInput is the ID of the last input applied to Data; replay starts after it.
	LastInput string
	// Seq is the Seq of the last output published before the snapshot.
	Seq uint64
}

// Snapshots store the latest snapshot of each room.
type Snapshots interface {
	// SaveSnapshot replaces room's snapshot, fenced by f (see Fence).
	SaveSnapshot(ctx context.Context, room string, f Fence, s Snapshot) error
	// LoadSnapshot returns room's snapshot, or ErrNoSnapshot.
	LoadSnapshot(ctx context.Context, room string) (Snapshot, error)
}

// ErrNoSnapshot means no snapshot was ever saved for a room (or it expired).
var ErrNoSnapshot = errors.New("lobby: no snapshot")

// Retention bounds how long a room's data outlives the room.
type Retention interface {
	// ExpireRoom makes every key of room (PIN, lease, inputs, snapshot) expire
	// after ttl from now. ttl <= 0 deletes them at once.
	ExpireRoom(ctx context.Context, room string, ttl time.Duration) error
}

// Pinger reports whether the Bus can take work (for /readyz).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Ownership terms (issue 17). A lease alone says who should run a room now;
// it cannot stop an owner that was paused past its lease from acting on
// what it believed before the pause. A term is a number per room that only
// grows: every takeover increments it, atomically with taking the lease, and
// every write that must come from the current owner is checked against it
// inside the store.
//
// Terms are part of the Bus: transport/redisbus checks them in Lua scripts,
// lobby/membus under its lock (one instance has nobody to fence out, but the
// lobby runs every room the same way), and lobby/bustest holds both to the
// same contract.

// Term is one ownership term of a room: 1 for the creating owner, then one
// more per takeover.
type Term uint64

// TermStatus is what renewing a term found.
type TermStatus int

const (
	// TermHeld: the term is current and the lease is the caller's again.
	TermHeld TermStatus = iota + 1
	// TermLost: another term is current (a takeover happened) or another
	// game holds the PIN now. The caller must stop acting for the room.
	TermLost
	// TermForgotten: the store has no term for the room at all (or an
	// older one than the caller's): it forgot the room. The caller, which
	// still holds the room in memory, writes it back (RestoreRoom).
	TermForgotten
)

func (s TermStatus) String() string {
	switch s {
	case TermHeld:
		return "held"
	case TermLost:
		return "lost"
	case TermForgotten:
		return "forgotten"
	default:
		return "unknown"
	}
}

// The sentinel errors of ownership terms. An implementation returns these
// very values (wrapped as it likes): the lobby tells them apart with
// errors.Is.
var (
	// ErrStaleTerm: the caller's term is not the room's current term.
	// Nothing was written or published.
	ErrStaleTerm = errors.New("lobby: ownership term is not current")
	// ErrRoomForgotten: the store holds no term for the room: it never
	// existed, expired, or the store forgot it. Nothing was written (no key
	// of a room that may not exist any more is recreated).
	ErrRoomForgotten = errors.New("lobby: the bus holds no state for the room")
	// ErrLeaseHeld: another holder's lease is live; no term was taken.
	ErrLeaseHeld = errors.New("lobby: another instance holds the room's lease")
	// ErrRoomExists: the room already has a term (a claim of a PIN in use,
	// or a restore of a room that was not forgotten).
	ErrRoomExists = errors.New("lobby: the room already has an owner term")
	// ErrPINTaken: another game holds the PIN now (a restore after the
	// store forgot, when a new game took the PIN meanwhile).
	ErrPINTaken = errors.New("lobby: the PIN belongs to another game now")
	// ErrNotReplicated: the store's replicas did not confirm the writes in
	// time; the owner answers "unavailable" rather than an ack it cannot
	// stand behind.
	ErrNotReplicated = errors.New("lobby: writes not confirmed by enough replicas")
)

// RoomRestore is what an owner writes back when the store forgot its room.
type RoomRestore struct {
	// Game is the id the room was claimed with.
	Game string
	// Term is the owner's term; the room continues in it.
	Term Term
	// Snapshot is the room as the owner holds it now. Its LastInput may
	// name an input of the forgotten log: new input ids are later, so a
	// replay after it misses nothing appended since.
	Snapshot Snapshot
	// Last is the room's last output, for subscribers that reconnect; nil
	// for none.
	Last *Output
	// PINTTL is the life of the PIN reservation written back.
	PINTTL time.Duration
}

// Terms are the ownership-term methods of every Bus (see above). Each method that
// takes a term writes nothing and returns ErrStaleTerm or ErrRoomForgotten
// when the term is not current.
type Terms interface {
	// ClaimRoom takes term 1 of a new game (id game) for holder with the
	// lease for ttl; ErrRoomExists or ErrLeaseHeld otherwise.
	ClaimRoom(ctx context.Context, room, game, holder string, ttl time.Duration) (Term, error)
	// TakeOver takes a free lease and starts the next term; it never
	// creates a room (ErrRoomForgotten).
	TakeOver(ctx context.Context, room, holder string, ttl time.Duration) (Term, error)
	// RenewTerm extends holder's lease while term is current.
	RenewTerm(ctx context.Context, room, holder string, term Term, ttl time.Duration) (TermStatus, error)
	// CurrentTerm is room's current term, or ErrRoomForgotten.
	CurrentTerm(ctx context.Context, room string) (Term, error)
	// PublishFenced is Publish (and the last output kept) for the owner of term.
	PublishFenced(ctx context.Context, room string, term Term, out Output) error
	// AppendInputLive appends only to a room the store knows.
	AppendInputLive(ctx context.Context, room string, data []byte) (string, error)
	// AppendInputFenced appends an input the owner of term decided itself.
	AppendInputFenced(ctx context.Context, room string, term Term, data []byte) (string, error)
	// ConfirmTerm returns nil only while term is current (and, where the
	// store replicates, once the writes so far are replicated).
	ConfirmTerm(ctx context.Context, room string, term Term) error
	// RestoreRoom writes a forgotten room back for holder, atomically;
	// ErrRoomExists, ErrPINTaken or ErrLeaseHeld otherwise.
	RestoreRoom(ctx context.Context, room, holder string, ttl time.Duration, r RoomRestore) error
}
