package httpapi

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/ws"
)

// CreateRequest is the body of POST /api/games.
type CreateRequest struct {
	Bank            string      `json:"bank"`
	Categories      []string    `json:"categories"`
	Kinds           []game.Kind `json:"kinds"`
	Count           int         `json:"count"`
	Seconds         int         `json:"seconds"`
	Mode            game.Mode   `json:"mode"`
	SpeedWeight     *float64    `json:"speed_weight"`
	ShowLeaderboard *bool       `json:"show_leaderboard"`
	AutoAdvance     bool        `json:"auto_advance"`
	LateJoin        *bool       `json:"late_join"`
	MaxPlayers      int         `json:"max_players"`
	Seed            *int64      `json:"seed"`
	// Questions, when set, are the game's questions as the host edited
	// them (from POST /api/banks/:id/questions); Bank, Count, Categories
	// and Kinds are then not used.
	Questions []game.Question `json:"questions"`
	// Issue 15: team mode and self-paced challenges (transport/httpapi/modes.go).
	Teams      int      `json:"teams"`       // 2 to 10 teams named by colour, or
	TeamNames  []string `json:"team_names"`  // the teams' names (2 to 10)
	TeamAssign string   `json:"team_assign"` // choose (default) or balance
	// ChallengeMinutes makes the game a self-paced challenge open this
	// many minutes (1 to 43,200, 30 days) from now.
	ChallengeMinutes int `json:"challenge_minutes"`
}

// CreateResponse is the 201 body of POST /api/games.
type CreateResponse struct {
	PIN       string `json:"pin"`
	HostToken string `json:"host_token"`
	JoinURL   string `json:"join_url"`
	QR        string `json:"qr"`
	QRURL     string `json:"qr_url"`
	Questions int    `json:"questions"`
	// JoinLocalOnly: join_url is a loopback address phones cannot reach
	// (no --public-url and no LAN address); the host screen says so.
	JoinLocalOnly bool `json:"join_local_only,omitempty"`
}

func (a *App) createGame(c echo.Context) error {
	var req CreateRequest
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxCreateBody)
	dec := jsonDecoder(body)
	// Every field is optional, so is the body: `curl -X POST .../api/games`
	// creates a game with the defaults, as docs/protocol.md says.
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		return invalid("body: %v", err)
	}
	if req.Seconds == 0 {
		req.Seconds = 20
	}
	if req.Seconds < 5 || req.Seconds > 300 {
		return invalid("seconds: 5 to 300")
	}
	switch req.Mode {
	case "":
		req.Mode = game.ModeStandard
	case game.ModeStandard, game.ModeAccuracy, game.ModeSpeedWeight:
	default:
		return invalid("mode: standard, accuracy or speed-weight")
	}
	if req.MaxPlayers < 0 {
		return invalid("max_players: 0 (the server's limit) or more")
	}
	seed := time.Now().UnixNano()
	if req.Seed != nil {
		seed = *req.Seed
	}
	qs, err := a.questionsFor(c.Request().Context(), &req, seed)
	if err != nil {
		return err
	}
	s := game.Settings{
		Mode: req.Mode, SpeedWeight: 1, QuestionTime: time.Duration(req.Seconds) * time.Second,
		ShowLeaderboard: true, AutoAdvance: req.AutoAdvance, LateJoin: true, MaxPlayers: req.MaxPlayers,
	}
	if req.SpeedWeight != nil {
		if *req.SpeedWeight < 0 || *req.SpeedWeight > 1 {
			return invalid("speed_weight: 0 to 1")
		}
		s.SpeedWeight = *req.SpeedWeight
	}
	if req.ShowLeaderboard != nil {
		s.ShowLeaderboard = *req.ShowLeaderboard
	}
	if req.LateJoin != nil {
		s.LateJoin = *req.LateJoin
	}
	if err := modeSettings(&req, &s); err != nil {
		return err
	}
	created, err := a.lobby.CreateGame(c.Request().Context(), lobby.GameSpec{Questions: qs, Settings: s})
	if err != nil {
		return err
	}
	a.metrics.games.Inc()
	join := a.joinURL(c, created.PIN)
	png, err := joinQR(join, 256)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, CreateResponse{
		PIN: created.PIN, HostToken: created.HostToken, JoinURL: join,
		QR:            "data:image/png;base64," + base64.StdEncoding.EncodeToString(png),
		QRURL:         "/api/games/" + created.PIN + "/qr.png",
		Questions:     len(qs),
		JoinLocalOnly: joinLocalOnly(join),
	})
}

func (a *App) baseURL(c echo.Context) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimRight(a.cfg.PublicURL, "/")
	}
	if a.cfg.LANURL != "" && loopbackHost(c.Request().Host) {
		return strings.TrimRight(a.cfg.LANURL, "/")
	}
	scheme := "http"
	if c.Request().TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// joinLocalOnly says whether a join link reaches only this machine, so the
// host screen can say that phones will not get there.
func joinLocalOnly(join string) bool {
	u, err := url.Parse(join)
	return err == nil && loopbackHost(u.Host)
}

func (a *App) joinURL(c echo.Context, pin string) string {
	return a.baseURL(c) + "/join/" + url.PathEscape(pin)
}

// pinParam reads :pin under the per-address limit that makes PIN guessing slow.
func (a *App) pinParam(c echo.Context) (string, error) {
	pin := c.Param("pin")
	if !a.joins.Allow(c.RealIP(), pin) {
		return "", wire.Errorf(wire.CodeJoinRateLimited, "too many attempts from your address; wait a minute and retry")
	}
	if !wire.ValidPIN(pin) {
		a.joins.Miss(c.RealIP())
		return "", wire.Errorf(wire.CodeUnknownGame, "no game with PIN %q", pin)
	}
	return pin, nil
}

// lookedUp records what a request found at pin for the address limit and
// returns err.
func (a *App) lookedUp(c echo.Context, pin string, err error) error {
	ws.RecordLookup(a.joins, c.RealIP(), pin, err)
	return err
}

func (a *App) gameInfo(c echo.Context) error {
	pin, err := a.pinParam(c)
	if err != nil {
		return err
	}
	info, err := a.lobby.Info(c.Request().Context(), pin)
	if err := a.lookedUp(c, pin, err); err != nil {
		return err
	}
	join := a.joinURL(c, pin)
	return c.JSON(http.StatusOK, gameInfoJSON{GameInfo: info, JoinURL: join, JoinLocalOnly: joinLocalOnly(join)})
}

// gameInfoJSON is the body of GET /api/games/:pin: the big screen takes its
// join link from it.
type gameInfoJSON struct {
	lobby.GameInfo
	JoinURL       string `json:"join_url"`
	JoinLocalOnly bool   `json:"join_local_only,omitempty"`
}

func (a *App) qr(c echo.Context) error {
	pin, err := a.pinParam(c)
	if err != nil {
		return err
	}
	if _, err := a.lobby.Info(c.Request().Context(), pin); a.lookedUp(c, pin, err) != nil {
		return err
	}
	png, err := joinQR(a.joinURL(c, pin), 512)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=3600")
	return c.Blob(http.StatusOK, "image/png", png)
}

// joinQR is the join link's QR code as a PNG of size pixels. It has no
// quiet zone of its own: the pages draw it on white, and the modules get the
// whole size, which a phone at the back of a room needs.
func joinQR(link string, size int) ([]byte, error) {
	return encodeQR(&qrEncoder, link, size)
}

// qrEncoder encodes every join QR. qrcode's own PNG builds a fresh encoder at
// BestCompression per call, whose flate writer (~850 KB a call) made game
// creation push a GC into running games; the pool keeps that writer across
// calls. BestSpeed saves 10-30% of a call's CPU over BestCompression, and a
// two-colour QR stays small anyway: 624 bytes at 256 px, 1.3 KB at 512
// (BenchmarkJoinQR).
var qrEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

func encodeQR(enc *png.Encoder, link string, size int) ([]byte, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	var b bytes.Buffer
	if err := enc.Encode(&b, q.Image(size)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// pngBuffers lets concurrent game creations share png encoders' buffers
// (each holds its flate writer) without holding any while idle longer than
// the GC allows.
type pngBuffers struct{ pool sync.Pool }

func (p *pngBuffers) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBuffers) Put(b *png.EncoderBuffer) { p.pool.Put(b) }
