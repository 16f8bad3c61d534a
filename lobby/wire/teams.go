package wire

// Team mode, self-paced challenges and practice rounds (protocol v1,
// additions of issue 15). docs/protocol.md describes every message.

// Client message types of team mode, challenges and practice.
const (
	TypeMoveTeam     = "move_team"     // host: move player_id to team (lobby only)
	TypeBalanceTeams = "balance_teams" // host: even the teams out (lobby only)
	TypeChooseTeam   = "choose_team"   // player: pick team (when players choose)
	TypePlayNext     = "play_next"     // player, self-paced: open my next question
)

// Server message types of team mode, challenges and practice.
const (
	TypeTeamChanged    = "team_changed"
	TypeChallenge      = "challenge"
	TypeProgress       = "progress"
	TypeChallengeFinal = "finished"
)

// PlayerCommands are client types only a player connection may send.
var PlayerCommands = map[string]bool{
	TypeAnswer: true, TypeLeave: true, TypeChooseTeam: true, TypePlayNext: true,
}

// MaxTeamNumber bounds the team field of join, move_team and choose_team.
const MaxTeamNumber = 10

// Team is one team as every screen shows it.
type Team struct {
	Team    int    `json:"team"` // 1-based team number
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// TeamChanged: a player is now in another team.
type TeamChanged struct {
	Type     string `json:"type"`
	Seq      uint64 `json:"seq"`
	PlayerID string `json:"player_id"`
	Nickname string `json:"nickname"`
	From     int    `json:"from"`
	To       int    `json:"to"`
	By       string `json:"by"` // host, player or balance
	Teams    []Team `json:"teams"`
}

// TeamRow is one team's line in a reveal, leaderboard or podium.
type TeamRow struct {
	Team         int       `json:"team"`
	Name         string    `json:"name"`
	Rank         int       `json:"rank"`
	PrevRank     int       `json:"prev_rank,omitempty"`
	Score        int       `json:"score"`
	Points       int       `json:"points"` // this question's mean (reveal only)
	StreakBonus  int       `json:"streak_bonus,omitempty"`
	Streak       int       `json:"streak"`
	Correct      bool      `json:"correct,omitempty"`       // reveal: more than half of the present members were right
	CorrectCount int       `json:"correct_count,omitempty"` // reveal: present members fully right
	Present      int       `json:"present,omitempty"`       // reveal: members the mean was taken over
	Members      int       `json:"members,omitempty"`       // leaderboard, podium: players in the team
	Best         *Standing `json:"best,omitempty"`          // leaderboard, podium: the team's best player
}

// Challenge tells everyone the challenge's window: opened (or extended) with
// its deadline, or closed.
type Challenge struct {
	Type       string `json:"type"`
	Seq        uint64 `json:"seq"`
	DeadlineMs int64  `json:"deadline_ms"`
	Closed     bool   `json:"closed"`
	Playing    int    `json:"playing,omitempty"` // closed: players still finishing their open question
	ServerMs   int64  `json:"server_ms"`
}

// PlayerProgress is one self-paced player's row in the host's live view.
type PlayerProgress struct {
	PlayerID string `json:"player_id"`
	Nickname string `json:"nickname"`
	Team     int    `json:"team,omitempty"`
	Played   int    `json:"played"`
	Total    int    `json:"total"`
	Score    int    `json:"score"`
	Correct  int    `json:"correct"`
	Rank     int    `json:"rank"`
	Finished bool   `json:"finished"`
}

// Progress is the host's live view of a challenge: who has played what, the
// players who changed (Players) and the per-question accuracy so far.
type Progress struct {
	Type      string           `json:"type"`
	Seq       uint64           `json:"seq"`
	Players   []PlayerProgress `json:"players"`
	Finished  int              `json:"finished"`
	Count     int              `json:"count"`
	Questions []QuestionStat   `json:"questions"`
	Teams     []TeamRow        `json:"teams,omitempty"`
}

// Finished tells a self-paced player they have played every question: their
// score and rank so far (later players may still pass them).
type Finished struct {
	Type    string `json:"type"`
	Seq     uint64 `json:"seq"`
	Score   int    `json:"score"`
	Correct int    `json:"correct"`
	Rank    int    `json:"rank"`
	Players int    `json:"players"`
	Total   int    `json:"total"`
}
