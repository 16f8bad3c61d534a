package bank

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Version is the bank format version this package reads and writes.
const Version = 1

// Limits on what a bank may hold, so an uploaded bank cannot be abused and
// every generated option fits a phone screen.
const (
	MaxInputSize   = 2 << 20 // bytes, for notes, banks and overlays
	MaxItems       = 5000
	MaxTermLen     = 60   // runes
	MaxQuestionLen = 500  // runes
	MaxAnswerLen   = 5000 // runes
	// MaxDefinitionLen is the longest hand-written definition (Lint).
	MaxDefinitionLen = 70
	// MaxStatementLen bounds facts, myths and their explanations.
	MaxStatementLen = 200
	MaxFacts        = 6
	MaxMyths        = 6
	MaxAuthored     = 6
)

// Bank is a question bank: format v1, documented in docs/banks.md.
type Bank struct {
	Version     int    `json:"version"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Items       []Item `json:"items"`

	// derived is what Generate computes once per bank; it is why a Bank
	// must not be modified (or copied) once it has been used.
	derived factCache
}

// Item is one entry of a bank: a question as written in the notes, its
// cleaned answer, and the data the generator needs.
type Item struct {
	// ID is stable across rebuilds, e.g. "backend-014".
	ID       string `json:"id"`
	Question string `json:"question"`
	// Answer is the cleaned explanation shown after a question.
	Answer string `json:"answer"`
	// Term is the concept the item defines, e.g. "Database index".
	Term string `json:"term"`
	// Aliases are other accepted names for the term, e.g. ["index"].
	Aliases  []string `json:"aliases"`
	Category string   `json:"category"`
	// Concept groups items about the same idea; such items are never used as
	// distractors for each other. Empty means the item is its own concept.
	Concept string `json:"concept,omitempty"`
	// Definition optionally overrides the defining sentence the generator
	// takes from Answer (its first sentence). Hand-written content keeps it
	// short (MaxDefinitionLen), with no leading article and none of the
	// term's or aliases' words, so it can stand as a prompt or an option.
	Definition string `json:"definition,omitempty"`
	// Facts are short true statements about the term, each naming it
	// ("A mutex lets only one thread hold it at a time."): the true
	// statements of true/false questions and the right options of
	// multi-select ones.
	Facts []string `json:"facts,omitempty"`
	// Myths are false statements a half-knowing player believes, usually a
	// confusable term's property given to this one, each with Why it is
	// false (shown at the reveal).
	Myths []Myth `json:"myths,omitempty"`
	// Confusables are the ids of items a half-knowing player mixes this one
	// up with: they are tried first as distractors.
	Confusables []string `json:"confusables,omitempty"`
	// Related are the ids of items never used against this one, either way:
	// a kind of it or a part of it ("REST API" for "API"), whose
	// description would also fit.
	Related []string `json:"related,omitempty"`
	// NotTypeable marks a term nobody would type from its description
	// ("Cache layers"): it is never asked as a typed question.
	NotTypeable bool `json:"not_typeable,omitempty"`
	// Accept are further answers a typed question takes that are not names
	// of the term, so they are never masked or kept out of a stem: what a
	// player naturally types for the description ("Redis" for a
	// distributed cache, "worker pool" for a thread pool).
	Accept []string `json:"accept,omitempty"`
	// Questions are hand-written questions about the item, for what the
	// notes ask as a comparison, a how-to or an application.
	Questions []Authored `json:"questions,omitempty"`
}

// Myth is a false statement about an item and why it is false.
type Myth struct {
	Text string `json:"text"`
	Why  string `json:"why"`
}

// Authored is a hand-written question: a single-choice question when one
// option is correct, a multi-select one when several are.
type Authored struct {
	Stem    string   `json:"stem"`
	Options []string `json:"options"`
	// Correct holds the indexes of the correct options.
	Correct []int `json:"correct"`
	// Explanation, when set, is shown instead of the item's answer.
	Explanation string `json:"explanation,omitempty"`
}

// Category is a category of a bank and how many items it holds.
type Category struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Categories lists the bank's categories sorted by name.
func (b *Bank) Categories() []Category {
	counts := map[string]int{}
	for _, it := range b.Items {
		counts[it.Category]++
	}
	out := make([]Category, 0, len(counts))
	for name, n := range counts {
		out = append(out, Category{Name: name, Count: n})
	}
	slices.SortFunc(out, func(a, b Category) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Item returns the item with the given id.
func (b *Bank) Item(id string) (Item, bool) {
	for _, it := range b.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Marshal encodes the bank as indented JSON with a final newline: the form
// committed to the repository, so rebuilding gives byte-identical output.
func (b *Bank) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

//go:embed default/bank.json
var defaultJSON []byte

var defaultBank = sync.OnceValue(func() *Bank {
	b, err := Parse(defaultJSON)
	if err != nil {
		panic("bank: embedded default bank is invalid: " + err.Error())
	}
	return b
})

// Default returns the embedded default bank (backend interview notes). The
// same *Bank is shared by every caller and must not be modified.
func Default() *Bank { return defaultBank() }

// DefaultJSON returns the embedded default bank as committed.
func DefaultJSON() []byte { return slices.Clone(defaultJSON) }

var (
	idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	itemKeys  = []string{"id", "question", "answer", "term", "aliases", "category", "concept", "definition",
		"facts", "myths", "confusables", "related", "not_typeable", "accept", "questions"}
	bankKeys = []string{"version", "title", "description", "items"}
)

// Parse decodes and validates a bank in format v1. On failure the *Error
// lists every problem found, each with its JSON path or line.
func Parse(data []byte) (*Bank, error) {
	if err := checkInput(data); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonError(data, err)
	}
	if top == nil {
		return nil, errorf(CodeInvalidJSON, "the bank must be a JSON object")
	}
	var version int
	if raw, ok := top["version"]; !ok {
		return nil, errorf(CodeUnknownVersion, "the bank has no \"version\" (this program reads version %d)", Version)
	} else if err := json.Unmarshal(raw, &version); err != nil || version != Version {
		return nil, errorf(CodeUnknownVersion, "unknown bank version %s (this program reads version %d)", bytes.TrimSpace(raw), Version)
	}
	var b Bank
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, jsonError(data, err)
	}
	problems := unknownKeys(top, bankKeys, "")
	if raw, ok := top["items"]; ok {
		var items []map[string]json.RawMessage
		if json.Unmarshal(raw, &items) == nil {
			for i, it := range items {
				problems = append(problems, unknownKeys(it, itemKeys, fmt.Sprintf("items[%d].", i))...)
			}
		}
	}
	problems = append(problems, b.Validate()...)
	if len(problems) > 0 {
		return nil, &Error{Code: CodeInvalidBank, Message: fmt.Sprintf("the bank has %d problem(s)", len(problems)), Problems: problems}
	}
	return &b, nil
}

func unknownKeys(obj map[string]json.RawMessage, known []string, prefix string) []Problem {
	var out []Problem
	for k := range obj {
		if !slices.Contains(known, k) {
			out = append(out, Problem{Path: prefix + k, Message: "unknown field"})
		}
	}
	slices.SortFunc(out, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Validate reports every rule the bank breaks (nil when it is valid).
func (b *Bank) Validate() []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if b.Version != Version {
		add("version", "unknown version %d (this program reads version %d)", b.Version, Version)
	}
	if strings.TrimSpace(b.Title) == "" {
		add("title", "missing")
	}
	if len(b.Items) == 0 {
		add("items", "the bank has no items")
	}
	if len(b.Items) > MaxItems {
		add("items", "%d items, at most %d allowed", len(b.Items), MaxItems)
	}
	ids := map[string]int{}
	for i, it := range b.Items {
		p := fmt.Sprintf("items[%d]", i)
		if it.ID != "" {
			p = fmt.Sprintf("items[%d] (%s)", i, it.ID)
		}
		switch {
		case it.ID == "":
			add(p+".id", "missing")
		case !idPattern.MatchString(it.ID):
			add(p+".id", "%q must be 1-64 lowercase letters, digits, '.', '_' or '-'", it.ID)
		default:
			if j, dup := ids[it.ID]; dup {
				add(p+".id", "duplicate of items[%d]", j)
			} else {
				ids[it.ID] = i
			}
		}
		checkText(add, p+".question", it.Question, MaxQuestionLen, true)
		checkText(add, p+".answer", it.Answer, MaxAnswerLen, true)
		checkText(add, p+".term", it.Term, MaxTermLen, true)
		checkText(add, p+".category", it.Category, MaxTermLen, true)
		checkText(add, p+".concept", it.Concept, MaxTermLen, false)
		checkText(add, p+".definition", it.Definition, MaxAnswerLen, false)
		for j, f := range it.Facts {
			checkText(add, fmt.Sprintf("%s.facts[%d]", p, j), f, MaxStatementLen, true)
		}
		for j, m := range it.Myths {
			checkText(add, fmt.Sprintf("%s.myths[%d].text", p, j), m.Text, MaxStatementLen, true)
			checkText(add, fmt.Sprintf("%s.myths[%d].why", p, j), m.Why, MaxStatementLen, true)
		}
		if len(it.Facts) > MaxFacts {
			add(p+".facts", "%d facts, at most %d allowed", len(it.Facts), MaxFacts)
		}
		if len(it.Myths) > MaxMyths {
			add(p+".myths", "%d myths, at most %d allowed", len(it.Myths), MaxMyths)
		}
		if len(it.Questions) > MaxAuthored {
			add(p+".questions", "%d questions, at most %d allowed", len(it.Questions), MaxAuthored)
		}
		for j, q := range it.Questions {
			validateAuthored(add, fmt.Sprintf("%s.questions[%d]", p, j), q)
		}
		seen := map[string]bool{normalize(it.Term): true}
		for j, a := range it.Aliases {
			ap := fmt.Sprintf("%s.aliases[%d]", p, j)
			checkText(add, ap, a, MaxTermLen, true)
			if n := normalize(a); n != "" && seen[n] {
				add(ap, "%q repeats the term or another alias", a)
			} else {
				seen[n] = true
			}
		}
	}
	for i, it := range b.Items {
		for j, a := range it.Accept {
			checkText(add, fmt.Sprintf("items[%d] (%s).accept[%d]", i, it.ID, j), a, MaxTermLen, true)
		}
		for j, c := range it.Confusables {
			if _, ok := ids[c]; !ok || c == it.ID {
				add(fmt.Sprintf("items[%d] (%s).confusables[%d]", i, it.ID, j), "%q is not the id of another item", c)
			}
		}
		for j, c := range it.Related {
			if _, ok := ids[c]; !ok || c == it.ID {
				add(fmt.Sprintf("items[%d] (%s).related[%d]", i, it.ID, j), "%q is not the id of another item", c)
			}
		}
	}
	return ps
}

// validateAuthored checks the shape of a hand-written question: what the
// game engine needs to play it. Wording rules are Lint's.
func validateAuthored(add func(path, format string, args ...any), p string, q Authored) {
	checkText(add, p+".stem", q.Stem, MaxQuestionLen, true)
	checkText(add, p+".explanation", q.Explanation, MaxAnswerLen, false)
	if len(q.Options) < 2 || len(q.Options) > 6 {
		add(p+".options", "%d options, 2 to 6 allowed", len(q.Options))
	}
	seen := map[string]bool{}
	for k, o := range q.Options {
		op := fmt.Sprintf("%s.options[%d]", p, k)
		checkText(add, op, o, MaxOptionLen, true)
		if n := normalize(o); seen[n] {
			add(op, "%q repeats another option", o)
		} else {
			seen[n] = true
		}
	}
	if len(q.Correct) == 0 {
		add(p+".correct", "no correct option")
	}
	used := map[int]bool{}
	for k, c := range q.Correct {
		if c < 0 || c >= len(q.Options) || used[c] {
			add(fmt.Sprintf("%s.correct[%d]", p, k), "%d is not the index of another option", c)
		}
		used[c] = true
	}
	if len(q.Options) > 0 && len(q.Correct) >= len(q.Options) {
		add(p+".correct", "every option is correct")
	}
}

func checkText(add func(path, format string, args ...any), path, s string, max int, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			add(path, "missing or empty")
		}
	case !utf8.ValidString(s):
		add(path, "not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		add(path, "%d characters, at most %d allowed", utf8.RuneCountInString(s), max)
	case s != strings.TrimSpace(s):
		add(path, "leading or trailing space")
	}
}

// jsonError turns a decoding error into an *Error naming the line and column.
func jsonError(data []byte, err error) *Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		return &Error{Code: CodeInvalidJSON, Message: "invalid JSON",
			Problems: []Problem{{Line: line, Message: fmt.Sprintf("column %d: %s", col, syn.Error())}}}
	case errors.As(err, &typ):
		line, _ := lineCol(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the document"
		}
		return &Error{Code: CodeInvalidJSON, Message: "invalid JSON",
			Problems: []Problem{{Line: line, Path: field, Message: fmt.Sprintf("%s: expected %s, found JSON %s", field, typ.Type, typ.Value)}}}
	}
	return &Error{Code: CodeInvalidJSON, Message: "invalid JSON: " + err.Error()}
}

func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// checkInput refuses input no reader should go further with.
func checkInput(data []byte) error {
	if len(data) > MaxInputSize {
		return errorf(CodeTooLarge, "the input is %d bytes, at most %d (2 MiB) allowed", len(data), MaxInputSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errorf(CodeEmptyInput, "the input is empty")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, _ := lineCol(data, int64(i))
		return &Error{Code: CodeBinaryInput, Message: "the input is binary, not text", Problems: []Problem{{Line: line, Message: "NUL byte"}}}
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line, _ := lineCol(data, int64(off))
		return &Error{Code: CodeBinaryInput, Message: "the input is not UTF-8 text", Problems: []Problem{{Line: line, Message: "invalid UTF-8"}}}
	}
	return nil
}

// normalize folds case, punctuation and spacing so "Pub/Sub" and "pub sub"
// compare equal.
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if isWordRune(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}
