package chaostest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/internal/redistest"
)

// The quizroom binary is built once per test binary run, into a temporary
// directory removed by TestMain.
var quizroom struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if quizroom.dir != "" {
		_ = os.RemoveAll(quizroom.dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func quizroomBinary(t *testing.T) string {
	t.Helper()
	quizroom.once.Do(func() {
		quizroom.dir, quizroom.err = os.MkdirTemp("", "chaostest-")
		if quizroom.err != nil {
			return
		}
		quizroom.path = filepath.Join(quizroom.dir, "quizroom")
		quizroom.out, quizroom.err = exec.Command("go", "build", "-o", quizroom.path,
			"github.com/quizroom/quizroom/cmd/quizroom").CombinedOutput()
	})
	if quizroom.err != nil {
		t.Fatalf("go build cmd/quizroom: %v\n%s", quizroom.err, quizroom.out)
	}
	return quizroom.path
}

// proc is one `quizroom serve` child process.
type proc struct {
	name string
	base string // http://127.0.0.1:port
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProc runs `quizroom serve` as instance name on redisURL. Cleanup
// stops it by its pid: SIGCONT (it may be frozen), SIGTERM, then SIGKILL.
func startProc(t *testing.T, bin, name, redisURL string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{name: name, base: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(),
		"REDIS_URL="+redisURL, "QUIZROOM_ADDR="+addr, "QUIZROOM_INSTANCE="+name,
		"QUIZROOM_LOG_FORMAT=json", "QUIZROOM_LOG_LEVEL=info", "QUIZROOM_DRAIN=1s")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	// Its own process group: a Ctrl-C to go test does not race our signals.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() && os.Getenv("CHAOS_LOGS") != "" {
			t.Logf("%s log:\n%s", p.name, p.log.String())
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if !waitUntil(ctx, 50*time.Millisecond, func() bool { return p.ready(ctx) == http.StatusOK }) {
		t.Fatalf("%s not ready in 20s:\n%s", name, p.log.String())
	}
	return p
}

func (p *proc) signal(sig syscall.Signal) error { return syscall.Kill(p.cmd.Process.Pid, sig) }

func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.signal(syscall.SIGCONT)
	_ = p.signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.signal(syscall.SIGKILL)
		<-p.done
	}
}

func (p *proc) wsURL() string { return "ws" + p.base[len("http"):] + "/ws" }

// ready is the status of GET /readyz, or 0 when no answer came within 1 s.
func (p *proc) ready(ctx context.Context) int {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitUntil(ctx context.Context, every time.Duration, cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(every):
		}
	}
}

// cluster is one Redis and three instances.
type cluster struct {
	t     *testing.T
	redis *redistest.Server
	procs []*proc
	rdb   *redis.Client // the test's own view of Redis (lease holder)
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	bin := quizroomBinary(t)
	srv := redistest.Start(t)
	c := &cluster{t: t, redis: srv}
	c.rdb = redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true,
		DialTimeout: 300 * time.Millisecond, ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond})
	t.Cleanup(func() { c.rdb.Close() })
	c.procs = make([]*proc, 3)
	for i := range c.procs {
		// Sequential starts: t.Fatal must run on the test goroutine.
		c.procs[i] = startProc(t, bin, fmt.Sprintf("inst%d", i), srv.URL())
	}
	return c
}

// holder is the room's lease holder as Redis says, "" when none or Redis does
// not answer.
func (c *cluster) holder(ctx context.Context, pin string) string {
	h, _ := c.rdb.Get(ctx, "qr:{"+pin+"}:owner").Result()
	return h
}

type created struct {
	PIN       string `json:"pin"`
	HostToken string `json:"host_token"`
}

func (c *cluster) createGame(ctx context.Context, on *proc, questions, seconds int) created {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"count": questions, "seconds": seconds, "kinds": []string{"single"},
		"mode": "accuracy", "show_leaderboard": false})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, on.base+"/api/games", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var g created
	if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || resp.StatusCode != http.StatusCreated {
		c.t.Fatalf("create game: %d %v", resp.StatusCode, err)
	}
	return g
}

// results fetches results.json from any instance that answers.
type resultsJSON struct {
	Phase   string `json:"phase"`
	Players []struct {
		PlayerID string `json:"player_id"`
		Nickname string `json:"nickname"`
		Score    int    `json:"score"`
		Answers  []struct {
			Q        int   `json:"q"`
			Answered bool  `json:"answered"`
			Choices  []int `json:"choices"`
			Points   int   `json:"points"`
		} `json:"answers"`
	} `json:"players"`
}

func (c *cluster) results(ctx context.Context, g created) (resultsJSON, int, error) {
	var lastErr error
	status := 0
	for _, p := range c.procs {
		select {
		case <-p.done:
			continue
		default:
		}
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		req, _ := http.NewRequestWithContext(rctx, http.MethodGet, p.base+"/api/games/"+g.PIN+"/results.json", nil)
		req.Header.Set("Authorization", "Bearer "+g.HostToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			lastErr = err
			continue
		}
		var r resultsJSON
		status = resp.StatusCode
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		cancel()
		if resp.StatusCode == http.StatusOK && err == nil {
			return r, status, nil
		}
		lastErr = fmt.Errorf("%s: status %d %v", p.name, resp.StatusCode, err)
	}
	return resultsJSON{}, status, lastErr
}
