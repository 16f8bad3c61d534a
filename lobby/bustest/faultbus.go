package bustest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

var _ lobby.Bus = (*FaultBus)(nil)

// ErrKilled is what every call of a killed FaultBus returns.
var ErrKilled = errors.New("bustest: instance killed")

// ErrPartitioned is what every call of a partitioned FaultBus returns.
var ErrPartitioned = errors.New("bustest: instance cut off from the bus")

// ErrInjected is the error Fail injects when given none.
var ErrInjected = errors.New("bustest: injected failure")

// FaultBus wraps a lobby.Bus to inject the failures the cluster tests need:
//   - Kill: the instance vanishes from the Bus at once, as a process killed
//     with SIGKILL would: no lease renewal or release, no snapshot, no
//     publish, and its subscriptions go silent. Nothing is cleaned up.
//   - Partition: like Kill, but the instance lives on and the cut heals
//     when Partition(false) is called: the instance's actors keep running on
//     their own meanwhile (a network partition, or a long pause).
//   - DropOutputs: each output a subscription receives is dropped with the
//     given probability, as pub/sub does under a slow or broken connection.
//   - Fail: one operation (named after its method) fails with an error
//     while the rest of the Bus works: a store that refuses one command.
//   - LoseReplies: an append runs in the store but its caller gets an
//     error, as from a frozen Redis that ran the command after the
//     caller's timeout.
//
// It is the lobby's own failover tests' bus (on lobby/membus) as well as the
// cluster tests' (on Redis).
type FaultBus struct {
	inner  lobby.Bus
	killed atomic.Bool
	cut    atomic.Bool
	// failing maps a method name to the error it returns (see Fail).
	failing sync.Map
	// replyLost maps a method name to the error its caller gets after
	// the call went through (see LoseReplies).
	replyLost sync.Map
	// dropPermille is the share of received outputs dropped, in 1/1000.
	dropPermille atomic.Int64
	dropped      atomic.Int64

	mu   sync.Mutex
	rand uint64 // xorshift state: deterministic drops per bus
}

// NewFaultBus wraps inner; seed makes the drop pattern reproducible.
func NewFaultBus(inner lobby.Bus, seed uint64) *FaultBus {
	return &FaultBus{inner: inner, rand: seed | 1}
}

// Kill makes every later call fail and silences every subscription.
func (f *FaultBus) Kill() { f.killed.Store(true) }

// Killed reports whether Kill was called.
func (f *FaultBus) Killed() bool { return f.killed.Load() }

// Partition cuts the instance off the bus (on) or heals the cut (off).
func (f *FaultBus) Partition(on bool) { f.cut.Store(on) }

// DropOutputs sets the share of received outputs to drop (0..1).
func (f *FaultBus) DropOutputs(share float64) { f.dropPermille.Store(int64(share * 1000)) }

// Dropped is the number of outputs dropped so far.
func (f *FaultBus) Dropped() int64 { return f.dropped.Load() }

func (f *FaultBus) drop() bool {
	p := f.dropPermille.Load()
	if p <= 0 {
		return false
	}
	f.mu.Lock()
	x := f.rand
	x ^= x << 13
	x ^= x >> 7
	x ^= x << 17
	f.rand = x
	f.mu.Unlock()
	return int64(x%1000) < p
}

// Fail makes the method named op (say "LastOutput", "SaveSnapshot") return
// err (ErrInjected when nil) until Heal(op).
func (f *FaultBus) Fail(op string, err error) {
	if err == nil {
		err = ErrInjected
	}
	f.failing.Store(op, err)
}

// Heal undoes Fail(op) and LoseReplies(op).
func (f *FaultBus) Heal(op string) {
	f.failing.Delete(op)
	f.replyLost.Delete(op)
}

// LoseReplies makes the append method named op ("AppendInput" for all of
// them, or one of AppendInputLive, AppendInputFenced) run on the inner Bus
// and then return err (ErrInjected when nil) until Heal(op): the write is
// in the store, its caller was told it failed.
func (f *FaultBus) LoseReplies(op string, err error) {
	if err == nil {
		err = ErrInjected
	}
	f.replyLost.Store(op, err)
}

// lostReply is what the caller of a call that ran (id, err) gets: the
// error LoseReplies set for any of ops, if any.
func (f *FaultBus) lostReply(id string, err error, ops ...string) (string, error) {
	if err != nil {
		return id, err
	}
	for _, op := range ops {
		if e, ok := f.replyLost.Load(op); ok {
			return "", e.(error)
		}
	}
	return id, nil
}

// Inner is the wrapped Bus.
func (f *FaultBus) Inner() lobby.Bus { return f.inner }

func (f *FaultBus) checkOp(op string) error {
	if err, ok := f.failing.Load(op); ok {
		return err.(error)
	}
	return f.check()
}

func (f *FaultBus) check() error {
	if f.killed.Load() {
		return ErrKilled
	}
	if f.cut.Load() {
		return ErrPartitioned
	}
	return nil
}

func (f *FaultBus) ReservePIN(ctx context.Context, pin string, ttl time.Duration) (bool, error) {
	if err := f.checkOp("ReservePIN"); err != nil {
		return false, err
	}
	return f.inner.ReservePIN(ctx, pin, ttl)
}

func (f *FaultBus) PINReserved(ctx context.Context, pin string) (bool, error) {
	if err := f.checkOp("PINReserved"); err != nil {
		return false, err
	}
	return f.inner.PINReserved(ctx, pin)
}

func (f *FaultBus) ReleasePIN(ctx context.Context, pin string) error {
	if err := f.checkOp("ReleasePIN"); err != nil {
		return err
	}
	return f.inner.ReleasePIN(ctx, pin)
}

func (f *FaultBus) AcquireLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	if err := f.checkOp("AcquireLease"); err != nil {
		return false, err
	}
	return f.inner.AcquireLease(ctx, room, holder, ttl)
}

func (f *FaultBus) RenewLease(ctx context.Context, room, holder string, ttl time.Duration) (bool, error) {
	if err := f.checkOp("RenewLease"); err != nil {
		return false, err
	}
	return f.inner.RenewLease(ctx, room, holder, ttl)
}

func (f *FaultBus) ReleaseLease(ctx context.Context, room, holder string) error {
	if err := f.checkOp("ReleaseLease"); err != nil {
		return err
	}
	return f.inner.ReleaseLease(ctx, room, holder)
}

func (f *FaultBus) LeaseHolder(ctx context.Context, room string) (string, error) {
	if err := f.checkOp("LeaseHolder"); err != nil {
		return "", err
	}
	return f.inner.LeaseHolder(ctx, room)
}

func (f *FaultBus) AppendInput(ctx context.Context, room string, data []byte) (string, error) {
	if err := f.checkOp("AppendInput"); err != nil {
		return "", err
	}
	id, err := f.inner.AppendInput(ctx, room, data)
	return f.lostReply(id, err, "AppendInput")
}

func (f *FaultBus) ReadInputs(ctx context.Context, room, after string, max int, block time.Duration) ([]lobby.Input, error) {
	if err := f.checkOp("ReadInputs"); err != nil {
		return nil, err
	}
	in, err := f.inner.ReadInputs(ctx, room, after, max, block)
	if f.killed.Load() {
		// Killed while blocked: the inputs were never seen.
		return nil, ErrKilled
	}
	return in, err
}

func (f *FaultBus) TrimInputs(ctx context.Context, room, upTo string) error {
	if err := f.checkOp("TrimInputs"); err != nil {
		return err
	}
	return f.inner.TrimInputs(ctx, room, upTo)
}

func (f *FaultBus) Publish(ctx context.Context, room string, out lobby.Output) error {
	if err := f.checkOp("Publish"); err != nil {
		return err
	}
	return f.inner.Publish(ctx, room, out)
}

func (f *FaultBus) LastOutput(ctx context.Context, room string) (lobby.Output, bool, error) {
	if err := f.checkOp("LastOutput"); err != nil {
		return lobby.Output{}, false, err
	}
	return f.inner.LastOutput(ctx, room)
}

// CompareInputs is the inner Bus's order: it does no I/O and cannot fail.
func (f *FaultBus) CompareInputs(a, b string) int { return f.inner.CompareInputs(a, b) }

func (f *FaultBus) SaveSnapshot(ctx context.Context, room string, fence lobby.Fence, s lobby.Snapshot) error {
	if err := f.checkOp("SaveSnapshot"); err != nil {
		return err
	}
	return f.inner.SaveSnapshot(ctx, room, fence, s)
}

func (f *FaultBus) LoadSnapshot(ctx context.Context, room string) (lobby.Snapshot, error) {
	if err := f.checkOp("LoadSnapshot"); err != nil {
		return lobby.Snapshot{}, err
	}
	return f.inner.LoadSnapshot(ctx, room)
}

func (f *FaultBus) ExpireRoom(ctx context.Context, room string, ttl time.Duration) error {
	if err := f.checkOp("ExpireRoom"); err != nil {
		return err
	}
	return f.inner.ExpireRoom(ctx, room, ttl)
}

func (f *FaultBus) Ping(ctx context.Context) error {
	if err := f.checkOp("Ping"); err != nil {
		return err
	}
	return f.inner.Ping(ctx)
}

func (f *FaultBus) Subscribe(ctx context.Context, room string) (lobby.Subscription, error) {
	if err := f.checkOp("Subscribe"); err != nil {
		return nil, err
	}
	inner, err := f.inner.Subscribe(ctx, room)
	if err != nil {
		return nil, err
	}
	s := &faultSub{inner: inner, c: make(chan lobby.Output, cap(inner.C())+1), done: make(chan struct{})}
	go s.forward(f)
	return s, nil
}

// faultSub forwards the inner subscription's outputs, minus the dropped ones
// and everything after a Kill. Its channel closes when the inner one does.
type faultSub struct {
	inner lobby.Subscription
	c     chan lobby.Output
	done  chan struct{}
}

func (s *faultSub) C() <-chan lobby.Output { return s.c }

func (s *faultSub) Close() error {
	err := s.inner.Close()
	<-s.done
	return err
}

func (s *faultSub) forward(f *FaultBus) {
	defer close(s.done)
	defer close(s.c)
	for out := range s.inner.C() {
		if f.killed.Load() || f.cut.Load() {
			continue
		}
		if f.drop() {
			f.dropped.Add(1)
			continue
		}
		select {
		case s.c <- out:
		default:
		}
	}
}
