package lobby

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// podiumSize is how many standings the podium message lists.
const podiumSize = 10

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// engineView is what the renderer reads of the engine (*game.Game): read
// only, so rendering never changes the game.
type engineView interface {
	Phase() game.Phase
	QuestionIndex() int
	Total() int
	Question(i int) game.Question
	Settings() game.Settings
	QuestionDeadline() time.Time
	Paused() bool
	Remaining() time.Duration
	Locked() bool
	EndReason() string
	AnswersSoFar() game.AnswersCount
	Player(id game.PlayerID) (game.PlayerState, bool)
	Players() []game.PlayerState
	Results() game.Results
}

var _ engineView = (*game.Game)(nil)

func questionFrame(g engineView, i int, seq uint64, now time.Time) wire.Question {
	q := g.Question(i)
	d := q.Time
	if d == 0 {
		d = g.Settings().QuestionTime
	}
	return wire.Question{
		Type: wire.TypeQuestion, Seq: seq, Q: i, Total: g.Total(), Kind: string(q.Kind),
		Prompt: q.Prompt, Options: q.Options, TimeMs: d.Milliseconds(),
		DeadlineMs: ms(g.QuestionDeadline()), ServerMs: ms(now), DoublePoints: q.DoublePoints, Category: q.Category,
	}
}

func standings(ss []game.Standing) []wire.Standing {
	out := make([]wire.Standing, len(ss))
	for i, s := range ss {
		out[i] = wire.Standing{Rank: s.Rank, PlayerID: string(s.Player), Nickname: s.Nickname, Score: s.Score,
			Correct: s.Correct, PrevRank: s.PrevRank, ResponseMs: s.ResponseMs}
	}
	return out
}

func youRanks(all []game.Standing) map[game.PlayerID]json.RawMessage {
	you := make(map[game.PlayerID]json.RawMessage, len(all))
	above := -1 // the last row of the place above this row's (tied rows share a place)
	for i, s := range all {
		if i > 0 && all[i-1].Rank != s.Rank {
			above = i - 1
		}
		y := wire.YouRank{Rank: s.Rank, Score: s.Score}
		if above >= 0 {
			y.Ahead = &wire.Ahead{Nickname: all[above].Nickname, Score: all[above].Score}
		}
		you[s.Player] = appendYouRank(nil, y)
	}
	return you
}

// The per-player parts of a big room's reveal, leaderboard and podium are
// encoded by hand: encoding/json's reflection was most of the cost of a
// reveal to 10,000 players. TestHandEncodersMatchEncodingJSON keeps them
// identical to wire.Marshal.

func appendYouRank(buf []byte, y wire.YouRank) []byte {
	buf = append(buf, `{"rank":`...)
	buf = strconv.AppendInt(buf, int64(y.Rank), 10)
	buf = append(buf, `,"score":`...)
	buf = strconv.AppendInt(buf, int64(y.Score), 10)
	if y.Ahead != nil {
		buf = append(buf, `,"ahead":{"nickname":`...)
		buf = appendJSONString(buf, y.Ahead.Nickname)
		buf = append(buf, `,"score":`...)
		buf = strconv.AppendInt(buf, int64(y.Ahead.Score), 10)
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

func appendYouResult(buf []byte, y wire.YouResult) []byte {
	buf = append(buf, `{"answered":`...)
	buf = strconv.AppendBool(buf, y.Answered)
	buf = append(buf, `,"correct":`...)
	buf = strconv.AppendBool(buf, y.Correct)
	buf = append(buf, `,"points":`...)
	buf = strconv.AppendInt(buf, int64(y.Points), 10)
	buf = append(buf, `,"streak_bonus":`...)
	buf = strconv.AppendInt(buf, int64(y.StreakBonus), 10)
	buf = append(buf, `,"streak":`...)
	buf = strconv.AppendInt(buf, int64(y.Streak), 10)
	buf = append(buf, `,"score":`...)
	buf = strconv.AppendInt(buf, int64(y.Score), 10)
	buf = append(buf, `,"rank":`...)
	buf = strconv.AppendInt(buf, int64(y.Rank), 10)
	buf = append(buf, `,"response_ms":`...)
	buf = strconv.AppendInt(buf, y.ResponseMs, 10)
	return append(buf, '}')
}

func youResult(res game.PlayerResult) wire.YouResult {
	return wire.YouResult{Answered: res.Answered, Correct: res.Correct, Points: res.Points, StreakBonus: res.StreakBonus,
		Streak: res.Streak, Score: res.Score, Rank: res.Rank, ResponseMs: res.ResponseTime.Milliseconds()}
}

func playerInfo(id game.PlayerID, nick string, connected bool) wire.Player {
	return wire.Player{ID: string(id), Nickname: nick, Connected: connected}
}

// rendered is what rendering an event means for the rest of the room
// beyond its output items.
type rendered struct {
	// Players is the new player count, when PlayersChanged.
	Players        int
	PlayersChanged bool
	// PhaseChanged: the event changed what a snapshot holds (see flush).
	PhaseChanged bool
	// Ended: the game is over; the actor stops after this batch.
	Ended bool
}

// merge adds later's effects to fx.
func (fx *rendered) merge(later rendered) {
	if later.PlayersChanged {
		fx.Players, fx.PlayersChanged = later.Players, true
	}
	fx.PhaseChanged = fx.PhaseChanged || later.PhaseChanged
	fx.Ended = fx.Ended || later.Ended
}

// handle turns engine events into output items, rendered at now.
func (r *renderer) handle(g engineView, evs []game.Event, now time.Time) rendered {
	var fx rendered
	for _, ev := range evs {
		fx.merge(r.render(g, ev, now))
	}
	return fx
}

// render turns one engine event into output items for its audiences.
func (r *renderer) render(g engineView, ev game.Event, now time.Time) rendered {
	switch e := ev.(type) {
	case game.PlayerJoined:
		r.playerCount = e.Players
		// Announced in flush, coalesced (see hostNotes).
		r.pendingJoins = append(r.pendingJoins, playerInfo(e.Player, e.Nickname, true))
		return rendered{Players: e.Players, PlayersChanged: true}
	case game.PlayerLeft:
		r.playerCount = e.Players
		r.send(toHosts, wire.PlayerLeft{Type: wire.TypePlayerLeft, Seq: r.seqFor(toHosts), PlayerID: string(e.Player), Nickname: e.Nickname, Count: e.Players, Kicked: e.Kicked}, nil)
		return rendered{Players: e.Players, PlayersChanged: true, PhaseChanged: true}
	case game.PlayerConnection:
		r.send(toHosts, wire.PlayerConnection{Type: wire.TypePlayerConnection, Seq: r.seqFor(toHosts), PlayerID: string(e.Player), Connected: e.Connected}, nil)
	case game.QuestionOpened:
		r.renderQuestion(g, e, now)
		return rendered{PhaseChanged: true}
	case game.AnswerAccepted:
		// Acked to the player in answer; the count follows.
	case game.AnswersCount:
		r.lastCount = &wire.AnswersCount{Type: wire.TypeAnswersCount, Q: e.Index, Answered: e.Answered, Players: e.Players, Offline: e.Offline}
		r.countDirty = true
	case game.QuestionClosed:
		r.renderReveal(g, e, now)
		return rendered{PhaseChanged: true}
	case game.LeaderboardShown:
		board := wire.Leaderboard{Type: wire.TypeLeaderboard, Q: e.Index, Top: standings(e.Top)}
		board.Seq = r.seqFor(toAll)
		r.send(toAll, board, youRanks(e.All))
		r.lastBoard = &board
		return rendered{PhaseChanged: true}
	case game.PodiumShown:
		top := e.Standings[:min(len(e.Standings), podiumSize)]
		pod := wire.Podium{Type: wire.TypePodium, Top: standings(top), Players: len(e.Standings)}
		pod.Seq = r.seqFor(toAll)
		r.send(toAll, pod, youRanks(e.Standings))
		r.lastPodium = &pod
		r.reviewAndStats(g)
		return rendered{PhaseChanged: true}
	case game.GameEnded:
		r.send(toAll, wire.Ended{Type: wire.TypeEnded, Seq: r.seqFor(toAll), Reason: e.Reason}, nil)
		return rendered{Ended: true}
	default:
		return rendered{PhaseChanged: r.renderTiming(g, ev, now)}
	}
	return rendered{}
}

// renderTiming renders the events that move the clock or the door: pause,
// resume, extend, lock. It reports whether ev was one of them.
func (r *renderer) renderTiming(g engineView, ev game.Event, now time.Time) bool {
	switch e := ev.(type) {
	case game.Paused:
		r.send(toAll, wire.Paused{Type: wire.TypePaused, Seq: r.seqFor(toAll), Q: g.QuestionIndex(), Phase: string(e.Phase), RemainingMs: e.Remaining.Milliseconds()}, nil)
	case game.Resumed:
		r.send(toAll, wire.Resumed{Type: wire.TypeResumed, Seq: r.seqFor(toAll), Q: g.QuestionIndex(), Phase: string(e.Phase), DeadlineMs: ms(e.Deadline), ServerMs: ms(now)}, nil)
	case game.Extended:
		r.send(toAll, wire.Extended{Type: wire.TypeExtended, Seq: r.seqFor(toAll), Q: e.Index, DeadlineMs: ms(e.Deadline), RemainingMs: e.Remaining.Milliseconds(), ServerMs: ms(now)}, nil)
	case game.LockChanged:
		r.send(toAll, wire.LockChanged{Type: wire.TypeLocked, Seq: r.seqFor(toAll), Locked: e.Locked}, nil)
	default:
		return false
	}
	return true
}

// renderQuestion opens a question for everyone.
func (r *renderer) renderQuestion(g engineView, e game.QuestionOpened, now time.Time) {
	c := g.AnswersSoFar()
	r.lastCount = &wire.AnswersCount{Type: wire.TypeAnswersCount, Q: e.Index, Answered: 0, Players: r.playerCount, Offline: c.Offline}
	r.countDirty = false
	f := questionFrame(g, e.Index, r.seqFor(toAll), now)
	f.DeadlineMs, f.TimeMs, f.DoublePoints = ms(e.Deadline), e.Duration.Milliseconds(), e.DoublePoints
	r.add(outItem{To: toAll, D: wire.Marshal(f), Q: showing(e.Index)})
	// server_ms is stamped again when the batch is published.
	r.openQuestion, r.openItem = &f, len(r.items)-1
}

// renderReveal closes a question: the reveal with each player's result.
func (r *renderer) renderReveal(g engineView, e game.QuestionClosed, now time.Time) {
	// The host sees the final count before the reveal, even when the
	// throttle held the last one back.
	r.hostNotes(g, now, true)
	q := g.Question(e.Index)
	rev := wire.Reveal{Type: wire.TypeReveal, Q: e.Index, Kind: string(e.Kind), Reason: e.Reason,
		Correct: nonNil(e.Correct), Accept: e.Accept, Distribution: nonNil(e.Distribution), Answered: e.Answered,
		CorrectCount: e.CorrectCount, Players: e.Players, Skipped: e.Skipped, Explanation: e.Explanation, Term: q.Term}
	you := make(map[game.PlayerID]json.RawMessage, len(e.Results))
	for id, res := range e.Results {
		you[id] = appendYouResult(nil, youResult(res))
	}
	rev.Seq = r.seqFor(toAll)
	r.send(toAll, rev, you)
	r.lastReveal = &rev
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func answerText(q game.Question, choices []int, text string) string {
	if q.Kind == game.KindTyped {
		return text
	}
	var parts []string
	for _, c := range choices {
		if c >= 0 && c < len(q.Options) {
			parts = append(parts, q.Options[c])
		}
	}
	return strings.Join(parts, ", ")
}

func correctText(q game.Question) string {
	if q.Kind == game.KindTyped {
		if len(q.Accept) > 0 {
			return q.Accept[0]
		}
		return ""
	}
	return answerText(q, q.Correct, "")
}

// reviewAndStats sends each player what they missed and host and display the
// per-question accuracy.
func (r *renderer) reviewAndStats(g engineView) {
	res := g.Results()
	per := make(map[game.PlayerID]json.RawMessage, len(res.Players))
	for _, p := range res.Players {
		byIndex := map[int]game.ReviewItem{}
		for _, a := range p.Answers {
			byIndex[a.Index] = a
		}
		missed := []wire.Missed{}
		for _, i := range p.Missed {
			q := res.Questions[i].Question
			a := byIndex[i]
			yours := ""
			if a.Answered {
				yours = answerText(q, a.Choices, a.Text)
			}
			missed = append(missed, wire.Missed{Q: i, Prompt: q.Prompt, YourAnswer: yours, CorrectAnswer: correctText(q), Explanation: q.Explanation, Term: q.Term})
		}
		per[p.Player] = wire.Marshal(wire.Review{Type: wire.TypeReview, Seq: r.wireSeq, Missed: missed})
	}
	r.add(outItem{To: toPlayers, Per: per})
	stats := wire.Stats{Type: wire.TypeStats, Seq: r.wireSeq, Questions: []wire.QuestionStat{}}
	for _, q := range res.Questions {
		if !q.Closed {
			continue
		}
		stats.Questions = append(stats.Questions, wire.QuestionStat{Q: q.Index, Term: q.Question.Term, Prompt: q.Question.Prompt,
			Accuracy: q.Accuracy, Answered: q.Answered, Players: q.Players})
	}
	r.add(outItem{To: toHosts, D: wire.Marshal(stats)})
}

// state is where the game stands, for role (and player pid).
func (r *renderer) state(g engineView, role string, pid game.PlayerID, now time.Time) *wire.State {
	st := &wire.State{Phase: string(g.Phase()), Q: g.QuestionIndex(), Total: g.Total(), Count: r.playerCount,
		Locked: g.Locked(), Paused: g.Paused(), ServerMs: ms(now), EndReason: g.EndReason()}
	switch g.Phase() {
	case game.PhaseQuestion:
		q := questionFrame(g, g.QuestionIndex(), r.wireSeq, now)
		st.Question = &q
		st.Answers = r.lastCount
		if g.Paused() {
			st.RemainingMs = g.Remaining().Milliseconds()
		} else {
			st.RemainingMs = max(g.QuestionDeadline().Sub(now).Milliseconds(), 0)
		}
	case game.PhaseReveal:
		st.LastReveal = r.lastReveal
	case game.PhaseLeaderboard:
		st.LastReveal = r.lastReveal
		st.Leaderboard = r.lastBoard
	case game.PhasePodium, game.PhaseEnded:
		st.Podium = r.lastPodium
	}
	if role != wire.RolePlayer {
		if g.Phase() == game.PhaseLobby || role == wire.RoleHost {
			st.Players = []wire.Player{}
			for _, p := range g.Players() {
				if !p.Left {
					st.Players = append(st.Players, playerInfo(p.ID, p.Nickname, p.Connected))
				}
			}
		}
		return st
	}
	ps, ok := g.Player(pid)
	if !ok {
		return st
	}
	personalize(g, st, ps)
	return st
}

// personalize adds a player's own fields to a state (copying the shared
// parts it changes).
func personalize(g engineView, st *wire.State, ps game.PlayerState) {
	answered := ps.Answered
	score, streak, rank := ps.Score, ps.Streak, ps.Rank
	st.Answered, st.Score, st.Streak, st.Rank, st.Nickname = &answered, &score, &streak, &rank, ps.Nickname
	if ps.Answered {
		ya := &wire.YourAnswer{}
		q := g.Question(g.QuestionIndex())
		switch {
		case q.Kind == game.KindTyped:
			t := ps.Answer.Text
			ya.Text = &t
		case q.Kind == game.KindMulti:
			ya.Choices = ps.Answer.Choices
		case len(ps.Answer.Choices) == 1:
			c := ps.Answer.Choices[0]
			ya.Choice = &c
		}
		st.YourAnswer = ya
	}
	if st.LastReveal != nil && ps.Last != nil {
		rev := *st.LastReveal
		y := youResult(*ps.Last)
		rev.You = &y
		st.LastReveal = &rev
	}
	if st.Leaderboard != nil || st.Podium != nil {
		y := &wire.YouRank{Rank: ps.Rank, Score: ps.Score}
		if st.Leaderboard != nil {
			b := *st.Leaderboard
			b.You = y
			st.Leaderboard = &b
		}
		if st.Podium != nil {
			p := *st.Podium
			p.You = y
			st.Podium = &p
		}
	}
}

// resyncAll sends every connection a fresh state, as one shared frame plus
// each player's own fields, after an instance lost outputs.
func (r *renderer) resyncAll(g engineView, now time.Time) {
	shared := r.state(g, wire.RoleDisplay, "", now)
	shared.Type = wire.TypeState
	r.wireSeq++
	shared.Seq = r.wireSeq
	players := g.Players()
	you := make(map[game.PlayerID]json.RawMessage, len(players))
	for _, ps := range players {
		st := *shared
		personalize(g, &st, ps)
		you[ps.ID] = wire.Marshal(st)
	}
	// Players get their whole personal state (Per); host and display the shared one.
	r.add(outItem{To: toHosts, D: wire.Marshal(shared), Q: shownQuestion(g)})
	r.add(outItem{To: toPlayers, Per: you, Q: shownQuestion(g)})
}

// shownQuestion is the question a state or welcome frame shows: the open
// one, the same for every role and player.
func shownQuestion(g engineView) questionRef {
	if g.Phase() != game.PhaseQuestion {
		return noQuestion
	}
	return showing(g.QuestionIndex())
}
