package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Subprotocol is the WebSocket subprotocol of this version.
const Subprotocol = "quizroom.v1"

// MaxMessageBytes is the largest client message the server reads; a larger
// frame closes the connection with 1009 (message too big).
const MaxMessageBytes = 4096

// Client message types.
const (
	TypeHost       = "host"
	TypeJoin       = "join"
	TypeResume     = "resume"
	TypeDisplay    = "display"
	TypePing       = "ping"
	TypeAnswer     = "answer"
	TypeSync       = "sync"
	TypeStart      = "start"
	TypeNext       = "next"
	TypeSkip       = "skip"
	TypePause      = "pause"
	TypeResumeGame = "resume_game"
	TypeEnd        = "end"
	TypeExtend     = "extend"
	TypeKick       = "kick"
	TypeLock       = "lock"
	TypeUnlock     = "unlock"
	TypeLeave      = "leave"
)

// HostCommands are the client types only a host connection may send.
var HostCommands = map[string]bool{
	TypeStart: true, TypeNext: true, TypeSkip: true, TypePause: true, TypeResumeGame: true,
	TypeEnd: true, TypeExtend: true, TypeKick: true, TypeLock: true, TypeUnlock: true,
	TypeMoveTeam: true, TypeBalanceTeams: true,
}

// FirstMessages are the types that may open a connection.
var FirstMessages = map[string]bool{TypeHost: true, TypeJoin: true, TypeResume: true, TypeDisplay: true}

// Client is any client message, decoded. Only the fields of its Type are set.
type Client struct {
	Type string          `json:"type"`
	ID   json.RawMessage `json:"id,omitempty"`

	PIN         string `json:"pin,omitempty"`
	HostToken   string `json:"host_token,omitempty"`
	Nickname    string `json:"nickname,omitempty"`
	ResumeToken string `json:"resume_token,omitempty"`

	T *float64 `json:"t,omitempty"`

	Q        *int    `json:"q,omitempty"`
	Choice   *int    `json:"choice,omitempty"`
	Choices  []int   `json:"choices,omitempty"`
	Text     *string `json:"text,omitempty"`
	PlayerID string  `json:"player_id,omitempty"`

	Seconds *int `json:"seconds,omitempty"`
	Team    *int `json:"team,omitempty"`
}

var pinPattern = regexp.MustCompile(`^[0-9]{6}$`)

// ValidPIN reports whether s has the shape of a game PIN (6 digits).
func ValidPIN(s string) bool { return pinPattern.MatchString(s) }

// MaxExtendSeconds bounds the extend command.
const MaxExtendSeconds = 60

// DecodeClient parses and validates one client message. Errors are *Error
// with code invalid_json, invalid_message, unknown_type, missing_field or
// invalid_field; the message's id is returned whenever it could be read, so
// the error can echo it.
func DecodeClient(data []byte) (Client, error) {
	if m, ok := decodeFast(data); ok {
		return m, m.validate()
	}
	return decodeGeneral(data)
}

// decodeGeneral is DecodeClient for any input, with encoding/json; it is
// the reference decodeFast must agree with.
func decodeGeneral(data []byte) (Client, error) {
	var m Client
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if !json.Valid(data) {
			return m, Errorf(CodeInvalidJSON, "not valid JSON")
		}
		return m, errNoType()
	}
	if !json.Valid(trimmed) {
		return m, Errorf(CodeInvalidJSON, "not valid JSON")
	}
	// The id first, so that later errors can still echo it.
	var head struct {
		ID   json.RawMessage `json:"id"`
		Type json.RawMessage `json:"type"`
	}
	_ = json.Unmarshal(trimmed, &head)
	if validID(head.ID) {
		m.ID = head.ID
	}
	if len(head.Type) == 0 || head.Type[0] != '"' {
		return m, errNoType()
	}
	id := m.ID
	if err := json.Unmarshal(trimmed, &m); err != nil {
		m.ID = id
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return m, Errorf(CodeInvalidField, "field %q: %s is not a %s", te.Field, te.Value, jsonKind(te.Type.Kind().String()))
		}
		return m, Errorf(CodeInvalidMessage, "%v", err)
	}
	if m.ID != nil && !validID(m.ID) {
		m.ID = nil
		return m, Errorf(CodeInvalidField, "field \"id\": a string (up to 64 bytes) or a number")
	}
	return m, m.validate()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "float64":
		return "number"
	case "slice":
		return "array"
	case "ptr":
		return "value of the right type"
	}
	return goKind
}

func validID(raw json.RawMessage) bool {
	if len(raw) == 0 || len(raw) > 66 {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch v.(type) {
	case string, float64:
		return true
	}
	return false
}

// errNoType answers an object whose "type" is absent or not a string: it
// is not a message at all (docs/protocol.md, invalid_message).
func errNoType() error {
	return Errorf(CodeInvalidMessage, "a message is a JSON object with a string \"type\"")
}

func missing(field string) error {
	return Errorf(CodeMissingField, "field %q is required", field)
}

func (m *Client) validate() error {
	switch m.Type {
	case "":
		return errNoType()
	case TypeHost:
		if err := checkPIN(m.PIN); err != nil {
			return err
		}
		if m.HostToken == "" {
			return missing("host_token")
		}
	case TypeJoin:
		return m.validateJoin()
	case TypeResume:
		if err := checkPIN(m.PIN); err != nil {
			return err
		}
		if m.ResumeToken == "" {
			return missing("resume_token")
		}
	case TypeDisplay:
		return checkPIN(m.PIN)
	case TypePing, TypeSync, TypeStart, TypeNext, TypeSkip, TypePause, TypeResumeGame,
		TypeEnd, TypeLock, TypeUnlock, TypeLeave, TypeBalanceTeams, TypePlayNext:
	case TypeMoveTeam, TypeChooseTeam:
		return m.validateTeamMove()
	case TypeAnswer:
		if m.Q == nil {
			return missing("q")
		}
		if *m.Q < 0 {
			return Errorf(CodeInvalidField, "field \"q\": a question index (0 or more)")
		}
		n := 0
		if m.Choice != nil {
			n++
		}
		if m.Choices != nil {
			n++
		}
		if m.Text != nil {
			n++
		}
		if n == 0 {
			return Errorf(CodeMissingField, "an answer needs \"choice\", \"choices\" or \"text\"")
		}
		if n > 1 {
			return Errorf(CodeInvalidField, "an answer has exactly one of \"choice\", \"choices\" and \"text\"")
		}
	case TypeExtend:
		if m.Seconds == nil {
			return missing("seconds")
		}
		if *m.Seconds < 1 || *m.Seconds > MaxExtendSeconds {
			return Errorf(CodeInvalidField, "field \"seconds\": 1 to %d", MaxExtendSeconds)
		}
	case TypeKick:
		if m.PlayerID == "" {
			return missing("player_id")
		}
	default:
		return Errorf(CodeUnknownType, "unknown message type %q", truncate(m.Type, 32))
	}
	return nil
}

// validateJoin checks a join: a PIN, a nickname and, in team mode, maybe a team.
func (m *Client) validateJoin() error {
	if err := checkPIN(m.PIN); err != nil {
		return err
	}
	if m.Nickname == "" {
		return missing("nickname")
	}
	if m.Team != nil {
		return checkTeam(*m.Team)
	}
	return nil
}

// validateTeamMove checks move_team (a player and a team) and choose_team
// (a team).
func (m *Client) validateTeamMove() error {
	if m.Type == TypeMoveTeam && m.PlayerID == "" {
		return missing("player_id")
	}
	if m.Team == nil {
		return missing("team")
	}
	return checkTeam(*m.Team)
}

func checkTeam(team int) error {
	if team < 1 || team > MaxTeamNumber {
		return Errorf(CodeInvalidField, "field \"team\": a team number, 1 to %d", MaxTeamNumber)
	}
	return nil
}

func checkPIN(pin string) error {
	if pin == "" {
		return missing("pin")
	}
	if !ValidPIN(pin) {
		return Errorf(CodeInvalidField, "field \"pin\": 6 digits")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// AnswerChoices returns the picks of an answer message (choice or choices).
func (m *Client) AnswerChoices() []int {
	if m.Choice != nil {
		return []int{*m.Choice}
	}
	return m.Choices
}

// String names the message for logs.
func (m *Client) String() string { return fmt.Sprintf("%s message", m.Type) }
