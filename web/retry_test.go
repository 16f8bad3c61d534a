package web_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/web"
)

// scriptedServer serves the real pages and a WebSocket that plays one open
// question and refuses the first answer with room_busy, as a room under a
// burst may: what the page does then is what the player sees.
type scriptedServer struct {
	answers atomic.Int32
	// staleReveal: the welcome is of owner term 2, and a reveal of term 1
	// (an owner paused past its lease) follows it.
	staleReveal bool
}

func (s *scriptedServer) ws(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"quizroom.v1"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	ctx := r.Context()
	send := func(v any) {
		b, _ := json.Marshal(v)
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = c.Write(wctx, websocket.MessageText, b)
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Type string          `json:"type"`
			ID   json.RawMessage `json:"id"`
			T    int64           `json:"t"`
		}
		if json.Unmarshal(data, &m) != nil {
			return
		}
		now := time.Now().UnixMilli()
		switch m.Type {
		case "ping":
			send(map[string]any{"type": "pong", "t": m.T, "server_ms": now})
		case "join", "resume":
			q := map[string]any{"q": 0, "total": 1, "kind": "single", "prompt": "Which spreads load?",
				"options": []string{"Cache", "Load balancer"}, "time_ms": 60000, "deadline_ms": now + 60000, "server_ms": now}
			welcome := map[string]any{"type": "welcome", "re": m.ID, "seq": 1, "role": "player", "pin": "123456",
				"player_id": "p_1", "resume_token": "r_1", "nickname": "Ada", "server_ms": now,
				"state": map[string]any{"phase": "question", "q": 0, "total": 1, "question": q, "remaining_ms": 60000, "server_ms": now, "score": 0}}
			if !s.staleReveal {
				send(welcome)
				continue
			}
			welcome["owner_term"] = 2
			send(welcome)
			send(map[string]any{"type": "reveal", "seq": 2, "q": 0, "kind": "single", "reason": "deadline", "correct": []int{0},
				"distribution": []int{0, 0}, "answered": 0, "correct_count": 0, "players": 1, "owner_term": 1})
		case "answer":
			if s.answers.Add(1) == 1 {
				send(map[string]any{"type": "error", "re": m.ID, "code": "room_busy", "message": "the room has too many messages waiting; try again"})
				continue
			}
			send(map[string]any{"type": "answer_ack", "re": m.ID, "seq": 1, "q": 0, "accepted": true, "response_ms": 900})
		}
	}
}

// An answer refused as retryable goes again by itself: the player sees it
// received, never "the server is busy".
func TestPageRetriesARetryableRefusalUnnoticed(t *testing.T) {
	s := &scriptedServer{}
	p := openScripted(t, s)
	p.click(`.answer-btn[data-index="1"]`)
	p.waitText("#received-text", "Answer received")
	if n := s.answers.Load(); n != 2 {
		t.Fatalf("the server got %d answers, want 2 (the refused one sent again)", n)
	}
	if got := p.text("#q-error"); got != "" {
		t.Errorf("the player saw %q", got)
	}
	p.noProblems()
}

// A frame of an older owner_term than the newest the page saw is dropped:
// the stale reveal does not close the question the page shows, and the
// player answers it.
func TestPageDropsAnOlderTermsFrame(t *testing.T) {
	p := openScripted(t, &scriptedServer{staleReveal: true})
	p.click(`.answer-btn[data-index="1"]`)
	p.waitText("#received-text", "Answer received")
	p.noProblems()
}

// openScripted serves the play page with s's WebSocket and opens it as a
// player who joined; it returns when the question's buttons show.
func openScripted(t *testing.T, s *scriptedServer) *tab {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", s.ws)
	mux.HandleFunc("/play", func(w http.ResponseWriter, r *http.Request) { http.ServeFileFS(w, r, web.FS(), "play.html") })
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(web.FS())))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	base := "http://" + ln.Addr().String()

	p := newTab(t, newBrowser(t), "ada", 360, 740, true)
	p.navigate(base + "/static/favicon.svg")
	eval[any](p, `sessionStorage.setItem("quizroom.join", JSON.stringify({pin: "123456", nickname: "Ada"}))`)
	p.navigate(base + "/play")
	p.waitVisible(`.answer-btn[data-index="1"]`)
	return p
}
