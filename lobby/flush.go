package lobby

import (
	"context"
	"encoding/json"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

func (r *renderer) add(it outItem) { r.items = append(r.items, it) }

// flush publishes the batch's items as one Output.
func (r *room) flush(ctx context.Context) {
	r.hostNotes(time.Now(), false)
	if len(r.items) == 0 {
		return
	}
	r.dirty = true
	if r.ended {
		// Store the end before anyone hears of it: a connection that sees
		// the room close and comes back must find an ended game, not a
		// lease held by an actor that is gone.
		r.finish(ctx)
		r.add(outItem{To: toAll, End: true})
	}
	r.stampQuestion()
	r.confirmAcks(ctx)
	stampTerm(r.items, r.term)
	items := r.items
	// The items go to the local view as they are (see view.stash): the next
	// batch grows a slice of its own. Not one of the last batch's capacity:
	// after a burst of answers that was thousands of items allocated and
	// cleared on every flush (14% of the server's CPU at 10,000 players).
	r.items = nil
	msg := outMsg{Items: items, W: r.wireSeq, L: r.lastInput, T: r.term}
	r.outSeq++
	out := Output{Seq: r.outSeq}
	if r.l.direct != nil {
		out.lazy = &lazyOutput{msg: msg}
	} else {
		out.Data = encodeOutput(msg)
	}
	r.l.mu.Lock()
	v := r.l.views[r.pin]
	r.l.mu.Unlock()
	if v != nil {
		v.stash(r.outSeq, r.term, items)
	}
	// On an in-process Bus the publish delivers the output to every view
	// (this instance's included) before it returns (view.receive, on this
	// goroutine).
	c, cancel := r.publishContext(ctx)
	defer cancel()
	if err := r.publish(c, out); err != nil {
		// What the subscription does not bring back is not delivered
		// here either: a refused output (an ended term) must reach no
		// one, and the next owner's output of the same seq is its own.
		if v != nil {
			v.unstash(r.outSeq)
		}
		r.log.Warn().Err(err).Uint64("seq", r.outSeq).Msg("publish failed; receivers will resync")
	}
	// On an in-process Bus nothing outlives this process: a snapshot only
	// trims the input log and answers a read while the actor is busy, and
	// the renewal's (saveIfDirty, every LeaseTTL/3) does both; a read
	// while the actor is busy may then trail a phase change by that
	// period instead of 250 ms. Encoding 200
	// rooms' snapshots after every phase change was 5% of the server's CPU
	// in many-rooms (issue 16).
	if r.snapshotDue && !r.ended && r.snapshotAt.IsZero() && !r.l.inProcess {
		// The phase change's snapshot waits until the fan-out of what was
		// just published is under way: encoding a 10,000-player game takes
		// milliseconds of the actor's core, which the fan-out (the remote
		// views' dispatchers, the local one's on this very actor) and the
		// writers need first. Nothing is lost meanwhile: every input
		// after the last snapshot is in the input log. Rooms changing
		// phase together take their snapshots in turn (pacer.go).
		r.snapshotAt = r.l.snapshotSlots.slot(time.Now().Add(snapshotDelay))
	}
	r.snapshotDue = false
}

// publishContext bounds a publish to a remote Bus to 5 s, past the actor's
// shutdown (the output of a batch applied must go out). An in-process Bus
// publishes under a mutex: no timer for every flush of every room.
func (r *room) publishContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx = context.WithoutCancel(ctx)
	if r.l.inProcess {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, 5*time.Second)
}

// stampTerm adds the ownership term to every frame of items, so that a
// client can drop what an older term's owner sent after a newer one spoke
// (docs/protocol.md, "term"). The frames are the batch's own: nothing else
// holds them yet.
func stampTerm(items []outItem, term Term) {
	for i := range items {
		if len(items[i].D) > 0 {
			items[i].D = wire.WithTerm(items[i].D, uint64(term))
		}
		for p, f := range items[i].Per {
			items[i].Per[p] = wire.WithTerm(f, uint64(term))
		}
	}
}

// snapshotDelay is how long after a phase change its snapshot is taken.
const snapshotDelay = 250 * time.Millisecond

// stampQuestion stamps the question opened in this batch with the time it
// is handed to the fan-out (server_ms), as late as the actor can: the
// engine's deadline (deadline_ms) stays the instant answers close, so
// deadline_ms - server_ms is what is left of the question when it leaves.
func (r *renderer) stampQuestion(now time.Time) {
	if r.openQuestion == nil {
		return
	}
	f := *r.openQuestion
	r.openQuestion = nil
	f.ServerMs = now.UnixMilli()
	r.items[r.openItem].D = wire.Marshal(f)
}

// seqFor is the wire seq of a frame for audience: the next one for a frame
// to everyone, the current one otherwise.
func (r *renderer) seqFor(to audience) uint64 {
	// Joins held back by the throttle go first: the host must not see a
	// player leave, or a question open, before it saw them join.
	r.announceJoins()
	if to == toAll {
		r.wireSeq++
	}
	return r.wireSeq
}

// send adds frame for audience, encoded once, with each player's part in you.
func (r *renderer) send(to audience, frame any, you map[game.PlayerID]json.RawMessage) {
	r.add(outItem{To: to, D: wire.Marshal(frame), You: you})
}
