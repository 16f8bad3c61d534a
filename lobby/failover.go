package lobby

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
)

// WatchOwners keeps the rooms this instance follows (has connections to)
// owned. Every interval it checks each such room that does not run here and,
// when no instance holds its lease (the owner died and the lease lapsed, or it
// shut down and released it), takes the room over through ensureOwner:
// restore the snapshot, replay the inputs after it. So players already
// connected here see the game go on without reconnecting.
//
// It returns when ctx ends. Run it once per Lobby on a shared Bus (Redis);
// with the in-memory Bus there is no other instance to take over from.
// Takeover latency is at most the lease TTL plus interval.
func (l *Lobby) WatchOwners(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.mu.Lock()
		if l.closing {
			l.mu.Unlock()
			return
		}
		pins := make([]string, 0, len(l.views))
		for pin := range l.views {
			if _, local := l.rooms[pin]; !local {
				pins = append(pins, pin)
			}
		}
		l.mu.Unlock()
		for _, pin := range pins {
			c, cancel := context.WithTimeout(ctx, max(interval, time.Second))
			err := l.ensureOwner(c, pin)
			var werr *wire.Error
			if errors.As(err, &werr) && werr.Code == wire.CodeGameEnded {
				l.finishEndedView(c, pin)
			} else if err != nil {
				l.log.Debug().Err(err).Str("pin", pin).Msg("owner check failed")
			}
			cancel()
		}
	}
}

// finishEndedView ends the view of a room whose game is over while the view
// still runs: the room's last output (the end) was lost, and an ended room
// publishes nothing more, not even a heartbeat, so no gap would ever show.
// It delivers the last output again (it holds "ended") and closes the view.
func (l *Lobby) finishEndedView(ctx context.Context, pin string) {
	l.mu.Lock()
	v := l.views[pin]
	l.mu.Unlock()
	if v == nil {
		return
	}
	if lo, ok := l.bus.(LastOutputs); ok {
		if out, found, err := lo.LastOutput(ctx, pin); err == nil && found {
			var msg outMsg
			if json.Unmarshal(out.Data, &msg) == nil {
				for i := range msg.Items {
					if msg.Items[i].End {
						break
					}
					v.deliver(&msg.Items[i])
				}
			}
		}
	}
	l.log.Info().Str("pin", pin).Msg("game over but its end was lost here: closing")
	v.close(CloseGameOver)
}

// LastOutputs is implemented by a Bus that keeps each room's last published
// output (the Redis bus does). A new owner reads it to number its outputs
// past everything the old owner published, including what it published
// after its last snapshot.
type LastOutputs interface {
	// LastOutput returns the last output published for room; ok is false
	// when there is none.
	LastOutput(ctx context.Context, room string) (out Output, ok bool, err error)
}

// continueSequences makes a room taken over number its outputs (bus Seq) and
// its broadcasts (wire seq) past anything the old owner ever published, with
// one number left out: the old owner may have published after its last
// snapshot, and reusing those numbers would make receivers take the new
// owner's outputs for ones they already have. The hole makes every instance
// and every client see a gap and resync from the room's state instead.
func (l *Lobby) continueSequences(ctx context.Context, r *room, snap Snapshot) {
	lo, ok := l.bus.(LastOutputs)
	if !ok {
		return // restoreRoom already left a hole after the snapshot's numbers
	}
	out, found, err := lo.LastOutput(ctx, r.pin)
	if err != nil {
		// Take over anyway: a jump far past anything published keeps the
		// numbers unique; receivers resync on it like on any gap.
		l.log.Warn().Err(err).Str("pin", r.pin).Msg("cannot read the last output: jumping the sequence")
		r.outSeq += blindSeqJump
		r.wireSeq += blindSeqJump
		return
	}
	if !found {
		return
	}
	if r.handedOverAt(out, snap) {
		return
	}
	if out.Seq >= r.outSeq {
		r.outSeq = out.Seq + 1
	}
	var msg outMsg
	if json.Unmarshal(out.Data, &msg) != nil {
		return
	}
	if msg.W >= r.wireSeq {
		r.wireSeq = msg.W + 1
	}
	r.published = msg.L
}

// handedOverAt continues the sequences of a room handed over the planned
// way without the hole a takeover leaves: the old owner's final snapshot
// records the last output it published (out, read back from the bus, is
// that very output), so nothing can have been lost, no receiver has to
// resync, and no instance reports lost outputs (a line operators alert
// on). It reports whether it did.
func (r *room) handedOverAt(out Output, snap Snapshot) bool {
	if !r.handedOver || out.Seq != snap.Seq {
		return false
	}
	var msg outMsg
	if json.Unmarshal(out.Data, &msg) != nil || msg.W+1 != r.wireSeq {
		return false
	}
	r.outSeq, r.wireSeq, r.published = snap.Seq, msg.W, msg.L
	return true
}

// alreadyPublished reports whether the old owner published the outputs of
// input id before it died: the snapshot a new owner restores may be older
// than the last output (snapshots trail phase changes by snapshotDelay and
// may fail as the owner dies), so it replays inputs whose welcomes, acks and
// broadcasts every client has seen. Sent again, they would rewind every
// screen through the replayed questions and reveals, and welcome a
// connection a second time; a client that takes that for a new question
// (the test client did) loses the answer it was about to give.
func (r *room) alreadyPublished(id string) bool {
	return r.published != "" && compareInputIDs(id, r.published) <= 0
}

// dropItemsSince forgets the output items added from mark on: they belong to
// an input whose outputs the old owner published (see alreadyPublished).
// The engine state they reflect is kept; receivers resync from it on the
// sequence hole the takeover leaves (continueSequences).
func (r *room) dropItemsSince(mark int) {
	if mark >= len(r.items) {
		return
	}
	if r.openQuestion != nil && r.openItem >= mark {
		r.openQuestion = nil
	}
	clear(r.items[mark:])
	r.items = r.items[:mark]
}

// compareInputIDs orders input log ids: Redis stream ids ("ms-seq") by their
// numbers, anything else by length then bytes (numbers without padding).
func compareInputIDs(a, b string) int {
	am, as, aok := splitStreamID(a)
	bm, bs, bok := splitStreamID(b)
	if aok && bok {
		if c := cmp.Compare(am, bm); c != 0 {
			return c
		}
		return cmp.Compare(as, bs)
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func splitStreamID(id string) (ms, seq uint64, ok bool) {
	m, s, found := strings.Cut(id, "-")
	ms, err := strconv.ParseUint(m, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if !found {
		return ms, 0, true
	}
	seq, err = strconv.ParseUint(s, 10, 64)
	return ms, seq, err == nil
}

// blindSeqJump is how far the sequences jump when the last output cannot be
// read: more than any owner publishes between two snapshots.
const blindSeqJump = 1 << 20

// heartbeatOutput is a batch with no items: receivers deliver nothing. It
// carries the wire seq like every output, for continueSequences.
func heartbeatOutput(wireSeq uint64, lastInput string) []byte {
	data, _ := json.Marshal(outMsg{Items: []outItem{}, W: wireSeq, L: lastInput})
	return data
}

// resubmitWaiting sends again the joins, host and display attaches waiting
// here for the room's answer: when outputs were lost, their welcome may have
// been among them. A join is idempotent (room.repeatedJoin): the room
// welcomes the same player again. Resumes are left to the client's retry.
func (v *view) resubmitWaiting() {
	v.mu.Lock()
	again := make(map[uint64]input, len(v.waiting))
	for ref, w := range v.waiting {
		switch w.in.Op {
		case wire.TypeJoin, wire.TypeHost, wire.TypeDisplay:
			again[ref] = w.in
		}
	}
	v.mu.Unlock()
	if len(again) == 0 {
		return
	}
	// Not on the dispatcher: it must keep delivering while these go out.
	v.l.wg.Add(1)
	go func() {
		defer v.l.wg.Done()
		for ref, in := range again {
			ctx, cancel := context.WithTimeout(v.l.ctx, 2*time.Second)
			_ = v.submit(ctx, ref, in)
			cancel()
		}
	}()
}

// repeatedJoin answers a join the room already applied (the same player id
// and resume token: the instance sent it again because the welcome was lost)
// with the same player, instead of nickname_taken. It reports whether in was
// such a repeat.
func (r *room) repeatedJoin(in input) bool {
	ps, ok := r.g.Player(in.Player)
	if !ok || r.meta.Tokens[hashToken(in.Token)] != in.Player {
		return false
	}
	if ps.Kicked {
		r.replyError(in, wire.Errorf(wire.CodeKicked, "you were removed from this game"))
		return true
	}
	r.bindings[in.Player] = binding{in.Origin, in.Ref}
	r.welcome(in, wire.RolePlayer, in.Player, in.Token)
	return true
}

// heartbeat publishes an empty output with the next sequence number. Pub/sub
// loss is only visible at the next output, and a quiet room (a reveal
// waiting for the host) may have none for minutes: the heartbeat makes an
// instance that lost the room's last outputs see the gap, and resync its
// connections, within one lease renewal period.
func (r *room) heartbeat(ctx context.Context) {
	r.outSeq++
	c, cancel := context.WithTimeout(ctx, r.l.cfg.LeaseTTL/3)
	defer cancel()
	// A failed publish still moved outSeq: the next output shows the gap.
	_ = r.l.bus.Publish(c, r.pin, Output{Seq: r.outSeq, Data: heartbeatOutput(r.wireSeq, r.lastInput)})
}

// inputTime is the engine time at which in is applied: when it was submitted
// (in.At, stamped by the instance that read it), never later than now and
// never before the previous input. In normal running that is a millisecond
// before now. When a new owner replays the inputs of a dead one, it is when
// they really happened, so an answer the old owner accepted before the
// deadline is accepted again even if the deadline passed during the takeover.
func (r *room) inputTime(in input) time.Time {
	now := time.Now()
	t := in.At
	if t.IsZero() || t.After(now) {
		t = now // no stamp, or the other instance's clock runs ahead
	}
	if t.Before(r.lastInputAt) {
		t = r.lastInputAt
	}
	r.lastInputAt = t
	return t
}

// replayBacklog applies the inputs already in the log after the snapshot
// before the actor looks at its timer: a room taken over after its question's
// deadline must replay the answers the old owner accepted (at their own
// time, see inputTime) before the timer closes the question. Whatever it
// cannot read now, the pump delivers next.
func (r *room) replayBacklog(ctx context.Context) {
	for ctx.Err() == nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ins, err := r.l.bus.ReadInputs(c, r.pin, r.lastInput, 256, 0)
		cancel()
		if err != nil || len(ins) == 0 {
			return
		}
		for _, raw := range ins {
			var in input
			if in, err = decodeInput(raw.Data); err != nil {
				r.lastInput = raw.ID
				r.log.Error().Err(err).Str("input", raw.ID).Msg("undecodable input skipped")
				continue
			}
			in.ID = raw.ID
			r.apply(in)
		}
		r.flush(ctx)
	}
}

// ErrLeaseLost is returned by a Bus whose writes are fenced by the room's
// lease (the Redis bus with a Holder) when the writer no longer holds it:
// its lease lapsed (a partition, a pause) and another instance may run the
// room now. The room stops at once instead of overwriting the new owner's
// state; see room.saveSnapshot.
var ErrLeaseLost = errors.New("lobby: the room's lease is held by another instance")
