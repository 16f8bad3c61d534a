package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The room's side of the renderer: the actor hands the renderer its engine
// and the time, and takes over what rendering means beyond output items
// (the player count other goroutines read, the phase change's snapshot,
// the end). The outputs stay in items until flush publishes them.

// handle turns engine events into output items.
func (r *room) handle(evs []game.Event) { r.took(r.renderer.handle(r.g, evs, time.Now())) }

// took applies what rendering an event meant to the room.
func (r *room) took(fx rendered) {
	if fx.PlayersChanged {
		r.players.Store(int64(fx.Players))
	}
	if fx.PhaseChanged {
		r.snapshotDue = true
	}
	if fx.Ended {
		r.ended = true
		r.over.Store(true)
	}
}

// hostNotes adds the pending host notes that are due (all of them when
// force).
func (r *room) hostNotes(now time.Time, force bool) { r.renderer.hostNotes(r.g, now, force) }

// stampQuestion stamps the question opened in this batch as it is handed
// to the fan-out.
func (r *room) stampQuestion() { r.renderer.stampQuestion(time.Now()) }

// state is where the game stands, for role (and player pid).
func (r *room) state(role string, pid game.PlayerID, now time.Time) *wire.State {
	return r.renderer.state(r.g, role, pid, now)
}

// resyncAll sends every connection a fresh state.
func (r *room) resyncAll(now time.Time) { r.renderer.resyncAll(r.g, now) }

// shownQuestion is the question a state or welcome frame shows.
func (r *room) shownQuestion() questionRef { return shownQuestion(r.g) }
