package game

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable reason for a refusal. Codes never change
// meaning; the server maps them to wire errors and HTTP statuses at the edge.
type Code string

// Refusal codes returned inside *Error.
const (
	CodeAlreadyAnswered Code = "already_answered" // a second answer to the same question; the first stands
	CodeTooLate         Code = "too_late"         // after the deadline plus grace, or to a question already closed
	CodeNotOpen         Code = "not_open"         // the question is not open (not started yet, paused, or joined after it opened)
	CodeInvalidAnswer   Code = "invalid_answer"   // malformed answer: wrong shape for the kind, option out of range, empty or over 200 bytes
	CodeUnknownPlayer   Code = "unknown_player"   // no such player, or the player has left
	CodeWrongPhase      Code = "wrong_phase"      // the command is not valid in the current phase; the message names the phase
	CodeKicked          Code = "kicked"           // the player was kicked and can never rejoin this game
	CodeNicknameTaken   Code = "nickname_taken"   // another player in the game has this nickname (case-insensitive)
	CodeInvalidNickname Code = "invalid_nickname" // empty after trimming, over 20 characters, or has control characters
	CodeGameFull        Code = "game_full"        // Settings.MaxPlayers reached
	CodeGameLocked      Code = "game_locked"      // the host locked joining
	CodeLateJoinClosed  Code = "late_join_closed" // the game has started and late join is off (or the podium is showing)
	CodeGameEnded       Code = "game_ended"       // the game is over
	CodeInvalidSettings Code = "invalid_settings" // New was given settings out of range
	CodeInvalidQuestion Code = "invalid_question" // New was given a question that cannot be played
	CodeNoPlayers       Code = "no_players"       // Start with nobody in the lobby
	CodeInvalidArgument Code = "invalid_argument" // a command argument out of range (Extend duration)
	CodeInvalidSnapshot Code = "invalid_snapshot" // Restore was given bytes that are not a game snapshot
	CodeTeamsOff        Code = "teams_off"        // a team command in a game without team mode
	CodeUnknownTeam     Code = "unknown_team"     // a team number outside 1..the number of teams
	CodeTeamChoiceOff   Code = "team_choice_off"  // a player picked a team but the host lets the engine balance teams
	CodeTeamsLocked     Code = "teams_locked"     // teams change only in the lobby (in a challenge: before the player's first question)
	CodeChallengeClosed Code = "challenge_closed" // the challenge's deadline has passed (or the host closed it)
	CodeQuestionOpen    Code = "question_open"    // a self-paced player asked for the next question while theirs is still open
	CodeFinished        Code = "finished"         // a self-paced player has played every question
	CodeNotFinished     Code = "not_finished"     // practice asked for before the player's game or challenge is over
	CodeNothingMissed   Code = "nothing_missed"   // practice asked for by a player who missed no question
)

// Error is a refusal by the engine: the input was not applied and the state
// is unchanged.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of a *Error anywhere in err's chain, or "" when err
// is nil or not an engine error.
func CodeOf(err error) Code {
	var gerr *Error
	if errors.As(err, &gerr) {
		return gerr.Code
	}
	return ""
}
