// Package wire is protocol v1 of Quizroom's WebSocket: the JSON envelopes
// both directions, their validation, and the stable error codes, exactly as
// docs/protocol.md specifies them. Server, tests and load tool share it.
//
// It is a leaf: it imports only the standard library, so that lobby (which
// encodes each room event once for every connection) and the clients can
// both use it without pulling in a transport. That is the one place where
// lobby reaches into transport/, recorded in docs/architecture.md.
//
// Concurrency: everything here is a pure function or a plain value.
package wire
