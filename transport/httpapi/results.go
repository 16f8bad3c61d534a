package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

func hostToken(c echo.Context) string {
	if h := c.Request().Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	return c.QueryParam("host_token")
}

func (a *App) results(c echo.Context) (game.Results, error) {
	pin, err := a.pinParam(c)
	if err != nil {
		return game.Results{}, err
	}
	if hostToken(c) == "" {
		return game.Results{}, wire.Errorf(wire.CodeBadHostToken, "results need the host token (Authorization: Bearer <host_token> or ?host_token=)")
	}
	res, err := a.lobby.Results(c.Request().Context(), pin, hostToken(c))
	if err := a.lookedUp(c, pin, err); err != nil {
		return res, err
	}
	return res, nil
}

// ResultsJSON is the body of results.json.
type ResultsJSON struct {
	PIN       string           `json:"pin"`
	Phase     string           `json:"phase"`
	EndReason string           `json:"end_reason,omitempty"`
	Questions []QuestionResult `json:"questions"`
	Players   []PlayerResult   `json:"players"`
}

// QuestionResult is one question in results.json.
type QuestionResult struct {
	Q            int     `json:"q"`
	Kind         string  `json:"kind"`
	Prompt       string  `json:"prompt"`
	Term         string  `json:"term,omitempty"`
	Skipped      bool    `json:"skipped"`
	Answered     int     `json:"answered"`
	CorrectCount int     `json:"correct_count"`
	Players      int     `json:"players"`
	Accuracy     float64 `json:"accuracy"`
	Distribution []int   `json:"distribution,omitempty"`
}

// PlayerResult is one player in results.json.
type PlayerResult struct {
	Rank       int            `json:"rank"`
	PlayerID   string         `json:"player_id"`
	Nickname   string         `json:"nickname"`
	Score      int            `json:"score"`
	Correct    int            `json:"correct"`
	ResponseMs int64          `json:"response_ms"`
	Left       bool           `json:"left"`
	Answers    []AnswerResult `json:"answers"`
}

// AnswerResult is one answer in results.json.
type AnswerResult struct {
	Q           int    `json:"q"`
	Answered    bool   `json:"answered"`
	Choices     []int  `json:"choices,omitempty"`
	Text        string `json:"text,omitempty"`
	Correct     bool   `json:"correct"`
	Points      int    `json:"points"`
	StreakBonus int    `json:"streak_bonus"`
	ResponseMs  int64  `json:"response_ms"`
}

func resultsBody(pin string, res game.Results) ResultsJSON {
	out := ResultsJSON{PIN: pin, Phase: string(res.Phase), EndReason: res.EndReason, Questions: []QuestionResult{}, Players: []PlayerResult{}}
	for _, q := range res.Questions {
		if !q.Opened {
			continue
		}
		out.Questions = append(out.Questions, QuestionResult{Q: q.Index, Kind: string(q.Question.Kind), Prompt: q.Question.Prompt,
			Term: q.Question.Term, Skipped: q.Skipped, Answered: q.Answered, CorrectCount: q.CorrectCount, Players: q.Players,
			Accuracy: q.Accuracy, Distribution: q.Distribution})
	}
	for _, p := range res.Players {
		pr := PlayerResult{Rank: p.Rank, PlayerID: string(p.Player), Nickname: p.Nickname, Score: p.Score, Correct: p.Correct,
			ResponseMs: p.ResponseMs, Left: p.Left, Answers: []AnswerResult{}}
		for _, a := range p.Answers {
			pr.Answers = append(pr.Answers, AnswerResult{Q: a.Index, Answered: a.Answered, Choices: a.Choices, Text: a.Text,
				Correct: a.Correct, Points: a.Points, StreakBonus: a.StreakBonus, ResponseMs: a.ResponseTime.Milliseconds()})
		}
		out.Players = append(out.Players, pr)
	}
	return out
}

func (a *App) resultsJSON(c echo.Context) error {
	res, err := a.results(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, resultsBody(c.Param("pin"), res))
}

// csvSafe stops spreadsheet formula injection from nicknames.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (a *App) resultsCSV(c echo.Context) error {
	res, err := a.results(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"rank", "player_id", "nickname", "score", "correct", "response_ms", "left"})
	for _, p := range res.Players {
		_ = w.Write([]string{strconv.Itoa(p.Rank), string(p.Player), csvSafe(p.Nickname), strconv.Itoa(p.Score),
			strconv.Itoa(p.Correct), strconv.FormatInt(p.ResponseMs, 10), strconv.FormatBool(p.Left)})
	}
	w.Flush()
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="quizroom-%s-results.csv"`, c.Param("pin")))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// ---- web ----
