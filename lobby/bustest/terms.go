package bustest

import (
	"errors"
	"testing"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// The ownership-term part of the Bus contract (lobby.Terms, issue 17): a
// room's term only grows, a takeover never creates a room, and every write
// fenced by a term that is not current writes nothing.

// termsClaimTakeOver: term 1 on claim, one more per takeover, never two
// holders in one term, and nothing created for a room the bus does not know.
func (s suite) termsClaimTakeOver(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if _, err := b.TakeOver(c, r, "a", time.Minute); !errors.Is(err, lobby.ErrRoomForgotten) {
		t.Fatalf("take over of an unknown room = %v, want ErrRoomForgotten", err)
	}
	if h := must(b.LeaseHolder(c, r))(t); h != "" {
		t.Fatalf("a refused takeover left the lease to %q", h)
	}
	if got := must(b.ClaimRoom(c, r, "game1", "a", time.Minute))(t); got != 1 {
		t.Fatalf("claim = term %d, want 1", got)
	}
	if _, err := b.ClaimRoom(c, r, "game2", "b", time.Minute); !errors.Is(err, lobby.ErrRoomExists) {
		t.Fatalf("second claim = %v, want ErrRoomExists", err)
	}
	if _, err := b.TakeOver(c, r, "b", time.Minute); !errors.Is(err, lobby.ErrLeaseHeld) {
		t.Fatalf("take over of a held lease = %v, want ErrLeaseHeld", err)
	}
	if err := b.ReleaseLease(c, r, "a"); err != nil {
		t.Fatal(err)
	}
	if got := must(b.TakeOver(c, r, "b", time.Minute))(t); got != 2 {
		t.Fatalf("takeover = term %d, want 2", got)
	}
	if h := must(b.LeaseHolder(c, r))(t); h != "b" {
		t.Fatalf("lease holder after the takeover %q, want b", h)
	}
	if got := must(b.CurrentTerm(c, r))(t); got != 2 {
		t.Fatalf("current term %d, want 2", got)
	}
	if err := b.ExpireRoom(c, r, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CurrentTerm(c, r); !errors.Is(err, lobby.ErrRoomForgotten) {
		t.Fatalf("term after the room expired: %v, want ErrRoomForgotten", err)
	}
}

// termsFenced: after a takeover, the old term's publish, own input, renewal
// and confirmation are refused and change nothing; the new term's go through.
func (s suite) termsFenced(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	old := must(b.ClaimRoom(c, r, "game", "a", time.Minute))(t)
	sub := must(b.Subscribe(c, r))(t)
	defer sub.Close()
	if err := b.PublishFenced(c, r, old, lobby.Output{Seq: 1, Data: []byte("one")}); err != nil {
		t.Fatalf("the owner's publish: %v", err)
	}
	if got := receive(t, sub); got.Seq != 1 {
		t.Fatalf("received seq %d, want 1", got.Seq)
	}
	if err := b.ReleaseLease(c, r, "a"); err != nil {
		t.Fatal(err)
	}
	cur := must(b.TakeOver(c, r, "b", time.Minute))(t)
	if err := b.PublishFenced(c, r, old, lobby.Output{Seq: 2, Data: []byte("stale")}); !errors.Is(err, lobby.ErrStaleTerm) {
		t.Fatalf("publish of an old term = %v, want ErrStaleTerm", err)
	}
	if out, _ := must3(b.LastOutput(c, r))(t); out.Seq != 1 {
		t.Fatalf("last output after a refused publish: seq %d, want 1", out.Seq)
	}
	if _, err := b.AppendInputFenced(c, r, old, []byte("stale close")); !errors.Is(err, lobby.ErrStaleTerm) {
		t.Fatalf("fenced append of an old term = %v, want ErrStaleTerm", err)
	}
	if err := b.ConfirmTerm(c, r, old); !errors.Is(err, lobby.ErrStaleTerm) {
		t.Fatalf("confirm of an old term = %v, want ErrStaleTerm", err)
	}
	if st := must(b.RenewTerm(c, r, "a", old, time.Minute))(t); st != lobby.TermLost {
		t.Fatalf("renewal of an old term: %v, want lost", st)
	}
	if err := b.PublishFenced(c, r, cur, lobby.Output{Seq: 2, Data: []byte("two")}); err != nil {
		t.Fatalf("the new owner's publish: %v", err)
	}
	if got := receive(t, sub); got.Seq != 2 || string(got.Data) != "two" {
		t.Fatalf("received seq %d %q, want the new owner's seq 2", got.Seq, got.Data)
	}
	if _, err := b.AppendInputFenced(c, r, cur, []byte("close")); err != nil {
		t.Fatalf("the new owner's fenced append: %v", err)
	}
	if got := must(b.ReadInputs(c, r, lobby.InputStart, 10, 0))(t); len(got) != 1 || string(got[0].Data) != "close" {
		t.Fatalf("inputs %v, want only the current term's", got)
	}
	if err := b.ConfirmTerm(c, r, cur); err != nil {
		t.Fatalf("confirm of the current term: %v", err)
	}
	if st := must(b.RenewTerm(c, r, "b", cur, time.Minute))(t); st != lobby.TermHeld {
		t.Fatalf("renewal of the current term: %v, want held", st)
	}
	if st := must(b.RenewTerm(c, r, "b", cur+3, time.Minute))(t); st != lobby.TermForgotten {
		t.Fatalf("renewal of a term the bus is behind on: %v, want forgotten", st)
	}
}

// termsForgotten: a room the bus does not know gets no key from a live
// append, a fenced write or a renewal; its owner writes it back once, and
// not over another game's PIN.
func (s suite) termsForgotten(t *testing.T) {
	b, c, r := s.newBus(t), ctx(t), room(t)
	if _, err := b.AppendInputLive(c, r, []byte("late")); !errors.Is(err, lobby.ErrRoomForgotten) {
		t.Fatalf("live append to an unknown room = %v, want ErrRoomForgotten", err)
	}
	if err := b.PublishFenced(c, r, 4, lobby.Output{Seq: 9}); !errors.Is(err, lobby.ErrRoomForgotten) {
		t.Fatalf("fenced publish to an unknown room = %v, want ErrRoomForgotten", err)
	}
	if st := must(b.RenewTerm(c, r, "a", 4, time.Minute))(t); st != lobby.TermForgotten {
		t.Fatalf("renewal in an unknown room: %v, want forgotten", st)
	}
	if err := b.ConfirmTerm(c, r, 4); !errors.Is(err, lobby.ErrRoomForgotten) {
		t.Fatalf("confirm in an unknown room = %v, want ErrRoomForgotten", err)
	}
	if got := must(b.ReadInputs(c, r, lobby.InputStart, 10, 0))(t); len(got) != 0 {
		t.Fatalf("%d inputs written to an unknown room", len(got))
	}
	if _, ok := must3(b.LastOutput(c, r))(t); ok {
		t.Fatal("an output kept for an unknown room")
	}
	back := lobby.RoomRestore{Game: "game", Term: 4, PINTTL: time.Hour,
		Snapshot: lobby.Snapshot{Data: []byte("from memory"), LastInput: lobby.InputStart, Seq: 8}}
	if err := b.RestoreRoom(c, r, "a", time.Minute, back); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got := must(b.CurrentTerm(c, r))(t); got != 4 {
		t.Fatalf("term after the restore %d, want 4", got)
	}
	if snap := must(b.LoadSnapshot(c, r))(t); string(snap.Data) != "from memory" || snap.Seq != 8 {
		t.Fatalf("snapshot after the restore %+v", snap)
	}
	if !must(b.PINReserved(c, r))(t) || must(b.LeaseHolder(c, r))(t) != "a" {
		t.Fatal("restore did not write the PIN and the lease back")
	}
	if err := b.RestoreRoom(c, r, "a", time.Minute, back); !errors.Is(err, lobby.ErrRoomExists) {
		t.Fatalf("second restore = %v, want ErrRoomExists", err)
	}
	if _, err := b.AppendInputLive(c, r, []byte("retry")); err != nil {
		t.Fatalf("live append after the restore: %v", err)
	}

	taken := room(t)
	if !must(b.ReservePIN(c, taken, time.Hour))(t) {
		t.Fatal("reserve refused")
	}
	back.Snapshot.Data = []byte("old game")
	if err := b.RestoreRoom(c, taken, "a", time.Minute, back); !errors.Is(err, lobby.ErrPINTaken) {
		t.Fatalf("restore over another game's PIN = %v, want ErrPINTaken", err)
	}
	if _, err := b.LoadSnapshot(c, taken); !errors.Is(err, lobby.ErrNoSnapshot) {
		t.Fatalf("a refused restore wrote a snapshot: %v", err)
	}
}
