package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
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
