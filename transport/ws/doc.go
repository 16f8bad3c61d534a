// Package ws serves Quizroom's WebSocket protocol (lobby/wire) on
// coder/websocket and attaches each connection to its room in package lobby.
//
// Each connection has one goroutine of its own, the reader (the HTTP
// handler's goroutine: reads, validates, rate-limits and hands messages on;
// it never waits on the room's store, so app-level ping is answered while
// Redis stalls), and more only while they have work: the command goroutine
// (submits room commands one at a time, in the order read, while any wait;
// the first message's attach runs on one more while it waits), a ping
// (the ping timer's goroutine, waiting for its pong: round-trip samples for
// fair timing and liveness) and finish (the close handshake). Frames are
// written by the Server's writers (writers.go): a few goroutines shared by
// every connection, one per core, that write each ready connection's queue
// in turn (questions' frames and replies first, taking one of each in
// turn while both wait), under the socket's write deadline.
// A writer stuck on a peer that stopped reading is replaced after 25 ms, so
// it holds up the others no longer than that; a connection whose close
// handshake is under way is left to finish. A frame the room marks
// WriteNow (a small room's question) is written by the goroutine that sends
// it, when the connection has nothing queued and the socket's buffer has
// room for it (sendNow), under a 50 ms deadline; otherwise it is queued.
// Queuing a frame never blocks: past the queue's frame or byte bound the
// connection is closed as a slow consumer, and the player resumes with
// their token.
//
// Concurrency: Server methods are safe for concurrent use. A conn's Send and
// Close may be called from any goroutine, never wait on a peer and never
// call back into the lobby. One connection's frames are written by one goroutine at a
// time (its writeMu), in the order queued.
package ws
