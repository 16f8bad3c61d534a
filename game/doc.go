// Package game holds the rules of a Quizroom game: phases, question kinds,
// answers, scoring, streaks and ranking.
//
// The engine is pure. It starts no goroutines, performs no I/O and never reads
// the clock: every method that depends on time takes now as an argument, and
// the same inputs always produce the same state and the same events. That is
// what lets a game be snapshotted on one instance and replayed on another.
//
// Concurrency: a *Game is not safe for concurrent use. Exactly one goroutine
// (the room actor in package lobby) owns each game.
package game
