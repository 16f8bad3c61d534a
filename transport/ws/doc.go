// Package ws serves Quizroom's WebSocket protocol (lobby/wire) on
// coder/websocket and attaches each connection to its room in package lobby.
//
// Each connection has three goroutines: the reader (the HTTP handler's own
// goroutine: reads, validates, rate-limits and submits messages), the writer
// (drains a bounded queue; every write has a deadline) and the pinger
// (WebSocket pings: round-trip samples for fair timing, and liveness).
// Queuing a frame never blocks: when the queue is full the connection is
// closed as a slow consumer, and the player resumes with their token.
//
// Concurrency: Server methods are safe for concurrent use. A conn's Send and
// Close may be called from any goroutine and never call back into the lobby.
package ws
