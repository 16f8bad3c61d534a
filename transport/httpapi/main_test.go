package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/membanks"
	"github.com/quizroom/quizroom/transport/ws"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type server struct {
	URL   string
	Lobby *lobby.Lobby
	WS    *ws.Server
	http  *httptest.Server
}

type options struct {
	lobby lobby.Config
	ws    ws.Config
	joins *ws.AddrLimiter
	api   httpapi.Config
	bus   lobby.Bus       // nil: a fresh membus
	log   *zerolog.Logger // nil: none (warnings to the test log with -v)
}

func start(t *testing.T, opts options) *server {
	t.Helper()
	log := zerolog.Nop()
	if testing.Verbose() {
		log = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	}
	if opts.log != nil {
		log = *opts.log
	}
	m := httpapi.NewMetrics()
	opts.lobby.Log, opts.lobby.Observer = log, m
	if opts.bus == nil {
		opts.bus = membus.New(membus.Options{})
	}
	l := lobby.New(opts.bus, opts.lobby)
	opts.ws.Log, opts.ws.Observer = log, m
	if opts.joins == nil {
		opts.joins = ws.NewAddrLimiter(1000, 10000, 1000, 1000)
	}
	opts.ws.Joins = opts.joins
	wss := ws.NewServer(l, opts.ws)
	opts.api.Log = log
	if opts.api.BankStore == nil {
		opts.api.BankStore = membanks.New(membanks.Options{})
	}
	app := httpapi.New(l, wss, opts.joins, m, opts.api)
	hs := httptest.NewServer(app)
	s := &server{URL: hs.URL, Lobby: l, WS: wss, http: hs}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *server) stop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WS.Shutdown(ctx, 0); err != nil {
		t.Errorf("ws shutdown: %v", err)
	}
	s.http.Close()
	s.Lobby.Close()
}

func postJSON(t *testing.T, url string, body any) (*http.Response, map[string]any) {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func getJSON(t *testing.T, url string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}
