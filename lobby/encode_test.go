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
