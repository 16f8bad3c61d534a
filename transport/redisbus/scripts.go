package redisbus

import "github.com/redis/go-redis/v9"

// The lease scripts compare the holder before they touch the key, so a holder
// whose lease lapsed and was taken can never extend or delete the new
// holder's lease (a plain GET-then-PEXPIRE would race).
var (
	// KEYS[1] owner key; ARGV[1] holder; ARGV[2] ttl ms. Returns 1 when held by ARGV[1] afterwards.
	acquireLease = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
elseif v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`)

	// KEYS[1] owner key; ARGV[1] holder; ARGV[2] ttl ms. Returns 1 when renewed.
	renewLease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`)

	// KEYS[1] owner key; ARGV[1] holder. Returns 1 when released.
	releaseLease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

	// saveSnapshotFenced writes the snapshot only while the owner key still
	// names the writer, so an owner cut off past its lease (a partition, a
	// long pause) cannot overwrite the state of the instance that took the
	// room over. The TTL is set only on a key that has none (a TTL set by
	// ExpireRoom stays), without PEXPIRE NX, which Redis 6.2 lacks.
	// KEYS[1] owner key, KEYS[2] state key; ARGV[1] holder; ARGV[2] data;
	// ARGV[3] last input; ARGV[4] seq; ARGV[5] max room life ms.
	// Returns 1 when written, 0 when the lease is someone else's (or nobody's).
	saveSnapshotFenced = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[2], 'data', ARGV[2], 'last', ARGV[3], 'seq', ARGV[4])
if redis.call('PTTL', KEYS[2]) == -1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
return 1`)
)
