package floor

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/cmd/quizload/internal/wirescan"
)

// writeTimeout bounds every write: a peer that stops reading holds up a
// fan-out slice for at most this long, then it is cut.
const writeTimeout = 5 * time.Second

// Server is the floor server. The zero value is not usable; call New.
type Server struct {
	mu     sync.Mutex
	games  map[string]*game
	conns  map[*conn]struct{}
	next   int
	closed bool
	wg     sync.WaitGroup
}

// New returns a floor server; Close stops its connections.
func New() *Server {
	return &Server{games: map[string]*game{}, conns: map[*conn]struct{}{}}
}

// Close ends every connection and waits for their goroutines.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.CloseNow()
	}
	s.wg.Wait()
}

// conn is one client. It has no goroutine of its own beyond its reader:
// broadcasts write to it from the fan-out goroutines, acks from the reader.
type conn struct {
	ws  *websocket.Conn
	raw net.Conn // the hijacked socket, for its write deadline
	// deadline is the write deadline armed on raw (Unix ns): re-armed only
	// when less than half of writeTimeout is left, so a fan-out costs no
	// timer update per connection on most questions.
	deadline atomic.Int64
	dead     atomic.Bool
}

// armDeadline makes sure the socket's write deadline is at least
// writeTimeout/2 ahead of now.
func (c *conn) armDeadline(now time.Time) {
	if c.deadline.Load()-now.UnixNano() > int64(writeTimeout/2) {
		return
	}
	d := now.Add(writeTimeout)
	c.deadline.Store(d.UnixNano())
	_ = c.raw.SetWriteDeadline(d)
}

// write writes one frame under the socket's deadline: no context, so
// coder/websocket arms no timer and registers no AfterFunc for it.
func (c *conn) write(frame []byte) {
	if c.dead.Load() {
		return
	}
	if err := c.ws.Write(context.Background(), websocket.MessageText, frame); err != nil {
		c.dead.Store(true)
		c.ws.CloseNow()
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

	// fanMu serializes broadcasts, so every connection gets them in order.
	fanMu sync.Mutex
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

// hijackKeeper keeps the socket coder/websocket hijacks: its deadline is
// the only timeout a write needs.
type hijackKeeper struct {
	http.ResponseWriter
	raw net.Conn
}

func (h *hijackKeeper) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.raw = c
	return c, brw, err
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	hk := &hijackKeeper{ResponseWriter: w}
	ws, err := websocket.Accept(hk, r, &websocket.AcceptOptions{Subprotocols: []string{"quizroom.v1"}, InsecureSkipVerify: true})
	if err != nil {
		return
	}
	c := &conn{ws: ws, raw: hk.raw}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.CloseNow()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	s.readLoop(c)
	c.dead.Store(true)
	ws.CloseNow()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// readBufs lends the readers a buffer per message, not per connection, so
// an idle connection holds none.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// read reads one message into a pooled buffer, without a context (Close
// ends reads by closing the connections).
func read(ws *websocket.Conn, bp *[]byte) error {
	_, rd, err := ws.Reader(context.Background())
	if err != nil {
		return err
	}
	b := (*bp)[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			*bp = b
			return nil
		}
		if err != nil {
			*bp = b
			return err
		}
	}
}

func (s *Server) readLoop(c *conn) {
	var g *game
	for {
		bp := readBufs.Get().(*[]byte)
		err := read(c.ws, bp)
		if err != nil {
			readBufs.Put(bp)
			return
		}
		msg := *bp
		typ := string(wirescan.Type(msg))
		if g == nil {
			s.mu.Lock()
			g = s.games[string(wirescan.String(msg, "pin"))]
			s.mu.Unlock()
			if g == nil || (typ != "join" && typ != "host" && typ != "resume") {
				c.reply([]byte(`{"type":"error","code":"not_found","message":"no such game"}`))
				g = nil
			} else {
				g.join(c, typ == "host" && string(wirescan.String(msg, "host_token")) == g.token)
			}
			readBufs.Put(bp)
			continue
		}
		switch typ {
		case "start", "next":
			if c == g.hostConn() {
				g.advance()
			}
		case "answer":
			// Acked on the reader, at once: no queue, no other goroutine.
			q, _ := wirescan.Int(msg, "q")
			c.reply(fmt.Appendf(nil, `{"type":"answer_ack","re":%q,"q":%d,"accepted":true}`, wirescan.String(msg, "id"), q))
			g.answer(int(q))
		}
		readBufs.Put(bp)
	}
}

// reply writes a frame to c from its reader.
func (c *conn) reply(frame []byte) {
	c.armDeadline(time.Now())
	c.write(frame)
}

func (g *game) hostConn() *conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.host
}

func nowMs() int64 { return time.Now().UnixMilli() }

func (g *game) join(c *conn, host bool) {
	g.mu.Lock()
	var welcome []byte
	if host {
		g.host = c
		welcome = fmt.Appendf(nil, `{"type":"welcome","seq":%d,"role":"host","pin":%q,"server_ms":%d,"state":{"phase":%q}}`, g.seq, g.pin, nowMs(), g.phase)
	} else {
		g.players = append(g.players, c)
		n := len(g.players)
		welcome = fmt.Appendf(nil, `{"type":"welcome","seq":%d,"role":"player","pin":%q,"player_id":"p_%d","resume_token":"r_%d","nickname":"p%d","server_ms":%d,"state":{"phase":%q,"score":0}}`,
			g.seq, g.pin, n, n, n, nowMs(), g.phase)
	}
	g.mu.Unlock()
	// No player_joined to the host: quizload starts games when its own
	// players report in.
	c.reply(welcome)
}

// audience is everyone in the game: the players, then the host.
func (g *game) audienceLocked() []*conn {
	out := make([]*conn, 0, len(g.players)+1)
	out = append(out, g.players...)
	if g.host != nil {
		out = append(out, g.host)
	}
	return out
}

// broadcast writes frames, in order, to every connection of to. The
// connections are cut into one slice per core and each slice is written by
// one goroutine, frame after frame, connection after connection: a write
// to a socket with room in its buffer is one syscall that does not park, so
// more goroutines than cores would only add scheduling. The socket deadline
// is armed once per connection per broadcast (at most), before its writes.
func (g *game) broadcast(to []*conn, build func() [][]byte) {
	g.fanMu.Lock()
	defer g.fanMu.Unlock()
	frames := build() // after the previous broadcast: stamps are honest
	parts := min(runtime.GOMAXPROCS(0), max(len(to)/256, 1))
	writeSlice := func(cs []*conn) {
		now := time.Now()
		for _, c := range cs {
			c.armDeadline(now)
			for _, f := range frames {
				c.write(f)
			}
		}
	}
	if parts == 1 {
		writeSlice(to)
		return
	}
	var wg sync.WaitGroup
	per := (len(to) + parts - 1) / parts
	for lo := 0; lo < len(to); lo += per {
		cs := to[lo:min(lo+per, len(to))]
		wg.Go(func() { writeSlice(cs) })
	}
	wg.Wait()
}

func (g *game) advance() {
	g.mu.Lock()
	g.seq++
	to := g.audienceLocked()
	var frames [][]byte
	switch g.phase {
	case "lobby", "leaderboard":
		if g.q+1 >= g.questions {
			g.phase = "podium"
			frames = append(frames, fmt.Appendf(nil, `{"type":"podium","seq":%d,"top":[],"players":%d}`, g.seq, len(g.players)))
			g.seq++
			frames = append(frames, fmt.Appendf(nil, `{"type":"ended","seq":%d,"reason":"finished"}`, g.seq))
			break
		}
		g.q++
		g.phase = "question"
		g.answered = 0
		q, seq := g.q, g.seq
		g.timer = time.AfterFunc(time.Duration(g.timeMs)*time.Millisecond, func() { g.reveal(q) })
		g.mu.Unlock()
		g.broadcast(to, func() [][]byte { return [][]byte{g.questionFrame(seq, q)} })
		return
	case "reveal":
		g.phase = "leaderboard"
		frames = append(frames, fmt.Appendf(nil, `{"type":"leaderboard","seq":%d,"q":%d,"top":[]}`, g.seq, g.q))
	}
	g.mu.Unlock()
	if len(frames) > 0 {
		g.broadcast(to, func() [][]byte { return frames })
	}
}

// questionFrame is question q (broadcast seq), padBytes bytes long (at least its fixed
// fields), stamped with the time it is handed to the writers.
func (g *game) questionFrame(seq, q int) []byte {
	now := nowMs()
	head := fmt.Sprintf(`{"type":"question","seq":%d,"q":%d,"total":%d,"kind":"single","prompt":"`, seq, q, g.questions)
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
	if g.phase != "question" || q != g.q {
		g.mu.Unlock()
		return
	}
	if g.timer != nil {
		g.timer.Stop()
	}
	g.phase = "reveal"
	g.seq++
	frame := []byte(`{"type":"reveal","seq":` + strconv.Itoa(g.seq) + `,"q":` + strconv.Itoa(q) + `,"kind":"single","correct":[0]}`)
	to := g.audienceLocked()
	g.mu.Unlock()
	g.broadcast(to, func() [][]byte { return [][]byte{frame} })
}
