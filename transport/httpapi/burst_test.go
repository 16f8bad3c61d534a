package httpapi_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Every player answers at the same moment, over real WebSockets, in a room
// whose input queue is far smaller than the burst: every answer is
// accepted, none is refused with room_busy (answers are bounded by the
// players, not by the queue).
func TestAnswerBurstOverWebSocketsIsNeverRefused(t *testing.T) {
	const players = 120
	s := start(t, options{lobby: lobby.Config{InputQueue: 1}})
	g := s.newGame(t, []game.Question{
		{ID: "q1", Kind: game.KindSingle, Prompt: "Which spreads load?", Options: []string{"Cache", "Load balancer"}, Correct: []int{1}},
	}, game.Settings{QuestionTime: time.Minute, MaxPlayers: players})
	ps := s.joinMany(t, g.pin, players) // one at a time: joins stay bounded by the queue
	g.host.Send(map[string]any{"type": "start"})
	for _, p := range ps {
		p.Wait(wire.TypeQuestion)
	}
	var wg sync.WaitGroup
	now := make(chan struct{})
	for i, p := range ps {
		wg.Go(func() {
			<-now
			p.Send(map[string]any{"type": "answer", "q": 0, "choice": 1, "id": fmt.Sprint("a", i)})
		})
	}
	close(now)
	wg.Wait()
	for i, p := range ps {
		m := p.Wait(wire.TypeAnswerAck, wire.TypeError)
		if m.Type == wire.TypeError {
			var e wire.ErrorMsg
			m.Decode(t, &e)
			t.Fatalf("player %d: answer refused with %s: %s", i, e.Code, e.Message)
		}
		var ack wire.AnswerAck
		m.Decode(t, &ack)
		if !ack.Accepted {
			t.Fatalf("player %d: answer not accepted: %+v", i, ack)
		}
	}
}
