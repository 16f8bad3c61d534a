package redisbus_test

import (
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
