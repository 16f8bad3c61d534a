package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/cmd/internal/gcdefaults"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/ws"
)

// newBus chooses the Bus: in memory unless REDIS_URL is set.
func newBus(ctx context.Context, cfg serveConfig, log zerolog.Logger) (lobby.Bus, io.Closer, error) {
	if cfg.RedisURL == "" {
		return membus.New(membus.Options{}), io.NopCloser(nil), nil
	}
	return openRedisBus(ctx, cfg.RedisURL, cfg.AckReplicas, log)
}

// serveConfig is every setting of quizroom serve.
type serveConfig struct {
	Addr           string
	PublicURL      string
	RedisURL       string
	AckReplicas    int
	Instance       string
	LogLevel       string
	LogFormat      string
	MaxGames       int
	MaxPlayers     int
	MaxQuestions   int
	Drain          time.Duration
	RoomIdle       time.Duration
	Retention      time.Duration
	MessageRate    float64
	JoinRate       float64
	JoinMisses     float64
	QueueFrames    int
	WriteTimeout   time.Duration
	IdleTimeout    time.Duration
	TrustProxy     bool
	Origins        string
	AnswerGraceMs  int
	ReconnectAfter time.Duration
	BanksDir       string
	HostKey        string
	BankSize       int
	MaxBanks       int
	BankRetention  time.Duration
	BankRate       float64
	PprofAddr      string
}

// setting is one flag with its environment fallback.
type setting struct {
	flag, env, def, help string
}

var settings = []setting{
	{"addr", "QUIZROOM_ADDR", ":8080", "address to listen on (host:port; port 0 picks one)"},
	{"public-url", "QUIZROOM_PUBLIC_URL", "", "base URL of join links and QR codes, e.g. https://quiz.example.com (empty: this machine's LAN address)"},
	{"redis-url", "REDIS_URL", "", "Redis URL shared by several instances (empty: state in memory, one instance)"},
	{"redis-ack-replicas", "QUIZROOM_REDIS_ACK_REPLICAS", "0", "with Redis replicas: acknowledge an answer only once this many replicas have it (WAIT, 500ms bound, else unavailable and the client retries); 0: off"},
	{"instance", "QUIZROOM_INSTANCE", "", "name of this instance on the bus (empty: host name plus a random suffix)"},
	{"log-level", "QUIZROOM_LOG_LEVEL", "info", "log level: debug, info, warn, error"},
	{"log-format", "QUIZROOM_LOG_FORMAT", "auto", "log format: json, console, or auto (console on a terminal, else json)"},
	{"max-games", "QUIZROOM_MAX_GAMES", "1000", "games this instance runs at most"},
	{"max-players", "QUIZROOM_MAX_PLAYERS", "5000", "players per game at most"},
	{"max-questions", "QUIZROOM_MAX_QUESTIONS", "100", "questions per game at most"},
	{"drain", "QUIZROOM_DRAIN", "10s", "on SIGINT/SIGTERM, how long connections get to close before they are cut"},
	{"room-idle", "QUIZROOM_ROOM_IDLE", "2h", "a game with no input for this long ends"},
	{"retention", "QUIZROOM_RETENTION", "24h", "how long an ended game's results stay readable"},
	{"message-rate", "QUIZROOM_MESSAGE_RATE", "10", "messages per second one connection may send (burst 3x)"},
	{"join-rate", "QUIZROOM_JOIN_RATE", "200", "join/resume/host/display attempts per second per client address (burst 10x)"},
	{"join-misses", "QUIZROOM_JOIN_MISSES", "10", "attempts at unknown PINs per minute per client address (burst 10)"},
	{"queue", "QUIZROOM_QUEUE", "256", "outgoing messages queued per connection before it is closed as a slow consumer"},
	{"write-timeout", "QUIZROOM_WRITE_TIMEOUT", "5s", "deadline of every WebSocket write"},
	{"idle-timeout", "QUIZROOM_IDLE_TIMEOUT", "30s", "a connection that answers no ping for this long is closed"},
	{"trust-proxy", "QUIZROOM_TRUST_PROXY", "false", "take the client address from X-Forwarded-For (behind a load balancer)"},
	{"origins", "QUIZROOM_ORIGINS", "", "comma-separated extra origins (host patterns) allowed to open WebSockets"},
	{"answer-grace", "QUIZROOM_ANSWER_GRACE_MS", "500", "milliseconds after a deadline an answer in flight still counts (0-5000)"},
	{"reconnect-after", "QUIZROOM_RECONNECT_AFTER", "500ms", "on shutdown, how long clients are told to wait before reconnecting"},
	{"banks", "QUIZROOM_BANKS", "", "folder of banks to offer besides the default: every .json bank and every .md/.txt/.tsv notes file, named after the file; a broken file stops the server"},
	{"host-key", "QUIZROOM_HOST_KEY", "", "when set, creating games, uploading banks and reading results need this key (players never do); the host page asks for it once"},
	{"bank-size", "QUIZROOM_BANK_SIZE", "2097152", "largest uploaded bank or notes, in bytes (at most 2097152, 2 MiB)"},
	{"max-banks", "QUIZROOM_MAX_BANKS", "100", "uploaded banks kept (with Redis: by all instances together); one more evicts the least recently used"},
	{"bank-retention", "QUIZROOM_BANK_RETENTION", "24h", "an uploaded bank unused (not uploaded, read or played) for this long is deleted"},
	{"bank-rate", "QUIZROOM_BANK_RATE", "30", "bank uploads and question previews per minute per client address"},
	{"pprof-addr", "QUIZROOM_PPROF_ADDR", "", "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (empty: off; keep it on loopback, profiles reveal internals)"},
}

func serveUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: quizroom [serve] [flags]\n\nRuns the Quizroom server. Every flag falls back to an environment variable.\n\n")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  --%-16s %-26s default %s\n      %s\n", s.flag, "($"+s.env+")", def, s.help)
	}
}

func parseServe(args []string, getenv func(string) string, stdout io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := map[string]*string{}
	for _, s := range settings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		values[s.flag] = fs.String(s.flag, v, s.help)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			serveUsage(stdout)
			return serveConfig{}, flag.ErrHelp
		}
		return serveConfig{}, usagef("serve: %v (see quizroom serve --help)", err)
	}
	if fs.NArg() > 0 {
		return serveConfig{}, usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	p := settingParser{values: values}
	cfg := serveConfig{
		Addr:           p.str("addr"),
		PublicURL:      p.str("public-url"),
		RedisURL:       p.str("redis-url"),
		AckReplicas:    p.intIn("redis-ack-replicas", 0, 16),
		Instance:       p.str("instance"),
		LogLevel:       p.oneOf("log-level", "debug", "info", "warn", "error"),
		LogFormat:      p.oneOf("log-format", "auto", "json", "console"),
		MaxGames:       p.intIn("max-games", 1, 1_000_000),
		MaxPlayers:     p.intIn("max-players", 1, 1_000_000),
		MaxQuestions:   p.intIn("max-questions", 1, 1000),
		Drain:          p.duration("drain", 0, time.Hour),
		RoomIdle:       p.duration("room-idle", time.Minute, 30*24*time.Hour),
		Retention:      p.duration("retention", time.Minute, 365*24*time.Hour),
		MessageRate:    p.float("message-rate", 1, 1000),
		JoinRate:       p.float("join-rate", 0.1, 100000),
		JoinMisses:     p.float("join-misses", 1, 100000),
		QueueFrames:    p.intIn("queue", 8, 100000),
		WriteTimeout:   p.duration("write-timeout", 100*time.Millisecond, time.Minute),
		IdleTimeout:    p.duration("idle-timeout", time.Second, time.Hour),
		TrustProxy:     p.boolean("trust-proxy"),
		Origins:        p.str("origins"),
		AnswerGraceMs:  p.intIn("answer-grace", 0, 5000),
		ReconnectAfter: p.duration("reconnect-after", 0, time.Minute),
		BanksDir:       p.str("banks"),
		HostKey:        *values["host-key"],
		BankSize:       p.intIn("bank-size", 1024, 2<<20),
		MaxBanks:       p.intIn("max-banks", 1, 100_000),
		BankRetention:  p.duration("bank-retention", time.Minute, 365*24*time.Hour),
		BankRate:       p.float("bank-rate", 1, 100_000),
		PprofAddr:      p.str("pprof-addr"),
	}
	if cfg.HostKey != "" && len(cfg.HostKey) < 8 && p.err == nil {
		p.err = usagef("--host-key ($QUIZROOM_HOST_KEY): at least 8 characters, so it cannot be guessed")
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil && p.err == nil {
		p.err = usagef("--addr ($QUIZROOM_ADDR): %q is not host:port", cfg.Addr)
	}
	if cfg.PprofAddr != "" && p.err == nil {
		if _, _, err := net.SplitHostPort(cfg.PprofAddr); err != nil {
			p.err = usagef("--pprof-addr ($QUIZROOM_PPROF_ADDR): %q is not host:port", cfg.PprofAddr)
		}
	}
	if cfg.PublicURL != "" && p.err == nil {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.err = usagef("--public-url ($QUIZROOM_PUBLIC_URL): %q is not an http(s) URL", cfg.PublicURL)
		}
	}
	if cfg.RedisURL != "" && p.err == nil {
		u, err := url.Parse(cfg.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			p.err = usagef("--redis-url ($REDIS_URL): %q is not a redis:// URL", cfg.RedisURL)
		}
	}
	return cfg, p.err
}

// settingParser converts settings, keeping the first error, which names
// the setting.
type settingParser struct {
	values map[string]*string
	err    error
}

func (p *settingParser) name(flag string) string {
	for _, s := range settings {
		if s.flag == flag {
			return "--" + flag + " ($" + s.env + ")"
		}
	}
	return "--" + flag
}

func (p *settingParser) fail(flag, format string, args ...any) {
	if p.err == nil {
		p.err = usagef("%s: %s", p.name(flag), fmt.Sprintf(format, args...))
	}
}

func (p *settingParser) str(flag string) string { return strings.TrimSpace(*p.values[flag]) }

func (p *settingParser) oneOf(flag string, allowed ...string) string {
	v := strings.ToLower(p.str(flag))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	p.fail(flag, "%q is not one of %s", v, strings.Join(allowed, ", "))
	return allowed[0]
}

func (p *settingParser) intIn(flag string, lo, hi int) int {
	v, err := strconv.Atoi(p.str(flag))
	if err != nil || v < lo || v > hi {
		p.fail(flag, "%q is not a whole number from %d to %d", p.str(flag), lo, hi)
	}
	return v
}

func (p *settingParser) float(flag string, lo, hi float64) float64 {
	v, err := strconv.ParseFloat(p.str(flag), 64)
	if err != nil || v < lo || v > hi {
		p.fail(flag, "%q is not a number from %g to %g", p.str(flag), lo, hi)
	}
	return v
}

func (p *settingParser) duration(flag string, lo, hi time.Duration) time.Duration {
	v, err := time.ParseDuration(p.str(flag))
	if err != nil || v < lo || v > hi {
		p.fail(flag, "%q is not a duration from %v to %v (like 10s, 2m, 1h)", p.str(flag), lo, hi)
	}
	return v
}

func (p *settingParser) boolean(flag string) bool {
	v, err := strconv.ParseBool(p.str(flag))
	if err != nil {
		p.fail(flag, "%q is not true or false", p.str(flag))
	}
	return v
}

func newLogger(cfg serveConfig, stderr io.Writer) zerolog.Logger {
	level, _ := zerolog.ParseLevel(cfg.LogLevel)
	var w io.Writer = stderr
	console := cfg.LogFormat == "console"
	if cfg.LogFormat == "auto" {
		if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			console = true
		}
	}
	if console {
		w = zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// runServe runs the server until ctx ends, then shuts down within the drain
// time. It prints "listening on <addr>" on stdout once it accepts connections,
// then "players join at <url>" (with a warning when phones cannot reach it).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	if cfg.Instance == "" {
		host, _ := os.Hostname()
		cfg.Instance = fmt.Sprintf("%s-%d", host, time.Now().UnixNano()%1_000_000)
	}
	log = log.With().Str("instance", cfg.Instance).Logger()
	gc := gcdefaults.Apply(getenv)
	log.Info().Int("gogc", gc.Percent).Int64("memory_limit_mib", gc.MemoryLimit>>20).Bool("from_env", gc.FromEnv).Msg("garbage collector")

	banks, err := loadBankDir(cfg.BanksDir, log)
	if err != nil {
		return err
	}
	bus, busCloser, err := newBus(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer busCloser.Close()
	bankStore, bankStoreCloser, err := newBankStore(cfg)
	if err != nil {
		return err
	}
	defer bankStoreCloser.Close()

	metrics := httpapi.NewMetrics()
	lob := lobby.New(bus, lobby.Config{
		Instance:    cfg.Instance,
		MaxGames:    cfg.MaxGames,
		MaxPlayers:  cfg.MaxPlayers,
		IdleTimeout: cfg.RoomIdle,
		Retention:   cfg.Retention,
		AnswerGrace: time.Duration(cfg.AnswerGraceMs) * time.Millisecond,
		LeaseTTL:    leaseTTL(cfg.RedisURL),
		ConfirmAcks: cfg.RedisURL != "" && cfg.AckReplicas > 0,
		Log:         log,
		Observer:    metrics,
	})
	defer watchOwners(lob, cfg.RedisURL)()
	joins := ws.NewAddrLimiter(cfg.JoinRate, int(cfg.JoinRate*10)+1, cfg.JoinMisses, 10)
	var origins []string
	for _, o := range strings.Split(cfg.Origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	wss := ws.NewServer(lob, ws.Config{
		QueueFrames:       cfg.QueueFrames,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MessagesPerSecond: cfg.MessageRate,
		Burst:             int(cfg.MessageRate * 3),
		OriginPatterns:    origins,
		Joins:             joins,
		Log:               log,
		Observer:          metrics,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		lob.Close()
		return fmt.Errorf("--addr ($QUIZROOM_ADDR): %w", err)
	}
	lanURL := ""
	if cfg.PublicURL == "" {
		lanURL = httpapi.LANBaseURL(ln.Addr())
	}
	app := httpapi.New(lob, wss, joins, metrics, httpapi.Config{
		PublicURL:    cfg.PublicURL,
		LANURL:       lanURL,
		MaxQuestions: cfg.MaxQuestions,
		TrustProxy:   cfg.TrustProxy,
		Log:          log,
		Banks:        banks,
		BankStore:    bankStore,
		MaxBankBytes: cfg.BankSize,
		BankRate:     cfg.BankRate,
		HostKey:      cfg.HostKey,
	})
	_, stopPprof, err := startPprof(cfg.PprofAddr, log)
	if err != nil {
		ln.Close()
		lob.Close()
		return err
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Str("bus", busName(cfg.RedisURL)).Int("banks", len(banks)).
		Bool("host_key", cfg.HostKey != "").Msg("listening")
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	fmt.Fprintln(stdout, joinLine(cfg.PublicURL, lanURL, ln.Addr()))

	select {
	case <-ctx.Done():
	case err := <-served:
		stopPprof(context.Background())
		lob.Close()
		return fmt.Errorf("serve: %w", err)
	}

	log.Info().Dur("drain", cfg.Drain).Msg("shutting down")
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.Drain)
	defer cancel()
	// The HTTP server keeps answering while the instance drains, so that
	// /readyz says 503 (the balancer stops routing here) rather than the
	// listener vanishing; new games and WebSockets are refused. Every
	// WebSocket is told to reconnect and closed, the rooms are handed over
	// (final snapshot, lease released), and only then does the listener
	// close.
	lob.Drain()
	if err := wss.Shutdown(drainCtx, cfg.ReconnectAfter); err != nil {
		log.Warn().Err(err).Msg("drain")
	}
	lob.Close()
	if err := srv.Shutdown(drainCtx); err != nil {
		log.Warn().Err(err).Msg("http shutdown")
		srv.Close()
	}
	<-served
	stopPprof(drainCtx)
	log.Info().Msg("stopped")
	return nil
}

// joinLine tells whoever starts the server where players go, and when
// phones cannot get there, what to do about it.
func joinLine(publicURL, lanURL string, listen net.Addr) string {
	switch {
	case publicURL != "" && httpapi.LocalOnly(publicURL):
		return "players join at " + strings.TrimRight(publicURL, "/") + " (this machine only: phones cannot reach it; " +
			"set --public-url to the address phones use, e.g. http://192.168.1.20:8080)"
	case publicURL != "":
		return "players join at " + strings.TrimRight(publicURL, "/")
	case lanURL != "":
		return "players join at " + lanURL
	}
	port := "8080"
	if tcp, ok := listen.(*net.TCPAddr); ok {
		port = strconv.Itoa(tcp.Port)
	}
	return "players join at http://localhost:" + port + " (this machine only: phones cannot reach it; " +
		"listen on a network address with --addr :" + port + ", or set --public-url to the address phones use)"
}

func busName(redisURL string) string {
	if redisURL == "" {
		return "memory"
	}
	return "redis"
}
