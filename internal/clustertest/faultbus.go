package clustertest

import "github.com/quizroom/quizroom/lobby/bustest"

// The cluster tests' fault-injecting bus lives in lobby/bustest, beside the
// conformance suite, so the lobby's own failover tests use it too.
type FaultBus = bustest.FaultBus

var (
	NewFaultBus    = bustest.NewFaultBus
	ErrKilled      = bustest.ErrKilled
	ErrPartitioned = bustest.ErrPartitioned
)
