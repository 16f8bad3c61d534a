package game

import (
	"cmp"
	"slices"
	"time"
)

// TeamStanding is one row of the team ranking.
type TeamStanding struct {
	Rank     int // 1-based; teams with the same score share a rank (1, 1, 3)
	PrevRank int // before the last question closed (self-paced: same as Rank)
	Team     int // 1-based team number
	Name     string
	Score    int
	Streak   int
	Correct  int // questions the team got right (more than half its present members correct)
	Members  int // players in the team now (not left, not kicked)
	// Best is the team's best player by the player ranking (nil for a team
	// nobody has played in). Kicked players are never best.
	Best *Standing
}

// TeamReview is one team's row in the results and its outcome per question.
type TeamReview struct {
	TeamStanding
	Questions []TeamResult // one per scored question somebody of the team was counted for
}

// teamQ is what a team's mean for one question is computed from.
type teamQ struct{ present, answered, correct, sum int }

// teamsOpen reports whether p may still change team: in the lobby, or in a
// challenge before p's first question.
func (g *Game) teamsOpen(p *player) bool {
	switch g.st.Phase {
	case PhaseLobby:
		return true
	case PhaseChallenge:
		return p == nil || p.Solo == nil || (p.Solo.Played == 0 && !p.Solo.Open)
	}
	return false
}

func (g *Game) checkTeam(team int) *Error {
	if !g.st.Settings.TeamMode() {
		return errorf(CodeTeamsOff, "this game is not played in teams")
	}
	if team < 1 || team > g.st.Settings.Teams {
		return errorf(CodeUnknownTeam, "there is no team %d (the game has teams 1 to %d)", team, g.st.Settings.Teams)
	}
	return nil
}

// teamSizes counts the players in each team (not left, not kicked).
func (g *Game) teamSizes() []int {
	sizes := make([]int, g.st.Settings.Teams)
	for _, p := range g.st.Players {
		if p.Team > 0 && p.active() {
			sizes[p.Team-1]++
		}
	}
	return sizes
}

// smallestTeam is the team with the fewest players, the lowest number first.
func (g *Game) smallestTeam() int {
	sizes := g.teamSizes()
	return slices.Index(sizes, slices.Min(sizes)) + 1
}

// placeInTeam decides a new player's team: their pick while teams are open
// and players choose, otherwise the smallest team.
func (g *Game) placeInTeam(pick int) int {
	if !g.st.Settings.TeamMode() {
		return 0
	}
	if pick != 0 && g.st.Settings.TeamAssign == TeamsChoose && g.teamsOpen(nil) {
		return pick
	}
	return g.smallestTeam()
}

// MoveToTeam is the host moving a player to another team. Teams change only
// in the lobby (in a challenge, before the player's first question): once
// points are being earned, a move would carry a player's answers across.
// Moving a player to their own team does nothing.
func (g *Game) MoveToTeam(id PlayerID, team int, now time.Time) ([]Event, error) {
	return g.setTeam(id, team, TeamByHost)
}

// ChooseTeam is a player picking another team, when the host lets players
// choose (TeamsChoose); same rules as MoveToTeam otherwise.
func (g *Game) ChooseTeam(id PlayerID, team int, now time.Time) ([]Event, error) {
	if g.st.Settings.TeamMode() && g.st.Settings.TeamAssign == TeamsBalance {
		return nil, errorf(CodeTeamChoiceOff, "the host balances the teams; players cannot pick one")
	}
	return g.setTeam(id, team, TeamByPlayer)
}

func (g *Game) setTeam(id PlayerID, team int, by string) ([]Event, error) {
	if g.st.Phase == PhaseEnded {
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	if err := g.checkTeam(team); err != nil {
		return nil, err
	}
	p, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	if !g.teamsOpen(p) {
		return nil, errorf(CodeTeamsLocked, "teams are fixed once the game has started")
	}
	if p.Team == team {
		return nil, nil
	}
	from := p.Team
	p.Team = team
	return []Event{TeamChanged{Player: p.ID, Nickname: p.Nickname, From: from, To: team, By: by}}, nil
}

// BalanceTeams evens the teams out in the lobby: while one team has two or
// more players than another, the latest joiner of the largest team (the
// lowest number among equals) moves to the smallest. It moves as few
// players as evening out needs.
func (g *Game) BalanceTeams(now time.Time) ([]Event, error) {
	if g.st.Phase == PhaseEnded {
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	if !g.st.Settings.TeamMode() {
		return nil, errorf(CodeTeamsOff, "this game is not played in teams")
	}
	if g.st.Phase != PhaseLobby {
		return nil, errorf(CodeTeamsLocked, "teams are balanced in the lobby, before the game starts")
	}
	var evs []Event
	for {
		sizes := g.teamSizes()
		lo, hi := slices.Min(sizes), slices.Max(sizes)
		if hi-lo < 2 {
			return evs, nil
		}
		from, to := slices.Index(sizes, hi)+1, slices.Index(sizes, lo)+1
		var last *player
		for _, p := range g.st.Players {
			if p.Team == from && p.active() {
				last = p
			}
		}
		last.Team = to
		evs = append(evs, TeamChanged{Player: last.ID, Nickname: last.Nickname, From: from, To: to, By: TeamByBalance})
	}
}

// ---- the team mean ----

func absentAt(p *player, i int) bool {
	for _, s := range p.Absent {
		if s[0] <= i && i < s[1] {
			return true
		}
	}
	return false
}

// markAbsent records that p is not counted for question i.
func markAbsent(p *player, i int) {
	if n := len(p.Absent); n > 0 {
		last := &p.Absent[n-1]
		if last[0] <= i && i < last[1] {
			return
		}
		if last[1] == i {
			last[1] = i + 1
			return
		}
	}
	p.Absent = append(p.Absent, [2]int{i, i + 1})
}

// countedFor reports whether p's points for question i, which has closed
// for p, enter p's team's mean.
func (g *Game) countedFor(p *player, i int) bool {
	if p.Team == 0 {
		return false
	}
	if p.Solo != nil {
		return i < p.Solo.Played
	}
	return g.st.Rounds[i].Closed && i >= p.FirstQuestion && !absentAt(p, i)
}

// rebuildTeams derives the per-team sums from the players' records.
func (g *Game) rebuildTeams() {
	g.teamAgg = nil
	if !g.st.Settings.TeamMode() {
		return
	}
	g.teamAgg = make([][]teamQ, g.st.Settings.Teams)
	for t := range g.teamAgg {
		g.teamAgg[t] = make([]teamQ, len(g.st.Questions))
	}
	for _, p := range g.st.Players {
		for i := range g.st.Questions {
			if g.countedFor(p, i) {
				g.addToTeam(p, i)
			}
		}
	}
}

// addToTeam adds p's outcome of question i to p's team's sums.
func (g *Game) addToTeam(p *player, i int) {
	if g.teamAgg == nil || p.Team < 1 || p.Team > len(g.teamAgg) {
		return
	}
	a := &g.teamAgg[p.Team-1][i]
	a.present++
	if rec := p.answerTo(i); rec != nil {
		a.answered++
		a.sum += rec.Points
		if rec.Correct {
			a.correct++
		}
	}
}

// scored reports whether question i gives points (not a poll, not skipped).
func (g *Game) scored(i int) bool {
	return g.st.Questions[i].Kind != KindPoll && !g.st.Rounds[i].Skipped
}

// meanRound is round(sum/n) for n > 0, halves away from zero (sum >= 0).
func meanRound(sum, n int) int { return (2*sum + n) / (2 * n) }

// teamLine walks team t's questions before upto in order and returns its
// score, streak and correct count; each, when not nil, receives every
// scored question somebody of the team was counted for.
func (g *Game) teamLine(t, upto int, each func(TeamResult)) (score, streak, correct int) {
	for i, a := range g.teamAgg[t-1][:upto] {
		if a.present == 0 || !g.scored(i) {
			continue
		}
		r := TeamResult{Index: i, Team: t, Name: g.st.Settings.TeamNames[t-1], Present: a.present, Answered: a.answered,
			CorrectCount: a.correct, Points: meanRound(a.sum, a.present)}
		if 2*a.correct > a.present {
			streak++
			correct++
			r.Correct = true
			r.StreakBonus = StreakBonus(streak)
		} else {
			streak = 0
		}
		score += r.Points + r.StreakBonus
		r.Streak, r.Score = streak, score
		if each != nil {
			each(r)
		}
	}
	return score, streak, correct
}

// teamRanks ranks the teams on their scores over questions before upto:
// ranks[t-1], with ties sharing a rank.
func (g *Game) teamRanks(upto int) []int {
	n := g.st.Settings.Teams
	scores := make([]int, n)
	for t := 1; t <= n; t++ {
		scores[t-1], _, _ = g.teamLine(t, upto, nil)
	}
	ranks := make([]int, n)
	for t := range n {
		ranks[t] = 1
		for u := range n {
			if scores[u] > scores[t] {
				ranks[t]++
			}
		}
	}
	return ranks
}

// prevBound is the question bound of the standings before the last
// question closed (live games), or the current bound (self-paced).
func (g *Game) prevBound() int {
	if g.st.Settings.SelfPaced || g.st.Index < 0 {
		return len(g.st.Questions)
	}
	last := g.st.Index
	if !g.st.Rounds[last].Closed {
		last--
	}
	return max(last, 0)
}

// TeamStandings ranks the teams, best first (nil without team mode).
func (g *Game) TeamStandings() []TeamStanding {
	if !g.st.Settings.TeamMode() {
		return nil
	}
	n := g.st.Settings.Teams
	all := len(g.st.Questions)
	ranks, prev := g.teamRanks(all), g.teamRanks(g.prevBound())
	sizes := g.teamSizes()
	out := make([]TeamStanding, n)
	for t := 1; t <= n; t++ {
		score, streak, correct := g.teamLine(t, all, nil)
		out[t-1] = TeamStanding{Rank: ranks[t-1], PrevRank: prev[t-1], Team: t, Name: g.st.Settings.TeamNames[t-1],
			Score: score, Streak: streak, Correct: correct, Members: sizes[t-1]}
	}
	g.ensureRanks()
	for _, p := range g.ranked {
		if ts := &out[p.Team-1]; p.Team > 0 && ts.Best == nil {
			s := g.standing(p)
			ts.Best = &s
		}
	}
	slices.SortStableFunc(out, func(a, b TeamStanding) int { return cmp.Compare(a.Rank, b.Rank) })
	return out
}

// teamResults is every team's outcome of question i, which just closed.
func (g *Game) teamResults(i int) []TeamResult {
	if !g.st.Settings.TeamMode() {
		return nil
	}
	ranks, prev := g.teamRanks(len(g.st.Questions)), g.teamRanks(g.prevBound())
	out := make([]TeamResult, g.st.Settings.Teams)
	for t := 1; t <= g.st.Settings.Teams; t++ {
		r := TeamResult{Index: i, Team: t, Name: g.st.Settings.TeamNames[t-1]}
		a := g.teamAgg[t-1][i]
		r.Present, r.Answered, r.CorrectCount = a.present, a.answered, a.correct
		r.Score, r.Streak, _ = g.teamLine(t, i+1, func(tr TeamResult) {
			if tr.Index == i {
				r.Points, r.StreakBonus, r.Correct = tr.Points, tr.StreakBonus, tr.Correct
			}
		})
		r.Rank, r.PrevRank = ranks[t-1], prev[t-1]
		out[t-1] = r
	}
	return out
}

// teamReviews is every team's row and per-question outcomes for Results.
func (g *Game) teamReviews() []TeamReview {
	st := g.TeamStandings()
	out := make([]TeamReview, len(st))
	for k, s := range st {
		out[k].TeamStanding = s
		g.teamLine(s.Team, len(g.st.Questions), func(r TeamResult) {
			out[k].Questions = append(out[k].Questions, r)
		})
	}
	return out
}
