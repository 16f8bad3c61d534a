package clustertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
)

const networkNotes = `Q: What is a load balancer?
A: A load balancer spreads incoming requests over several servers so that no single server is overwhelmed.

Q: What is a CDN?
A: A CDN is a network of servers around the world that caches static files close to the users who ask for them.

Q: What is DNS?
A: DNS is the system that turns human-readable host names into the IP addresses computers connect to.

Q: What is a reverse proxy?
A: A reverse proxy is a server that sits in front of application servers and forwards client requests to them.

Q: What is TLS?
A: TLS is the protocol that encrypts traffic between a client and a server and proves the server's identity.
`

func httpJSON(t *testing.T, method, url string, body []byte, out any) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&e)
		t.Fatalf("%s %s: %d %v", method, url, resp.StatusCode, e)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// TestUploadedBankSurvivesOwnerLoss: notes uploaded through instance A; the
// questions a game would ask are fetched from C and edited; the game is
// created on B, which owns it; B dies while question 2 is open. The game
// finishes on another instance with exactly the uploaded, edited questions.
func TestUploadedBankSurvivesOwnerLoss(t *testing.T) {
	c := startCluster(t, 3)
	a, b, other := c.insts[0], c.insts[1], c.insts[2]

	var up struct {
		ID    string `json:"id"`
		Items int    `json:"items"`
	}
	httpJSON(t, "POST", a.base+"/api/banks", []byte(networkNotes), &up)
	if up.Items != 5 {
		t.Fatalf("uploaded bank has %d items, want 5", up.Items)
	}
	var preview struct {
		Questions []game.Question `json:"questions"`
	}
	body, _ := json.Marshal(map[string]any{"count": 4, "kinds": []string{"single"}, "seed": 11})
	httpJSON(t, "POST", other.base+"/api/banks/"+up.ID+"/questions", body, &preview)
	qs := preview.Questions
	if len(qs) != 4 {
		t.Fatalf("%d questions from the bank, want 4", len(qs))
	}
	const killAt = 1
	qs[0].Prompt = "EDITED on the host page: " + qs[0].Prompt
	qs[killAt].Time = 30 * time.Second // long enough to kill the owner and take over

	var created struct {
		PIN       string `json:"pin"`
		HostToken string `json:"host_token"`
	}
	body, _ = json.Marshal(map[string]any{"bank": up.ID, "questions": qs, "seconds": 10, "mode": "accuracy",
		"show_leaderboard": false}) // the scenario's host moves on from each reveal
	httpJSON(t, "POST", b.base+"/api/games", body, &created)

	release := make(chan struct{})
	sc := scenario{
		players: 12, pin: created.PIN, token: created.HostToken, urls: c.urls(),
		gate: func(p, q int) <-chan struct{} {
			if q == killAt && p%2 == 1 {
				return release
			}
			return nil
		},
		during: func(ctx context.Context, r *run) {
			waitEvenAnswersAcked(ctx, t, r, killAt)
			if h, err := a.fault.LeaseHolder(ctx, r.pin); err != nil || h != b.name {
				t.Fatalf("lease holder before the kill = %q, %v; want %s", h, err, b.name)
			}
			b.kill()
			killed := time.Now()
			waitFor(ctx, t, "another instance holds the room's lease", func() bool {
				h, err := a.fault.LeaseHolder(ctx, r.pin)
				return err == nil && h != "" && h != b.name
			})
			t.Logf("takeover after %v", time.Since(killed).Round(time.Millisecond))
			close(release)
		},
	}
	r := play(t, c, sc)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := a.lobby.Results(ctx, r.pin, r.token)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Questions) != len(qs) {
		t.Fatalf("the game asked %d questions, the host's list has %d", len(res.Questions), len(qs))
	}
	for i, q := range res.Questions {
		if q.Question.Prompt != qs[i].Prompt || q.Question.ItemID != qs[i].ItemID || !q.Opened {
			t.Errorf("question %d: asked %q (item %s, opened %v), want %q (item %s)", i, q.Question.Prompt, q.Question.ItemID, q.Opened, qs[i].Prompt, qs[i].ItemID)
		}
	}
	answered := 0
	for _, p := range res.Players {
		for _, ans := range p.Answers {
			if ans.Answered {
				answered++
			}
		}
	}
	if answered != 12*len(qs) {
		t.Errorf("%d answers in the results, want %d: every player answered every question across the takeover", answered, 12*len(qs))
	}
	// The bank itself outlived B too: a new game on it from the survivor.
	body, _ = json.Marshal(map[string]any{"bank": up.ID, "count": 3, "kinds": []string{"single"}})
	httpJSON(t, "POST", other.base+"/api/games", body, &created)
}
