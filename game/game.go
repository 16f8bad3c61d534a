package game

import (
	"cmp"
	"slices"
	"time"
)

// PlayerID identifies a player; the server generates it.
type PlayerID string

// Answer is what a player submits.
type Answer struct {
	Choices []int  `json:"choices,omitempty"` // single/truefalse/poll: exactly one; multi: one or more distinct
	Text    string `json:"text,omitempty"`    // typed
	// List: the picks came as a list ("choices"), which only a
	// multi-select question takes; a single pick ("choice") fits any
	// question with options.
	List bool `json:"list,omitempty"`
}

// answerRecord is one accepted answer and, once its question closed, its outcome.
type answerRecord struct {
	Index        int           `json:"i"`
	Choices      []int         `json:"c,omitempty"`
	Text         string        `json:"t,omitempty"`
	ResponseTime time.Duration `json:"rt"`
	Correct      bool          `json:"ok,omitempty"`
	Points       int           `json:"pts,omitempty"`
	StreakBonus  int           `json:"sb,omitempty"`
	Streak       int           `json:"st,omitempty"`
}

type player struct {
	ID            PlayerID       `json:"id"`
	Nickname      string         `json:"nick"`
	JoinOrder     int            `json:"order"`
	FirstQuestion int            `json:"first"` // the first question this player may answer
	Connected     bool           `json:"conn,omitempty"`
	Left          bool           `json:"left,omitempty"`
	Kicked        bool           `json:"kicked,omitempty"`
	Score         int            `json:"score"`
	Streak        int            `json:"streak"`
	Correct       int            `json:"correct"`
	ResponseMs    int64          `json:"ms"` // total response time of correct answers, for tie-breaks
	PrevRank      int            `json:"prev_rank"`
	Answers       []answerRecord `json:"answers"`
	// Team mode (docs/scoring.md, "Teams"): the 1-based team; Away once a
	// question closed while the player was disconnected without answering
	// (cleared when they come back); Absent lists the spans of questions
	// [from, to) the player was not counted for in the team's mean.
	Team   int      `json:"team,omitempty"`
	Away   bool     `json:"away,omitempty"`
	Absent [][2]int `json:"absent,omitempty"`
	// Solo is the player's own question clock in a self-paced game.
	Solo *soloRecord `json:"solo,omitempty"`

	rank int // derived: valid while !Game.ranksDirty
}

// active players are in the game: neither left nor kicked.
func (p *player) active() bool { return !p.Left && !p.Kicked }

// answerTo returns the player's answer to question i, if any. Answers are
// in question order; the current question's is the last one.
func (p *player) answerTo(i int) *answerRecord {
	n := len(p.Answers)
	if n == 0 || p.Answers[n-1].Index < i {
		return nil
	}
	if p.Answers[n-1].Index == i {
		return &p.Answers[n-1]
	}
	k, found := slices.BinarySearchFunc(p.Answers, i, func(a answerRecord, i int) int { return cmp.Compare(a.Index, i) })
	if !found {
		return nil
	}
	return &p.Answers[k]
}

// round is the record of one question once it has been opened.
type round struct {
	Opened       bool      `json:"opened,omitempty"`
	Closed       bool      `json:"closed,omitempty"`
	Skipped      bool      `json:"skipped,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	OpenedAt     time.Time `json:"opened_at"`
	Distribution []int     `json:"dist,omitempty"`
	Answered     int       `json:"answered"`
	CorrectCount int       `json:"correct"`
	Players      int       `json:"players"`
}

// state is everything a snapshot carries; the rest of Game is derived from it.
type state struct {
	Version          int           `json:"v"`
	Settings         Settings      `json:"settings"`
	Questions        []Question    `json:"questions"`
	Phase            Phase         `json:"phase"`
	Index            int           `json:"index"`
	OpenedAt         time.Time     `json:"opened_at"`
	QuestionDeadline time.Time     `json:"question_deadline"`
	PhaseDeadline    time.Time     `json:"phase_deadline"`
	Paused           bool          `json:"paused,omitempty"`
	Remaining        time.Duration `json:"remaining,omitempty"`
	Locked           bool          `json:"locked,omitempty"`
	EndReason        string        `json:"end_reason,omitempty"`
	NextJoin         int           `json:"next_join"`
	Players          []*player     `json:"players"`
	Rounds           []round       `json:"rounds"`
	// Self-paced: when the challenge stops taking players and new
	// questions, and whether that has happened (ChallengeClosed).
	ChallengeDeadline time.Time `json:"challenge_deadline,omitzero"`
	ChallengeClosed   bool      `json:"challenge_closed,omitempty"`
}

// Snapshot versions: a classic game writes version 1, which engines from
// before teams and challenges also read; a game in team mode or self-paced
// writes version 2, which those engines refuse rather than lose the teams.
const (
	snapshotVersion        = 1
	snapshotVersionModes   = 2
	snapshotVersionCurrent = snapshotVersionModes
)

func versionFor(s Settings) int {
	if s.TeamMode() || s.SelfPaced {
		return snapshotVersionModes
	}
	return snapshotVersion
}

// Game is one game's rules engine. See the package documentation for its
// concurrency rule: one goroutine owns it.
type Game struct {
	st state

	byID  map[PlayerID]*player
	nicks map[string]*player // folded nickname -> active player

	ranksDirty bool
	ranked     []*player // non-kicked players, best first, valid when !ranksDirty

	// Counters over the current question's eligible active players, kept
	// while the phase is question so early close is O(1) per answer.
	eligible, connected, pending, answeredActive int

	// Team mode: per team, per question, the sums the team's mean is
	// taken from (derived from the players' records).
	teamAgg [][]teamQ
	// Self-paced: the earliest per-player question deadline; stale when soloDirty.
	soloDue   time.Time
	soloDirty bool
}

// New validates questions and settings (zero settings take defaults) and
// returns a game in the lobby.
func New(questions []Question, s Settings) (*Game, error) {
	s = s.withDefaults()
	if err := s.normalizeTeamNames(); err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	if len(questions) == 0 || len(questions) > MaxQuestions {
		return nil, errorf(CodeInvalidQuestion, "a game needs 1 to %d questions, got %d", MaxQuestions, len(questions))
	}
	qs := make([]Question, len(questions))
	for i, q := range questions {
		if err := validateQuestion(i, q); err != nil {
			return nil, err
		}
		qs[i] = cloneQuestion(q)
	}
	g := &Game{st: state{
		Version:   versionFor(s),
		Settings:  s,
		Questions: qs,
		Phase:     PhaseLobby,
		Index:     -1,
		Rounds:    make([]round, len(qs)),
	}}
	g.rebuild()
	return g, nil
}

// rebuild derives the indexes and counters from st.
func (g *Game) rebuild() {
	g.byID = make(map[PlayerID]*player, len(g.st.Players))
	g.nicks = make(map[string]*player, len(g.st.Players))
	for _, p := range g.st.Players {
		g.byID[p.ID] = p
		if p.active() {
			g.nicks[foldNickname(p.Nickname)] = p
		}
	}
	g.ranksDirty = true
	g.recount()
	g.rebuildTeams()
	g.soloDirty = true
}

// recount recomputes the current question's counters from scratch.
func (g *Game) recount() {
	g.eligible, g.connected, g.pending, g.answeredActive = 0, 0, 0, 0
	for _, p := range g.st.Players {
		g.count(p, 1)
	}
}

// count adds (sign=1) or removes (sign=-1) p's share of the counters. Every
// change to a player during a question is wrapped in count(p,-1) ... count(p,1).
func (g *Game) count(p *player, sign int) {
	if g.st.Phase != PhaseQuestion || !p.active() || p.FirstQuestion > g.st.Index {
		return
	}
	answered := p.answerTo(g.st.Index) != nil
	g.eligible += sign
	if answered {
		g.answeredActive += sign
	}
	if p.Connected {
		g.connected += sign
		if !answered {
			g.pending += sign
		}
	}
}

// norm drops the monotonic reading and the location so that times stored in
// the state survive a snapshot round trip bit for bit.
func norm(t time.Time) time.Time { return t.UTC() }

func (g *Game) questionTime(i int) time.Duration {
	if t := g.st.Questions[i].Time; t > 0 {
		return t
	}
	return g.st.Settings.QuestionTime
}

func (g *Game) activePlayers() int {
	n := 0
	for _, p := range g.st.Players {
		if p.active() {
			n++
		}
	}
	return n
}

func wrongPhase(cmd string, ph Phase) *Error {
	return errorf(CodeWrongPhase, "cannot %s during the %s phase", cmd, ph)
}

// ---- host controls ----

// Start opens the first question. It needs at least one player in the lobby.
func (g *Game) Start(now time.Time) ([]Event, error) {
	now = norm(now)
	if g.st.Phase != PhaseLobby {
		if g.st.Phase == PhaseEnded {
			return nil, errorf(CodeGameEnded, "the game has ended")
		}
		return nil, wrongPhase("start", g.st.Phase)
	}
	if g.st.Settings.SelfPaced {
		return g.startChallenge(now), nil
	}
	if g.activePlayers() == 0 {
		return nil, errorf(CodeNoPlayers, "cannot start with no players in the lobby")
	}
	return g.openQuestion(0, now, nil), nil
}

// Next moves the game on: from the lobby it starts; from an open question it
// closes the question now and scores it as if time had run out; from the
// reveal it shows the leaderboard (when enabled) or the next question; from
// the leaderboard the next question; after the last question the podium;
// from the podium it ends the game.
func (g *Game) Next(now time.Time) ([]Event, error) {
	now = norm(now)
	switch g.st.Phase {
	case PhaseLobby:
		return g.Start(now)
	case PhaseQuestion:
		return g.closeQuestion(now, CloseHost, nil), nil
	case PhaseReveal:
		g.st.Paused = false
		return g.afterReveal(now, nil), nil
	case PhaseLeaderboard:
		g.st.Paused = false
		return g.nextQuestionOrPodium(now, nil), nil
	case PhasePodium:
		return g.end(EndFinished, nil), nil
	case PhaseChallenge:
		return nil, errSelfPaced("move the game on")
	default:
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
}

// errSelfPaced refuses a host command that has no meaning when every player
// is on their own clock.
func errSelfPaced(cmd string) *Error {
	return errorf(CodeWrongPhase, "cannot %s: in a self-paced challenge every player moves on by themselves", cmd)
}

// Skip closes the open question without scoring it: every answer given earns
// 0, nobody's streak changes, and the reveal shows the answer and the
// distribution as usual. The question counts as skipped in the results.
func (g *Game) Skip(now time.Time) ([]Event, error) {
	now = norm(now)
	if g.st.Phase != PhaseQuestion {
		return nil, g.phaseErr("skip")
	}
	return g.closeQuestion(now, CloseSkipped, nil), nil
}

// Pause stops the timer of the question, reveal or leaderboard phase.
// Answers are refused with not_open while paused.
func (g *Game) Pause(now time.Time) ([]Event, error) {
	now = norm(now)
	switch g.st.Phase {
	case PhaseQuestion, PhaseReveal, PhaseLeaderboard:
	case PhaseChallenge:
		return nil, errSelfPaced("pause")
	default:
		return nil, g.phaseErr("pause")
	}
	if g.st.Paused {
		return nil, errorf(CodeWrongPhase, "the %s phase is already paused", g.st.Phase)
	}
	var rem time.Duration
	if g.st.Phase == PhaseQuestion {
		// Clamped so a clock that jumped backwards cannot grant extra time.
		rem = clampDur(g.st.QuestionDeadline.Sub(now), 0, g.st.QuestionDeadline.Sub(g.st.OpenedAt))
	} else if g.st.Settings.AutoAdvance {
		full := g.st.Settings.RevealTime
		if g.st.Phase == PhaseLeaderboard {
			full = g.st.Settings.LeaderboardTime
		}
		rem = clampDur(g.st.PhaseDeadline.Sub(now), 0, full)
	}
	g.st.Paused = true
	g.st.Remaining = rem
	return []Event{Paused{Phase: g.st.Phase, Remaining: rem}}, nil
}

// Resume restarts a paused timer with the time that was left on it.
func (g *Game) Resume(now time.Time) ([]Event, error) {
	now = norm(now)
	if !g.st.Paused {
		if g.st.Phase == PhaseEnded {
			return nil, errorf(CodeGameEnded, "the game has ended")
		}
		return nil, errorf(CodeWrongPhase, "the %s phase is not paused", g.st.Phase)
	}
	g.st.Paused = false
	var deadline time.Time
	switch g.st.Phase {
	case PhaseQuestion:
		g.st.QuestionDeadline = now.Add(g.st.Remaining)
		deadline = g.st.QuestionDeadline
	default:
		if g.st.Settings.AutoAdvance {
			g.st.PhaseDeadline = now.Add(g.st.Remaining)
			deadline = g.st.PhaseDeadline
		}
	}
	g.st.Remaining = 0
	evs := []Event{Resumed{Phase: g.st.Phase, Deadline: deadline}}
	return g.maybeCloseEarly(now, evs), nil
}

// Extend gives the open question d more time (1 ms .. 300 s). In a
// self-paced challenge it moves the challenge's deadline instead (up to 30
// days from now), until that deadline has passed.
func (g *Game) Extend(d time.Duration, now time.Time) ([]Event, error) {
	now = norm(now)
	if g.st.Phase == PhaseChallenge {
		return g.extendChallenge(d, now)
	}
	if g.st.Phase != PhaseQuestion {
		return nil, g.phaseErr("extend the timer")
	}
	if d <= 0 || d > MaxExtend {
		return nil, errorf(CodeInvalidArgument, "extension %v is outside 0..%v", d, MaxExtend)
	}
	g.st.QuestionDeadline = g.st.QuestionDeadline.Add(d)
	ev := Extended{Index: g.st.Index, Deadline: g.st.QuestionDeadline}
	if g.st.Paused {
		g.st.Remaining += d
		ev.Deadline = time.Time{}
		ev.Remaining = g.st.Remaining
	} else {
		ev.Remaining = clampDur(g.st.QuestionDeadline.Sub(now), 0, g.st.QuestionDeadline.Sub(g.st.OpenedAt))
	}
	return []Event{ev}, nil
}

// End ends the game from any phase. An open question is abandoned unscored
// (in a challenge, every player's open question). A game ended after it
// started is a finished game with fewer questions: the podium is shown
// (standings, reviews and stats follow from it) before the game ends, so
// nobody loses their rank and score.
func (g *Game) End(now time.Time) ([]Event, error) {
	if g.st.Phase == PhaseEnded {
		return nil, errorf(CodeGameEnded, "the game has already ended")
	}
	if g.st.Phase == PhaseQuestion {
		r := &g.st.Rounds[g.st.Index]
		r.Closed, r.Skipped, r.Reason = true, true, "ended"
		for _, p := range g.st.Players {
			// Keeps the derived team sums equal to what a restore rebuilds.
			if !p.Kicked && g.countedFor(p, g.st.Index) {
				g.addToTeam(p, g.st.Index)
			}
		}
	}
	if g.st.Phase == PhaseChallenge {
		g.abandonSolo()
	}
	var evs []Event
	switch g.st.Phase {
	case PhaseQuestion, PhaseReveal, PhaseLeaderboard, PhaseChallenge:
		evs = append(evs, PodiumShown{Standings: g.Standings(), Teams: g.TeamStandings()})
	}
	return g.end(EndHostEnded, evs), nil
}

// SetLocked closes (or reopens) joining for new players.
func (g *Game) SetLocked(locked bool, now time.Time) ([]Event, error) {
	if g.st.Phase == PhaseEnded {
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	if g.st.Locked == locked {
		return nil, nil
	}
	g.st.Locked = locked
	return []Event{LockChanged{Locked: locked}}, nil
}

func (g *Game) phaseErr(cmd string) *Error {
	if g.st.Phase == PhaseEnded {
		return errorf(CodeGameEnded, "cannot %s: the game has ended", cmd)
	}
	return wrongPhase(cmd, g.st.Phase)
}

func clampDur(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}

// ---- timers ----

// Deadline is when Advance next has something to do; zero means no timer
// (lobby, podium, ended, paused, or reveal/leaderboard without auto-advance).
// For a question it is the question's deadline plus Settings.AnswerGrace; in
// a challenge the earliest of the players' question deadlines (plus grace)
// and the challenge's deadline.
func (g *Game) Deadline() time.Time {
	if g.st.Paused {
		return time.Time{}
	}
	switch g.st.Phase {
	case PhaseChallenge:
		return g.challengeDeadline()
	case PhaseQuestion:
		return g.st.QuestionDeadline.Add(g.st.Settings.AnswerGrace)
	case PhaseReveal, PhaseLeaderboard:
		if g.st.Settings.AutoAdvance {
			return g.st.PhaseDeadline
		}
	}
	return time.Time{}
}

// Advance applies every timer that has fired by now, each at its own
// scheduled time (so a late call gives the same result as a punctual one),
// and returns the events in order.
func (g *Game) Advance(now time.Time) []Event {
	now = norm(now)
	var evs []Event
	// Each step moves the phase forward, so the loop ends; the bound is a
	// guard against a future bug turning it into a hang.
	for range 4*len(g.st.Questions) + len(g.st.Players) + 4 {
		at := g.Deadline()
		if at.IsZero() || now.Before(at) {
			break
		}
		switch g.st.Phase {
		case PhaseChallenge:
			evs = g.advanceChallenge(at, evs)
		case PhaseQuestion:
			evs = g.closeQuestion(at, CloseDeadline, evs)
		case PhaseReveal:
			evs = g.afterReveal(at, evs)
		case PhaseLeaderboard:
			evs = g.nextQuestionOrPodium(at, evs)
		}
	}
	return evs
}

// ---- phase transitions ----

func (g *Game) openQuestion(i int, at time.Time, evs []Event) []Event {
	q := g.st.Questions[i]
	d := g.questionTime(i)
	g.st.Phase = PhaseQuestion
	g.st.Index = i
	g.st.Paused = false
	g.st.Remaining = 0
	g.st.OpenedAt = at
	g.st.QuestionDeadline = at.Add(d)
	g.st.PhaseDeadline = time.Time{}
	r := &g.st.Rounds[i]
	r.Opened = true
	r.OpenedAt = at
	if q.Kind != KindTyped {
		r.Distribution = make([]int, len(q.Options))
	}
	if g.st.Settings.TeamMode() {
		// A team's mean for this question is taken over the members in the
		// game now: who is counted is settled before anyone sees it.
		for _, p := range g.st.Players {
			if !p.active() || p.Away {
				markAbsent(p, i)
			}
		}
	}
	g.recount()
	return append(evs, QuestionOpened{
		Index:        i,
		Total:        len(g.st.Questions),
		Question:     cloneQuestion(q),
		OpenedAt:     at,
		Deadline:     g.st.QuestionDeadline,
		Duration:     d,
		DoublePoints: q.DoublePoints,
	})
}

func (g *Game) afterReveal(at time.Time, evs []Event) []Event {
	if !g.st.Settings.ShowLeaderboard {
		return g.nextQuestionOrPodium(at, evs)
	}
	g.st.Phase = PhaseLeaderboard
	g.st.Paused = false
	g.st.Remaining = 0
	g.st.PhaseDeadline = time.Time{}
	if g.st.Settings.AutoAdvance {
		g.st.PhaseDeadline = at.Add(g.st.Settings.LeaderboardTime)
	}
	all := g.Standings()
	return append(evs, LeaderboardShown{Index: g.st.Index, Top: all[:min(LeaderboardTop, len(all))], All: all, Teams: g.TeamStandings()})
}

func (g *Game) nextQuestionOrPodium(at time.Time, evs []Event) []Event {
	if g.st.Index+1 < len(g.st.Questions) {
		return g.openQuestion(g.st.Index+1, at, evs)
	}
	g.st.Phase = PhasePodium
	g.st.Paused = false
	g.st.Remaining = 0
	g.st.PhaseDeadline = time.Time{}
	return append(evs, PodiumShown{Standings: g.Standings(), Teams: g.TeamStandings()})
}

func (g *Game) end(reason string, evs []Event) []Event {
	g.st.Phase = PhaseEnded
	g.st.Paused = false
	g.st.Remaining = 0
	g.st.PhaseDeadline = time.Time{}
	g.st.EndReason = reason
	return append(evs, GameEnded{Reason: reason})
}

// maybeCloseEarly closes the question once every connected eligible player
// has answered (and at least one is connected: an empty room waits for the timer).
func (g *Game) maybeCloseEarly(now time.Time, evs []Event) []Event {
	if g.st.Phase == PhaseQuestion && !g.st.Paused && g.connected > 0 && g.pending == 0 {
		return g.closeQuestion(now, CloseAllAnswered, evs)
	}
	return evs
}

// ---- read access ----

// Phase is the current phase.
func (g *Game) Phase() Phase { return g.st.Phase }

// QuestionIndex is the current (or last) question's index, -1 before the first.
func (g *Game) QuestionIndex() int { return g.st.Index }

// Total is the number of questions.
func (g *Game) Total() int { return len(g.st.Questions) }

// Question returns question i, or the zero Question when i is out of range.
// The slices are copies.
func (g *Game) Question(i int) Question {
	if i < 0 || i >= len(g.st.Questions) {
		return Question{}
	}
	return cloneQuestion(g.st.Questions[i])
}

// Settings returns the game's settings, defaults applied.
func (g *Game) Settings() Settings { return g.st.Settings }

// OpenedAt is when the current question opened (zero before the first).
func (g *Game) OpenedAt() time.Time { return g.st.OpenedAt }

// QuestionDeadline is when the current question's time runs out (without
// grace). While paused it is not meaningful: see Remaining.
func (g *Game) QuestionDeadline() time.Time { return g.st.QuestionDeadline }

// Paused reports whether the host paused the current phase's timer.
func (g *Game) Paused() bool { return g.st.Paused }

// Remaining is the time left on the paused timer (0 when not paused).
func (g *Game) Remaining() time.Duration { return g.st.Remaining }

// Locked reports whether joining is closed to new players.
func (g *Game) Locked() bool { return g.st.Locked }

// EndReason is why the game ended ("" until it has).
func (g *Game) EndReason() string { return g.st.EndReason }
