package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
	"github.com/quizroom/quizroom/transport/httpapi"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServer runs run() in-process on port 0 and returns its base URL and
// a stop function that waits for run to return.
func startServer(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--drain", "5s"}, args...),
			serveEnv, pw, io.Discard)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("server did not start: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	var once bool
	stop := func() error {
		if once {
			return nil
		}
		once = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return within 10s of cancel")
		}
		return nil
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + addr, stop
}

func TestServeRunsAGameAndShutsDownCleanly(t *testing.T) {
	base, stop := startServer(t)
	resp, err := http.Post(base+"/api/games", "application/json", strings.NewReader(`{"count":2,"seconds":5,"kinds":["single"],"seed":7}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		PIN       string `json:"pin"`
		HostToken string `json:"host_token"`
		JoinURL   string `json:"join_url"`
		QR        string `json:"qr"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&created) != nil {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if !strings.HasSuffix(created.JoinURL, "/join/"+created.PIN) || !strings.HasPrefix(created.QR, "data:image/png;base64,") {
		t.Fatalf("created %+v", created)
	}
	host := wiretest.Dial(t, base)
	host.Send(map[string]any{"type": "host", "pin": created.PIN, "host_token": created.HostToken})
	host.Wait(wire.TypeWelcome)
	p := wiretest.Dial(t, base)
	p.Send(map[string]any{"type": "join", "pin": created.PIN, "nickname": "ada"})
	p.Wait(wire.TypeWelcome)
	host.Send(map[string]any{"type": "start"})
	var q wire.Question
	p.Wait(wire.TypeQuestion).Decode(t, &q)
	p.Send(map[string]any{"type": "answer", "q": 0, "choice": 0})
	p.Wait(wire.TypeAnswerAck)
	p.Wait(wire.TypeReveal)

	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	p.Wait(wire.TypeReconnect)
	if code, _ := p.WaitClosed(); code != websocket.StatusGoingAway {
		t.Fatalf("close %d, want 1001", code)
	}
}

func TestServeConfigErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--max-players", "0"}, nil, "--max-players ($QUIZROOM_MAX_PLAYERS)"},
		{nil, map[string]string{"QUIZROOM_ADDR": "nonsense"}, "--addr ($QUIZROOM_ADDR)"},
		{nil, map[string]string{"QUIZROOM_LOG_LEVEL": "loud"}, "--log-level ($QUIZROOM_LOG_LEVEL)"},
		{[]string{"--drain", "forever"}, nil, "--drain ($QUIZROOM_DRAIN)"},
		{[]string{"--public-url", "ftp://x"}, nil, "--public-url ($QUIZROOM_PUBLIC_URL)"},
		{nil, map[string]string{"REDIS_URL": "http://x"}, "--redis-url ($REDIS_URL)"},
		{[]string{"--no-such-flag"}, nil, "no-such-flag"},
	}
	for _, tc := range cases {
		err := run(context.Background(), append([]string{"serve"}, tc.args...), env(tc.env), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 2 {
			t.Errorf("%v %v: err %v (exit %d), want one naming %s with exit 2", tc.args, tc.env, err, exitCode(err), tc.want)
		}
	}
}

// TestUnknownCommand: a mistyped or missing command is named as unknown,
// with the commands there are, not blamed on serve's arguments; serve's
// flags may still come first without "serve".
func TestUnknownCommand(t *testing.T) {
	for _, word := range []string{"serv", "version", "frobnicate"} {
		err := run(context.Background(), []string{word}, env(nil), io.Discard, io.Discard)
		want := fmt.Sprintf("unknown command %q; the commands are serve (the default), bank and help", word)
		if err == nil || err.Error() != want+" ('quizroom help' says more)" || exitCode(err) != 2 {
			t.Errorf("quizroom %s: err %v (exit %d), want %q with exit 2", word, err, exitCode(err), want)
		}
	}
	err := run(context.Background(), []string{"--no-such-flag"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no-such-flag") {
		t.Errorf("quizroom --no-such-flag: %v, want serve's flag error", err)
	}
	err = run(context.Background(), []string{"serve", "extra"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `serve: unexpected argument "extra"`) {
		t.Errorf("quizroom serve extra: %v", err)
	}
}

func TestServeHelpDocumentsEverySetting(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--help"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), "$"+s.env) {
			t.Errorf("--help does not document --%s / $%s", s.flag, s.env)
		}
	}
}

func TestEnvironmentFallbacks(t *testing.T) {
	cfg, err := parseServe(nil, env(map[string]string{"QUIZROOM_ADDR": "127.0.0.1:9999", "QUIZROOM_MAX_PLAYERS": "12"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.MaxPlayers != 12 || cfg.MaxGames != 1000 {
		t.Fatalf("cfg %+v", cfg)
	}
	cfg, _ = parseServe([]string{"--max-players", "7"}, env(map[string]string{"QUIZROOM_MAX_PLAYERS": "12"}), io.Discard)
	if cfg.MaxPlayers != 7 {
		t.Fatalf("flag does not override env: %d", cfg.MaxPlayers)
	}
}

// TestJoinLinkReachesTheLAN: a host who opens http://localhost:PORT/host on
// a server with no --public-url must get a join link (and QR) that phones on
// the network can open, and the start-up output says where players join.
func TestJoinLinkReachesTheLAN(t *testing.T) {
	lan, hasLAN := httpapi.LANAddress()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", ":0", "--log-level", "error", "--drain", "5s"}, env(nil), pw, io.Discard)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	out := bufio.NewReader(pr)
	listening, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	joinLine, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("no second line after %q: %v", listening, err)
	}
	go io.Copy(io.Discard, pr)
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	_, port, err := net.SplitHostPort(strings.TrimSpace(strings.TrimPrefix(listening, "listening on ")))
	if err != nil {
		t.Fatalf("listening line %q: %v", listening, err)
	}
	base := "http://localhost:" + port // as the README says to open the host page
	resp, err := http.Post(base+"/api/games", "application/json", strings.NewReader(`{"count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct {
		PIN           string `json:"pin"`
		JoinURL       string `json:"join_url"`
		JoinLocalOnly bool   `json:"join_local_only"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&created) != nil {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	u, err := url.Parse(created.JoinURL)
	if err != nil {
		t.Fatalf("join_url %q: %v", created.JoinURL, err)
	}
	if !hasLAN {
		// Only loopback here: the link cannot reach a phone, and says so.
		if !created.JoinLocalOnly || !strings.Contains(joinLine, "--public-url") {
			t.Fatalf("loopback-only machine: join_local_only %v, start-up line %q; want the warning naming --public-url", created.JoinLocalOnly, joinLine)
		}
		if os.Getenv("CI") == "true" {
			t.Fatal("this machine has no private non-loopback address; the LAN join link cannot be checked")
		}
		t.Skip("no private non-loopback address on this machine")
	}
	want := "http://" + net.JoinHostPort(lan.String(), port)
	if got := u.Scheme + "://" + u.Host; got != want {
		t.Errorf("join_url %q, want it on the LAN address %s", created.JoinURL, want)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err != nil || ip.IsLoopback() {
		t.Errorf("join_url %q is not a non-loopback address", created.JoinURL)
	}
	if created.JoinLocalOnly {
		t.Errorf("join_local_only set with a LAN address available")
	}
	if got := strings.TrimSpace(joinLine); got != "players join at "+want {
		t.Errorf("start-up line %q, want %q", got, "players join at "+want)
	}
	// The QR code and the display's game info carry the same link.
	info, err := http.Get(base + "/api/games/" + created.PIN)
	if err != nil {
		t.Fatal(err)
	}
	defer info.Body.Close()
	var gi struct {
		JoinURL string `json:"join_url"`
	}
	if err := json.NewDecoder(info.Body).Decode(&gi); err != nil || gi.JoinURL != created.JoinURL {
		t.Errorf("GET /api/games/%s join_url %q (%v), want %q", created.PIN, gi.JoinURL, err, created.JoinURL)
	}
}

// TestJoinLinkOnLoopbackOnlyServer: a server bound to 127.0.0.1 cannot be
// reached by phones whatever the machine's addresses: the link stays on
// loopback, is marked join_local_only, and the start-up line names --public-url.
func TestJoinLinkOnLoopbackOnlyServer(t *testing.T) {
	base, _ := startServer(t)
	resp, err := http.Post(base+"/api/games", "application/json", strings.NewReader(`{"count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct {
		JoinURL       string `json:"join_url"`
		JoinLocalOnly bool   `json:"join_local_only"`
	}
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&created) != nil {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if !created.JoinLocalOnly {
		t.Errorf("join_url %q on a loopback-only server is not marked join_local_only", created.JoinURL)
	}
	if line := joinLine("", "", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}); !strings.Contains(line, "--public-url") || !strings.Contains(line, "localhost:9000") {
		t.Errorf("loopback start-up line %q does not name the address and --public-url", line)
	}
	// A public URL phones cannot reach gets the same warning.
	for _, public := range []string{"http://localhost:8080", "http://127.0.0.1:8080/", "http://[::1]:8080"} {
		line := joinLine(public, "http://192.168.1.20:8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080})
		if !strings.Contains(line, "phones cannot reach it") || !strings.Contains(line, "--public-url") {
			t.Errorf("--public-url %s: start-up line %q does not warn that phones cannot reach it", public, line)
		}
	}
	if line := joinLine("https://quiz.example.com/", "", nil); line != "players join at https://quiz.example.com" {
		t.Errorf("reachable public URL: start-up line %q", line)
	}
}
