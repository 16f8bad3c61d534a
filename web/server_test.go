package web_test

import (
	"context"
	"net"
	"net/http"
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
	if cfg.BankStore == nil {
		cfg.BankStore = membanks.New(membanks.Options{})
	}
	l := lobby.New(membus.New(membus.Options{}), lobby.Config{})
	wss := ws.NewServer(l, ws.Config{})
	app := httpapi.New(l, wss, nil, httpapi.NewMetrics(), cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
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
	return "http://" + ln.Addr().String()
}
