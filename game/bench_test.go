package game

import (
	"fmt"
	"testing"
	"time"
)

const benchPlayers = 10_000

// benchGame returns a started game with n players, each having answered the
// open first question (a mix of right, wrong and partially right on multi),
// and the question still open because one extra player has not answered.
func benchGame(b *testing.B, n int, kind Kind) *Game {
	b.Helper()
	q := Question{ID: "b", Kind: kind, Prompt: "bench", Options: []string{"a", "b", "c", "d"}, Correct: []int{0}}
	if kind == KindMulti {
		q.Correct = []int{0, 2}
	}
	g, err := New([]Question{q, q}, Settings{QuestionTime: 30 * time.Second, ShowLeaderboard: true})
	if err != nil {
		b.Fatal(err)
	}
	for i := range n + 1 {
		if _, err := g.Join(PlayerID(fmt.Sprint("p", i)), fmt.Sprint("P", i), t0); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := g.Start(t0); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		a := Answer{Choices: []int{i % 4}}
		if kind == KindMulti {
			a.Choices = [][]int{{0, 2}, {0}, {1, 2}, {3}}[i%4]
		}
		rt := time.Duration(i%30_000) * time.Millisecond
		if _, err := g.Answer(PlayerID(fmt.Sprint("p", i)), 0, a, rt, 0, t0.Add(time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	return g
}

// BenchmarkCloseQuestion10k measures scoring and ranking one question with
// 10,000 answers: streaks, points, the sort, and the per-player results map.
func BenchmarkCloseQuestion10k(b *testing.B) {
	for _, kind := range []Kind{KindSingle, KindMulti} {
		b.Run(string(kind), func(b *testing.B) {
			snap := benchGame(b, benchPlayers, kind).Snapshot()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				g, err := Restore(snap)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				evs, err := g.Next(t0.Add(2 * time.Second))
				if err != nil || len(evs) != 1 {
					b.Fatal(err, evs)
				}
			}
		})
	}
}

// BenchmarkQuestion10k measures a whole question: open, 10,000 answers, the
// early close on the last answer, then the leaderboard.
func BenchmarkQuestion10k(b *testing.B) {
	g := benchGame(b, benchPlayers, KindSingle)
	if _, err := g.Next(t0.Add(2 * time.Second)); err != nil {
		b.Fatal(err)
	}
	snap := g.Snapshot()
	ids := make([]PlayerID, benchPlayers+1)
	for i := range ids {
		ids[i] = PlayerID(fmt.Sprint("p", i))
	}
	now := t0.Add(3 * time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		g, err := Restore(snap)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		must(b)(g.Next(now)) // leaderboard
		must(b)(g.Next(now)) // question 1 opens
		for i, id := range ids {
			must(b)(g.Answer(id, 1, Answer{Choices: []int{i % 4}}, time.Duration(i)*time.Millisecond, 0, now))
		}
		if g.Phase() != PhaseReveal {
			b.Fatalf("phase %s after every answer", g.Phase())
		}
	}
}

// BenchmarkSnapshot10k measures what the owner pays at each phase change.
func BenchmarkSnapshot10k(b *testing.B) {
	g := benchGame(b, benchPlayers, KindSingle)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(g.Snapshot())
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkRestore10k measures what failover pays before replaying.
func BenchmarkRestore10k(b *testing.B) {
	snap := benchGame(b, benchPlayers, KindSingle).Snapshot()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Restore(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChallengeWave1000 measures one wave of a 1,000-player challenge:
// every player opens their next question and answers it, and the owner asks
// for the next deadline after each input, as the room actor does.
func BenchmarkChallengeWave1000(b *testing.B) {
	const n, questions = 1000, 10
	g, err := New(singles(questions), Settings{QuestionTime: 20 * time.Second, SelfPaced: true, ChallengeTime: time.Hour, Teams: 4})
	if err != nil {
		b.Fatal(err)
	}
	g.Start(t0)
	ids := make([]PlayerID, n)
	for i := range ids {
		ids[i] = PlayerID(fmt.Sprint("p", i))
		if _, err := g.Join(ids[i], fmt.Sprint("P", i), t0); err != nil {
			b.Fatal(err)
		}
	}
	snap := g.Snapshot()
	b.ReportAllocs()
	b.ResetTimer()
	wave := questions
	for range b.N {
		if wave == questions {
			b.StopTimer()
			g, _ = Restore(snap)
			wave = 0
			b.StartTimer()
		}
		now := t0.Add(time.Duration(wave) * time.Minute)
		for i, id := range ids {
			if _, err := g.PlayerNext(id, now); err != nil {
				b.Fatal(err)
			}
			g.Deadline()
			rt := time.Duration(i%20_000) * time.Millisecond
			if _, err := g.Answer(id, wave, Answer{Choices: []int{i % 2}}, rt, 0, now.Add(rt)); err != nil {
				b.Fatal(err)
			}
			g.Deadline()
		}
		wave++
	}
}
