// Package redisbus implements lobby.Bus on Redis (go-redis), so that several
// Quizroom instances share games.
//
// Key layout: every key of a room carries the room's PIN as a hash tag, so all
// of them live in one Redis Cluster slot and multi-key scripts work there:
//
//	qr:{PIN}:pin    PIN reservation (SET NX PX)
//	qr:{PIN}:owner  owner lease, value = holder id (SET NX PX, renewed and released by Lua)
//	qr:{PIN}:in     input log (a Stream: XADD, XREAD BLOCK, XTRIM MINID)
//	qr:{PIN}:state  latest snapshot (a hash: data, last, seq)
//	qr:{PIN}:out    output channel (SPUBLISH/SSUBSCRIBE when the server has
//	                sharded pub/sub, PUBLISH/SUBSCRIBE otherwise)
//	qr:{PIN}:last   the last output published, for subscribers that reconnect
//	qr:{PIN}:term   ownership term (a hash: term, game), only grows; fences
//	                outputs, acks and owner-made inputs (fence.go)
//
// The prefix "qr" is configurable (Options.Prefix) so that tests sharing one
// server stay apart.
//
// Pub/sub loses messages when a connection breaks or a subscriber lags; each
// Output carries its sequence number and the lobby reloads the snapshot on a
// gap. A gap is only seen when a later output arrives, so a subscription that
// reconnects re-reads the last output (qr:{PIN}:last) and delivers it when it
// is newer than the last one delivered: a room that went quiet right after
// the loss (a reveal waiting for the host) still converges. A subscription is one pub/sub connection per room per instance (sharded
// channels of different slots cannot share a connection on a cluster).
//
// Concurrency: a Bus is safe for concurrent use. Each Subscription runs one
// goroutine, ended by Close or by the context given to Subscribe; Close waits
// for it.
package redisbus
