// Package clustertest runs several Quizroom instances in one test process,
// sharing a real redis-server started by the test (internal/redistest), and
// drives games over real WebSockets on loopback: a game spread over three
// instances, the owner killed mid-question, Redis stopped and restarted,
// pub/sub messages dropped.
//
// The instances' buses are lobby/bustest.FaultBus, to kill an instance
// abruptly or to drop outputs.
//
// Concurrency: see lobby/bustest for FaultBus.
package clustertest
