package wire

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// The shapes the clients send, which must take the fast path (or it would
// quietly cost what it was written to save): docs/protocol.md, quizload's
// answers (type, id, q, ...), the web pages' (type, q, ..., id; pings
// without an id) and quizload's challenge map (keys sorted).
var fastShapes = []string{
	`{"type":"answer","id":"a1","q":0,"choice":2}`,
	`{"type":"answer","id":"a2","q":1,"choices":[0,3]}`,
	`{"type":"answer","id":"a3","q":2,"text":"load balancer"}`,
	`{"type":"ping","t":1764339999990}`,
	`{"type":"answer","q":3,"choice":1,"id":"c12"}`,
	`{"type":"answer","q":3,"choices":[1,2],"id":"c13"}`,
	`{"type":"answer","q":3,"text":"Ünïcode ✓","id":"c14"}`,
	`{"choice":1,"q":4,"type":"answer"}`,
	`{"type":"answer","id":"a1","q":0,"choice":2,"player_id":"p_3f2a"}`,
	`{"type":"sync","id":7}`,
}

func TestHotMessagesTakeTheFastPath(t *testing.T) {
	for _, in := range fastShapes {
		got, ok := decodeFast([]byte(in))
		if !ok {
			t.Errorf("%s: not read by the fast path", in)
			continue
		}
		want, err := decodeGeneral([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v (%v)", in, got, want, err)
		}
	}
}

// FuzzDecodeClientFastPath: DecodeClient (fast path first) returns exactly
// what the general path returns, message and error, for any bytes.
func FuzzDecodeClientFastPath(f *testing.F) {
	for _, s := range fastShapes {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"type":"answer","q":0,"choice":1,"choice":2}`, `{"type":"ping","type":"answer","q":0,"text":"x"}`,
		`{"id":"a","type":"answer","q":0,"choice":2}`, `{"type":"answer","id":12.5,"q":0,"choice":2}`,
		`{"type":"answer","id":-0,"q":0,"choice":2}`, `{"type":"answer","id":1e400,"q":0,"choice":2}`,
		`{"type":"answer","id":"` + strings.Repeat("x", 64) + `","q":0,"choice":2}`,
		`{"type":"answer","id":"` + strings.Repeat("x", 65) + `","q":0,"choice":2}`,
		`{"type":"answer","id":null,"q":0,"choice":2}`, `{"type":"answer","id":{},"q":0,"choice":2}`,
		`{"type":"answer","q":-1,"choice":2}`, `{"type":"answer","q":-0,"choice":2}`,
		`{"type":"answer","q":99999999999999999999,"choice":2}`, `{"type":"answer","q":2147483648,"choice":2}`,
		`{"type":"answer","q":1.0,"choice":2}`, `{"type":"answer","q":1e2,"choice":2}`, `{"type":"answer","q":01,"choice":2}`,
		`{"type":"answer","q":0,"choices":[]}`, `{"type":"answer","q":0,"choices":[1,]}`, `{"type":"answer","q":0,"choices":[[1]]}`,
		`{"type":"answer","q":0,"choices":null}`, `{"type":"answer","q":0,"text":""}`,
		`{"type":"answer","q":0,"text":"caf\u00e9"}`, `{"type":"answer","q":0,"text":"a\"b"}`, "{\"type\":\"answer\",\"q\":0,\"text\":\"\xff\"}",
		"{\"type\":\"answer\",\"q\":0,\"text\":\"\xed\xa0\x80\"}", "{\"type\":\"answer\",\"q\":0,\"text\":\"a\tb\"}",
		`{"type":"answer","q":0,"choice":2}x`, `{"type":"answer","q":0,"choice":2}}`, `{"type":"answer","q":0,"choice":2} `,
		` {"type":"answer","q":0,"choice":2}`, `{ "type": "answer", "q": 0, "choice": 2 }`,
		`{"__proto__":1,"type":"answer","q":0,"choice":2}`, `{"Type":"answer","Q":0,"choice":2}`, `{"type":"answer","q":0,"Choice":2}`,
		`{"type":"ping","t":-1764339999990}`, `{"type":"ping","t":1.5}`, `{"type":"ping","t":9007199254740993}`,
		`{"type":"ping","t":-0}`, `{"type":"ping","t":"1"}`, `{"type":"ping"}`, `{"t":1}`, `{"type":1}`, `{}`, `{"type":""}`,
		`{"type":"answer","q":0,"choice":2,"pin":"123456"}`, `{"type":"extend","seconds":10}`, `{"type":"answer","q":0,"choice":true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := DecodeClient(data)
		want, wantErr := decodeGeneral(data)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("%q:\n got %#v, %v\nwant %#v, %v", data, got, gotErr, want, wantErr)
		}
		// DeepEqual takes -0 for 0; the echoed t must be the same bits.
		if got.T != nil && math.Float64bits(*got.T) != math.Float64bits(*want.T) {
			t.Fatalf("%q: t %v, want %v", data, *got.T, *want.T)
		}
	})
}
