package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// playerCommand runs the player messages of team mode and challenges; it
// reports whether in was one of them.
func (r *room) playerCommand(in input, now time.Time) bool {
	var evs []game.Event
	var err error
	switch in.Op {
	case wire.TypeChooseTeam:
		evs, err = r.g.ChooseTeam(in.Player, in.Team, now)
	case wire.TypePlayNext:
		evs, err = r.g.PlayerNext(in.Player, now)
	default:
		return false
	}
	if err != nil {
		r.replyError(in, err)
		return true
	}
	r.handle(evs)
	return true
}

// soloShown is 1 + the index of the question open for pid alone (0: none),
// so that the connection times the player's answer from when it was shown.
func (r *room) soloShown(pid game.PlayerID) int {
	if pid == "" {
		return 0
	}
	ps, ok := r.g.Player(pid)
	if !ok || ps.Solo == nil || !ps.Solo.Open {
		return 0
	}
	return ps.Solo.Played + 1
}

// soloQuestionFrame is the question open for one self-paced player.
func (r *room) soloQuestionFrame(i int, deadline time.Time, d time.Duration, now time.Time) wire.Question {
	f := r.questionFrame(i, r.wireSeq, now)
	f.DeadlineMs, f.TimeMs = ms(deadline), d.Milliseconds()
	return f
}
