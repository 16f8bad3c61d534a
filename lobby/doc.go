// Package lobby runs games: PINs, room actors, sessions, resume tokens and the
// fan-out of a room's events to the sessions connected to this instance.
//
// It knows nothing of WebSockets or Redis. Transports hand it sessions (a
// small interface that queues bytes without blocking), and rooms share state
// between instances through the Bus it defines (bus.go), implemented in memory
// by lobby/membus and on Redis by transport/redisbus.
//
// Files: lobby.go (the Lobby: create, attach, submit), room.go (a room's
// state by purpose), actor.go (the room's loop and how it applies inputs),
// render.go and notes.go (the renderer: pure, engine events to output items
// for typed audiences, tested with plain values), renderroom.go (the room's
// calls into it), flush.go (one Output per batch), ownership.go (lease,
// snapshot, replay, sequence continuation after a takeover), view.go (an
// instance's fan-out of a room's outputs to its connections), watch.go
// (taking rooms over), input.go and output.go (the codecs of the Bus data),
// bus.go (the whole Bus contract), pacer.go (the rooms' shared schedule for
// snapshots and lease renewals).
//
// Concurrency: each room is one goroutine (its actor) that owns the room's
// game engine and its timers; everything else talks to it through bounded
// channels and never blocks on it. Lobby methods are safe for concurrent use.
// Inputs reach the actor through the Bus's input log: on a remote Bus a pump
// goroutine per room blocks in ReadInputs and hands the actor batches; on an
// in-process log (InProcessLog, lobby/membus) there is no pump, the actor
// polls the log itself and selects on the channel the next append closes,
// so an answer wakes one goroutine fewer on its way to its ack.
//
// Outputs reach a view (view.receive) one at a time, in publish order. On a
// remote Bus a dispatcher goroutine per view reads the subscription's
// channel. On an in-process Bus (InProcessBroadcaster, lobby/membus) there
// is no dispatcher: Publish calls receive on the publishing goroutine, the
// room's actor, for every view of the room, of this Lobby or of another on
// the same Bus, with no lock of the Bus held. So receive, and deliver under
// it, must never block or wait on the actor: Conn.Send and Conn.Close never
// wait on a peer (a small room's question, Frame.WriteNow, may be written
// by Send itself, into a socket with room for it), the attach answer goes to a channel of one buffered slot sent to
// once, and the locks it takes are short and never held by anyone across a
// publish, a submit or a wait on the actor (l.mu and v.mu one after the
// other, never nested; under v.mu only the connections' own locks and
// spawnMu). What has to submit (the
// resync after a gap, attaches sent again, an abandoned attach's release)
// goes on a goroutine (view.goOff): a takeover between lobbies sharing one
// in-process Bus still shows a gap on purpose. Close closes such views
// itself (no dispatcher sees the subscription end), before it waits for
// the goroutines, and from then on spawn starts none: a direct view may be
// fed by another Lobby's actor after this one began to wait.
package lobby
