package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
	"github.com/quizroom/quizroom/cmd/quizload/internal/wirescan"
)

// runPlayCmd creates a game on a running server, joins players and plays to
// the podium, telling what happens: the check that `make run` works.
func runPlayCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("play", stderr)
	var urls urlList
	fs.Var(&urls, "url", "base URL of the server (default http://localhost:8080)")
	players := fs.Int("players", 5, "players to join (1..1000)")
	questions := fs.Int("questions", 3, "questions to play (1..64)")
	seconds := fs.Int("seconds", 10, "seconds per question")
	body := fs.String("create-body", "", `JSON body for POST /api/games (default {"count":Q,"seconds":T})`)
	hostKey := fs.String("host-key", os.Getenv("QUIZROOM_HOST_KEY"), "the server's host key, when it was started with --host-key (env QUIZROOM_HOST_KEY)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *players < 1 || *players > 1000 {
		return usageError{"-players must be 1..1000"}
	}
	if *questions < 1 || *questions > loadclient.MaxQuestions {
		return usageError{"-questions must be 1..64"}
	}
	if len(urls) == 0 {
		urls = urlList{"http://localhost:8080"}
	}
	r, err := newRunner(false, stderr, *body)
	if err != nil {
		return err
	}
	sc := scenario{name: "play", games: 1, perGame: *players, questions: *questions, seconds: *seconds}
	var mu sync.Mutex
	say := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdout, format+"\n", a...)
	}
	start := time.Now()
	plan := loadclient.Plan{
		URLs: urls, Games: 1, PlayersPerGame: *players, CreateBody: r.createBody(sc), HostKey: *hostKey,
		Job: loadclient.Job{Questions: *questions, Groups: near, ReactionMinMs: 300, ReactionMaxMs: 1500,
			CorrectPct: 70, Seed: time.Now().UnixNano(), Timeout: time.Duration(*questions*(*seconds+30))*time.Second + time.Minute},
		JoinTimeout: 20 * time.Second,
		Progress: func(stage string, done, total int64) {
			if stage == "join" && (done == total || done%max(total/5, 1) == 0) {
				say("  %d/%d players joined", done, total)
			}
		},
		OnHostEvent: func(e loadclient.Event) { narrate(say, e) },
	}
	say("quizload play: creating a game on %s with %d players, %d questions", urls[0], *players, *questions)
	res, err := loadclient.Run(ctx, plan)
	if err != nil {
		if strings.Contains(err.Error(), `"host_key_required"`) || strings.Contains(err.Error(), `"bad_host_key"`) {
			return fmt.Errorf("%w\nthe server was started with a host key: pass it with --host-key (or QUIZROOM_HOST_KEY)", err)
		}
		return err
	}
	say("done in %s: %d players reached the podium, %d answers accepted, %d errors",
		time.Since(start).Round(time.Millisecond), res.Finished, res.Accepted, res.ErrorCount())
	for _, e := range res.ErrorSamples {
		say("  error: %s", e)
	}
	if res.ErrorCount() > 0 || res.Finished < int64(*players) {
		return fmt.Errorf("the game did not complete cleanly")
	}
	return nil
}

func narrate(say func(string, ...any), e loadclient.Event) {
	m := e.Raw
	switch e.Type {
	case "welcome":
		say("host connected to game %s", wirescan.String(m, "pin"))
	case "question":
		q, _ := wirescan.Int(m, "q")
		total, _ := wirescan.Int(m, "total")
		say("question %d/%d (%s): %s", q+1, total, wirescan.String(m, "kind"), wirescan.String(m, "prompt"))
	case "answers_count":
		// too chatty for the narration
	case "reveal":
		answered, _ := wirescan.Int(m, "answered")
		say("  reveal: %d answered; correct %s", answered, rawField(m, "correct"))
	case "leaderboard":
		say("  leaderboard: %s", truncate(string(rawField(m, "top")), 200))
	case "podium":
		say("podium: %s", truncate(string(rawField(m, "top")), 300))
	case "ended":
		say("game ended: %s", wirescan.String(m, "reason"))
	case "error":
		say("  host got error %s: %s", wirescan.String(m, "code"), wirescan.String(m, "message"))
	}
}

// rawField returns the raw JSON text of an array field, for narration.
func rawField(msg []byte, key string) []byte {
	needle := []byte(`"` + key + `":`)
	for i := 0; i+len(needle) <= len(msg); i++ {
		if string(msg[i:i+len(needle)]) == string(needle) {
			rest := msg[i+len(needle):]
			depth := 0
			for j, c := range rest {
				switch c {
				case '[', '{':
					depth++
				case ']', '}':
					depth--
					if depth <= 0 {
						return rest[:j+1]
					}
				case ',':
					if depth == 0 {
						return rest[:j]
					}
				}
			}
			return rest
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
