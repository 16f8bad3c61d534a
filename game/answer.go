package game

import (
	"time"
	"unicode/utf8"
)

// Answer records player id's answer to question q. responseTime is decided
// by the server (never the client); negative values count as 0. grace is how
// long after the question's deadline an answer still counts; set
// Settings.AnswerGrace to at least the largest grace you pass, or the
// question will already be closed when such answers arrive.
//
// Refusals, checked in this order: unknown_player/kicked; too_late for a
// question already closed; not_open for a question not open yet, while
// paused, or for a player who joined after it opened; already_answered (the
// first answer stands); too_late after the deadline plus grace;
// invalid_answer for an answer that does not fit the question.
func (g *Game) Answer(id PlayerID, q int, a Answer, responseTime, grace time.Duration, now time.Time) ([]Event, error) {
	now = norm(now)
	p, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	if p.Solo != nil {
		return g.soloAnswer(p, q, a, responseTime, grace, now)
	}
	i := g.st.Index
	switch {
	case q < 0 || q >= len(g.st.Questions):
		return nil, errorf(CodeNotOpen, "there is no question %d (the game has %d)", q, len(g.st.Questions))
	case g.st.Phase == PhaseQuestion && q == i:
	case q <= i:
		return nil, errorf(CodeTooLate, "question %d is closed", q)
	default:
		return nil, errorf(CodeNotOpen, "question %d is not open (the game is in the %s phase)", q, g.st.Phase)
	}
	if g.st.Paused {
		return nil, errorf(CodeNotOpen, "question %d is paused", q)
	}
	if p.FirstQuestion > i {
		return nil, errorf(CodeNotOpen, "you joined after question %d opened; you can answer from the next one", q)
	}
	if p.answerTo(i) != nil {
		return nil, errorf(CodeAlreadyAnswered, "question %d already has your answer; the first one stands", q)
	}
	if now.After(g.st.QuestionDeadline.Add(max(grace, 0))) {
		return nil, errorf(CodeTooLate, "the time for question %d ran out %v ago", q, now.Sub(g.st.QuestionDeadline))
	}
	question := g.st.Questions[i]
	if err := checkAnswer(question, a); err != nil {
		return nil, err
	}

	rt := clampDur(responseTime, 0, g.st.QuestionDeadline.Sub(g.st.OpenedAt))
	rec := g.record(i, a, rt)

	g.count(p, -1)
	p.Answers = append(p.Answers, rec)
	g.count(p, 1)
	evs := []Event{
		AnswerAccepted{Player: id, Index: i, ResponseTime: rt},
		g.answersCount(),
	}
	return g.maybeCloseEarly(now, evs), nil
}

// record judges answer a to question i (already checked) and counts it in
// the question's distribution.
func (g *Game) record(i int, a Answer, rt time.Duration) answerRecord {
	question := g.st.Questions[i]
	rec := answerRecord{Index: i, ResponseTime: rt}
	r := &g.st.Rounds[i]
	switch question.Kind {
	case KindTyped:
		rec.Text = a.Text
		rec.Correct = MatchTypedExcept(a.Text, question.Accept, question.Reject)
	default:
		rec.Choices = cloneOrNil(a.Choices)
		for _, c := range a.Choices {
			r.Distribution[c]++
		}
		if question.Kind != KindPoll {
			num, den := MultiCredit(a.Choices, question.Correct)
			rec.Correct = num == den && len(a.Choices) == den
		}
	}
	r.Answered++
	return rec
}

// checkAnswer refuses an answer whose shape does not fit the question.
func checkAnswer(q Question, a Answer) *Error {
	if q.Kind == KindTyped {
		if len(a.Choices) != 0 {
			return errorf(CodeInvalidAnswer, "a typed question takes text, not choices")
		}
		if len(a.Text) > MaxTypedBytes {
			return errorf(CodeInvalidAnswer, "the answer is %d bytes, at most %d allowed", len(a.Text), MaxTypedBytes)
		}
		if !utf8.ValidString(a.Text) {
			return errorf(CodeInvalidAnswer, "the answer is not valid UTF-8")
		}
		if NormalizeTyped(a.Text) == "" {
			return errorf(CodeInvalidAnswer, "the answer is empty (it needs letters or digits)")
		}
		return nil
	}
	if a.Text != "" {
		return errorf(CodeInvalidAnswer, "a %s question takes choices, not text", q.Kind)
	}
	n := len(q.Options)
	if q.Kind == KindMulti {
		if len(a.Choices) < 1 || len(a.Choices) > n {
			return errorf(CodeInvalidAnswer, "pick 1 to %d options, not %d", n, len(a.Choices))
		}
	} else if a.List {
		return errorf(CodeInvalidAnswer, "a %s question takes one \"choice\", not a list of \"choices\"", q.Kind)
	} else if len(a.Choices) != 1 {
		return errorf(CodeInvalidAnswer, "pick exactly one option, not %d", len(a.Choices))
	}
	var seen [MaxOptions]bool
	for _, c := range a.Choices {
		if c < 0 || c >= n {
			return errorf(CodeInvalidAnswer, "option %d is out of range 0..%d", c, n-1)
		}
		if seen[c] {
			return errorf(CodeInvalidAnswer, "option %d is picked twice", c)
		}
		seen[c] = true
	}
	return nil
}

// closeQuestion ends the open question at time at and scores it (unless
// skipped), then shows the reveal.
func (g *Game) closeQuestion(at time.Time, reason string, evs []Event) []Event {
	i := g.st.Index
	q := g.st.Questions[i]
	r := &g.st.Rounds[i]
	g.ensureRanks()

	scored := reason != CloseSkipped && q.Kind != KindPoll
	teams := g.st.Settings.TeamMode()
	eligible, correct := 0, 0
	for _, p := range g.st.Players {
		if p.Kicked {
			continue
		}
		p.PrevRank = p.rank
		if p.FirstQuestion > i {
			continue
		}
		eligible++
		rec := g.scorePlayer(p, i, scored)
		if rec != nil && rec.Correct {
			correct++
		}
		if teams && rec == nil && !p.Connected && p.active() {
			// Away: a whole question closed while they were gone without
			// answering; they are not counted for their team again until
			// they come back (docs/scoring.md, "Teams").
			p.Away = true
		}
	}
	r.Closed = true
	r.Skipped = reason == CloseSkipped
	r.Reason = reason
	r.CorrectCount = correct
	r.Players = eligible
	if teams {
		for _, p := range g.st.Players {
			if g.countedFor(p, i) {
				g.addToTeam(p, i)
			}
		}
	}

	g.st.Phase = PhaseReveal
	g.st.Paused = false
	g.st.Remaining = 0
	g.st.PhaseDeadline = time.Time{}
	if g.st.Settings.AutoAdvance {
		g.st.PhaseDeadline = at.Add(g.st.Settings.RevealTime)
	}
	g.eligible, g.connected, g.pending, g.answeredActive = 0, 0, 0, 0
	g.ranksDirty = true
	g.ensureRanks()

	results := make(map[PlayerID]PlayerResult, eligible)
	for _, p := range g.st.Players {
		if p.Kicked || p.FirstQuestion > i {
			continue
		}
		results[p.ID] = g.resultOf(p, i)
	}
	ev := QuestionClosed{
		Index:        i,
		Reason:       reason,
		Kind:         q.Kind,
		Correct:      cloneOrNil(q.Correct),
		Accept:       cloneOrNil(q.Accept),
		Explanation:  q.Explanation,
		Distribution: cloneOrNil(r.Distribution),
		Answered:     r.Answered,
		CorrectCount: correct,
		Players:      eligible,
		Skipped:      r.Skipped,
		Results:      results,
		Teams:        g.teamResults(i),
	}
	return append(evs, ev)
}

// scorePlayer scores p's answer to question i, which is closing (unless
// scored is false: a poll or a skip leaves the streak as it was), and
// returns the answer (nil when p gave none).
func (g *Game) scorePlayer(p *player, i int, scored bool) *answerRecord {
	q := g.st.Questions[i]
	s := g.st.Settings
	rec := p.answerTo(i)
	if !scored {
		if rec != nil {
			rec.Streak = p.Streak
		}
		return rec
	}
	p0 := Points(q.DoublePoints)
	limit := g.questionTime(i)
	switch {
	case rec != nil && rec.Correct:
		p.Streak++
		rec.Points = SpeedPoints(p0, rec.ResponseTime, limit, s.Mode, s.SpeedWeight)
		rec.StreakBonus = StreakBonus(p.Streak)
		p.Correct++
		p.ResponseMs += rec.ResponseTime.Milliseconds()
	case rec != nil && q.Kind == KindMulti:
		p.Streak = 0
		num, den := MultiCredit(rec.Choices, q.Correct)
		rec.Points = scaleRound(SpeedPoints(p0, rec.ResponseTime, limit, s.Mode, s.SpeedWeight), num, den)
	default:
		p.Streak = 0
	}
	if rec != nil {
		p.Score += rec.Points + rec.StreakBonus
		rec.Streak = p.Streak
	}
	return rec
}

// resultOf is p's outcome of closed question i as of now.
func (g *Game) resultOf(p *player, i int) PlayerResult {
	res := PlayerResult{Streak: p.Streak, Score: p.Score, Rank: p.rank, PrevRank: p.PrevRank,
		Team: p.Team, TeamCounted: g.countedFor(p, i)}
	if rec := p.answerTo(i); rec != nil {
		res.Answered = true
		res.Correct = rec.Correct
		res.Points = rec.Points
		res.StreakBonus = rec.StreakBonus
		res.ResponseTime = rec.ResponseTime
		res.Streak = rec.Streak
	}
	return res
}
