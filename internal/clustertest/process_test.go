package clustertest

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
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// server is one `quizroom serve` child process.
type server struct {
	name string
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	log  *bytes.Buffer
	done chan struct{}
}

// buildQuizroom compiles cmd/quizroom into a temporary directory.
func buildQuizroom(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "quizroom")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/quizroom/quizroom/cmd/quizroom").CombinedOutput()
	if err != nil {
		t.Fatalf("go build cmd/quizroom: %v\n%s", err, out)
	}
	return bin
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

// startServer runs bin as instance name on Redis url. Cleanup stops it by
// its pid (SIGTERM, then SIGKILL) unless it already exited.
func startServer(t *testing.T, bin, name, redisURL string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{name: name, base: "http://" + addr, log: &bytes.Buffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(os.Environ(),
		"REDIS_URL="+redisURL, "QUIZROOM_ADDR="+addr, "QUIZROOM_INSTANCE="+name,
		"QUIZROOM_LOG_FORMAT=json", "QUIZROOM_LOG_LEVEL=info", "QUIZROOM_DRAIN=2s")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		select {
		case <-s.done:
			return
		default:
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("%s log:\n%s", s.name, s.log.String())
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	waitFor(ctx, t, name+" is ready", func() bool {
		resp, err := http.Get(s.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

func (s *server) wsURL() string { return "ws" + s.base[len("http"):] + "/ws" }

// TestOwnerProcessKilled: three `quizroom serve` processes share a real
// Redis; the one that created (and owns) the game is killed with SIGKILL
// while a question is open and half the players have answered. Another
// process takes the room over, the other half answer after the takeover,
// and the game reaches the podium with every acknowledged answer in the
// results and every player shown the score the results give.
func TestOwnerProcessKilled(t *testing.T) {
	srv := redistest.Start(t)
	bin := buildQuizroom(t)
	var servers []*server
	for i := range 3 {
		servers = append(servers, startServer(t, bin, fmt.Sprintf("proc%d", i), srv.URL()))
	}
	owner := servers[0]
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	defer rdb.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"count": 4, "seconds": 30, "kinds": []string{"single"}, "mode": "accuracy", "show_leaderboard": false})
	resp, err := http.Post(owner.base+"/api/games", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created httpapi.CreateResponse
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create game: %d %v", resp.StatusCode, err)
	}
	holderOf := func() string {
		h, _ := rdb.Get(ctx, "qr:{"+created.PIN+"}:owner").Result()
		return h
	}

	const players, killAt = 30, 1
	release := make(chan struct{})
	var takeover time.Duration
	c := &cluster{t: t, redis: srv}
	r := play(t, c, scenario{
		players: players,
		pin:     created.PIN, token: created.HostToken,
		urls: []string{servers[0].wsURL(), servers[1].wsURL(), servers[2].wsURL()},
		gate: func(p, q int) <-chan struct{} {
			if q == killAt && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitEvenAnswersAcked(ctx, t, r, killAt)
			if h := holderOf(); h != owner.name {
				t.Fatalf("lease holder before the kill = %q, want %s", h, owner.name)
			}
			if err := owner.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			<-owner.done
			waitFor(ctx, t, "another process holds the room's lease", func() bool {
				h := holderOf()
				return h != "" && h != owner.name
			})
			takeover = time.Since(killed)
			close(release)
		},
	})
	if takeover > 3*time.Second {
		t.Errorf("takeover took %v, want at most 3s", takeover)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, servers[1].base+"/api/games/"+created.PIN+"/results.json", nil)
	req.Header.Set("Authorization", "Bearer "+created.HostToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res httpapi.ResultsJSON
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("results: %d %v", resp.StatusCode, err)
	}
	byID := map[string]httpapi.PlayerResult{}
	for _, pr := range res.Players {
		byID[pr.PlayerID] = pr
	}
	answered := 0
	for _, p := range r.players {
		accepted, podium, _, _, _ := p.snapshot()
		pr, ok := byID[p.playerID]
		if !ok {
			t.Errorf("%s (%s) missing from the results", p.name, p.playerID)
			continue
		}
		for _, a := range pr.Answers {
			if a.Answered {
				answered++
			}
		}
		for q, choice := range accepted {
			i := slices.IndexFunc(pr.Answers, func(a httpapi.AnswerResult) bool { return a.Q == q })
			if i < 0 || !pr.Answers[i].Answered || !slices.Equal(pr.Answers[i].Choices, []int{choice}) {
				t.Errorf("%s: answer %d to q%d was acknowledged, results have %+v", p.name, choice, q, pr.Answers)
			}
		}
		if podium != pr.Score {
			t.Errorf("%s: was shown %d on the podium, results say %d", p.name, podium, pr.Score)
		}
	}
	if answered != players*4 {
		t.Errorf("%d answers in the results, want %d", answered, players*4)
	}
	gaps, reconnects, _ := r.stats()
	t.Logf("takeover after SIGKILL %v, gaps %d, reconnects %d, answers %d", takeover, gaps, reconnects, answered)
}
