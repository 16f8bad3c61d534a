package game

import "time"

// Results is everything results.csv/json and the per-player review need.
type Results struct {
	Phase     Phase
	EndReason string
	Settings  Settings
	Questions []QuestionResult
	Players   []PlayerReview // ranked, best first
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
	Players      int     // players eligible when it closed
	Accuracy     float64 // CorrectCount / Players, 0 with no players
}

// PlayerReview is one player's row and what they answered.
type PlayerReview struct {
	Standing
	Answers []ReviewItem // one per closed question the player could answer
	Missed  []int        // indexes of scored questions answered wrongly or not at all
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
		pr := PlayerReview{Standing: g.standing(p)}
		k := 0 // walks p.Answers, which is in question order
		for i, r := range g.st.Rounds {
			if !r.Closed || i < p.FirstQuestion {
				continue
			}
			for k < len(p.Answers) && p.Answers[k].Index < i {
				k++
			}
			item := ReviewItem{Index: i}
			if k < len(p.Answers) && p.Answers[k].Index == i {
				a := p.Answers[k]
				item = ReviewItem{Index: i, Answered: true, Choices: cloneOrNil(a.Choices), Text: a.Text,
					Correct: a.Correct, Points: a.Points, StreakBonus: a.StreakBonus, ResponseTime: a.ResponseTime}
			}
			pr.Answers = append(pr.Answers, item)
			if !r.Skipped && g.st.Questions[i].Kind != KindPoll && !item.Correct {
				pr.Missed = append(pr.Missed, i)
			}
		}
		res.Players = append(res.Players, pr)
	}
	return res
}
