package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// gauge reads one unlabelled series from base's /metrics.
func gauge(t *testing.T, base, name string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

// waitGauge waits until the series reads want: the room's actor applies
// inputs on its own goroutine, and a scrape may come just before.
func waitGauge(t *testing.T, base, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := gauge(t, base, name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %g, want %g", name, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGaugesTellTheTruth: quizroom_players and quizroom_rooms count the
// players and rooms this instance runs now: they fall when a game ends, and
// an instance that takes a room over counts its players.
func TestGaugesTellTheTruth(t *testing.T) {
	t.Run("a game ends", func(t *testing.T) {
		s := start(t, options{})
		g := s.newGame(t, mixedQuestions(), game.Settings{})
		s.join(t, g.pin, "ada")
		p := s.join(t, g.pin, "bob")
		waitGauge(t, s.URL, "quizroom_players", 2)
		waitGauge(t, s.URL, "quizroom_rooms", 1)
		p.Send(map[string]any{"type": "leave"})
		waitGauge(t, s.URL, "quizroom_players", 1)
		g.host.Send(map[string]any{"type": "end"})
		g.host.Wait(wire.TypeEnded)
		g.host.WaitClosed()
		waitGauge(t, s.URL, "quizroom_rooms", 0)
		waitGauge(t, s.URL, "quizroom_players", 0)
	})
	t.Run("a room taken over", func(t *testing.T) {
		bus := membus.New(membus.Options{})
		a := start(t, options{bus: bus})
		b := start(t, options{bus: bus})
		g := a.newGame(t, mixedQuestions(), game.Settings{})
		ada := a.join(t, g.pin, "ada")
		a.join(t, g.pin, "bob")
		waitGauge(t, a.URL, "quizroom_players", 2)
		// A stops (its rooms stay on the bus); ada resumes on B, which takes
		// the room over.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.WS.Shutdown(ctx, 0); err != nil {
			t.Fatal(err)
		}
		a.Lobby.Close()
		b.resume(t, g.pin, ada.token)
		waitGauge(t, b.URL, "quizroom_rooms", 1)
		waitGauge(t, b.URL, "quizroom_players", 2)
	})
}
