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
)
