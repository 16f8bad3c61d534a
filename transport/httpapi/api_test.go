package httpapi_test

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
)

func TestCreateGameValidation(t *testing.T) {
	s := start(t, options{})
	cases := []struct {
		body   string
		status int
		code   wire.Code
	}{
		{`{"count":0}`, 201, ""},
		{``, 201, ""}, // no body at all: every setting takes its default, as documented
		{"  \n", 201, ""},
		{`not json`, 400, wire.CodeInvalidRequest},
		{`{"count":"ten"}`, 400, wire.CodeInvalidRequest},
		{`{"colour":"red"}`, 400, wire.CodeInvalidRequest},
		{`{"count":1000}`, 400, wire.CodeInvalidRequest},
		{`{"seconds":2}`, 400, wire.CodeInvalidRequest},
		{`{"mode":"chaos"}`, 400, wire.CodeInvalidRequest},
		{`{"bank":"nope"}`, 404, wire.CodeUnknownBank},
		{`{"categories":["No such category"]}`, 400, wire.CodeInvalidRequest},
		{`{"kinds":["essay"]}`, 400, wire.CodeInvalidRequest},
		{`{"count":100}`, 400, wire.CodeNotEnoughItems},
	}
	for _, tc := range cases {
		resp, err := http.Post(s.URL+"/api/games", "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.code != "" && !bytes.Contains(body, []byte(`"code":"`+string(tc.code)+`"`))) {
			t.Errorf("%s: %d %s, want %d %s", tc.body, resp.StatusCode, body, tc.status, tc.code)
		}
		if resp.Header.Get("Content-Security-Policy") != httpapi.CSP {
			t.Errorf("%s: no CSP", tc.body)
		}
	}
}

func TestGameInfoQRAndResultsNeedTheToken(t *testing.T) {
	s := start(t, options{})
	resp, created := postJSON(t, s.URL+"/api/games", map[string]any{"count": 3})
	if resp.StatusCode != 201 {
		t.Fatalf("create %d", resp.StatusCode)
	}
	pin, token := created["pin"].(string), created["host_token"].(string)

	resp, info := getJSON(t, s.URL+"/api/games/"+pin)
	if resp.StatusCode != 200 || info["phase"] != "lobby" || info["joinable"] != true {
		t.Fatalf("info %d %v", resp.StatusCode, info)
	}
	if resp, body := getJSON(t, s.URL+"/api/games/999999"); resp.StatusCode != 404 || errorCode(body) != "unknown_game" {
		t.Fatalf("unknown game: %d %v", resp.StatusCode, body)
	}
	qr, err := http.Get(s.URL + "/api/games/" + pin + "/qr.png")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(qr.Body); err != nil || qr.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %v", err)
	}
	qr.Body.Close()

	for _, tok := range []string{"", "h_wrong"} {
		resp, body := getJSON(t, s.URL+"/api/games/"+pin+"/results.json?host_token="+tok)
		if resp.StatusCode != 403 || errorCode(body) != "bad_host_token" {
			t.Fatalf("results with %q: %d %v", tok, resp.StatusCode, body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/games/"+pin+"/results.csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.HasPrefix(string(csv), "rank,player_id,nickname,score") {
		t.Fatalf("results.csv %d %q", r.StatusCode, csv)
	}
}

func TestResultsCSVDefusesFormulas(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "=HYPERLINK(1)")
	// Results of a running game come from its actor, live.
	g.host.Send(map[string]any{"type": "start"})
	p.Wait(wire.TypeQuestion)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/games/"+g.pin+"/results.csv?host_token="+g.token, nil)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(body), ",'=HYPERLINK(1),") {
		t.Fatalf("csv %q", body)
	}
}

func TestStaticFilesHaveETagsAndPagesAreServed(t *testing.T) {
	s := start(t, options{})
	resp, err := http.Get(s.URL + "/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	tag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || tag == "" || resp.Header.Get("Cache-Control") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("app.css: %d %v", resp.StatusCode, resp.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/static/app.css", nil)
	req.Header.Set("If-None-Match", tag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", resp.StatusCode)
	}
	for _, path := range []string{"/", "/host", "/play", "/join/123456", "/display/123456"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
	for _, path := range []string{"/static/../go.mod", "/static/nope.js", "/nowhere"} {
		resp, body := getJSON(t, s.URL+path)
		if resp.StatusCode != 404 || errorCode(body) != "not_found" {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, body)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	s := start(t, options{})
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	s.Lobby.Close()
	if resp, body := getJSON(t, s.URL+"/readyz"); resp.StatusCode != 503 || errorCode(body) != "unavailable" {
		t.Fatalf("readyz while closing: %d %v", resp.StatusCode, body)
	}
	if resp, body := postJSON(t, s.URL+"/api/games", map[string]any{}); resp.StatusCode != 503 {
		t.Fatalf("create while closing: %d %v", resp.StatusCode, body)
	}
}

func TestMaxGamesPerInstance(t *testing.T) {
	s := start(t, options{lobby: lobby.Config{MaxGames: 1}})
	if resp, body := postJSON(t, s.URL+"/api/games", map[string]any{}); resp.StatusCode != 201 {
		t.Fatalf("first game: %d %v", resp.StatusCode, body)
	}
	resp, body := postJSON(t, s.URL+"/api/games", map[string]any{})
	if resp.StatusCode != 503 || errorCode(body) != string(wire.CodeTooManyGames) {
		t.Fatalf("second game: %d %v", resp.StatusCode, body)
	}
}
