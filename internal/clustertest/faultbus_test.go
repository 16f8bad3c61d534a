package clustertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/transport/redisbus"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func miniBus(t *testing.T) (*redisbus.Bus, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb, err := redisbus.NewClient("redis://" + mr.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return redisbus.New(rdb, redisbus.Options{}), mr
}

// A FaultBus with no fault injected is the bus it wraps.
func TestFaultBusTransparent(t *testing.T) {
	inner, mr := miniBus(t)
	fb := NewFaultBus(inner, 1)
	bustest.RunOptions(t, func(*testing.T) lobby.Bus { return fb }, bustest.Options{Advance: mr.FastForward})
}

func TestFaultBusKill(t *testing.T) {
	inner, _ := miniBus(t)
	fb := NewFaultBus(inner, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	sub, err := fb.Subscribe(ctx, "123456")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	fb.Kill()
	if _, err := fb.AcquireLease(ctx, "123456", "a", time.Second); !errors.Is(err, ErrKilled) {
		t.Fatalf("AcquireLease after Kill = %v", err)
	}
	if err := fb.Ping(ctx); !errors.Is(err, ErrKilled) {
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
	inner, _ := miniBus(t)
	fb := NewFaultBus(inner, 7)
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
