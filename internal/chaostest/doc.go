// Package chaostest is the fault-injection suite of issue 17: a real
// redis-server and three real `quizroom serve` child processes, clients that
// play a game over the real protocol (docs/protocol.md) and record every
// frame of every connection, and faults from outside: Redis frozen
// (SIGSTOP) across a question's deadline, Redis restarted empty or stopped
// without persistence, the owning instance frozen past its lease or during
// its snapshot, the owner killed.
//
// The verdict is taken from the clients' frames alone (plus the results
// endpoint): one reveal per question, no answer both accepted and refused,
// no sequence number going back on a connection, every acknowledged answer
// in the results, the same podium everywhere, and no connection left silent
// (a frame, or the documented room_lost, within a bound).
//
// Concurrency: every client runs one reader goroutine per connection and one
// goroutine per answer it sends; the recorder is guarded by the client's
// mutex. Every process the suite starts is stopped by its pid in t.Cleanup
// (SIGCONT first, so a frozen one can die), on failure too.
package chaostest
