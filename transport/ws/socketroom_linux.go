package ws

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// socketRoom tells whether a TCP socket's send buffer takes a frame without
// waiting: the bytes not yet acknowledged by the peer (SIOCOUTQ) plus the
// frame stay within a quarter of the buffer's size (SO_SNDBUF). A quarter,
// because the kernel charges a buffer more than the payload (each segment's
// own overhead, up to about twice the bytes for small writes); a peer that
// reads keeps its unacknowledged bytes near zero, one that stopped reading
// fills the buffer within a few frames and is left to the writers.
//
// Its fields are the probe's results, read by the caller under the
// connection's writeMu: probe is a method value bound once, so that a check
// allocates nothing.
type socketRoom struct {
	raw    syscall.RawConn
	probe  func(fd uintptr)
	want   int // the bytes to fit
	outq   int
	sndbuf int
	err    error
}

// newSocketRoom returns the check for nc, or nil when nc is not a socket
// whose buffer can be asked (a TLS connection, a pipe in tests).
func newSocketRoom(nc net.Conn) *socketRoom {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	s := &socketRoom{raw: raw}
	s.probe = s.read
	return s
}

// read asks the socket for its unacknowledged bytes, and for its buffer's
// size the first time and whenever the bytes do not fit the size known:
// the kernel grows a buffer as the connection's window grows, so most
// checks are one system call. It shrinks one only under memory pressure;
// a size read before that can let a write be tried that then waits, and
// writeNowTimeout bounds that wait.
func (s *socketRoom) read(fd uintptr) {
	s.outq, s.err = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
	if s.err == nil && (s.sndbuf == 0 || !s.fits()) {
		s.sndbuf, s.err = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUF)
	}
}

func (s *socketRoom) fits() bool { return s.outq+s.want <= s.sndbuf/4 }

// takes reports whether n more bytes fit in the send buffer now without a
// wait. Caller holds the connection's writeMu.
func (s *socketRoom) takes(n int) bool {
	if s == nil {
		return false
	}
	s.want = n
	if err := s.raw.Control(s.probe); err != nil || s.err != nil {
		return false
	}
	return s.fits()
}
