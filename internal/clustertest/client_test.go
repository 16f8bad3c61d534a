package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/lobby/wire"
)

var debugClient = os.Getenv("QR_DEBUG_CLIENT")

// frame is the part of any server message the test clients read.
type frame struct {
	Type        string          `json:"type"`
	Seq         uint64          `json:"seq"`
	Re          json.RawMessage `json:"re"`
	Q           int             `json:"q"`
	Accepted    bool            `json:"accepted"`
	Code        string          `json:"code"`
	Message     string          `json:"message"`
	PlayerID    string          `json:"player_id"`
	ResumeToken string          `json:"resume_token"`
	Options     []string        `json:"options"`
	Correct     []int           `json:"correct"`
	Reason      string          `json:"reason"`
	Count       int             `json:"count"`
	State       *wire.State     `json:"state"`
	You         json.RawMessage `json:"you"`

	// top is a "state" message, which is a State at the top level.
	top *wire.State
}

// broadcastTypes carry a seq one above the previous broadcast; everything
// else repeats the last one (docs/protocol.md).
var broadcastTypes = map[string]bool{
	"lobby": true, "player_joined": true, "player_left": true, "player_connection": true,
	"question": true, "answers_count": true, "paused": true, "resumed": true, "extended": true,
	"reveal": true, "leaderboard": true, "podium": true, "ended": true, "lock_changed": true,
}

// client is one simulated player or host. It reconnects to the next instance
// when its connection drops, and resumes with its token; it checks the
// sequence numbers and asks for a state on a gap, as the protocol says.
type client struct {
	t     *testing.T
	name  string
	urls  []string
	home  int
	pin   string
	host  string // host token for a host client
	gate  func(q int) <-chan struct{}
	pick  func(q int, options int) int
	onMsg func(c *client, f frame) // host driver hook, called from the read loop

	mu          sync.Mutex
	conn        *websocket.Conn
	playerID    string
	token       string
	lastSeq     uint64
	gaps        int
	reconnects  int
	open        int // question open on the client's screen, -1 none
	sentFor     map[int]bool
	accepted    map[int]int // question -> choice the server accepted
	podiumScore int
	sawPodium   bool
	// What the client's screen shows, from broadcasts and states: the
	// phase, the question it is about and the player's score.
	phase string
	q     int
	score int
	over  bool
	done  chan struct{}
	// trail is the client's last frames sent and received (newest last),
	// reported when the test fails to tell which player lost what.
	trail []string
	// welcomed is the connection that got the last welcome and maxQ the
	// highest question shown: a second welcome on one connection, or an
	// earlier question shown again, is a server replaying outputs already
	// sent (a takeover must not rewind screens).
	welcomed *websocket.Conn
	maxQ     int
}

// note appends an event to the client's trail (c.mu held).
func (c *client) note(format string, args ...any) {
	const keep = 64
	if len(c.trail) == keep {
		copy(c.trail, c.trail[1:])
		c.trail = c.trail[:keep-1]
	}
	c.trail = append(c.trail, time.Now().Format("15:04:05.000 ")+fmt.Sprintf(format, args...))
}

// describe reports the client's state and trail for a failure message.
func (c *client) describe() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%s (%s): home %d, reconnects %d, seq %d, open %d, accepted %v\n    %s",
		c.name, c.playerID, c.home, c.reconnects, c.lastSeq, c.open, c.accepted, strings.Join(c.trail, "\n    "))
}

func newClient(t *testing.T, name string, urls []string, home int, pin string) *client {
	return &client{t: t, name: name, urls: urls, home: home, pin: pin, open: -1,
		sentFor: map[int]bool{}, accepted: map[int]int{}, done: make(chan struct{})}
}

func (c *client) send(ctx context.Context, conn *websocket.Conn, v any) {
	data, _ := json.Marshal(v)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := conn.Write(wctx, websocket.MessageText, data)
	c.mu.Lock()
	c.note("-> %p %.120s err=%v", conn, data, err)
	c.mu.Unlock()
}

// run plays until the game is over or ctx ends.
func (c *client) run(ctx context.Context) {
	defer close(c.done)
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if c.session(ctx) {
			return
		}
		c.mu.Lock()
		c.home = (c.home + 1) % len(c.urls)
		c.reconnects++
		c.mu.Unlock()
		// A short pause before reconnecting, as the web client does.
		if !sleep(ctx, 100*time.Millisecond) {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// session is one connection; it reports whether the game is over.
func (c *client) session(ctx context.Context) bool {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, _, err := websocket.Dial(dctx, c.urls[c.home], &websocket.DialOptions{Subprotocols: []string{wire.Subprotocol}})
	cancel()
	c.mu.Lock()
	c.note("dial %d: %p %v", c.home, conn, err)
	c.mu.Unlock()
	if err != nil {
		return false
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 20)
	c.mu.Lock()
	c.conn = conn
	// Answers in flight on the old connection may be lost with it: a new
	// connection answers again whatever was not acknowledged.
	c.sentFor = map[int]bool{}
	token, pid := c.token, c.playerID
	c.mu.Unlock()
	switch {
	case c.host != "":
		c.send(ctx, conn, map[string]any{"type": "host", "pin": c.pin, "host_token": c.host, "id": "hello"})
	case pid != "":
		c.send(ctx, conn, map[string]any{"type": "resume", "pin": c.pin, "resume_token": token, "id": "hello"})
	default:
		c.send(ctx, conn, map[string]any{"type": "join", "pin": c.pin, "nickname": c.name, "id": "hello"})
	}
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			c.mu.Lock()
			c.note("read %p: %v", conn, err)
			over := c.over
			c.mu.Unlock()
			return over
		}
		var f frame
		err = json.Unmarshal(data, &f)
		if err == nil && f.Type == "state" {
			f.top = new(wire.State)
			err = json.Unmarshal(data, f.top)
		}
		if err != nil {
			c.t.Errorf("%s: undecodable frame %q: %v", c.name, data, err)
			continue
		}
		if debugClient != "" && c.name == debugClient {
			c.t.Logf("%s <- %.200s", c.name, data)
		}
		if c.handle(ctx, conn, f, data) {
			conn.Close(websocket.StatusNormalClosure, "")
			return true
		}
	}
}

func (c *client) handle(ctx context.Context, conn *websocket.Conn, f frame, data []byte) (over bool) {
	c.mu.Lock()
	if f.Type != "answers_count" && f.Type != "player_connection" && f.Type != "player_joined" {
		c.note("<- %p %.160s", conn, data)
	}
	// The sequence check: a broadcast must be exactly one after the last.
	switch {
	case f.Type == "welcome" || f.Type == "state":
		c.lastSeq = f.Seq
	case broadcastTypes[f.Type] && c.lastSeq != 0 && f.Seq > c.lastSeq+1:
		c.gaps++
		c.lastSeq = f.Seq
		c.mu.Unlock()
		c.send(ctx, conn, map[string]any{"type": "sync"})
		c.mu.Lock()
	case f.Seq > c.lastSeq:
		c.lastSeq = f.Seq
	}
	c.trackScreen(f)
	switch {
	case f.Type == "welcome" && c.welcomed == conn:
		c.t.Errorf("%s: welcomed twice on one connection: %.200s", c.name, data)
	case f.Type == "welcome":
		c.welcomed = conn
	case f.Type == "question" && f.Q < c.maxQ:
		c.t.Errorf("%s: shown question %d after question %d (the game rewound)", c.name, f.Q, c.maxQ)
	}
	if f.Type == "question" {
		c.maxQ = max(c.maxQ, f.Q)
	}
	c.mu.Unlock()

	switch f.Type {
	case "welcome":
		c.mu.Lock()
		if f.PlayerID != "" {
			c.playerID, c.token = f.PlayerID, f.ResumeToken
		}
		c.mu.Unlock()
		if f.State != nil {
			c.applyState(ctx, conn, *f.State)
		}
	case "state":
		c.applyState(ctx, conn, *f.top)
	case "question":
		c.questionOpen(ctx, conn, f.Q, len(f.Options), false)
	case "answer_ack":
		c.mu.Lock()
		switch {
		case f.Accepted:
			c.accepted[f.Q] = c.pick(f.Q, 0)
		case f.Code == string(wire.CodeAlreadyAnswered):
			// An earlier send of the same answer was applied (its ack was
			// lost with a connection): the first answer stands.
			c.accepted[f.Q] = c.pick(f.Q, 0)
		case f.Code == string(wire.CodeUnavailable) || f.Code == string(wire.CodeRoomBusy):
			c.sentFor[f.Q] = false // resent when the state below shows the question open
			go func() {
				if sleep(ctx, 200*time.Millisecond) {
					c.send(ctx, conn, map[string]any{"type": "sync"})
				}
			}()
		}
		c.mu.Unlock()
	case "reveal":
		c.mu.Lock()
		c.open = -1
		c.mu.Unlock()
	case "podium":
		c.notePodium(f.You)
	case "ended":
		c.mu.Lock()
		c.over = true
		c.mu.Unlock()
		return true
	case "error":
		if string(f.Re) == `"hello"` {
			c.t.Errorf("%s: refused at attach: %s %s", c.name, f.Code, f.Message)
		}
	}
	if c.onMsg != nil {
		c.onMsg(c, f)
	}
	return false
}

// trackScreen follows what the player's screen shows (c.mu held): the phase
// and question of every broadcast or state, and the score the server last
// told the player.
func (c *client) trackScreen(f frame) {
	st := f.top
	if f.Type == "welcome" {
		st = f.State
	}
	if st != nil {
		c.phase, c.q = st.Phase, st.Q
		if st.Score != nil {
			c.score = *st.Score
		}
		return
	}
	switch f.Type {
	case "lobby", "question", "reveal", "leaderboard", "podium", "ended":
		c.phase = f.Type
	default:
		return
	}
	if f.Type == "question" || f.Type == "reveal" || f.Type == "leaderboard" {
		c.q = f.Q
	}
	if len(f.You) > 0 {
		var y struct {
			Score *int `json:"score"`
		}
		if json.Unmarshal(f.You, &y) == nil && y.Score != nil {
			c.score = *y.Score
		}
	}
}

// screen returns what the client shows: phase, question and score.
func (c *client) screen() (phase string, q, score int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.phase, c.q, c.score
}

func (c *client) notePodium(you json.RawMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sawPodium = true
	var y wire.YouRank
	if len(you) > 0 && json.Unmarshal(you, &y) == nil {
		c.podiumScore = y.Score
	}
}

func (c *client) applyState(ctx context.Context, conn *websocket.Conn, st wire.State) {
	switch st.Phase {
	case "question":
		if st.Question != nil {
			answered := st.Answered != nil && *st.Answered
			c.questionOpen(ctx, conn, st.Q, len(st.Question.Options), answered)
		}
	case "podium", "ended":
		if st.Podium != nil {
			you, _ := json.Marshal(st.Podium.You)
			if st.Podium.You != nil {
				c.notePodium(you)
			}
		}
		if st.Score != nil {
			c.mu.Lock()
			c.sawPodium, c.podiumScore = true, *st.Score
			c.mu.Unlock()
		}
		if st.Phase == "ended" {
			c.mu.Lock()
			c.over = true
			c.mu.Unlock()
		}
	}
}

// questionOpen answers q once its gate opens (players only).
func (c *client) questionOpen(ctx context.Context, conn *websocket.Conn, q, options int, answered bool) {
	if c.host != "" || c.pick == nil {
		return
	}
	c.mu.Lock()
	c.open = q
	if answered {
		if _, ok := c.accepted[q]; !ok {
			c.accepted[q] = c.pick(q, options)
		}
	}
	if c.sentFor[q] || answered {
		c.mu.Unlock()
		return
	}
	c.sentFor[q] = true
	c.mu.Unlock()
	choice := c.pick(q, options)
	go func() {
		if g := c.gate(q); g != nil {
			select {
			case <-g:
			case <-ctx.Done():
				return
			}
		}
		// Send, and send again while unacknowledged and still open, as a
		// real client retries: an answer refused as unavailable during an
		// outage, or an ack lost with an output, is retried; the server
		// answers already_answered when the first one counted.
		for {
			c.mu.Lock()
			current, open := c.conn, c.open
			_, done := c.accepted[q]
			if current == conn && open != q && !done {
				// The question is not on the screen now (closed, or the
				// screen went elsewhere for a moment): answer again if it
				// shows this question again, as a player would.
				c.sentFor[q] = false
			}
			c.mu.Unlock()
			if current != conn || open != q || done {
				return // answered, closed, or that connection is gone (the new one answers from its welcome)
			}
			c.send(ctx, conn, map[string]any{"type": "answer", "q": q, "choice": choice, "id": fmt.Sprintf("a%d", q)})
			if !sleep(ctx, time.Second) {
				return
			}
		}
	}()
}

// command sends a host command on the current connection.
func (c *client) command(ctx context.Context, typ string) {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		c.send(ctx, conn, map[string]any{"type": typ})
	}
}

func (c *client) snapshot() (accepted map[int]int, score int, sawPodium bool, gaps, reconnects int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	accepted = map[int]int{}
	for k, v := range c.accepted {
		accepted[k] = v
	}
	return accepted, c.podiumScore, c.sawPodium, c.gaps, c.reconnects
}
