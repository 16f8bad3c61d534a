package loadclient

import (
	"errors"
	"net"
	"sync"
	"time"
)

// delayConn models a distant link: every byte written reaches the peer d
// later and every byte the peer sends is seen d later, WebSocket control
// frames (the server's RTT pings) included. Writes return at once, as they
// would into a kernel buffer; two goroutines carry the delayed bytes.
type delayConn struct {
	net.Conn
	d       time.Duration
	out     chan chunk
	in      chan chunk
	pending []byte
	readErr error

	closeOnce sync.Once
	closed    chan struct{}
}

type chunk struct {
	due  time.Time
	data []byte
	err  error
}

// delayQueue bounds the bytes in flight on a delayed link (in chunks).
const delayQueue = 256

func newDelayConn(c net.Conn, d time.Duration) *delayConn {
	dc := &delayConn{Conn: c, d: d, out: make(chan chunk, delayQueue), in: make(chan chunk, delayQueue), closed: make(chan struct{})}
	go dc.sendLoop()
	go dc.recvLoop()
	return dc
}

func (c *delayConn) sendLoop() {
	for {
		select {
		case <-c.closed:
			return
		case ch := <-c.out:
			if !sleepUntil(ch.due, c.closed) {
				return
			}
			if _, err := c.Conn.Write(ch.data); err != nil {
				c.Close()
				return
			}
		}
	}
}

func (c *delayConn) recvLoop() {
	for {
		buf := make([]byte, 4096)
		n, err := c.Conn.Read(buf)
		ch := chunk{due: time.Now().Add(c.d), data: buf[:n], err: err}
		select {
		case c.in <- ch:
		case <-c.closed:
			return
		}
		if err != nil {
			return
		}
	}
}

func sleepUntil(due time.Time, stop <-chan struct{}) bool {
	wait := time.Until(due)
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

var errDelayConnClosed = errors.New("delayconn: closed")

// Read is called by one goroutine at a time (the WebSocket reader).
func (c *delayConn) Read(p []byte) (int, error) {
	if len(c.pending) == 0 {
		if c.readErr != nil {
			return 0, c.readErr
		}
		var ch chunk
		select {
		case ch = <-c.in:
		case <-c.closed:
			return 0, errDelayConnClosed
		}
		if !sleepUntil(ch.due, c.closed) {
			return 0, errDelayConnClosed
		}
		c.pending, c.readErr = ch.data, ch.err
		if len(c.pending) == 0 {
			return 0, c.readErr
		}
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *delayConn) Write(p []byte) (int, error) {
	ch := chunk{due: time.Now().Add(c.d), data: append([]byte(nil), p...)}
	select {
	case c.out <- ch:
		return len(p), nil
	case <-c.closed:
		return 0, errDelayConnClosed
	}
}

func (c *delayConn) Close() error {
	err := errDelayConnClosed
	c.closeOnce.Do(func() {
		close(c.closed)
		err = c.Conn.Close()
	})
	return err
}
