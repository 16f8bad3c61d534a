package redisbus

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Client timeouts: short enough that an outage shows up in /readyz and in
// failed inputs within seconds, long enough for a busy server on a LAN.
const (
	defaultDialTimeout  = 2 * time.Second
	defaultReadTimeout  = 2 * time.Second
	defaultWriteTimeout = 2 * time.Second
	defaultPoolTimeout  = 3 * time.Second
	// Every room owned by an instance holds a pooled connection while it
	// waits on its input stream (XREAD BLOCK), so the pool is sized for rooms,
	// not for CPUs.
	defaultPoolSize = 256
)

// NewClient builds a go-redis client from a REDIS_URL:
//
//	redis://[user:pass@]host:port[/db]                         one server
//	rediss://...                                               the same over TLS
//	redis://sentinel:26379/0?master_name=mymaster&addr=s2:26379  Sentinel
//	redis://node1:6379?cluster=true&addr=node2:6379            Redis Cluster
//
// go-redis query options (dial_timeout, read_timeout, pool_size, ...) are
// accepted as go-redis documents them and override the defaults here.
func NewClient(rawURL string) (redis.UniversalClient, error) {
	if rawURL == "" {
		return nil, errors.New("redis URL is empty")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix" {
		return nil, fmt.Errorf("redis URL: scheme %q, want redis://, rediss:// or unix://", u.Scheme)
	}
	q := u.Query()
	cluster := false
	if v := q.Get("cluster"); v != "" {
		cluster, err = strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("redis URL: cluster=%q is not a boolean", v)
		}
		q.Del("cluster")
	}
	set := func(key string, val string) {
		if !q.Has(key) {
			q.Set(key, val)
		}
	}
	set("dial_timeout", defaultDialTimeout.String())
	set("read_timeout", defaultReadTimeout.String())
	set("write_timeout", defaultWriteTimeout.String())
	set("pool_timeout", defaultPoolTimeout.String())
	set("pool_size", strconv.Itoa(defaultPoolSize))
	u.RawQuery = q.Encode()
	s := u.String()

	switch {
	case cluster:
		o, err := redis.ParseClusterURL(s)
		if err != nil {
			return nil, fmt.Errorf("redis URL (cluster): %w", err)
		}
		o.DisableIdentity = true
		o.ContextTimeoutEnabled = true
		return redis.NewClusterClient(o), nil
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(s)
		if err != nil {
			return nil, fmt.Errorf("redis URL (sentinel): %w", err)
		}
		o.DisableIdentity = true
		o.ContextTimeoutEnabled = true
		return redis.NewFailoverClient(o), nil
	default:
		o, err := redis.ParseURL(s)
		if err != nil {
			return nil, fmt.Errorf("redis URL: %w", err)
		}
		// CLIENT SETINFO exists from Redis 7.2; Debian's 7.0 answers it
		// with an error on every new connection.
		o.DisableIdentity = true
		o.ContextTimeoutEnabled = true
		return redis.NewClient(o), nil
	}
}

// SettingsError is a REDIS_URL that can never work: the server (or the
// sentinels) answered and refused it. Waiting does not help; the operator
// must fix the URL.
type SettingsError struct {
	Problem string // what is wrong, in the URL's terms
	Said    string // what Redis answered, in its terms
	Err     error  // the client's error
}

func (e *SettingsError) Error() string { return e.Problem + " (Redis says: " + e.Said + ")" }
func (e *SettingsError) Unwrap() error { return e.Err }

// CheckSettings pings Redis through rdb, built by NewClient from rawURL. It
// returns nil when Redis answers, a *SettingsError when Redis refuses the
// settings (wrong or missing password, no such database, cluster mode
// against a standalone server, a master name the sentinels do not know),
// and the error as it is when Redis cannot be reached (it may come up
// later).
func CheckSettings(ctx context.Context, rdb redis.UniversalClient, rawURL string) error {
	err := rdb.Ping(ctx).Err()
	if err == nil {
		return nil
	}
	u, _ := url.Parse(rawURL)
	q := u.Query()
	msg := err.Error()
	switch {
	case redis.IsAuthError(err) || strings.HasPrefix(msg, "NOPERM") || strings.HasPrefix(msg, "ERR AUTH") ||
		strings.HasPrefix(msg, "ERR invalid password"):
		return &SettingsError{Problem: "Redis refuses the user or password in the URL", Said: msg, Err: err}
	case strings.HasPrefix(msg, "ERR DB index is out of range"):
		return &SettingsError{Problem: fmt.Sprintf("Redis has no database %s (the URL's path picks it)", strings.TrimPrefix(u.Path, "/")), Said: msg, Err: err}
	case strings.HasPrefix(msg, "ERR This instance has cluster support disabled"):
		return &SettingsError{Problem: "cluster=true, but the server is not a Redis Cluster node (drop cluster=true)", Said: msg, Err: err}
	case q.Has("master_name") && errors.Is(err, redis.Nil):
		// Sentinels answered, with no address for that name.
		return &SettingsError{Problem: fmt.Sprintf("no sentinel knows a master named %q (master_name)", q.Get("master_name")),
			Said: "SENTINEL GET-MASTER-ADDR-BY-NAME: nil", Err: err}
	}
	return err
}
