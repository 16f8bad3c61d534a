// Package bustest is the conformance suite every lobby.Bus implementation
// runs (the in-memory bus, the Redis bus on miniredis and on a real server),
// and FaultBus, a lobby.Bus wrapper that injects failures (kill, partition,
// lost outputs, one failing operation) for the lobby's failover tests and
// the cluster tests.
//
// Concurrency: Run starts goroutines only inside its subtests and waits for
// them before returning. A FaultBus is safe for concurrent use; each of its
// subscriptions runs one goroutine that ends when the inner subscription's
// channel closes (Close waits for it).
package bustest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// Options adapt the suite to an implementation.
type Options struct {
	// Advance moves the bus's clock forward by d, for the expiry tests. When
	// nil the suite waits in real time (TTLs are a few hundred milliseconds).
	Advance func(d time.Duration)
}

// Run runs the whole suite; newBus returns a fresh (or shared: every test
// uses unique room names) bus.
func Run(t *testing.T, newBus func(t *testing.T) lobby.Bus) {
	RunOptions(t, newBus, Options{})
}

// RunOptions is Run with options.
func RunOptions(t *testing.T, newBus func(t *testing.T) lobby.Bus, opts Options) {
	s := suite{newBus: newBus, opts: opts}
	t.Run("PINs", s.pins)
	t.Run("PINExpiry", s.pinExpiry)
	t.Run("Leases", s.leases)
	t.Run("LeaseExpiry", s.leaseExpiry)
	t.Run("InputLog", s.inputLog)
	t.Run("InputLogBlocking", s.inputLogBlocking)
	t.Run("InputTrim", s.inputTrim)
	t.Run("InProcessLog", s.inProcessLog)
	t.Run("Broadcast", s.broadcast)
	t.Run("InProcessBroadcast", s.inProcessBroadcast)
	t.Run("InProcessBroadcastConcurrent", s.inProcessBroadcastConcurrent)
	t.Run("SubscriptionEndsWithContext", s.subscriptionContext)
	t.Run("Snapshots", s.snapshots)
	t.Run("SnapshotsFenced", s.snapshotsFenced)
	t.Run("InputOrder", s.inputOrder)
	t.Run("LastOutput", s.lastOutput)
	t.Run("ExpireRoom", s.expireRoom)
	t.Run("Ping", s.ping)
	t.Run("TermsClaimTakeOver", s.termsClaimTakeOver)
	t.Run("TermsFenced", s.termsFenced)
	t.Run("TermsForgotten", s.termsForgotten)
}

type suite struct {
	newBus func(t *testing.T) lobby.Bus
	opts   Options
}

// room returns a name no other test uses, so suites can share a store.
func room(t *testing.T) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b[:])
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// pass lets d go by on the bus's clock.
func (s suite) pass(t *testing.T, d time.Duration) {
	t.Helper()
	if s.opts.Advance != nil {
		s.opts.Advance(d)
		return
	}
	// Expiry is a matter of time passing, not of an event to wait for.
	timer := time.NewTimer(d)
	defer timer.Stop()
	<-timer.C
}

// must turns (v, err) into v, failing the test on err: must(f())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func (s suite) pins(t *testing.T) {
	b, c, pin := s.newBus(t), ctx(t), room(t)
	if must(b.PINReserved(c, pin))(t) {
		t.Fatal("fresh PIN reported reserved")
	}
	if !must(b.ReservePIN(c, pin, time.Minute))(t) {
		t.Fatal("first reservation refused")
	}
	if must(b.ReservePIN(c, pin, time.Minute))(t) {
		t.Fatal("second reservation of the same PIN granted")
	}
	if !must(b.PINReserved(c, pin))(t) {
		t.Fatal("reserved PIN not reported reserved")
	}
	if err := b.ReleasePIN(c, pin); err != nil {
		t.Fatal(err)
	}
	if must(b.PINReserved(c, pin))(t) {
		t.Fatal("released PIN still reserved")
	}
	if !must(b.ReservePIN(c, pin, time.Minute))(t) {
		t.Fatal("released PIN cannot be reserved again")
	}
}

func (s suite) pinExpiry(t *testing.T) {
	b, c, pin := s.newBus(t), ctx(t), room(t)
	if !must(b.ReservePIN(c, pin, 300*time.Millisecond))(t) {
		t.Fatal("reservation refused")
	}
	s.pass(t, 600*time.Millisecond)
	if must(b.PINReserved(c, pin))(t) {
		t.Fatal("PIN still reserved after its ttl")
	}
	if !must(b.ReservePIN(c, pin, time.Minute))(t) {
		t.Fatal("expired PIN cannot be reserved")
	}
}

func (s suite) leases(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if h := must(b.LeaseHolder(c, r))(t); h != "" {
		t.Fatalf("fresh room held by %q", h)
	}
	if !must(b.AcquireLease(c, r, "a", time.Minute))(t) {
		t.Fatal("a cannot acquire a free lease")
	}
	if must(b.AcquireLease(c, r, "b", time.Minute))(t) {
		t.Fatal("b acquired a lease held by a")
	}
	if !must(b.AcquireLease(c, r, "a", time.Minute))(t) {
		t.Fatal("a cannot re-acquire its own lease")
	}
	if h := must(b.LeaseHolder(c, r))(t); h != "a" {
		t.Fatalf("holder = %q, want a", h)
	}
	if must(b.RenewLease(c, r, "b", time.Minute))(t) {
		t.Fatal("b renewed a's lease")
	}
	if !must(b.RenewLease(c, r, "a", time.Minute))(t) {
		t.Fatal("a cannot renew its lease")
	}
	if err := b.ReleaseLease(c, r, "b"); err != nil {
		t.Fatal(err)
	}
	if h := must(b.LeaseHolder(c, r))(t); h != "a" {
		t.Fatalf("b's release freed a's lease: holder %q", h)
	}
	if err := b.ReleaseLease(c, r, "a"); err != nil {
		t.Fatal(err)
	}
	if h := must(b.LeaseHolder(c, r))(t); h != "" {
		t.Fatalf("released lease held by %q", h)
	}
	if must(b.RenewLease(c, r, "a", time.Minute))(t) {
		t.Fatal("a renewed a released lease")
	}
	if !must(b.AcquireLease(c, r, "b", time.Minute))(t) {
		t.Fatal("b cannot acquire a released lease")
	}
}

func (s suite) leaseExpiry(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if !must(b.AcquireLease(c, r, "a", 300*time.Millisecond))(t) {
		t.Fatal("acquire refused")
	}
	s.pass(t, 600*time.Millisecond)
	if h := must(b.LeaseHolder(c, r))(t); h != "" {
		t.Fatalf("lapsed lease still held by %q", h)
	}
	if must(b.RenewLease(c, r, "a", time.Minute))(t) {
		t.Fatal("a renewed a lapsed lease")
	}
	if !must(b.AcquireLease(c, r, "b", time.Minute))(t) {
		t.Fatal("b cannot take a lapsed lease")
	}
}

func appendAll(t *testing.T, b lobby.Bus, r string, data ...string) []string {
	t.Helper()
	var ids []string
	for _, d := range data {
		ids = append(ids, must(b.AppendInput(ctx(t), r, []byte(d)))(t))
	}
	return ids
}

func checkInputs(t *testing.T, got []lobby.Input, ids []string, data []string) {
	t.Helper()
	if len(got) != len(data) {
		t.Fatalf("got %d inputs, want %d: %q", len(got), len(data), got)
	}
	for i := range got {
		if got[i].ID != ids[i] || string(got[i].Data) != data[i] {
			t.Fatalf("input %d = {%s %q}, want {%s %q}", i, got[i].ID, got[i].Data, ids[i], data[i])
		}
	}
}

func (s suite) inputLog(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	got := must(b.ReadInputs(c, r, lobby.InputStart, 10, 0))(t)
	if len(got) != 0 {
		t.Fatalf("empty log returned %d inputs", len(got))
	}
	data := []string{`{"a":1}`, `{"a":2}`, `{"a":3}`, `{"a":4}`}
	ids := appendAll(t, b, r, data...)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || id == lobby.InputStart || id == "" {
			t.Fatalf("input IDs not distinct: %q", ids)
		}
		seen[id] = true
	}
	checkInputs(t, must(b.ReadInputs(c, r, lobby.InputStart, 10, 0))(t), ids, data)
	checkInputs(t, must(b.ReadInputs(c, r, ids[0], 10, 0))(t), ids[1:], data[1:])
	checkInputs(t, must(b.ReadInputs(c, r, lobby.InputStart, 2, 0))(t), ids[:2], data[:2])
	checkInputs(t, must(b.ReadInputs(c, r, ids[3], 10, 0))(t), nil, nil)
	// Another room's log is separate.
	if got := must(b.ReadInputs(c, room(t), lobby.InputStart, 10, 0))(t); len(got) != 0 {
		t.Fatalf("another room sees %d inputs", len(got))
	}
}

func (s suite) inputLogBlocking(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	start := time.Now()
	got := must(b.ReadInputs(c, r, lobby.InputStart, 10, 200*time.Millisecond))(t)
	if len(got) != 0 {
		t.Fatalf("timed-out read returned %d inputs", len(got))
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Fatalf("blocking read returned after %v, before its block time", time.Since(start))
	}

	type result struct {
		in  []lobby.Input
		err error
	}
	done := make(chan result, 1)
	go func() {
		in, err := b.ReadInputs(c, r, lobby.InputStart, 10, 5*time.Second)
		done <- result{in, err}
	}()
	// The reader may or may not be waiting yet; either way it must see the input.
	id := must(b.AppendInput(c, r, []byte("x")))(t)
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkInputs(t, res.in, []string{id}, []string{"x"})

	cctx, cancel := context.WithCancel(c)
	errc := make(chan error, 1)
	go func() {
		_, err := b.ReadInputs(cctx, r, id, 10, 5*time.Second)
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel = %v, want context.Canceled", err)
	}
}

// grownNow reports whether grown is closed.
func grownNow(grown <-chan struct{}) bool {
	select {
	case <-grown:
		return true
	default:
		return false
	}
}

// inProcessLog checks lobby.InProcessLog, on a bus that reports it: the
// room's actor polls the log and waits on the channel, so an append after a
// poll must close the channel that poll returned, whatever path it takes.
func (s suite) inProcessLog(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	local, ok := b.(lobby.InProcessLog)
	if !ok || !local.InProcess() {
		t.Skip("the input log is not in this process")
	}
	poll := func(dst []lobby.Input, after string, max int) ([]lobby.Input, <-chan struct{}) {
		t.Helper()
		ins, grown, err := local.PollInputs(dst, r, after, max)
		if err != nil {
			t.Fatal(err)
		}
		if grown == nil {
			t.Fatal("PollInputs returned no channel")
		}
		return ins, grown
	}
	got, grown := poll(nil, lobby.InputStart, 10)
	if len(got) != 0 || grownNow(grown) {
		t.Fatalf("empty log: %d inputs, grown closed %v", len(got), grownNow(grown))
	}
	data := []string{"1", "2", "3"}
	ids := appendAll(t, b, r, data...)
	if !grownNow(grown) {
		t.Fatal("appends left the channel of the poll before them open")
	}
	got, grown = poll(make([]lobby.Input, 0, 8), lobby.InputStart, 2)
	checkInputs(t, got, ids[:2], data[:2])
	if grownNow(grown) {
		t.Fatal("a poll after the last append returned a closed channel")
	}
	// dst is appended to, as the actor reuses its buffer.
	got, _ = poll(got, ids[1], 10)
	checkInputs(t, got, ids, data)

	// The appends of the lobby's own paths close it too.
	term, err := b.ClaimRoom(c, r, "g1", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, grown = poll(nil, ids[2], 10)
	id4 := must(b.AppendInputLive(c, r, []byte("4")))(t)
	if !grownNow(grown) {
		t.Fatal("AppendInputLive left the channel open")
	}
	_, grown = poll(nil, id4, 10)
	id5 := must(b.AppendInputFenced(c, r, term, []byte("5")))(t)
	if !grownNow(grown) {
		t.Fatal("AppendInputFenced left the channel open")
	}
	got, _ = poll(nil, id4, 10)
	checkInputs(t, got, []string{id5}, []string{"5"})

	if _, grown, err := local.PollInputs(nil, r, "not an id", 1); err != nil && grown == nil {
		t.Fatal("PollInputs returned an error and no channel to wait on")
	}
}

func (s suite) inputTrim(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	data := []string{"1", "2", "3"}
	ids := appendAll(t, b, r, data...)
	if err := b.TrimInputs(c, r, ids[1]); err != nil {
		t.Fatal(err)
	}
	checkInputs(t, must(b.ReadInputs(c, r, ids[1], 10, 0))(t), ids[2:], data[2:])
	id4 := must(b.AppendInput(c, r, []byte("4")))(t)
	checkInputs(t, must(b.ReadInputs(c, r, ids[1], 10, 0))(t), []string{ids[2], id4}, []string{"3", "4"})
}

func receive(t *testing.T, sub lobby.Subscription) lobby.Output {
	t.Helper()
	select {
	case o, ok := <-sub.C():
		if !ok {
			t.Fatal("subscription closed early")
		}
		return o
	case <-time.After(5 * time.Second):
		t.Fatal("no output within 5s")
	}
	return lobby.Output{}
}

func (s suite) broadcast(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if err := b.Publish(c, r, lobby.Output{Seq: 1, Data: []byte("nobody")}); err != nil {
		t.Fatalf("publish without subscribers: %v", err)
	}
	sub1 := must(b.Subscribe(c, r))(t)
	sub2 := must(b.Subscribe(c, r))(t)
	other := must(b.Subscribe(c, room(t)))(t)
	defer other.Close()
	payload := bytes.Repeat([]byte{0, 1, 2, 255}, 1000) // binary-safe
	for i := uint64(1); i <= 3; i++ {
		if err := b.Publish(c, r, lobby.Output{Seq: i, Data: append([]byte(fmt.Sprint(i)), payload...)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sub := range []lobby.Subscription{sub1, sub2} {
		for i := uint64(1); i <= 3; i++ {
			o := receive(t, sub)
			want := append([]byte(fmt.Sprint(i)), payload...)
			if o.Seq != i || !bytes.Equal(o.Data, want) {
				t.Fatalf("output %d = seq %d, %d bytes; want seq %d, %d bytes", i, o.Seq, len(o.Data), i, len(want))
			}
		}
	}
	if err := sub1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sub1.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for range sub1.C() {
		// Drain anything in flight; the channel must end.
	}
	if err := b.Publish(c, r, lobby.Output{Seq: 4, Data: []byte("4")}); err != nil {
		t.Fatal(err)
	}
	if o := receive(t, sub2); o.Seq != 4 {
		t.Fatalf("after another subscriber closed: seq %d, want 4", o.Seq)
	}
	select {
	case o := <-other.C():
		t.Fatalf("other room received seq %d", o.Seq)
	default:
	}
	sub2.Close()
}

// funcLog records what SubscribeFunc subscribers were called with.
type funcLog struct {
	mu    sync.Mutex
	calls []string // "name:seq"
}

func (f *funcLog) add(name string, seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s:%d", name, seq))
}

// take returns the calls so far and forgets them.
func (f *funcLog) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// broadcastCheck is the state of inProcessBroadcast: the bus, the room and
// the log of the subscribers' calls.
type broadcastCheck struct {
	t      *testing.T
	b      lobby.Bus
	direct lobby.InProcessBroadcaster
	c      context.Context
	r      string
	log    funcLog
}

func (k *broadcastCheck) out(seq uint64) lobby.Output {
	return lobby.Output{Seq: seq, Data: []byte(fmt.Sprint(seq))}
}

func (k *broadcastCheck) publish(seq uint64) {
	k.t.Helper()
	if err := k.b.Publish(k.c, k.r, k.out(seq)); err != nil {
		k.t.Fatal(err)
	}
}

// expect checks the subscribers' calls since the last expect.
func (k *broadcastCheck) expect(what string, want ...string) {
	k.t.Helper()
	if got := k.log.take(); !slices.Equal(got, want) {
		k.t.Fatalf("%s: calls %v, want %v", what, got, want)
	}
}

// inProcessBroadcast checks lobby.InProcessBroadcaster, on a bus that
// reports it: the lobby's views deliver on the publisher's goroutine and
// rely on every output coming once, in order, before Publish returns, and
// on being free to call the Bus (their own Close, an append) from fn.
func (s suite) inProcessBroadcast(t *testing.T) {
	b := s.newBus(t)
	direct, ok := b.(lobby.InProcessBroadcaster)
	if !ok || !direct.InProcess() {
		t.Skip("the broadcast is not in this process")
	}
	k := &broadcastCheck{t: t, b: b, direct: direct, c: ctx(t), r: room(t)}
	k.publish(1) // nobody subscribed: nobody called
	var subA, subC io.Closer
	subA = must(direct.SubscribeFunc(k.c, k.r, func(o lobby.Output) {
		if string(o.Data) != fmt.Sprint(o.Seq) {
			t.Errorf("output %d carries %q", o.Seq, o.Data)
		}
		k.log.add("a", o.Seq)
		switch o.Seq {
		case 3:
			// Published from inside a delivery: it waits its turn and
			// comes after this output, to every subscriber, before the
			// outer Publish returns. Subscribed now, c gets only what is
			// published after (not 4, queued already).
			if err := b.Publish(k.c, k.r, k.out(4)); err != nil {
				t.Error(err)
			}
			subC = must(direct.SubscribeFunc(k.c, k.r, func(o lobby.Output) { k.log.add("c", o.Seq) }))(t)
		case 5:
			// Closing itself with an output queued: not called with it
			// (a view closes so on the game's end).
			if err := b.Publish(k.c, k.r, k.out(6)); err != nil {
				t.Error(err)
			}
			subA.Close()
		}
	}))(t)
	subB := must(direct.SubscribeFunc(k.c, k.r, func(o lobby.Output) { k.log.add("b", o.Seq) }))(t)
	other := must(direct.SubscribeFunc(k.c, room(t), func(o lobby.Output) { k.log.add("other", o.Seq) }))(t)
	defer other.Close()
	ch := must(b.Subscribe(k.c, k.r))(t)
	defer ch.Close()

	k.publish(2)
	k.expect("one publish", "a:2", "b:2")
	k.publish(3)
	k.expect("a publish from inside a delivery", "a:3", "b:3", "a:4", "b:4")
	k.publish(5)
	k.expect("a subscriber closing itself", "a:5", "b:5", "c:5", "b:6", "c:6")
	k.publish(7)
	k.expect("after a closed itself", "b:7", "c:7")
	if err := subB.Close(); err != nil {
		t.Fatal(err)
	}
	if err := subB.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	k.publish(8)
	k.expect("after b was closed", "c:8")
	k.fencedAndClosed(subC, ch)
}

// fencedAndClosed goes on from inProcessBroadcast with c the one function
// subscriber left: the fenced publish calls it, a stale one does not, and
// after it closes nobody is called; the channel subscriber got every output
// since it subscribed, as before.
func (k *broadcastCheck) fencedAndClosed(subC io.Closer, ch lobby.Subscription) {
	t := k.t
	term := must(k.b.ClaimRoom(k.c, k.r, "g1", "a", time.Minute))(t)
	if err := k.b.PublishFenced(k.c, k.r, term, k.out(9)); err != nil {
		t.Fatal(err)
	}
	k.expect("a fenced publish", "c:9")
	if err := k.b.PublishFenced(k.c, k.r, term+1, k.out(10)); err == nil {
		t.Fatal("a publish fenced by a term not yet taken went through")
	}
	k.expect("a refused publish")
	subC.Close()
	k.publish(11)
	k.expect("everyone closed")
	for _, want := range []uint64{2, 3, 4, 5, 6, 7, 8, 9, 11} {
		if o := receive(t, ch); o.Seq != want {
			t.Fatalf("channel subscriber: seq %d, want %d", o.Seq, want)
		}
	}
}

// inProcessBroadcastConcurrent publishes to one room from several
// goroutines while subscribers come and go: each subscriber is called one
// output at a time, every subscriber that stays sees the same order, and
// none misses one (run it with -race).
func (s suite) inProcessBroadcastConcurrent(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	direct, ok := b.(lobby.InProcessBroadcaster)
	if !ok || !direct.InProcess() {
		t.Skip("the broadcast is not in this process")
	}
	const publishers, each = 4, 200
	type seen struct {
		busy atomic.Bool
		seqs []uint64
	}
	stay := make([]*seen, 2)
	for i := range stay {
		sn := &seen{}
		stay[i] = sn
		sub := must(direct.SubscribeFunc(c, r, func(o lobby.Output) {
			if sn.busy.Swap(true) {
				t.Error("two calls of one subscriber at once")
			}
			sn.seqs = append(sn.seqs, o.Seq)
			sn.busy.Store(false)
		}))(t)
		defer sub.Close()
	}
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range each {
				if err := b.Publish(c, r, lobby.Output{Seq: uint64(p*each + i + 1)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() { // subscribers that come and go meanwhile
		for range 100 {
			sub := must(direct.SubscribeFunc(c, r, func(lobby.Output) {}))(t)
			sub.Close()
		}
	})
	wg.Wait()
	a, z := stay[0].seqs, stay[1].seqs
	if len(a) != publishers*each || !slices.Equal(a, z) {
		t.Fatalf("subscribers saw %d and %d outputs (equal: %v), want %d each, in one order", len(a), len(z), slices.Equal(a, z), publishers*each)
	}
	// Each publisher's own outputs come in the order it published them.
	last := make([]uint64, publishers)
	for _, seq := range a {
		p := (seq - 1) / each
		if seq <= last[p] {
			t.Fatalf("seq %d after %d from the same publisher", seq, last[p])
		}
		last[p] = seq
	}
}

func (s suite) subscriptionContext(t *testing.T) {
	b, r := s.newBus(t), room(t)
	c, cancel := context.WithCancel(ctx(t))
	sub := must(b.Subscribe(c, r))(t)
	cancel()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-sub.C():
			if !ok {
				sub.Close()
				return
			}
		case <-timeout:
			t.Fatal("subscription channel not closed after its context ended")
		}
	}
}

func (s suite) snapshots(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if _, err := b.LoadSnapshot(c, r); !errors.Is(err, lobby.ErrNoSnapshot) {
		t.Fatalf("load of a missing snapshot = %v, want ErrNoSnapshot", err)
	}
	want := lobby.Snapshot{Data: []byte{0, 1, 2, 'x'}, LastInput: "", Seq: 7}
	ids := appendAll(t, b, r, "a")
	want.LastInput = ids[0]
	if err := b.SaveSnapshot(c, r, lobby.Unfenced, want); err != nil {
		t.Fatal(err)
	}
	got := must(b.LoadSnapshot(c, r))(t)
	if !bytes.Equal(got.Data, want.Data) || got.LastInput != want.LastInput || got.Seq != want.Seq {
		t.Fatalf("loaded %+v, want %+v", got, want)
	}
	want2 := lobby.Snapshot{Data: []byte("second"), LastInput: want.LastInput, Seq: 9}
	if err := b.SaveSnapshot(c, r, lobby.Unfenced, want2); err != nil {
		t.Fatal(err)
	}
	if got := must(b.LoadSnapshot(c, r))(t); string(got.Data) != "second" || got.Seq != 9 {
		t.Fatalf("snapshot not replaced: %+v", got)
	}
}

func (s suite) fillRoom(t *testing.T, b lobby.Bus, r string) {
	t.Helper()
	c := ctx(t)
	if !must(b.ReservePIN(c, r, time.Hour))(t) {
		t.Fatal("reserve refused")
	}
	appendAll(t, b, r, "in")
	if err := b.SaveSnapshot(c, r, lobby.Unfenced, lobby.Snapshot{Data: []byte("s"), Seq: 1}); err != nil {
		t.Fatal(err)
	}
}

func (s suite) roomGone(t *testing.T, b lobby.Bus, r string) {
	t.Helper()
	c := ctx(t)
	if must(b.PINReserved(c, r))(t) {
		t.Error("PIN still reserved")
	}
	if _, err := b.LoadSnapshot(c, r); !errors.Is(err, lobby.ErrNoSnapshot) {
		t.Errorf("snapshot still there: %v", err)
	}
	if got := must(b.ReadInputs(c, r, lobby.InputStart, 10, 0))(t); len(got) != 0 {
		t.Errorf("%d inputs still there", len(got))
	}
}

func (s suite) expireRoom(t *testing.T) {
	b, c := s.newBus(t), ctx(t)
	now := room(t)
	s.fillRoom(t, b, now)
	if err := b.ExpireRoom(c, now, 0); err != nil {
		t.Fatal(err)
	}
	s.roomGone(t, b, now)

	later := room(t)
	s.fillRoom(t, b, later)
	if err := b.ExpireRoom(c, later, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !must(b.PINReserved(c, later))(t) {
		t.Fatal("room gone before its retention")
	}
	s.pass(t, 600*time.Millisecond)
	s.roomGone(t, b, later)
}

func (s suite) ping(t *testing.T) {
	if err := s.newBus(t).Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// snapshotsFenced: a fenced snapshot is written only by the lease holder;
// any other writer (its lease lapsed and was taken) gets ErrLeaseLost and
// changes nothing.
func (s suite) snapshotsFenced(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	owner, other := lobby.Fence{Holder: "owner"}, lobby.Fence{Holder: "other"}
	if err := b.SaveSnapshot(c, r, owner, lobby.Snapshot{Data: []byte("nobody holds it"), Seq: 1}); !errors.Is(err, lobby.ErrLeaseLost) {
		t.Fatalf("fenced save without a lease = %v, want ErrLeaseLost", err)
	}
	if !must(b.AcquireLease(c, r, owner.Holder, time.Minute))(t) {
		t.Fatal("lease refused")
	}
	if err := b.SaveSnapshot(c, r, owner, lobby.Snapshot{Data: []byte("owner's"), Seq: 2}); err != nil {
		t.Fatalf("the holder's save: %v", err)
	}
	if err := b.SaveSnapshot(c, r, other, lobby.Snapshot{Data: []byte("stale"), Seq: 3}); !errors.Is(err, lobby.ErrLeaseLost) {
		t.Fatalf("another writer's save = %v, want ErrLeaseLost", err)
	}
	if got := must(b.LoadSnapshot(c, r))(t); string(got.Data) != "owner's" || got.Seq != 2 {
		t.Fatalf("snapshot after a refused write: %+v", got)
	}
	if err := b.ReleaseLease(c, r, owner.Holder); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveSnapshot(c, r, owner, lobby.Snapshot{Data: []byte("released"), Seq: 4}); !errors.Is(err, lobby.ErrLeaseLost) {
		t.Fatalf("save after releasing the lease = %v, want ErrLeaseLost", err)
	}
	if err := b.SaveSnapshot(c, r, lobby.Unfenced, lobby.Snapshot{Data: []byte("seed"), Seq: 5}); err != nil {
		t.Fatalf("an unfenced save: %v", err)
	}
}

// inputOrder: CompareInputs orders ids as ReadInputs returns them, with
// InputStart before all.
func (s suite) inputOrder(t *testing.T) {
	b, r := s.newBus(t), room(t)
	ids := appendAll(t, b, r, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l")
	ids = append([]string{lobby.InputStart}, ids...)
	for i := range ids {
		for j := range ids {
			got := b.CompareInputs(ids[i], ids[j])
			if (got < 0) != (i < j) || (got == 0) != (i == j) {
				t.Fatalf("CompareInputs(%q, %q) = %d, want the sign of %d", ids[i], ids[j], got, i-j)
			}
		}
	}
}

// lastOutput: the Bus keeps each room's last published output, subscribed
// or not, and forgets it with the room.
func (s suite) lastOutput(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if _, ok := must3(b.LastOutput(c, r))(t); ok {
		t.Fatal("a last output before any publish")
	}
	for i := uint64(1); i <= 3; i++ {
		if err := b.Publish(c, r, lobby.Output{Seq: i, Data: []byte{byte('0' + i), 0, 255}}); err != nil {
			t.Fatal(err)
		}
	}
	out, ok := must3(b.LastOutput(c, r))(t)
	if !ok || out.Seq != 3 || !bytes.Equal(out.Data, []byte{'3', 0, 255}) {
		t.Fatalf("last output %+v (%v), want seq 3", out, ok)
	}
	if _, ok := must3(b.LastOutput(c, room(t)))(t); ok {
		t.Fatal("another room has a last output")
	}
	if err := b.ExpireRoom(c, r, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := must3(b.LastOutput(c, r))(t); ok {
		t.Fatal("the last output outlived its room")
	}
}

func must3[A, B any](a A, b B, err error) func(t *testing.T) (A, B) {
	return func(t *testing.T) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}
