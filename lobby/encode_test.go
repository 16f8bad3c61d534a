package lobby

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

func TestHandEncodersMatchEncodingJSON(t *testing.T) {
	ranks := []wire.YouRank{
		{Rank: 1, Score: 0},
		{Rank: 2, Score: 950, Ahead: &wire.Ahead{Nickname: "Ada", Score: 1000}},
		{Rank: 3, Score: -5, Ahead: &wire.Ahead{Nickname: "<b>\"é\\</b>\n&", Score: 7}},
	}
	for _, y := range ranks {
		if got, want := appendYouRank(nil, y), wire.Marshal(y); !bytes.Equal(got, want) {
			t.Errorf("YouRank:\n got %s\nwant %s", got, want)
		}
	}
	results := []wire.YouResult{{}, {Answered: true, Correct: true, Points: 987, StreakBonus: 100, Streak: 3, Score: 4321, Rank: 12, ResponseMs: 1234}}
	for _, y := range results {
		if got, want := appendYouResult(nil, y), wire.Marshal(y); !bytes.Equal(got, want) {
			t.Errorf("YouResult:\n got %s\nwant %s", got, want)
		}
	}
}

func TestEncodedOutputDecodesToTheSameItems(t *testing.T) {
	msg := outMsg{W: 42, Items: []outItem{
		{To: toAll, D: json.RawMessage(`{"type":"reveal","seq":3}`), Q: 2,
			You: map[game.PlayerID]json.RawMessage{"p_1": json.RawMessage(`{"rank":1}`), `p_"odd"`: json.RawMessage(`{"rank":2}`)}},
		{To: toPlayers, Per: map[game.PlayerID]json.RawMessage{"p_1": json.RawMessage(`{"type":"review"}`)}},
		{To: toRef, Origin: "i_a", Ref: 7, D: json.RawMessage(`{"type":"answer_ack"}`), Recv: time.UnixMilli(1700000000000).UTC()},
		{To: toPlayers, You: map[game.PlayerID]json.RawMessage{}},
		{To: toAll, End: true},
	}}
	data := encodeOutput(msg)
	if !json.Valid(data) {
		t.Fatalf("invalid JSON: %s", data)
	}
	var got outMsg
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	var want outMsg
	if err := json.Unmarshal(wire.Marshal(msg), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hand-encoded output decodes to\n%+v\nwant\n%+v", got, want)
	}
}

func TestPlainReplyMatchesEncodingJSON(t *testing.T) {
	ms := int64(812)
	// As the room encodes its frames (wire.Marshal escapes HTML characters).
	ack := json.RawMessage(wire.Marshal(wire.AnswerAck{Type: wire.TypeAnswerAck, Re: json.RawMessage(`"a<1>"`), Accepted: true, ResponseMs: &ms}))
	items := []outItem{
		{To: toRef, Origin: "i_a", Ref: 7, D: ack, Recv: time.Date(2026, 11, 28, 16, 0, 0, 123456789, time.UTC)},
		{To: toRef, Origin: "i_\"b\"", Ref: 1<<63 + 5, D: ack, Recv: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", -5*3600+1800))},
		{To: toRef, Origin: "i_a", Ref: 9, D: ack},
		{To: toRef, D: ack},
	}
	for _, it := range items {
		if !isPlainReply(it) {
			t.Fatalf("%+v not taken as a plain reply", it)
		}
		if got, want := appendItem(nil, it), wire.Marshal(it); !bytes.Equal(got, want) {
			t.Errorf("plain reply:\n got %s\nwant %s", got, want)
		}
	}
	for _, it := range []outItem{
		{To: toRef, Origin: "i_a", Ref: 7, D: ack, Close: CloseLeft},
		{To: toRef, Origin: "i_a", Ref: 7, D: ack, Role: wire.RolePlayer, Player: "p_1", Q: 1},
		{To: toRef, Origin: "i_a", Ref: 7, Code: wire.CodeKicked, Msg: "no"},
		{To: toAll, D: ack},
	} {
		if isPlainReply(it) {
			t.Errorf("%+v taken as a plain reply", it)
		}
	}
}

func TestAnswerInputMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 12, 3, 13, 0, 0, 123456789, time.UTC)
	for _, in := range []input{
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 7, Re: json.RawMessage(`"c12"`), At: at, Player: "p_1", Role: wire.RolePlayer,
			Q: 3, Answer: game.Answer{Choices: []int{2}}, RT: 1234567, Recv: at.Add(-time.Millisecond)},
		{Op: wire.TypeAnswer, Origin: "i_\"b\"", Ref: 1<<63 + 5, Re: json.RawMessage(`42`), At: at.In(time.FixedZone("x", -5*3600+1800)),
			Player: "p_é", Q: 0, Answer: game.Answer{Text: "Ünïcode <b>&\"quoted\"\n"}, Recv: at},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Answer: game.Answer{Choices: []int{0, 3, 1}, Text: "both"}},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Answer: game.Answer{Choices: []int{}}},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Answer: game.Answer{Choices: []int{1, 2}, List: true}},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Answer: game.Answer{Text: "x", List: true}},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Answer: game.Answer{List: true}},
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 1, At: at, Q: -1, RT: -5},
		{Op: wire.TypeAnswer},
	} {
		if !isPlainAnswer(in) {
			t.Fatalf("%+v not taken as a plain answer", in)
		}
		want, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeInput(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("answer input:\n got %s (%v)\nwant %s", got, err, want)
		}
		var back input
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("decoding %s: %v", got, err)
		}
	}
	for _, in := range []input{
		{Op: wire.TypeJoin, Origin: "i_a", Nickname: "ada"},
		{Op: wire.TypeAnswer, Counted: true},
		{Op: wire.TypeAnswer, Re: json.RawMessage(`"a b"`)},
		{Op: wire.TypeAnswer, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if isPlainAnswer(in) {
			t.Errorf("%+v taken as a plain answer", in)
		}
	}
}

func TestAckMatchesEncodingJSON(t *testing.T) {
	ms, zero := int64(812), int64(0)
	for _, a := range []wire.AnswerAck{
		{Type: wire.TypeAnswerAck, Re: json.RawMessage(`"c7"`), Seq: 12, Q: 3, Accepted: true, ResponseMs: &ms},
		{Type: wire.TypeAnswerAck, Re: json.RawMessage(`17`), Seq: 1<<64 - 1, Q: 0, Accepted: true, ResponseMs: &zero},
		{Type: wire.TypeAnswerAck, Seq: 0, Q: -1, Accepted: true},
		{Type: wire.TypeAnswerAck, Re: json.RawMessage(`"<x>"`), Accepted: true},
		{Type: wire.TypeAnswerAck, Re: json.RawMessage(`"c1"`), Q: 2, Code: wire.CodeAlreadyAnswered, Message: "you already answered"},
	} {
		if got, want := encodeAck(a), wire.Marshal(a); !bytes.Equal(got, want) {
			t.Errorf("ack:\n got %s\nwant %s", got, want)
		}
	}
}

// FuzzDecodeInput: the hand-read answers decode exactly as encoding/json
// decodes them, and anything else is left to encoding/json.
func FuzzDecodeInput(f *testing.F) {
	at := time.Date(2026, 12, 3, 13, 0, 0, 123456789, time.UTC)
	for _, in := range []input{
		{Op: wire.TypeAnswer, Origin: "i_a", Ref: 7, Re: json.RawMessage(`"c12"`), At: at, Player: "p_1", Role: wire.RolePlayer,
			Q: 3, Answer: game.Answer{Choices: []int{2}}, RT: 1234567, Recv: at.Add(-time.Millisecond)},
		{Op: wire.TypeAnswer, Origin: "i_b", Ref: 1, Re: json.RawMessage(`-42`), At: at, Answer: game.Answer{Choices: []int{0, 3}, Text: "both"}},
		{Op: wire.TypeAnswer, Origin: "i_b", Ref: 1, At: at, Answer: game.Answer{Text: "Ünï"}},
		{Op: wire.TypeAnswer, Origin: "i_b", Ref: 1, At: at, Answer: game.Answer{Choices: []int{}}, Q: -3, RT: -1},
		{Op: wire.TypeAnswer, Origin: "i_b", Ref: 1, At: at, Answer: game.Answer{Choices: []int{1}, List: true}},
		{Op: wire.TypeJoin, Origin: "i_a", Nickname: "ada", Token: "r_x", At: at},
	} {
		data, err := encodeInput(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"op":"answer","o":"i","r":1,"at":"2026-12-03T13:00:00Z","q":01}`))
	f.Add([]byte(`{"op":"answer","o":"i","r":1,"at":"2026-12-03T13:00:00Z","a":{"choices":[1,]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var want input
		wantErr := json.Unmarshal(data, &want)
		got, err := decodeInput(data)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: error %v, encoding/json %v", data, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n got %#v\nwant %#v", data, got, want)
		}
	})
}

// Every answer the lobby encodes is read back by hand, not by encoding/json.
func TestAnswerInputsAreReadByHand(t *testing.T) {
	at := time.Date(2026, 12, 3, 13, 0, 0, 5, time.FixedZone("x", 3600))
	in := input{Op: wire.TypeAnswer, Origin: "i_a", Ref: 9, Re: json.RawMessage(`"c3"`), At: at, Player: "p_2", Role: wire.RolePlayer,
		Q: 1, Answer: game.Answer{Choices: []int{0, 2}}, RT: 5 * time.Millisecond, Recv: at}
	data, _ := encodeInput(in)
	got, ok := scanAnswerInput(data)
	if !ok {
		t.Fatalf("%s not read by hand", data)
	}
	var want input
	if err := json.Unmarshal(data, &want); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v (%v)", got, want, err)
	}
}

// The hand-written codec knows every field of input and game.Answer: a field
// added to either must be added to appendAnswerInput, isPlainAnswer and
// scanAnswerInput too (or an answer would lose it on its way to the room).
func TestAnswerCodecKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
	}{
		{input{}, []string{"ID", "Op", "Origin", "Ref", "Re", "At", "Counted", "Player", "Role", "Nickname", "Token", "Q", "Step", "Answer", "RT", "Recv", "Seconds", "Target", "Team"}},
		{game.Answer{}, []string{"Choices", "Text", "List"}},
	} {
		typ := reflect.TypeOf(c.v)
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s has fields %v; the answer codec (lobby/input.go) knows %v", typ, got, c.want)
		}
	}
}
