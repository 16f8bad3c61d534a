package ws

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// pending is what c has queued for the writers.
func pending(c *conn) (frames int, scheduled bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pendingFrames, c.scheduled
}

// readFrame reads one frame from the client of p.
func readFrame(t *testing.T, p pair) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, got, err := p.client.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestWriteNowWritesOnTheSendersGoroutine: a frame marked WriteNow, sent to
// a connection with nothing waiting, is written before Send returns: it is
// never queued, and the connection records the moment its question was
// shown. The pool here has no goroutine, so a frame left to it would never
// arrive; the one after, not marked, stays queued.
func TestWriteNowWritesOnTheSendersGoroutine(t *testing.T) {
	srv := &Server{cfg: Config{}.withDefaults(), writers: newWriters()}
	srv.writers.base = 0
	defer srv.writers.watch.Stop()
	p := dialPairs(t, srv, 1)[0]
	question := []byte(`{"type":"question","q":0}`)
	if !p.server.Send(lobby.Frame{Data: question, Question: 0, WriteNow: true}) {
		t.Fatal("the question was refused")
	}
	if n, scheduled := pending(p.server); n != 0 || scheduled {
		t.Fatalf("after a WriteNow Send: %d frames pending, scheduled %v; want it written", n, scheduled)
	}
	if p.server.responseTime(0, time.Now()) == 0 {
		t.Error("the question's showing was not recorded")
	}
	if got := readFrame(t, p); !bytes.Equal(got, question) {
		t.Fatalf("read %q, want %q", got, question)
	}
	p.server.Send(lobby.Frame{Data: []byte(`{"type":"reveal"}`), Question: -1})
	if n, _ := pending(p.server); n != 1 {
		t.Fatalf("a frame not marked WriteNow: %d pending, want 1", n)
	}
}

// TestWriteNowWaitsItsTurnBehindQueuedFrames: a WriteNow frame for a
// connection with frames queued goes behind them, in order, on the writers.
func TestWriteNowWaitsItsTurnBehindQueuedFrames(t *testing.T) {
	srv := &Server{cfg: Config{}.withDefaults(), writers: newWriters()}
	srv.writers.base = 0 // no goroutine of the pool's: the test runs the one writer
	defer srv.writers.watch.Stop()
	p := dialPairs(t, srv, 1)[0]
	first, second := []byte(`{"type":"leaderboard"}`), []byte(`{"type":"question","q":1}`)
	p.server.Send(lobby.Frame{Data: first, Question: -1})
	p.server.Send(lobby.Frame{Data: second, Question: 1, WriteNow: true})
	if n, _ := pending(p.server); n != 2 {
		t.Fatalf("%d pending, want both frames queued", n)
	}
	slot := &writerSlot{}
	for c, _ := srv.writers.next(slot); c != nil; c, _ = srv.writers.next(slot) {
		c.flush()
	}
	for _, want := range [][]byte{first, second} {
		if got := readFrame(t, p); !bytes.Equal(got, want) {
			t.Fatalf("read %q, want %q", got, want)
		}
	}
}

// TestWriteNowLeavesAPeerThatStoppedReadingToTheWriters: frames marked
// WriteNow to a peer that does not read are written on the sender's
// goroutine only while the socket has room; once its buffers are full they
// queue for the writers instead of holding the sender, and nothing is lost
// or reordered when the peer reads again. A write that waited anyway would
// end in writeNowTimeout and close the connection, which fails the test.
func TestWriteNowLeavesAPeerThatStoppedReadingToTheWriters(t *testing.T) {
	srv := &Server{cfg: Config{QueueFrames: 1 << 12, QueueBytes: 1 << 26}.withDefaults(), writers: newWriters()}
	p := dialPairs(t, srv, 1)[0]
	if tc, ok := p.server.netConn.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
	}

	const frames = 1024 // 1 MiB: several times what loopback buffers for a peer that reads nothing
	frame := func(i int) []byte {
		b := bytes.Repeat([]byte("x"), 1<<10)
		binary.BigEndian.PutUint32(b, uint32(i))
		return b
	}
	written, queued := 0, 0
	for i := range frames {
		if !p.server.Send(lobby.Frame{Data: frame(i), Question: -1, WriteNow: true}) {
			t.Fatalf("frame %d refused: the connection closed (%v)", i, p.server.closeReason())
		}
		if n, _ := pending(p.server); n == 0 {
			written++
		} else {
			queued++
		}
	}
	t.Logf("%d written now, %d queued", written, queued)
	if written == 0 || queued == 0 {
		t.Fatalf("%d frames written at once, %d queued; want some of each", written, queued)
	}
	for i := range frames {
		if got := readFrame(t, p); !bytes.Equal(got, frame(i)) {
			t.Fatalf("frame %d: read frame %d", i, binary.BigEndian.Uint32(got))
		}
	}
}

// TestWriteNowKeepsEachSendersOrder: two goroutines send to the same
// connections at once, one marking its frames WriteNow (a room's actor),
// one not (a reader's replies); each one's frames arrive in the order it
// sent them, whichever goroutine wrote them.
func TestWriteNowKeepsEachSendersOrder(t *testing.T) {
	srv := &Server{cfg: Config{QueueFrames: 1 << 12, QueueBytes: 1 << 26}.withDefaults(), writers: newWriters()}
	pairs := dialPairs(t, srv, 4)
	const frames = 300
	send := func(sender byte, writeNow bool) {
		for i := range frames {
			for _, p := range pairs {
				p.server.Send(lobby.Frame{Data: []byte{sender, byte(i >> 8), byte(i)}, Question: -1, WriteNow: writeNow})
			}
		}
	}
	done := make(chan struct{}, 2)
	go func() { send('n', true); done <- struct{}{} }()
	go func() { send('q', false); done <- struct{}{} }()
	for j, p := range pairs {
		next := map[byte]int{}
		for range 2 * frames {
			got := readFrame(t, p)
			if i := int(got[1])<<8 | int(got[2]); i != next[got[0]] {
				t.Fatalf("peer %d: sender %c's frame %d came before its frame %d", j, got[0], i, next[got[0]])
			}
			next[got[0]]++
		}
	}
	<-done
	<-done
}

// TestFrameQueuedWhileTheRoomWritesIsNotLeftBehind: while a room's goroutine
// writes a question itself, a reply is queued for the same connection and a
// pool writer takes the connection, finds its write lock held and drops its
// entry (so does a stale entry before it). The room, letting go, puts the
// connection back in the writers' lists, and the reply is written after the
// question.
func TestFrameQueuedWhileTheRoomWritesIsNotLeftBehind(t *testing.T) {
	srv := &Server{cfg: Config{}.withDefaults(), writers: newWriters()}
	srv.writers.base = 0 // no goroutine of the pool's: the test runs the one writer
	defer srv.writers.watch.Stop()
	p := dialPairs(t, srv, 1)[0]
	slot := &writerSlot{}
	drain := func() {
		for c, _ := srv.writers.next(slot); c != nil; c, _ = srv.writers.next(slot) {
			c.flush()
		}
	}
	question, reply := []byte(`{"type":"question","q":0}`), []byte(`{"type":"pong"}`)
	whileWritingNow = func(c *conn) {
		srv.writers.schedule(c, classOther) // a stale entry
		drain()
		c.Send(lobby.Frame{Data: reply, Question: -1, Reply: true})
		drain()
		if n, scheduled := pending(c); n != 1 || scheduled {
			t.Errorf("behind the write: %d pending, scheduled %v; want the reply queued, its entry dropped", n, scheduled)
		}
	}
	defer func() { whileWritingNow = nil }()
	if !p.server.Send(lobby.Frame{Data: question, Question: 0, WriteNow: true}) {
		t.Fatal("the question was refused")
	}
	whileWritingNow = nil
	drain()
	for _, want := range [][]byte{question, reply} {
		if got := readFrame(t, p); !bytes.Equal(got, want) {
			t.Fatalf("read %q, want %q", got, want)
		}
	}
}
