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
	// PhaseChallenge: a self-paced challenge is open; every player moves
	// through the questions on their own clock (see Settings.SelfPaced).
	PhaseChallenge Phase = "challenge"
	PhasePodium    Phase = "podium"
	PhaseEnded     Phase = "ended"
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
	// Team mode: 2 to 10 teams.
	MinTeams = 2
	MaxTeams = 10
	// A self-paced challenge stays open from a minute to 30 days.
	MinChallengeTime = time.Minute
	MaxChallengeTime = 30 * 24 * time.Hour
	// PracticeTime is how long a practice round stays open.
	PracticeTime = 2 * time.Hour
)

// TeamAssign is how players land in teams.
type TeamAssign string

// Team assignment modes.
const (
	// TeamsChoose: players pick their team when they join (a join without a
	// pick goes to the smallest team) and may change it in the lobby.
	TeamsChoose TeamAssign = "choose"
	// TeamsBalance: the engine puts each new player in the smallest team;
	// players cannot pick.
	TeamsBalance TeamAssign = "balance"
)

// defaultTeamNames name the teams when the host gives only a number. They are
// colours so that every screen can show a team the same way.
var defaultTeamNames = [MaxTeams]string{"Red", "Blue", "Green", "Yellow", "Purple", "Orange", "Teal", "Pink", "Brown", "Grey"}

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

	// Teams turns team mode on with this many teams (MinTeams..MaxTeams);
	// TeamNames names them (New fills in colour names when only the number
	// is given, and sets Teams from the names when only names are given).
	// Team points are the mean of the members' points: docs/scoring.md.
	Teams      int        `json:"teams,omitempty"`
	TeamNames  []string   `json:"team_names,omitempty"`
	TeamAssign TeamAssign `json:"team_assign,omitempty"` // default TeamsChoose

	// SelfPaced makes the game a challenge: Start opens it for
	// ChallengeTime, and every player plays the questions alone, on a clock
	// of their own (PlayerNext opens their next question), sharing one
	// leaderboard. Practice marks a practice round (see Game.Practice): it
	// ends as soon as its one player has finished.
	SelfPaced     bool          `json:"self_paced,omitempty"`
	ChallengeTime time.Duration `json:"challenge_time,omitempty"`
	Practice      bool          `json:"practice,omitempty"`
}

// TeamMode reports whether players play in teams.
func (s Settings) TeamMode() bool { return s.Teams > 0 }

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
	if s.Teams == 0 && len(s.TeamNames) > 0 {
		s.Teams = len(s.TeamNames)
	}
	if s.Teams > 0 {
		if s.TeamAssign == "" {
			s.TeamAssign = TeamsChoose
		}
		if len(s.TeamNames) == 0 && s.Teams <= MaxTeams {
			s.TeamNames = append([]string(nil), defaultTeamNames[:s.Teams]...)
		}
	}
	return s
}

// normalizeTeamNames applies the nickname rules to team names, so that a
// name shows the same on every screen and two names never look alike.
func (s *Settings) normalizeTeamNames() *Error {
	if len(s.TeamNames) == 0 {
		return nil
	}
	names := make([]string, len(s.TeamNames))
	for i, n := range s.TeamNames {
		v, err := ValidateNickname(n)
		if err != nil {
			return errorf(CodeInvalidSettings, "team %d: %s", i+1, messageOf(err))
		}
		names[i] = v
	}
	s.TeamNames = names
	return nil
}

// messageOf is the message of an engine error, or err's text.
func messageOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	return err.Error()
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
	if err := s.validateTeams(); err != nil {
		return err
	}
	switch {
	case !s.SelfPaced && (s.ChallengeTime != 0 || s.Practice):
		return errorf(CodeInvalidSettings, "a challenge time or practice round needs self-paced play")
	case s.SelfPaced && (s.ChallengeTime < MinChallengeTime || s.ChallengeTime > MaxChallengeTime):
		return errorf(CodeInvalidSettings, "challenge time %v is outside %v..%v", s.ChallengeTime, MinChallengeTime, MaxChallengeTime)
	case s.Practice && s.Teams > 0:
		return errorf(CodeInvalidSettings, "a practice round is played alone, not in teams")
	}
	return nil
}

func (s Settings) validateTeams() *Error {
	if s.Teams == 0 && len(s.TeamNames) == 0 && s.TeamAssign == "" {
		return nil
	}
	if s.Teams < MinTeams || s.Teams > MaxTeams {
		return errorf(CodeInvalidSettings, "%d teams is outside %d..%d", s.Teams, MinTeams, MaxTeams)
	}
	if len(s.TeamNames) != s.Teams {
		return errorf(CodeInvalidSettings, "%d teams but %d team names", s.Teams, len(s.TeamNames))
	}
	switch s.TeamAssign {
	case TeamsChoose, TeamsBalance:
	default:
		return errorf(CodeInvalidSettings, "unknown team assignment %q (want choose or balance)", s.TeamAssign)
	}
	seen := make(map[string]int, len(s.TeamNames))
	for i, n := range s.TeamNames {
		if v, err := ValidateNickname(n); err != nil || v != n {
			return errorf(CodeInvalidSettings, "team name %q is not a clean name of 1 to %d characters", n, MaxNicknameLen)
		}
		k := foldNickname(n)
		if j, dup := seen[k]; dup {
			return errorf(CodeInvalidSettings, "team names %q and %q look the same", s.TeamNames[j], n)
		}
		seen[k] = i
	}
	return nil
}
