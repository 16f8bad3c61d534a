package httpapi

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game"
)

// Team mode, challenges and practice rounds at the HTTP edge (issue 15).

// maxChallengeMinutes is game.MaxChallengeTime in minutes (30 days).
const maxChallengeMinutes = int(game.MaxChallengeTime / time.Minute)

// modeSettings checks the create request's team and challenge fields and
// sets them on s.
func modeSettings(req *CreateRequest, s *game.Settings) error {
	if req.Teams != 0 || len(req.TeamNames) > 0 || req.TeamAssign != "" {
		n := req.Teams
		if n == 0 {
			n = len(req.TeamNames)
		}
		if n < game.MinTeams || n > game.MaxTeams {
			return invalid("teams: %d to %d teams (a number, or team_names)", game.MinTeams, game.MaxTeams)
		}
		if len(req.TeamNames) > 0 && req.Teams != 0 && req.Teams != len(req.TeamNames) {
			return invalid("teams: %d teams but %d team_names", req.Teams, len(req.TeamNames))
		}
		switch game.TeamAssign(req.TeamAssign) {
		case "", game.TeamsChoose, game.TeamsBalance:
		default:
			return invalid("team_assign: choose or balance")
		}
		s.Teams, s.TeamNames, s.TeamAssign = n, req.TeamNames, game.TeamAssign(req.TeamAssign)
	}
	if req.ChallengeMinutes != 0 {
		if req.ChallengeMinutes < 1 || req.ChallengeMinutes > maxChallengeMinutes {
			return invalid("challenge_minutes: 1 to %d (30 days)", maxChallengeMinutes)
		}
		s.SelfPaced = true
		s.ChallengeTime = time.Duration(req.ChallengeMinutes) * time.Minute
		// Every player plays alone: no shared reveal or leaderboard to pace.
		s.AutoAdvance, s.ShowLeaderboard, s.LateJoin = false, false, true
	}
	return nil
}

// TeamResult is one team in results.json.
type TeamResult struct {
	Rank     int    `json:"rank"`
	Team     int    `json:"team"`
	Name     string `json:"name"`
	Score    int    `json:"score"`
	Correct  int    `json:"correct"`
	Members  int    `json:"members"`
	BestID   string `json:"best_player_id,omitempty"`
	BestName string `json:"best_nickname,omitempty"`
}

func teamResults(res game.Results) []TeamResult {
	if len(res.Teams) == 0 {
		return nil
	}
	out := make([]TeamResult, len(res.Teams))
	for i, t := range res.Teams {
		out[i] = TeamResult{Rank: t.Rank, Team: t.Team, Name: t.Name, Score: t.Score, Correct: t.Correct, Members: t.Members}
		if t.Best != nil {
			out[i].BestID, out[i].BestName = string(t.Best.Player), t.Best.Nickname
		}
	}
	return out
}

// writeTeamTotals appends the team totals to the results CSV: a blank line,
// then one row per team (best first).
func writeTeamTotals(w *csv.Writer, res game.Results) {
	if len(res.Teams) == 0 {
		return
	}
	_ = w.Write(nil)
	_ = w.Write([]string{"team_rank", "team", "team_score", "team_correct", "members", "best_player"})
	for _, t := range res.Teams {
		best := ""
		if t.Best != nil {
			best = csvSafe(t.Best.Nickname)
		}
		_ = w.Write([]string{strconv.Itoa(t.Rank), csvSafe(t.Name), strconv.Itoa(t.Score), strconv.Itoa(t.Correct),
			strconv.Itoa(t.Members), best})
	}
}

// PracticeRequest is the body of POST /api/games/:pin/practice.
type PracticeRequest struct {
	ResumeToken string `json:"resume_token"`
}

// practice starts a practice round of the questions a player missed.
func (a *App) practice(c echo.Context) error {
	pin, err := a.pinParam(c)
	if err != nil {
		return err
	}
	var req PracticeRequest
	body := http.MaxBytesReader(c.Response(), c.Request().Body, 4096)
	if err := jsonDecoder(body).Decode(&req); err != nil {
		return invalid("body: %v", err)
	}
	if req.ResumeToken == "" {
		return invalid("resume_token: required (the token of your place in the game)")
	}
	round, err := a.lobby.Practice(c.Request().Context(), pin, req.ResumeToken)
	if err := a.lookedUp(c, pin, err); err != nil {
		return err
	}
	a.metrics.games.Inc()
	return c.JSON(http.StatusCreated, round)
}
