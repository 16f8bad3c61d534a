package bank

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Overlay is the hand-written data laid over imported notes to make a bank:
// the bank's title and, per item, its term, aliases, category, concept and
// optionally a better defining sentence. Format in docs/banks.md.
type Overlay struct {
	Version     int           `json:"version"`
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	IDPrefix    string        `json:"id_prefix"`
	Items       []OverlayItem `json:"items"`
}

// OverlayItem gives the generator data of one item, matched by ID.
type OverlayItem struct {
	ID         string   `json:"id"`
	Term       string   `json:"term"`
	Aliases    []string `json:"aliases"`
	Category   string   `json:"category"`
	Concept    string   `json:"concept,omitempty"`
	Definition string   `json:"definition,omitempty"`
	// Explanation, when set, replaces the answer imported from the notes:
	// for answers the notes get wrong.
	Explanation string     `json:"explanation,omitempty"`
	Facts       []string   `json:"facts,omitempty"`
	Myths       []Myth     `json:"myths,omitempty"`
	Confusables []string   `json:"confusables,omitempty"`
	Related     []string   `json:"related,omitempty"`
	NotTypeable bool       `json:"not_typeable,omitempty"`
	Accept      []string   `json:"accept,omitempty"`
	Questions   []Authored `json:"questions,omitempty"`
}

// ParseOverlay decodes an overlay; content is checked by Build.
func ParseOverlay(data []byte) (*Overlay, error) {
	if err := checkInput(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var o Overlay
	if err := dec.Decode(&o); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return nil, &Error{Code: CodeInvalidOverlay, Message: "invalid overlay", Problems: []Problem{{Message: err.Error()}}}
		}
		return nil, jsonError(data, err)
	}
	if o.Version != Version {
		return nil, errorf(CodeUnknownVersion, "unknown overlay version %d (this program reads version %d)", o.Version, Version)
	}
	return &o, nil
}

// Build imports notes and lays the overlay over them: every kept item must
// have exactly one overlay entry and every overlay entry must match a kept
// item. The result is validated.
func Build(notes, overlay []byte) (*Bank, *Report, error) {
	o, err := ParseOverlay(overlay)
	if err != nil {
		return nil, nil, err
	}
	if o.IDPrefix == "" {
		return nil, nil, &Error{Code: CodeInvalidOverlay, Message: "invalid overlay", Problems: []Problem{{Path: "id_prefix", Message: "missing"}}}
	}
	b, rep, err := importNotes(notes, ImportOptions{IDPrefix: o.IDPrefix, Title: o.Title}, false)
	if err != nil {
		return nil, rep, err
	}
	b.Description = o.Description
	var problems []Problem
	byID := map[string]int{}
	for i, oi := range o.Items {
		if _, dup := byID[oi.ID]; dup {
			problems = append(problems, Problem{Path: fmt.Sprintf("items[%d].id", i), Message: fmt.Sprintf("%q appears twice", oi.ID)})
		}
		byID[oi.ID] = i
	}
	used := map[string]bool{}
	for k := range b.Items {
		it := &b.Items[k]
		i, ok := byID[it.ID]
		if !ok {
			problems = append(problems, Problem{Path: "items", Message: fmt.Sprintf("no entry for %s (%q)", it.ID, it.Question)})
			continue
		}
		used[it.ID] = true
		oi := o.Items[i]
		it.Term, it.Category, it.Concept, it.Definition = oi.Term, oi.Category, oi.Concept, oi.Definition
		it.Facts, it.Myths, it.Confusables, it.Related, it.NotTypeable, it.Questions = oi.Facts, oi.Myths, oi.Confusables, oi.Related, oi.NotTypeable, oi.Questions
		it.Accept = oi.Accept
		if oi.Explanation != "" {
			it.Answer = oi.Explanation
		}
		it.Aliases = oi.Aliases
		if it.Aliases == nil {
			it.Aliases = []string{}
		}
	}
	for i, oi := range o.Items {
		if !used[oi.ID] {
			problems = append(problems, Problem{Path: fmt.Sprintf("items[%d]", i), Message: fmt.Sprintf("%q matches no kept item of the notes", oi.ID)})
		}
	}
	problems = append(problems, b.Validate()...)
	if len(problems) > 0 {
		return nil, rep, &Error{Code: CodeInvalidOverlay, Message: fmt.Sprintf("the overlay does not fit the notes: %d problem(s)", len(problems)), Problems: problems}
	}
	return b, rep, nil
}
