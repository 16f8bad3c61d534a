package game

import "time"

// A self-paced game (Settings.SelfPaced) is a challenge: Start opens it for
// Settings.ChallengeTime, and inside it every player is a room of one. The
// player's "next" (PlayerNext) opens their next question on their own clock;
// their answer closes it at once (the only player has answered) and scores it
// exactly as a live question, with the response time the server measured; if
// they do not answer, Advance closes it at its deadline plus the answer grace.
// Everyone shares one ranking. At the deadline nobody joins or opens a
// question any more; questions already open run out their own time, and the
// game ends after the last of them.

// soloRecord is one player's own question clock.
type soloRecord struct {
	Played     int       `json:"played,omitempty"` // questions closed for this player; the next to open
	Open       bool      `json:"open,omitempty"`   // question Played is open
	OpenedAt   time.Time `json:"opened_at,omitzero"`
	Deadline   time.Time `json:"deadline,omitzero"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// SoloProgress is a self-paced player's progress.
type SoloProgress struct {
	Played     int  // questions this player has finished
	Total      int  // questions in the challenge
	Open       bool // question Played is open now
	OpenedAt   time.Time
	Deadline   time.Time // of the open question, without grace
	Finished   bool
	FinishedAt time.Time
}

// startChallenge opens a self-paced game; it needs no players yet.
func (g *Game) startChallenge(now time.Time) []Event {
	g.st.Phase = PhaseChallenge
	g.st.ChallengeDeadline = now.Add(g.st.Settings.ChallengeTime)
	return []Event{ChallengeOpened{OpenedAt: now, Deadline: g.st.ChallengeDeadline, Total: len(g.st.Questions)}}
}

// challengeOver reports whether the challenge takes no more joins or
// questions at now: its deadline has passed, or it was closed.
func (g *Game) challengeOver(now time.Time) bool {
	return g.st.Phase == PhaseChallenge && (g.st.ChallengeClosed || !now.Before(g.st.ChallengeDeadline))
}

// PlayerNext opens the player's next question in a self-paced game, on the
// player's own clock: it runs from now for the question's time.
//
// Refusals: wrong_phase in a live game (the host moves it on); not_open
// before the challenge opened; unknown_player/kicked; challenge_closed after
// the deadline; question_open while the player's question is still open (a
// repeated tap opens nothing); finished after the last question.
func (g *Game) PlayerNext(id PlayerID, now time.Time) ([]Event, error) {
	now = norm(now)
	if !g.st.Settings.SelfPaced {
		return nil, errorf(CodeWrongPhase, "the host moves this game on; it is not self-paced")
	}
	switch g.st.Phase {
	case PhaseLobby:
		return nil, errorf(CodeNotOpen, "the challenge has not opened yet")
	case PhaseEnded:
		if g.st.EndReason == EndDeadline {
			return nil, errorf(CodeChallengeClosed, "the challenge closed at its deadline")
		}
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	p, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	s := p.Solo
	switch {
	case s.Open:
		return nil, errorf(CodeQuestionOpen, "your question %d is still open", s.Played)
	case s.Played >= len(g.st.Questions):
		return nil, errorf(CodeFinished, "you have played all %d questions", len(g.st.Questions))
	case g.challengeOver(now):
		return nil, errorf(CodeChallengeClosed, "the challenge closed at %s", g.st.ChallengeDeadline.Format(time.RFC3339))
	}
	i := s.Played
	q := g.st.Questions[i]
	d := g.questionTime(i)
	s.Open, s.OpenedAt, s.Deadline = true, now, now.Add(d)
	r := &g.st.Rounds[i]
	if !r.Opened {
		r.Opened, r.OpenedAt = true, now
	}
	if q.Kind != KindTyped && r.Distribution == nil {
		r.Distribution = make([]int, len(q.Options))
	}
	g.soloDirty = true
	return []Event{SoloQuestionOpened{Player: id, Index: i, Total: len(g.st.Questions), Question: cloneQuestion(q),
		OpenedAt: now, Deadline: s.Deadline, Duration: d, DoublePoints: q.DoublePoints}}, nil
}

// soloAnswer is Answer in a self-paced game.
func (g *Game) soloAnswer(p *player, q int, a Answer, responseTime, grace time.Duration, now time.Time) ([]Event, error) {
	s := p.Solo
	switch {
	case q < 0 || q >= len(g.st.Questions):
		return nil, errorf(CodeNotOpen, "there is no question %d (the game has %d)", q, len(g.st.Questions))
	case q < s.Played:
		return nil, errorf(CodeTooLate, "question %d is closed", q)
	case !s.Open || q > s.Played || g.st.Phase != PhaseChallenge:
		return nil, errorf(CodeNotOpen, "question %d is not open for you", q)
	case now.After(s.Deadline.Add(max(grace, 0))):
		return nil, errorf(CodeTooLate, "the time for question %d ran out %v ago", q, now.Sub(s.Deadline))
	}
	question := g.st.Questions[q]
	if err := checkAnswer(question, a); err != nil {
		return nil, err
	}
	rt := clampDur(responseTime, 0, s.Deadline.Sub(s.OpenedAt))
	p.Answers = append(p.Answers, g.record(q, a, rt))
	evs := []Event{AnswerAccepted{Player: p.ID, Index: q, ResponseTime: rt}}
	return g.soloClose(p, now, CloseAllAnswered, evs), nil
}

// soloClose closes p's open question at time at, scores it and reports it.
func (g *Game) soloClose(p *player, at time.Time, reason string, evs []Event) []Event {
	s := p.Solo
	i := s.Played
	q := g.st.Questions[i]
	g.ensureRanks()
	p.PrevRank = p.rank
	rec := g.scorePlayer(p, i, q.Kind != KindPoll)
	r := &g.st.Rounds[i]
	r.Closed = true
	r.Players++
	if rec != nil && rec.Correct {
		r.CorrectCount++
	}
	s.Played++
	s.Open = false
	g.addToTeam(p, i)
	g.rerank(p)
	g.soloDirty = true
	g.ensureRanks()
	evs = append(evs, SoloQuestionClosed{
		Player:       p.ID,
		Index:        i,
		Reason:       reason,
		Kind:         q.Kind,
		Correct:      cloneOrNil(q.Correct),
		Accept:       cloneOrNil(q.Accept),
		Explanation:  q.Explanation,
		Result:       g.resultOf(p, i),
		Played:       s.Played,
		Total:        len(g.st.Questions),
		Answered:     r.Answered,
		CorrectCount: r.CorrectCount,
		Players:      r.Players,
	})
	if s.Played == len(g.st.Questions) {
		s.FinishedAt = at
		evs = append(evs, PlayerFinished{Player: p.ID, Nickname: p.Nickname, Score: p.Score, Correct: p.Correct, Rank: p.rank, At: at})
		if g.st.Settings.Practice {
			return g.end(EndFinished, evs)
		}
	}
	return g.maybeFinishChallenge(evs)
}

// soloDueAt is the earliest time a player's open question closes by itself
// (its deadline plus the answer grace), and that player; zero when none is open.
func (g *Game) soloDueAt() (time.Time, *player) {
	var due time.Time
	var who *player
	for _, p := range g.st.Players {
		if s := p.Solo; s != nil && s.Open {
			if at := s.Deadline.Add(g.st.Settings.AnswerGrace); who == nil || at.Before(due) {
				due, who = at, p
			}
		}
	}
	return due, who
}

// soloDeadline is soloDueAt's time, cached between changes.
func (g *Game) soloDeadline() time.Time {
	if g.soloDirty {
		g.soloDue, _ = g.soloDueAt()
		g.soloDirty = false
	}
	return g.soloDue
}

// challengeDeadline is when Advance next has something to do in a challenge.
func (g *Game) challengeDeadline() time.Time {
	due := g.soloDeadline()
	if g.st.ChallengeClosed {
		return due
	}
	if due.IsZero() || g.st.ChallengeDeadline.Before(due) {
		return g.st.ChallengeDeadline
	}
	return due
}

// advanceChallenge applies the challenge's timer due at at: a player's
// question running out (first, on a tie) or the challenge's deadline.
func (g *Game) advanceChallenge(at time.Time, evs []Event) []Event {
	if due, p := g.soloDueAt(); p != nil && due.Equal(at) {
		return g.soloClose(p, at, CloseDeadline, evs)
	}
	return g.closeChallenge(at, evs)
}

// closeChallenge stops joins and new questions.
func (g *Game) closeChallenge(at time.Time, evs []Event) []Event {
	g.st.ChallengeClosed = true
	playing := 0
	for _, p := range g.st.Players {
		if p.Solo != nil && p.Solo.Open {
			playing++
		}
	}
	evs = append(evs, ChallengeClosed{At: at, Playing: playing})
	return g.maybeFinishChallenge(evs)
}

// maybeFinishChallenge ends a closed challenge once no question is open.
func (g *Game) maybeFinishChallenge(evs []Event) []Event {
	if g.st.Phase != PhaseChallenge || !g.st.ChallengeClosed {
		return evs
	}
	for _, p := range g.st.Players {
		if p.Solo != nil && p.Solo.Open {
			return evs
		}
	}
	evs = append(evs, PodiumShown{Standings: g.Standings(), Teams: g.TeamStandings()})
	return g.end(EndDeadline, evs)
}

// abandonSolo closes every open question unscored (the host ended the game).
func (g *Game) abandonSolo() {
	for _, p := range g.st.Players {
		if p.Solo != nil {
			p.Solo.Open = false
		}
	}
	g.soloDirty = true
}

// extendChallenge moves the challenge's deadline d later.
func (g *Game) extendChallenge(d time.Duration, now time.Time) ([]Event, error) {
	if g.challengeOver(now) {
		return nil, errorf(CodeChallengeClosed, "the challenge has closed; it cannot be extended")
	}
	if d <= 0 || d > MaxChallengeTime {
		return nil, errorf(CodeInvalidArgument, "extension %v is outside 0..%v", d, MaxChallengeTime)
	}
	if left := g.st.ChallengeDeadline.Sub(now); left+d > MaxChallengeTime {
		return nil, errorf(CodeInvalidArgument, "a challenge stays open at most %v from now", MaxChallengeTime)
	}
	g.st.ChallengeDeadline = g.st.ChallengeDeadline.Add(d)
	return []Event{ChallengeExtended{Deadline: g.st.ChallengeDeadline}}, nil
}

func (g *Game) soloProgress(p *player) *SoloProgress {
	s := p.Solo
	if s == nil {
		return nil
	}
	return &SoloProgress{Played: s.Played, Total: len(g.st.Questions), Open: s.Open, OpenedAt: s.OpenedAt,
		Deadline: s.Deadline, Finished: s.Played == len(g.st.Questions), FinishedAt: s.FinishedAt}
}

// OpenedAtFor is when the question id is answering opened for them: their
// own question in a self-paced game, else the game's current question.
// The server bounds measured response times with it.
func (g *Game) OpenedAtFor(id PlayerID) time.Time {
	if p, ok := g.byID[id]; ok && p.Solo != nil {
		return p.Solo.OpenedAt
	}
	return g.st.OpenedAt
}

// ChallengeDeadline is when a self-paced challenge stops taking players and
// new questions (zero before it opens, and in live games).
func (g *Game) ChallengeDeadline() time.Time { return g.st.ChallengeDeadline }

// ChallengeClosed reports whether the challenge has passed its deadline (or
// was ended) and takes no more joins or questions.
func (g *Game) ChallengeClosed() bool {
	return g.st.ChallengeClosed || (g.st.Settings.SelfPaced && g.st.Phase == PhaseEnded)
}

// Practice builds a practice round for player id: a new self-paced game of
// just the scored questions they missed (answered wrongly, partly or not at
// all), in their order, with the same timing and scoring, explanations
// shown at each reveal. The player has joined it, it is open (locked to
// anybody else) for PracticeTime, and it ends when they finish. Scores in
// it never touch this game.
//
// Refusals: unknown_player/kicked; not_finished until this game is over for
// the player (podium or ended; in a challenge, once they have played every
// question or it has closed); nothing_missed when they missed nothing.
func (g *Game) Practice(id PlayerID, now time.Time) (*Game, error) {
	now = norm(now)
	p, ok := g.byID[id]
	switch {
	case !ok:
		return nil, errorf(CodeUnknownPlayer, "no player %q in this game", id)
	case p.Kicked:
		return nil, errorf(CodeKicked, "player %s was kicked from this game", id)
	}
	over := g.st.Phase == PhasePodium || g.st.Phase == PhaseEnded ||
		(p.Solo != nil && p.Solo.Played == len(g.st.Questions))
	if !over {
		return nil, errorf(CodeNotFinished, "practice opens when your game is over")
	}
	var qs []Question
	for _, i := range g.missed(p) {
		qs = append(qs, cloneQuestion(g.st.Questions[i]))
	}
	if len(qs) == 0 {
		return nil, errorf(CodeNothingMissed, "you missed no question: nothing to practise")
	}
	s := g.st.Settings
	ng, err := New(qs, Settings{Mode: s.Mode, SpeedWeight: s.SpeedWeight, QuestionTime: s.QuestionTime,
		AnswerGrace: s.AnswerGrace, SelfPaced: true, ChallengeTime: PracticeTime, Practice: true})
	if err != nil {
		return nil, err
	}
	// None of these can fail on a fresh game with a nickname already valid.
	if _, err := ng.Join(id, p.Nickname, now); err != nil {
		return nil, err
	}
	ng.Start(now)
	ng.SetLocked(true, now)
	return ng, nil
}
