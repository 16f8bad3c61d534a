package game

import "time"

// Event is something that happened, for the server to route to screens. The
// concrete types below are the only implementations; switch on them.
type Event interface{ isEvent() }

// PlayerJoined: a new player, or a player who had left coming back
// (Rejoined, with score and streak intact).
type PlayerJoined struct {
	Player   PlayerID
	Nickname string
	Rejoined bool
	Players  int // players in the game now (not left, not kicked)
	Team     int // 1-based team number in team mode, else 0
}

// Why a player changed team.
const (
	TeamByHost    = "host"    // the host moved the player
	TeamByPlayer  = "player"  // the player picked another team
	TeamByBalance = "balance" // the host evened the teams out
)

// TeamChanged: the player is now in team To (was From). Teams change only
// before the game starts (in a challenge, before the player's first question).
type TeamChanged struct {
	Player   PlayerID
	Nickname string
	From, To int
	By       string // TeamByHost, TeamByPlayer or TeamByBalance
}

// PlayerLeft: the player left for good (their results row stays) or was
// kicked (Kicked; they can never rejoin and drop out of the standings).
type PlayerLeft struct {
	Player   PlayerID
	Nickname string
	Kicked   bool
	Players  int
}

// PlayerConnection: the player's connection dropped or came back.
type PlayerConnection struct {
	Player    PlayerID
	Connected bool
}

// QuestionOpened: every player sees question Index from OpenedAt until Deadline.
type QuestionOpened struct {
	Index        int
	Total        int
	Question     Question
	OpenedAt     time.Time
	Deadline     time.Time
	Duration     time.Duration
	DoublePoints bool
}

// AnswerAccepted: the player's answer to question Index counts.
type AnswerAccepted struct {
	Player       PlayerID
	Index        int
	ResponseTime time.Duration
}

// AnswersCount: Answered of Players eligible players have answered question
// Index; Offline of the Players have no connection (the host sees who dropped).
type AnswersCount struct {
	Index    int
	Answered int
	Players  int
	Offline  int
}

// Paused: the timer stopped with Remaining left on it.
type Paused struct {
	Phase     Phase
	Remaining time.Duration
}

// Resumed: the timer runs again and fires at Deadline (zero if the phase has no timer).
type Resumed struct {
	Phase    Phase
	Deadline time.Time
}

// Extended: the open question now closes at Deadline (or, while paused, has Remaining left).
type Extended struct {
	Index     int
	Deadline  time.Time
	Remaining time.Duration
}

// Why a question closed.
const (
	CloseDeadline    = "deadline"     // time ran out
	CloseAllAnswered = "all_answered" // every connected eligible player answered
	CloseHost        = "host"         // host pressed next while it was open (scored normally)
	CloseSkipped     = "skipped"      // host skipped it: nothing scored, streaks unchanged
)

// QuestionClosed: the reveal. Distribution counts picks per option (multi:
// every pick counts; typed: nil). Results holds every player in the game who
// was eligible for the question (joined before it opened, not kicked).
type QuestionClosed struct {
	Index        int
	Reason       string
	Kind         Kind
	Correct      []int    // correct options (none for poll and typed)
	Accept       []string // accepted typed answers, canonical first
	Explanation  string
	Distribution []int
	Answered     int
	CorrectCount int
	Players      int
	Skipped      bool
	Results      map[PlayerID]PlayerResult
	Teams        []TeamResult // team mode: every team, in team-number order
}

// TeamResult is one team's outcome for one question (see docs/scoring.md,
// "Teams"). Present members are those the team's mean is taken over.
type TeamResult struct {
	Index        int // the question
	Team         int
	Name         string
	Present      int  // members counted for this question
	Answered     int  // of them, how many answered
	CorrectCount int  // of them, how many answered fully correctly
	Correct      bool // more than half of the present members were correct
	Points       int  // round(mean of the present members' points), 0 with nobody present
	StreakBonus  int
	Streak       int // after this question
	Score        int // after this question
	Rank         int // after this question; tied teams share a rank
	PrevRank     int
}

// PlayerResult is one player's outcome for one question. Points excludes the
// streak bonus; the score grew by Points + StreakBonus.
type PlayerResult struct {
	Answered     bool
	Correct      bool // fully correct (multi: every correct option and no wrong one)
	Points       int
	StreakBonus  int
	Streak       int // after this question
	Score        int // after this question
	Rank         int // after this question
	PrevRank     int // before this question
	ResponseTime time.Duration
	// Team mode: the player's team, and whether the player was one of the
	// members the team's mean was taken over (see docs/scoring.md).
	Team        int
	TeamCounted bool
}

// LeaderboardShown: Top is the first LeaderboardTop standings, All every one.
type LeaderboardShown struct {
	Index int // the question just revealed
	Top   []Standing
	All   []Standing
	Teams []TeamStanding // team mode: every team, best first
}

// PodiumShown: the final standings.
type PodiumShown struct {
	Standings []Standing
	Teams     []TeamStanding // team mode: every team, best first
}

// Reasons a game ended.
const (
	EndFinished  = "finished"   // host moved on from the podium
	EndHostEnded = "host_ended" // host ended the game early
	EndDeadline  = "deadline"   // a challenge's deadline passed and its last open question closed
)

// GameEnded: nothing more happens; Results stays readable.
type GameEnded struct {
	Reason string
}

// LockChanged: joining is now closed (Locked) or open again.
type LockChanged struct {
	Locked bool
}

// ChallengeOpened: a self-paced challenge takes players until Deadline.
type ChallengeOpened struct {
	OpenedAt time.Time
	Deadline time.Time
	Total    int
}

// ChallengeExtended: the host moved the challenge's deadline.
type ChallengeExtended struct {
	Deadline time.Time
}

// ChallengeClosed: the deadline passed (or the host ended the challenge):
// nobody joins or opens a question any more. Playing players still have a
// question open; each runs out its own time, and the game ends after the
// last one (PodiumShown, GameEnded with EndDeadline).
type ChallengeClosed struct {
	At      time.Time
	Playing int
}

// SoloQuestionOpened: question Index is open for Player alone, from
// OpenedAt to Deadline (a self-paced game). Route it to that player only.
type SoloQuestionOpened struct {
	Player       PlayerID
	Index        int
	Total        int
	Question     Question
	OpenedAt     time.Time
	Deadline     time.Time
	Duration     time.Duration
	DoublePoints bool
}

// SoloQuestionClosed: Player's question Index closed (they answered, or its
// time ran out): the player's reveal, and progress for the host. The
// counters are the question's totals over every player who has played it.
type SoloQuestionClosed struct {
	Player       PlayerID
	Index        int
	Reason       string // CloseAllAnswered (they answered) or CloseDeadline
	Kind         Kind
	Correct      []int
	Accept       []string
	Explanation  string
	Result       PlayerResult
	Played       int // questions this player has finished, this one included
	Total        int
	Answered     int // over all players so far
	CorrectCount int
	Players      int
}

// PlayerFinished: a self-paced player has played every question.
type PlayerFinished struct {
	Player   PlayerID
	Nickname string
	Score    int
	Correct  int
	Rank     int // so far: later players may still pass them
	At       time.Time
}

func (PlayerJoined) isEvent()       {}
func (TeamChanged) isEvent()        {}
func (ChallengeOpened) isEvent()    {}
func (ChallengeExtended) isEvent()  {}
func (ChallengeClosed) isEvent()    {}
func (SoloQuestionOpened) isEvent() {}
func (SoloQuestionClosed) isEvent() {}
func (PlayerFinished) isEvent()     {}
func (PlayerLeft) isEvent()         {}
func (PlayerConnection) isEvent()   {}
func (QuestionOpened) isEvent()     {}
func (AnswerAccepted) isEvent()     {}
func (AnswersCount) isEvent()       {}
func (Paused) isEvent()             {}
func (Resumed) isEvent()            {}
func (Extended) isEvent()           {}
func (QuestionClosed) isEvent()     {}
func (LeaderboardShown) isEvent()   {}
func (PodiumShown) isEvent()        {}
func (GameEnded) isEvent()          {}
func (LockChanged) isEvent()        {}
