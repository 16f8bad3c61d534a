package lobby_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeConn records what the room sends.
type fakeConn struct {
	mu     sync.Mutex
	frames []lobby.Frame
	closed lobby.CloseReason
}

func (c *fakeConn) Send(f lobby.Frame) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames = append(c.frames, f)
	return c.closed == ""
}

func (c *fakeConn) Close(r lobby.CloseReason) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == "" {
		c.closed = r
	}
}

func (c *fakeConn) types() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, f := range c.frames {
		typ, _, _ := wire.Peek(f.Data)
		out = append(out, typ)
	}
	return out
}

func (c *fakeConn) last(t *testing.T, typ string, v any) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.frames) - 1; i >= 0; i-- {
		if ty, _, _ := wire.Peek(c.frames[i].Data); ty == typ {
			if err := json.Unmarshal(c.frames[i].Data, v); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no %s among %v", typ, c.typesLocked())
}

func (c *fakeConn) typesLocked() []string {
	var out []string
	for _, f := range c.frames {
		typ, _, _ := wire.Peek(f.Data)
		out = append(out, typ)
	}
	return out
}

func (c *fakeConn) count(typ string) int {
	n := 0
	for _, ty := range c.types() {
		if ty == typ {
			n++
		}
	}
	return n
}

func questions() []game.Question {
	return []game.Question{
		{ID: "a", Kind: game.KindSingle, Prompt: "1+1?", Options: []string{"1", "2"}, Correct: []int{1}},
		{ID: "b", Kind: game.KindTrueFalse, Prompt: "Go has goroutines.", Options: []string{"True", "False"}, Correct: []int{0}},
	}
}

func setup(t *testing.T, cfg lobby.Config, s game.Settings) (*lobby.Lobby, *lobby.Member, *fakeConn, *lobby.Member, *fakeConn) {
	t.Helper()
	ctx := context.Background()
	l := lobby.New(membus.New(membus.Options{}), cfg)
	created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: questions(), Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	hc := &fakeConn{}
	host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, hc)
	if err != nil {
		t.Fatal(err)
	}
	pc := &fakeConn{}
	p, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "ada"}, pc)
	if err != nil {
		t.Fatal(err)
	}
	return l, host, hc, p, pc
}

func TestRoomTimersRunTheGameByThemselves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, _, pc := setup(t, lobby.Config{AnswerGrace: 500 * time.Millisecond},
			game.Settings{QuestionTime: 10 * time.Second, AutoAdvance: true, RevealTime: 3 * time.Second})
		defer l.Close()
		if err := host.Submit(context.Background(), lobby.Message{Type: wire.TypeStart}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		var q wire.Question
		pc.last(t, wire.TypeQuestion, &q)
		if q.Q != 0 || q.DeadlineMs-q.ServerMs != 10_000 || q.TimeMs != 10_000 {
			t.Fatalf("question %+v", q)
		}

		time.Sleep(10*time.Second + 400*time.Millisecond)
		synctest.Wait()
		if pc.count(wire.TypeReveal) != 0 {
			t.Fatal("revealed before the deadline plus grace")
		}
		time.Sleep(200 * time.Millisecond)
		synctest.Wait()
		var rev wire.Reveal
		pc.last(t, wire.TypeReveal, &rev)
		if rev.Reason != game.CloseDeadline || rev.You == nil || rev.You.Answered {
			t.Fatalf("reveal %+v", rev)
		}

		time.Sleep(3 * time.Second)
		synctest.Wait()
		pc.last(t, wire.TypeQuestion, &q)
		if q.Q != 1 {
			t.Fatalf("auto-advance: question %d, want 1", q.Q)
		}
		time.Sleep(10*time.Second + 500*time.Millisecond + 3*time.Second)
		synctest.Wait()
		if hc.count(wire.TypePodium) != 1 || pc.count(wire.TypeReview) != 1 || hc.count(wire.TypeStats) != 1 {
			t.Fatalf("no podium after the last question: host %v", hc.types())
		}

		// From the podium, next ends the game: the room and its view go away
		// with every goroutine, without closing the lobby.
		_ = host.Submit(context.Background(), lobby.Message{Type: wire.TypeNext})
		synctest.Wait()
		if hc.closed != lobby.CloseGameOver || pc.closed != lobby.CloseGameOver || l.Rooms() != 0 {
			t.Fatalf("after the end: host %q player %q, %d rooms", hc.closed, pc.closed, l.Rooms())
		}
		goleak.VerifyNone(t, goleak.IgnoreTopFunction("internal/synctest.Run"),
			goleak.IgnoreTopFunction("testing/synctest.testingSynctestTest"))
	})
}

func TestIdleRoomEndsAndClosesItsConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, _, hc, _, pc := setup(t, lobby.Config{IdleTimeout: time.Minute}, game.Settings{})
		defer l.Close()
		time.Sleep(time.Minute + 10*time.Second)
		synctest.Wait()
		var end wire.Ended
		pc.last(t, wire.TypeEnded, &end)
		if end.Reason != game.EndHostEnded && end.Reason != game.EndFinished {
			t.Fatalf("ended %+v", end)
		}
		if hc.closed != lobby.CloseGameOver || pc.closed != lobby.CloseGameOver {
			t.Fatalf("closes: host %q player %q", hc.closed, pc.closed)
		}
		if l.Rooms() != 0 {
			t.Fatalf("%d rooms still running", l.Rooms())
		}
	})
}

func TestAnswerTimingComesFromTheServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, _, p, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: 20 * time.Second})
		defer l.Close()
		ctx := context.Background()
		_ = host.Submit(ctx, lobby.Message{Type: wire.TypeStart})
		synctest.Wait()
		time.Sleep(4 * time.Second)
		// The connection says 1 s (its measure from the frame write); the
		// room accepts it: 4 s since opening minus up to 1 s of compensation
		// is the floor, so 3 s counts.
		_ = p.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}},
			Received: time.Now(), ResponseTime: time.Second})
		synctest.Wait()
		var ack wire.AnswerAck
		pc.last(t, wire.TypeAnswerAck, &ack)
		if !ack.Accepted || ack.ResponseMs == nil || *ack.ResponseMs != 3000 {
			t.Fatalf("ack %+v (response %v)", ack, ack.ResponseMs)
		}
	})
}

func TestLobbyCloseLeavesNoGoroutine(t *testing.T) {
	l, _, _, p, _ := setup(t, lobby.Config{}, game.Settings{})
	p.Detach()
	l.Close()
	// goleak in TestMain checks the rest.
}
