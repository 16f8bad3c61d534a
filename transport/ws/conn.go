package ws

import (
	"context"
	"encoding/json"
	"errors"
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

type conn struct {
	s    *Server
	ws   *websocket.Conn
	addr string
	log  zerolog.Logger

	out     chan lobby.Frame
	closing chan struct{}
	once    sync.Once
	reason  atomic.Pointer[Close]

	mu      sync.Mutex
	written map[int]time.Time // question index -> when its frame was written
	rtts    [rttSamples]time.Duration
	nrtt    int

	member *lobby.Member // reader goroutine only
}

func newConn(s *Server, wsc *websocket.Conn, addr string, log zerolog.Logger) *conn {
	return &conn{
		s: s, ws: wsc, addr: addr, log: log,
		out:     make(chan lobby.Frame, s.cfg.QueueFrames),
		closing: make(chan struct{}),
		written: map[int]time.Time{},
	}
}

// Send implements lobby.Conn. It never blocks.
func (c *conn) Send(f lobby.Frame) bool {
	select {
	case <-c.closing:
		return false
	default:
	}
	select {
	case c.out <- f:
		return true
	default:
		c.s.cfg.Observer.SlowConsumer()
		c.log.Info().Msg("closing a slow consumer")
		c.closeWith(CloseSlow)
		return false
	}
}

// Close implements lobby.Conn.
func (c *conn) Close(r lobby.CloseReason) { c.closeWith(closeFor(r)) }

func (c *conn) closeWith(cl Close) {
	c.once.Do(func() {
		c.reason.Store(&cl)
		close(c.closing)
	})
}

func (c *conn) closeReason() Close {
	if r := c.reason.Load(); r != nil {
		return *r
	}
	return CloseNormal
}

func (c *conn) sendJSON(v any) { c.Send(lobby.Frame{Data: wire.Marshal(v), Question: -1}) }

func (c *conn) sendError(re json.RawMessage, err error) {
	var werr *wire.Error
	if !errors.As(err, &werr) {
		c.log.Error().Err(err).Msg("internal error")
		werr = wire.Errorf(wire.CodeInternal, "internal error")
	}
	c.sendJSON(wire.ErrorMsg{Type: wire.TypeError, Re: re, Code: werr.Code, Message: werr.Message})
}

// serve runs the connection until it ends.
func (c *conn) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.writeLoop() }()
	go func() { defer wg.Done(); c.pingLoop(ctx) }()
	c.readLoop(ctx)
	c.closeWith(CloseNormal)
	if c.member != nil {
		c.member.Detach()
	}
	cancel()
	wg.Wait()
}

func (c *conn) writeLoop() {
	write := func(f lobby.Frame) error {
		ctx, cancel := context.WithTimeout(context.Background(), c.s.cfg.WriteTimeout)
		defer cancel()
		if err := c.ws.Write(ctx, websocket.MessageText, f.Data); err != nil {
			return err
		}
		c.s.cfg.Observer.MessageOut()
		if f.Question >= 0 {
			c.mu.Lock()
			if _, ok := c.written[f.Question]; !ok {
				c.written[f.Question] = time.Now()
			}
			c.mu.Unlock()
		}
		return nil
	}
	for {
		select {
		case f := <-c.out:
			if err := write(f); err != nil {
				c.closeWith(CloseNormal)
				c.ws.CloseNow()
				return
			}
		case <-c.closing:
			cl := c.closeReason()
			if cl != CloseSlow {
				// Flush what is queued (the reconnect, the kick notice).
			flush:
				for {
					select {
					case f := <-c.out:
						if write(f) != nil {
							break flush
						}
					default:
						break flush
					}
				}
			}
			if cl == CloseSlow || cl == CloseIdle {
				// The peer is not reading: a close handshake would only
				// wait out its timeout.
				c.ws.CloseNow()
				return
			}
			c.ws.Close(cl.Code, cl.Reason)
			return
		}
	}
}

func (c *conn) pingLoop(ctx context.Context) {
	t := time.NewTicker(c.s.cfg.PingInterval)
	defer t.Stop()
	ping := func() bool {
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
	// A first sample right away, so the first question is already fair.
	if !ping() {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.closing:
			return
		case <-t.C:
			if !ping() {
				return
			}
		}
	}
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
	m := c.rtts[0]
	for _, d := range c.rtts[1:n] {
		m = min(m, d)
	}
	return m
}

// responseTime is the server's measure of how long the player took: from
// the moment question q was written to them to the moment the answer was
// read, minus half the round trip (capped, so delaying pongs gains nothing).
func (c *conn) responseTime(q int, received time.Time) time.Duration {
	c.mu.Lock()
	written, ok := c.written[q]
	c.mu.Unlock()
	if !ok {
		return 0 // the room bounds it from the question's opening instead
	}
	rt := received.Sub(written) - min(c.minRTT()/2, c.s.cfg.MaxCompensation)
	return max(rt, 0)
}

func (c *conn) readLoop(ctx context.Context) {
	limiter := newLimiter(c.s.cfg)
	errLimiter := rate.NewLimiter(1, 3)
	dropped := 0
	joinTimer := time.AfterFunc(c.s.cfg.JoinTimeout, func() { c.closeWith(CloseJoinTimeout) })
	defer joinTimer.Stop()
	// The writer's close handshake ends Read when the room or a limit closes
	// the connection; ctx ends it when the server goes away.
	for {
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			switch {
			case errors.As(err, &ce):
			case isTooBig(err):
				c.closeWith(CloseTooBig)
			}
			return
		}
		received := time.Now()
		c.s.cfg.Observer.MessageIn()
		if !limiter.AllowN(received, 1) {
			dropped++
			if dropped >= c.s.cfg.FloodLimit {
				c.log.Info().Msg("closing a flooding connection")
				c.closeWith(CloseFlood)
				return
			}
			if errLimiter.AllowN(received, 1) {
				c.sendError(nil, wire.Errorf(wire.CodeRateLimited, "more than %g messages a second; message dropped", c.s.cfg.MessagesPerSecond))
			}
			continue
		}
		dropped = 0
		if typ != websocket.MessageText {
			c.sendError(nil, wire.Errorf(wire.CodeBinaryFrame, "binary frames are not part of the protocol; send JSON text"))
			continue
		}
		msg, err := wire.DecodeClient(data)
		if err != nil {
			c.sendError(msg.ID, err)
			continue
		}
		if c.member == nil {
			if msg.Type == wire.TypePing {
				c.pong(msg)
				continue
			}
			if !wire.FirstMessages[msg.Type] {
				c.sendError(msg.ID, wire.Errorf(wire.CodeNotJoined, "the first message must be host, join, resume or display"))
				continue
			}
			if c.attach(ctx, msg) {
				joinTimer.Stop()
				c.log = c.log.With().Str("pin", c.member.PIN()).Str("role", c.member.Role()).Str("player", c.member.PlayerID()).Logger()
			}
			continue
		}
		c.handle(ctx, msg, received)
	}
}

func isTooBig(err error) bool {
	return websocket.CloseStatus(err) == websocket.StatusMessageTooBig ||
		(err != nil && contains(err.Error(), "read limited at"))
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func (c *conn) pong(msg wire.Client) {
	c.sendJSON(wire.Pong{Type: wire.TypePong, T: msg.T, ServerMs: time.Now().UnixMilli()})
}

func (c *conn) attach(ctx context.Context, msg wire.Client) bool {
	if !c.s.cfg.Joins.Allow(c.addr) {
		c.sendError(msg.ID, wire.Errorf(wire.CodeJoinRateLimited, "too many attempts from your address; wait a minute and retry"))
		return false
	}
	m, err := c.s.lobby.Attach(ctx, lobby.Hello{
		Type: msg.Type, PIN: msg.PIN, HostToken: msg.HostToken, Nickname: msg.Nickname,
		ResumeToken: msg.ResumeToken, Re: msg.ID,
	}, c)
	if err != nil {
		if wire.CodeOf(err) == wire.CodeUnknownGame {
			c.s.cfg.Joins.Miss(c.addr)
		}
		c.sendError(msg.ID, err)
		return false
	}
	c.member = m
	return true
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
	case (msg.Type == wire.TypeAnswer || msg.Type == wire.TypeLeave) && m.Role() != wire.RolePlayer:
		c.sendError(msg.ID, wire.Errorf(wire.CodeNotPlayer, "%s is for players; this connection is a %s", msg.Type, m.Role()))
		return
	case msg.Type == wire.TypeAnswer && msg.PlayerID != "" && msg.PlayerID != m.PlayerID():
		c.sendError(msg.ID, wire.Errorf(wire.CodeNotYourPlayer, "you can only answer for yourself"))
		return
	}
	lm := lobby.Message{Type: msg.Type, Re: msg.ID, Seconds: valueOr(msg.Seconds), Target: msg.PlayerID}
	if msg.Type == wire.TypeAnswer {
		lm.Q = *msg.Q
		lm.Received = received
		lm.ResponseTime = c.responseTime(lm.Q, received)
		lm.Answer = game.Answer{Choices: msg.AnswerChoices()}
		if msg.Text != nil {
			lm.Answer.Text = *msg.Text
		}
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
