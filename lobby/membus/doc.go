// Package membus is the in-process lobby.Bus: the default when Quizroom runs as
// one instance, and the bus of most lobby tests.
//
// It is not a toy. PINs, leases and room data expire as they would in Redis
// (checked lazily against the clock), the input log blocks readers until an
// input arrives (and, being in this process, lets the room's actor poll it
// with no pump goroutine: lobby.InProcessLog), and broadcast never blocks a
// publisher on a slow subscriber: a channel subscriber whose buffer is full
// loses the output, exactly the failure the room's sequence numbers are
// there to detect.
//
// Views may also subscribe with a function (SubscribeFunc,
// lobby.InProcessBroadcaster): the publisher calls it itself, in publish
// order, and none is dropped, so the lobby's views need no dispatcher
// goroutine.
//
// Concurrency: every method is safe for concurrent use; one mutex guards the
// maps, and no method holds it while it waits or while it calls a
// subscriber's function (one publisher per room calls them at a time; see
// directRoom).
package membus
