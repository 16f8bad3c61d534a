package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// playerCommand runs the player messages of team mode and challenges
// (choose_team, play_next); the error is its refusal.
func (r *room) playerCommand(in input, now time.Time) error {
	var evs []game.Event
	var err error
	if in.Op == wire.TypeChooseTeam {
		evs, err = r.g.ChooseTeam(in.Player, in.Team, now)
	} else {
		evs, err = r.g.PlayerNext(in.Player, now)
	}
	if err != nil {
		return err
	}
	r.handle(evs)
	return nil
}

// questionShownTo is the question a state or welcome frame shows pid: in a
// challenge the player's own open question (so that the connection times
// their answer from when it was shown), else the game's.
func (r *room) questionShownTo(pid game.PlayerID) questionRef {
	if r.g.Phase() != game.PhaseChallenge {
		return r.shownQuestion()
	}
	ps, ok := r.g.Player(pid)
	if pid == "" || !ok || ps.Solo == nil || !ps.Solo.Open {
		return noQuestion
	}
	return showing(ps.Solo.Played)
}

// soloQuestionFrame is the question open for one self-paced player.
func soloQuestionFrame(g engineView, i int, seq uint64, deadline time.Time, d time.Duration, now time.Time) wire.Question {
	f := questionFrame(g, i, seq, now)
	f.DeadlineMs, f.TimeMs = ms(deadline), d.Milliseconds()
	return f
}
