package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby/wire"
)

// BankStore keeps the banks hosts upload, in memory (transport/membanks) or
// in Redis (transport/redisbanks) so every instance reads the same ones.
// Implementations bound what they keep (count, retention) themselves.
type BankStore interface {
	// Put stores b under b.ID, evicting the least recently used bank when
	// the store is full.
	Put(ctx context.Context, b UploadedBank) error
	// Get returns the bank with that id and marks it used; a missing (never
	// stored, evicted or expired) bank is wire.CodeUnknownBank, an
	// unreachable store wire.CodeUnavailable.
	Get(ctx context.Context, id string) (UploadedBank, error)
}

// UploadedBank is a bank a host uploaded: the bank in format v1 and, when it
// came from notes, the import report.
type UploadedBank struct {
	ID      string          `json:"id"`
	Bank    json.RawMessage `json:"bank"`
	Report  *bank.Report    `json:"report,omitempty"`
	Created time.Time       `json:"created"`
}

// HostKeyHeader carries the server's host key (or ?host_key=).
const HostKeyHeader = "X-Host-Key"

// Defaults of the bank limits (flags of quizroom serve).
const (
	DefaultMaxBankBytes    = bank.MaxInputSize
	DefaultBankRate        = 30 // per minute per address
	maxCreateBody          = 1 << 20
	maxPreviewBody         = 16 << 10
	maxUploadedPromptRunes = 500
	maxUploadedOptionRunes = 200
	maxUploadedTextRunes   = 5000
	// The parsed-bank cache keeps at most this many banks and items: a
	// parsed bank with the generator's derived data weighs about 4 KB per
	// item (19 MB for 4,900 items), so 20,000 items bound it near 80 MB.
	parsedBankCache      = 32
	parsedBankCacheItems = 20_000
)

// uploadedID is the shape of an uploaded bank's id: "u" and 32 hex digits,
// unguessable, so knowing the id is what lets a host page use the bank.
var uploadedID = regexp.MustCompile(`^u[0-9a-f]{32}$`)

func newBankID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "u" + hex.EncodeToString(b[:])
}

// ---- host key ----

// hostKeyRequired guards what only a host may do when the server has a host
// key: creating games, uploading and reading banks, reading results. Wrong
// keys count as misses of the address's attempt limit, so guessing is slow.
func (a *App) hostKeyRequired(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if a.hostKeyHash == nil {
			return next(c)
		}
		key := c.Request().Header.Get(HostKeyHeader)
		if key == "" {
			key = c.QueryParam("host_key")
		}
		if key == "" {
			return wire.Errorf(wire.CodeHostKeyRequired, "this server needs its host key (header %s) to host games", HostKeyHeader)
		}
		ip := c.RealIP()
		// Guesses at the key draw on the same budget as guesses at PINs
		// (under a name no PIN has).
		if !a.joins.Allow(ip, "host-key") {
			return wire.Errorf(wire.CodeJoinRateLimited, "too many attempts from your address; wait a minute and retry")
		}
		sum := sha256.Sum256([]byte(key))
		if subtle.ConstantTimeCompare(sum[:], a.hostKeyHash) != 1 {
			a.joins.Miss(ip)
			return wire.Errorf(wire.CodeBadHostKey, "the host key is not this server's")
		}
		return next(c)
	}
}

// ---- bank listing and lookup ----

// bankInfo is one bank in GET /api/banks and GET /api/banks/:id.
type bankInfo struct {
	Name       string          `json:"name"`
	Title      string          `json:"title"`
	Items      int             `json:"items"`
	Categories []bank.Category `json:"categories"`
	Kinds      []game.Kind     `json:"kinds"`
}

func infoOf(name string, b *bank.Bank) bankInfo {
	return bankInfo{Name: name, Title: b.Title, Items: len(b.Items), Categories: b.Categories(), Kinds: PlayableKinds(b)}
}

// PlayableKinds lists the kinds Generate can make at least one question of
// from b (a bank of three items has too few distractors for single choice).
func PlayableKinds(b *bank.Bank) []game.Kind {
	kinds := []game.Kind{}
	for _, k := range bank.SupportedKinds {
		if _, err := bank.Generate(b, bank.GenerateOptions{Count: 1, Kinds: []game.Kind{k}, Seed: 1}); err == nil {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

func (a *App) banks(c echo.Context) error {
	out := struct {
		Banks []bankInfo `json:"banks"`
	}{Banks: []bankInfo{}}
	names := make([]string, 0, len(a.cfg.Banks))
	for name := range a.cfg.Banks {
		names = append(names, name)
	}
	// The default first, then by name: the page preselects the first.
	slices.SortFunc(names, func(x, y string) int {
		switch {
		case x == "default":
			return -1
		case y == "default":
			return 1
		}
		return strings.Compare(x, y)
	})
	for _, name := range names {
		out.Banks = append(out.Banks, a.serverBankInfo[name])
	}
	return c.JSON(http.StatusOK, out)
}

// parsedBanks keeps the last uploaded banks parsed: ids never change content,
// so a cached parse is always right, and Generate's derived data is kept.
type parsedBanks struct {
	mu    sync.Mutex
	banks map[string]*bank.Bank
	order []string
	items int
}

func (p *parsedBanks) get(id string) *bank.Bank {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.banks[id]
}

func (p *parsedBanks) put(id string, b *bank.Bank) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.banks == nil {
		p.banks = map[string]*bank.Bank{}
	}
	if _, ok := p.banks[id]; ok {
		return
	}
	for len(p.order) > 0 && (len(p.order) >= parsedBankCache || p.items+len(b.Items) > parsedBankCacheItems) {
		p.items -= len(p.banks[p.order[0]].Items)
		delete(p.banks, p.order[0])
		p.order = p.order[1:]
	}
	p.banks[id] = b
	p.order = append(p.order, id)
	p.items += len(b.Items)
}

// lookupBank finds a server bank by name or an uploaded bank by id.
func (a *App) lookupBank(ctx context.Context, name string) (*bank.Bank, *UploadedBank, error) {
	if b, ok := a.cfg.Banks[name]; ok {
		return b, nil, nil
	}
	if !uploadedID.MatchString(name) || a.cfg.BankStore == nil {
		return nil, nil, wire.Errorf(wire.CodeUnknownBank, "no bank named %q (GET /api/banks lists them)", name)
	}
	up, err := a.cfg.BankStore.Get(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if b := a.parsed.get(name); b != nil {
		return b, &up, nil
	}
	b, err := bank.Parse(up.Bank)
	if err != nil {
		return nil, nil, err
	}
	a.parsed.put(name, b)
	return b, &up, nil
}

// BankBody is the body of GET /api/banks/:id and of a 201 from POST /api/banks.
type BankBody struct {
	ID string `json:"id"`
	bankInfo
	Report *bank.Report    `json:"report,omitempty"`
	Bank   json.RawMessage `json:"bank"`
}

func (a *App) getBank(c echo.Context) error {
	id := c.Param("id")
	b, up, err := a.lookupBank(c.Request().Context(), id)
	if err != nil {
		return err
	}
	body := BankBody{ID: id, bankInfo: infoOf(id, b)}
	if up != nil {
		body.Report, body.Bank = up.Report, up.Bank
	} else if body.Bank, err = b.Marshal(); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.QueryParam("download") != "" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="quizroom-bank.json"`)
		return c.Blob(http.StatusOK, "application/json", body.Bank)
	}
	return c.JSON(http.StatusOK, body)
}

// ---- upload ----

// problemsError is a bank error with its located problems, sent in the error
// body as "problems".
type problemsError struct {
	err      *wire.Error
	problems []bank.Problem
}

func (e *problemsError) Error() string { return e.err.Error() }
func (e *problemsError) Unwrap() error { return e.err }

// bankError turns a game/bank error into the wire error of the same name.
func bankError(err error) error {
	var be *bank.Error
	if !errors.As(err, &be) {
		return err
	}
	code := wire.Code(be.Code)
	switch be.Code {
	case bank.CodeInvalidOptions:
		code = wire.CodeInvalidRequest
	case bank.CodeInvalidOverlay:
		code = wire.CodeInvalidBank
	}
	return &problemsError{err: &wire.Error{Code: code, Message: be.Message}, problems: be.Problems}
}

func (a *App) uploadBank(c echo.Context) error {
	if !a.bankLimiter.Allow(c.RealIP(), "") {
		return wire.Errorf(wire.CodeRateLimited, "too many bank uploads from your address; wait a minute and retry")
	}
	if a.cfg.BankStore == nil {
		return wire.Errorf(wire.CodeUnavailable, "this server does not keep uploaded banks")
	}
	limit := a.cfg.MaxBankBytes
	req := c.Request()
	if req.ContentLength > int64(limit) {
		return wire.Errorf(wire.CodeTooLarge, "the body is %d bytes, at most %d allowed", req.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, int64(limit)+1))
	if err != nil {
		return invalid("body: %v", err)
	}
	if len(data) > limit {
		return wire.Errorf(wire.CodeTooLarge, "the body is over %d bytes", limit)
	}
	kinds, err := kindsParam(c.QueryParam("kinds"))
	if err != nil {
		return err
	}
	title := strings.TrimSpace(c.QueryParam("title"))
	if utf8.RuneCountInString(title) > 200 {
		return invalid("title: at most 200 characters")
	}
	var b *bank.Bank
	var rep *bank.Report
	if isJSONBody(req.Header.Get(echo.HeaderContentType), data) {
		b, err = bank.Parse(data)
	} else {
		b, rep, err = bank.ImportNotes(data, bank.ImportOptions{IDPrefix: "item", Title: title})
	}
	if err != nil {
		return bankError(err)
	}
	if err := checkPlayable(b, kinds); err != nil {
		return err
	}
	canonical, err := b.Marshal()
	if err != nil {
		return err
	}
	// The bank, not only the body, must fit the limit: it is what every
	// instance parses again, and what the host downloads and re-uploads.
	if len(canonical) > limit {
		return wire.Errorf(wire.CodeTooLarge, "the bank made from these notes is %d bytes, over the %d-byte limit of a bank; split the notes into smaller uploads", len(canonical), limit)
	}
	up := UploadedBank{ID: newBankID(), Bank: canonical, Report: rep, Created: time.Now().UTC()}
	if err := a.cfg.BankStore.Put(c.Request().Context(), up); err != nil {
		return err
	}
	a.parsed.put(up.ID, b)
	log := logOf(c)
	log.Info().Str("bank", up.ID).Int("items", len(b.Items)).Int("bytes", len(canonical)).Msg("bank uploaded")
	return c.JSON(http.StatusCreated, BankBody{ID: up.ID, bankInfo: infoOf(up.ID, b), Report: rep, Bank: canonical})
}

// isJSONBody: a JSON content type, or a body whose first character opens an
// object (notes never start with "{").
func isJSONBody(contentType string, data []byte) bool {
	if strings.HasPrefix(strings.ToLower(contentType), "application/json") {
		return true
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

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
			return wire.Errorf(wire.CodeNotEnoughItems, "the bank's %d item(s) make no playable question", len(b.Items))
		}
		return nil
	}
	for _, k := range kinds {
		if !slices.Contains(can, k) {
			return wire.Errorf(wire.CodeNotEnoughItems, "%s questions cannot be made from the bank's %d item(s) (single choice needs at least 4 items with different terms, true or false at least 2 whose answers describe them, pick-all-that-apply facts and myths); add items or choose other kinds",
				k, len(b.Items))
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
