package chaostest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// This client speaks protocol v1 from docs/protocol.md alone (it imports
// nothing of the server), so what it records is what any client would see.

const subprotocol = "quizroom.v1"

// rec is one recorded event of a client: a frame received, or a connection
// opened or closed (event set, raw nil).
type rec struct {
	at    time.Time
	conn  int // the client's connection number, from 1
	inst  int // the instance that connection went to
	raw   []byte
	h     head
	event string
}

// head is the part of a server frame the client acts on and the checks read.
type head struct {
	Type        string          `json:"type"`
	Seq         *uint64         `json:"seq"`
	Term        uint64          `json:"owner_term"`
	Re          json.RawMessage `json:"re"`
	Q           *int            `json:"q"`
	Accepted    *bool           `json:"accepted"`
	Code        string          `json:"code"`
	Phase       string          `json:"phase"`
	PlayerID    string          `json:"player_id"`
	ResumeToken string          `json:"resume_token"`
	Options     []string        `json:"options"`
	State       *stateObj       `json:"state"`
	You         json.RawMessage `json:"you"`
}

// stateObj is the `state` object (in welcome, or a state message itself).
type stateObj struct {
	Phase    string `json:"phase"`
	Q        int    `json:"q"`
	Question *struct {
		Q       int      `json:"q"`
		Options []string `json:"options"`
	} `json:"question"`
	Answered *bool `json:"answered"`
}

func jsonHead(raw []byte, h *head) error { return json.Unmarshal(raw, h) }

type reply struct {
	at       time.Time
	accepted bool
	code     string
}

// request is one answer message sent, and every reply that named it.
type request struct {
	id      string
	q       int
	choice  int
	sent    time.Time
	conn    int
	inst    int
	replies []reply
}

type answerState struct {
	started  bool
	decided  bool // accepted, definitively refused, or found answered on resume
	accepted bool
	choice   int
}

// game is what the clients of one scenario share.
type game struct {
	ctx       context.Context
	urls      []string
	pin       string
	hostToken string
	// gate returns a channel player idx waits on before answering q, or nil.
	gate func(idx, q int) <-chan struct{}

	mu     sync.Mutex
	opened map[int]chan struct{} // closed when the host first sees question q
}

func (g *game) questionOpened(q int) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.opened[q]
	if !ok {
		ch = make(chan struct{})
		g.opened[q] = ch
	}
	return ch
}

func (g *game) markOpened(q int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch, ok := g.opened[q]
	if !ok {
		ch = make(chan struct{})
		g.opened[q] = ch
	}
	select {
	case <-ch:
	default:
		close(ch)
	}
}

type client struct {
	g    *game
	name string
	idx  int
	host bool
	home int

	wg sync.WaitGroup // answer and next-sending goroutines

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every event
	recs     []rec
	conns    int
	conn     *websocket.Conn
	inst     int
	playerID string
	token    string
	welcomed bool
	done     string // why the client stopped: "ended", "unknown_game", ...
	answers  map[int]*answerState
	requests map[string]*request
	revealed map[int]bool
	nextFor  map[string]time.Time // host: when a next was sent from a phase
}

func newClient(g *game, name string, idx, home int, host bool) *client {
	return &client{g: g, name: name, idx: idx, home: home, host: host, changed: make(chan struct{}),
		answers: map[int]*answerState{}, requests: map[string]*request{}, revealed: map[int]bool{}, nextFor: map[string]time.Time{}}
}

// notify wakes everything waiting on the client's state; c.mu held.
func (c *client) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// wait blocks until the client's state changes, d passes or ctx ends.
func (c *client) wait(d time.Duration) {
	c.mu.Lock()
	ch := c.changed
	c.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-c.g.ctx.Done():
	}
}

// run plays until the game ends for this client or the scenario's context
// ends, reconnecting round the instances after any drop.
func (c *client) run() {
	defer c.wg.Wait()
	for attempt := 0; c.g.ctx.Err() == nil; attempt++ {
		if c.session((c.home + attempt) % len(c.g.urls)) {
			return
		}
		select {
		case <-c.g.ctx.Done():
			return
		case <-time.After(300 * time.Millisecond):
		}
	}
}

func (c *client) write(conn *websocket.Conn, v any) {
	data, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(c.g.ctx, 2*time.Second)
	defer cancel()
	_ = conn.Write(ctx, websocket.MessageText, data)
}

// session is one connection; it reports whether the client is finished.
func (c *client) session(inst int) bool {
	dctx, cancel := context.WithTimeout(c.g.ctx, 3*time.Second)
	conn, _, err := websocket.Dial(dctx, c.g.urls[inst], &websocket.DialOptions{Subprotocols: []string{subprotocol}})
	cancel()
	c.mu.Lock()
	c.conns++
	n := c.conns
	if err != nil {
		c.recs = append(c.recs, rec{at: time.Now(), conn: n, inst: inst, event: "dial failed: " + err.Error()})
		c.mu.Unlock()
		return false
	}
	c.conn, c.inst = conn, inst
	c.recs = append(c.recs, rec{at: time.Now(), conn: n, inst: inst, event: "dial"})
	token := c.token
	c.notify()
	c.mu.Unlock()
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)

	switch {
	case c.host:
		c.write(conn, map[string]any{"type": "host", "pin": c.g.pin, "host_token": c.g.hostToken, "id": "first"})
	case token == "":
		c.write(conn, map[string]any{"type": "join", "pin": c.g.pin, "nickname": c.name, "id": "first"})
	default:
		c.write(conn, map[string]any{"type": "resume", "pin": c.g.pin, "resume_token": token, "id": "first"})
	}
	for {
		_, data, err := conn.Read(c.g.ctx)
		if err != nil {
			ev := "closed: " + err.Error()
			if st := websocket.CloseStatus(err); st != -1 {
				var ce websocket.CloseError
				errors.As(err, &ce)
				ev = fmt.Sprintf("closed %d %s", st, ce.Reason)
			}
			c.mu.Lock()
			c.recs = append(c.recs, rec{at: time.Now(), conn: n, inst: inst, event: ev})
			c.conn = nil
			c.notify()
			done := c.done != ""
			c.mu.Unlock()
			return done
		}
		r := rec{at: time.Now(), conn: n, inst: inst, raw: data}
		_ = jsonHead(data, &r.h)
		if again := c.handle(conn, r); again {
			return false
		}
	}
}

// handle applies one frame; it reports whether to reconnect now.
func (c *client) handle(conn *websocket.Conn, r rec) (reconnect bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	defer c.notify()
	h := r.h
	switch h.Type {
	case "welcome":
		c.welcomed = true
		if h.PlayerID != "" {
			c.playerID, c.token = h.PlayerID, h.ResumeToken
		}
		if h.State != nil {
			c.applyState(conn, *h.State)
		}
	case "state":
		var st stateObj
		_ = json.Unmarshal(r.raw, &st)
		c.applyState(conn, st)
	case "error":
		if string(h.Re) == `"first"` {
			switch h.Code {
			case "unknown_game", "kicked", "bad_resume_token", "bad_host_token":
				c.done = h.Code
			}
			return true
		}
		// An answer refused before it reached the room (unavailable,
		// room_busy) is answered with an error naming the request.
		c.answerReply(r, false)
	case "answer_ack":
		c.answerReply(r, h.Accepted != nil && *h.Accepted)
	case "question":
		if h.Q != nil {
			if c.host {
				c.g.markOpened(*h.Q)
			} else {
				c.startAnswer(*h.Q, len(h.Options))
			}
		}
	case "reveal":
		if h.Q != nil {
			c.revealed[*h.Q] = true
			if c.host {
				c.sendNext(fmt.Sprintf("reveal %d", *h.Q))
			}
		}
	case "podium":
		if c.host {
			c.sendNext("podium")
		}
	case "ended":
		c.done = "ended"
	}
	return false
}

// answerReply records a reply to an answer request; c.mu held.
func (c *client) answerReply(r rec, accepted bool) {
	var id string
	_ = json.Unmarshal(r.h.Re, &id)
	req := c.requests[id]
	if req == nil {
		return
	}
	req.replies = append(req.replies, reply{at: r.at, accepted: accepted, code: r.h.Code})
	as := c.answers[req.q]
	switch {
	case accepted:
		as.accepted, as.decided = true, true
	case r.h.Code == "unavailable" || r.h.Code == "room_busy":
	default:
		as.decided = true
	}
}

// applyState acts on a state as a client would: a player answers an open
// question it has not answered, the host moves a finished phase on.
func (c *client) applyState(conn *websocket.Conn, st stateObj) {
	switch {
	case st.Phase == "ended":
		c.done = "ended"
	case c.host && st.Phase == "question":
		c.g.markOpened(st.Q)
	case c.host && st.Phase == "reveal":
		c.sendNext(fmt.Sprintf("reveal %d", st.Q))
	case c.host && st.Phase == "podium":
		c.sendNext("podium")
	case !c.host && st.Phase == "question" && st.Question != nil:
		if st.Answered != nil && *st.Answered {
			as := c.answerState(st.Q)
			as.started, as.decided = true, true
			return
		}
		c.startAnswer(st.Q, len(st.Question.Options))
	}
}

func (c *client) answerState(q int) *answerState {
	as := c.answers[q]
	if as == nil {
		as = &answerState{}
		c.answers[q] = as
	}
	return as
}

// sendNext sends the host's next once per phase (key), again only when the
// host still sees that phase 3 s later (the first was lost); c.mu held.
func (c *client) sendNext(key string) {
	if at, ok := c.nextFor[key]; ok && time.Since(at) < 3*time.Second {
		return
	}
	c.nextFor[key] = time.Now()
	conn := c.conn
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case <-c.g.ctx.Done():
			return
		case <-time.After(300 * time.Millisecond):
		}
		if conn != nil {
			c.write(conn, map[string]any{"type": "next"})
		}
	}()
}

// startAnswer answers q once (the first call wins); c.mu held.
func (c *client) startAnswer(q, options int) {
	as := c.answerState(q)
	if as.started || options == 0 {
		return
	}
	as.started = true
	as.choice = c.idx % options
	c.wg.Add(1)
	go c.answer(q, as.choice)
}

// answer sends the answer to q, after the scenario's gate, and again only
// when a reply says to retry (unavailable, room_busy) or the connection
// changed without a reply; never while a request waits for its reply.
func (c *client) answer(q, choice int) {
	defer c.wg.Done()
	if gate := c.g.gate(c.idx, q); gate != nil {
		select {
		case <-gate:
		case <-c.g.ctx.Done():
			return
		}
	}
	for attempt := 1; ; attempt++ {
		c.mu.Lock()
		as := c.answers[q]
		if c.revealed[q] || as.decided || c.done != "" || c.g.ctx.Err() != nil {
			c.mu.Unlock()
			return
		}
		conn, n, inst := c.conn, c.conns, c.inst
		if conn == nil {
			c.mu.Unlock()
			c.wait(time.Second)
			continue
		}
		id := fmt.Sprintf("%s.q%d.%d", c.name, q, attempt)
		req := &request{id: id, q: q, choice: choice, sent: time.Now(), conn: n, inst: inst}
		c.requests[id] = req
		c.mu.Unlock()
		c.write(conn, map[string]any{"type": "answer", "id": id, "q": q, "choice": choice})
		for {
			c.wait(5 * time.Second)
			c.mu.Lock()
			stop := c.revealed[q] || as.decided || c.done != "" || c.g.ctx.Err() != nil
			retry := len(req.replies) > 0 || c.conns != n
			c.mu.Unlock()
			if stop {
				return
			}
			if retry {
				break
			}
		}
		select {
		case <-c.g.ctx.Done():
			return
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// pingBehind sends msg (nil: none; a message that waits on the room's
// store) and right after it an app-level ping on the current connection,
// and reports how long the pong took, or false when none came within limit:
// the pong must not wait for msg.
func (c *client) pingBehind(msg map[string]any, limit time.Duration) (time.Duration, bool) {
	c.mu.Lock()
	conn, from := c.conn, len(c.recs)
	c.mu.Unlock()
	if conn == nil {
		return 0, false
	}
	if msg != nil {
		c.write(conn, msg)
	}
	start := time.Now()
	c.write(conn, map[string]any{"type": "ping", "t": start.UnixMilli()})
	deadline := start.Add(limit)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for _, r := range c.recs[from:] {
			if r.h.Type == "pong" {
				c.mu.Unlock()
				return r.at.Sub(start), true
			}
		}
		c.mu.Unlock()
		c.wait(time.Until(deadline))
	}
	return 0, false
}

// syncIfQuiet sends sync when nothing arrived for quiet: a host whose
// next was lost sees the phase again and moves it on.
func (c *client) syncIfQuiet(quiet time.Duration) {
	c.mu.Lock()
	conn := c.conn
	last := time.Time{}
	if len(c.recs) > 0 {
		last = c.recs[len(c.recs)-1].at
	}
	c.mu.Unlock()
	if conn != nil && time.Since(last) > quiet {
		c.write(conn, map[string]any{"type": "sync", "id": "sync"})
	}
}

func (c *client) finished() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

func (c *client) lastRec() rec {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.recs) == 0 {
		return rec{}
	}
	return c.recs[len(c.recs)-1]
}

func (c *client) acked(q int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	as := c.answers[q]
	return as != nil && as.accepted
}

// describe is a frame for failure messages: its type and the start of it.
func (r rec) describe() string {
	if r.raw == nil {
		return r.event
	}
	s := string(r.raw)
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return strings.TrimSpace(s)
}
