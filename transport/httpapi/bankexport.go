package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby/wire"
)

// ExportRequest is the body of POST /api/banks/:id/export: questions of
// this bank as the host edited them.
type ExportRequest struct {
	Questions []game.Question `json:"questions"`
}

// ExportResponse is its 200 body: the bank with the edits kept, and the
// edits that could not be.
type ExportResponse struct {
	Bank    json.RawMessage `json:"bank"`
	Kept    int             `json:"kept"`
	Skipped []ExportSkip    `json:"skipped"`
}

// ExportSkip is an edit the bank format cannot hold, with why.
type ExportSkip struct {
	Index  int    `json:"index"`
	Prompt string `json:"prompt"`
	Reason string `json:"reason"`
}

// exportBank returns the bank with the host's edited questions written into
// it as hand-written questions of their items (single, multi, true/false),
// or as new accepted answers (typed), so a downloaded bank replays them.
// The stored bank does not change.
func (a *App) exportBank(c echo.Context) error {
	if !a.bankLimiter.Allow(c.RealIP(), "") {
		return wire.Errorf(wire.CodeRateLimited, "too many requests from your address; wait a minute and retry")
	}
	var req ExportRequest
	if err := jsonDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, maxCreateBody)).Decode(&req); err != nil {
		return invalid("body: %v", err)
	}
	if len(req.Questions) > a.cfg.MaxQuestions {
		return invalid("questions: at most %d", a.cfg.MaxQuestions)
	}
	b, _, err := a.lookupBank(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	out := &bank.Bank{Version: b.Version, Title: b.Title, Description: b.Description, Items: slices.Clone(b.Items)}
	byID := map[string]int{}
	for i, it := range out.Items {
		byID[it.ID] = i
	}
	resp := ExportResponse{Skipped: []ExportSkip{}}
	for i, q := range req.Questions {
		skip := func(reason string) {
			resp.Skipped = append(resp.Skipped, ExportSkip{Index: i, Prompt: q.Prompt, Reason: reason})
		}
		idx, ok := byID[q.ItemID]
		if !ok {
			skip("not a question of this bank's items")
			continue
		}
		it := out.Items[idx]
		switch q.Kind {
		case game.KindSingle, game.KindMulti, game.KindTrueFalse:
			it.Questions = append(slices.Clone(it.Questions), bank.Authored{Stem: strings.TrimSpace(q.Prompt),
				Options: trimAll(q.Options), Correct: q.Correct})
		case game.KindTyped:
			aliases := slices.Clone(it.Aliases)
			for _, acc := range trimAll(q.Accept) {
				if acc != "" && !strings.EqualFold(acc, it.Term) && !slices.ContainsFunc(aliases, func(x string) bool { return strings.EqualFold(x, acc) }) {
					aliases = append(aliases, acc)
				}
			}
			it.Aliases = aliases
		default:
			skip(string(q.Kind) + " questions are not kept in banks")
			continue
		}
		prev := out.Items[idx]
		out.Items[idx] = it
		if problems := out.Validate(); len(problems) > 0 {
			out.Items[idx] = prev
			skip(problems[0].String())
			continue
		}
		resp.Kept++
	}
	data, err := out.Marshal()
	if err != nil {
		return err
	}
	if len(data) > a.cfg.MaxBankBytes {
		return wire.Errorf(wire.CodeTooLarge, "the bank with these edits is %d bytes, over the %d-byte limit", len(data), a.cfg.MaxBankBytes)
	}
	resp.Bank = data
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, resp)
}

func trimAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.TrimSpace(s)
	}
	return out
}
