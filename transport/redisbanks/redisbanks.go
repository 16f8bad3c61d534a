package redisbanks

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// Options bound a Store.
type Options struct {
	// Prefix of every key (default "qr", as redisbus).
	Prefix string
	// MaxBanks is how many banks all instances keep together (default 100).
	MaxBanks int
	// Retention drops a bank not used for this long (default 24 h).
	Retention time.Duration
	// Now orders banks by use (default time.Now); tests move it.
	Now func() time.Time
}

// Store is an httpapi.BankStore on Redis.
type Store struct {
	rdb  redis.UniversalClient
	opts Options
}

var _ httpapi.BankStore = (*Store)(nil)

// New returns a Store on rdb.
func New(rdb redis.UniversalClient, opts Options) *Store {
	if opts.Prefix == "" {
		opts.Prefix = "qr"
	}
	if opts.MaxBanks <= 0 {
		opts.MaxBanks = 100
	}
	if opts.Retention <= 0 {
		opts.Retention = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{rdb: rdb, opts: opts}
}

func (s *Store) bankKey(id string) string { return s.opts.Prefix + ":{" + id + "}:bank" }
func (s *Store) indexKey() string         { return s.opts.Prefix + ":banks" }

func unavailable(err error) error {
	return wire.Errorf(wire.CodeUnavailable, "the bank store (Redis) is unreachable: %v", err)
}

// Put stores b, then evicts the least recently used banks past the limit.
func (s *Store) Put(ctx context.Context, b httpapi.UploadedBank) error {
	data, err := json.Marshal(b)
	if err != nil {
		return err
	}
	now := s.opts.Now().UnixMilli()
	if err := s.rdb.Set(ctx, s.bankKey(b.ID), data, s.opts.Retention).Err(); err != nil {
		return unavailable(err)
	}
	pipe := s.rdb.Pipeline()
	pipe.ZAdd(ctx, s.indexKey(), redis.Z{Score: float64(now), Member: b.ID})
	// Ids whose bank expired leave the index too.
	pipe.ZRemRangeByScore(ctx, s.indexKey(), "-inf", "("+strconv.FormatInt(now-s.opts.Retention.Milliseconds(), 10))
	pipe.Expire(ctx, s.indexKey(), s.opts.Retention)
	count := pipe.ZCard(ctx, s.indexKey())
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable(err)
	}
	over := count.Val() - int64(s.opts.MaxBanks)
	if over <= 0 {
		return nil
	}
	oldest, err := s.rdb.ZRange(ctx, s.indexKey(), 0, over-1).Result()
	if err != nil {
		return unavailable(err)
	}
	for _, id := range oldest {
		if id == b.ID {
			continue
		}
		if err := s.rdb.Del(ctx, s.bankKey(id)).Err(); err != nil {
			return unavailable(err)
		}
		if err := s.rdb.ZRem(ctx, s.indexKey(), id).Err(); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// Get returns the bank, renewing its retention and its place in the
// eviction order.
func (s *Store) Get(ctx context.Context, id string) (httpapi.UploadedBank, error) {
	data, err := s.rdb.Get(ctx, s.bankKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		_ = s.rdb.ZRem(ctx, s.indexKey(), id).Err()
		return httpapi.UploadedBank{}, wire.Errorf(wire.CodeUnknownBank, "no bank %q: never uploaded, or unused for %v, or evicted by newer uploads", id, s.opts.Retention)
	}
	if err != nil {
		return httpapi.UploadedBank{}, unavailable(err)
	}
	var b httpapi.UploadedBank
	if err := json.Unmarshal(data, &b); err != nil {
		return httpapi.UploadedBank{}, wire.Errorf(wire.CodeInternal, "bank %q in Redis is not readable: %v", id, err)
	}
	pipe := s.rdb.Pipeline()
	pipe.PExpire(ctx, s.bankKey(id), s.opts.Retention)
	pipe.ZAddXX(ctx, s.indexKey(), redis.Z{Score: float64(s.opts.Now().UnixMilli()), Member: id})
	pipe.Expire(ctx, s.indexKey(), s.opts.Retention)
	if _, err := pipe.Exec(ctx); err != nil {
		return httpapi.UploadedBank{}, unavailable(err)
	}
	return b, nil
}
