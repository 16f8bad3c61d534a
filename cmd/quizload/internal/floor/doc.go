// Package floor is the bare broadcast server quizload measures the real
// server against: coder/websocket, one reader and one writer goroutine per
// connection with a bounded queue, each broadcast encoded once, and no game
// logic at all. It speaks just enough of protocol v1 (POST /api/games, host,
// join, start/next, answer -> answer_ack, question, reveal, leaderboard,
// podium, ended) for the same client to drive it with the same frame size, so
// the two runs differ only in what the real server does beyond moving bytes.
//
// Concurrency: a game's state is guarded by its mutex; broadcasts enqueue
// without blocking (a full queue closes the connection, as a slow consumer).
package floor
