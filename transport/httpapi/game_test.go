package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// plannedAnswer is what player i sends to question q (nil: no answer), and
// whether it is fully correct, partly (multi) or wrong.
func plannedAnswer(i int, q game.Question) map[string]any {
	if (i+len(q.Prompt))%7 == 0 {
		return nil
	}
	right := i%3 != 0
	switch q.Kind {
	case game.KindMulti:
		switch i % 4 {
		case 0:
			return map[string]any{"choices": []int{0}} // half credit
		case 1:
			return map[string]any{"choices": []int{1}}
		}
		return map[string]any{"choices": []int{2, 0}}
	case game.KindTyped:
		if right {
			return map[string]any{"text": "  Load-Balancer! "}
		}
		return map[string]any{"text": "cache"}
	case game.KindPoll:
		return map[string]any{"choice": i % 3}
	}
	if right {
		return map[string]any{"choice": q.Correct[0]}
	}
	return map[string]any{"choice": (q.Correct[0] + 1) % len(q.Options)}
}

// expected applies the rules of docs/scoring.md to one answer, with the
// response time the server reported in its answer_ack (speed counts in
// standard mode).
type expected struct{ score, streak int }

func (e *expected) apply(q game.Question, ans map[string]any, s game.Settings, responseMs int64) {
	if q.Kind == game.KindPoll {
		return
	}
	p := game.SpeedPoints(game.Points(q.DoublePoints), time.Duration(responseMs)*time.Millisecond, s.QuestionTime, s.Mode, s.SpeedWeight)
	if ans == nil {
		e.streak = 0
		return
	}
	var picks []int
	if c, ok := ans["choice"].(int); ok {
		picks = []int{c}
	}
	if cs, ok := ans["choices"].([]int); ok {
		picks = cs
	}
	correct := false
	switch q.Kind {
	case game.KindTyped:
		correct = game.MatchTyped(ans["text"].(string), q.Accept)
	default:
		num, den := game.MultiCredit(picks, q.Correct)
		correct = num == den && len(picks) == den
		if !correct && q.Kind == game.KindMulti {
			e.streak = 0
			e.score += (2*p*num + den) / (2 * den)
			return
		}
	}
	if !correct {
		e.streak = 0
		return
	}
	e.streak++
	e.score += p + game.StreakBonus(e.streak)
}

// lateAnswer is when the late half of the players answer, after the
// question reached the host: past the 0.5 s of full points.
const lateAnswer = 700 * time.Millisecond

func TestFullGameHostAnd50PlayersEveryKind(t *testing.T) {
	for _, mode := range []game.Mode{game.ModeStandard, game.ModeAccuracy} {
		t.Run(string(mode), func(t *testing.T) {
			playFullGame(t, game.Settings{Mode: mode, QuestionTime: 30 * time.Second, ShowLeaderboard: true})
		})
	}
}

func playFullGame(t *testing.T, settings game.Settings) {
	s := start(t, options{})
	qs := mixedQuestions()
	g := s.newGame(t, qs, settings)
	display := s.dialDisplay(t, g.pin)
	players := s.joinMany(t, g.pin, 50)
	for range players {
		g.host.Wait(wire.TypePlayerJoined)
	}
	exp := make([]expected, len(players))

	g.host.Send(map[string]any{"type": "start"})
	for qi, q := range qs {
		var qm wire.Question
		g.host.Wait(wire.TypeQuestion).Decode(t, &qm)
		display.Wait(wire.TypeQuestion)
		if qm.Q != qi || qm.Kind != string(q.Kind) || qm.Total != len(qs) || qm.DeadlineMs <= qm.ServerMs {
			t.Fatalf("question %d: %+v", qi, qm)
		}
		opened := time.Now()
		answering := 0
		responses := make([]int64, len(players))
		var late []func()
		for i, p := range players {
			var pq wire.Question
			p.Wait(wire.TypeQuestion).Decode(t, &pq)
			if pq.Prompt != q.Prompt || !slices.Equal(pq.Options, q.Options) {
				t.Fatalf("player %d sees %+v", i, pq)
			}
			ans := plannedAnswer(i, q)
			if ans == nil {
				exp[i].apply(q, nil, settings, 0)
				continue
			}
			answering++
			msg := map[string]any{"type": "answer", "q": qi, "id": fmt.Sprintf("a%d-%d", i, qi)}
			for k, v := range ans {
				msg[k] = v
			}
			if i%2 == 1 {
				late = append(late, func() { p.Send(msg) })
				continue
			}
			p.Send(msg)
		}
		// Half the players answer after the full-points window, so speed
		// scoring shows in standard mode. The wait makes the response time,
		// it synchronizes nothing.
		<-time.After(time.Until(opened.Add(lateAnswer)))
		for _, send := range late {
			send()
		}
		for i, p := range players {
			ans := plannedAnswer(i, q)
			if ans == nil {
				continue
			}
			var ack wire.AnswerAck
			p.Wait(wire.TypeAnswerAck).Decode(t, &ack)
			if !ack.Accepted || ack.Q != qi || string(ack.Re) != fmt.Sprintf(`"a%d-%d"`, i, qi) || ack.ResponseMs == nil ||
				*ack.ResponseMs < 0 || *ack.ResponseMs > settings.QuestionTime.Milliseconds() {
				t.Fatalf("player %d question %d: ack %+v", i, qi, ack)
			}
			// The server takes the link's round trip off, at most
			// MaxCompensation (250 ms): never more, however loaded the
			// machine that measures the round trip is.
			if i%2 == 1 && *ack.ResponseMs < (lateAnswer-250*time.Millisecond).Milliseconds() {
				t.Fatalf("player %d question %d answered %v after the question, server says %d ms", i, qi, lateAnswer, *ack.ResponseMs)
			}
			exp[i].apply(q, ans, settings, *ack.ResponseMs)
			responses[i] = *ack.ResponseMs
		}
		if answering < len(players) {
			g.host.Send(map[string]any{"type": "next"}) // close it: scored as usual
		}
		var rev wire.Reveal
		g.host.Wait(wire.TypeReveal).Decode(t, &rev)
		if rev.You != nil || rev.Answered != answering || rev.Players != len(players) {
			t.Fatalf("host reveal %d: %+v", qi, rev)
		}
		display.Wait(wire.TypeReveal)
		for i, p := range players {
			var pr wire.Reveal
			p.Wait(wire.TypeReveal).Decode(t, &pr)
			if pr.You == nil || pr.You.Score != exp[i].score || pr.You.Streak != exp[i].streak {
				t.Fatalf("player %d after question %d: you %+v, want score %d streak %d", i, qi, pr.You, exp[i].score, exp[i].streak)
			}
			if plannedAnswer(i, q) != nil && pr.You.ResponseMs != responses[i] {
				t.Fatalf("player %d question %d: reveal response %d ms, ack said %d", i, qi, pr.You.ResponseMs, responses[i])
			}
		}
		g.host.Send(map[string]any{"type": "next"})
		g.host.Wait(wire.TypeLeaderboard)
		for _, p := range players {
			var lb wire.Leaderboard
			p.Wait(wire.TypeLeaderboard).Decode(t, &lb)
			if lb.You == nil || len(lb.Top) == 0 {
				t.Fatalf("leaderboard without you/top: %+v", lb)
			}
		}
		g.host.Send(map[string]any{"type": "next"})
	}

	var pod wire.Podium
	g.host.Wait(wire.TypePodium).Decode(t, &pod)
	if pod.Players != len(players) || len(pod.Top) == 0 {
		t.Fatalf("podium %+v", pod)
	}
	var stats wire.Stats
	g.host.Wait(wire.TypeStats).Decode(t, &stats)
	if len(stats.Questions) != len(qs) {
		t.Fatalf("stats for %d questions, want %d", len(stats.Questions), len(qs))
	}
	ranks := make([]int, len(players))
	for i, p := range players {
		var pp wire.Podium
		p.Wait(wire.TypePodium).Decode(t, &pp)
		if pp.You == nil || pp.You.Score != exp[i].score {
			t.Fatalf("player %d podium you %+v, want score %d", i, pp.You, exp[i].score)
		}
		ranks[i] = pp.You.Rank
		var rv wire.Review
		p.Wait(wire.TypeReview).Decode(t, &rv)
	}
	// Competition ranking: a rank is one more than the number of players
	// placed strictly better, and a higher score never places lower.
	for i, r := range ranks {
		better := 0
		for j, o := range ranks {
			if o < r {
				better++
			}
			if exp[j].score < exp[i].score && o <= r {
				t.Fatalf("player %d (%d points) placed %d, not above player %d (%d points) placed %d", i, exp[i].score, r, j, exp[j].score, o)
			}
		}
		if r != better+1 {
			t.Fatalf("player %d placed %d with %d players ahead: ranks %v are not a competition ranking", i, r, better, ranks)
		}
	}
	for i := 1; i < len(pod.Top); i++ {
		tied := pod.Top[i].Score == pod.Top[i-1].Score && pod.Top[i].Rank == pod.Top[i-1].Rank
		if pod.Top[i].Score > pod.Top[i-1].Score || (pod.Top[i].Rank != i+1 && !tied) {
			t.Fatalf("podium out of order: %+v", pod.Top)
		}
	}

	// Results agree with what the players were told.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/games/"+g.pin+"/results.json", nil)
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res httpapi.ResultsJSON
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	byID := map[string]int{}
	for _, p := range res.Players {
		byID[p.PlayerID] = p.Score
	}
	for i, p := range players {
		if byID[p.id] != exp[i].score {
			t.Fatalf("results.json: %s score %d, want %d", p.id, byID[p.id], exp[i].score)
		}
	}

	g.host.Send(map[string]any{"type": "next"})
	var end wire.Ended
	g.host.Wait(wire.TypeEnded).Decode(t, &end)
	if end.Reason != game.EndFinished {
		t.Fatalf("ended %+v", end)
	}
	for _, p := range players {
		p.Wait(wire.TypeEnded)
		if code, _ := p.WaitClosed(); code != websocket.StatusNormalClosure {
			t.Fatalf("close after the game: %d, want 1000", code)
		}
	}
}
