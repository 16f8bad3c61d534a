// Package bankstoretest is the conformance suite every httpapi.BankStore
// passes (memory and Redis run the same tests).
package bankstoretest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// Factory makes a store that keeps at most maxBanks banks for retention.
// advance moves the store's clock (nil when the store has no movable clock:
// the retention test is then left to the implementation's own tests).
type Factory func(t *testing.T, maxBanks int, retention time.Duration) (store httpapi.BankStore, advance func(time.Duration))

func sample(id string) httpapi.UploadedBank {
	return httpapi.UploadedBank{
		ID:      id,
		Bank:    json.RawMessage(`{"version":1,"title":"` + id + `","items":[]}`),
		Report:  &bank.Report{Kept: []bank.Kept{{Number: 1, Line: 1, ID: "item-001", Question: "Q?"}}, Skipped: []bank.Skipped{}, Warnings: []bank.Problem{}},
		Created: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
	}
}

// Run runs the suite.
func Run(t *testing.T, newStore Factory) {
	t.Run("PutGet", func(t *testing.T) { testPutGet(t, newStore) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, newStore) })
	t.Run("EvictsLeastRecentlyUsed", func(t *testing.T) { testEvictsLeastRecentlyUsed(t, newStore) })
	t.Run("Retention", func(t *testing.T) { testRetention(t, newStore) })
}

func testPutGet(t *testing.T, newStore Factory) {
	s, _ := newStore(t, 10, time.Hour)
	want := sample("u00000000000000000000000000000001")
	if err := s.Put(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(t.Context(), want.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || string(got.Bank) != string(want.Bank) || !got.Created.Equal(want.Created) ||
		got.Report == nil || len(got.Report.Kept) != 1 || got.Report.Kept[0].Question != "Q?" {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func testMissing(t *testing.T, newStore Factory) {
	s, _ := newStore(t, 10, time.Hour)
	if _, err := s.Get(t.Context(), "u0000000000000000000000000000000f"); wire.CodeOf(err) != wire.CodeUnknownBank {
		t.Fatalf("missing bank: %v, want unknown_bank", err)
	}
}

func testEvictsLeastRecentlyUsed(t *testing.T, newStore Factory) {
	s, advance := newStore(t, 3, time.Hour)
	tick := func() {
		if advance != nil {
			advance(time.Second)
		} else {
			time.Sleep(2 * time.Millisecond) // Redis orders by its millisecond clock
		}
	}
	ids := make([]string, 5)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%032x", i+1)
	}
	for _, id := range ids[:3] {
		if err := s.Put(t.Context(), sample(id)); err != nil {
			t.Fatal(err)
		}
		tick()
	}
	// Using the oldest makes the second the least recently used.
	if _, err := s.Get(t.Context(), ids[0]); err != nil {
		t.Fatal(err)
	}
	tick()
	if err := s.Put(t.Context(), sample(ids[3])); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, true, true} {
		_, err := s.Get(t.Context(), ids[i])
		if (err == nil) != want {
			t.Errorf("bank %d kept = %v (%v), want %v", i, err == nil, err, want)
		}
		tick()
	}
}

func testRetention(t *testing.T, newStore Factory) {
	s, advance := newStore(t, 10, time.Minute)
	if advance == nil {
		t.Skip("the store's clock cannot be moved; its own tests cover retention")
	}
	a, b := sample(fmt.Sprintf("u%032x", 10)), sample(fmt.Sprintf("u%032x", 11))
	_ = s.Put(t.Context(), a)
	_ = s.Put(t.Context(), b)
	advance(40 * time.Second)
	if _, err := s.Get(t.Context(), a.ID); err != nil { // a is used: its minute starts again
		t.Fatal(err)
	}
	advance(40 * time.Second)
	if _, err := s.Get(t.Context(), a.ID); err != nil {
		t.Errorf("a bank used 40 s ago is gone: %v", err)
	}
	if _, err := s.Get(t.Context(), b.ID); wire.CodeOf(err) != wire.CodeUnknownBank {
		t.Errorf("a bank unused for 80 s with a 1 min retention: %v, want unknown_bank", err)
	}
}
