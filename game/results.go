package game

import "time"

// Results is everything results.csv/json and the per-player review need.
type Results struct {
	Phase     Phase
	EndReason string
	Settings  Settings
	Questions []QuestionResult
	Players   []PlayerReview // ranked, best first
	Teams     []TeamReview   // team mode: ranked, best first (Standing.Team links players to them)
	// ChallengeDeadline: a self-paced challenge's deadline (zero otherwise).
	ChallengeDeadline time.Time
}

// QuestionResult summarizes one question.
type QuestionResult struct {
	Index        int
	Question     Question
	Opened       bool
	Closed       bool
	Skipped      bool   // skipped by the host, or abandoned when the game ended
	Reason       string // why it closed (CloseDeadline, ...)
	Distribution []int
	Answered     int
	CorrectCount int
	Players      int     // players eligible when it closed (self-paced: who have played it)
	Accuracy     float64 // CorrectCount / Players, 0 with no players
}

// PlayerReview is one player's row and what they answered.
type PlayerReview struct {
	Standing
	Answers []ReviewItem // one per closed question the player could answer
	Missed  []int        // indexes of scored questions answered wrongly or not at all
	// Solo is the player's progress in a self-paced game (nil in live games).
	Solo *SoloProgress
}

// ReviewItem is one player's outcome on one question.
type ReviewItem struct {
	Index        int
	Answered     bool
	Choices      []int
	Text         string
	Correct      bool
	Points       int
	StreakBonus  int
	ResponseTime time.Duration
	TeamCounted  bool // team mode: the answer entered the team's mean
}

// Results builds the results table as of now (it can be called in any phase).
func (g *Game) Results() Results {
	res := Results{Phase: g.st.Phase, EndReason: g.st.EndReason, Settings: g.st.Settings}
	for i, r := range g.st.Rounds {
		qr := QuestionResult{
			Index:        i,
			Question:     cloneQuestion(g.st.Questions[i]),
			Opened:       r.Opened,
			Closed:       r.Closed,
			Skipped:      r.Skipped,
			Reason:       r.Reason,
			Distribution: cloneOrNil(r.Distribution),
			Answered:     r.Answered,
			CorrectCount: r.CorrectCount,
			Players:      r.Players,
		}
		if r.Players > 0 {
			qr.Accuracy = float64(r.CorrectCount) / float64(r.Players)
		}
		res.Questions = append(res.Questions, qr)
	}
	g.ensureRanks()
	for _, p := range g.ranked {
		pr := PlayerReview{Standing: g.standing(p), Solo: g.soloProgress(p)}
		for _, i := range g.reviewed(p) {
			item := ReviewItem{Index: i, TeamCounted: g.countedFor(p, i)}
			if a := p.answerTo(i); a != nil {
				item = ReviewItem{Index: i, Answered: true, Choices: cloneOrNil(a.Choices), Text: a.Text,
					Correct: a.Correct, Points: a.Points, StreakBonus: a.StreakBonus, ResponseTime: a.ResponseTime,
					TeamCounted: item.TeamCounted}
			}
			pr.Answers = append(pr.Answers, item)
			if g.scored(i) && !item.Correct {
				pr.Missed = append(pr.Missed, i)
			}
		}
		res.Players = append(res.Players, pr)
	}
	if g.st.Settings.TeamMode() {
		res.Teams = g.teamReviews()
	}
	res.ChallengeDeadline = g.st.ChallengeDeadline
	return res
}

// reviewed lists the questions p's review covers, in order: in a live game
// every closed question p could answer; in a self-paced game those p has
// played, and once the challenge is over the ones p never reached as well.
func (g *Game) reviewed(p *player) []int {
	var out []int
	for i, r := range g.st.Rounds {
		switch {
		case p.Solo != nil:
			if i < p.Solo.Played || g.st.Phase == PhaseEnded {
				out = append(out, i)
			}
		case r.Closed && i >= p.FirstQuestion:
			out = append(out, i)
		}
	}
	return out
}

// missed lists the scored questions p answered wrongly, partly or not at all.
func (g *Game) missed(p *player) []int {
	var out []int
	for _, i := range g.reviewed(p) {
		if !g.scored(i) {
			continue
		}
		if a := p.answerTo(i); a == nil || !a.Correct {
			out = append(out, i)
		}
	}
	return out
}
