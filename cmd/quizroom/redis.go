package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/redisbus"
)

// With Redis, a room's owner holds a lease this long, renewed every third of
// it, and every instance checks the rooms it follows this often: an owner
// that dies is replaced within about redisLeaseTTL + ownerWatchPeriod (under
// the 3 s the design promises).
const (
	redisLeaseTTL    = 2 * time.Second
	ownerWatchPeriod = 500 * time.Millisecond
)

// openRedisBus connects the Redis bus. A Redis that is down at start is not
// fatal: the instance starts, /readyz reports not ready and new games are
// refused until Redis answers. A Redis that answers and refuses the URL's
// settings (password, database, cluster mode, sentinel master name) is a
// configuration error: waiting would never end, so the start fails.
//
// Snapshots are fenced by the lease (the lobby passes its instance name as
// the lobby.Fence of every snapshot): an instance cut off past its lease
// cannot overwrite the state of the one that took its rooms over.
//
// ackReplicas > 0 makes the bus's ConfirmTerm wait for that many replicas
// (the lobby confirms before it acknowledges answers: lobby.Config.ConfirmAcks).
func openRedisBus(ctx context.Context, redisURL string, ackReplicas int, log zerolog.Logger) (lobby.Bus, io.Closer, error) {
	rdb, err := redisbus.NewClient(redisURL)
	if err != nil {
		return nil, nil, usagef("--redis-url ($REDIS_URL): %v", err)
	}
	setRedisLogger(log)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := redisbus.CheckSettings(pctx, rdb, redisURL); err != nil {
		var bad *redisbus.SettingsError
		if errors.As(err, &bad) {
			_ = rdb.Close()
			return nil, nil, usagef("--redis-url ($REDIS_URL): %v", bad)
		}
		log.Warn().Err(err).Msg("redis not reachable at start; not ready until it is")
	}
	bus := redisbus.New(rdb, redisbus.Options{AckReplicas: ackReplicas})
	return bus, rdb, nil
}

var redisLoggerOnce sync.Once

// setRedisLogger sends go-redis's own messages (dial failures during an
// outage) to our logger at debug level instead of stderr as plain text.
func setRedisLogger(log zerolog.Logger) {
	redisLoggerOnce.Do(func() {
		redis.SetLogger(redisLogger{log.With().Str("component", "go-redis").Logger()})
	})
}

type redisLogger struct{ log zerolog.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Debug().Msg(fmt.Sprintf(format, v...))
}

// leaseTTL is the lobby's owner lease for this bus (0: the lobby default,
// which is fine with one instance).
func leaseTTL(redisURL string) time.Duration {
	if redisURL == "" {
		return 0
	}
	return redisLeaseTTL
}

// watchOwners runs lob.WatchOwners when games are shared through Redis and
// returns a function that stops it and waits for it.
func watchOwners(lob *lobby.Lobby, redisURL string) (stop func()) {
	if redisURL == "" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		lob.WatchOwners(ctx, ownerWatchPeriod)
	}()
	return func() {
		cancel()
		<-done
	}
}
