package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/ws"
	"github.com/quizroom/quizroom/web"
)

// CSP is the Content-Security-Policy of every response: no inline script.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Config is what the App needs beyond the lobby.
type Config struct {
	// PublicURL is the base of join links and QR codes (e.g. https://quiz.example.com).
	// Empty: derived from each request's Host, except that a loopback Host
	// (the host opened http://localhost:8080/host) is replaced by LANURL.
	PublicURL string
	// LANURL is the base of join links for requests made to a loopback
	// address, e.g. http://192.168.1.20:8080 (see LANBaseURL). Empty: such
	// links stay on loopback and say so (join_local_only).
	LANURL string
	// Banks by name; "default" is the embedded bank when nil.
	Banks map[string]*bank.Bank
	// MaxQuestions bounds count in POST /api/games (default 100).
	MaxQuestions int
	// TrustProxy reads the client address from X-Forwarded-For / X-Real-IP.
	TrustProxy bool
	Log        zerolog.Logger

	// BankStore keeps uploaded banks; nil refuses uploads.
	BankStore BankStore
	// MaxBankBytes bounds an uploaded bank or notes (default and at most 2 MiB).
	MaxBankBytes int
	// BankRate is bank uploads and question previews per minute per client
	// address (default 30).
	BankRate float64
	// HostKey, when set, is needed to create games, upload or read banks
	// and read results (header X-Host-Key).
	HostKey string
}

// App is the HTTP handler of one server.
type App struct {
	cfg     Config
	lobby   *lobby.Lobby
	ws      *ws.Server
	joins   *ws.AddrLimiter
	metrics *Metrics
	echo    *echo.Echo
	log     zerolog.Logger

	hostKeyHash    []byte // sha256 of Config.HostKey; nil without one
	bankLimiter    *ws.AddrLimiter
	parsed         parsedBanks
	serverBankInfo map[string]bankInfo

	etags sync.Map // static path -> etag
}

// New builds the App.
func New(l *lobby.Lobby, wss *ws.Server, joins *ws.AddrLimiter, m *Metrics, cfg Config) *App {
	if cfg.Banks == nil {
		cfg.Banks = map[string]*bank.Bank{"default": bank.Default()}
	}
	if cfg.MaxQuestions <= 0 {
		cfg.MaxQuestions = 100
	}
	if cfg.MaxBankBytes <= 0 || cfg.MaxBankBytes > bank.MaxInputSize {
		cfg.MaxBankBytes = DefaultMaxBankBytes
	}
	if cfg.BankRate <= 0 {
		cfg.BankRate = DefaultBankRate
	}
	a := &App{cfg: cfg, lobby: l, ws: wss, joins: joins, metrics: m, log: cfg.Log,
		bankLimiter:    ws.NewAddrLimiter(cfg.BankRate/60, max(1, int(cfg.BankRate)), 1e9, 1e9),
		serverBankInfo: map[string]bankInfo{}}
	if cfg.HostKey != "" {
		sum := sha256.Sum256([]byte(cfg.HostKey))
		a.hostKeyHash = sum[:]
	}
	for name, b := range cfg.Banks {
		a.serverBankInfo[name] = infoOf(name, b)
	}
	m.track(l)
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = a.errorHandler
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Use(a.requestContext, a.securityHeaders)

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})))
	e.GET("/ws", a.websocket)

	api := e.Group("/api")
	api.POST("/games", a.createGame, a.hostKeyRequired)
	api.GET("/banks", a.banks)
	api.POST("/banks", a.uploadBank, a.hostKeyRequired)
	api.GET("/banks/:id", a.getBank, a.hostKeyRequired)
	api.POST("/banks/:id/questions", a.bankQuestions, a.hostKeyRequired)
	api.POST("/banks/:id/export", a.exportBank, a.hostKeyRequired)
	api.GET("/games/:pin", a.gameInfo)
	api.GET("/games/:pin/qr.png", a.qr)
	api.GET("/games/:pin/results.json", a.resultsJSON, a.hostKeyRequired)
	api.GET("/games/:pin/results.csv", a.resultsCSV, a.hostKeyRequired)

	e.GET("/static/*", a.static)
	e.HEAD("/static/*", a.static)
	for route, file := range web.Pages {
		e.GET(route, a.page(file))
		e.HEAD(route, a.page(file))
	}
	a.echo = e
	return a
}

// ServeHTTP implements http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.echo.ServeHTTP(w, r) }

// ---- middleware ----

func (a *App) requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			id = uuid.NewString()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		log := a.log.With().Str("request_id", id).Logger()
		c.Set("log", log)
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		if req.URL.Path != "/healthz" && req.URL.Path != "/metrics" {
			log.Debug().Str("method", req.Method).Str("path", req.URL.Path).Int("status", c.Response().Status).
				Dur("took", time.Since(start)).Str("ip", c.RealIP()).Msg("request")
		}
		return nil
	}
}

func logOf(c echo.Context) zerolog.Logger {
	if l, ok := c.Get("log").(zerolog.Logger); ok {
		return l
	}
	return zerolog.Nop()
}

func (a *App) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		return next(c)
	}
}

// ---- errors ----

type errorBody struct {
	Error struct {
		Code     wire.Code      `json:"code"`
		Message  string         `json:"message"`
		Problems []bank.Problem `json:"problems,omitempty"`
	} `json:"error"`
}

func statusOf(code wire.Code) int {
	switch code {
	case wire.CodeUnknownGame, wire.CodeNotFound, wire.CodeUnknownBank:
		return http.StatusNotFound
	case wire.CodeBadHostToken, wire.CodeBadHostKey:
		return http.StatusForbidden
	case wire.CodeHostKeyRequired:
		return http.StatusUnauthorized
	case wire.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case wire.CodeJoinRateLimited, wire.CodeRateLimited:
		return http.StatusTooManyRequests
	case wire.CodeTooManyGames, wire.CodeUnavailable:
		return http.StatusServiceUnavailable
	case wire.CodeResultsNotReady:
		return http.StatusConflict
	case wire.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case wire.CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func (a *App) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var body errorBody
	status := 0
	var he *echo.HTTPError
	var werr *wire.Error
	var perr *problemsError
	switch {
	case errors.As(err, &perr):
		body.Error.Code, body.Error.Message, body.Error.Problems = perr.err.Code, perr.err.Message, perr.problems
		status = statusOf(perr.err.Code)
	case errors.As(err, &werr):
		body.Error.Code, body.Error.Message = werr.Code, werr.Message
		status = statusOf(werr.Code)
		if werr.Cause != nil {
			// The client gets the code's fixed message; the cause is logged.
			// A probe polled every few seconds through an outage logs at
			// debug: the outage itself is logged by what it breaks.
			log := logOf(c)
			ev := log.Warn()
			if c.Path() == "/readyz" {
				ev = log.Debug()
			}
			ev.Err(werr.Cause).Str("code", string(werr.Code)).Str("path", c.Request().URL.Path).Msg("request refused")
		}
	case errors.As(err, &he):
		status = he.Code
		body.Error.Message = fmt.Sprint(he.Message)
		switch he.Code {
		case http.StatusNotFound:
			body.Error.Code = wire.CodeNotFound
		case http.StatusMethodNotAllowed:
			body.Error.Code = wire.CodeMethodNotAllowed
		case http.StatusRequestEntityTooLarge, http.StatusBadRequest, http.StatusUnsupportedMediaType:
			body.Error.Code = wire.CodeInvalidRequest
		default:
			body.Error.Code = wire.CodeInternal
		}
	default:
		log := logOf(c)
		log.Error().Err(err).Msg("internal error")
		status = http.StatusInternalServerError
		body.Error.Code, body.Error.Message = wire.CodeInternal, wire.InternalMessage
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}

func invalid(format string, args ...any) error {
	return wire.Errorf(wire.CodeInvalidRequest, format, args...)
}

// ---- health ----

func (a *App) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := a.lobby.Ready(ctx); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// ---- websocket ----

func (a *App) websocket(c echo.Context) error {
	a.ws.ServeHTTP(c.Response(), c.Request(), c.RealIP(), logOf(c))
	return nil
}

// ---- games ----

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
	if err := dec.Decode(&req); err != nil {
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
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	return q.PNG(size)
}

func hostToken(c echo.Context) string {
	if h := c.Request().Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	return c.QueryParam("host_token")
}

func (a *App) results(c echo.Context) (game.Results, error) {
	pin, err := a.pinParam(c)
	if err != nil {
		return game.Results{}, err
	}
	if hostToken(c) == "" {
		return game.Results{}, wire.Errorf(wire.CodeBadHostToken, "results need the host token (Authorization: Bearer <host_token> or ?host_token=)")
	}
	res, err := a.lobby.Results(c.Request().Context(), pin, hostToken(c))
	if err := a.lookedUp(c, pin, err); err != nil {
		return res, err
	}
	return res, nil
}

// ResultsJSON is the body of results.json.
type ResultsJSON struct {
	PIN       string           `json:"pin"`
	Phase     string           `json:"phase"`
	EndReason string           `json:"end_reason,omitempty"`
	Questions []QuestionResult `json:"questions"`
	Players   []PlayerResult   `json:"players"`
}

// QuestionResult is one question in results.json.
type QuestionResult struct {
	Q            int     `json:"q"`
	Kind         string  `json:"kind"`
	Prompt       string  `json:"prompt"`
	Term         string  `json:"term,omitempty"`
	Skipped      bool    `json:"skipped"`
	Answered     int     `json:"answered"`
	CorrectCount int     `json:"correct_count"`
	Players      int     `json:"players"`
	Accuracy     float64 `json:"accuracy"`
	Distribution []int   `json:"distribution,omitempty"`
}

// PlayerResult is one player in results.json.
type PlayerResult struct {
	Rank       int            `json:"rank"`
	PlayerID   string         `json:"player_id"`
	Nickname   string         `json:"nickname"`
	Score      int            `json:"score"`
	Correct    int            `json:"correct"`
	ResponseMs int64          `json:"response_ms"`
	Left       bool           `json:"left"`
	Answers    []AnswerResult `json:"answers"`
}

// AnswerResult is one answer in results.json.
type AnswerResult struct {
	Q           int    `json:"q"`
	Answered    bool   `json:"answered"`
	Choices     []int  `json:"choices,omitempty"`
	Text        string `json:"text,omitempty"`
	Correct     bool   `json:"correct"`
	Points      int    `json:"points"`
	StreakBonus int    `json:"streak_bonus"`
	ResponseMs  int64  `json:"response_ms"`
}

func resultsBody(pin string, res game.Results) ResultsJSON {
	out := ResultsJSON{PIN: pin, Phase: string(res.Phase), EndReason: res.EndReason, Questions: []QuestionResult{}, Players: []PlayerResult{}}
	for _, q := range res.Questions {
		if !q.Opened {
			continue
		}
		out.Questions = append(out.Questions, QuestionResult{Q: q.Index, Kind: string(q.Question.Kind), Prompt: q.Question.Prompt,
			Term: q.Question.Term, Skipped: q.Skipped, Answered: q.Answered, CorrectCount: q.CorrectCount, Players: q.Players,
			Accuracy: q.Accuracy, Distribution: q.Distribution})
	}
	for _, p := range res.Players {
		pr := PlayerResult{Rank: p.Rank, PlayerID: string(p.Player), Nickname: p.Nickname, Score: p.Score, Correct: p.Correct,
			ResponseMs: p.ResponseMs, Left: p.Left, Answers: []AnswerResult{}}
		for _, a := range p.Answers {
			pr.Answers = append(pr.Answers, AnswerResult{Q: a.Index, Answered: a.Answered, Choices: a.Choices, Text: a.Text,
				Correct: a.Correct, Points: a.Points, StreakBonus: a.StreakBonus, ResponseMs: a.ResponseTime.Milliseconds()})
		}
		out.Players = append(out.Players, pr)
	}
	return out
}

func (a *App) resultsJSON(c echo.Context) error {
	res, err := a.results(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, resultsBody(c.Param("pin"), res))
}

// csvSafe stops spreadsheet formula injection from nicknames.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (a *App) resultsCSV(c echo.Context) error {
	res, err := a.results(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"rank", "player_id", "nickname", "score", "correct", "response_ms", "left"})
	for _, p := range res.Players {
		_ = w.Write([]string{strconv.Itoa(p.Rank), string(p.Player), csvSafe(p.Nickname), strconv.Itoa(p.Score),
			strconv.Itoa(p.Correct), strconv.FormatInt(p.ResponseMs, 10), strconv.FormatBool(p.Left)})
	}
	w.Flush()
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="quizroom-%s-results.csv"`, c.Param("pin")))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// ---- web ----

func (a *App) etag(name string, data []byte) string {
	if v, ok := a.etags.Load(name); ok {
		return v.(string)
	}
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	a.etags.Store(name, tag)
	return tag
}

func (a *App) serveFile(c echo.Context, name, cacheControl string) error {
	data, err := fs.ReadFile(web.FS(), name)
	if err != nil {
		return wire.Errorf(wire.CodeNotFound, "no such file")
	}
	tag := a.etag(name, data)
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", cacheControl)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType(name), data)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json":
		return "application/json"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

func (a *App) static(c echo.Context) error {
	name := path.Clean("/" + c.Param("*"))[1:]
	if name == "" || strings.HasPrefix(name, ".") {
		return wire.Errorf(wire.CodeNotFound, "no such file")
	}
	// Revalidate every time: files change with the binary, and an ETag
	// answer costs no body.
	return a.serveFile(c, name, "no-cache")
}

func (a *App) page(file string) echo.HandlerFunc {
	return func(c echo.Context) error { return a.serveFile(c, file, "no-cache") }
}
