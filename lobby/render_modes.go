package lobby

import (
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// modes is the room's state for team mode and challenges beside the engine.
type modes struct {
	// progress: challenge rows changed since the host last heard, and the
	// questions whose accuracy changed (coalesced like the host notes).
	progress  map[game.PlayerID]wire.PlayerProgress
	questions map[int]wire.QuestionStat
}

func (m *modes) progressDirty() bool { return len(m.progress) > 0 || len(m.questions) > 0 }

// handleModes renders the engine events of team mode and challenges.
func (r *renderer) renderModes(g engineView, ev game.Event, now time.Time) rendered {
	switch e := ev.(type) {
	case game.TeamChanged:
		r.teamChanged(g, e)
		return rendered{PhaseChanged: true}
	case game.ChallengeOpened:
		r.challengeWindow(e.Deadline, false, 0, now)
		return rendered{PhaseChanged: true}
	case game.ChallengeExtended:
		r.challengeWindow(e.Deadline, false, 0, now)
		return rendered{PhaseChanged: true}
	case game.ChallengeClosed:
		r.challengeWindow(g.ChallengeDeadline(), true, e.Playing, now)
		return rendered{PhaseChanged: true}
	case game.SoloQuestionOpened:
		f := soloQuestionFrame(g, e.Index, r.wireSeq, e.Deadline, e.Duration, now)
		f.DoublePoints = e.DoublePoints
		r.add(outItem{To: toPlayer, Player: e.Player, D: wire.Marshal(f), Q: showing(e.Index)})
	case game.SoloQuestionClosed:
		q := g.Question(e.Index)
		rev := wire.Reveal{Type: wire.TypeReveal, Seq: r.wireSeq, Q: e.Index, Kind: string(e.Kind), Reason: e.Reason,
			Correct: nonNil(e.Correct), Accept: e.Accept, Distribution: []int{}, Answered: e.Answered,
			CorrectCount: e.CorrectCount, Players: e.Players, Explanation: e.Explanation, Term: q.Term}
		y := youResult(e.Result)
		rev.You = &y
		r.add(outItem{To: toPlayer, Player: e.Player, D: wire.Marshal(rev)})
		r.noteProgress(g, e.Player)
		if e.Kind != game.KindPoll {
			acc := 0.0
			if e.Players > 0 {
				acc = float64(e.CorrectCount) / float64(e.Players)
			}
			r.progressQuestion(wire.QuestionStat{Q: e.Index, Term: q.Term, Prompt: q.Prompt, Accuracy: acc, Answered: e.Answered, Players: e.Players})
		}
	case game.PlayerFinished:
		fin := wire.Finished{Type: wire.TypeChallengeFinal, Seq: r.wireSeq, Score: e.Score, Correct: e.Correct, Rank: e.Rank,
			Players: r.playerCount, Total: g.Total()}
		r.add(outItem{To: toPlayer, Player: e.Player, D: wire.Marshal(fin)})
		if p, ok := g.Review(e.Player); ok && !g.Settings().Practice {
			r.add(outItem{To: toPlayer, Player: e.Player, D: r.reviewOf(p, g.Question)})
		}
		r.noteProgress(g, e.Player)
		return rendered{PhaseChanged: true}
	}
	return rendered{}
}

// challengeWindow tells everyone the challenge's deadline, or that it closed.
func (r *renderer) challengeWindow(deadline time.Time, closed bool, playing int, now time.Time) {
	r.send(toAll, wire.Challenge{Type: wire.TypeChallenge, Seq: r.seqFor(toAll), DeadlineMs: ms(deadline), Closed: closed, Playing: playing, ServerMs: ms(now)}, nil)
}

func (r *renderer) noteProgress(g engineView, pid game.PlayerID) {
	if r.modes.progress == nil {
		r.modes.progress = map[game.PlayerID]wire.PlayerProgress{}
	}
	if ps, ok := g.Player(pid); ok {
		r.modes.progress[pid] = progressRow(ps, g.Total())
	}
}

func (r *renderer) progressQuestion(s wire.QuestionStat) {
	if r.modes.questions == nil {
		r.modes.questions = map[int]wire.QuestionStat{}
	}
	r.modes.questions[s.Q] = s
}

func progressRow(ps game.PlayerState, total int) wire.PlayerProgress {
	row := wire.PlayerProgress{PlayerID: string(ps.ID), Nickname: ps.Nickname, Team: ps.Team, Total: total,
		Score: ps.Score, Correct: ps.Correct, Rank: ps.Rank}
	if ps.Solo != nil {
		row.Played, row.Finished = ps.Solo.Played, ps.Solo.Finished
	}
	return row
}

// progressNote adds the host's coalesced progress message (called with the
// host notes, so at most one per hostNoteEvery in a busy challenge).
func (r *renderer) progressNote(g engineView) {
	if !r.modes.progressDirty() {
		return
	}
	msg := wire.Progress{Type: wire.TypeProgress, Seq: r.wireSeq, Players: make([]wire.PlayerProgress, 0, len(r.modes.progress)),
		Count: r.playerCount, Questions: make([]wire.QuestionStat, 0, len(r.modes.questions)), Teams: teamStandingRows(g.TeamStandings())}
	for _, row := range r.modes.progress {
		msg.Players = append(msg.Players, row)
	}
	for _, q := range r.modes.questions {
		msg.Questions = append(msg.Questions, q)
	}
	msg.Finished = finishedCount(g)
	r.modes.progress, r.modes.questions = nil, nil
	r.add(outItem{To: toHosts, D: wire.Marshal(msg)})
}

func finishedCount(g engineView) int {
	n := 0
	for _, p := range g.Players() {
		if p.Solo != nil && p.Solo.Finished && !p.Kicked {
			n++
		}
	}
	return n
}

// fullProgress is the host's whole live view, for a welcome or a state.
func (r *renderer) fullProgress(g engineView) *wire.Progress {
	res := g.Results()
	msg := &wire.Progress{Type: wire.TypeProgress, Seq: r.wireSeq, Players: []wire.PlayerProgress{}, Count: r.playerCount,
		Questions: []wire.QuestionStat{}, Teams: teamStandingRows(g.TeamStandings())}
	for _, p := range g.Players() {
		if p.Kicked || p.Left {
			continue
		}
		row := progressRow(p, g.Total())
		if row.Finished {
			msg.Finished++
		}
		msg.Players = append(msg.Players, row)
	}
	for _, q := range res.Questions {
		if q.Players > 0 && q.Question.Kind != game.KindPoll {
			msg.Questions = append(msg.Questions, wire.QuestionStat{Q: q.Index, Term: q.Question.Term, Prompt: q.Question.Prompt,
				Accuracy: q.Accuracy, Answered: q.Answered, Players: q.Players})
		}
	}
	return msg
}

// modeState adds the teams and the challenge to a state for any role.
func (r *renderer) modeState(g engineView, st *wire.State, role string, now time.Time) {
	s := g.Settings()
	if s.TeamMode() {
		st.Teams, st.TeamAssign = teamList(g), string(s.TeamAssign)
	}
	if !s.SelfPaced {
		return
	}
	st.SelfPaced, st.Practice = true, s.Practice
	st.ChallengeDeadlineMs, st.ChallengeClosed = ms(g.ChallengeDeadline()), g.ChallengeClosed()
	if role == wire.RoleHost && g.Phase() == game.PhaseChallenge {
		st.Progress = r.fullProgress(g)
	}
}

// personalizeModes adds a player's team and, in a challenge, their own
// question and progress: a resume lands back on the open question.
func personalizeModes(g engineView, st *wire.State, ps game.PlayerState, players int, seq uint64, now time.Time) {
	st.Team = ps.Team
	if ps.Solo == nil {
		return
	}
	played := ps.Solo.Played
	st.Played = &played
	if ps.Solo.Open && g.Phase() == game.PhaseChallenge {
		f := soloQuestionFrame(g, ps.Solo.Played, seq, ps.Solo.Deadline, ps.Solo.Deadline.Sub(ps.Solo.OpenedAt), now)
		st.Question = &f
		st.RemainingMs = max(ps.Solo.Deadline.Sub(now).Milliseconds(), 0)
	} else if ps.Last != nil && g.Phase() == game.PhaseChallenge && played > 0 {
		q := g.Question(played - 1)
		y := youResult(*ps.Last)
		st.LastReveal = &wire.Reveal{Type: wire.TypeReveal, Q: played - 1, Kind: string(q.Kind), Reason: game.CloseAllAnswered,
			Correct: nonNil(q.Correct), Accept: q.Accept, Distribution: []int{}, Explanation: q.Explanation, Term: q.Term, You: &y}
	}
	if ps.Solo.Finished {
		st.Finished = &wire.Finished{Type: wire.TypeChallengeFinal, Score: ps.Score, Correct: ps.Correct, Rank: ps.Rank,
			Players: players, Total: g.Total()}
	}
}
