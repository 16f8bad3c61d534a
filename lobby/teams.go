package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Team mode in the room: the host's team commands, the player's pick, and
// the team rows every screen shows (docs/scoring.md, "Teams").

// teamCommand runs the host's move_team and balance_teams.
func (r *room) teamCommand(in input, now time.Time) ([]game.Event, error) {
	if in.Op == wire.TypeBalanceTeams {
		return r.g.BalanceTeams(now)
	}
	return r.g.MoveToTeam(in.Target, in.Team, now)
}

// teamList is the teams with their current sizes (nil without team mode).
func teamList(g engineView) []wire.Team {
	s := g.Settings()
	if !s.TeamMode() {
		return nil
	}
	out := make([]wire.Team, s.Teams)
	for i, name := range s.TeamNames {
		out[i] = wire.Team{Team: i + 1, Name: name}
	}
	for _, p := range g.Players() {
		if p.Team > 0 && p.Team <= len(out) && !p.Left && !p.Kicked {
			out[p.Team-1].Members++
		}
	}
	return out
}

// teamChanged tells everyone a player changed team, with the new sizes.
func (r *renderer) teamChanged(g engineView, e game.TeamChanged) {
	teams := teamList(g)
	r.send(toAll, wire.TeamChanged{Type: wire.TypeTeamChanged, Seq: r.seqFor(toAll), PlayerID: string(e.Player), Nickname: e.Nickname,
		From: e.From, To: e.To, By: e.By, Teams: teams}, nil)
}

func teamResultRows(rs []game.TeamResult) []wire.TeamRow {
	if len(rs) == 0 {
		return nil
	}
	out := make([]wire.TeamRow, len(rs))
	for i, t := range rs {
		out[i] = wire.TeamRow{Team: t.Team, Name: t.Name, Rank: t.Rank, PrevRank: t.PrevRank, Score: t.Score, Points: t.Points,
			StreakBonus: t.StreakBonus, Streak: t.Streak, Correct: t.Correct, CorrectCount: t.CorrectCount, Present: t.Present}
	}
	return out
}

func teamStandingRows(ts []game.TeamStanding) []wire.TeamRow {
	if len(ts) == 0 {
		return nil
	}
	out := make([]wire.TeamRow, len(ts))
	for i, t := range ts {
		out[i] = wire.TeamRow{Team: t.Team, Name: t.Name, Rank: t.Rank, PrevRank: t.PrevRank, Score: t.Score,
			Streak: t.Streak, Members: t.Members}
		if t.Best != nil {
			b := standings([]game.Standing{*t.Best})[0]
			out[i].Best = &b
		}
	}
	return out
}
