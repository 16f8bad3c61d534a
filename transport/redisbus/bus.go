package redisbus

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/lobby"
)

var _ lobby.Bus = (*Bus)(nil)

// PubSubMode chooses between sharded (SPUBLISH/SSUBSCRIBE, Redis 7+) and
// classic pub/sub. Every instance on one Redis must use the same mode: the two
// are separate namespaces. Auto probes the server once, which gives the same
// answer on every instance.
type PubSubMode int

const (
	PubSubAuto PubSubMode = iota
	PubSubSharded
	PubSubClassic
)

func (m PubSubMode) String() string {
	switch m {
	case PubSubSharded:
		return "sharded"
	case PubSubClassic:
		return "classic"
	default:
		return "auto"
	}
}

// Options tune a Bus. The zero value is ready to use.
type Options struct {
	// Prefix starts every key; default "qr".
	Prefix string
	// PubSub picks the pub/sub flavour; default PubSubAuto.
	PubSub PubSubMode
	// SubscriptionBuffer is the capacity of each Subscription's channel; a
	// full channel drops outputs (the sequence check recovers). Default 256.
	SubscriptionBuffer int
	// MaxRoomLife caps how long a room's input log and snapshot live when
	// nobody ever calls ExpireRoom (every instance crashed): they get this
	// TTL when created, and ExpireRoom replaces it. Default 48h.
	MaxRoomLife time.Duration
	// MaxInputLen caps each room's input stream (approximate XADD MAXLEN), a
	// guard against a runaway room filling Redis. Default 100000.
	MaxInputLen int64
	// AckReplicas, when above 0, makes ConfirmTerm wait (WAIT) until that
	// many replicas have the writes, so an acknowledged answer survives a
	// failover to a replica. AckTimeout bounds the wait (default 500ms).
	AckReplicas int
	AckTimeout  time.Duration
}

const (
	defaultPrefix             = "qr"
	defaultSubscriptionBuffer = 256
	defaultMaxRoomLife        = 48 * time.Hour
	defaultMaxInputLen        = 100_000
	// A ReadInputs call blocks on the server in slices this long so that a
	// cancelled context is noticed soon (go-redis cannot interrupt a
	// blocking read on cancellation, only on a deadline).
	readBlockSlice = 500 * time.Millisecond
)

// Bus is a lobby.Bus on one go-redis client (standalone, Sentinel or Cluster).
type Bus struct {
	rdb  redis.UniversalClient
	opts Options

	prefix string

	modeMu sync.Mutex
	mode   PubSubMode // resolved: PubSubSharded or PubSubClassic once probed
}

// New returns a Bus on rdb. It does no I/O: a Redis that is down makes the
// first calls fail, not New.
func New(rdb redis.UniversalClient, opts Options) *Bus {
	if opts.Prefix == "" {
		opts.Prefix = defaultPrefix
	}
	if opts.SubscriptionBuffer <= 0 {
		opts.SubscriptionBuffer = defaultSubscriptionBuffer
	}
	if opts.MaxRoomLife <= 0 {
		opts.MaxRoomLife = defaultMaxRoomLife
	}
	if opts.MaxInputLen <= 0 {
		opts.MaxInputLen = defaultMaxInputLen
	}
	return &Bus{rdb: rdb, opts: opts, prefix: opts.Prefix, mode: opts.PubSub}
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redisbus: %s: %w", op, err)
}

// Ping reports whether Redis answers.
func (b *Bus) Ping(ctx context.Context) error {
	return wrap("ping", b.rdb.Ping(ctx).Err())
}

// ReservePIN implements lobby.PINs.
func (b *Bus) ReservePIN(ctx context.Context, pin string, ttl time.Duration) (bool, error) {
	ok, err := b.rdb.SetNX(ctx, b.keys(pin).pin, "1", ttl).Result()
	return ok, wrap("reserve pin", err)
}

// PINReserved implements lobby.PINs.
func (b *Bus) PINReserved(ctx context.Context, pin string) (bool, error) {
	n, err := b.rdb.Exists(ctx, b.keys(pin).pin).Result()
	return n == 1, wrap("pin reserved", err)
}

// ReleasePIN implements lobby.PINs.
func (b *Bus) ReleasePIN(ctx context.Context, pin string) error {
	return wrap("release pin", b.rdb.Del(ctx, b.keys(pin).pin).Err())
}

// AcquireLease implements lobby.Leases.
func (b *Bus) AcquireLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	n, err := acquireLease.Run(ctx, b.rdb, []string{b.keys(room).owner}, holder, ttlMillis(ttl)).Int()
	return n == 1, wrap("acquire lease", err)
}

// RenewLease implements lobby.Leases.
func (b *Bus) RenewLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	n, err := renewLease.Run(ctx, b.rdb, []string{b.keys(room).owner}, holder, ttlMillis(ttl)).Int()
	return n == 1, wrap("renew lease", err)
}

// ReleaseLease implements lobby.Leases.
func (b *Bus) ReleaseLease(ctx context.Context, room, holder string) error {
	return wrap("release lease", releaseLease.Run(ctx, b.rdb, []string{b.keys(room).owner}, holder).Err())
}

// LeaseHolder implements lobby.Leases.
func (b *Bus) LeaseHolder(ctx context.Context, room string) (string, error) {
	v, err := b.rdb.Get(ctx, b.keys(room).owner).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return v, wrap("lease holder", err)
}

func ttlMillis(ttl time.Duration) int64 {
	ms := ttl.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	return ms
}

// AppendInput implements lobby.InputLog.
func (b *Bus) AppendInput(ctx context.Context, room string, data []byte) (string, error) {
	k := b.keys(room)
	var add *redis.StringCmd
	_, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		add = p.XAdd(ctx, &redis.XAddArgs{
			Stream: k.in,
			MaxLen: b.opts.MaxInputLen,
			Approx: true,
			Values: []any{"d", data},
		})
		// NX: a TTL set by ExpireRoom stays as it is.
		p.Do(ctx, "PEXPIRE", k.in, b.opts.MaxRoomLife.Milliseconds(), "NX")
		return nil
	})
	if err != nil {
		return "", wrap("append input", err)
	}
	return add.Val(), nil
}

// ReadInputs implements lobby.InputLog.
func (b *Bus) ReadInputs(ctx context.Context, room, after string, max int, block time.Duration) ([]lobby.Input, error) {
	if max <= 0 {
		max = 1
	}
	if after == "" {
		after = lobby.InputStart
	}
	stream := b.keys(room).in
	var deadline time.Time
	if block > 0 {
		deadline = time.Now().Add(block)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		args := &redis.XReadArgs{Streams: []string{stream, after}, Count: int64(max), Block: -1}
		if block > 0 {
			slice := min(time.Until(deadline), readBlockSlice)
			if slice < time.Millisecond {
				return []lobby.Input{}, nil
			}
			args.Block = slice
		}
		res, err := b.rdb.XRead(ctx, args).Result()
		switch {
		case errors.Is(err, redis.Nil):
			if block <= 0 || !time.Now().Before(deadline) {
				return []lobby.Input{}, nil
			}
			continue
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, wrap("read inputs", err)
		}
		var out []lobby.Input
		for _, s := range res {
			for _, m := range s.Messages {
				out = append(out, lobby.Input{ID: m.ID, Data: fieldBytes(m.Values["d"])})
			}
		}
		if len(out) == 0 && block > 0 && time.Now().Before(deadline) {
			continue
		}
		if out == nil {
			out = []lobby.Input{}
		}
		return out, nil
	}
}

func fieldBytes(v any) []byte {
	switch s := v.(type) {
	case string:
		return []byte(s)
	case []byte:
		return s
	default:
		return nil
	}
}

// TrimInputs implements lobby.InputLog.
func (b *Bus) TrimInputs(ctx context.Context, room, upTo string) error {
	minID, ok := nextStreamID(upTo)
	if !ok {
		return nil
	}
	return wrap("trim inputs", b.rdb.XTrimMinID(ctx, b.keys(room).in, minID).Err())
}

// nextStreamID returns the smallest stream ID after id ("ms-seq"), so that
// XTRIM MINID drops id itself too.
func nextStreamID(id string) (string, bool) {
	msPart, seqPart, found := strings.Cut(id, "-")
	if !found {
		return "", false
	}
	ms, err1 := strconv.ParseUint(msPart, 10, 64)
	seq, err2 := strconv.ParseUint(seqPart, 10, 64)
	if err1 != nil || err2 != nil {
		return "", false
	}
	if seq == ^uint64(0) {
		return strconv.FormatUint(ms+1, 10) + "-0", true
	}
	return strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq+1, 10), true
}

// CompareInputs implements lobby.InputLog: stream ids ("ms-seq") by their
// numbers; anything else (not an id of this bus) by length then bytes.
func (b *Bus) CompareInputs(x, y string) int {
	xm, xs, xok := splitStreamID(x)
	ym, ys, yok := splitStreamID(y)
	if xok && yok {
		if c := cmp.Compare(xm, ym); c != 0 {
			return c
		}
		return cmp.Compare(xs, ys)
	}
	if c := cmp.Compare(len(x), len(y)); c != 0 {
		return c
	}
	return strings.Compare(x, y)
}

// splitStreamID reads a stream id, or lobby.InputStart ("0": 0-0).
func splitStreamID(id string) (ms, seq uint64, ok bool) {
	m, s, found := strings.Cut(id, "-")
	ms, err := strconv.ParseUint(m, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if !found {
		return ms, 0, true
	}
	seq, err = strconv.ParseUint(s, 10, 64)
	return ms, seq, err == nil
}

// SaveSnapshot implements lobby.Snapshots. A hash keeps the TTL that
// ExpireRoom set, where SET would clear it. A fenced write checks the
// room's owner key inside Redis, atomically with the write.
func (b *Bus) SaveSnapshot(ctx context.Context, room string, f lobby.Fence, s lobby.Snapshot) error {
	k := b.keys(room)
	if f.Holder != "" {
		n, err := saveSnapshotFenced.Run(ctx, b.rdb, []string{k.owner, k.state}, f.Holder,
			s.Data, s.LastInput, strconv.FormatUint(s.Seq, 10), b.opts.MaxRoomLife.Milliseconds()).Int()
		if err != nil {
			return wrap("save snapshot", err)
		}
		if n != 1 {
			return wrap("save snapshot", lobby.ErrLeaseLost)
		}
		return nil
	}
	_, err := b.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k.state, "data", s.Data, "last", s.LastInput, "seq", strconv.FormatUint(s.Seq, 10))
		p.Do(ctx, "PEXPIRE", k.state, b.opts.MaxRoomLife.Milliseconds(), "NX")
		return nil
	})
	return wrap("save snapshot", err)
}

// LoadSnapshot implements lobby.Snapshots.
func (b *Bus) LoadSnapshot(ctx context.Context, room string) (lobby.Snapshot, error) {
	vals, err := b.rdb.HMGet(ctx, b.keys(room).state, "data", "last", "seq").Result()
	if err != nil {
		return lobby.Snapshot{}, wrap("load snapshot", err)
	}
	if len(vals) != 3 || vals[0] == nil {
		return lobby.Snapshot{}, lobby.ErrNoSnapshot
	}
	s := lobby.Snapshot{Data: fieldBytes(vals[0])}
	if v, ok := vals[1].(string); ok {
		s.LastInput = v
	}
	if v, ok := vals[2].(string); ok {
		seq, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return lobby.Snapshot{}, wrap("load snapshot", fmt.Errorf("bad seq %q", v))
		}
		s.Seq = seq
	}
	return s, nil
}

// ExpireRoom implements lobby.Retention.
func (b *Bus) ExpireRoom(ctx context.Context, room string, ttl time.Duration) error {
	k := b.keys(room)
	all := []string{k.pin, k.owner, k.in, k.state, k.last, k.term}
	if ttl <= 0 {
		return wrap("expire room", b.rdb.Del(ctx, all...).Err())
	}
	_, err := b.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, key := range all {
			p.PExpire(ctx, key, ttl)
		}
		return nil
	})
	return wrap("expire room", err)
}

// encodeOutput frames an output as 8 bytes of big-endian Seq then the data.
func encodeOutput(out lobby.Output) []byte {
	data := out.Bytes()
	buf := make([]byte, 8+len(data))
	binary.BigEndian.PutUint64(buf, out.Seq)
	copy(buf[8:], data)
	return buf
}

func decodeOutput(payload string) (lobby.Output, bool) {
	if len(payload) < 8 {
		return lobby.Output{}, false
	}
	return lobby.Output{
		Seq:  binary.BigEndian.Uint64([]byte(payload[:8])),
		Data: []byte(payload[8:]),
	}, true
}

// LastOutput implements lobby.Broadcaster: the output Publish stored last.
func (b *Bus) LastOutput(ctx context.Context, room string) (lobby.Output, bool, error) {
	v, err := b.rdb.Get(ctx, b.keys(room).last).Result()
	if errors.Is(err, redis.Nil) {
		return lobby.Output{}, false, nil
	}
	if err != nil {
		return lobby.Output{}, false, wrap("last output", err)
	}
	out, ok := decodeOutput(v)
	return out, ok, nil
}
