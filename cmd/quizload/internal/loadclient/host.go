package loadclient

import (
	"bytes"
	"context"
	"encoding/json"
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

// CreateGame creates a game through the HTTP API with the given JSON body.
func CreateGame(ctx context.Context, client *http.Client, baseURL string, body map[string]any) (Game, error) {
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

// Host drives one game: it connects with the host token, starts the game
// when Start is called, and moves the game on after every reveal and
// leaderboard until the podium.
type Host struct {
	Game Game
	URL  string
	// OnEvent, when set, sees every frame the host receives (on the host's
	// reader goroutine).
	OnEvent func(Event)

	conn      *websocket.Conn
	startOnce sync.Once
	lastPhase string // the phase the last welcome reported
	lastType  string // the type of the last frame read
	questions int
	errs      []string
	mu        sync.Mutex
}

// Connect opens the host connection and waits for welcome.
func (h *Host) Connect(ctx context.Context) error {
	endpoint, err := wsURL(h.URL)
	if err != nil {
		return err
	}
	c, err := dial(ctx, newHTTPClient(), endpoint, dialParams{})
	if err != nil {
		return fmt.Errorf("host: %w", err)
	}
	h.conn = c
	if err := write(ctx, c, fmt.Appendf(nil, `{"type":"host","pin":%q,"host_token":%q}`, h.Game.PIN, h.Game.HostToken)); err != nil {
		c.CloseNow()
		return fmt.Errorf("host: %w", err)
	}
	msg, err := readMessage(ctx, c, nil)
	if err != nil {
		c.CloseNow()
		return fmt.Errorf("host: %w", err)
	}
	if !bytes.Equal(wirescan.Type(msg), tWelcome) {
		c.CloseNow()
		return fmt.Errorf("host: expected welcome, got %s", msg)
	}
	h.emit(msg)
	if st := wirescan.Object(msg, "state"); st != nil {
		h.lastPhase = string(wirescan.String(st, "phase"))
	}
	return nil
}

func (h *Host) emit(msg []byte) {
	if h.OnEvent != nil {
		h.OnEvent(Event{Type: string(wirescan.Type(msg)), Raw: append([]byte(nil), msg...)})
	}
}

// Start sends start once.
func (h *Host) Start(ctx context.Context) error {
	var err error
	h.startOnce.Do(func() { err = write(ctx, h.conn, []byte(`{"type":"start","id":"start"}`)) })
	return err
}

// Drive reads the host connection until the podium (or ended), sending next
// after each reveal and leaderboard. A dropped host connection is reopened
// with the host token (a few times), as the host screen would. It returns the
// number of questions seen.
func (h *Host) Drive(ctx context.Context) (int, error) {
	defer func() { h.conn.CloseNow() }()
	var buf []byte
	reconnects := 0
	for {
		msg, err := readMessage(ctx, h.conn, buf)
		buf = msg[:0]
		if err != nil {
			if ctx.Err() != nil || reconnects >= 3 {
				return h.questions, fmt.Errorf("host: %w", err)
			}
			reconnects++
			h.mu.Lock()
			h.errs = append(h.errs, fmt.Sprintf("host connection dropped after %d questions (last frame %q): %v", h.questions, h.lastType, err))
			h.mu.Unlock()
			h.conn.CloseNow()
			if err := h.Connect(ctx); err != nil {
				return h.questions, err
			}
			// A "next" may have been lost with the connection: move on if the
			// game waits for the host.
			var again []byte
			switch h.lastPhase {
			case "reveal", "leaderboard":
				again = []byte(`{"type":"next","id":"n-reconnect"}`)
			case "lobby": // Drive runs after Start: the start was lost
				again = []byte(`{"type":"start","id":"start-reconnect"}`)
			}
			if again != nil {
				if err := write(ctx, h.conn, again); err != nil {
					return h.questions, fmt.Errorf("host: %w", err)
				}
			}
			continue
		}
		h.emit(msg)
		typ := wirescan.Type(msg)
		h.lastType = string(typ)
		switch string(typ) {
		case "question":
			h.questions++
		case "reveal", "leaderboard":
			seq, _ := wirescan.Int(msg, "seq")
			if err := write(ctx, h.conn, fmt.Appendf(nil, `{"type":"next","id":"n%d"}`, seq)); err != nil {
				return h.questions, fmt.Errorf("host: %w", err)
			}
		case "podium", "ended":
			h.conn.Close(websocket.StatusNormalClosure, "done")
			return h.questions, nil
		case "error":
			h.mu.Lock()
			h.errs = append(h.errs, string(msg))
			h.mu.Unlock()
		}
	}
}

// Errors are the error frames the host received.
func (h *Host) Errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errs...)
}
