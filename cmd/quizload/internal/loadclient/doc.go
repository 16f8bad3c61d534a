// Package loadclient is the client engine of quizload: simulated players and
// hosts speaking protocol v1 over real WebSockets (coder/websocket, subprotocol
// quizroom.v1), and the measurements they take.
//
// A Job describes a shard of players (which games, which URLs, reaction times,
// correctness, latency groups, churn); RunShard plays it and returns a Result
// that merges with the results of other shards, in this process or in worker
// processes (Job and Result are JSON so a worker can take one on stdin and
// print the other). Host drives one game from the host's side.
//
// Concurrency: each player has one goroutine reading its connection; answers
// and drops are sent from timer callbacks (coder/websocket allows Write
// concurrently with Read). A player's mutable state is guarded by its mutex;
// measurements go to lock-free stats.Recorders allocated before the run.
// Hot-path frames are never JSON-decoded: wirescan reads the few fields needed.
package loadclient
