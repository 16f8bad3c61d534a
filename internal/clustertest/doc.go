// Package clustertest runs several Quizroom instances in one test process,
// sharing a real redis-server started by the test (internal/redistest), and
// drives games over real WebSockets on loopback: a game spread over three
// instances, the owner killed mid-question, Redis stopped and restarted,
// pub/sub messages dropped.
//
// FaultBus (non-test code so other packages' tests may use it) wraps a
// lobby.Bus to kill an instance abruptly or to drop outputs.
//
// Concurrency: a FaultBus is safe for concurrent use; each of its
// subscriptions runs one goroutine that ends when the inner subscription's
// channel closes (Close waits for it).
package clustertest
