package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
	"github.com/quizroom/quizroom/transport/ws"
)

// stillOpen checks the connection still answers after an error.
func stillOpen(t *testing.T, c *wiretest.Client) {
	t.Helper()
	c.Send(map[string]any{"type": "ping", "t": 42})
	c.Wait(wire.TypePong)
}

func TestBadInputGetsItsErrorCode(t *testing.T) {
	s := start(t, options{ws: ws.Config{MessagesPerSecond: 1000, Burst: 1000}})
	qs := mixedQuestions()
	g := s.newGame(t, qs, game.Settings{QuestionTime: 30 * time.Second})
	bystander := s.join(t, g.pin, "bystander")
	p := s.join(t, g.pin, "ada")
	other := s.join(t, g.pin, "bob")

	before := []struct {
		name string
		raw  string
		code wire.Code
	}{
		{"malformed JSON", `{"type":"ping",`, wire.CodeInvalidJSON},
		{"not an object", `[1,2]`, wire.CodeInvalidMessage},
		{"no type", `{"pin":"123456"}`, wire.CodeInvalidMessage},
		{"unknown type", `{"type":"teleport"}`, wire.CodeUnknownType},
		{"wrong type of field", `{"type":"answer","q":"zero","choice":1}`, wire.CodeInvalidField},
		{"type not a string", `{"type":7}`, wire.CodeInvalidMessage},
		{"type a number", `{"type":5}`, wire.CodeInvalidMessage},
		{"type null", `{"type":null}`, wire.CodeInvalidMessage},
		{"missing answer", `{"type":"answer","q":0}`, wire.CodeMissingField},
		{"two answers in one", `{"type":"answer","q":0,"choice":1,"text":"x"}`, wire.CodeInvalidField},
		{"extend out of range", `{"type":"extend","seconds":600}`, wire.CodeInvalidField},
		{"kick without id", `{"type":"kick"}`, wire.CodeMissingField},
		{"already joined", `{"type":"join","pin":"` + g.pin + `","nickname":"again"}`, wire.CodeAlreadyJoined},
		{"host command from a player", `{"type":"start"}`, wire.CodeNotHost},
		{"answer for another player", `{"type":"answer","q":0,"choice":1,"player_id":"` + other.id + `"}`, wire.CodeNotYourPlayer},
	}
	for _, tc := range before {
		t.Run(tc.name, func(t *testing.T) {
			p.SendRaw(websocket.MessageText, []byte(tc.raw))
			p.ExpectError(tc.code)
			stillOpen(t, p.Client)
		})
	}
	t.Run("binary frame", func(t *testing.T) {
		p.SendRaw(websocket.MessageBinary, []byte{1, 2, 3})
		p.ExpectError(wire.CodeBinaryFrame)
		stillOpen(t, p.Client)
	})
	t.Run("error echoes the id", func(t *testing.T) {
		p.SendRaw(websocket.MessageText, []byte(`{"type":"nope","id":"x9"}`))
		if e := p.ExpectError(wire.CodeUnknownType); string(e.Re) != `"x9"` {
			t.Fatalf("re = %s", e.Re)
		}
	})

	g.host.Send(map[string]any{"type": "start"})
	var q wire.Question
	p.Wait(wire.TypeQuestion).Decode(t, &q)
	t.Run("double answer", func(t *testing.T) {
		p.Send(map[string]any{"type": "answer", "q": 0, "choice": 2})
		var ack wire.AnswerAck
		p.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if !ack.Accepted {
			t.Fatalf("first answer refused: %+v", ack)
		}
		p.Send(map[string]any{"type": "answer", "q": 0, "choice": 1})
		p.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if ack.Accepted || ack.Code != wire.CodeAlreadyAnswered {
			t.Fatalf("second answer: %+v", ack)
		}
	})
	t.Run("choices on a single-choice question", func(t *testing.T) {
		bystander.Send(map[string]any{"type": "answer", "q": 0, "choices": []int{2}})
		var ack wire.AnswerAck
		bystander.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if ack.Accepted || ack.Code != wire.CodeInvalidAnswer {
			t.Fatalf("choices on a single question: %+v, want invalid_answer", ack)
		}
	})
	t.Run("invalid answer", func(t *testing.T) {
		other.Send(map[string]any{"type": "answer", "q": 0, "choice": 9})
		var ack wire.AnswerAck
		other.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if ack.Code != wire.CodeInvalidAnswer {
			t.Fatalf("ack %+v", ack)
		}
	})
	t.Run("future question", func(t *testing.T) {
		other.Send(map[string]any{"type": "answer", "q": 3, "choice": 0})
		var ack wire.AnswerAck
		other.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if ack.Code != wire.CodeNotOpen {
			t.Fatalf("ack %+v", ack)
		}
	})
	g.host.Send(map[string]any{"type": "next"}) // close question 0
	p.Wait(wire.TypeReveal)
	t.Run("closed question", func(t *testing.T) {
		other.Wait(wire.TypeReveal)
		other.Send(map[string]any{"type": "answer", "q": 0, "choice": 2})
		var ack wire.AnswerAck
		other.Wait(wire.TypeAnswerAck).Decode(t, &ack)
		if ack.Code != wire.CodeTooLate {
			t.Fatalf("ack %+v", ack)
		}
	})
	t.Run("host command in the wrong phase", func(t *testing.T) {
		g.host.Send(map[string]any{"type": "skip", "id": "s"})
		e := g.host.ExpectError(wire.CodeWrongPhase)
		if !strings.Contains(e.Message, "reveal") {
			t.Fatalf("message does not name the phase: %q", e.Message)
		}
	})
	t.Run("answer from the host", func(t *testing.T) {
		g.host.Send(map[string]any{"type": "answer", "q": 0, "choice": 1})
		g.host.ExpectError(wire.CodeNotPlayer)
	})

	t.Run("nobody else noticed", func(t *testing.T) {
		bystander.Wait(wire.TypeReveal)
		bystander.Send(map[string]any{"type": "sync", "id": "s1"})
		if m := bystander.Next(); m.Type != wire.TypeState {
			t.Fatalf("bystander got %s: %s", m.Type, m.Raw)
		}
	})

	t.Run("oversized frame closes 1009 at once", func(t *testing.T) {
		big := `{"type":"ping","t":1,"pad":"` + strings.Repeat("x", wire.MaxMessageBytes) + `"}`
		sent := time.Now()
		_ = p.TrySendRaw(websocket.MessageText, []byte(big))
		code, reason := p.WaitClosed()
		if code != ws.CloseTooBig.Code || reason != ws.CloseTooBig.Reason {
			t.Fatalf("close %d %q, want %d %q (docs/protocol.md)", code, reason, ws.CloseTooBig.Code, ws.CloseTooBig.Reason)
		}
		// Not a timed test of speed: the close must not wait for a close
		// handshake the server has no reason to wait for (it took ~3 s).
		if took := time.Since(sent); took > time.Second {
			t.Fatalf("closed %v after the frame, want at once", took)
		}
	})
}

func TestFirstMessageErrors(t *testing.T) {
	s := start(t, options{ws: ws.Config{MessagesPerSecond: 1000, Burst: 1000}})
	g := s.newGame(t, mixedQuestions(), game.Settings{MaxPlayers: 2})
	c := wiretest.Dial(t, s.URL)
	cases := []struct {
		name string
		msg  map[string]any
		code wire.Code
	}{
		{"answer before joining", map[string]any{"type": "answer", "q": 0, "choice": 1}, wire.CodeNotJoined},
		{"unknown game", map[string]any{"type": "join", "pin": "000001", "nickname": "x"}, wire.CodeUnknownGame},
		{"bad pin", map[string]any{"type": "join", "pin": "12ab", "nickname": "x"}, wire.CodeInvalidField},
		{"missing nickname", map[string]any{"type": "join", "pin": g.pin}, wire.CodeMissingField},
		{"host without token", map[string]any{"type": "host", "pin": g.pin}, wire.CodeMissingField},
		{"host with a wrong token", map[string]any{"type": "host", "pin": g.pin, "host_token": "h_wrong"}, wire.CodeBadHostToken},
		{"resume with a wrong token", map[string]any{"type": "resume", "pin": g.pin, "resume_token": "r_wrong"}, wire.CodeBadResumeToken},
		{"nickname too long", map[string]any{"type": "join", "pin": g.pin, "nickname": strings.Repeat("é", 21)}, wire.CodeInvalidNickname},
		{"blank nickname", map[string]any{"type": "join", "pin": g.pin, "nickname": "   "}, wire.CodeInvalidNickname},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.Send(tc.msg)
			c.ExpectError(tc.code)
			stillOpen(t, c)
		})
	}

	t.Run("markup nickname is text", func(t *testing.T) {
		nick := `<b onclick=x>hi</b>`
		p := s.join(t, g.pin, nick)
		if p.nick != nick {
			t.Fatalf("nickname stored as %q", p.nick)
		}
		var pj wire.PlayerJoined
		g.host.Wait(wire.TypePlayerJoined).Decode(t, &pj)
		if pj.Player.Nickname != nick {
			t.Fatalf("host sees %q", pj.Player.Nickname)
		}
	})
	t.Run("nickname taken", func(t *testing.T) {
		c.Send(map[string]any{"type": "join", "pin": g.pin, "nickname": "  <B ONCLICK=X>HI</B> "})
		c.ExpectError(wire.CodeNicknameTaken)
	})
	t.Run("full game", func(t *testing.T) {
		s.join(t, g.pin, "second")
		c.Send(map[string]any{"type": "join", "pin": g.pin, "nickname": "third"})
		c.ExpectError(wire.CodeGameFull)
	})

	g2 := s.newGame(t, mixedQuestions(), game.Settings{})
	t.Run("locked game", func(t *testing.T) {
		g2.host.Send(map[string]any{"type": "lock"})
		g2.host.Wait(wire.TypeLocked)
		c.Send(map[string]any{"type": "join", "pin": g2.pin, "nickname": "late"})
		c.ExpectError(wire.CodeGameLocked)
		g2.host.Send(map[string]any{"type": "unlock"})
		g2.host.Wait(wire.TypeLocked)
	})
	t.Run("ended game", func(t *testing.T) {
		s.join(t, g2.pin, "someone")
		g2.host.Send(map[string]any{"type": "end"})
		g2.host.Wait(wire.TypeEnded)
		g2.host.WaitClosed()
		c.Send(map[string]any{"type": "join", "pin": g2.pin, "nickname": "after"})
		c.ExpectError(wire.CodeGameEnded)
	})
}

func TestJoinAttemptsAreRateLimitedPerAddress(t *testing.T) {
	s := start(t, options{joins: ws.NewAddrLimiter(1000, 1000, 1, 3)})
	live := s.newGame(t, mixedQuestions(), game.Settings{})
	// A game nobody at this address has named yet (newGame's host did name
	// live).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	other, err := s.Lobby.CreateGame(ctx, lobby.GameSpec{Questions: mixedQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	c := wiretest.Dial(t, s.URL)
	// The miss budget (3), then the few lookups of new PINs allowed past
	// it (ws.GraceLookups), each answered truthfully.
	for range 3 + ws.GraceLookups {
		c.Send(map[string]any{"type": "join", "pin": "000002", "nickname": "guess"})
		c.ExpectError(wire.CodeUnknownGame)
	}
	c.Send(map[string]any{"type": "join", "pin": "000003", "nickname": "guess"})
	c.ExpectError(wire.CodeJoinRateLimited)
	resp, body := getJSON(t, s.URL+"/api/games/000004")
	if resp.StatusCode != 429 || errorCode(body) != string(wire.CodeJoinRateLimited) {
		t.Fatalf("GET after guessing: %d %v", resp.StatusCode, body)
	}
	// A guess that hits a live PIN this address never found gets the same
	// answer: the limit does not tell which PINs exist.
	c.Send(map[string]any{"type": "join", "pin": other.PIN, "nickname": "guess"})
	c.ExpectError(wire.CodeJoinRateLimited)
	resp, body = getJSON(t, s.URL+"/api/games/"+other.PIN)
	if resp.StatusCode != 429 || errorCode(body) != string(wire.CodeJoinRateLimited) {
		t.Fatalf("GET of a live PIN after guessing: %d %v", resp.StatusCode, body)
	}
	// The game this address found stays reachable.
	if resp, body := getJSON(t, s.URL+"/api/games/"+live.pin); resp.StatusCode != 200 {
		t.Fatalf("GET of the game the host found: %d %v", resp.StatusCode, body)
	}
}

// TestMistypedPINsDoNotLockOutARealRoom: a hall of phones shares one
// address. Ten mistyped PINs from it must not keep the others from the
// game on the screen, before or after one of them found it; guessing
// stays limited.
func TestMistypedPINsDoNotLockOutARealRoom(t *testing.T) {
	t.Run("mistakes first", func(t *testing.T) {
		s := start(t, options{joins: ws.NewAddrLimiter(200, 2000, 10, 10)}) // the serve defaults
		live := s.newGame(t, mixedQuestions(), game.Settings{})
		for i := range 10 {
			if resp, _ := getJSON(t, fmt.Sprintf("%s/api/games/%06d", s.URL, 900000+i)); resp.StatusCode != 404 {
				t.Fatalf("mistyped PIN %d: %d, want 404", i, resp.StatusCode)
			}
		}
		for i := range 20 {
			resp, body := getJSON(t, s.URL+"/api/games/"+live.pin)
			if resp.StatusCode != 200 {
				t.Fatalf("phone %d: GET of the live PIN after ten mistakes: %d %v", i, resp.StatusCode, body)
			}
			s.join(t, live.pin, fmt.Sprintf("phone%02d", i))
		}
	})
	t.Run("mistakes after the room was found", func(t *testing.T) {
		s := start(t, options{joins: ws.NewAddrLimiter(200, 2000, 10, 10)})
		live := s.newGame(t, mixedQuestions(), game.Settings{})
		s.join(t, live.pin, "first")
		for i := range 30 {
			_, _ = getJSON(t, fmt.Sprintf("%s/api/games/%06d", s.URL, 900000+i))
		}
		if resp, body := getJSON(t, s.URL+"/api/games/"+live.pin); resp.StatusCode != 200 {
			t.Fatalf("GET of the live PIN after thirty mistakes: %d %v", resp.StatusCode, body)
		}
		s.join(t, live.pin, "second")
		// Guessing is still limited: the thirty-first is refused.
		if resp, body := getJSON(t, s.URL+"/api/games/999999"); resp.StatusCode != 429 {
			t.Fatalf("a guess past the budget: %d %v", resp.StatusCode, body)
		}
	})
}

func TestMessageFloodIsRefusedThenClosed(t *testing.T) {
	s := start(t, options{ws: ws.Config{MessagesPerSecond: 5, Burst: 5, FloodLimit: 50}})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "flood")
	other := s.join(t, g.pin, "calm")
	for range 60 {
		if p.TrySendRaw(websocket.MessageText, []byte(`{"type":"sync"}`)) != nil {
			break
		}
	}
	p.ExpectError(wire.CodeRateLimited)
	if code, _ := p.WaitClosed(); code != ws.CloseFlood.Code {
		t.Fatalf("close %d, want %d", code, ws.CloseFlood.Code)
	}
	stillOpen(t, other.Client)
}

// docs/protocol.md: the host's state always has players (the display's in
// the lobby), an empty list before anyone joined.
func TestEmptyLobbyStateListsNoPlayers(t *testing.T) {
	s := start(t, options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	created, err := s.Lobby.CreateGame(ctx, lobby.GameSpec{Questions: mixedQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	for _, first := range []map[string]any{
		{"type": "host", "pin": created.PIN, "host_token": created.HostToken},
		{"type": "display", "pin": created.PIN},
	} {
		c := wiretest.Dial(t, s.URL)
		c.Send(first)
		var w struct {
			State map[string]json.RawMessage `json:"state"`
		}
		c.Wait(wire.TypeWelcome).Decode(t, &w)
		if got := string(w.State["players"]); got != "[]" {
			t.Errorf("%s welcome state players = %q, want []", first["type"], got)
		}
		c.Send(map[string]any{"type": "sync"})
		var st map[string]json.RawMessage
		c.Wait(wire.TypeState).Decode(t, &st)
		if got := string(st["players"]); got != "[]" {
			t.Errorf("%s state players = %q, want []", first["type"], got)
		}
	}
}

// TestLookAlikeNicknamesAreRefused: over the wire, a nickname that only
// differs from a player's invisibly or by look-alike letters is refused.
func TestLookAlikeNicknamesAreRefused(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	s.join(t, g.pin, "Victim")
	c := wiretest.Dial(t, s.URL)
	for _, tc := range []struct {
		nick string
		code wire.Code
	}{
		{"Vic\u200Btim", wire.CodeInvalidNickname},
		{"\u202Emitciv", wire.CodeInvalidNickname},
		{"Vi\u0441tim", wire.CodeNicknameTaken},
		{"\uFF36ictim", wire.CodeNicknameTaken},
	} {
		c.Send(map[string]any{"type": "join", "pin": g.pin, "nickname": tc.nick})
		if e := c.ExpectError(tc.code); strings.Contains(e.Message, "precis") {
			t.Errorf("%+q: message %q names the library", tc.nick, e.Message)
		}
	}
	p := s.join(t, g.pin, "\uFF21\uFF44\uFF41")
	if p.nick != "Ada" {
		t.Fatalf("full-width Ada stored as %q", p.nick)
	}
}
