package ws

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// pair is one server connection and its client, over loopback.
type pair struct {
	server *conn
	client *websocket.Conn
}

// dialPairs opens n connections to a bare server whose conns write through
// srv's pool; cleanup closes them all and waits for their goroutines.
func dialPairs(t testing.TB, srv *Server, n int) []pair { return dialPairsOn(t, srv, n, true) }

// dialPairsOn is dialPairs; without socket the conns do not know their
// socket and bound each write with a context instead.
func dialPairsOn(t testing.TB, srv *Server, n int, socket bool) []pair {
	t.Helper()
	accepted := make(chan *conn, n)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &hijackWatcher{ResponseWriter: w}
		wsc, err := websocket.Accept(hw, r, nil)
		if err != nil {
			return
		}
		wsc.SetReadLimit(-1)
		nc := hw.conn
		if !socket {
			nc = nil
		}
		accepted <- newConn(srv, wsc, nc, "", zerolog.Nop())
	}))
	pairs := make([]pair, 0, n)
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		cc, _, err := websocket.Dial(ctx, hs.URL, nil)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		cc.SetReadLimit(-1)
		pairs = append(pairs, pair{server: <-accepted, client: cc})
	}
	t.Cleanup(func() {
		for _, p := range pairs {
			p.server.closeWith(CloseIdle)
			p.client.CloseNow()
		}
		for _, p := range pairs {
			p.server.finishing.Wait()
		}
		hs.Close()
	})
	return pairs
}

// TestStuckWriterDoesNotHoldOthers: a peer that stops reading blocks the
// pool writer in the middle of its batch (the socket's buffers are full and
// its write deadline a minute away), and the frames queued for everyone else
// still go out: the pool starts another writer once the first one is stuck.
// With the pool held at one writer, the others would wait the minute.
func TestStuckWriterDoesNotHoldOthers(t *testing.T) {
	srv := &Server{cfg: Config{QueueFrames: 1 << 10, QueueBytes: 1 << 30, WriteTimeout: time.Minute}.withDefaults(), writers: newWriters()}
	srv.writers.base = 1
	pairs := dialPairs(t, srv, 3)
	stalled, others := pairs[0], pairs[1:]
	if tcp, ok := stalled.server.netConn.(*net.TCPConn); ok {
		_ = tcp.SetWriteBuffer(4 << 10)
	}

	// 64 MiB the stalled peer never reads: far past what loopback buffers.
	big := bytes.Repeat([]byte("x"), 1<<20)
	for range 64 {
		if !stalled.server.Send(lobby.Frame{Data: big, Question: -1}) {
			t.Fatal("a frame for the stalled peer was refused")
		}
	}
	// The one writer took the stalled peer first (the ready list is in
	// order) and is in its batch until the peer reads or the minute ends.
	frame := []byte(`{"type":"question","q":0}`)
	for _, p := range others {
		if !p.server.Send(lobby.Frame{Data: frame, Question: 0}) {
			t.Fatal("a frame was refused")
		}
	}
	for i, p := range others {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, got, err := p.client.Read(ctx)
		cancel()
		if err != nil {
			t.Fatalf("peer %d behind the stuck writer: %v", i+1, err)
		}
		if !bytes.Equal(got, frame) {
			t.Fatalf("peer %d read %q, want %q", i+1, got, frame)
		}
	}

	// The stalled peer is cut as a slow consumer: its writer is freed by
	// the short deadline, and the pool shrinks back to nothing (goleak).
	stalled.server.closeWith(CloseSlow)
}

// TestWritersKeepEachConnectionsOrder: frames queued from several
// goroutines at once to the same connections arrive in the order each
// sender queued them, however the pool's writers interleave.
func TestWritersKeepEachConnectionsOrder(t *testing.T) {
	srv := &Server{cfg: Config{QueueFrames: 1 << 12, QueueBytes: 1 << 26}.withDefaults(), writers: newWriters()}
	pairs := dialPairs(t, srv, 8)
	const frames = 500
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range frames {
			for _, p := range pairs {
				p.server.Send(lobby.Frame{Data: []byte{byte('a' + i%26), byte(i >> 8), byte(i)}, Question: -1})
			}
		}
	}()
	for j, p := range pairs {
		for i := range frames {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, got, err := p.client.Read(ctx)
			cancel()
			if err != nil {
				t.Fatalf("peer %d frame %d: %v", j, i, err)
			}
			if want := []byte{byte('a' + i%26), byte(i >> 8), byte(i)}; !bytes.Equal(got, want) {
				t.Fatalf("peer %d frame %d: got %v, want %v", j, i, got, want)
			}
		}
	}
	<-done
}

// TestQuestionFramesGoFirst: a connection made ready by a frame showing a
// question is written before connections that were ready earlier with
// other frames (acks, leaderboards of other rooms): everyone is to see the
// question at the same moment.
func TestQuestionFramesGoFirst(t *testing.T) {
	w := newWriters()
	w.base = 0 // no goroutine: the test takes the connections itself
	ack, board, question, later := &conn{}, &conn{}, &conn{}, &conn{}
	w.schedule(ack, classOther)
	w.schedule(board, classOther)
	w.schedule(question, classQuestion)
	w.schedule(later, classQuestion)
	slot := &writerSlot{}
	for i, want := range []*conn{question, later, ack, board} {
		if got, urgent := w.next(slot); got != want || urgent != (i < 2) {
			t.Fatalf("connection %d taken out of order (urgent %v)", i, urgent)
		}
	}
	if c, _ := w.next(slot); c != nil {
		t.Fatal("a connection taken twice")
	}
	w.watch.Stop()
}

// TestRepliesGoFirst: a reply (an answer's ack) is written before the
// broadcasts already waiting, as a question is. Without Frame.Reply the ack
// waits behind every reveal and leaderboard queued before it: 100 to 400 ms
// on a saturated core with 200 games (issue 16).
func TestRepliesGoFirst(t *testing.T) {
	w := newWriters()
	w.base = 0 // no goroutine: the test takes the connections itself
	srv := &Server{cfg: Config{}.withDefaults(), writers: w}
	board, ack, question, later := &conn{s: srv}, &conn{s: srv}, &conn{s: srv}, &conn{s: srv}
	board.Send(lobby.Frame{Data: []byte(`{"type":"leaderboard"}`), Question: -1})
	ack.Send(lobby.Frame{Data: []byte(`{"type":"answer_ack"}`), Question: -1, Reply: true})
	question.Send(lobby.Frame{Data: []byte(`{"type":"question"}`), Question: 1})
	later.Send(lobby.Frame{Data: []byte(`{"type":"leaderboard"}`), Question: -1})
	slot := &writerSlot{}
	for i, want := range []*conn{ack, question, board, later} {
		if got, _ := w.next(slot); got != want {
			t.Fatalf("connection %d taken out of order", i)
		}
	}
	w.watch.Stop()
}

// TestRepliesAndQuestionsTakeTurns: while a fan-out's question frames and
// answers' acks both wait, the writer takes one of each in turn, so an ack
// waits for one question frame, not for the rest of a fan-out to 10,000
// players (room-10k: ack p99 74 ms, 4.4x the floor's, when the acks queued
// behind the questions).
func TestRepliesAndQuestionsTakeTurns(t *testing.T) {
	w := newWriters()
	w.base = 0 // no goroutine: the test takes the connections itself
	defer w.watch.Stop()
	q1, q2, q3, a1, a2, board := &conn{}, &conn{}, &conn{}, &conn{}, &conn{}, &conn{}
	w.schedule(board, classOther)
	w.schedule(q1, classQuestion)
	w.schedule(q2, classQuestion)
	w.schedule(a1, classReply)
	w.schedule(a2, classReply)
	w.schedule(q3, classQuestion)
	slot := &writerSlot{}
	for i, want := range []*conn{a1, q1, a2, q2, q3, board} {
		if got, _ := w.next(slot); got != want {
			t.Fatalf("entry %d taken out of turn", i)
		}
	}
}

// TestReadyListDoesNotGrowUnderABacklog: connections made ready as fast as
// they are taken, the list never empty, keep its length bounded.
func TestReadyListDoesNotGrowUnderABacklog(t *testing.T) {
	for _, urgent := range []frameClass{classOther, classReply, classQuestion} {
		w := newWriters()
		w.base = 0 // no goroutine: the test takes the connections itself
		slot := &writerSlot{}
		conns := make([]*conn, 8)
		for i := range conns {
			conns[i] = &conn{}
			w.schedule(conns[i], urgent)
		}
		for i := range 100_000 {
			c, _ := w.next(slot)
			if c != conns[i%len(conns)] {
				t.Fatalf("urgent %v: take %d out of order", urgent, i)
			}
			w.schedule(c, urgent)
		}
		w.watch.Stop()
		if n := max(len(w.ready), len(w.replies), len(w.questions)); n > 2048 {
			t.Fatalf("urgent %v: list is %d long for 8 connections", urgent, n)
		}
		if n := w.waiting.Load(); n != int64(len(conns)) {
			t.Fatalf("urgent %v: %d counted waiting, %d are", urgent, n, len(conns))
		}
	}
}

// TestReplyToAConnectionWaitingAmongOthersGoesFirst: an ack for a
// connection already in the ready list (a reveal queued for it) puts it in
// the replies list too, once; the later entry finds its queue written.
func TestReplyToAConnectionWaitingAmongOthersGoesFirst(t *testing.T) {
	w := newWriters()
	w.base = 0
	defer w.watch.Stop()
	srv := &Server{cfg: Config{}.withDefaults(), writers: w}
	other, c := &conn{s: srv}, &conn{s: srv}
	other.Send(lobby.Frame{Data: []byte(`{"type":"reveal"}`), Question: -1})
	c.Send(lobby.Frame{Data: []byte(`{"type":"reveal"}`), Question: -1})
	c.Send(lobby.Frame{Data: []byte(`{"type":"answer_ack"}`), Question: -1, Reply: true})
	c.Send(lobby.Frame{Data: []byte(`{"type":"error"}`), Question: -1, Reply: true})
	slot := &writerSlot{}
	for i, want := range []*conn{c, other, c} {
		if got, _ := w.next(slot); got != want {
			t.Fatalf("entry %d: connection out of order", i)
		}
	}
	if got, _ := w.next(slot); got != nil {
		t.Fatal("a reply promoted twice")
	}
}

// TestPoolWriterDoesNotWaitForAClosingConnection: a connection whose close
// handshake holds its writes (finish, waiting for a peer that may never
// answer) is skipped by the pool writer that takes it from the ready list:
// the connections behind it are written at once.
func TestPoolWriterDoesNotWaitForAClosingConnection(t *testing.T) {
	srv := &Server{cfg: Config{}.withDefaults(), writers: newWriters()}
	srv.writers.base = 0 // no goroutine of the pool's: the test runs the one writer
	defer srv.writers.watch.Stop()
	pairs := dialPairs(t, srv, 2)
	closing, other := pairs[0], pairs[1]
	frame := []byte(`{"type":"question","q":0}`)
	closing.server.Send(lobby.Frame{Data: frame, Question: -1})
	closing.server.writeMu.Lock() // as finish holds it through the handshake
	defer closing.server.writeMu.Unlock()
	closing.server.closeWith(CloseIdle)
	other.server.Send(lobby.Frame{Data: frame, Question: -1})
	done := make(chan struct{})
	go func() {
		defer close(done)
		slot := &writerSlot{}
		for {
			c, _ := srv.writers.next(slot)
			if c == nil {
				return
			}
			c.flush()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	_, got, err := other.client.Read(ctx)
	cancel()
	if err != nil || !bytes.Equal(got, frame) {
		t.Fatalf("the connection behind a closing one: %q, %v", got, err)
	}
	<-done
}

// TestPingsWaitWhileTheWritersAreBusy: a ping due while connections wait
// for a writer is put off, at most MaxPingPutOffs times in a row, and never
// the first one: a connection without a round trip gets its sample at once.
func TestPingsWaitWhileTheWritersAreBusy(t *testing.T) {
	w := newWriters()
	w.base = 0 // no goroutine: nothing is taken off the lists
	defer w.watch.Stop()
	srv := &Server{cfg: Config{}.withDefaults(), writers: w}
	c := &conn{s: srv}
	if c.putOffPing() {
		t.Fatal("a ping put off with the writers idle")
	}
	w.schedule(&conn{}, classOther)
	if c.putOffPing() {
		t.Fatal("the first ping put off: the connection has no round trip yet")
	}
	c.addRTT(time.Millisecond)
	for i := range MaxPingPutOffs {
		if !c.putOffPing() {
			t.Fatalf("ping %d not put off with a connection waiting", i)
		}
	}
	if c.putOffPing() {
		t.Fatalf("a ping put off %d times in a row", MaxPingPutOffs+1)
	}
	if !c.putOffPing() {
		t.Fatal("the count of put-offs not reset by a ping")
	}
	w.next(&writerSlot{})
	if c.putOffPing() {
		t.Fatal("a ping put off once nothing waits")
	}
}

// TestPongsAndErrorsAreReplies: the connection's own answers (a pong, whose
// wait would skew the page's clock offset, and an error) go first too.
func TestPongsAndErrorsAreReplies(t *testing.T) {
	w := newWriters()
	w.base = 0
	defer w.watch.Stop()
	srv := &Server{cfg: Config{}.withDefaults(), writers: w}
	c := &conn{s: srv}
	c.reply(wire.Pong{Type: wire.TypePong})
	c.sendError(nil, wire.Errorf(wire.CodeInvalidMessage, "no"))
	if len(c.queue) != 2 || !c.queue[0].Reply || !c.queue[1].Reply {
		t.Fatalf("queued %+v", c.queue)
	}
	if _, urgent := w.next(&writerSlot{}); !urgent {
		t.Fatal("a pong waited among the broadcasts")
	}
}

// TestQuestionForAConnectionWaitingOnAReplyJoinsTheQuestions: a question
// queued behind an ack takes the connection into the questions list too,
// so it is not held to the replies' turns; a second question does not add
// another entry.
func TestQuestionForAConnectionWaitingOnAReplyJoinsTheQuestions(t *testing.T) {
	w := newWriters()
	w.base = 0
	defer w.watch.Stop()
	srv := &Server{cfg: Config{}.withDefaults(), writers: w}
	c := &conn{s: srv}
	c.Send(lobby.Frame{Data: []byte(`{"type":"answer_ack"}`), Question: -1, Reply: true})
	c.Send(lobby.Frame{Data: []byte(`{"type":"question"}`), Question: 2})
	c.Send(lobby.Frame{Data: []byte(`{"type":"question"}`), Question: 3})
	if len(w.replies) != 1 || len(w.questions) != 1 || w.waiting.Load() != 2 {
		t.Fatalf("replies %d, questions %d, waiting %d; want one entry in each", len(w.replies), len(w.questions), w.waiting.Load())
	}
}
