package clustertest

import (
	"context"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
)

// roomKeyTTLs returns the TTL of every key of the room pin on the test
// Redis (SCAN qr:{PIN}:*, then PTTL), as Redis reports it: -1 is no TTL.
func roomKeyTTLs(ctx context.Context, t *testing.T, in *instance, pin string) map[string]time.Duration {
	t.Helper()
	ttls := map[string]time.Duration{}
	iter := in.rdb.Scan(ctx, 0, "qr:{"+pin+"}:*", 100).Iterator()
	for iter.Next(ctx) {
		d, err := in.rdb.PTTL(ctx, iter.Val()).Result()
		if err != nil {
			t.Fatal(err)
		}
		ttls[iter.Val()] = d
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return ttls
}

// TestRoomKeysExpire: on a real redis-server, every key of a game that
// ended expires within the retention (default 24 h), and every key of a
// game still running has a TTL too, so a room whose every instance crashed
// before its end does not stay in Redis for ever.
func TestRoomKeysExpire(t *testing.T) {
	c := startCluster(t, 2)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	// A game never ended: created, one player joined through the other
	// instance, so the input log, the snapshot and the last output exist.
	live, err := c.insts[0].lobby.CreateGame(ctx, lobby.GameSpec{
		Questions: questions(2, nil),
		Settings:  game.Settings{Mode: game.ModeAccuracy, QuestionTime: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := newClient(t, "lonely", []string{c.insts[1].url}, 0, live.PIN)
	pctx, pcancel := context.WithCancel(ctx)
	go p.run(pctx)
	waitFor(ctx, t, "the player's join reaches the snapshot and the outputs", func() bool {
		ttls := roomKeyTTLs(ctx, t, c.insts[0], live.PIN)
		_, in := ttls["qr:{"+live.PIN+"}:in"]
		_, last := ttls["qr:{"+live.PIN+"}:last"]
		return in && last
	})
	pcancel()
	<-p.done
	for key, ttl := range roomKeyTTLs(ctx, t, c.insts[0], live.PIN) {
		if ttl <= 0 {
			t.Errorf("live game: %s has no TTL (%v): it would outlive a crash of every instance", key, ttl)
		}
	}

	// A game played to its end: every key expires within the retention.
	r := play(t, c, scenario{players: 4, questions: questions(2, nil)})
	const retention = 24 * time.Hour // lobby.Config's default
	var keys int
	for key, ttl := range roomKeyTTLs(ctx, t, c.insts[0], r.pin) {
		keys++
		if ttl <= 0 || ttl > retention {
			t.Errorf("ended game: %s expires in %v, want within the %v retention", key, ttl, retention)
		}
	}
	if keys < 4 {
		t.Errorf("ended game: only %d keys found under qr:{%s}:*, want pin, in, state, last (at least)", keys, r.pin)
	}
}
