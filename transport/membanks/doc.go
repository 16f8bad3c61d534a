// Package membanks keeps uploaded banks in the process's memory: the
// httpapi.BankStore of a single instance (no REDIS_URL).
//
// It holds at most Options.MaxBanks banks; storing one more evicts the bank
// used longest ago (uploaded or read), and a bank unused for
// Options.Retention is dropped. Banks are lost when the process stops;
// games already created keep their questions (they live with the game).
//
// Concurrency: a Store is safe for concurrent use (one mutex; every
// operation is O(banks held), a few thousand at most).
package membanks
