package redisbus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/lobby"
)

// Ownership terms (issue 17). A lease alone says who should run a room now;
// it cannot stop an owner that was paused past its lease from acting on what
// it believed before the pause. A term is a number per room that only grows:
// every takeover increments it, atomically with taking the lease, and every
// write that must come from the current owner (an output, an acknowledgement)
// is checked against it inside Redis. An owner with an old term is refused
// there, whatever its own clock and memory say.
//
// The term lives in the hash qr:{PIN}:term (fields term, game). The game
// field tells two games apart that used the same PIN one after the other, so
// an owner never "restores" its room over a newer game. Because the hash has
// no short TTL, its absence while an owner still runs the room means that
// Redis forgot the room (restarted without persistence, failed over to an
// empty replica, FLUSHALL): see RenewTerm and RestoreRoom.

// The term types and sentinel errors are the lobby's (lobby/bus.go, where
// the Bus contract lives); these names keep this file readable.
type (
	Term       = lobby.Term
	TermStatus = lobby.TermStatus
	Restore    = lobby.RoomRestore
)

const (
	TermHeld      = lobby.TermHeld
	TermLost      = lobby.TermLost
	TermForgotten = lobby.TermForgotten
)

var (
	ErrStaleTerm     = lobby.ErrStaleTerm
	ErrRoomForgotten = lobby.ErrRoomForgotten
	ErrLeaseHeld     = lobby.ErrLeaseHeld
	ErrRoomExists    = lobby.ErrRoomExists
	ErrPINTaken      = lobby.ErrPINTaken
	ErrNotReplicated = lobby.ErrNotReplicated
)

var _ lobby.Terms = (*Bus)(nil)

// Script results shared by the term scripts.
const (
	resForgotten = -1
	resStale     = 0
	resOK        = 1
	resOtherGame = -2
	resHeld      = -3
	resExists    = -4
)

var (
	// claimRoom: the first term of a new game. KEYS owner, term, pin;
	// ARGV holder, ttl ms, game, max room life ms.
	claimRoom = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return -4 end
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return -3 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[2], 'term', 1, 'game', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('SET', KEYS[3], ARGV[3], 'KEEPTTL')
end
return 1`)

	// takeOver: the next term, when the lease is free. KEYS owner, term;
	// ARGV holder, ttl ms. Returns the new term, or -1 (no term: forgotten
	// or gone), -3 (lease held by another).
	takeOver = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return -3 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('HINCRBY', KEYS[2], 'term', 1)`)

	// renewTerm: KEYS owner, term; ARGV holder, term, ttl ms. Returns 1
	// (held), 0 (another term or holder), -1 (forgotten: no term, or an older
	// one, as from a stale AOF). A lapsed lease nobody took is taken back:
	// any other taker would have raised the term.
	renewTerm = redis.NewScript(`
local t = redis.call('HGET', KEYS[2], 'term')
if not t then return -1 end
t = tonumber(t)
local mine = tonumber(ARGV[2])
if t < mine then return -1 end
if t > mine then return 0 end
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`)

	// publishFenced: KEYS term, last, out; ARGV term, payload, max room life
	// ms, sharded (1/0). Returns 1 published, 0 stale, -1 forgotten. The
	// check and the publish are one atomic step, so an output can never be
	// published after a takeover by an owner whose term ended.
	publishFenced = redis.NewScript(`
local t = redis.call('HGET', KEYS[1], 'term')
if not t then return -1 end
if t ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'KEEPTTL')
if redis.call('PTTL', KEYS[2]) == -1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
if ARGV[4] == '1' then
  redis.call('SPUBLISH', KEYS[3], ARGV[2])
else
  redis.call('PUBLISH', KEYS[3], ARGV[2])
end
return 1`)

	// appendLive: XADD only to a room Redis knows. KEYS term, in; ARGV
	// data, max len, max room life ms. Returns the ID, or -1.
	appendLive = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'd', ARGV[1])
if redis.call('PTTL', KEYS[2]) == -1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return id`)

	// appendFenced: XADD only for the owner of the current term. KEYS term,
	// in; ARGV term, data, max len, max room life ms. Returns the ID, or 0
	// (stale) or -1 (forgotten).
	appendFenced = redis.NewScript(`
local t = redis.call('HGET', KEYS[1], 'term')
if not t then return -1 end
if t ~= ARGV[1] then return 0 end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'd', ARGV[2])
if redis.call('PTTL', KEYS[2]) == -1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return id`)

	// confirmTerm is checkTerm with a write: Redis documents WAIT as
	// covering the calling connection's own earlier writes. The write makes
	// that the offset as of the check, past every write any instance made
	// before it (the inputs being acknowledged), on any server version.
	// (7.0.15, tested here, already waits for the current offset after a
	// read: TestConfirmTermWaitsForOtherInstancesWrites passes without it.)
	confirmTerm = redis.NewScript(`
local t = redis.call('HGET', KEYS[1], 'term')
if not t then return -1 end
if t ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'confirmed', ARGV[1])
return 1`)

	// checkTerm: KEYS term; ARGV term. 1 current, 0 stale, -1 forgotten.
	checkTerm = redis.NewScript(`
local t = redis.call('HGET', KEYS[1], 'term')
if not t then return -1 end
if t ~= ARGV[1] then return 0 end
return 1`)

	// restoreRoom writes a forgotten room back: one with no term, or with
	// an older term of the same game (a replica or AOF from before the last
	// takeover). KEYS owner, term, pin, state,
	// last; ARGV holder, ttl ms, game, term, max room life ms, pin ttl ms,
	// snapshot data, snapshot last input, snapshot seq, last output ('' for
	// none). Returns 1, -4 (a term exists), -2 (the PIN is another game's),
	// -3 (another holder's lease).
	restoreRoom = redis.NewScript(`
local g = redis.call('HGET', KEYS[2], 'game')
if g then
  local t = tonumber(redis.call('HGET', KEYS[2], 'term'))
  if g ~= ARGV[3] or t >= tonumber(ARGV[4]) then return -4 end
end
local p = redis.call('GET', KEYS[3])
if p and p ~= ARGV[3] then return -2 end
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return -3 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[2], 'term', ARGV[4], 'game', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[6])
redis.call('HSET', KEYS[4], 'data', ARGV[7], 'last', ARGV[8], 'seq', ARGV[9])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
if ARGV[10] ~= '' then
  redis.call('SET', KEYS[5], ARGV[10], 'PX', ARGV[5])
end
return 1`)
)

// ClaimRoom takes the first term (1) of a new game in room for holder, with
// the lease for ttl. game identifies the game (its id, not its PIN); the PIN
// reservation, if any, is made to name it, so that RestoreRoom can tell the
// game from a later one on the same PIN. It returns ErrRoomExists when the
// room already has a term and ErrLeaseHeld when another holder has the lease.
func (b *Bus) ClaimRoom(ctx context.Context, room, game, holder string, ttl time.Duration) (Term, error) {
	k := b.keys(room)
	n, err := claimRoom.Run(ctx, b.rdb, []string{k.owner, k.term, k.pin},
		holder, ttlMillis(ttl), game, b.opts.MaxRoomLife.Milliseconds()).Int64()
	if err != nil {
		return 0, wrap("claim room", err)
	}
	switch n {
	case resOK:
		return 1, nil
	case resExists:
		return 0, wrap("claim room", ErrRoomExists)
	default:
		return 0, wrap("claim room", ErrLeaseHeld)
	}
}

// TakeOver takes the lease of room for holder when it is free (or already
// holder's) and starts the next term, which it returns. It never creates a
// room: when Redis holds no term for it, it returns ErrRoomForgotten.
func (b *Bus) TakeOver(ctx context.Context, room, holder string, ttl time.Duration) (Term, error) {
	k := b.keys(room)
	n, err := takeOver.Run(ctx, b.rdb, []string{k.owner, k.term}, holder, ttlMillis(ttl)).Int64()
	if err != nil {
		return 0, wrap("take over", err)
	}
	switch {
	case n > 0:
		return Term(n), nil
	case n == resForgotten:
		return 0, wrap("take over", ErrRoomForgotten)
	default:
		return 0, wrap("take over", ErrLeaseHeld)
	}
}

// RenewTerm extends holder's lease while term is the room's current term.
// See TermStatus for what each answer asks of the caller.
func (b *Bus) RenewTerm(ctx context.Context, room, holder string, term Term, ttl time.Duration) (TermStatus, error) {
	k := b.keys(room)
	n, err := renewTerm.Run(ctx, b.rdb, []string{k.owner, k.term}, holder, uint64(term), ttlMillis(ttl)).Int64()
	if err != nil {
		return 0, wrap("renew term", err)
	}
	return termStatus(n), nil
}

func termStatus(n int64) TermStatus {
	switch n {
	case resOK:
		return TermHeld
	case resForgotten:
		return TermForgotten
	default:
		return TermLost
	}
}

func termError(n int64) error {
	switch n {
	case resOK:
		return nil
	case resForgotten:
		return ErrRoomForgotten
	default:
		return ErrStaleTerm
	}
}

// CurrentTerm returns room's current term, or ErrRoomForgotten.
func (b *Bus) CurrentTerm(ctx context.Context, room string) (Term, error) {
	v, err := b.rdb.HGet(ctx, b.keys(room).term, "term").Result()
	if errors.Is(err, redis.Nil) {
		return 0, wrap("current term", ErrRoomForgotten)
	}
	if err != nil {
		return 0, wrap("current term", err)
	}
	t, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, wrap("current term", fmt.Errorf("bad term %q", v))
	}
	return Term(t), nil
}

// PublishFenced is Publish for the owner of term: the output is stored as
// the room's last and published only when term is the room's current term,
// checked in the same atomic step as the publish. Otherwise nothing is
// written or sent and it returns ErrStaleTerm (another owner took over) or
// ErrRoomForgotten (Redis forgot the room).
func (b *Bus) PublishFenced(ctx context.Context, room string, term Term, out lobby.Output) error {
	mode, err := b.pubSubMode(ctx)
	if err != nil {
		return err
	}
	k := b.keys(room)
	sharded := "0"
	if mode == PubSubSharded {
		sharded = "1"
	}
	n, err := publishFenced.Run(ctx, b.rdb, []string{k.term, k.last, k.out},
		uint64(term), encodeOutput(out), b.opts.MaxRoomLife.Milliseconds(), sharded).Int64()
	if err != nil {
		return wrap("publish fenced", err)
	}
	return wrap("publish fenced", termError(n))
}

// AppendInputLive is AppendInput for a room that has a term: it appends
// only when Redis knows the room, so an input to a game that ended long ago,
// or that Redis forgot, recreates no key; it returns ErrRoomForgotten then.
func (b *Bus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	k := b.keys(room)
	v, err := appendLive.Run(ctx, b.rdb, []string{k.term, k.in},
		data, b.opts.MaxInputLen, b.opts.MaxRoomLife.Milliseconds()).Result()
	if err != nil {
		return "", wrap("append input", err)
	}
	switch id := v.(type) {
	case string:
		return id, nil
	default:
		return "", wrap("append input", ErrRoomForgotten)
	}
}

// AppendInputFenced appends an input that the owner of term decided itself
// (a question closed by its deadline: the close is then one entry of the
// log, at one place among the answers, and a new owner replaying the log
// closes the question at the same place instead of deciding again). It
// returns ErrStaleTerm or ErrRoomForgotten, writing nothing, when term is
// not current.
func (b *Bus) AppendInputFenced(ctx context.Context, room string, term Term, data []byte) (string, error) {
	k := b.keys(room)
	v, err := appendFenced.Run(ctx, b.rdb, []string{k.term, k.in},
		uint64(term), data, b.opts.MaxInputLen, b.opts.MaxRoomLife.Milliseconds()).Result()
	if err != nil {
		return "", wrap("append input fenced", err)
	}
	if id, ok := v.(string); ok {
		return id, nil
	}
	n, _ := v.(int64)
	return "", wrap("append input fenced", termError(n))
}

// ConfirmTerm is what an owner calls before it acknowledges what it decided
// in term (a batch of answers): it returns nil only when term is still the
// room's current term, which also proves Redis did not forget the room (and
// so the inputs appended before the call are still in its log). With
// Options.AckReplicas it then waits, up to Options.AckTimeout, until that
// many replicas have every write made so far on this connection, and returns
// ErrNotReplicated when they do not: the caller answers `unavailable`
// instead of an ack it cannot stand behind.
func (b *Bus) ConfirmTerm(ctx context.Context, room string, term Term) error {
	keys := []string{b.keys(room).term}
	if b.opts.AckReplicas <= 0 {
		n, err := checkTerm.Run(ctx, b.rdb, keys, uint64(term)).Int64()
		if err != nil {
			return wrap("confirm term", err)
		}
		return wrap("confirm term", termError(n))
	}
	timeout := b.opts.AckTimeout
	if timeout <= 0 {
		timeout = defaultAckTimeout
	}
	// The check and WAIT go on one connection: WAIT counts the replicas
	// that reached the replication offset of the check's write, which
	// covers every write any instance made before it (the inputs being
	// acked).
	var check *redis.Cmd
	wait := redis.NewIntCmd(ctx, "WAIT", b.opts.AckReplicas, timeout.Milliseconds())
	_, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		check = confirmTerm.Eval(ctx, p, keys, uint64(term))
		return p.Process(ctx, wait)
	})
	if err != nil {
		return wrap("confirm term", err)
	}
	n, err := check.Int64()
	if err != nil {
		return wrap("confirm term", err)
	}
	if err := termError(n); err != nil {
		return wrap("confirm term", err)
	}
	if got := wait.Val(); got < int64(b.opts.AckReplicas) {
		return wrap("confirm term", fmt.Errorf("%w: %d of %d", ErrNotReplicated, got, b.opts.AckReplicas))
	}
	return nil
}

// defaultAckTimeout bounds ConfirmTerm's wait for replicas.
const defaultAckTimeout = 500 * time.Millisecond

// RestoreRoom writes room back for holder after Redis forgot it: the term,
// the lease (ttl), the PIN reservation, the snapshot and the last output, in
// one atomic step. It refuses, writing nothing, when the room has a term
// again that is not an older one of the same game (ErrRoomExists: it was
// not forgotten, or another instance restored or took it first), when another game holds the PIN (ErrPINTaken) or when
// another holder has the lease (ErrLeaseHeld). AppendInputLive refuses
// inputs while the room is forgotten, so clients retry them after the
// restore; an input appended meanwhile through the unfenced AppendInput is
// kept, and the owner reads on from its last applied ID.
func (b *Bus) RestoreRoom(ctx context.Context, room, holder string, ttl time.Duration, r Restore) error {
	k := b.keys(room)
	last := ""
	if r.Last != nil {
		last = string(encodeOutput(*r.Last))
	}
	pinTTL := r.PINTTL
	if pinTTL <= 0 {
		pinTTL = b.opts.MaxRoomLife
	}
	n, err := restoreRoom.Run(ctx, b.rdb, []string{k.owner, k.term, k.pin, k.state, k.last},
		holder, ttlMillis(ttl), r.Game, uint64(r.Term), b.opts.MaxRoomLife.Milliseconds(), ttlMillis(pinTTL),
		r.Snapshot.Data, r.Snapshot.LastInput, strconv.FormatUint(r.Snapshot.Seq, 10), last).Int64()
	if err != nil {
		return wrap("restore room", err)
	}
	switch n {
	case resOK:
		return nil
	case resExists:
		return wrap("restore room", ErrRoomExists)
	case resOtherGame:
		return wrap("restore room", ErrPINTaken)
	default:
		return wrap("restore room", ErrLeaseHeld)
	}
}
