package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/lobby/wire/wiretest"
	"github.com/quizroom/quizroom/transport/ws"
)

// These tests keep docs/protocol.md and the code from drifting apart: every
// JSON example decodes with the wire types (unknown fields refused), every
// message type has an example, every error code and close code is in the doc
// and every one the doc names exists.

const protocolDoc = "../../docs/protocol.md"

func readProtocolDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docExamples returns the JSON examples of the doc's ```json blocks, one per
// message; a line starting with a space continues the message above it.
func docExamples(t *testing.T, doc string) []string {
	t.Helper()
	var out []string
	in := false
	for line := range strings.SplitSeq(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "```json"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in && strings.HasPrefix(line, " ") && len(out) > 0:
			out[len(out)-1] += strings.TrimSpace(line)
		case in && strings.TrimSpace(line) != "":
			out = append(out, line)
		}
	}
	return out
}

// serverTypes maps every message type the server sends to its Go type.
var serverTypes = map[string]func() any{
	wire.TypeWelcome:          func() any { return new(wire.Welcome) },
	wire.TypePong:             func() any { return new(wire.Pong) },
	wire.TypePlayerJoined:     func() any { return new(wire.PlayerJoined) },
	wire.TypePlayerLeft:       func() any { return new(wire.PlayerLeft) },
	wire.TypePlayerConnection: func() any { return new(wire.PlayerConnection) },
	wire.TypeQuestion:         func() any { return new(wire.Question) },
	wire.TypeAnswerAck:        func() any { return new(wire.AnswerAck) },
	wire.TypeAnswersCount:     func() any { return new(wire.AnswersCount) },
	wire.TypePaused:           func() any { return new(wire.Paused) },
	wire.TypeResumed:          func() any { return new(wire.Resumed) },
	wire.TypeExtended:         func() any { return new(wire.Extended) },
	wire.TypeReveal:           func() any { return new(wire.Reveal) },
	wire.TypeLeaderboard:      func() any { return new(wire.Leaderboard) },
	wire.TypePodium:           func() any { return new(wire.Podium) },
	wire.TypeReview:           func() any { return new(wire.Review) },
	wire.TypeStats:            func() any { return new(wire.Stats) },
	wire.TypeLocked:           func() any { return new(wire.LockChanged) },
	wire.TypeEnded:            func() any { return new(wire.Ended) },
	wire.TypeState:            func() any { return new(wire.State) },
	wire.TypeError:            func() any { return new(wire.ErrorMsg) },
	wire.TypeReconnect:        func() any { return new(wire.Reconnect) },
	wire.TypeTeamChanged:      func() any { return new(wire.TeamChanged) },
	wire.TypeChallenge:        func() any { return new(wire.Challenge) },
	wire.TypeProgress:         func() any { return new(wire.Progress) },
	wire.TypeChallengeFinal:   func() any { return new(wire.Finished) },
}

var clientTypes = []string{
	wire.TypeHost, wire.TypeJoin, wire.TypeResume, wire.TypeDisplay, wire.TypePing, wire.TypeAnswer,
	wire.TypeSync, wire.TypeStart, wire.TypeNext, wire.TypeSkip, wire.TypePause, wire.TypeResumeGame,
	wire.TypeEnd, wire.TypeExtend, wire.TypeKick, wire.TypeLock, wire.TypeUnlock, wire.TypeLeave,
	wire.TypeMoveTeam, wire.TypeBalanceTeams, wire.TypeChooseTeam, wire.TypePlayNext,
}

func decodeStrict(data string, v any) error {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}

// topFields returns the member names of a JSON object.
func topFields(data []byte) []string {
	var m map[string]json.RawMessage
	_ = json.Unmarshal(data, &m)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func TestProtocolDocExamplesDecode(t *testing.T) {
	examples := docExamples(t, readProtocolDoc(t))
	seenClient, seenServer := map[string]bool{}, map[string]bool{}
	stateObjects := 0
	for _, ex := range examples {
		var head struct {
			Type *string `json:"type"`
		}
		if err := json.Unmarshal([]byte(ex), &head); err != nil {
			t.Errorf("example is not JSON (%v): %s", err, ex)
			continue
		}
		if head.Type == nil { // the state object
			var st wire.State
			if err := decodeStrict(ex, &st); err != nil {
				t.Errorf("state example: %v: %s", err, ex)
			}
			stateObjects++
			continue
		}
		typ := *head.Type
		if slices.Contains(clientTypes, typ) && !strings.Contains(ex, `"server_ms"`) {
			m, err := wire.DecodeClient([]byte(ex))
			if err != nil {
				t.Errorf("client example refused by wire.DecodeClient: %v: %s", err, ex)
				continue
			}
			// Every field of the example is one the decoder reads.
			if err := decodeStrict(ex, new(wire.Client)); err != nil {
				t.Errorf("client example has a field the server ignores: %v: %s", err, ex)
			}
			seenClient[m.Type] = true
			continue
		}
		newV, ok := serverTypes[typ]
		if !ok {
			t.Errorf("example of unknown type %q: %s", typ, ex)
			continue
		}
		v := newV()
		if err := decodeStrict(ex, v); err != nil {
			t.Errorf("%s example does not match wire's type: %v: %s", typ, err, ex)
			continue
		}
		// Encoding the decoded value again keeps every field the doc shows
		// (a field the type drops would be a doc lie).
		again := wire.Marshal(v)
		for _, k := range topFields([]byte(ex)) {
			if !bytes.Contains(again, []byte(strconv.Quote(k)+":")) {
				t.Errorf("%s example: field %q is lost by wire's type", typ, k)
			}
		}
		seenServer[typ] = true
	}
	for _, typ := range clientTypes {
		if !seenClient[typ] {
			t.Errorf("docs/protocol.md has no JSON example of client message %q", typ)
		}
	}
	for typ := range serverTypes {
		if !seenServer[typ] {
			t.Errorf("docs/protocol.md has no JSON example of server message %q", typ)
		}
	}
	if stateObjects == 0 {
		t.Error("docs/protocol.md has no example of the state object")
	}
}

// codeConstants lists the values of every wire.Code constant, read from the
// source so a new code cannot be forgotten.
func codeConstants(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../../lobby/wire/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for _, v := range vs.Values {
				if lit, ok := v.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					out = append(out, s)
				}
			}
		}
	}
	if len(out) < 30 {
		t.Fatalf("found only %d codes in lobby/wire/errors.go", len(out))
	}
	return out
}

func section(t *testing.T, doc, heading string) string {
	t.Helper()
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("docs/protocol.md has no section %q", heading)
	}
	rest := doc[i+len(heading)+2:]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

var tableCode = regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\|")

func TestProtocolDocListsEveryErrorCode(t *testing.T) {
	doc := readProtocolDoc(t)
	codes := codeConstants(t)
	// The WebSocket table, plus the HTTP-only codes in the HTTP sections.
	table := tableCode.FindAllStringSubmatch(section(t, doc, "## Error codes"), -1)
	http := section(t, doc, "## HTTP API") + section(t, doc, "## Status codes by error code")
	inDoc := map[string]bool{}
	for _, m := range table {
		inDoc[m[1]] = true
	}
	for _, c := range codes {
		if !inDoc[c] && !strings.Contains(http, "`"+c+"`") {
			t.Errorf("error code %q is not in docs/protocol.md", c)
		}
	}
	for c := range inDoc {
		if !slices.Contains(codes, c) {
			t.Errorf("docs/protocol.md lists error code %q, which the code does not have", c)
		}
	}
	for _, m := range regexp.MustCompile("`([a-z]+(?:_[a-z]+)+)`").FindAllStringSubmatch(http, -1) {
		if strings.Contains(m[1], "_ms") || !strings.Contains(http, "`"+m[1]+"`") {
			continue
		}
		if looksLikeCode(m[1]) && !slices.Contains(codes, m[1]) {
			t.Errorf("docs/protocol.md HTTP section names error code %q, which the code does not have", m[1])
		}
	}
}

// looksLikeCode tells error codes from field names in the HTTP section.
func looksLikeCode(s string) bool {
	for _, suffix := range []string{"_game", "_bank", "_token", "_request", "_items", "_settings", "_found", "_ready", "_limited", "_games", "_allowed"} {
		if strings.HasSuffix(s, suffix) && s != "host_token" {
			return true
		}
	}
	return false
}

var closeRow = regexp.MustCompile("(?m)^\\| (\\d{4}) \\| `([^`]+)` \\|")

func TestProtocolDocCloseCodesMatch(t *testing.T) {
	doc := section(t, readProtocolDoc(t), "## Close codes")
	rows := map[string]bool{}
	for _, m := range closeRow.FindAllStringSubmatch(doc, -1) {
		rows[m[1]+" "+m[2]] = true
	}
	closes := []ws.Close{ws.CloseNormal, ws.CloseGameOver, ws.CloseLeft, ws.CloseShutdown, ws.CloseTooBig,
		ws.CloseReplaced, ws.CloseSlow, ws.CloseKicked, ws.CloseIdle, ws.CloseFlood,
		ws.CloseRoomLost, ws.CloseJoinTimeout}
	code := map[string]bool{"1008 " + "subprotocol " + wire.Subprotocol + " required": true}
	for _, c := range closes {
		code[fmt.Sprintf("%d %s", c.Code, c.Reason)] = true
	}
	for k := range code {
		if !rows[k] {
			t.Errorf("close %q is not in the doc's close-codes table", k)
		}
	}
	for k := range rows {
		if !code[k] {
			t.Errorf("the doc's close %q is not one the server uses", k)
		}
	}
}

func TestProtocolDocLimitsMatchTheDefaults(t *testing.T) {
	doc := section(t, readProtocolDoc(t), "## Limits")
	d := ws.DefaultConfig()
	want := []string{
		fmt.Sprintf("| message size | %d bytes |", wire.MaxMessageBytes),
		fmt.Sprintf("| %g/s, burst %d |", d.MessagesPerSecond, d.Burst),
		fmt.Sprintf("after %d dropped in a row", d.FloodLimit),
		fmt.Sprintf("within %d s", int(d.JoinTimeout.Seconds())),
		fmt.Sprintf("a WebSocket ping every %d s (every %d s once 8 round trips are known; up to %d s later while the server's writers are busy) must be answered within %d s",
			int(d.PingInterval.Seconds()), int(ws.SteadyPingFactor*d.PingInterval.Seconds()),
			int(ws.MaxPingPutOffs*d.PingInterval.Seconds()/2), int(d.IdleTimeout.Seconds())),
		fmt.Sprintf("| %d messages or %d KiB |", d.QueueFrames, d.QueueBytes>>10),
		fmt.Sprintf("| %d s per message |", int(d.WriteTimeout.Seconds())),
		fmt.Sprintf("| `extend` | 1..%d seconds |", wire.MaxExtendSeconds),
	}
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("the Limits table does not say %q", w)
		}
	}
	fair := section(t, readProtocolDoc(t), "## Fair timing")
	if !strings.Contains(fair, fmt.Sprintf("min(RTT, %d ms)", d.MaxCompensation.Milliseconds())) {
		t.Errorf("Fair timing does not give the %v cap", d.MaxCompensation)
	}
}

// The doc says every reply echoes the message's id as "re"; state did not.
func TestSyncReplyEchoesTheID(t *testing.T) {
	s := start(t, options{})
	g := s.newGame(t, mixedQuestions(), game.Settings{})
	p := s.join(t, g.pin, "ada")
	for _, c := range []*wiretest.Client{g.host, p.Client} {
		c.Send(map[string]any{"type": "sync", "id": "s1"})
		var st wire.State
		c.Wait(wire.TypeState).Decode(t, &st)
		if string(st.Re) != `"s1"` || st.Phase != "lobby" {
			t.Fatalf("state reply %+v (re %s)", st, st.Re)
		}
	}
}
