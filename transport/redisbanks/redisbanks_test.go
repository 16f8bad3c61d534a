package redisbanks_test

import (
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/httpapi/bankstoretest"
	"github.com/quizroom/quizroom/transport/redisbanks"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func newStore(t *testing.T, maxBanks int, retention time.Duration) (*redisbanks.Store, *miniredis.Miniredis, func(time.Duration)) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
	t.Cleanup(func() { rdb.Close() })
	c := &clock{now: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	s := redisbanks.New(rdb, redisbanks.Options{Prefix: "t", MaxBanks: maxBanks, Retention: retention, Now: c.Now})
	return s, mr, func(d time.Duration) {
		c.mu.Lock()
		c.now = c.now.Add(d)
		c.mu.Unlock()
		mr.FastForward(d)
	}
}

func TestConformance(t *testing.T) {
	bankstoretest.Run(t, func(t *testing.T, maxBanks int, retention time.Duration) (httpapi.BankStore, func(time.Duration)) {
		s, _, advance := newStore(t, maxBanks, retention)
		return s, advance
	})
}

// The keys follow the rooms' convention: the id is the hash tag, and every
// key expires.
func TestKeysCarryTheIDAsHashTagAndExpire(t *testing.T) {
	s, mr, _ := newStore(t, 10, time.Hour)
	id := "u0123456789abcdef0123456789abcdef"
	if err := s.Put(t.Context(), httpapi.UploadedBank{ID: id, Bank: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"t:{" + id + "}:bank", "t:banks"} {
		if !mr.Exists(k) {
			t.Errorf("key %s missing (keys: %v)", k, mr.Keys())
		}
		if ttl := mr.TTL(k); ttl <= 0 || ttl > time.Hour {
			t.Errorf("key %s has TTL %v, want (0, 1h]", k, ttl)
		}
	}
}

func TestUnreachableRedisIsUnavailable(t *testing.T) {
	s, mr, _ := newStore(t, 10, time.Hour)
	mr.Close()
	if err := s.Put(t.Context(), httpapi.UploadedBank{ID: "u0123456789abcdef0123456789abcdef"}); wire.CodeOf(err) != wire.CodeUnavailable {
		t.Errorf("Put with Redis down: %v, want unavailable", err)
	}
	if _, err := s.Get(t.Context(), "u0123456789abcdef0123456789abcdef"); wire.CodeOf(err) != wire.CodeUnavailable {
		t.Errorf("Get with Redis down: %v, want unavailable", err)
	}
}
