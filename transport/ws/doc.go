// Package ws serves Quizroom's WebSocket protocol (lobby/wire) on
// coder/websocket and attaches each connection to its room in package lobby.
//
// Each connection has three goroutines: the reader (the HTTP handler's own
// goroutine: reads, validates, rate-limits and hands messages on; it never
// waits on the room's store, so app-level ping is answered while Redis
// stalls), the command goroutine (submits room commands one at a time, in
// the order read; the first message's attach runs on one more while it
// waits) and the writer (drains the queue; every write has a deadline; a
// timer starts the WebSocket pings, round-trip samples for fair timing and
// liveness, each waiting for its pong on a goroutine of its own while it is
// out).
// Queuing a frame never blocks: past the queue's frame or byte bound the
// connection is closed as a slow consumer, and the player resumes with
// their token.
//
// Concurrency: Server methods are safe for concurrent use. A conn's Send and
// Close may be called from any goroutine and never call back into the lobby.
package ws
