package ws

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// writers is a Server's pool of write goroutines: every connection's queued
// frames are written by one of a few goroutines shared by all connections,
// instead of by a writer goroutine of each connection's own.
//
// Why (issue 16): with a goroutine per connection, a fan-out to 10,000
// players readied 10,000 goroutines per frame, each a pass of the run queue
// that an answer's ack then waited behind, and each a stack for every GC to
// scan. A bare broadcast server writes a fan-out from one goroutine per core
// over a slice of connections; a write to a socket with room in its buffer
// is one syscall that does not park. The pool writes the same way: a
// goroutine takes the next ready connection, writes its batch and goes on,
// so a fan-out readies at most one goroutine per core.
//
// The price of sharing is that one peer that stops reading can block a
// writer in a write (until the slow-consumer bound cuts it, or the write
// deadline). The pool does what the Go scheduler does for a blocking system
// call: a writer stuck in one connection's batch for longer than stuckAfter
// stops counting, and another goroutine is started for the connections
// waiting behind it, up to limit goroutines in all. A surplus goroutine
// exits as soon as nothing is ready, so the pool shrinks back by itself,
// and an idle Server has none.
//
// Order: a connection is in the ready list at most once (conn.scheduled)
// and its frames are written under its writeMu, so one connection's frames
// are written in the order queued, by one goroutine at a time. A writer
// that finds writeMu held drops its entry, deciding so under the
// connection's mu, and whoever held writeMu checks the queue under mu once
// it let go (conn.takeOverOrDrop, conn.scheduleWaiting): a frame queued
// meanwhile is never left without a writer.
type writers struct {
	base       int           // goroutines writing while none is stuck
	limit      int           // most goroutines, stuck ones included
	stuckAfter time.Duration // a batch written for longer than this is stuck

	mu    sync.Mutex
	ready []*conn // connections with frames queued, oldest first, from head
	head  int
	// questions holds connections made ready by a frame showing a
	// question, replies those made ready by a reply (lobby.Frame.Reply);
	// both are written before the others: everyone is to see the question
	// at the same moment, and a player who answered waits for the ack. A
	// question frame is one per player per question and a reply one per
	// message read, so the others wait at most one fan-out and the replies
	// of the moment. While both wait, the writer takes from each in turn:
	// a fan-out to 10,000 players is a tenth of a second of writes, and
	// the acks of those who answered meanwhile waited behind all of it
	// (room-10k: ack p99 74 ms against the floor's 17, whose readers write
	// their acks between the broadcast's writes).
	questions     []*conn
	questionsHead int
	replies       []*conn
	repliesHead   int
	questionTurn  bool // while both lists hold entries: a question is next
	running       []*writerSlot
	// waiting counts the connections in the lists, read without mu by
	// busy.
	waiting  atomic.Int64
	watching bool        // the stuck-writer check is armed
	watch    *time.Timer // runs checkStuck
}

// frameClass is the writers' list a connection is made ready on.
type frameClass int

const (
	classOther    frameClass = iota // reveals, leaderboards, notes: the ready list
	classReply                      // lobby.Frame.Reply: acks, welcomes, errors, pongs
	classQuestion                   // a frame showing a question
)

// classOf is the list a frame makes its connection ready on.
func classOf(f lobby.Frame) frameClass {
	switch {
	case f.Question >= 0:
		return classQuestion
	case f.Reply:
		return classReply
	}
	return classOther
}

// writerSlot is one running write goroutine: when it began the batch it is
// writing (Unix ns), or 0 between batches.
type writerSlot struct{ since atomic.Int64 }

// stuckWriteAfter is how long one connection's batch may hold a writer
// before the pool stops counting on it: long enough that a loaded core's
// ordinary batches never reach it, short enough that the frames queued
// behind a peer that stopped reading wait a fraction of a question's time.
const stuckWriteAfter = 25 * time.Millisecond

// maxWriters bounds the pool, stuck goroutines included: each one stuck is a
// peer that stopped reading, cut within the slow-consumer bound or the write
// deadline; past this many at once, the others' frames wait for those cuts.
const maxWriters = 256

func newWriters() *writers {
	w := &writers{
		base:       runtime.GOMAXPROCS(0),
		limit:      maxWriters,
		stuckAfter: stuckWriteAfter,
	}
	w.watch = time.AfterFunc(time.Hour, w.checkStuck)
	w.watch.Stop()
	return w
}

// schedule puts c, which has frames queued and was not ready, on the ready
// list, and starts a goroutine when fewer than base run. It never blocks.
// A Server made without NewServer (tests of the queue alone) has no pool:
// nothing is written.
func (w *writers) schedule(c *conn, class frameClass) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch class {
	case classQuestion:
		w.questions = append(w.questions, c)
	case classReply:
		w.replies = append(w.replies, c)
	default:
		w.ready = append(w.ready, c)
	}
	w.waiting.Add(1)
	if len(w.running) < w.base {
		w.startLocked()
		return
	}
	if !w.watching {
		// Every goroutine is busy: make sure a stuck one is noticed while
		// c waits.
		w.watching = true
		w.watch.Reset(w.stuckAfter)
	}
}

// startLocked starts one write goroutine. Caller holds w.mu.
func (w *writers) startLocked() {
	slot := &writerSlot{}
	w.running = append(w.running, slot)
	go w.run(slot)
}

// writerSlice is how long a writer writes the other frames (reveals,
// leaderboards, notes) before it lets the goroutines waiting for the core
// run (runtime.Gosched): the readers with answers in hand and the rooms'
// actors. Without it a writer draining a backlog would hold a core until the
// scheduler preempts it, every 10 ms.
//
// Questions and replies (the urgent lists) are written without a pause: after
// a Gosched a writer waits a whole pass of the run queue, and on a saturated
// core (200 games) the acks and questions that waited behind those passes
// made ack p99 80 to 180 ms and fan-out p99 up to 8x the floor's; written
// straight through, 35 to 80 ms and at most 1.9x (issue 16). A bare
// broadcast does not pause in a fan-out either.
const writerSlice = 200 * time.Microsecond

// run writes ready connections until none is left.
func (w *writers) run(slot *writerSlot) {
	sliceStart := time.Now()
	for {
		c, urgent := w.next(slot)
		if c == nil {
			return
		}
		start := time.Now()
		if !urgent && start.Sub(sliceStart) > writerSlice {
			runtime.Gosched()
			start = time.Now()
			sliceStart = start
		}
		slot.since.Store(start.UnixNano())
		c.flush()
		slot.since.Store(0)
	}
}

// next takes the oldest ready connection, first from the questions and
// replies lists (urgent, in turn while both hold entries), or, when none
// is, retires slot and returns nil.
func (w *writers) next(slot *writerSlot) (c *conn, urgent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	question := w.questionsHead < len(w.questions)
	reply := w.repliesHead < len(w.replies)
	if reply && (!question || !w.questionTurn) {
		w.questionTurn = true
		c, w.replies, w.repliesHead = take(w.replies, w.repliesHead)
		w.waiting.Add(-1)
		return c, true
	}
	if question {
		w.questionTurn = false
		c, w.questions, w.questionsHead = take(w.questions, w.questionsHead)
		w.waiting.Add(-1)
		return c, true
	}
	if w.head == len(w.ready) {
		clear(w.ready)
		w.ready, w.head = w.ready[:0], 0
		for i, s := range w.running {
			if s == slot {
				w.running = append(w.running[:i], w.running[i+1:]...)
				break
			}
		}
		return nil, false
	}
	c = w.ready[w.head]
	w.ready[w.head] = nil
	w.head++
	w.waiting.Add(-1)
	w.ready, w.head = compact(w.ready, w.head)
	return c, false
}

// take removes the oldest entry of an urgent list.
func take(list []*conn, head int) (*conn, []*conn, int) {
	c := list[head]
	list[head] = nil
	head++
	if head == len(list) {
		return c, list[:0], 0
	}
	list, head = compact(list, head)
	return c, list, head
}

// compact moves what is left of list (from head) to its front once half of
// it is taken: under a backlog that never drains, a list would only grow at
// its end.
func compact(list []*conn, head int) ([]*conn, int) {
	if head < 1024 || 2*head < len(list) {
		return list, head
	}
	n := copy(list, list[head:])
	clear(list[n:])
	return list[:n], 0
}

// busy reports whether connections wait for a writer now. A Server without
// a pool (tests of the queue alone) is never busy.
func (w *writers) busy() bool { return w != nil && w.waiting.Load() > 0 }

// checkStuck runs stuckAfter after a connection found every goroutine busy:
// while connections wait, it starts a goroutine for each one stuck, so that
// base goroutines are writing, and checks again later.
func (w *writers) checkStuck() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.watching = false
	waiting := len(w.ready) - w.head + len(w.questions) - w.questionsHead + len(w.replies) - w.repliesHead
	if waiting == 0 {
		return
	}
	now := time.Now().UnixNano()
	writing := 0
	for _, s := range w.running {
		if since := s.since.Load(); since == 0 || now-since < int64(w.stuckAfter) {
			writing++
		}
	}
	for ; writing < w.base && waiting > 0 && len(w.running) < w.limit; writing++ {
		w.startLocked()
		waiting--
	}
	w.watching = true
	w.watch.Reset(w.stuckAfter)
}
