package redisbus_test

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/redisbus"
)

// bothRedises runs f on miniredis and on a real redis-server (which also
// exercises SPUBLISH from Lua, which miniredis lacks).
func bothRedises(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	mr := miniredis.RunT(t)
	srv := redistest.Start(t)
	for name, url := range map[string]string{"miniredis": "redis://" + mr.Addr(), "redis-server": srv.URL()} {
		t.Run(name, func(t *testing.T) { f(t, url) })
	}
}

func mustTerm(t *testing.T, got redisbus.Term, err error, want redisbus.Term) {
	t.Helper()
	if err != nil || got != want {
		t.Fatalf("term = %d, %v; want %d", got, err, want)
	}
}

// TestTermsOnlyGrow: the creator gets term 1, each takeover the next one,
// never while another holder's lease is live, and an owner whose term ended
// cannot renew, publish or confirm any more.
func TestTermsOnlyGrow(t *testing.T) {
	bothRedises(t, func(t *testing.T, url string) {
		rdb := newClient(t, url)
		bus := redisbus.New(rdb, redisbus.Options{})
		ctx := t.Context()
		const pin = "310001"

		if _, err := bus.TakeOver(ctx, pin, "b", time.Minute); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("takeover of a room that never existed: %v, want ErrRoomForgotten", err)
		}
		if n := rdb.Exists(ctx, "qr:{"+pin+"}:owner", "qr:{"+pin+"}:term").Val(); n != 0 {
			t.Fatalf("a refused takeover created %d keys", n)
		}
		term, err := bus.ClaimRoom(ctx, pin, "game-1", "a", time.Minute)
		mustTerm(t, term, err, 1)
		if _, err := bus.ClaimRoom(ctx, pin, "game-2", "b", time.Minute); !errors.Is(err, redisbus.ErrRoomExists) {
			t.Fatalf("second claim: %v, want ErrRoomExists", err)
		}
		if _, err := bus.TakeOver(ctx, pin, "b", time.Minute); !errors.Is(err, redisbus.ErrLeaseHeld) {
			t.Fatalf("takeover while a's lease is live: %v, want ErrLeaseHeld", err)
		}
		if st, err := bus.RenewTerm(ctx, pin, "a", 1, time.Minute); err != nil || st != redisbus.TermHeld {
			t.Fatalf("renew: %v %v", st, err)
		}
		// a's lease lapses (a pause, a partition): b takes term 2.
		rdb.Del(ctx, "qr:{"+pin+"}:owner")
		term, err = bus.TakeOver(ctx, pin, "b", time.Minute)
		mustTerm(t, term, err, 2)
		if got, err := bus.CurrentTerm(ctx, pin); err != nil || got != 2 {
			t.Fatalf("current term %d %v", got, err)
		}
		if st, err := bus.RenewTerm(ctx, pin, "a", 1, time.Minute); err != nil || st != redisbus.TermLost {
			t.Fatalf("renew of the ended term: %v %v, want lost", st, err)
		}
		if err := bus.ConfirmTerm(ctx, pin, 1); !errors.Is(err, redisbus.ErrStaleTerm) {
			t.Fatalf("confirm of the ended term: %v, want ErrStaleTerm", err)
		}
		if err := bus.ConfirmTerm(ctx, pin, 2); err != nil {
			t.Fatalf("confirm of the current term: %v", err)
		}
		if _, err := bus.AppendInputFenced(ctx, pin, 1, []byte("close q1 by a")); !errors.Is(err, redisbus.ErrStaleTerm) {
			t.Fatalf("fenced append by the ended term: %v, want ErrStaleTerm", err)
		}
		closeID, err := bus.AppendInputFenced(ctx, pin, 2, []byte("close q1 by b"))
		if err != nil {
			t.Fatal(err)
		}
		if in, err := bus.ReadInputs(ctx, pin, lobby.InputStart, 10, 0); err != nil || len(in) != 1 || in[0].ID != closeID || string(in[0].Data) != "close q1 by b" {
			t.Fatalf("log after fenced appends: %+v %v", in, err)
		}
		// b's lease lapses with nobody taking it: b renews in its own term.
		rdb.Del(ctx, "qr:{"+pin+"}:owner")
		if st, err := bus.RenewTerm(ctx, pin, "b", 2, time.Minute); err != nil || st != redisbus.TermHeld {
			t.Fatalf("renew after a lapse nobody used: %v %v", st, err)
		}
		if h, _ := bus.LeaseHolder(ctx, pin); h != "b" {
			t.Fatalf("holder %q, want b", h)
		}
		// The term key ends with the room.
		if err := bus.ExpireRoom(ctx, pin, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := bus.CurrentTerm(ctx, pin); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("term after ExpireRoom: %v", err)
		}
	})
}

// TestPublishFenced: only the current term's outputs reach subscribers and
// the room's last output; a stale one is refused in Redis with its own error.
func TestPublishFenced(t *testing.T) {
	bothRedises(t, func(t *testing.T, url string) {
		rdb := newClient(t, url)
		bus := redisbus.New(rdb, redisbus.Options{})
		ctx := t.Context()
		const pin = "310002"
		sub, err := bus.Subscribe(ctx, pin)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if err := bus.PublishFenced(ctx, pin, 1, lobby.Output{Seq: 1, Data: []byte("x")}); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("publish to a room without a term: %v", err)
		}
		if n := rdb.Exists(ctx, "qr:{"+pin+"}:last").Val(); n != 0 {
			t.Fatal("a refused publish wrote :last")
		}
		if _, err := bus.ClaimRoom(ctx, pin, "g", "a", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := bus.PublishFenced(ctx, pin, 1, lobby.Output{Seq: 1, Data: []byte("q1 by a")}); err != nil {
			t.Fatal(err)
		}
		rdb.Del(ctx, "qr:{"+pin+"}:owner")
		if _, err := bus.TakeOver(ctx, pin, "b", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := bus.PublishFenced(ctx, pin, 1, lobby.Output{Seq: 2, Data: []byte("stale reveal by a")}); !errors.Is(err, redisbus.ErrStaleTerm) {
			t.Fatalf("publish by the ended term: %v, want ErrStaleTerm", err)
		}
		if err := bus.PublishFenced(ctx, pin, 2, lobby.Output{Seq: 4, Data: []byte("reveal by b")}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"q1 by a", "reveal by b"} {
			select {
			case out := <-sub.C():
				if string(out.Data) != want {
					t.Fatalf("delivered %q, want %q", out.Data, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%q not delivered", want)
			}
		}
		last, ok, err := bus.LastOutput(ctx, pin)
		if err != nil || !ok || string(last.Data) != "reveal by b" || last.Seq != 4 {
			t.Fatalf("last output %q %d %v %v", last.Data, last.Seq, ok, err)
		}
		if ttl := rdb.PTTL(ctx, "qr:{"+pin+"}:last").Val(); ttl <= 0 {
			t.Errorf(":last has no TTL (%v)", ttl)
		}
	})
}

// TestForgottenRoomRestored: after a FLUSHALL (what an empty restart looks
// like to clients) the owner learns it from RenewTerm, inputs are refused
// without recreating keys, nobody can take the room over, and the owner
// writes the room back in its own term.
func TestForgottenRoomRestored(t *testing.T) {
	bothRedises(t, func(t *testing.T, url string) {
		rdb := newClient(t, url)
		bus := redisbus.New(rdb, redisbus.Options{})
		ctx := t.Context()
		const pin = "310003"
		if ok, err := bus.ReservePIN(ctx, pin, time.Hour); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if _, err := bus.ClaimRoom(ctx, pin, "game-1", "a", time.Minute); err != nil {
			t.Fatal(err)
		}
		first, err := bus.AppendInputLive(ctx, pin, []byte("join"))
		if err != nil {
			t.Fatal(err)
		}
		rdb.FlushAll(ctx)

		if st, err := bus.RenewTerm(ctx, pin, "a", 1, time.Minute); err != nil || st != redisbus.TermForgotten {
			t.Fatalf("renew after FLUSHALL: %v %v, want forgotten", st, err)
		}
		if _, err := bus.AppendInputLive(ctx, pin, []byte("answer")); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("append to a forgotten room: %v", err)
		}
		if _, err := bus.AppendInputFenced(ctx, pin, 1, []byte("close")); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("fenced append to a forgotten room: %v", err)
		}
		if err := bus.ConfirmTerm(ctx, pin, 1); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("confirm in a forgotten room: %v", err)
		}
		if _, err := bus.TakeOver(ctx, pin, "b", time.Minute); !errors.Is(err, redisbus.ErrRoomForgotten) {
			t.Fatalf("takeover of a forgotten room: %v", err)
		}
		if keys := rdb.Keys(ctx, "*").Val(); len(keys) != 0 {
			t.Fatalf("keys recreated for a forgotten room: %v", keys)
		}

		last := lobby.Output{Seq: 7, Data: []byte("question 2")}
		snap := lobby.Snapshot{Data: []byte("room"), LastInput: first, Seq: 7}
		r := redisbus.Restore{Game: "game-1", Term: 1, Snapshot: snap, Last: &last, PINTTL: time.Hour}
		if err := bus.RestoreRoom(ctx, pin, "a", time.Minute, r); err != nil {
			t.Fatal(err)
		}
		if err := bus.RestoreRoom(ctx, pin, "a", time.Minute, r); !errors.Is(err, redisbus.ErrRoomExists) {
			t.Fatalf("second restore: %v, want ErrRoomExists", err)
		}
		if st, err := bus.RenewTerm(ctx, pin, "a", 1, time.Minute); err != nil || st != redisbus.TermHeld {
			t.Fatalf("renew after restore: %v %v", st, err)
		}
		got, err := bus.LoadSnapshot(ctx, pin)
		if err != nil || string(got.Data) != "room" || got.LastInput != first || got.Seq != 7 {
			t.Fatalf("snapshot after restore %+v %v", got, err)
		}
		if out, ok, err := bus.LastOutput(ctx, pin); err != nil || !ok || out.Seq != 7 {
			t.Fatalf("last output after restore %+v %v %v", out, ok, err)
		}
		if ok, err := bus.PINReserved(ctx, pin); err != nil || !ok {
			t.Fatalf("PIN not reserved after restore: %v %v", ok, err)
		}
		next, err := bus.AppendInputLive(ctx, pin, []byte("answer"))
		if err != nil {
			t.Fatal(err)
		}
		in, err := bus.ReadInputs(ctx, pin, snap.LastInput, 10, 0)
		if err != nil || len(in) != 1 || in[0].ID != next {
			t.Fatalf("inputs after the restored snapshot's: %+v %v", in, err)
		}
		for _, key := range []string{"owner", "term", "pin", "state", "last", "in"} {
			if ttl := rdb.PTTL(ctx, "qr:{"+pin+"}:"+key).Val(); ttl <= 0 {
				t.Errorf("%s has no TTL after restore (%v)", key, ttl)
			}
		}
	})
}

// TestRestoreOverAnOlderTerm: Redis came back with an older state of the
// room (an AOF or a replica from before the last takeover): the owner of
// the newer term sees it as forgotten and writes its room back.
func TestRestoreOverAnOlderTerm(t *testing.T) {
	bothRedises(t, func(t *testing.T, url string) {
		rdb := newClient(t, url)
		bus := redisbus.New(rdb, redisbus.Options{})
		ctx := t.Context()
		const pin = "310006"
		if _, err := bus.ClaimRoom(ctx, pin, "g", "a", time.Minute); err != nil {
			t.Fatal(err)
		}
		// b took term 2 on a Redis that then lost it: the stale copy says 1.
		rdb.Del(ctx, "qr:{"+pin+"}:owner")
		if st, err := bus.RenewTerm(ctx, pin, "b", 2, time.Minute); err != nil || st != redisbus.TermForgotten {
			t.Fatalf("renew of a newer term than Redis holds: %v %v, want forgotten", st, err)
		}
		r := redisbus.Restore{Game: "g", Term: 2, Snapshot: lobby.Snapshot{Data: []byte("b's room")}}
		if err := bus.RestoreRoom(ctx, pin, "b", time.Minute, r); err != nil {
			t.Fatal(err)
		}
		if got, err := bus.CurrentTerm(ctx, pin); err != nil || got != 2 {
			t.Fatalf("term after restore %d %v, want 2", got, err)
		}
		if err := bus.PublishFenced(ctx, pin, 1, lobby.Output{Seq: 1}); !errors.Is(err, redisbus.ErrStaleTerm) {
			t.Fatalf("a's publish after b's restore: %v", err)
		}
		r.Game = "other"
		r.Term = 5
		if err := bus.RestoreRoom(ctx, pin, "c", time.Minute, r); !errors.Is(err, redisbus.ErrRoomExists) {
			t.Fatalf("restore of another game over this one: %v", err)
		}
	})
}

// TestRestoreNeverOverwritesAnotherGame: after Redis forgot, a new game may
// take the PIN; the old owner's restore must not clobber it.
func TestRestoreNeverOverwritesAnotherGame(t *testing.T) {
	bothRedises(t, func(t *testing.T, url string) {
		rdb := newClient(t, url)
		bus := redisbus.New(rdb, redisbus.Options{})
		ctx := t.Context()
		const pin = "310004"
		r := redisbus.Restore{Game: "old", Term: 3, Snapshot: lobby.Snapshot{Data: []byte("old")}}
		// A new game reserved the PIN and has not claimed it yet.
		if ok, err := bus.ReservePIN(ctx, pin, time.Hour); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := bus.RestoreRoom(ctx, pin, "a", time.Minute, r); !errors.Is(err, redisbus.ErrPINTaken) {
			t.Fatalf("restore over a reserved PIN: %v, want ErrPINTaken", err)
		}
		// It claimed it: a term exists.
		if _, err := bus.ClaimRoom(ctx, pin, "new", "b", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := bus.RestoreRoom(ctx, pin, "a", time.Minute, r); !errors.Is(err, redisbus.ErrRoomExists) {
			t.Fatalf("restore over a claimed room: %v, want ErrRoomExists", err)
		}
		// The old owner, still holding term 3 in memory, learns it lost.
		if st, err := bus.RenewTerm(ctx, pin, "a", 3, time.Minute); err != nil || st != redisbus.TermForgotten {
			// Term 3 > the new game's 1 reads as forgotten; the game id
			// check in RestoreRoom is what stops the write.
			t.Fatalf("renew: %v %v", st, err)
		}
		if _, err := bus.LoadSnapshot(ctx, pin); !errors.Is(err, lobby.ErrNoSnapshot) {
			t.Fatalf("the new game's room got a snapshot: %v", err)
		}
	})
}

// TestConfirmTermWaitsForReplicas: with AckReplicas and no replica, the
// confirmation fails within AckTimeout instead of hanging.
func TestConfirmTermWaitsForReplicas(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv.URL())
	bus := redisbus.New(rdb, redisbus.Options{AckReplicas: 1, AckTimeout: 200 * time.Millisecond})
	ctx := t.Context()
	const pin = "310005"
	if _, err := bus.ClaimRoom(ctx, pin, "g", "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := bus.AppendInputLive(ctx, pin, []byte("answer")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := bus.ConfirmTerm(ctx, pin, 1)
	if !errors.Is(err, redisbus.ErrNotReplicated) {
		t.Fatalf("confirm without a replica: %v, want ErrNotReplicated", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("confirm took %v, want about the 200ms AckTimeout", took)
	}
	if err := bus.ConfirmTerm(ctx, pin, 2); !errors.Is(err, redisbus.ErrStaleTerm) {
		t.Fatalf("confirm of a term not taken: %v", err)
	}
}

// TestConfirmTermWaitsForOtherInstancesWrites: with a replica, the
// confirmation covers inputs another instance appended on its own
// connection (WAIT waits for the offset of this connection's last write:
// the confirmation makes one), and fails while the replica is frozen.
func TestConfirmTermWaitsForOtherInstancesWrites(t *testing.T) {
	master := redistest.Start(t)
	replica := redistest.StartReplica(t, master)
	owner := redisbus.New(newClient(t, master.URL()), redisbus.Options{AckReplicas: 1, AckTimeout: 300 * time.Millisecond})
	other := redisbus.New(newClient(t, master.URL()), redisbus.Options{})
	ctx := t.Context()
	const pin = "310006"
	if _, err := owner.ClaimRoom(ctx, pin, "g", "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	// The replica syncs in the background: confirmed once it has.
	deadline := time.Now().Add(10 * time.Second)
	for err := owner.ConfirmTerm(ctx, pin, 1); err != nil; err = owner.ConfirmTerm(ctx, pin, 1) {
		if !errors.Is(err, redisbus.ErrNotReplicated) || time.Now().After(deadline) {
			t.Fatalf("confirm with a live replica: %v", err)
		}
	}
	if err := replica.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = replica.Signal(syscall.SIGCONT) }()
	if _, err := other.AppendInputLive(ctx, pin, []byte("answer from another instance")); err != nil {
		t.Fatal(err)
	}
	if err := owner.ConfirmTerm(ctx, pin, 1); !errors.Is(err, redisbus.ErrNotReplicated) {
		t.Fatalf("confirm while the replica is frozen: %v, want ErrNotReplicated", err)
	}
	if err := replica.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for err := owner.ConfirmTerm(ctx, pin, 1); err != nil; err = owner.ConfirmTerm(ctx, pin, 1) {
		if !errors.Is(err, redisbus.ErrNotReplicated) || time.Now().After(deadline) {
			t.Fatalf("confirm after the replica thawed: %v", err)
		}
	}
}
