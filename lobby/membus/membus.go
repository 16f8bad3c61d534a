package membus

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

var (
	_ lobby.Bus                  = (*Bus)(nil)
	_ lobby.InProcessLog         = (*Bus)(nil)
	_ lobby.InProcessBroadcaster = (*Bus)(nil)
)

// DefaultSubscriptionBuffer is how many outputs a subscription holds before
// it drops.
const DefaultSubscriptionBuffer = 1024

// Options tune a Bus; the zero value is usable.
type Options struct {
	// SubscriptionBuffer is the channel size of each subscription
	// (DefaultSubscriptionBuffer when 0).
	SubscriptionBuffer int
	// Now replaces time.Now (tests).
	Now func() time.Time
}

// Bus is an in-memory lobby.Bus.
type Bus struct {
	now    func() time.Time
	buffer int

	mu        sync.Mutex
	pins      map[string]time.Time // pin -> expiry
	leases    map[string]lease
	logs      map[string]*inputLog
	subs      map[string]map[*subscription]struct{}
	direct    map[string]*directRoom // SubscribeFunc's subscribers, by room
	snapshots map[string]lobby.Snapshot
	last      map[string]lobby.Output // each room's last published output
	expiries  map[string]time.Time    // room -> when all its data goes
	terms     map[string]termRecord   // each room's ownership term (terms.go)
	pinGames  map[string]string       // pin -> the game that claimed it
	calls     int
}

type lease struct {
	holder  string
	expires time.Time
}

type inputLog struct {
	entries []lobby.Input
	next    uint64
	// grown is closed (and replaced) on every append, waking blocked
	// readers and the actors polling the log (PollInputs); closed as well
	// when the log is dropped, so that no one waits on a log that is gone.
	grown chan struct{}
}

// New returns an empty Bus.
func New(opts Options) *Bus {
	b := &Bus{
		now:       opts.Now,
		buffer:    opts.SubscriptionBuffer,
		pins:      map[string]time.Time{},
		leases:    map[string]lease{},
		logs:      map[string]*inputLog{},
		subs:      map[string]map[*subscription]struct{}{},
		direct:    map[string]*directRoom{},
		snapshots: map[string]lobby.Snapshot{},
		last:      map[string]lobby.Output{},
		expiries:  map[string]time.Time{},
		terms:     map[string]termRecord{},
		pinGames:  map[string]string{},
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.buffer <= 0 {
		b.buffer = DefaultSubscriptionBuffer
	}
	return b
}

// sweepLocked drops expired rooms, now and then, so a long-running instance
// does not keep every game it ever hosted.
func (b *Bus) sweepLocked(now time.Time) {
	b.calls++
	if b.calls%256 != 0 {
		return
	}
	for room, at := range b.expiries {
		if !now.Before(at) {
			b.dropRoomLocked(room)
		}
	}
	for pin, at := range b.pins {
		if !now.Before(at) {
			delete(b.pins, pin)
			delete(b.pinGames, pin)
		}
	}
}

func (b *Bus) expiredLocked(room string, now time.Time) bool {
	at, ok := b.expiries[room]
	if ok && !now.Before(at) {
		b.dropRoomLocked(room)
		return true
	}
	return false
}

func (b *Bus) dropRoomLocked(room string) {
	if l := b.logs[room]; l != nil {
		close(l.grown)
	}
	delete(b.expiries, room)
	delete(b.pins, room)
	delete(b.leases, room)
	delete(b.logs, room)
	delete(b.snapshots, room)
	delete(b.last, room)
	delete(b.terms, room)
	delete(b.pinGames, room)
}

// ReservePIN implements lobby.PINs.
func (b *Bus) ReservePIN(ctx context.Context, pin string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.sweepLocked(now)
	b.expiredLocked(pin, now)
	if at, ok := b.pins[pin]; ok && now.Before(at) {
		return false, nil
	}
	delete(b.pinGames, pin)
	b.pins[pin] = now.Add(ttl)
	return true, nil
}

// PINReserved implements lobby.PINs.
func (b *Bus) PINReserved(ctx context.Context, pin string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.expiredLocked(pin, now)
	at, ok := b.pins[pin]
	return ok && now.Before(at), nil
}

// ReleasePIN implements lobby.PINs.
func (b *Bus) ReleasePIN(ctx context.Context, pin string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pins, pin)
	delete(b.pinGames, pin)
	return nil
}

// AcquireLease implements lobby.Leases.
func (b *Bus) AcquireLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	return b.takeLease(ctx, room, holder, ttl, true)
}

// RenewLease implements lobby.Leases.
func (b *Bus) RenewLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	return b.takeLease(ctx, room, holder, ttl, false)
}

// takeLease gives holder the lease of room for ttl from now when holder
// holds it, or (when free is true) when nobody does.
func (b *Bus) takeLease(ctx context.Context, room, holder string, ttl time.Duration, free bool) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.holderLocked(room) != holder && !(free && b.holderLocked(room) == "") {
		return false, nil
	}
	b.leases[room] = lease{holder: holder, expires: b.now().Add(ttl)}
	return true, nil
}

// holderLocked is room's current lease holder, or "".
func (b *Bus) holderLocked(room string) string {
	now := b.now()
	b.expiredLocked(room, now)
	l, ok := b.leases[room]
	if !ok || !now.Before(l.expires) {
		return ""
	}
	return l.holder
}

// ReleaseLease implements lobby.Leases.
func (b *Bus) ReleaseLease(ctx context.Context, room, holder string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if l, ok := b.leases[room]; ok && l.holder == holder {
		delete(b.leases, room)
	}
	return nil
}

// LeaseHolder implements lobby.Leases.
func (b *Bus) LeaseHolder(ctx context.Context, room string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.holderLocked(room), nil
}

func (b *Bus) logLocked(room string) *inputLog {
	l := b.logs[room]
	if l == nil {
		l = &inputLog{grown: make(chan struct{})}
		b.logs[room] = l
	}
	return l
}

// AppendInput implements lobby.InputLog.
func (b *Bus) AppendInput(ctx context.Context, room string, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appendLocked(room, data), nil
}

// appendLocked appends data to room's log. Caller holds b.mu.
func (b *Bus) appendLocked(room string, data []byte) string {
	b.expiredLocked(room, b.now())
	l := b.logLocked(room)
	l.next++
	id := strconv.FormatUint(l.next, 10)
	l.entries = append(l.entries, lobby.Input{ID: id, Data: data})
	close(l.grown)
	l.grown = make(chan struct{})
	return id
}

func parseID(id string) (uint64, error) {
	if id == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("membus: bad input id %q", id)
	}
	return n, nil
}

// CompareInputs implements lobby.InputLog: ids count up from 1.
func (b *Bus) CompareInputs(x, y string) int {
	nx, errx := parseID(x)
	ny, erry := parseID(y)
	if errx != nil || erry != nil {
		return strings.Compare(x, y) // not ids of this bus: any fixed order
	}
	return cmp.Compare(nx, ny)
}

// ReadInputs implements lobby.InputLog.
func (b *Bus) ReadInputs(ctx context.Context, room, after string, max int, block time.Duration) ([]lobby.Input, error) {
	from, err := parseID(after)
	if err != nil {
		return nil, err
	}
	if max <= 0 {
		max = 1
	}
	var timeout <-chan time.Time
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b.mu.Lock()
		l := b.logLocked(room)
		out := collect(nil, l.entries, from, max)
		grown := l.grown
		b.mu.Unlock()
		if len(out) > 0 || block <= 0 {
			return out, nil
		}
		if timeout == nil {
			t := time.NewTimer(block)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-grown:
		case <-timeout:
			return []lobby.Input{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// PollInputs implements lobby.InProcessLog: the read and the channel are
// taken under the lock appends close the channel under.
func (b *Bus) PollInputs(dst []lobby.Input, room, after string, max int) ([]lobby.Input, <-chan struct{}, error) {
	from, err := parseID(after)
	if max <= 0 {
		max = 1
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.logLocked(room)
	if err != nil {
		return dst, l.grown, err
	}
	return collect(dst, l.entries, from, max), l.grown, nil
}

// collect appends to dst up to max entries with IDs after from. Entries are
// sorted by ID and IDs are dense from the first kept entry, so the start is
// computed.
func collect(dst, entries []lobby.Input, from uint64, max int) []lobby.Input {
	if len(entries) == 0 {
		return dst
	}
	first, _ := strconv.ParseUint(entries[0].ID, 10, 64)
	start := 0
	if from >= first {
		start = int(from - first + 1)
	}
	if start >= len(entries) {
		return dst
	}
	end := min(start+max, len(entries))
	return append(dst, entries[start:end]...)
}

// TrimInputs implements lobby.InputLog.
func (b *Bus) TrimInputs(ctx context.Context, room, upTo string) error {
	n, err := parseID(upTo)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.logs[room]
	if l == nil || len(l.entries) == 0 {
		return nil
	}
	first, _ := strconv.ParseUint(l.entries[0].ID, 10, 64)
	if n < first {
		return nil
	}
	drop := min(int(n-first+1), len(l.entries))
	l.entries = append([]lobby.Input(nil), l.entries[drop:]...)
	return nil
}

type subscription struct {
	bus  *Bus
	room string
	c    chan lobby.Output
	once sync.Once
	stop func() bool
}

func (s *subscription) C() <-chan lobby.Output { return s.c }

func (s *subscription) Close() error {
	s.once.Do(func() {
		s.stop()
		s.bus.mu.Lock()
		delete(s.bus.subs[s.room], s)
		if len(s.bus.subs[s.room]) == 0 {
			delete(s.bus.subs, s.room)
		}
		// Closing under the lock: Publish sends under it too, so it never
		// sends on a closed channel.
		close(s.c)
		s.bus.mu.Unlock()
	})
	return nil
}

// Publish implements lobby.Broadcaster. It never blocks: a subscriber with a
// full buffer misses out. SubscribeFunc's subscribers are called before it
// returns (see deliver).
func (b *Bus) Publish(ctx context.Context, room string, out lobby.Output) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	d, first := b.publishLocked(room, out)
	b.mu.Unlock()
	b.deliver(d, first)
	return nil
}

// publishLocked keeps out as room's last output and sends it to every
// subscriber with room in its buffer. For the function subscribers it
// returns the room and out with the subscribers to call (d nil: none, or
// another publisher is calling them and takes out in turn); the caller
// hands them to deliver once it released b.mu. Caller holds b.mu.
func (b *Bus) publishLocked(room string, out lobby.Output) (d *directRoom, first pending) {
	b.expiredLocked(room, b.now())
	b.last[room] = out
	for s := range b.subs[room] {
		select {
		case s.c <- out:
		default:
		}
	}
	d = b.direct[room]
	if d == nil || len(d.subs) == 0 {
		return nil, pending{}
	}
	p := pending{out: out, subs: d.subs}
	if d.delivering {
		d.queue = append(d.queue, p)
		return nil, pending{}
	}
	d.delivering = true
	return d, p
}

// directRoom is a room's function subscribers, under b.mu.
//
// The functions run on the publishing goroutine without b.mu held, so that
// they may call the Bus (a subscriber closing itself, a view appending an
// input) and so that a fan-out does not hold up every other room's appends
// and publishes. Order comes from delivering: one publisher at a time calls
// a room's subscribers; an output published meanwhile is queued, under
// b.mu, in publish order, and the delivering publisher calls them with it
// before it returns. The lobby has one publisher per room (its actor), so
// in practice every output is delivered by its own Publish.
type directRoom struct {
	room string
	// subs is copied on write: a queued output keeps the subscribers of its
	// publish, so one subscribed later never gets an earlier output.
	subs       []*funcSub
	delivering bool
	queue      []pending
	head       int // queue[head:] waits
}

// pending is one output and the subscribers it goes to.
type pending struct {
	out  lobby.Output
	subs []*funcSub
}

// deliver calls the subscribers of first, then of every output queued for
// d meanwhile, in order. d nil: nothing to do.
func (b *Bus) deliver(d *directRoom, first pending) {
	if d == nil {
		return
	}
	done := false
	defer func() {
		if !done {
			// fn panicked or ended its goroutine (t.Fatal): the next
			// publisher delivers; what was queued is lost, a gap its
			// subscribers see.
			b.mu.Lock()
			clear(d.queue)
			d.queue, d.head, d.delivering = d.queue[:0], 0, false
			b.mu.Unlock()
		}
	}()
	p := first
	for {
		for _, s := range p.subs {
			if !s.closed.Load() {
				s.fn(p.out)
			}
		}
		b.mu.Lock()
		if d.head == len(d.queue) {
			clear(d.queue)
			d.queue, d.head = d.queue[:0], 0
			d.delivering = false
			if len(d.subs) == 0 && b.direct[d.room] == d {
				delete(b.direct, d.room)
			}
			b.mu.Unlock()
			done = true
			return
		}
		p = d.queue[d.head]
		d.queue[d.head] = pending{}
		d.head++
		b.mu.Unlock()
	}
}

// funcSub is one SubscribeFunc subscriber.
type funcSub struct {
	bus    *Bus
	room   string
	fn     func(lobby.Output)
	closed atomic.Bool
	once   sync.Once
}

// Close implements io.Closer. The delivering publisher checks closed before
// each call: after a Close made inside fn, fn is not called again; a Close
// on another goroutine does not wait for a call under way (which may have
// passed its check), so fn may run once more after it returns.
func (s *funcSub) Close() error {
	s.once.Do(func() {
		s.closed.Store(true)
		b := s.bus
		b.mu.Lock()
		defer b.mu.Unlock()
		d := b.direct[s.room]
		if d == nil {
			return
		}
		d.subs = slices.DeleteFunc(slices.Clone(d.subs), func(x *funcSub) bool { return x == s })
		if len(d.subs) == 0 && !d.delivering {
			delete(b.direct, s.room)
		}
	})
	return nil
}

// SubscribeFunc implements lobby.InProcessBroadcaster: fn is called with
// every output of room published from now on until Close, on the
// publishing goroutine, in publish order, one call at a time, none dropped.
// ctx bounds the call, not the subscription.
func (b *Bus) SubscribeFunc(ctx context.Context, room string, fn func(lobby.Output)) (io.Closer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &funcSub{bus: b, room: room, fn: fn}
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.direct[room]
	if d == nil {
		d = &directRoom{room: room}
		b.direct[room] = d
	}
	// Clip: the old slice may be a queued output's set; never write into it.
	d.subs = append(slices.Clip(d.subs), s)
	return s, nil
}

// Subscribe implements lobby.Broadcaster.
func (b *Bus) Subscribe(ctx context.Context, room string) (lobby.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &subscription{bus: b, room: room, c: make(chan lobby.Output, b.buffer)}
	b.mu.Lock()
	if b.subs[room] == nil {
		b.subs[room] = map[*subscription]struct{}{}
	}
	b.subs[room][s] = struct{}{}
	b.mu.Unlock()
	s.stop = context.AfterFunc(ctx, func() { s.Close() })
	return s, nil
}

// LastOutput implements lobby.Broadcaster.
func (b *Bus) LastOutput(ctx context.Context, room string) (lobby.Output, bool, error) {
	if err := ctx.Err(); err != nil {
		return lobby.Output{}, false, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	out, ok := b.last[room]
	return out, ok, nil
}

// SaveSnapshot implements lobby.Snapshots, fenced by f's lease holder.
func (b *Bus) SaveSnapshot(ctx context.Context, room string, f lobby.Fence, s lobby.Snapshot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.Data = append([]byte(nil), s.Data...)
	b.mu.Lock()
	defer b.mu.Unlock()
	if f.Holder != "" && b.holderLocked(room) != f.Holder {
		return lobby.ErrLeaseLost
	}
	b.expiredLocked(room, b.now())
	b.snapshots[room] = s
	return nil
}

// LoadSnapshot implements lobby.Snapshots.
func (b *Bus) LoadSnapshot(ctx context.Context, room string) (lobby.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return lobby.Snapshot{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	s, ok := b.snapshots[room]
	if !ok {
		return lobby.Snapshot{}, lobby.ErrNoSnapshot
	}
	return s, nil
}

// ExpireRoom implements lobby.Retention.
func (b *Bus) ExpireRoom(ctx context.Context, room string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if ttl <= 0 {
		b.dropRoomLocked(room)
		return nil
	}
	at := b.now().Add(ttl)
	b.expiries[room] = at
	if _, ok := b.pins[room]; ok {
		b.pins[room] = at
	}
	return nil
}

// InProcess implements lobby.InProcessLog and lobby.InProcessBroadcaster:
// the input log and the broadcast live in this process, so the lobby
// appends answers on their connection's reader, the room's actor polls the
// log itself, and views take outputs on the actor's goroutine
// (SubscribeFunc), with no goroutine or timer between.
func (b *Bus) InProcess() bool { return true }

// Ping implements lobby.Pinger; memory is always there.
func (b *Bus) Ping(ctx context.Context) error { return ctx.Err() }
