package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Host notes (joins and answer counts) are control traffic to host and
// display whose volume grows with the room: one per join or answer would
// overflow the host's bounded queue in a join flood of a big game (and the
// host would be cut as a slow consumer). They are coalesced: at most one
// count and one join message (listing every player who joined) per batch,
// and for a big game at most one of each per hostNoteEvery.
const (
	hostNoteEvery = 150 * time.Millisecond
	// joinThrottleFrom is the room size from which joins are throttled too;
	// below it every batch's joins go out at once (a small lobby fills live).
	joinThrottleFrom = 100
	// maxJoinsPerNote bounds one player_joined message.
	maxJoinsPerNote = 500
)

// hostNotes adds the pending host notes that are due (all of them when
// force). The actor's timer calls flush again at noteDue.
func (r *renderer) hostNotes(g engineView, now time.Time, force bool) {
	due := force || now.Sub(r.lastNote) >= hostNoteEvery
	if len(r.pendingJoins) > 0 && (due || r.playerCount < joinThrottleFrom) {
		r.announceJoins()
		r.lastNote = now
	}
	if r.countDirty && due {
		if r.lastCount != nil && (force || g.Phase() == game.PhaseQuestion) {
			// Host and display only: players do not need the count.
			c := *r.lastCount
			c.Seq = r.wireSeq
			r.add(outItem{To: toHosts, D: wire.Marshal(c)})
		}
		r.countDirty = false
		r.lastNote = now
	}
}

// announceJoins adds the pending joins as player_joined messages.
func (r *renderer) announceJoins() {
	for len(r.pendingJoins) > 0 {
		n := min(len(r.pendingJoins), maxJoinsPerNote)
		batch := r.pendingJoins[:n:n]
		r.pendingJoins = r.pendingJoins[n:]
		msg := wire.PlayerJoined{Type: wire.TypePlayerJoined, Seq: r.wireSeq, Player: batch[n-1], Players: batch, Count: r.playerCount}
		r.add(outItem{To: toHosts, D: wire.Marshal(msg)})
	}
	r.pendingJoins = nil
}

// noteDue is when held-back host notes are due, or zero.
func (r *renderer) noteDue() time.Time {
	if len(r.pendingJoins) == 0 && !r.countDirty {
		return time.Time{}
	}
	return r.lastNote.Add(hostNoteEvery)
}
