package web_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/membanks"
	"github.com/quizroom/quizroom/transport/ws"
)

// startServer runs the real server in-process (Echo app, WebSocket server,
// lobby on the in-memory bus) on 127.0.0.1:0 and returns its base URL.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerWith(t, httpapi.Config{})
}

// startServerWith is startServer with the HTTP app configured by cfg (for
// example a test question bank).
func startServerWith(t *testing.T, cfg httpapi.Config) string {
	t.Helper()
	return startServerOn(t, "127.0.0.1:0", cfg, nil)
}

// startLANServer listens on every interface, as quizroom serve does by
// default, so join links carry the machine's LAN address (phones could
// really reach them). The browsers still use 127.0.0.1.
func startLANServer(t *testing.T) string {
	t.Helper()
	return startServerOn(t, ":0", httpapi.Config{}, nil)
}

// startServerOn runs the server on addr; wrap, when not nil, wraps the
// HTTP app (to slow a route down as a real network would).
func startServerOn(t *testing.T, addr string, cfg httpapi.Config, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if addr == ":0" {
		cfg.LANURL = httpapi.LANBaseURL(ln.Addr())
	}
	if cfg.BankStore == nil {
		cfg.BankStore = membanks.New(membanks.Options{})
	}
	l := lobby.New(membus.New(membus.Options{}), lobby.Config{})
	wss := ws.NewServer(l, ws.Config{})
	var app http.Handler = httpapi.New(l, wss, nil, httpapi.NewMetrics(), cfg)
	if wrap != nil {
		app = wrap(app)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = wss.Shutdown(ctx, 0)
		_ = srv.Shutdown(ctx)
		<-done
		l.Close()
	})
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
}
