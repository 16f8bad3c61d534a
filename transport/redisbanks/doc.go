// Package redisbanks keeps uploaded banks in Redis: the httpapi.BankStore of
// instances sharing games through REDIS_URL, so a bank uploaded through one
// instance is played from any other, and outlives the instance it came in by.
//
// Keys, beside the rooms' keys of transport/redisbus and with the same
// prefix; the bank id is the Cluster hash tag of its key, as a PIN is of a
// room's keys:
//
//	qr:{ID}:bank  the bank and its import report (JSON), expiring after the
//	              retention; every read renews it
//	qr:banks      sorted set of bank ids by last use (ms), the eviction order
//
// Storing a bank past Options.MaxBanks deletes the least recently used ones.
// The two keys are in different slots, so they are written by separate
// commands: two uploads racing at the limit may evict one bank more than
// needed, never keep more than the limit for longer than the next upload.
//
// Concurrency: a Store is safe for concurrent use (go-redis's pool).
package redisbanks
