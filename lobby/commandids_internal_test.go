package lobby

import (
	"strconv"
	"testing"
)

// The room remembers its last maxCommandRecords commands: the oldest is
// forgotten first (its retry would be applied again), the newest stay.
func TestCommandRecordsAreBounded(t *testing.T) {
	r := &room{}
	in := func(i int) input { return input{Origin: "a", Ref: 7, Re: []byte(strconv.Itoa(i))} }
	for i := range maxCommandRecords + 10 {
		r.rememberCommand(in(i), nil)
	}
	if len(r.commands) != maxCommandRecords {
		t.Fatalf("%d records, want %d", len(r.commands), maxCommandRecords)
	}
	if r.repeatedCommand(in(9)) || !r.repeatedCommand(in(10)) || !r.repeatedCommand(in(maxCommandRecords+9)) {
		t.Fatal("want the 10 oldest forgotten and the rest remembered")
	}
	if r.repeatedCommand(input{Origin: "a", Ref: 8, Re: []byte("10")}) || r.repeatedCommand(input{Origin: "a", Ref: 7}) {
		t.Fatal("the same id on another connection, or no id, taken for a repeat")
	}
}
