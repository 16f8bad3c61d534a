package redisbus_test

import (
	"errors"
	"time"

	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/transport/redisbus"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newClient connects to addr the way production does (NewClient from a URL).
func newClient(t *testing.T, url string) redis.UniversalClient {
	t.Helper()
	rdb, err := redisbus.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestConformanceMiniredis is the unit run: fast, TTLs moved by FastForward,
// classic pub/sub (miniredis has no SPUBLISH, which Auto must detect).
func TestConformanceMiniredis(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := newClient(t, "redis://"+mr.Addr())
	bus := redisbus.New(rdb, redisbus.Options{})
	bustest.RunOptions(t, func(t *testing.T) lobby.Bus { return bus }, bustest.Options{
		Advance: mr.FastForward,
	})
	if got := bus.PubSubMode(); got != redisbus.PubSubClassic {
		t.Fatalf("pub/sub mode on miniredis = %v, want classic", got)
	}
}

// TestConformanceRedisServer runs the suite on a real redis-server of our
// own, once per pub/sub flavour.
func TestConformanceRedisServer(t *testing.T) {
	srv := redistest.Start(t)
	for _, mode := range []redisbus.PubSubMode{redisbus.PubSubAuto, redisbus.PubSubClassic} {
		t.Run(mode.String(), func(t *testing.T) {
			rdb := newClient(t, srv.URL())
			bus := redisbus.New(rdb, redisbus.Options{PubSub: mode, Prefix: "qr" + mode.String()})
			bustest.Run(t, func(t *testing.T) lobby.Bus { return bus })
			if mode == redisbus.PubSubAuto && bus.PubSubMode() != redisbus.PubSubSharded {
				t.Fatalf("Redis 7 detected as %v, want sharded", bus.PubSubMode())
			}
		})
	}
}

// TestSnapshotFencedByLease: a fenced snapshot is written only by the lease
// holder (bustest checks the contract; this, the TTL a fenced write sets), so an owner cut off past its lease cannot overwrite
// the state of the instance that took the room over.
func TestSnapshotFencedByLease(t *testing.T) {
	mr := miniredis.RunT(t)
	srv := redistest.Start(t)
	for name, url := range map[string]string{"miniredis": "redis://" + mr.Addr(), "redis-server": srv.URL()} {
		t.Run(name, func(t *testing.T) {
			rdb := newClient(t, url)
			old, next := redisbus.New(rdb, redisbus.Options{}), redisbus.New(rdb, redisbus.Options{})
			oldF, nextF := lobby.Fence{Holder: "old"}, lobby.Fence{Holder: "new"}
			ctx := t.Context()
			const pin = "424242"
			if err := old.SaveSnapshot(ctx, pin, oldF, lobby.Snapshot{Data: []byte("x")}); !errors.Is(err, lobby.ErrLeaseLost) {
				t.Fatalf("snapshot without the lease: %v, want ErrLeaseLost", err)
			}
			if ok, err := old.AcquireLease(ctx, pin, "old", time.Minute); err != nil || !ok {
				t.Fatalf("acquire: %v %v", ok, err)
			}
			if err := old.SaveSnapshot(ctx, pin, oldF, lobby.Snapshot{Data: []byte("old"), LastInput: "1-0", Seq: 3}); err != nil {
				t.Fatal(err)
			}
			// The old owner's lease lapses (here: is released) and another
			// instance takes the room over and snapshots it.
			if err := old.ReleaseLease(ctx, pin, "old"); err != nil {
				t.Fatal(err)
			}
			if ok, err := next.AcquireLease(ctx, pin, "new", time.Minute); err != nil || !ok {
				t.Fatalf("takeover: %v %v", ok, err)
			}
			if err := next.SaveSnapshot(ctx, pin, nextF, lobby.Snapshot{Data: []byte("new"), LastInput: "2-0", Seq: 9}); err != nil {
				t.Fatal(err)
			}
			if err := old.SaveSnapshot(ctx, pin, oldF, lobby.Snapshot{Data: []byte("stale"), LastInput: "1-5", Seq: 4}); !errors.Is(err, lobby.ErrLeaseLost) {
				t.Fatalf("snapshot from the old owner: %v, want ErrLeaseLost", err)
			}
			got, err := next.LoadSnapshot(ctx, pin)
			if err != nil || string(got.Data) != "new" || got.LastInput != "2-0" || got.Seq != 9 {
				t.Fatalf("snapshot = %q %q %d, %v; want the new owner's", got.Data, got.LastInput, got.Seq, err)
			}
			if ttl := rdb.PTTL(ctx, "qr:{"+pin+"}:state").Val(); ttl <= 0 {
				t.Errorf("fenced snapshot has no TTL (%v)", ttl)
			}
		})
	}
}
