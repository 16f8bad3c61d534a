package clustertest

import (
	"context"
	"encoding/json"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// TestUploadedBankOwnerProcessPaused: three `quizroom serve` processes on a
// real Redis. Notes are uploaded to A; the game is created on B from the
// questions C made of them, edited; players and the host are on A and C.
// B, the owner, is frozen with SIGSTOP mid-question: A or C takes the room
// over and the game finishes with the uploaded questions. B is then thawed
// (SIGCONT) and must not disturb the game it lost.
func TestUploadedBankOwnerProcessPaused(t *testing.T) {
	srv := redistest.Start(t)
	bin := buildQuizroom(t)
	a := startServer(t, bin, "proc-a", srv.URL())
	b := startServer(t, bin, "proc-b", srv.URL())
	c := startServer(t, bin, "proc-c", srv.URL())
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DisableIdentity: true})
	defer rdb.Close()

	var up struct {
		ID string `json:"id"`
	}
	httpJSON(t, "POST", a.base+"/api/banks", []byte(networkNotes), &up)
	var preview struct {
		Questions []game.Question `json:"questions"`
	}
	body, _ := json.Marshal(map[string]any{"count": 3, "kinds": []string{"single"}, "seed": 5})
	httpJSON(t, "POST", c.base+"/api/banks/"+up.ID+"/questions", body, &preview)
	qs := preview.Questions
	const pauseAt = 1
	qs[pauseAt].Prompt = "EDITED: " + qs[pauseAt].Prompt
	qs[pauseAt].Time = 30 * time.Second
	var created httpapi.CreateResponse
	body, _ = json.Marshal(map[string]any{"questions": qs, "seconds": 10, "mode": "accuracy", "show_leaderboard": false})
	httpJSON(t, "POST", b.base+"/api/games", body, &created)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	holderOf := func() string {
		h, _ := rdb.Get(ctx, "qr:{"+created.PIN+"}:owner").Result()
		return h
	}
	release := make(chan struct{})
	var takeover time.Duration
	paused := false
	defer func() {
		if paused {
			_ = b.cmd.Process.Signal(syscall.SIGCONT)
		}
	}()
	const players = 10
	r := play(t, &cluster{t: t, redis: srv}, scenario{
		players: players, pin: created.PIN, token: created.HostToken,
		urls: []string{a.wsURL(), c.wsURL()},
		gate: func(p, q int) <-chan struct{} {
			if q == pauseAt && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitEvenAnswersAcked(ctx, t, r, pauseAt)
			if h := holderOf(); h != b.name {
				t.Fatalf("lease holder before the pause = %q, want %s", h, b.name)
			}
			if err := b.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			paused = true
			stopped := time.Now()
			waitFor(ctx, t, "another process holds the room's lease", func() bool {
				h := holderOf()
				return h != "" && h != b.name
			})
			takeover = time.Since(stopped)
			// Thawed while the game goes on: B finds its lease gone.
			if err := b.cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			paused = false
			close(release)
		},
	})
	if takeover > 3*time.Second {
		t.Errorf("takeover after SIGSTOP took %v, want at most 3s", takeover)
	}
	if h := holderOf(); h == b.name {
		t.Errorf("the thawed owner took its room back")
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/api/games/"+created.PIN+"/results.json", nil)
	req.Header.Set("Authorization", "Bearer "+created.HostToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res httpapi.ResultsJSON
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("results: %d %v", resp.StatusCode, err)
	}
	if len(res.Questions) != len(qs) {
		t.Fatalf("%d questions asked, want %d", len(res.Questions), len(qs))
	}
	answered := 0
	for i, q := range res.Questions {
		if q.Prompt != qs[i].Prompt {
			t.Errorf("question %d asked %q, want %q", i, q.Prompt, qs[i].Prompt)
		}
		answered += q.Answered
	}
	if answered != players*len(qs) {
		t.Errorf("%d answers, want %d", answered, players*len(qs))
	}
	t.Logf("takeover after SIGSTOP %v, answers %d, players on the podium %d", takeover, answered, len(r.players))
}
