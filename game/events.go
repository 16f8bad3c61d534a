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
}

// LeaderboardShown: Top is the first LeaderboardTop standings, All every one.
type LeaderboardShown struct {
	Index int // the question just revealed
	Top   []Standing
	All   []Standing
}

// PodiumShown: the final standings.
type PodiumShown struct {
	Standings []Standing
}

// Reasons a game ended.
const (
	EndFinished  = "finished"   // host moved on from the podium
	EndHostEnded = "host_ended" // host ended the game early
)

// GameEnded: nothing more happens; Results stays readable.
type GameEnded struct {
	Reason string
}

// LockChanged: joining is now closed (Locked) or open again.
type LockChanged struct {
	Locked bool
}

func (PlayerJoined) isEvent()     {}
func (PlayerLeft) isEvent()       {}
func (PlayerConnection) isEvent() {}
func (QuestionOpened) isEvent()   {}
func (AnswerAccepted) isEvent()   {}
func (AnswersCount) isEvent()     {}
func (Paused) isEvent()           {}
func (Resumed) isEvent()          {}
func (Extended) isEvent()         {}
func (QuestionClosed) isEvent()   {}
func (LeaderboardShown) isEvent() {}
func (PodiumShown) isEvent()      {}
func (GameEnded) isEvent()        {}
func (LockChanged) isEvent()      {}
