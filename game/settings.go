package game

import "time"

// Phase is where a game stands.
type Phase string

// Phases, in the order a game goes through them. Leaderboard is shown after a
// reveal only when Settings.ShowLeaderboard is set.
const (
	PhaseLobby       Phase = "lobby"
	PhaseQuestion    Phase = "question"
	PhaseReveal      Phase = "reveal"
	PhaseLeaderboard Phase = "leaderboard"
	PhasePodium      Phase = "podium"
	PhaseEnded       Phase = "ended"
)

// Mode is how speed counts in the score; see docs/scoring.md.
type Mode string

// Scoring modes.
const (
	// ModeStandard is Kahoot-compatible: full points under half a second,
	// down to half points at the deadline.
	ModeStandard Mode = "standard"
	// ModeAccuracy gives the full points for every correct answer.
	ModeAccuracy Mode = "accuracy"
	// ModeSpeedWeight scales the speed penalty of standard mode by
	// Settings.SpeedWeight (1 = standard, 0 = accuracy).
	ModeSpeedWeight Mode = "speed-weight"
)

// Limits on settings and answers.
const (
	MinQuestionTime = 5 * time.Second
	MaxQuestionTime = 300 * time.Second
	MaxPhaseTime    = 300 * time.Second
	MaxAnswerGrace  = 5 * time.Second
	MaxExtend       = 300 * time.Second
	MaxQuestions    = 1000
	MaxTypedBytes   = 200
	MaxNicknameLen  = 20 // runes
	// LeaderboardTop is how many standings LeaderboardShown.Top carries.
	LeaderboardTop = 5
)

// Defaults applied by New to zero-valued settings.
const (
	DefaultQuestionTime    = 20 * time.Second
	DefaultRevealTime      = 5 * time.Second
	DefaultLeaderboardTime = 5 * time.Second
)

// Settings are chosen by the host when the game is created and never change.
type Settings struct {
	Mode            Mode          `json:"mode"`
	SpeedWeight     float64       `json:"speed_weight"`     // 0..1, used by speed-weight mode (1 = standard, 0 = accuracy)
	QuestionTime    time.Duration `json:"question_time"`    // default time per question (5s..300s)
	ShowLeaderboard bool          `json:"show_leaderboard"` // leaderboard phase after each reveal
	AutoAdvance     bool          `json:"auto_advance"`     // reveal/leaderboard advance by themselves
	RevealTime      time.Duration `json:"reveal_time"`      // auto-advance durations
	LeaderboardTime time.Duration `json:"leaderboard_time"`
	LateJoin        bool          `json:"late_join"`   // players may join after start (answer from next question)
	MaxPlayers      int           `json:"max_players"` // 0 = unlimited
	// AnswerGrace keeps a question open this long after its deadline so that
	// answers in flight still arrive (the timer in Deadline includes it).
	// Answer's grace argument decides which of them count; pass the same value.
	AnswerGrace time.Duration `json:"answer_grace"`
}

func (s Settings) withDefaults() Settings {
	if s.Mode == "" {
		s.Mode = ModeStandard
	}
	if s.QuestionTime == 0 {
		s.QuestionTime = DefaultQuestionTime
	}
	if s.RevealTime == 0 {
		s.RevealTime = DefaultRevealTime
	}
	if s.LeaderboardTime == 0 {
		s.LeaderboardTime = DefaultLeaderboardTime
	}
	return s
}

func (s Settings) validate() *Error {
	switch s.Mode {
	case ModeStandard, ModeAccuracy, ModeSpeedWeight:
	default:
		return errorf(CodeInvalidSettings, "unknown scoring mode %q (want standard, accuracy or speed-weight)", s.Mode)
	}
	// The negated form also rejects NaN.
	if !(s.SpeedWeight >= 0 && s.SpeedWeight <= 1) {
		return errorf(CodeInvalidSettings, "speed weight %v is outside 0..1", s.SpeedWeight)
	}
	if s.QuestionTime < MinQuestionTime || s.QuestionTime > MaxQuestionTime {
		return errorf(CodeInvalidSettings, "question time %v is outside %v..%v", s.QuestionTime, MinQuestionTime, MaxQuestionTime)
	}
	if s.RevealTime < 0 || s.RevealTime > MaxPhaseTime {
		return errorf(CodeInvalidSettings, "reveal time %v is outside 0..%v", s.RevealTime, MaxPhaseTime)
	}
	if s.LeaderboardTime < 0 || s.LeaderboardTime > MaxPhaseTime {
		return errorf(CodeInvalidSettings, "leaderboard time %v is outside 0..%v", s.LeaderboardTime, MaxPhaseTime)
	}
	if s.MaxPlayers < 0 {
		return errorf(CodeInvalidSettings, "max players %d is negative", s.MaxPlayers)
	}
	if s.AnswerGrace < 0 || s.AnswerGrace > MaxAnswerGrace {
		return errorf(CodeInvalidSettings, "answer grace %v is outside 0..%v", s.AnswerGrace, MaxAnswerGrace)
	}
	return nil
}
