package loadclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/cmd/quizload/internal/wirescan"
)

// Game is what POST /api/games answered.
type Game struct {
	PIN       string `json:"pin"`
	HostToken string `json:"host_token"`
	JoinURL   string `json:"join_url,omitempty"`
}

// HostKeyHeader carries a server's host key (quizroom serve --host-key).
const HostKeyHeader = "X-Host-Key"

// CreateGame creates a game through the HTTP API with the given JSON body,
// sending hostKey when it is set (a server with a host key refuses others).
func CreateGame(ctx context.Context, client *http.Client, baseURL, hostKey string, body map[string]any) (Game, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return Game{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+"/api/games", bytes.NewReader(b))
	if err != nil {
		return Game{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if hostKey != "" {
		req.Header.Set(HostKeyHeader, hostKey)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Game{}, fmt.Errorf("create game: %w", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return Game{}, fmt.Errorf("create game: %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	var g Game
	if err := json.Unmarshal(data, &g); err != nil || g.PIN == "" {
		return Game{}, fmt.Errorf("create game: unexpected answer %q", data)
	}
	return g, nil
}

// Event is something the host saw, for the play command's narration.
type Event struct {
	Type string
	Raw  []byte
}

// DefaultStallAfter is how long a started game may send its host nothing
// before Drive calls it stalled, when Host.StallAfter is zero.
const DefaultStallAfter = 30 * time.Second

// Host drives one game: it connects with the host token, starts the game
// when Start is called, and moves the game on after every reveal and
// leaderboard until the podium.
//
// Each connection has exactly one reader goroutine, started by Connect and
// reading from then on (also while the players join, so the server never
// sees an unread host queue). Nothing else reads: stalls are found by Drive's
// watchdog, which closes the connection, never by read deadlines.
type Host struct {
	Game Game
	URL  string
	// OnEvent, when set, sees every frame the host receives (on the host's
	// reader goroutine).
	OnEvent func(Event)
	// StallAfter is the longest silence Drive accepts once the game has
	// started (a question's time plus a margin); 0 means DefaultStallAfter.
	StallAfter time.Duration
	// Peers are the other instances' base URLs, asked for the game's state
	// when the host stalls.
	Peers []string

	mu         sync.Mutex
	conn       *hostConn
	started    bool
	phase      string // from the last frame: lobby, question, reveal, leaderboard, podium, ended
	q, total   int64
	questions  int
	lastAt     time.Time
	recent     []frameNote // the last few frames, oldest first
	sent       string      // the last frame the driver sent
	sentAt     time.Time
	errs       []string
	stallNotes []string
}

// frameNote is what the stall report tells about one received frame.
type frameNote struct {
	typ    string
	seq, q int64
	at     time.Time
}

const recentFrames = 8

// hostConn is one connection of the host and its reader's outcome.
type hostConn struct {
	ws      *websocket.Conn
	welcome chan []byte // the first frame
	done    chan error  // the reader's end: nil at podium or ended
}

// Connect opens the host connection, starts its reader and waits for welcome.
func (h *Host) Connect(ctx context.Context) error {
	endpoint, err := wsURL(h.URL)
	if err != nil {
		return err
	}
	c, err := dial(ctx, newHTTPClient(), endpoint, dialParams{})
	if err != nil {
		return fmt.Errorf("host: %w", err)
	}
	hc := &hostConn{ws: c, welcome: make(chan []byte, 1), done: make(chan error, 1)}
	if err := write(ctx, c, fmt.Appendf(nil, `{"type":"host","pin":%q,"host_token":%q}`, h.Game.PIN, h.Game.HostToken)); err != nil {
		c.CloseNow()
		return fmt.Errorf("host: %w", err)
	}
	h.mu.Lock()
	h.conn = hc
	h.mu.Unlock()
	go h.readLoop(ctx, hc)
	wait := time.NewTimer(30 * time.Second)
	defer wait.Stop()
	select {
	case msg := <-hc.welcome:
		if !bytes.Equal(wirescan.Type(msg), tWelcome) {
			c.CloseNow()
			return fmt.Errorf("host: expected welcome, got %.200s", msg)
		}
		return nil
	case err := <-hc.done:
		hc.done <- err // Drive sees the end too
		return fmt.Errorf("host: before welcome: %w", err)
	case <-wait.C:
		c.CloseNow()
		return errors.New("host: no welcome within 30s")
	case <-ctx.Done():
		c.CloseNow()
		return fmt.Errorf("host: %w", ctx.Err())
	}
}

// readLoop is the connection's only reader. It answers reveal and
// leaderboard with next once the game is started.
func (h *Host) readLoop(ctx context.Context, hc *hostConn) {
	var buf []byte
	first := true
	for {
		msg, err := readMessage(ctx, hc.ws, buf)
		buf = msg[:0]
		if err != nil {
			hc.done <- err
			return
		}
		if first {
			hc.welcome <- append([]byte(nil), msg...)
			first = false
		}
		if h.OnEvent != nil {
			h.OnEvent(Event{Type: string(wirescan.Type(msg)), Raw: append([]byte(nil), msg...)})
		}
		next, end := h.note(msg)
		if next != nil {
			if err := h.send(ctx, hc, next); err != nil {
				hc.done <- err
				return
			}
		}
		if end {
			hc.ws.Close(websocket.StatusNormalClosure, "done")
			hc.done <- nil
			return
		}
	}
}

// note records one frame and says what to send back and whether the game is over.
func (h *Host) note(msg []byte) (reply []byte, end bool) {
	typ := string(wirescan.Type(msg))
	seq, _ := wirescan.Int(msg, "seq")
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastAt = time.Now()
	n := frameNote{typ: typ, seq: seq, q: -1, at: h.lastAt}
	if q, ok := wirescan.Int(msg, "q"); ok {
		n.q = q
	}
	if len(h.recent) == recentFrames {
		copy(h.recent, h.recent[1:])
		h.recent = h.recent[:recentFrames-1]
	}
	h.recent = append(h.recent, n)
	switch typ {
	case "welcome", "state":
		// A welcome nests the state; a state message (the answer to a sync,
		// and what every client gets after a sequence gap, e.g. when another
		// instance took the room over) carries it at the top level.
		st := msg
		if typ == "welcome" {
			st = wirescan.Object(msg, "state")
		}
		if st != nil {
			h.phase = string(wirescan.String(st, "phase"))
			h.q, _ = wirescan.Int(st, "q")
		}
		if h.phase == "podium" || h.phase == "ended" {
			return nil, true
		}
		// A welcome after a reconnect, or a state after a gap, in a phase
		// that waits for the host: the reveal or leaderboard that would
		// have prompted "next" may never arrive as its own message.
		if h.started {
			switch h.phase {
			case "reveal", "leaderboard":
				return []byte(`{"type":"next","id":"n-reconnect"}`), false
			case "lobby":
				return []byte(`{"type":"start","id":"start-reconnect"}`), false
			}
		}
	case "question":
		h.phase, h.q = typ, n.q
		h.total, _ = wirescan.Int(msg, "total")
		h.questions++
	case "reveal", "leaderboard":
		h.phase = typ
		if h.started {
			return fmt.Appendf(nil, `{"type":"next","id":"n%d"}`, seq), false
		}
	case "podium", "ended":
		h.phase = typ
		return nil, true
	case "error":
		h.errs = append(h.errs, string(msg))
	}
	return nil, false
}

func (h *Host) send(ctx context.Context, hc *hostConn, msg []byte) error {
	h.mu.Lock()
	h.sent, h.sentAt = string(msg), time.Now()
	h.mu.Unlock()
	return write(ctx, hc.ws, msg)
}

// Start sends start once.
func (h *Host) Start(ctx context.Context) error {
	h.mu.Lock()
	if h.started {
		h.mu.Unlock()
		return nil
	}
	h.started = true
	h.lastAt = time.Now() // the watchdog counts from the start
	hc := h.conn
	h.mu.Unlock()
	return h.send(ctx, hc, []byte(`{"type":"start","id":"start"}`))
}

// Drive waits until the podium (or ended) while the reader moves the game
// on. A dropped host connection is reopened with the host token (a few
// times), as the host screen would; so is one on which nothing arrived for
// StallAfter, after the stall is recorded in Errors with what the host last
// saw. It returns the number of questions seen.
func (h *Host) Drive(ctx context.Context) (int, error) {
	stallAfter := h.StallAfter
	if stallAfter <= 0 {
		stallAfter = DefaultStallAfter
	}
	tick := time.NewTicker(min(time.Second, stallAfter/4))
	defer tick.Stop()
	reconnects := 0
	stalled := false
	for {
		h.mu.Lock()
		hc := h.conn
		h.mu.Unlock()
		select {
		case err := <-hc.done:
			if err == nil {
				return h.questionsSeen(), nil
			}
			hc.ws.CloseNow()
			if ctx.Err() != nil || reconnects >= 3 {
				return h.questionsSeen(), fmt.Errorf("host: %w; %s", err, h.Describe())
			}
			reconnects++
			if !stalled { // a stall is reported already
				h.addErr(fmt.Sprintf("host connection dropped: %v; %s", err, h.Describe()))
			}
			stalled = false
			if err := h.Connect(ctx); err != nil {
				return h.questionsSeen(), err
			}
		case <-tick.C:
			h.mu.Lock()
			quiet := time.Since(h.lastAt)
			h.mu.Unlock()
			if quiet > stallAfter {
				note := fmt.Sprintf("host stalled: nothing received for %s; %s", quiet.Round(time.Millisecond), h.Describe())
				if peers := h.peerStates(ctx); peers != "" {
					note += "; game info per instance: " + peers
				}
				h.mu.Lock()
				h.stallNotes = append(h.stallNotes, note)
				h.lastAt = time.Now()
				h.mu.Unlock()
				stalled = true
				hc.ws.CloseNow() // the reader ends; the case above reconnects
			}
		case <-ctx.Done():
			hc.ws.CloseNow()
			return h.questionsSeen(), fmt.Errorf("host: %w; %s", ctx.Err(), h.Describe())
		}
	}
}

func (h *Host) questionsSeen() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.questions
}

func (h *Host) addErr(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, s)
}

// Describe tells where the host's game is: phase, question, the last frames
// received and the last frame sent, with their ages.
func (h *Host) Describe() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "game %s via %s, phase %q, question %d of %d; last frames:", h.Game.PIN, h.URL, h.phase, h.q+1, h.total)
	for _, n := range h.recent {
		fmt.Fprintf(&b, " %s(seq %d", n.typ, n.seq)
		if n.q >= 0 {
			fmt.Fprintf(&b, ", q %d", n.q)
		}
		fmt.Fprintf(&b, ", %s ago)", now.Sub(n.at).Round(time.Millisecond))
	}
	if h.sent != "" {
		fmt.Fprintf(&b, "; last sent %s %s ago", h.sent, now.Sub(h.sentAt).Round(time.Millisecond))
	}
	return b.String()
}

// peerStates asks every instance for the game's info (GET /api/games/PIN).
func (h *Host) peerStates(ctx context.Context) string {
	client := &http.Client{Timeout: 2 * time.Second}
	var out []string
	for _, base := range append([]string{h.URL}, h.Peers...) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/api/games/"+h.Game.PIN, nil)
		if err != nil {
			continue
		}
		resp, err := client.Do(req)
		if err != nil {
			out = append(out, base+": "+err.Error())
			continue
		}
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		out = append(out, fmt.Sprintf("%s: %s %s", base, resp.Status, bytes.TrimSpace(data)))
	}
	return strings.Join(out, " | ")
}

// Errors are the error frames the host received, its dropped connections
// and its stalls.
func (h *Host) Errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append(append([]string(nil), h.stallNotes...), h.errs...)
}

// Stalls are the stall reports alone.
func (h *Host) Stalls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.stallNotes...)
}
