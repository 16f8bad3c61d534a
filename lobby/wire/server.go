package wire

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Server message types.
const (
	TypeWelcome      = "welcome"
	TypePong         = "pong"
	TypePlayerJoined = "player_joined"
	TypePlayerLeft   = "player_left"
	TypeQuestion     = "question"
	TypeAnswerAck    = "answer_ack"
	TypeAnswersCount = "answers_count"
	TypePaused       = "paused"
	TypeResumed      = "resumed"
	TypeExtended     = "extended"
	TypeReveal       = "reveal"
	TypeLeaderboard  = "leaderboard"
	TypePodium       = "podium"
	TypeReview       = "review"
	TypeStats        = "stats"
	TypeEnded        = "ended"
	TypeState        = "state"
	TypeError        = "error"
	TypeReconnect    = "reconnect"
	TypeLocked       = "locked"
)

// Roles of a connection.
const (
	RoleHost    = "host"
	RolePlayer  = "player"
	RoleDisplay = "display"
)

// Player is one player as shown to host and display.
type Player struct {
	ID        string `json:"id"`
	Nickname  string `json:"nickname"`
	Connected bool   `json:"connected"`
	Score     int    `json:"score,omitempty"`
	Team      int    `json:"team,omitempty"` // team mode: 1-based team number
}

// Welcome answers the first message.
type Welcome struct {
	Type        string          `json:"type"`
	Re          json.RawMessage `json:"re,omitempty"`
	Seq         uint64          `json:"seq"`
	Role        string          `json:"role"`
	PIN         string          `json:"pin"`
	PlayerID    string          `json:"player_id,omitempty"`
	ResumeToken string          `json:"resume_token,omitempty"`
	Nickname    string          `json:"nickname,omitempty"`
	ServerMs    int64           `json:"server_ms"`
	State       *State          `json:"state"`
}

// Pong answers ping.
type Pong struct {
	Type     string   `json:"type"`
	T        *float64 `json:"t,omitempty"`
	ServerMs int64    `json:"server_ms"`
}

// PlayerJoined tells host and display of new players. Joins are coalesced:
// Players lists every player who joined since the last player_joined, in
// join order; Player is the last of them.
type PlayerJoined struct {
	Type    string   `json:"type"`
	Seq     uint64   `json:"seq"`
	Player  Player   `json:"player"`
	Players []Player `json:"players"`
	Count   int      `json:"count"`
}

// PlayerLeft tells host and display a player left or was kicked.
type PlayerLeft struct {
	Type     string `json:"type"`
	Seq      uint64 `json:"seq"`
	PlayerID string `json:"player_id"`
	Nickname string `json:"nickname"`
	Count    int    `json:"count"`
	Kicked   bool   `json:"kicked"`
}

// PlayerConnection tells host and display a player's connection dropped or came back.
type PlayerConnection struct {
	Type      string `json:"type"`
	Seq       uint64 `json:"seq"`
	PlayerID  string `json:"player_id"`
	Connected bool   `json:"connected"`
}

// TypePlayerConnection is the type of PlayerConnection.
const TypePlayerConnection = "player_connection"

// Question opens a question.
type Question struct {
	Type         string   `json:"type"`
	Seq          uint64   `json:"seq"`
	Q            int      `json:"q"`
	Total        int      `json:"total"`
	Kind         string   `json:"kind"`
	Prompt       string   `json:"prompt"`
	Options      []string `json:"options,omitempty"`
	TimeMs       int64    `json:"time_ms"`
	DeadlineMs   int64    `json:"deadline_ms"`
	ServerMs     int64    `json:"server_ms"`
	DoublePoints bool     `json:"double_points"`
	Category     string   `json:"category,omitempty"`
}

// AnswerAck tells a player whether their answer counts.
type AnswerAck struct {
	Type     string          `json:"type"`
	Re       json.RawMessage `json:"re,omitempty"`
	Seq      uint64          `json:"seq"`
	Q        int             `json:"q"`
	Accepted bool            `json:"accepted"`
	Code     Code            `json:"code,omitempty"`
	Message  string          `json:"message,omitempty"`
	// ResponseMs is the response time the server measured (accepted only).
	ResponseMs *int64 `json:"response_ms,omitempty"`
}

// AnswersCount is the running count of answers to the open question.
type AnswersCount struct {
	Type     string `json:"type"`
	Seq      uint64 `json:"seq"`
	Q        int    `json:"q"`
	Answered int    `json:"answered"`
	Players  int    `json:"players"`
	Offline  int    `json:"offline"` // of players, how many have no connection now
}

// Paused stops the clock.
type Paused struct {
	Type        string `json:"type"`
	Seq         uint64 `json:"seq"`
	Q           int    `json:"q"`
	Phase       string `json:"phase"`
	RemainingMs int64  `json:"remaining_ms"`
}

// Resumed restarts it.
type Resumed struct {
	Type       string `json:"type"`
	Seq        uint64 `json:"seq"`
	Q          int    `json:"q"`
	Phase      string `json:"phase"`
	DeadlineMs int64  `json:"deadline_ms,omitempty"`
	ServerMs   int64  `json:"server_ms"`
}

// Extended moves the open question's deadline.
type Extended struct {
	Type        string `json:"type"`
	Seq         uint64 `json:"seq"`
	Q           int    `json:"q"`
	DeadlineMs  int64  `json:"deadline_ms,omitempty"`
	RemainingMs int64  `json:"remaining_ms,omitempty"`
	ServerMs    int64  `json:"server_ms"`
}

// YouResult is a player's own outcome of one question.
type YouResult struct {
	Answered    bool  `json:"answered"`
	Correct     bool  `json:"correct"`
	Points      int   `json:"points"`
	StreakBonus int   `json:"streak_bonus"`
	Streak      int   `json:"streak"`
	Score       int   `json:"score"`
	Rank        int   `json:"rank"`
	ResponseMs  int64 `json:"response_ms"`
}

// Reveal closes a question and shows the answer.
type Reveal struct {
	Type         string     `json:"type"`
	Seq          uint64     `json:"seq"`
	Q            int        `json:"q"`
	Kind         string     `json:"kind"`
	Reason       string     `json:"reason"`
	Correct      []int      `json:"correct"`
	Accept       []string   `json:"accept,omitempty"`
	Distribution []int      `json:"distribution"`
	Answered     int        `json:"answered"`
	CorrectCount int        `json:"correct_count"`
	Players      int        `json:"players"`
	Skipped      bool       `json:"skipped"`
	Explanation  string     `json:"explanation,omitempty"`
	Term         string     `json:"term,omitempty"`
	Teams        []TeamRow  `json:"teams,omitempty"` // team mode: every team, in team-number order
	You          *YouResult `json:"you,omitempty"`
}

// Standing is one row of a leaderboard or podium.
type Standing struct {
	Rank       int    `json:"rank"`
	PlayerID   string `json:"player_id"`
	Nickname   string `json:"nickname"`
	Score      int    `json:"score"`
	Correct    int    `json:"correct"`
	PrevRank   int    `json:"prev_rank,omitempty"`
	ResponseMs int64  `json:"response_ms,omitempty"`
	Team       int    `json:"team,omitempty"` // team mode: the player's team
}

// Ahead is the player just above you.
type Ahead struct {
	Nickname string `json:"nickname"`
	Score    int    `json:"score"`
}

// YouRank is a player's own place.
type YouRank struct {
	Rank  int    `json:"rank"`
	Score int    `json:"score"`
	Ahead *Ahead `json:"ahead,omitempty"`
}

// Leaderboard shows the top after a reveal.
type Leaderboard struct {
	Type  string     `json:"type"`
	Seq   uint64     `json:"seq"`
	Q     int        `json:"q"`
	Top   []Standing `json:"top"`
	Teams []TeamRow  `json:"teams,omitempty"` // team mode: every team, best first
	You   *YouRank   `json:"you,omitempty"`
}

// Podium shows the final standings.
type Podium struct {
	Type    string     `json:"type"`
	Seq     uint64     `json:"seq"`
	Top     []Standing `json:"top"`
	Players int        `json:"players"`
	Teams   []TeamRow  `json:"teams,omitempty"` // team mode: every team, best first
	You     *YouRank   `json:"you,omitempty"`
}

// Missed is one question a player got wrong or did not answer.
type Missed struct {
	Q             int    `json:"q"`
	Prompt        string `json:"prompt"`
	YourAnswer    string `json:"your_answer"`
	CorrectAnswer string `json:"correct_answer"`
	Explanation   string `json:"explanation,omitempty"`
	Term          string `json:"term,omitempty"`
}

// Review lists what one player missed.
type Review struct {
	Type   string   `json:"type"`
	Seq    uint64   `json:"seq"`
	Missed []Missed `json:"missed"`
}

// QuestionStat is the accuracy of one question.
type QuestionStat struct {
	Q        int     `json:"q"`
	Term     string  `json:"term,omitempty"`
	Prompt   string  `json:"prompt"`
	Accuracy float64 `json:"accuracy"`
	Answered int     `json:"answered"`
	Players  int     `json:"players"`
}

// Stats is per-question accuracy for host and display.
type Stats struct {
	Type      string         `json:"type"`
	Seq       uint64         `json:"seq"`
	Questions []QuestionStat `json:"questions"`
}

// Ended: nothing more happens in this game.
type Ended struct {
	Type   string `json:"type"`
	Seq    uint64 `json:"seq"`
	Reason string `json:"reason"`
}

// LockChanged tells everyone joining was closed or opened.
type LockChanged struct {
	Type   string `json:"type"`
	Seq    uint64 `json:"seq"`
	Locked bool   `json:"locked"`
}

// ErrorMsg refuses a message.
type ErrorMsg struct {
	Type    string          `json:"type"`
	Re      json.RawMessage `json:"re,omitempty"`
	Seq     uint64          `json:"seq,omitempty"`
	Code    Code            `json:"code"`
	Message string          `json:"message"`
}

// Reconnect asks the client to open a new connection (to any instance) after
// AfterMs and resume.
type Reconnect struct {
	Type    string `json:"type"`
	Reason  string `json:"reason"`
	AfterMs int64  `json:"after_ms"`
}

// YourAnswer is a player's answer to the open question, as they sent it.
type YourAnswer struct {
	Choice  *int    `json:"choice,omitempty"`
	Choices []int   `json:"choices,omitempty"`
	Text    *string `json:"text,omitempty"`
}

// State is where the game is, for a connection that (re)joins or asks sync.
type State struct {
	Type        string          `json:"type,omitempty"`
	Re          json.RawMessage `json:"re,omitempty"` // the sync's id (a state message)
	Seq         uint64          `json:"seq,omitempty"`
	Phase       string          `json:"phase"`
	Q           int             `json:"q"`
	Total       int             `json:"total"`
	Count       int             `json:"count"`
	Locked      bool            `json:"locked"`
	Paused      bool            `json:"paused"`
	ServerMs    int64           `json:"server_ms"`
	RemainingMs int64           `json:"remaining_ms,omitempty"`
	Question    *Question       `json:"question,omitempty"`
	Answers     *AnswersCount   `json:"answers,omitempty"`
	Players     []Player        `json:"players,omitzero"` // nil: not for this role; empty: nobody yet
	LastReveal  *Reveal         `json:"last_reveal,omitempty"`
	Leaderboard *Leaderboard    `json:"leaderboard,omitempty"`
	Podium      *Podium         `json:"podium,omitempty"`
	EndReason   string          `json:"end_reason,omitempty"`
	// Team mode: the teams and how players land in them (choose or balance).
	Teams      []Team `json:"teams,omitempty"`
	TeamAssign string `json:"team_assign,omitempty"`
	// Self-paced challenge: its deadline, and whether it has closed.
	SelfPaced           bool      `json:"self_paced,omitempty"`
	Practice            bool      `json:"practice,omitempty"`
	ChallengeDeadlineMs int64     `json:"challenge_deadline_ms,omitempty"`
	ChallengeClosed     bool      `json:"challenge_closed,omitempty"`
	Progress            *Progress `json:"progress,omitempty"` // host, challenge: the live view

	// Player only.
	Answered   *bool       `json:"answered,omitempty"`
	YourAnswer *YourAnswer `json:"your_answer,omitempty"`
	Score      *int        `json:"score,omitempty"`
	Streak     *int        `json:"streak,omitempty"`
	Rank       *int        `json:"rank,omitempty"`
	Nickname   string      `json:"nickname,omitempty"`
	Team       int         `json:"team,omitempty"`
	// Self-paced: questions played, and the player's finished message once
	// they have played every one.
	Played   *int      `json:"played,omitempty"`
	Finished *Finished `json:"finished,omitempty"`
}

// Marshal encodes v; server messages never fail to encode, so an error is a
// bug and panics.
func Marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("wire: encoding a server message: " + err.Error())
	}
	return b
}

// WithYou returns the frame shared plus the member "you":personal. shared is
// a JSON object without a "you" member; personal is a JSON value. It lets a
// room encode a broadcast once and add each player's part by copying bytes.
func WithYou(shared, personal []byte) []byte {
	if len(personal) == 0 {
		return shared
	}
	return AppendWithYou(make([]byte, 0, len(shared)+len(personal)+8), shared, personal)
}

// AppendWithYou appends WithYou(shared, personal) to dst (a buffer the caller
// reuses): shared as is when personal is empty or shared is no object.
func AppendWithYou(dst, shared, personal []byte) []byte {
	end := bytes.LastIndexByte(shared, '}')
	if len(personal) == 0 || end < 0 {
		return append(dst, shared...)
	}
	dst = append(dst, shared[:end]...)
	dst = append(dst, `,"you":`...)
	dst = append(dst, personal...)
	return append(dst, shared[end:]...)
}

// WithTerm returns frame with the room's ownership term added as "owner_term"
// (docs/protocol.md): a client drops a frame whose term is older than the
// newest it saw. frame must be a JSON object; it is not modified.
func WithTerm(frame []byte, term uint64) []byte {
	end := bytes.LastIndexByte(frame, '}')
	if end < 0 || term == 0 {
		return frame
	}
	out := make([]byte, 0, len(frame)+24)
	out = append(out, frame[:end]...)
	if end > 0 && frame[end-1] != '{' {
		out = append(out, ',')
	}
	out = append(out, `"owner_term":`...)
	out = strconv.AppendUint(out, term, 10)
	return append(out, frame[end:]...)
}

// Peek reads the type and seq of a server frame without decoding the rest.
func Peek(frame []byte) (typ string, seq uint64, err error) {
	var head struct {
		Type string `json:"type"`
		Seq  uint64 `json:"seq"`
	}
	err = json.Unmarshal(frame, &head)
	return head.Type, head.Seq, err
}
