package ws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

var _ lobby.Conn = (*conn)(nil)

// rttSamples is how many recent round trips the minimum is taken over.
const rttSamples = 8

// writtenSlots is how many recent questions remember when they were written:
// only the open question can be answered, the others cover a question that
// is re-shown (welcome, state) while the next one opens.
const writtenSlots = 4

// maxFrameHeader is the most a WebSocket frame adds to its payload (a
// server's frames are not masked).
const maxFrameHeader = 10

// writeNowTimeout bounds a write made on the sender's goroutine (sendNow):
// the socket had room, so the write does not wait unless the kernel holds
// it, and the room's actor must not wait with it for the usual deadline.
const writeNowTimeout = 50 * time.Millisecond

// keepBatch is the largest queue capacity kept after a burst; a larger
// backing array is dropped so that idle connections stay small.
const keepBatch = 16

type writtenAt struct {
	q  int
	at time.Time
}

type conn struct {
	s       *Server
	ws      *websocket.Conn
	netConn net.Conn // the hijacked connection, for the slow consumer's short deadline
	// room tells whether the socket takes a frame without a wait (sendNow);
	// nil when the socket cannot be asked.
	room *socketRoom
	addr string
	// log is replaced once, by the reader, when the room admits the
	// connection; the room's broadcasts may call Send (which logs a slow
	// consumer) from then on, on the room's actor or dispatcher goroutine.
	log atomic.Pointer[zerolog.Logger]

	closing chan struct{}
	once    sync.Once
	reason  atomic.Pointer[Close]
	// finishing runs finish once the connection is closing; serve waits
	// for it.
	finishing sync.WaitGroup

	// writeMu is held by whoever writes this connection's frames: a pool
	// writer (writers.go) for a batch, finish for the last ones. spare is
	// the emptied batch the queue fills next, and writeFailed says a
	// write failed (finish then cuts the connection); both under writeMu.
	writeMu     sync.Mutex
	spare       []lobby.Frame
	writeFailed bool

	// pingMu guards the ping timer's life: pingsStopped, once serve ends,
	// keeps the timer from starting another ping; pingWG waits for the
	// one under way.
	pingMu       sync.Mutex
	pingTimer    *time.Timer
	pingsStopped bool
	pingPutOffs  int // pings put off in a row (putOffPing)
	pingWG       sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	scheduled bool // in the writers' ready list, or being written
	// urgentClass: the connection has an entry not taken yet in the
	// writers' questions list (classQuestion) or replies list (classReply),
	// or neither (classOther; see Send).
	urgentClass   frameClass
	queue         []lobby.Frame
	pendingFrames int // queued, plus taken by the writer and not yet written
	pendingBytes  int
	written       [writtenSlots]writtenAt
	nwritten      int
	rtts          [rttSamples]time.Duration
	nrtt          int
	// writeDeadline is the deadline armed on the socket for writes (see
	// armWriteDeadline); the zero time when none is armed. writingNow: a
	// write under writeNowTimeout is under way (writeNow), whose deadline
	// armWriteDeadline leaves alone.
	writeDeadline time.Time
	writingNow    bool

	member *lobby.Member // reader goroutine only
	// attaching delivers the outcome of the attach under way (reader
	// goroutine only; nil when none is); attachWG waits for its goroutine.
	attaching chan attached
	attachWG  sync.WaitGroup
	// commands feeds the command goroutine (commands.go), made by the
	// reader at the first command; commandRunning, under commandMu, says
	// whether it runs, and commandWG waits for it.
	commands       chan command
	commandMu      sync.Mutex
	commandRunning bool
	commandWG      sync.WaitGroup
}

func newConn(s *Server, wsc *websocket.Conn, netConn net.Conn, addr string, log zerolog.Logger) *conn {
	c := &conn{
		s: s, ws: wsc, netConn: netConn, addr: addr,
		closing: make(chan struct{}),
	}
	if netConn != nil {
		c.room = newSocketRoom(netConn)
	}
	c.log.Store(&log)
	return c
}

func (c *conn) logger() *zerolog.Logger { return c.log.Load() }

// Send implements lobby.Conn. It never blocks: a frame that would take the
// queue past its frame or byte bound closes the connection as a slow
// consumer instead (a single frame larger than the byte bound still goes
// when nothing else is pending).
func (c *conn) Send(f lobby.Frame) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	if f.WriteNow && c.room != nil && !c.scheduled && len(c.queue) == 0 {
		// Claim the connection: scheduled keeps the others' Sends from
		// making it ready, and the highest class from promoting it, while
		// this goroutine writes.
		c.scheduled = true
		c.urgentClass = classQuestion
		c.mu.Unlock()
		return c.sendNow(f)
	}
	if c.pendingFrames >= c.s.cfg.QueueFrames ||
		(c.pendingFrames > 0 && c.pendingBytes+len(f.Data) > c.s.cfg.QueueBytes) {
		c.mu.Unlock()
		c.s.cfg.Observer.SlowConsumer()
		c.logger().Info().Msg("closing a slow consumer")
		c.closeWith(CloseSlow)
		return false
	}
	c.queue = append(c.queue, f)
	c.pendingFrames++
	c.pendingBytes += len(f.Data)
	class := classOf(f)
	ready := !c.scheduled
	// A question or a reply for a connection already waiting among the
	// other frames (or being written) gets an entry in its urgent list too:
	// its place in the ready list would hold the ack behind every reveal
	// queued before it. The entry taken second finds the queue written.
	promote := !ready && class > c.urgentClass
	c.scheduled = true
	if ready || promote {
		// A connection not scheduled has no entry that counts (one left
		// in a list finds its queue written), so its class is the new one.
		c.urgentClass = class
	}
	c.mu.Unlock()
	if ready || promote {
		c.s.writers.schedule(c, class)
	}
	return true
}

// sendNow writes f, which found the connection idle, on the calling
// goroutine when the socket takes it without a wait, as a bare broadcast
// server writes its fan-out (see lobby.Frame.WriteNow); otherwise f goes to
// the writers after all, ahead of what others' Sends queued meanwhile. The
// connection was claimed by Send.
//
// The write does not wait on the peer: the socket's buffer had room for f
// (socketRoom), and the write runs under a deadline of writeNowTimeout in
// case the kernel holds it anyway (memory pressure); a write that times
// out is a failed write, and the connection is cut.
func (c *conn) sendNow(f lobby.Frame) bool {
	if c.writeMu.TryLock() {
		written, err := c.writeNow(f)
		if whileWritingNow != nil {
			whileWritingNow(c)
		}
		c.writeMu.Unlock()
		if err != nil {
			c.closeWith(CloseNormal)
			return false
		}
		if written {
			c.scheduleWaiting(true)
			return true
		}
	}
	return c.queueAhead(f)
}

// whileWritingNow, set by tests only, runs in sendNow after its write,
// while it still holds writeMu.
var whileWritingNow func(*conn)

// writeNow writes f under writeNowTimeout, then puts the usual deadline back
// for the frames that follow (the pool's, the pings', the close handshake).
// It writes nothing when the socket has no room for f or the connection is
// closing. Caller holds c.writeMu.
func (c *conn) writeNow(f lobby.Frame) (written bool, err error) {
	if !c.room.takes(len(f.Data) + maxFrameHeader) {
		return false, nil
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false, nil
	}
	c.writingNow = true
	c.writeDeadline = time.Now().Add(writeNowTimeout)
	_ = c.netConn.SetWriteDeadline(c.writeDeadline)
	c.mu.Unlock()
	err = c.write(f)
	now := time.Now()
	c.mu.Lock()
	c.writingNow = false
	if err == nil {
		c.armWriteDeadline(now)
		if f.Question >= 0 {
			c.shownLocked(f.Question, now)
		}
	}
	c.mu.Unlock()
	if err != nil {
		c.writeFailed = true
		return false, err
	}
	c.s.cfg.Observer.MessageOut()
	f.Written() // coder/websocket keeps no reference once Write returns
	return true, nil
}

// queueAhead queues f, which sendNow could not write, in front of what
// others' Sends queued while the connection was claimed, and makes the
// connection ready for the writers. It reports false, queuing nothing,
// when the connection is closed.
func (c *conn) queueAhead(f lobby.Frame) bool {
	c.mu.Lock()
	if c.closed {
		c.scheduled = false
		c.mu.Unlock()
		return false
	}
	c.queue = slices.Insert(c.queue, 0, f)
	c.pendingFrames++
	c.pendingBytes += len(f.Data)
	class := c.queueClassLocked()
	c.scheduled, c.urgentClass = true, class
	c.mu.Unlock()
	c.s.writers.schedule(c, class)
	return true
}

// queueClassLocked is the list the queued frames make the connection ready
// on: the most urgent of their classes. Caller holds c.mu.
func (c *conn) queueClassLocked() frameClass {
	class := classOther
	for _, q := range c.queue {
		class = max(class, classOf(q))
	}
	return class
}

// scheduleWaiting makes the connection ready for the writers when frames
// are queued and no entry of it counts: called by whoever held writeMu,
// after letting it go, since a pool writer that found writeMu held dropped
// its entry on that promise (takeOverOrDrop). endClaim ends sendNow's claim
// on the connection first.
func (c *conn) scheduleWaiting(endClaim bool) {
	c.mu.Lock()
	if endClaim {
		c.scheduled = false
	}
	waiting := len(c.queue) > 0 && !c.closed && !c.scheduled
	class := classOther
	if waiting {
		class = c.queueClassLocked()
		c.scheduled, c.urgentClass = true, class
	} else if endClaim {
		c.urgentClass = classOther
	}
	c.mu.Unlock()
	if waiting {
		c.s.writers.schedule(c, class)
	}
}

// Closed reports whether the connection was closed (by the room, or by its
// own queue as a slow consumer); the room skips costly replies to it.
func (c *conn) Closed() bool {
	select {
	case <-c.closing:
		return true
	default:
		return false
	}
}

// Close implements lobby.Conn.
func (c *conn) Close(r lobby.CloseReason) { c.closeWith(closeFor(r)) }

func (c *conn) closeWith(cl Close) {
	c.once.Do(func() {
		c.reason.Store(&cl)
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		if cl == CloseTooBig && c.netConn != nil {
			// The rest of the oversized message is discarded while the
			// close handshake waits for the peer's close frame: a peer that
			// keeps streaming gets a second, not the handshake's 5.
			_ = c.netConn.SetReadDeadline(time.Now().Add(time.Second))
		}
		if cl == CloseSlow && c.netConn != nil {
			// The writer is most likely stuck in a write to this peer: give
			// that write and the close frame a short deadline, then the
			// connection is gone (SetDeadline never blocks).
			_ = c.netConn.SetDeadline(time.Now().Add(c.s.cfg.SlowCloseTimeout))
		}
		close(c.closing)
		// The close handshake waits for the peer: never on a pool writer.
		c.finishing.Go(c.finish)
	})
}

func (c *conn) closeReason() Close {
	if r := c.reason.Load(); r != nil {
		return *r
	}
	return CloseNormal
}

// reply sends v in answer to the connection's own message (an error, a
// pong): written ahead of the broadcasts waiting, see lobby.Frame.Reply. A
// pong's wait would skew the page's clock offset by half of it.
func (c *conn) reply(v any) { c.Send(lobby.Frame{Data: wire.Marshal(v), Question: -1, Reply: true}) }

func (c *conn) sendError(re json.RawMessage, err error) {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		c.logger().Error().Err(err).Msg("internal error")
		werr = wire.Internal(err)
	} else if werr.Cause != nil {
		// The client is told the code's fixed message; the cause is ours.
		c.logger().Warn().Err(werr.Cause).Str("code", string(werr.Code)).Msg("request refused")
	}
	c.reply(wire.ErrorMsg{Type: wire.TypeError, Re: re, Code: werr.Code, Message: werr.Message})
}

// serve runs the connection until it ends: the reader on this goroutine;
// the frames are written by the Server's writers, the pings by their timer.
func (c *conn) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	c.startPings(ctx)
	readCtx, stopReading := context.WithCancel(ctx)
	c.readLoop(readCtx)
	c.closeWith(CloseNormal)
	// What the reader handed off ends with it: commands waiting on the
	// store give up, and an attach under way is waited for, so that a
	// member it made is detached, not left bound to a closed connection.
	stopReading()
	c.commandWG.Wait()
	c.takeAttach(true)
	c.attachWG.Wait()
	switch {
	case c.member == nil:
	case c.closeReason() == CloseShutdown:
		// Sent to another instance, not gone: the room keeps the player
		// connected until the resume there (lobby.Member.Handoff).
		c.member.Handoff()
	default:
		c.member.Detach()
	}
	c.stopPings()
	cancel()
	c.finishing.Wait()
	c.pingWG.Wait()
}

// takeBatch hands the queued frames to a writer, giving the queue the
// writer's emptied batch to fill next, and makes sure the socket has a
// write deadline for them. With nothing to write, or the connection
// closing (finish writes what is left), the connection leaves the ready
// list: the next Send schedules it again.
func (c *conn) takeBatch(spare []lobby.Frame, now time.Time) []lobby.Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 || c.closed {
		c.scheduled = false
		return nil
	}
	batch := c.queue
	c.queue = spare[:0]
	c.urgentClass = classOther
	c.armWriteDeadline(now)
	return batch
}

// take hands every queued frame to finish.
func (c *conn) take() []lobby.Frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	batch := c.queue
	c.queue = nil
	return batch
}

// armWriteDeadline keeps a deadline between WriteTimeout/2 and WriteTimeout
// ahead on the socket, for the writer's frames and the pings' control frames.
// It is a deadline on the net.Conn, re-armed at most every WriteTimeout/2,
// rather than a context.WithTimeout per frame: that cost a context, a timer
// and coder/websocket's context.AfterFunc for every frame of every fan-out
// (7% of the server's CPU at 10,000 players). A closed connection keeps the
// deadline closeWith gave it. Caller holds c.mu.
func (c *conn) armWriteDeadline(now time.Time) {
	if c.closed || c.writingNow || c.netConn == nil || c.writeDeadline.Sub(now) > c.s.cfg.WriteTimeout/2 {
		return
	}
	c.writeDeadline = now.Add(c.s.cfg.WriteTimeout)
	_ = c.netConn.SetWriteDeadline(c.writeDeadline)
}

// wrote accounts for n written frames of bytes in all.
func (c *conn) wrote(n, bytes int) {
	c.mu.Lock()
	c.pendingFrames -= n
	c.pendingBytes -= bytes
	c.mu.Unlock()
}

// shown records that a frame showing question q was written at: the first
// showing starts the player's clock.
func (c *conn) shown(q int, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shownLocked(q, at)
}

// shownLocked is shown; caller holds c.mu.
func (c *conn) shownLocked(q int, at time.Time) {
	for i := range min(c.nwritten, writtenSlots) {
		if c.written[i].q == q {
			return
		}
	}
	c.written[c.nwritten%writtenSlots] = writtenAt{q: q, at: at}
	c.nwritten++
}

// write writes one frame under the socket's write deadline (see
// armWriteDeadline), or a context deadline when the socket is not at hand.
func (c *conn) write(f lobby.Frame) error {
	if c.netConn != nil {
		return c.ws.Write(context.Background(), websocket.MessageText, f.Data)
	}
	wctx, cancel := context.WithTimeout(context.Background(), c.s.cfg.WriteTimeout)
	defer cancel()
	return c.ws.Write(wctx, websocket.MessageText, f.Data)
}

// writeBatch writes a batch and returns it emptied (its frames released).
// The queue's accounting takes the lock once per batch; only a frame
// showing a question (one per question per player) takes it on its own.
// Caller holds c.writeMu.
func (c *conn) writeBatch(batch []lobby.Frame) ([]lobby.Frame, error) {
	var err error
	n, bytes := 0, 0
	for ; n < len(batch); n++ {
		f := batch[n]
		err = c.write(f)
		f.Written() // coder/websocket keeps no reference once Write returns
		if err != nil {
			break
		}
		c.s.cfg.Observer.MessageOut()
		bytes += len(f.Data)
		if f.Question >= 0 {
			c.shown(f.Question, time.Now())
		}
	}
	c.wrote(n, bytes)
	clear(batch)
	if cap(batch) > keepBatch {
		batch = nil
	}
	return batch[:0], err
}

// flush writes what is queued, on a pool writer, and puts the connection
// back in the ready list if more came meanwhile (behind the others ready,
// so that a connection with a long queue does not hold a writer).
func (c *conn) flush() {
	// writeMu is held by finish (the connection is closing and the rest
	// is finish's: a pool writer must not wait behind its close
	// handshake), by another pool writer that took the connection's other
	// entry (a question or reply promoted to an urgent list, see Send), or
	// by a room's goroutine writing a question itself (sendNow). The last
	// two put the connection back themselves if more is queued when they
	// are done, so this entry is dropped, unless the holder is done by now.
	if !c.writeMu.TryLock() && !c.takeOverOrDrop() {
		return
	}
	more := c.flushLocked()
	c.writeMu.Unlock()
	if more {
		c.s.writers.schedule(c, classOther)
		return
	}
	c.scheduleWaiting(false)
}

// takeOverOrDrop is a pool writer's answer to finding writeMu held: it
// drops its entry, as the holder checks the queue once it lets go
// (scheduleWaiting), or, when the holder let go in the meantime, takes
// writeMu itself and reports true. The second try is made under c.mu, and
// the holder checks under c.mu after letting go, so either the holder sees
// the entry dropped or this writer gets writeMu: frames queued meanwhile
// are never left without a writer.
func (c *conn) takeOverOrDrop() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writeMu.TryLock() {
		return true
	}
	c.scheduled = false
	c.urgentClass = classOther
	return false
}

// flushLocked writes one batch and reports whether more frames are queued
// (the connection stays scheduled then). Caller holds c.writeMu.
func (c *conn) flushLocked() bool {
	batch := c.takeBatch(c.spare, time.Now())
	if len(batch) == 0 {
		return false
	}
	spare, err := c.writeBatch(batch)
	c.spare = spare
	if err != nil {
		c.writeFailed = true
		c.closeWith(CloseNormal)
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	more := len(c.queue) > 0 && !c.closed
	c.scheduled = more
	return more
}

// finish ends the connection once it is closing, as its reason asks, after
// the batch a pool writer may be writing.
func (c *conn) finish() {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.ws == nil {
		return // a connection of a queue test: nothing to write
	}
	switch cl := c.closeReason(); {
	case c.writeFailed:
		c.ws.CloseNow()
	case cl == CloseIdle:
		// The peer answers no pings: a close handshake would only
		// wait out its timeout.
		c.ws.CloseNow()
	case cl == CloseSlow:
		// The peer reads too slowly, perhaps not at all. Under the
		// short deadline closeWith set, a peer that still reads gets
		// 4001; one that does not is cut when the deadline passes.
		c.ws.Close(cl.Code, cl.Reason)
	default:
		// Flush what is queued (the reconnect, the kick notice), under
		// a fresh deadline: the connection is closed, so takeBatch no
		// longer arms one.
		if c.netConn != nil {
			_ = c.netConn.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
		}
		if _, err := c.writeBatch(c.take()); err != nil {
			c.ws.CloseNow()
			return
		}
		c.ws.Close(cl.Code, cl.Reason)
	}
}

// startPings arms the ping timer. The first ping goes out at once, so the
// first question is already fair. Each ping runs on the timer's own
// goroutine and waits there for its pong (coder/websocket's Ping does), so
// a connection has a goroutine for its pings only while one is out.
func (c *conn) startPings(ctx context.Context) {
	c.pingMu.Lock()
	defer c.pingMu.Unlock()
	c.pingTimer = time.AfterFunc(0, func() {
		c.pingMu.Lock()
		if c.pingsStopped {
			c.pingMu.Unlock()
			return
		}
		if c.putOffPing() {
			c.pingTimer.Reset(c.s.cfg.PingInterval / 2)
			c.pingMu.Unlock()
			return
		}
		c.pingWG.Add(1)
		c.pingMu.Unlock()
		defer c.pingWG.Done()
		if !c.ping(ctx) {
			return
		}
		c.pingMu.Lock()
		if !c.pingsStopped {
			c.pingTimer.Reset(c.pingInterval())
		}
		c.pingMu.Unlock()
	})
}

// MaxPingPutOffs is how many times in a row a ping may be put off while the
// writers are busy: a peer that went away is still found within the ping
// interval plus MaxPingPutOffs half intervals plus IdleTimeout.
const MaxPingPutOffs = 2

// putOffPing reports whether the ping due now waits half an interval more:
// the connection has a round trip already and frames wait for the writers.
// A round trip measured then measures the server's queue, not the network
// (the minimum over the samples drops it anyway; frames waiting is the sign
// of a core that is behind, which the ping's own write and pong read wait
// for too), and on a saturated core
// the pings were a tenth of the server's CPU while 200 games played
// (issue 16). Caller holds pingMu.
func (c *conn) putOffPing() bool {
	c.mu.Lock()
	known := c.nrtt > 0
	c.mu.Unlock()
	if !known || c.pingPutOffs >= MaxPingPutOffs || !c.s.writers.busy() {
		c.pingPutOffs = 0
		return false
	}
	c.pingPutOffs++
	return true
}

// SteadyPingFactor spaces the pings once a connection has a full set of
// round-trip samples: the minimum of 8 samples moves little after that,
// and at 10,000 connections the pings (a control frame each way, three
// timers in coder/websocket and ours) were 6 to 7% of a core (issue 16).
// A dead peer is still found within the ping interval (and any put-offs,
// MaxPingPutOffs) plus IdleTimeout.
const SteadyPingFactor = 3

// pingInterval is the wait before the next ping: PingInterval until the
// connection has rttSamples round trips, SteadyPingFactor times it after.
func (c *conn) pingInterval() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nrtt >= rttSamples {
		return SteadyPingFactor * c.s.cfg.PingInterval
	}
	return c.s.cfg.PingInterval
}

// stopPings stops the ping timer; serve then waits for a ping under way.
func (c *conn) stopPings() {
	c.pingMu.Lock()
	defer c.pingMu.Unlock()
	c.pingsStopped = true
	if c.pingTimer != nil {
		c.pingTimer.Stop()
	}
}

// ping measures one round trip; a ping unanswered for the idle timeout
// closes the connection. It reports whether the connection is still open.
func (c *conn) ping(ctx context.Context) bool {
	if c.Closed() {
		return false
	}
	// The ping's control frame is written under the socket's write
	// deadline too.
	c.mu.Lock()
	c.armWriteDeadline(time.Now())
	c.mu.Unlock()
	pctx, cancel := context.WithTimeout(ctx, c.s.cfg.IdleTimeout)
	defer cancel()
	start := time.Now()
	if err := c.ws.Ping(pctx); err != nil {
		if ctx.Err() == nil {
			c.closeWith(CloseIdle)
		}
		return false
	}
	c.addRTT(time.Since(start))
	return true
}

func (c *conn) addRTT(d time.Duration) {
	c.mu.Lock()
	c.rtts[c.nrtt%rttSamples] = d
	c.nrtt++
	c.mu.Unlock()
}

// minRTT is the smallest recent round trip (0 before the first sample).
func (c *conn) minRTT() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(c.nrtt, rttSamples)
	if n == 0 {
		return 0
	}
	return slices.Min(c.rtts[:n])
}

// responseTime is the server's measure of how long the player took to
// answer question q, read at received (see fairResponse).
func (c *conn) responseTime(q int, received time.Time) time.Duration {
	c.mu.Lock()
	var written time.Time
	for i := range min(c.nwritten, writtenSlots) {
		if c.written[i].q == q {
			written = c.written[i].at
		}
	}
	c.mu.Unlock()
	if written.IsZero() {
		return 0 // the room bounds it from the question's opening instead
	}
	return fairResponse(written, received, c.minRTT(), c.s.cfg.MaxCompensation)
}

// fairResponse is the time a player took to answer: from the moment the
// question was written to them to the moment the answer was read, minus the
// round trip (half for the question's trip down, half for the answer's trip
// up). The correction is capped, so delaying pongs gains at most maxComp,
// and the result is never negative.
func fairResponse(written, received time.Time, minRTT, maxComp time.Duration) time.Duration {
	return max(received.Sub(written)-min(minRTT, maxComp), 0)
}

func (c *conn) readLoop(ctx context.Context) {
	rl := readLimits{messages: newLimiter(c.s.cfg), errors: rate.NewLimiter(1, 3)}
	joinTimer := time.AfterFunc(c.s.cfg.JoinTimeout, func() { c.closeWith(CloseJoinTimeout) })
	defer joinTimer.Stop()
	// finish's close handshake ends Read when the room or a limit closes
	// the connection; ctx ends it when the server goes away, through one
	// AfterFunc for the connection's life rather than the one per message
	// coder/websocket registers for a read with a cancellable context.
	stopRead := context.AfterFunc(ctx, func() { c.ws.CloseNow() })
	defer stopRead()
	var held *[]byte // the previous message's buffer, back to the pool once handled
	defer func() { releaseReadBuf(held) }()
	for {
		releaseReadBuf(held)
		typ, buf, err := c.read()
		held = buf
		if err != nil {
			if errors.Is(err, errTooBig) {
				c.closeWith(CloseTooBig)
			}
			return
		}
		data := *buf
		select {
		case <-c.closing:
			// Whatever the peer still sends would only make the room work
			// for a connection it has given up (a slow consumer's flood of
			// sync requests, each answered with the whole state).
			return
		default:
		}
		received := time.Now()
		c.s.cfg.Observer.MessageIn()
		if allowed, flooding := rl.allow(c, received); flooding {
			return
		} else if !allowed {
			continue
		}
		if typ != websocket.MessageText {
			c.sendError(nil, wire.Errorf(wire.CodeBinaryFrame, "binary frames are not part of the protocol; send JSON text"))
			continue
		}
		msg, err := wire.DecodeClient(data)
		if err != nil {
			c.sendError(msg.ID, err)
			continue
		}
		if !c.takeAttach(false) {
			if msg.Type == wire.TypePing {
				c.pong(msg) // answered while an attach waits on the store
				continue
			}
			// Anything else comes after the attach under way, in order.
			if c.takeAttach(true) {
				c.handle(ctx, msg, received)
				continue
			}
			if !wire.FirstMessages[msg.Type] {
				c.sendError(msg.ID, wire.Errorf(wire.CodeNotJoined, "the first message must be host, join, resume or display"))
				continue
			}
			c.attachAsync(ctx, msg, joinTimer)
			continue
		}
		c.handle(ctx, msg, received)
	}
}

// readLimits is a reader's message rate limit: a message over the rate is
// dropped with an error (the errors themselves rate-limited), and a
// connection that keeps sending over it is closed as a flood.
type readLimits struct {
	messages, errors *rate.Limiter
	dropped          int // messages dropped in a row
}

// allow reports whether the message received at now may be handled, and
// whether the connection was closed as a flood.
func (rl *readLimits) allow(c *conn, now time.Time) (allowed, flooding bool) {
	if rl.messages.AllowN(now, 1) {
		rl.dropped = 0
		return true, false
	}
	rl.dropped++
	if rl.dropped >= c.s.cfg.FloodLimit {
		c.logger().Info().Msg("closing a flooding connection")
		c.closeWith(CloseFlood)
		return false, true
	}
	if rl.errors.AllowN(now, 1) {
		c.sendError(nil, wire.Errorf(wire.CodeRateLimited, "more than %g messages a second; message dropped", c.s.cfg.MessagesPerSecond))
	}
	return false, false
}

// readBufs holds message buffers for the readers. coder/websocket's Read
// allocates each message anew (io.ReadAll), garbage that made the GC's
// assists a tenth of the server's CPU while 10,000 players answered; a
// buffer per connection would cost idle connections memory instead. Nothing
// keeps a message's bytes once it is handled: wire.DecodeClient copies what
// it keeps (encoding/json copies strings and RawMessages).
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func releaseReadBuf(b *[]byte) {
	if b != nil && cap(*b) <= wire.MaxMessageBytes+512 {
		*b = (*b)[:0]
		readBufs.Put(b)
	}
}

// errTooBig is a message over wire.MaxMessageBytes.
var errTooBig = errors.New("ws: message over the size limit")

// read reads the next message into a pooled buffer; the caller releases
// it. The size limit is ours, not coder/websocket's read limit (disabled in
// ServeHTTP): the library's closes with its own text as the reason
// ("read limited at 4097 bytes") and then waits out a close handshake,
// where the protocol promises 1009 "message too big" at once.
func (c *conn) read() (websocket.MessageType, *[]byte, error) {
	typ, r, err := c.ws.Reader(context.Background()) // ctx: see readLoop
	if err != nil {
		return 0, nil, err
	}
	bp := readBufs.Get().(*[]byte)
	b := (*bp)[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		// One byte past the limit is enough to know a message is too big.
		n, err := r.Read(b[len(b):min(cap(b), wire.MaxMessageBytes+1)])
		b = b[:len(b)+n]
		if len(b) > wire.MaxMessageBytes {
			err = errTooBig // even with io.EOF: the message was one byte too long
		}
		if err == io.EOF {
			*bp = b
			return typ, bp, nil
		}
		if err != nil {
			*bp = b
			releaseReadBuf(bp)
			return 0, nil, err
		}
	}
}

// bindLog names the room, role and player in the connection's log lines
// once it is attached.
func (c *conn) bindLog(pin, role, player string) {
	named := c.logger().With().Str("pin", pin).Str("role", role).Str("player", player).Logger()
	c.log.Store(&named)
}

func (c *conn) pong(msg wire.Client) {
	c.reply(wire.Pong{Type: wire.TypePong, T: msg.T, ServerMs: time.Now().UnixMilli()})
}

func (c *conn) handle(ctx context.Context, msg wire.Client, received time.Time) {
	m := c.member
	switch {
	case msg.Type == wire.TypePing:
		c.pong(msg)
		return
	case wire.FirstMessages[msg.Type]:
		c.sendError(msg.ID, wire.Errorf(wire.CodeAlreadyJoined, "this connection is already in game %s as %s", m.PIN(), m.Role()))
		return
	case wire.HostCommands[msg.Type] && m.Role() != wire.RoleHost:
		c.sendError(msg.ID, wire.Errorf(wire.CodeNotHost, "%s is a host command; this connection is a %s", msg.Type, m.Role()))
		return
	case wire.PlayerCommands[msg.Type] && m.Role() != wire.RolePlayer:
		c.sendError(msg.ID, wire.Errorf(wire.CodeNotPlayer, "%s is for players; this connection is a %s", msg.Type, m.Role()))
		return
	case msg.Type == wire.TypeAnswer && msg.PlayerID != "" && msg.PlayerID != m.PlayerID():
		c.sendError(msg.ID, wire.Errorf(wire.CodeNotYourPlayer, "you can only answer for yourself"))
		return
	}
	lm := lobby.Message{Type: msg.Type, Re: msg.ID, Seconds: valueOr(msg.Seconds), Target: msg.PlayerID, Team: valueOr(msg.Team)}
	if msg.Type == wire.TypeAnswer {
		lm.Q = *msg.Q
		lm.Received = received
		lm.ResponseTime = c.responseTime(lm.Q, received)
		lm.Answer = game.Answer{Choices: msg.AnswerChoices(), List: msg.Choices != nil}
		if msg.Text != nil {
			lm.Answer.Text = *msg.Text
		}
	}
	if msg.Type != wire.TypeAnswer {
		c.enqueue(ctx, command{m: m, msg: lm, re: msg.ID})
		return
	}
	if err := m.Submit(ctx, lm); err != nil {
		c.sendError(msg.ID, err)
	}
}

func valueOr(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
