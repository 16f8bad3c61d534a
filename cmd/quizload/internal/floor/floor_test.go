package floor_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/cmd/quizload/internal/floor"
	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestClientPlaysFloor drives the floor with the real client engine: every
// player must see every question and get every answer acknowledged.
func TestClientPlaysFloor(t *testing.T) {
	srv := floor.New()
	hs := httptest.NewServer(srv)
	defer func() { hs.Close(); srv.Close() }()

	const players, questions = 40, 3
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan := loadclient.Plan{
		URLs:           []string{hs.URL},
		Games:          1,
		PlayersPerGame: players,
		CreateBody:     map[string]any{"count": questions, "pad_bytes": 400, "seconds": 5},
		Job: loadclient.Job{
			Questions: questions, Groups: []loadclient.Group{{Name: "near"}},
			ReactionMinMs: 0, ReactionMaxMs: 20, CorrectPct: 100,
		},
	}
	res, err := loadclient.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if res.ErrorCount() != 0 {
		t.Fatalf("errors: %v %v", res.Errors, res.ErrorSamples)
	}
	if got := len(res.Fanout); got != players*questions {
		t.Errorf("fan-out samples = %d, want %d", got, players*questions)
	}
	if got := len(res.Ack); got != players*questions {
		t.Errorf("ack samples = %d, want %d", got, players*questions)
	}
	if res.Frames == 0 || res.FrameBytes/res.Frames < 400 {
		t.Errorf("question frames average %d bytes, want >= 400", res.FrameBytes/max(res.Frames, 1))
	}
}
