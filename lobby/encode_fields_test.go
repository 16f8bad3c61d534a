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

// The hand-written encoders (plain replies, accepted acks, answer inputs)
// are guarded field by field: each test below starts from a value the hand
// encoder takes, sets one field at a time to a non-zero value, and requires
// the result to be byte for byte what encoding/json writes, whichever path
// the encoder chose. A field added to outItem, wire.AnswerAck or input that
// the hand encoder would drop fails here without anyone listing it.

// nonZero returns a non-zero value of t that encoding/json can write.
func nonZero(t *testing.T, typ reflect.Type) reflect.Value {
	t.Helper()
	v := reflect.New(typ).Elem()
	switch {
	case typ == reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(`"x1"`))
	case typ == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 12, 3, 13, 0, 0, 5, time.UTC)))
	case typ.Kind() == reflect.String:
		v.SetString("v<\"é")
	case typ.Kind() == reflect.Bool:
		v.SetBool(true)
	case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Int64:
		v.SetInt(-3)
	case typ.Kind() >= reflect.Uint && typ.Kind() <= reflect.Uint64:
		v.SetUint(1<<63 + 7)
	case typ.Kind() == reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
		v.Elem().Set(nonZero(t, typ.Elem()))
	case typ.Kind() == reflect.Slice:
		v.Set(reflect.Append(reflect.MakeSlice(typ, 0, 1), nonZero(t, typ.Elem())))
	case typ.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(typ))
		v.SetMapIndex(nonZero(t, typ.Key()), nonZero(t, typ.Elem()))
	case typ.Kind() == reflect.Struct:
		for i := range typ.NumField() {
			if typ.Field(i).IsExported() {
				v.Field(i).Set(nonZero(t, typ.Field(i).Type))
			}
		}
	default:
		t.Fatalf("nonZero: no value for %s", typ)
	}
	return v
}

// walkFields calls check with base and one field set non-zero, for every field.
func walkFields[T any](t *testing.T, base T, check func(t *testing.T, v T)) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			v := base
			reflect.ValueOf(&v).Elem().Field(i).Set(nonZero(t, f.Type))
			check(t, v)
		})
	}
}

func TestReplyEncoderWalksEveryField(t *testing.T) {
	base := outItem{To: toRef, D: json.RawMessage(`{"type":"answer_ack"}`), Origin: "i_a", Ref: 7}
	if !isPlainReply(base) {
		t.Fatal("the base item is not a plain reply")
	}
	walkFields(t, base, func(t *testing.T, it outItem) {
		got, want := appendItem(nil, it), mustMarshal(it)
		if isPlainReply(it) {
			if !bytes.Equal(got, want) {
				t.Errorf("plain reply:\n got %s\nwant %s", got, want)
			}
			return
		}
		// The general path writes the per-player maps last: the same
		// object, its members in another order.
		var g, w outItem
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}

func TestAckEncoderWalksEveryField(t *testing.T) {
	ms := int64(5)
	base := wire.AnswerAck{Type: wire.TypeAnswerAck, Re: json.RawMessage(`"c1"`), Seq: 3, Q: 1, Accepted: true, ResponseMs: &ms}
	walkFields(t, base, func(t *testing.T, a wire.AnswerAck) {
		if got, want := encodeAck(a), wire.Marshal(a); !bytes.Equal(got, want) {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}

func TestAnswerInputCodecWalksEveryField(t *testing.T) {
	at := time.Date(2026, 12, 3, 13, 0, 0, 123, time.UTC)
	base := input{Op: wire.TypeAnswer, Origin: "i_a", Ref: 7, Re: json.RawMessage(`"c1"`), At: at, Player: "p_1",
		Role: wire.RolePlayer, Q: 2, Answer: game.Answer{Choices: []int{1}}, RT: time.Millisecond, Recv: at}
	if !isPlainAnswer(base) {
		t.Fatal("the base input is not a plain answer")
	}
	walkFields(t, base, func(t *testing.T, in input) {
		want, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeInput(in)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("encode (plain=%v):\n got %s (%v)\nwant %s", isPlainAnswer(in), got, err, want)
		}
		var back input
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		if dec, err := decodeInput(got); err != nil || !reflect.DeepEqual(dec, back) {
			t.Errorf("decode:\n got %#v (%v)\nwant %#v", dec, err, back)
		}
	})
}
