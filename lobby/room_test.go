package lobby_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
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
	return setupOn(t, membus.New(membus.Options{}), cfg, s)
}

// setupOn is setup on bus.
func setupOn(t *testing.T, bus lobby.Bus, cfg lobby.Config, s game.Settings) (*lobby.Lobby, *lobby.Member, *fakeConn, *lobby.Member, *fakeConn) {
	t.Helper()
	ctx := context.Background()
	l := lobby.New(bus, cfg)
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

// The idle end is recorded in the input log, as the timed steps are: while
// the store refuses the owner's records, the room does not end on the
// owner's clock alone; once they go through again, it ends.
func TestIdleEndWaitsForItsRecord(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := bustest.NewFaultBus(membus.New(membus.Options{}), 1)
		l, _, _, _, pc := setupOn(t, fb, lobby.Config{IdleTimeout: time.Minute, LeaseTTL: 3 * time.Second}, game.Settings{})
		defer l.Close()
		fb.Fail("AppendInputFenced", nil)
		time.Sleep(time.Minute + 10*time.Second)
		synctest.Wait()
		if pc.count(wire.TypeEnded) != 0 || l.Rooms() != 1 {
			t.Fatalf("the idle room ended without its record: the player saw %v", pc.types())
		}
		fb.Heal("AppendInputFenced")
		time.Sleep(2 * time.Second) // the next renewal records it
		synctest.Wait()
		if pc.count(wire.TypeEnded) != 1 || pc.reason() != lobby.CloseGameOver || l.Rooms() != 0 {
			t.Fatalf("after the record: the player saw %v, closed %q; want the end", pc.types(), pc.reason())
		}
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

// frames decodes every frame of typ c received, in order.
func framesOf[T any](t *testing.T, c *fakeConn, typ string) []T {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []T
	for _, f := range c.frames {
		if ty, _, _ := wire.Peek(f.Data); ty == typ {
			var v T
			if err := json.Unmarshal(f.Data, &v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
	}
	return out
}

// joinAll attaches n players at once (a join flood) and returns them.
func joinAll(t *testing.T, l *lobby.Lobby, pin string, n int) ([]*lobby.Member, []*fakeConn) {
	t.Helper()
	ms, cs := make([]*lobby.Member, n), make([]*fakeConn, n)
	var wg sync.WaitGroup
	for i := range n {
		cs[i] = &fakeConn{}
		wg.Go(func() {
			m, err := l.Attach(context.Background(), lobby.Hello{Type: wire.TypeJoin, PIN: pin, Nickname: fmt.Sprint("p", i)}, cs[i])
			if err != nil {
				t.Error(err)
			}
			ms[i] = m
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ms, cs
}

func TestHostSeesEveryPlayerOfAJoinFloodInFewMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, _, hc, _, _ := setup(t, lobby.Config{}, game.Settings{MaxPlayers: 1000})
		defer l.Close()
		const n = 600
		members, _ := joinAll(t, l, hostPIN(t, hc), n)
		time.Sleep(time.Second) // past the throttle: the last joins go out
		synctest.Wait()

		seen := map[string]bool{}
		notes := framesOf[wire.PlayerJoined](t, hc, wire.TypePlayerJoined)
		for _, pj := range notes {
			if len(pj.Players) == 0 || len(pj.Players) > 500 || pj.Player != pj.Players[len(pj.Players)-1] {
				t.Fatalf("player_joined %+v", pj)
			}
			for _, p := range pj.Players {
				if seen[p.ID] {
					t.Fatalf("%s announced twice", p.ID)
				}
				seen[p.ID] = true
			}
		}
		for _, m := range members {
			if !seen[m.PlayerID()] {
				t.Fatalf("the host never saw %s joining", m.PlayerID())
			}
		}
		if last := notes[len(notes)-1]; last.Count != n+1 {
			t.Fatalf("last count %d, want %d", last.Count, n+1)
		}
		// Below 100 players every batch's joins go out at once (a small
		// lobby fills live), so how many messages the first hundred take
		// depends on how the scheduler batched them; past that the throttle
		// allows one per 150 ms, and the flood takes no time at all here.
		throttled := 0
		for _, pj := range notes {
			if pj.Count-len(pj.Players) >= 100 {
				throttled++
			}
		}
		if throttled > 3 {
			t.Fatalf("%d player_joined messages for the %d joins past 100 players: not coalesced", throttled, n-100)
		}
	})
}

// hostPIN reads the game's PIN from the host's welcome.
func hostPIN(t *testing.T, hc *fakeConn) string {
	var w wire.Welcome
	hc.last(t, wire.TypeWelcome, &w)
	return w.PIN
}

func TestAnswerCountsAreCoalescedAndEndWithTheExactCount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, first, _ := setup(t, lobby.Config{InputQueue: 10000}, game.Settings{QuestionTime: time.Minute, MaxPlayers: 1000})
		defer l.Close()
		const n = 400
		members, _ := joinAll(t, l, hostPIN(t, hc), n)
		members = append(members, first)
		ctx := context.Background()
		_ = host.Submit(ctx, lobby.Message{Type: wire.TypeStart})
		synctest.Wait()
		// Everyone answers within a second, a few at a time.
		for i, m := range members {
			if err := m.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}},
				Received: time.Now(), ResponseTime: time.Second}); err != nil {
				t.Fatal(err)
			}
			if i%20 == 19 {
				time.Sleep(50 * time.Millisecond)
				synctest.Wait()
			}
		}
		synctest.Wait()

		counts := framesOf[wire.AnswersCount](t, hc, wire.TypeAnswersCount)
		if len(counts) == 0 || len(counts) > len(members)/10 {
			t.Fatalf("%d answers_count for %d answers", len(counts), len(members))
		}
		last := counts[len(counts)-1]
		if last.Answered != len(members) || last.Players != len(members) {
			t.Fatalf("last answers_count %+v, want %d of %d", last, len(members), len(members))
		}
		types := hc.types()
		lastCount, reveal := -1, -1
		for i, ty := range types {
			switch ty {
			case wire.TypeAnswersCount:
				lastCount = i
			case wire.TypeReveal:
				reveal = i
			}
		}
		if reveal < 0 || lastCount > reveal {
			t.Fatalf("the final count must come before the reveal: %v", types)
		}
	})
}

// Closed lets the room see a connection closed by its transport.
func (c *fakeConn) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed != ""
}

// A client that floods sync and stops reading is cut as a slow consumer by
// its transport; the syncs it already queued must not make the room encode a
// full state each for a connection nobody reads.
func TestSyncFromAClosedConnectionCostsNoState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, p, pc := setup(t, lobby.Config{}, game.Settings{})
		defer l.Close()
		ctx := context.Background()
		if err := p.Submit(ctx, lobby.Message{Type: wire.TypeSync}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if pc.count(wire.TypeState) != 1 {
			t.Fatalf("an open connection's sync: %v", pc.types())
		}
		pc.Close("slow consumer") // the transport cut it; the room has not heard yet
		for range 50 {
			if err := p.Submit(ctx, lobby.Message{Type: wire.TypeSync}); err != nil {
				t.Fatal(err)
			}
		}
		if err := host.Submit(ctx, lobby.Message{Type: wire.TypeSync}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if n := pc.count(wire.TypeState); n != 1 {
			t.Fatalf("the room encoded %d states for a closed connection", n-1)
		}
		if hc.count(wire.TypeState) != 1 {
			t.Fatalf("the host's sync after them: %v", hc.types())
		}
	})
}

// startAndAnswer is setup, the game started and the player's answer to the
// first question submitted. Run inside a synctest bubble.
func startAndAnswer(t *testing.T, s game.Settings) (*lobby.Lobby, *fakeConn, *lobby.Member, *fakeConn) {
	t.Helper()
	l, host, hc, p, pc := setup(t, lobby.Config{}, s)
	ctx := context.Background()
	_ = host.Submit(ctx, lobby.Message{Type: wire.TypeStart})
	synctest.Wait()
	_ = p.Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})
	synctest.Wait()
	return l, hc, p, pc
}

// TestRepliesAreMarkedForTheWriters: the welcome and an answer's ack (and a
// refused answer's error) are replies, which the transport writes before the
// broadcasts waiting; the question and the reveal are not.
func TestRepliesAreMarkedForTheWriters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, _, p, pc := startAndAnswer(t, game.Settings{QuestionTime: 20 * time.Second})
		defer l.Close()
		_ = p.Submit(context.Background(), lobby.Message{Type: wire.TypeAnswer, Q: 7, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})
		synctest.Wait()
		pc.mu.Lock()
		defer pc.mu.Unlock()
		want := map[string]bool{wire.TypeWelcome: true, wire.TypeAnswerAck: true, wire.TypeError: true,
			wire.TypeQuestion: false, wire.TypeReveal: false}
		seen := map[string]bool{}
		for _, f := range pc.frames {
			typ, _, _ := wire.Peek(f.Data)
			if reply, ok := want[typ]; ok {
				seen[typ] = true
				if f.Reply != reply {
					t.Errorf("%s: Reply %v, want %v", typ, f.Reply, reply)
				}
			}
		}
		for typ := range want {
			if !seen[typ] && typ != wire.TypeError {
				t.Errorf("no %s among %v", typ, pc.typesLocked())
			}
		}
	})
}

// writeNowOf reports the WriteNow mark of every frame of type typ c got.
func writeNowOf(c *fakeConn, typ string) []bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []bool
	for _, f := range c.frames {
		if ty, _, _ := wire.Peek(f.Data); ty == typ {
			out = append(out, f.WriteNow)
		}
	}
	return out
}

// TestSmallRoomsAskForTheirQuestionsToBeWrittenNow: in a room of a few
// players the question is marked for the delivering goroutine to write
// itself (Frame.WriteNow), and nothing else is (the reveal, the welcome, the
// ack); in a room past lobby.WriteNowFanout the question goes to the
// transport's writers like the rest.
func TestSmallRoomsAskForTheirQuestionsToBeWrittenNow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, hc, _, pc := startAndAnswer(t, game.Settings{QuestionTime: 20 * time.Second})
		defer l.Close()
		for typ, want := range map[string]bool{wire.TypeQuestion: true, wire.TypeWelcome: false, wire.TypeAnswerAck: false, wire.TypeReveal: false} {
			got := writeNowOf(pc, typ)
			if len(got) == 0 {
				t.Fatalf("no %s among %v", typ, pc.types())
			}
			for _, now := range got {
				if now != want {
					t.Errorf("small room, %s: WriteNow %v, want %v", typ, now, want)
				}
			}
		}
		if got := writeNowOf(hc, wire.TypeQuestion); len(got) != 1 || !got[0] {
			t.Errorf("small room, the host's question: WriteNow %v, want [true]", got)
		}

		l2, host2, hc2, _, _ := setup(t, lobby.Config{}, game.Settings{QuestionTime: 20 * time.Second, MaxPlayers: 1000})
		defer l2.Close()
		_, cs := joinAll(t, l2, hostPIN(t, hc2), lobby.WriteNowFanout)
		_ = host2.Submit(context.Background(), lobby.Message{Type: wire.TypeStart})
		synctest.Wait()
		for _, c := range append(cs[:1], hc2) {
			if got := writeNowOf(c, wire.TypeQuestion); len(got) != 1 || got[0] {
				t.Errorf("a room past %d connections: the question's WriteNow %v, want [false]", lobby.WriteNowFanout, got)
			}
		}
	})
}
