// Package lobby runs games: PINs, room actors, sessions, resume tokens and the
// fan-out of a room's events to the sessions connected to this instance.
//
// It knows nothing of WebSockets or Redis. Transports hand it sessions (a
// small interface that queues bytes without blocking), and rooms share state
// between instances through the Bus it defines (bus.go), implemented in memory
// by lobby/membus and on Redis by transport/redisbus.
//
// Concurrency: each room is one goroutine (its actor) that owns the room's
// game engine and its one timer; everything else talks to it through bounded
// channels and never blocks on it. Lobby methods are safe for concurrent use.
package lobby
