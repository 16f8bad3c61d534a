package ws

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Config tunes the connections. Zero values take the defaults named.
type Config struct {
	// QueueFrames and QueueBytes bound each connection's outgoing queue
	// (default 256 frames, 512 KiB); past either the connection is closed as
	// a slow consumer. The queue grows as frames come, so the bound costs
	// nothing while a connection keeps up.
	QueueFrames int
	QueueBytes  int
	// SlowCloseTimeout bounds the last write and the close frame to a slow
	// consumer before its connection is cut (default 100ms).
	SlowCloseTimeout time.Duration
	// WriteTimeout bounds every write (default 5s).
	WriteTimeout time.Duration
	// PingInterval spaces the round-trip measurements (default 5s) until a
	// connection has 8 of them, then three times that.
	PingInterval time.Duration
	// IdleTimeout closes a connection that answers no ping for this long
	// (default 30s).
	IdleTimeout time.Duration
	// JoinTimeout closes a connection that sends no first message (default 30s).
	JoinTimeout time.Duration
	// MessagesPerSecond and Burst rate-limit each connection (default 10, 30).
	MessagesPerSecond float64
	Burst             int
	// FloodLimit closes a connection after this many dropped messages in a
	// row (default 100).
	FloodLimit int
	// MaxCompensation caps the round trip taken off a response time
	// (default 250ms).
	MaxCompensation time.Duration
	// OriginPatterns are the extra origins allowed to connect (same origin always is).
	OriginPatterns []string
	// Joins limits first messages per client address (nil: no limit).
	Joins    *AddrLimiter
	Log      zerolog.Logger
	Observer Observer
}

// DefaultConfig is the configuration a zero Config stands for (the limits
// docs/protocol.md documents).
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	if c.QueueFrames <= 0 {
		c.QueueFrames = 256
	}
	if c.QueueBytes <= 0 {
		c.QueueBytes = 512 << 10
	}
	if c.SlowCloseTimeout <= 0 {
		c.SlowCloseTimeout = 100 * time.Millisecond
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 5 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Second
	}
	if c.JoinTimeout <= 0 {
		c.JoinTimeout = 30 * time.Second
	}
	if c.MessagesPerSecond <= 0 {
		c.MessagesPerSecond = 10
	}
	if c.Burst <= 0 {
		c.Burst = 30
	}
	if c.FloodLimit <= 0 {
		c.FloodLimit = 100
	}
	if c.MaxCompensation <= 0 {
		c.MaxCompensation = 250 * time.Millisecond
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	return c
}

// Observer receives connection measurements (Prometheus in httpapi).
type Observer interface {
	ConnOpened()
	ConnClosed(reason string)
	MessageIn()
	MessageOut()
	SlowConsumer()
}

type nopObserver struct{}

func (nopObserver) ConnOpened()       {}
func (nopObserver) ConnClosed(string) {}
func (nopObserver) MessageIn()        {}
func (nopObserver) MessageOut()       {}
func (nopObserver) SlowConsumer()     {}

// Server accepts WebSocket connections and attaches them to rooms.
type Server struct {
	cfg     Config
	lobby   *lobby.Lobby
	writers *writers

	mu       sync.Mutex
	conns    map[*conn]struct{}
	draining bool
	wg       sync.WaitGroup
}

// NewServer returns a Server for l.
func NewServer(l *lobby.Lobby, cfg Config) *Server {
	return &Server{cfg: cfg.withDefaults(), lobby: l, writers: newWriters(), conns: map[*conn]struct{}{}}
}

// Connections is the number of open connections.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// ServeHTTP upgrades the request and serves the connection until it ends.
// addr is the client address used for the join rate limit.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request, addr string, log zerolog.Logger) {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		http.Error(w, `{"error":{"code":"unavailable","message":"`+wire.UnavailableMessage+`"}}`, http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	hw := &hijackWatcher{ResponseWriter: w}
	wsc, err := websocket.Accept(hw, r, &websocket.AcceptOptions{
		Subprotocols:   []string{wire.Subprotocol},
		OriginPatterns: s.cfg.OriginPatterns,
	})
	if err != nil {
		// Accept has written the HTTP error already.
		log.Debug().Err(err).Msg("websocket accept failed")
		return
	}
	if wsc.Subprotocol() != wire.Subprotocol {
		wsc.Close(websocket.StatusPolicyViolation, "subprotocol "+wire.Subprotocol+" required")
		return
	}
	wsc.SetReadLimit(-1) // conn.read enforces wire.MaxMessageBytes
	c := newConn(s, wsc, hw.conn, addr, log)
	s.mu.Lock()
	if s.draining {
		// Shutdown began during the upgrade and will not see this one.
		s.mu.Unlock()
		wsc.Close(CloseShutdown.Code, CloseShutdown.Reason)
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	s.cfg.Observer.ConnOpened()
	c.serve(r.Context())
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.cfg.Observer.ConnClosed(c.closeReason().Reason)
}

// Shutdown stops taking connections, tells every open one to reconnect
// after afterMs (another instance, or this one restarted), closes them, and
// waits for their goroutines until ctx ends (then it cuts them).
func (s *Server) Shutdown(ctx context.Context, after time.Duration) error {
	s.mu.Lock()
	s.draining = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	frame := wire.Marshal(wire.Reconnect{Type: wire.TypeReconnect, Reason: "shutdown", AfterMs: after.Milliseconds()})
	for _, c := range conns {
		c.Send(lobby.Frame{Data: frame, Question: -1})
		c.closeWith(CloseShutdown)
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.ws.CloseNow()
		}
		s.mu.Unlock()
		<-done
		return errors.New("ws: drain time over: connections cut")
	}
}

func newLimiter(cfg Config) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(cfg.MessagesPerSecond), cfg.Burst)
}

// hijackWatcher keeps the connection coder/websocket hijacks, so that a
// slow consumer's writes can be given a short deadline from outside.
type hijackWatcher struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackWatcher) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, brw, err
}

func (h *hijackWatcher) Unwrap() http.ResponseWriter { return h.ResponseWriter }
