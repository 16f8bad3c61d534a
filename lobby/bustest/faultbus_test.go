package bustest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func memBus(t *testing.T) (*membus.Bus, *bustest.Clock) {
	t.Helper()
	clk := bustest.NewClock()
	return membus.New(membus.Options{Now: clk.Now}), clk
}

// A FaultBus with no fault injected is the bus it wraps.
func TestFaultBusTransparent(t *testing.T) {
	inner, clk := memBus(t)
	fb := bustest.NewFaultBus(inner, 1)
	bustest.RunOptions(t, func(*testing.T) lobby.Bus { return fb }, bustest.Options{Advance: clk.Advance})
}

func TestFaultBusKill(t *testing.T) {
	inner, _ := memBus(t)
	fb := bustest.NewFaultBus(inner, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	sub, err := fb.Subscribe(ctx, "123456")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	fb.Kill()
	if _, err := fb.AcquireLease(ctx, "123456", "a", time.Second); !errors.Is(err, bustest.ErrKilled) {
		t.Fatalf("AcquireLease after Kill = %v", err)
	}
	if err := fb.Ping(ctx); !errors.Is(err, bustest.ErrKilled) {
		t.Fatalf("Ping after Kill = %v", err)
	}
	// Another instance still publishes; the killed one hears nothing.
	if err := inner.Publish(ctx, "123456", lobby.Output{Seq: 1}); err != nil {
		t.Fatal(err)
	}
	sub.Close()
	for o := range sub.C() {
		t.Fatalf("killed instance received seq %d", o.Seq)
	}
}

func TestFaultBusDrops(t *testing.T) {
	inner, _ := memBus(t)
	fb := bustest.NewFaultBus(inner, 7)
	fb.DropOutputs(0.5)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	sub, err := fb.Subscribe(ctx, "123456")
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	for i := uint64(1); i <= n; i++ {
		if err := inner.Publish(ctx, "123456", lobby.Output{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	for got+int(fb.Dropped()) < n {
		select {
		case <-sub.C():
			got++
		case <-ctx.Done():
			t.Fatalf("received %d, dropped %d of %d", got, fb.Dropped(), n)
		}
	}
	sub.Close()
	if d := fb.Dropped(); d < n/4 || d > 3*n/4 {
		t.Fatalf("dropped %d of %d at 50%%", d, n)
	}
}

// Fail fails one operation and leaves the others working, until Heal.
func TestFaultBusFailsOneOperation(t *testing.T) {
	inner, _ := memBus(t)
	fb := bustest.NewFaultBus(inner, 1)
	ctx := t.Context()
	fb.Fail("LastOutput", nil)
	if _, _, err := fb.LastOutput(ctx, "123456"); !errors.Is(err, bustest.ErrInjected) {
		t.Fatalf("LastOutput while failing = %v, want bustest.ErrInjected", err)
	}
	if err := fb.Publish(ctx, "123456", lobby.Output{Seq: 1}); err != nil {
		t.Fatalf("Publish while LastOutput fails: %v", err)
	}
	fb.Heal("LastOutput")
	if out, ok, err := fb.LastOutput(ctx, "123456"); err != nil || !ok || out.Seq != 1 {
		t.Fatalf("LastOutput after Heal = %+v %v %v", out, ok, err)
	}
}
