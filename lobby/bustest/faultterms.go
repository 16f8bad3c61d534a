package bustest

import (
	"context"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// The ownership-term methods of FaultBus. Each fails as its plain
// counterpart does: Fail("Publish") also fails PublishFenced and
// Fail("AppendInput") also fails AppendInputLive and AppendInputFenced, so a
// test that refuses a kind of write refuses it however the lobby makes it.

// Forgetter is a Bus that can forget every room at once (lobby/membus), as
// a Redis restarted without persistence does.
type Forgetter interface{ Forget() }

// Forget makes the inner Bus forget every room; it panics when the inner Bus
// cannot (a test that needs it uses one that can).
func (f *FaultBus) Forget() { f.inner.(Forgetter).Forget() }

func (f *FaultBus) checkOps(ops ...string) error {
	for _, op := range ops {
		if err, ok := f.failing.Load(op); ok {
			return err.(error)
		}
	}
	return f.check()
}

func (f *FaultBus) ClaimRoom(ctx context.Context, room, game, holder string, ttl time.Duration) (lobby.Term, error) {
	if err := f.checkOps("ClaimRoom", "AcquireLease"); err != nil {
		return 0, err
	}
	return f.inner.ClaimRoom(ctx, room, game, holder, ttl)
}

func (f *FaultBus) TakeOver(ctx context.Context, room, holder string, ttl time.Duration) (lobby.Term, error) {
	if err := f.checkOps("TakeOver", "AcquireLease"); err != nil {
		return 0, err
	}
	return f.inner.TakeOver(ctx, room, holder, ttl)
}

func (f *FaultBus) RenewTerm(ctx context.Context, room, holder string, term lobby.Term, ttl time.Duration) (lobby.TermStatus, error) {
	if err := f.checkOps("RenewTerm", "RenewLease"); err != nil {
		return 0, err
	}
	return f.inner.RenewTerm(ctx, room, holder, term, ttl)
}

func (f *FaultBus) CurrentTerm(ctx context.Context, room string) (lobby.Term, error) {
	if err := f.checkOps("CurrentTerm"); err != nil {
		return 0, err
	}
	return f.inner.CurrentTerm(ctx, room)
}

func (f *FaultBus) PublishFenced(ctx context.Context, room string, term lobby.Term, out lobby.Output) error {
	if err := f.checkOps("PublishFenced", "Publish"); err != nil {
		return err
	}
	return f.inner.PublishFenced(ctx, room, term, out)
}

func (f *FaultBus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	if err := f.checkOps("AppendInputLive", "AppendInput"); err != nil {
		return "", err
	}
	id, err := f.inner.AppendInputLive(ctx, room, data)
	return f.lostReply(id, err, "AppendInputLive", "AppendInput")
}

func (f *FaultBus) AppendInputFenced(ctx context.Context, room string, term lobby.Term, data []byte) (string, error) {
	if err := f.checkOps("AppendInputFenced", "AppendInput"); err != nil {
		return "", err
	}
	id, err := f.inner.AppendInputFenced(ctx, room, term, data)
	return f.lostReply(id, err, "AppendInputFenced", "AppendInput")
}

func (f *FaultBus) ConfirmTerm(ctx context.Context, room string, term lobby.Term) error {
	if err := f.checkOps("ConfirmTerm"); err != nil {
		return err
	}
	return f.inner.ConfirmTerm(ctx, room, term)
}

func (f *FaultBus) RestoreRoom(ctx context.Context, room, holder string, ttl time.Duration, r lobby.RoomRestore) error {
	if err := f.checkOps("RestoreRoom"); err != nil {
		return err
	}
	return f.inner.RestoreRoom(ctx, room, holder, ttl, r)
}
