package lobby_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

func submit(t *testing.T, m *lobby.Member, msg lobby.Message) {
	t.Helper()
	if err := m.Submit(context.Background(), msg); err != nil {
		t.Fatalf("%s: %v", msg.Type, err)
	}
	synctest.Wait()
}

// Every host command reaches host and players as the protocol says.
func TestHostCommandsReachEveryone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, _, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		for _, c := range []struct {
			msg  lobby.Message
			want string
		}{
			{lobby.Message{Type: wire.TypeLock}, wire.TypeLocked},
			{lobby.Message{Type: wire.TypeUnlock}, wire.TypeLocked},
			{lobby.Message{Type: wire.TypeStart}, wire.TypeQuestion},
			{lobby.Message{Type: wire.TypePause}, wire.TypePaused},
			{lobby.Message{Type: wire.TypeResumeGame}, wire.TypeResumed},
			{lobby.Message{Type: wire.TypeExtend, Seconds: 10}, wire.TypeExtended},
			{lobby.Message{Type: wire.TypeSkip}, wire.TypeReveal},
			{lobby.Message{Type: wire.TypeNext}, wire.TypeQuestion},
			{lobby.Message{Type: wire.TypeEnd}, wire.TypeEnded},
		} {
			before := pc.count(c.want)
			submit(t, host, c.msg)
			if pc.count(c.want) != before+1 || hc.count(c.want) == 0 {
				t.Fatalf("%s: the player saw %v, want one more %s", c.msg.Type, pc.types(), c.want)
			}
		}
		if pc.reason() != lobby.CloseGameOver {
			t.Errorf("player closed with %q after the end", pc.reason())
		}
	})
}

// A refused command answers the host with the engine's reason.
func TestRefusedCommandAnswersWithTheReason(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, _, _ := setup(t, lobby.Config{}, game.Settings{})
		defer l.Close()
		submit(t, host, lobby.Message{Type: wire.TypePause, Re: []byte(`"p1"`)}) // nothing to pause in the lobby
		var e wire.ErrorMsg
		hc.last(t, wire.TypeError, &e)
		if e.Code == "" || string(e.Re) != `"p1"` {
			t.Fatalf("error %+v, want a code and re p1", e)
		}
	})
}

func TestKickClosesThePlayer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, p, pc := setup(t, lobby.Config{}, game.Settings{})
		defer l.Close()
		submit(t, host, lobby.Message{Type: wire.TypeKick, Target: p.PlayerID()})
		if pc.reason() != lobby.CloseKicked {
			t.Fatalf("kicked player closed with %q", pc.reason())
		}
		if hc.count(wire.TypePlayerLeft) != 1 {
			t.Errorf("host saw %v, want player_left", hc.types())
		}
		var w wire.Welcome
		pc.last(t, wire.TypeWelcome, &w)
		if _, err := l.Attach(context.Background(), lobby.Hello{Type: wire.TypeResume, PIN: p.PIN(), ResumeToken: w.ResumeToken}, &fakeConn{}); wire.CodeOf(err) != wire.CodeKicked {
			t.Fatalf("resume of a kicked player: %v, want kicked", err)
		}
	})
}

// Resume gives the player back their seat (score, answer) on a new
// connection and closes the old one; a player who left comes back too.
func TestResumeRestoresThePlayer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, _, p, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		ctx := context.Background()
		var w wire.Welcome
		pc.last(t, wire.TypeWelcome, &w)
		submit(t, host, lobby.Message{Type: wire.TypeStart})
		submit(t, p, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{1}}, Received: time.Now()})

		again := &fakeConn{}
		m, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeResume, PIN: p.PIN(), ResumeToken: w.ResumeToken}, again)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if pc.reason() != lobby.CloseReplaced {
			t.Errorf("old connection closed with %q, want %q", pc.reason(), lobby.CloseReplaced)
		}
		var w2 wire.Welcome
		again.last(t, wire.TypeWelcome, &w2)
		if w2.PlayerID != w.PlayerID || w2.State == nil || w2.State.Answered == nil || !*w2.State.Answered || w2.State.YourAnswer == nil {
			t.Fatalf("resumed welcome %+v, want the same player with their answer", w2)
		}

		submit(t, m, lobby.Message{Type: wire.TypeLeave})
		if again.reason() != lobby.CloseLeft {
			t.Fatalf("leave closed with %q", again.reason())
		}
		back := &fakeConn{}
		if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeResume, PIN: p.PIN(), ResumeToken: w.ResumeToken}, back); err != nil {
			t.Fatalf("resume after leaving: %v", err)
		}
		if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeResume, PIN: p.PIN(), ResumeToken: "r_nope"}, &fakeConn{}); wire.CodeOf(err) != wire.CodeBadResumeToken {
			t.Fatalf("resume with a wrong token: %v", err)
		}
		if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: p.PIN(), HostToken: "h_nope"}, &fakeConn{}); wire.CodeOf(err) != wire.CodeBadHostToken {
			t.Fatalf("host with a wrong token: %v", err)
		}
	})
}

// A phone that slept through the end of the game comes back at the
// podium: the welcome shows the podium, and the review of what the player
// missed, which the podium's broadcast gave the others, comes with it.
func TestResumeAtThePodiumBringsTheReview(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, hc, p, pc := setup(t, lobby.Config{}, game.Settings{QuestionTime: time.Minute})
		defer l.Close()
		ctx := context.Background()
		var w wire.Welcome
		pc.last(t, wire.TypeWelcome, &w)
		submit(t, host, lobby.Message{Type: wire.TypeStart})
		submit(t, p, lobby.Message{Type: wire.TypeAnswer, Q: 0, Answer: game.Answer{Choices: []int{0}}, Received: time.Now()})
		for hc.count(wire.TypePodium) == 0 {
			submit(t, host, lobby.Message{Type: wire.TypeNext})
		}

		back := &fakeConn{}
		if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeResume, PIN: p.PIN(), ResumeToken: w.ResumeToken}, back); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		var w2 wire.Welcome
		back.last(t, wire.TypeWelcome, &w2)
		if w2.State == nil || w2.State.Phase != string(game.PhasePodium) || w2.State.Podium == nil {
			t.Fatalf("welcome at the podium: %+v", w2.State)
		}
		var rev wire.Review
		back.last(t, wire.TypeReview, &rev)
		if len(rev.Missed) != 2 || rev.Missed[0].Q != 0 || rev.Missed[0].CorrectAnswer != "2" {
			t.Fatalf("review %+v, want both questions missed, the first answered 1 where 2 was right", rev)
		}
		if types := back.types(); types[len(types)-1] != wire.TypeReview {
			t.Errorf("frames %v: the review comes after the welcome", types)
		}
	})
}

// Info and Results read the live game on its owner, and the snapshot
// elsewhere; Results needs the host token.
func TestInfoAndResults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		bus := membus.New(membus.Options{})
		l := lobby.New(bus, lobby.Config{Instance: "a"})
		defer l.Close()
		other := lobby.New(bus, lobby.Config{Instance: "b"})
		defer other.Close()
		created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: questions(), Settings: game.Settings{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: "ada"}, &fakeConn{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second) // a renewal period: the join reaches the snapshot
		synctest.Wait()
		for name, lob := range map[string]*lobby.Lobby{"owner": l, "other": other} {
			info, err := lob.Info(ctx, created.PIN)
			if err != nil || info.Players != 1 || info.Total != 2 || !info.Joinable || info.Phase != string(game.PhaseLobby) {
				t.Errorf("%s: info %+v, %v", name, info, err)
			}
			res, err := lob.Results(ctx, created.PIN, created.HostToken)
			if err != nil || len(res.Players) != 1 {
				t.Errorf("%s: results %+v, %v", name, res, err)
			}
			if _, err := lob.Results(ctx, created.PIN, "h_wrong"); wire.CodeOf(err) != wire.CodeBadHostToken {
				t.Errorf("%s: results with a wrong token: %v", name, err)
			}
		}
		if _, err := l.Info(ctx, "000000"); wire.CodeOf(err) != wire.CodeUnknownGame {
			t.Errorf("info of an unknown game: %v", err)
		}
		if l.Players() != 1 {
			t.Errorf("Players() = %d", l.Players())
		}
	})
}

// Drain: not ready any more, new games and attaches refused, running games
// go on.
func TestDrainRefusesNewWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, host, _, _, _ := setup(t, lobby.Config{}, game.Settings{})
		defer l.Close()
		ctx := context.Background()
		if err := l.Ready(ctx); err != nil {
			t.Fatal(err)
		}
		l.Drain()
		if err := l.Ready(ctx); wire.CodeOf(err) != wire.CodeUnavailable {
			t.Fatalf("ready while draining: %v", err)
		}
		if _, err := l.CreateGame(ctx, lobby.GameSpec{Questions: questions()}); wire.CodeOf(err) != wire.CodeUnavailable {
			t.Fatalf("create while draining: %v", err)
		}
		if host.Role() != wire.RoleHost || host.PIN() == "" {
			t.Fatalf("host member %q %q", host.Role(), host.PIN())
		}
	})
}
