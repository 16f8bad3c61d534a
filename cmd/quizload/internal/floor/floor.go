package floor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/cmd/quizload/internal/wirescan"
)

// queueLen bounds each connection's outgoing frames.
const queueLen = 64

// Server is the floor server. The zero value is not usable; call New.
type Server struct {
	mu    sync.Mutex
	games map[string]*game
	next  int
	wg    sync.WaitGroup
	ctx   context.Context
	stop  context.CancelFunc
}

// New returns a floor server; Close stops its connections.
func New() *Server {
	ctx, stop := context.WithCancel(context.Background())
	return &Server{games: map[string]*game{}, ctx: ctx, stop: stop}
}

// Close ends every connection and waits for their goroutines.
func (s *Server) Close() {
	s.stop()
	s.wg.Wait()
}

type conn struct {
	ws  *websocket.Conn
	out chan []byte
}

func (c *conn) send(frame []byte) {
	select {
	case c.out <- frame:
	default:
		c.ws.CloseNow() // slow consumer
	}
}

type game struct {
	mu        sync.Mutex
	pin       string
	token     string
	questions int
	padBytes  int
	timeMs    int
	players   []*conn
	host      *conn
	seq       int
	q         int
	phase     string
	answered  int
	timer     *time.Timer
}

// ServeHTTP routes POST /api/games and GET /ws.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/games":
		s.create(w, r)
	case r.URL.Path == "/ws":
		s.serveWS(w, r)
	default:
		http.NotFound(w, r)
	}
}

type createBody struct {
	Count    int `json:"count"`
	PadBytes int `json:"pad_bytes"`
	Seconds  int `json:"seconds"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var b createBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&b); err != nil {
		http.Error(w, `{"error":{"code":"invalid_body","message":"`+err.Error()+`"}}`, http.StatusBadRequest)
		return
	}
	b.Count = min(max(b.Count, 1), 64)
	b.Seconds = max(b.Seconds, 1)
	s.mu.Lock()
	s.next++
	pin := fmt.Sprintf("%06d", s.next)
	g := &game{pin: pin, token: "h_" + pin, questions: b.Count, padBytes: b.PadBytes, timeMs: b.Seconds * 1000, phase: "lobby", q: -1}
	s.games[pin] = g
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"pin":%q,"host_token":%q}`, g.pin, g.token)
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"quizroom.v1"}, InsecureSkipVerify: true})
	if err != nil {
		return
	}
	c := &conn{ws: ws, out: make(chan []byte, queueLen)}
	ctx, cancel := context.WithCancel(s.ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		c.writeLoop(ctx)
	}()
	s.readLoop(ctx, c)
	cancel()
	ws.CloseNow()
}

func (c *conn) writeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case frame := <-c.out:
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := c.ws.Write(wctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.ws.CloseNow()
				return
			}
		}
	}
}

func (s *Server) readLoop(ctx context.Context, c *conn) {
	var g *game
	for {
		_, msg, err := c.ws.Read(ctx)
		if err != nil {
			return
		}
		typ := string(wirescan.Type(msg))
		if g == nil {
			s.mu.Lock()
			g = s.games[string(wirescan.String(msg, "pin"))]
			s.mu.Unlock()
			if g == nil || (typ != "join" && typ != "host" && typ != "resume") {
				c.send([]byte(`{"type":"error","code":"not_found","message":"no such game"}`))
				g = nil
				continue
			}
			g.join(c, typ == "host" && string(wirescan.String(msg, "host_token")) == g.token)
			continue
		}
		switch typ {
		case "start", "next":
			if c == g.hostConn() {
				g.advance()
			}
		case "answer":
			q, _ := wirescan.Int(msg, "q")
			c.send(fmt.Appendf(nil, `{"type":"answer_ack","re":%q,"q":%d,"accepted":true}`, wirescan.String(msg, "id"), q))
			g.answer(int(q))
		}
	}
}

func (g *game) hostConn() *conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.host
}

func nowMs() int64 { return time.Now().UnixMilli() }

func (g *game) join(c *conn, host bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if host {
		g.host = c
		c.send(fmt.Appendf(nil, `{"type":"welcome","seq":%d,"role":"host","pin":%q,"server_ms":%d,"state":{"phase":%q}}`, g.seq, g.pin, nowMs(), g.phase))
		return
	}
	g.players = append(g.players, c)
	n := len(g.players)
	c.send(fmt.Appendf(nil, `{"type":"welcome","seq":%d,"role":"player","pin":%q,"player_id":"p_%d","resume_token":"r_%d","nickname":"p%d","server_ms":%d,"state":{"phase":%q,"score":0}}`,
		g.seq, g.pin, n, n, n, nowMs(), g.phase))
	// No player_joined to the host: a burst of joins would overflow its queue,
	// and quizload starts games when its own players report in.
}

// broadcastLocked sends one encoded frame to everyone in the game.
func (g *game) broadcastLocked(frame []byte) {
	for _, p := range g.players {
		p.send(frame)
	}
	if g.host != nil {
		g.host.send(frame)
	}
}

func (g *game) advance() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	switch g.phase {
	case "lobby", "leaderboard":
		if g.q+1 >= g.questions {
			g.phase = "podium"
			g.broadcastLocked(fmt.Appendf(nil, `{"type":"podium","seq":%d,"top":[],"players":%d}`, g.seq, len(g.players)))
			g.seq++
			g.broadcastLocked(fmt.Appendf(nil, `{"type":"ended","seq":%d,"reason":"finished"}`, g.seq))
			return
		}
		g.q++
		g.phase = "question"
		g.answered = 0
		g.broadcastLocked(g.questionFrame())
		q := g.q
		g.timer = time.AfterFunc(time.Duration(g.timeMs)*time.Millisecond, func() { g.reveal(q) })
	case "reveal":
		g.phase = "leaderboard"
		g.broadcastLocked(fmt.Appendf(nil, `{"type":"leaderboard","seq":%d,"q":%d,"top":[]}`, g.seq, g.q))
	}
}

// questionFrame is a question of padBytes bytes (at least its fixed fields),
// stamped with the time it is handed to the writers.
func (g *game) questionFrame() []byte {
	now := nowMs()
	head := fmt.Sprintf(`{"type":"question","seq":%d,"q":%d,"total":%d,"kind":"single","prompt":"`, g.seq, g.q, g.questions)
	tail := fmt.Sprintf(`","options":["A","B","C","D"],"time_ms":%d,"deadline_ms":%d,"server_ms":%d,"double_points":false}`, g.timeMs, now+int64(g.timeMs), now)
	pad := max(g.padBytes-len(head)-len(tail), 1)
	return []byte(head + strings.Repeat("x", pad) + tail)
}

func (g *game) answer(q int) {
	g.mu.Lock()
	if g.phase != "question" || q != g.q {
		g.mu.Unlock()
		return
	}
	g.answered++
	all := g.answered >= len(g.players)
	g.mu.Unlock()
	if all {
		g.reveal(q)
	}
}

func (g *game) reveal(q int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.phase != "question" || q != g.q {
		return
	}
	if g.timer != nil {
		g.timer.Stop()
	}
	g.phase = "reveal"
	g.seq++
	g.broadcastLocked([]byte(`{"type":"reveal","seq":` + strconv.Itoa(g.seq) + `,"q":` + strconv.Itoa(q) + `,"kind":"single","correct":[0]}`))
}
