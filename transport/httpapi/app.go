package httpapi

import (
	"crypto/sha256"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/ws"
	"github.com/quizroom/quizroom/web"
)

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
