package wire_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/quizroom/quizroom/lobby/wire"
)

func TestDecodeClient(t *testing.T) {
	cases := []struct {
		in   string
		code wire.Code
	}{
		{`{"type":"join","pin":"123456","nickname":"Ada"}`, ""},
		{`{"type":"answer","q":0,"choice":1,"id":"a"}`, ""},
		{`{"type":"answer","q":0,"choices":[0,2]}`, ""},
		{`{"type":"answer","q":0,"text":"x"}`, ""},
		{`{"type":"ping","t":1.5}`, ""},
		{`{"type":"extend","seconds":10}`, ""},
		{`{"type":"join","pin":"123456","nickname":"Ada","future":1}`, ""},
		{``, wire.CodeInvalidJSON},
		{`{`, wire.CodeInvalidJSON},
		{`"join"`, wire.CodeInvalidMessage},
		{`null`, wire.CodeInvalidMessage},
		{`{}`, wire.CodeInvalidMessage},
		{`{"type":1}`, wire.CodeInvalidMessage},
		{`{"q":"zero","type":5}`, wire.CodeInvalidMessage},
		{`{"type":null}`, wire.CodeInvalidMessage},
		{`{"type":"x"}`, wire.CodeUnknownType},
		{`{"type":"join","pin":"12345","nickname":"a"}`, wire.CodeInvalidField},
		{`{"type":"join","nickname":"a"}`, wire.CodeMissingField},
		{`{"type":"answer","choice":1}`, wire.CodeMissingField},
		{`{"type":"answer","q":-1,"choice":1}`, wire.CodeInvalidField},
		{`{"type":"answer","q":0,"choice":"1"}`, wire.CodeInvalidField},
		{`{"type":"answer","q":0,"choices":[0],"choice":1}`, wire.CodeInvalidField},
		{`{"type":"extend","seconds":0}`, wire.CodeInvalidField},
		{`{"type":"ping","id":{"a":1}}`, wire.CodeInvalidField},
		{`{"type":"ping","id":"` + string(bytes.Repeat([]byte("x"), 70)) + `"}`, wire.CodeInvalidField},
	}
	for _, tc := range cases {
		_, err := wire.DecodeClient([]byte(tc.in))
		if got := wire.CodeOf(err); got != tc.code {
			t.Errorf("%s: code %q (%v), want %q", tc.in, got, err, tc.code)
		}
	}
}

func TestErrorsEchoTheID(t *testing.T) {
	m, err := wire.DecodeClient([]byte(`{"type":"answer","id":"a7","q":"x","choice":1}`))
	if err == nil || string(m.ID) != `"a7"` {
		t.Fatalf("id %s err %v", m.ID, err)
	}
}

func TestWithYou(t *testing.T) {
	got := wire.WithYou([]byte(`{"type":"reveal","seq":3}`), []byte(`{"score":5}`))
	var v map[string]any
	if err := json.Unmarshal(got, &v); err != nil || v["you"].(map[string]any)["score"].(float64) != 5 {
		t.Fatalf("%s: %v", got, err)
	}
	if string(wire.WithYou([]byte(`{"a":1}`), nil)) != `{"a":1}` {
		t.Fatal("nil personal part changed the frame")
	}
}

func FuzzDecodeClient(f *testing.F) {
	for _, s := range []string{
		`{"type":"join","pin":"123456","nickname":"Ada"}`, `{"type":"answer","q":0,"choices":[0,2],"id":1}`,
		`{"type":"ping","t":1e308}`, `[]`, `{"type":"extend","seconds":99999999999999999999}`, "{\"type\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := wire.DecodeClient(data)
		if err != nil {
			if wire.CodeOf(err) == wire.CodeInternal {
				t.Fatalf("decoder error without a code: %v", err)
			}
			return
		}
		if m.Type == "" {
			t.Fatal("accepted a message without a type")
		}
		if m.Type == wire.TypeAnswer && (m.Q == nil || *m.Q < 0) {
			t.Fatal("accepted an answer without a valid q")
		}
		if wire.FirstMessages[m.Type] && !wire.ValidPIN(m.PIN) {
			t.Fatal("accepted a first message with a bad PIN")
		}
	})
}

// hotMessages are the messages that make up nearly all of a game's client
// traffic (docs/protocol.md): answers and pings.
var hotMessages = []struct{ name, msg string }{
	{"choice", `{"type":"answer","id":"a1","q":0,"choice":2}`},
	{"choices", `{"type":"answer","id":"a2","q":1,"choices":[0,3]}`},
	{"text", `{"type":"answer","id":"a3","q":2,"text":"load balancer"}`},
	{"ping", `{"type":"ping","t":1764339999990}`},
}

func BenchmarkDecodeClient(b *testing.B) {
	for _, hm := range hotMessages {
		b.Run(hm.name, func(b *testing.B) {
			data := []byte(hm.msg)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := wire.DecodeClient(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
