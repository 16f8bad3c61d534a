package wirescan

import (
	"encoding/json"
	"testing"
)

const question = `{"type":"question","seq":6,"q":3,"total":10,"kind":"single","prompt":"say \"q\": 5, \"type\":\"x\"","options":["Load, balancer","Cache","In\"dex","Queue"],"time_ms":20000,"deadline_ms":1764340020000,"server_ms":1764340000000,"double_points":false}`

func TestFields(t *testing.T) {
	msg := []byte(question)
	if got := string(Type(msg)); got != "question" {
		t.Errorf("Type = %q", got)
	}
	for key, want := range map[string]int64{"q": 3, "seq": 6, "server_ms": 1764340000000, "time_ms": 20000} {
		if got, ok := Int(msg, key); !ok || got != want {
			t.Errorf("Int(%s) = %d, %v; want %d", key, got, ok, want)
		}
	}
	if _, ok := Int(msg, "missing"); ok {
		t.Error("Int(missing) ok")
	}
	if _, ok := Int(msg, "kind"); ok {
		t.Error("Int(kind) ok for a string")
	}
	if v, ok := Bool(msg, "double_points"); !ok || v {
		t.Errorf("Bool = %v, %v", v, ok)
	}
	if got := IndexOfString(msg, "options", []byte("Cache")); got != 1 {
		t.Errorf("IndexOfString(Cache) = %d", got)
	}
	if got := IndexOfString(msg, "options", []byte("Queue")); got != 3 {
		t.Errorf("IndexOfString(Queue) = %d", got)
	}
	if got := IndexOfString(msg, "options", []byte("Nope")); got != -1 {
		t.Errorf("IndexOfString(Nope) = %d", got)
	}
}

func TestObjectNarrowsToPersonalPart(t *testing.T) {
	msg := []byte(`{"type":"reveal","seq":11,"q":0,"answered":40,"you":{"answered":true,"correct":true,"points":967,"score":1967,"response_ms":2000,"x":{"a":"}"}},"tail":1}`)
	you := Object(msg, "you")
	if you == nil {
		t.Fatal("no you")
	}
	if got, _ := Int(you, "points"); got != 967 {
		t.Errorf("points = %d", got)
	}
	if v, ok := Bool(you, "answered"); !ok || !v {
		t.Errorf("answered = %v %v", v, ok)
	}
	var probe map[string]any
	if err := json.Unmarshal(you, &probe); err != nil {
		t.Errorf("Object did not cut a whole object: %v (%s)", err, you)
	}
}

func TestSpacesAfterKeys(t *testing.T) {
	msg := []byte(`{ "type" : "pong", "t" : -12 }`)
	if got := string(Type(msg)); got != "pong" {
		t.Errorf("Type = %q", got)
	}
	if got, ok := Int(msg, "t"); !ok || got != -12 {
		t.Errorf("t = %d %v", got, ok)
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte(question))
	f.Add([]byte(`{"you":{"a":[1,{"b":"\\"}]}}`))
	f.Add([]byte(`"type":`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		Type(msg)
		Int(msg, "q")
		Bool(msg, "accepted")
		IndexOfString(msg, "options", []byte("x"))
		if o := Object(msg, "you"); o != nil && (o[0] != '{' || o[len(o)-1] != '}') {
			t.Fatalf("Object returned %q", o)
		}
	})
}
