// Package floor is the bare broadcast server quizload measures the real
// server against: the fastest server this project can write on
// coder/websocket, with no game logic at all. It speaks just enough of
// protocol v1 (POST /api/games, host, join, start/next, answer ->
// answer_ack, question, reveal, leaderboard, podium, ended) for the same
// client to drive it with the same frame size, so the two runs differ only
// in what the real server does beyond moving bytes.
//
// What makes it the floor (docs/benchmarks.md says why nothing simpler is
// faster): a connection has one goroutine, its reader, and no queue; a
// broadcast is encoded once and written by one goroutine per core, each
// over its slice of the connections, frame after frame; every write runs
// under the socket's write deadline (armed at most once per connection per
// broadcast) with no context, so coder/websocket arms no timer for it; the
// fan-out decodes nothing; an answer is acknowledged by its reader the
// moment it is read.
//
// Concurrency: a game's state is guarded by its mutex, which no write holds;
// broadcasts are serialized by the game's fan-out mutex so that every
// connection gets them in order. coder/websocket serializes the reader's
// acks with the fan-out's writes on the same connection.
package floor
