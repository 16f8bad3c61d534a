package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby/wire"
)

func kindsParam(s string) ([]game.Kind, error) {
	var kinds []game.Kind
	for k := range strings.SplitSeq(s, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !slices.Contains(bank.SupportedKinds, game.Kind(k)) {
			return nil, invalid("kinds: %q cannot be made from a bank (%v)", k, bank.SupportedKinds)
		}
		kinds = append(kinds, game.Kind(k))
	}
	return kinds, nil
}

// checkPlayable refuses a bank that cannot make a question of each chosen
// kind (of any kind when none is chosen).
func checkPlayable(b *bank.Bank, kinds []game.Kind) error {
	can := PlayableKinds(b)
	if len(kinds) == 0 {
		if len(can) == 0 {
			return wire.Errorf(wire.CodeNotEnoughItems, "the bank's %d item(s) make no playable question: %s", len(b.Items), bank.WhyUnplayable(b, nil))
		}
		return nil
	}
	for _, k := range kinds {
		if !slices.Contains(can, k) {
			return wire.Errorf(wire.CodeNotEnoughItems, "%s questions cannot be made from the bank's %d item(s): %s; add items or choose other kinds",
				k, len(b.Items), bank.WhyUnplayable(b, []game.Kind{k}))
		}
	}
	return nil
}

// ---- questions a game would ask ----

// QuestionsRequest is the body of POST /api/banks/:id/questions.
type QuestionsRequest struct {
	Categories []string    `json:"categories"`
	Kinds      []game.Kind `json:"kinds"`
	Count      int         `json:"count"`
	Seed       *int64      `json:"seed"`
}

// QuestionsResponse is its 200 body: the questions, fewer than asked when the
// bank cannot make that many with those kinds.
type QuestionsResponse struct {
	Bank      string          `json:"bank"`
	Asked     int             `json:"asked"`
	Questions []game.Question `json:"questions"`
}

func (a *App) bankQuestions(c echo.Context) error {
	if !a.bankLimiter.Allow(c.RealIP(), "") {
		return wire.Errorf(wire.CodeRateLimited, "too many requests from your address; wait a minute and retry")
	}
	var req QuestionsRequest
	if err := jsonDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, maxPreviewBody)).Decode(&req); err != nil {
		return invalid("body: %v", err)
	}
	if req.Count == 0 {
		req.Count = 10
	}
	if req.Count < 1 || req.Count > a.cfg.MaxQuestions {
		return invalid("count: 1 to %d", a.cfg.MaxQuestions)
	}
	id := c.Param("id")
	b, _, err := a.lookupBank(c.Request().Context(), id)
	if err != nil {
		return err
	}
	seed := time.Now().UnixNano()
	if req.Seed != nil {
		seed = *req.Seed
	}
	var qs []game.Question
	for n := min(req.Count, len(b.Items)); n >= 1; n-- {
		qs, err = bank.Generate(b, bank.GenerateOptions{Count: n, Categories: req.Categories, Kinds: req.Kinds, Seed: seed})
		if bank.CodeOf(err) != bank.CodeNotEnoughItems {
			break
		}
	}
	if err != nil {
		return bankError(err)
	}
	return c.JSON(http.StatusOK, QuestionsResponse{Bank: id, Asked: req.Count, Questions: qs})
}

// questionsFor chooses a new game's questions: the host's own list when the
// request carries one (checked here, so a bad list is a 400 naming the
// question), else Count generated from the bank.
func (a *App) questionsFor(ctx context.Context, req *CreateRequest, seed int64) ([]game.Question, error) {
	if req.Questions != nil {
		return a.checkOwnQuestions(req.Questions)
	}
	if req.Bank == "" {
		req.Bank = "default"
	}
	b, _, err := a.lookupBank(ctx, req.Bank)
	if err != nil {
		return nil, err
	}
	if req.Count == 0 {
		req.Count = 10
	}
	if req.Count < 1 || req.Count > a.cfg.MaxQuestions {
		return nil, invalid("count: 1 to %d", a.cfg.MaxQuestions)
	}
	qs, err := bank.Generate(b, bank.GenerateOptions{Count: req.Count, Categories: req.Categories, Kinds: req.Kinds, Seed: seed})
	if err != nil {
		code := wire.CodeInvalidRequest
		if bank.CodeOf(err) == bank.CodeNotEnoughItems {
			code = wire.CodeNotEnoughItems
		}
		return nil, wire.Errorf(code, "%v", err)
	}
	return qs, nil
}

func (a *App) checkOwnQuestions(qs []game.Question) ([]game.Question, error) {
	if len(qs) < 1 || len(qs) > a.cfg.MaxQuestions {
		return nil, invalid("questions: 1 to %d", a.cfg.MaxQuestions)
	}
	out := make([]game.Question, len(qs))
	for i, q := range qs {
		bad := func(format string, args ...any) error {
			return invalid("questions[%d]: "+format, append([]any{i}, args...)...)
		}
		if q.Kind == game.KindPoll {
			return nil, bad("poll questions are not played from banks")
		}
		if utf8.RuneCountInString(q.Prompt) > maxUploadedPromptRunes {
			return nil, bad("prompt: at most %d characters", maxUploadedPromptRunes)
		}
		for j, o := range q.Options {
			if utf8.RuneCountInString(o) > maxUploadedOptionRunes {
				return nil, bad("options[%d]: at most %d characters", j, maxUploadedOptionRunes)
			}
		}
		for j, s := range q.Accept {
			if utf8.RuneCountInString(s) > maxUploadedOptionRunes {
				return nil, bad("accept[%d]: at most %d characters", j, maxUploadedOptionRunes)
			}
		}
		if len(q.Accept) > 20 {
			return nil, bad("accept: at most 20 answers")
		}
		for j, s := range q.Reject {
			if utf8.RuneCountInString(s) > maxUploadedOptionRunes {
				return nil, bad("reject[%d]: at most %d characters", j, maxUploadedOptionRunes)
			}
		}
		if len(q.Reject) > 40 {
			return nil, bad("reject: at most 40 answers")
		}
		for _, s := range []string{q.Explanation, q.Term, q.Category, q.ID, q.ItemID} {
			if utf8.RuneCountInString(s) > maxUploadedTextRunes {
				return nil, bad("a text field is over %d characters", maxUploadedTextRunes)
			}
		}
		if q.ID == "" {
			q.ID = "own-" + strconv.Itoa(i+1)
		}
		q.Prompt = strings.TrimSpace(q.Prompt)
		out[i] = q
	}
	if _, err := game.New(out, game.Settings{}); err != nil {
		var gerr *game.Error
		if errors.As(err, &gerr) {
			return nil, invalid("questions: %s", gerr.Message)
		}
		return nil, invalid("questions: %v", err)
	}
	return out, nil
}

// ---- keeping the host's edits ----
