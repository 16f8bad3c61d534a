package wire

import (
	"errors"
	"fmt"
)

// Code is a stable error code sent in error messages, answer_ack refusals and
// HTTP error bodies. docs/protocol.md lists every one.
type Code string

// Protocol errors: the message itself is wrong.
const (
	CodeInvalidJSON      Code = "invalid_json"      // the frame is not JSON
	CodeInvalidMessage   Code = "invalid_message"   // JSON, but not an object with a type
	CodeUnknownType      Code = "unknown_type"      // type is not one of protocol v1
	CodeMissingField     Code = "missing_field"     // a required field is absent
	CodeInvalidField     Code = "invalid_field"     // a field has the wrong type or is out of range
	CodeBinaryFrame      Code = "binary_frame"      // binary frames are not part of the protocol
	CodeNotJoined        Code = "not_joined"        // the first message must be host, join, resume or display
	CodeAlreadyJoined    Code = "already_joined"    // a second host/join/resume/display on one connection
	CodeNotHost          Code = "not_host"          // a host command from a connection that is not the host
	CodeNotPlayer        Code = "not_player"        // answer, leave from a connection that is not a player
	CodeNotYourPlayer    Code = "not_your_player"   // an answer naming another player's id
	CodeRateLimited      Code = "rate_limited"      // too many messages on this connection; the message was dropped
	CodeJoinRateLimited  Code = "join_rate_limited" // too many join attempts from this address; wait and retry
	CodeUnknownGame      Code = "unknown_game"      // no live game has this PIN
	CodeBadHostToken     Code = "bad_host_token"    // the host token does not match the game
	CodeBadResumeToken   Code = "bad_resume_token"  // the resume token does not match a player of the game
	CodeRoomBusy         Code = "room_busy"         // the room's input queue is full; retry
	CodeUnavailable      Code = "unavailable"       // the server cannot take this now (shutting down, store unreachable)
	CodeTooManyGames     Code = "too_many_games"    // this instance runs its maximum number of games
	CodeInternal         Code = "internal"          // a bug; logged with the request id
	CodeNotFound         Code = "not_found"         // HTTP: no such resource
	CodeInvalidRequest   Code = "invalid_request"   // HTTP: the request body or query is invalid
	CodeNotEnoughItems   Code = "not_enough_items"  // HTTP: the bank cannot give that many questions
	CodeUnknownBank      Code = "unknown_bank"      // HTTP: no bank by that name
	CodeResultsNotReady  Code = "results_not_ready" // HTTP: results exist once the game reached the podium
	CodeMethodNotAllowed Code = "method_not_allowed"
)

// HTTP refusals of uploaded banks and of the host key. The bank codes are
// those of package game/bank, under the same names.
const (
	CodeEmptyInput      Code = "empty_input"       // HTTP: the bank or notes body is empty
	CodeBinaryInput     Code = "binary_input"      // HTTP: the body is not UTF-8 text
	CodeTooLarge        Code = "too_large"         // HTTP: the body is over the bank size limit
	CodeNoQuestions     Code = "no_questions"      // HTTP: notes with no recognizable question
	CodeMissingAnswer   Code = "missing_answer"    // HTTP: notes with a question that has no answer
	CodeUnknownVersion  Code = "unknown_version"   // HTTP: a bank JSON of another format version
	CodeInvalidBank     Code = "invalid_bank"      // HTTP: a bank JSON that breaks a rule of the format
	CodeHostKeyRequired Code = "host_key_required" // HTTP: this server needs its host key for that
	CodeBadHostKey      Code = "bad_host_key"      // HTTP: the host key given is not this server's
)

// Engine refusals, passed through from package game with the same names.
const (
	CodeAlreadyAnswered Code = "already_answered"
	CodeTooLate         Code = "too_late"
	CodeNotOpen         Code = "not_open"
	CodeInvalidAnswer   Code = "invalid_answer"
	CodeUnknownPlayer   Code = "unknown_player"
	CodeWrongPhase      Code = "wrong_phase"
	CodeKicked          Code = "kicked"
	CodeNicknameTaken   Code = "nickname_taken"
	CodeInvalidNickname Code = "invalid_nickname"
	CodeGameFull        Code = "game_full"
	CodeGameLocked      Code = "game_locked"
	CodeLateJoinClosed  Code = "late_join_closed"
	CodeGameEnded       Code = "game_ended"
	CodeNoPlayers       Code = "no_players"
	CodeInvalidArgument Code = "invalid_argument"
	CodeInvalidSettings Code = "invalid_settings"
	CodeTeamsOff        Code = "teams_off"
	CodeUnknownTeam     Code = "unknown_team"
	CodeTeamChoiceOff   Code = "team_choice_off"
	CodeTeamsLocked     Code = "teams_locked"
	CodeChallengeClosed Code = "challenge_closed"
	CodeQuestionOpen    Code = "question_open"
	CodeFinished        Code = "finished"
	CodeNotFinished     Code = "not_finished"
	CodeNothingMissed   Code = "nothing_missed"
)

// Error is a refusal with a stable code.
type Error struct {
	Code Code
	// Message is for the people using the client: it may describe their
	// own input, never the server's infrastructure.
	Message string
	// Cause is what went wrong underneath (a store's error, the step that
	// failed): for the server's log, never sent to a client.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return string(e.Code) + ": " + e.Message + " (" + e.Cause.Error() + ")"
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Fixed messages of the codes whose cause is the server's own state, not
// the request: one text per code, whatever happened underneath.
const (
	UnavailableMessage = "the server cannot take this right now; try again in a moment"
	InternalMessage    = "internal error"
)

// Unavailable is the refusal of something the server cannot do now (a
// store unreachable, shutting down, the room moving): code unavailable with
// its fixed message; why and cause (nil when there is none) are kept for
// the log.
func Unavailable(why string, cause error) *Error {
	c := errors.New(why)
	if cause != nil {
		c = fmt.Errorf("%s: %w", why, cause)
	}
	return &Error{Code: CodeUnavailable, Message: UnavailableMessage, Cause: c}
}

// Internal is a bug's refusal: code internal with its fixed message, cause
// kept for the log.
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Message: InternalMessage, Cause: cause}
}

// Errorf returns an *Error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of an *Error in err's chain, CodeInternal for any
// other error, "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
