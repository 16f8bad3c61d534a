package bank

import (
	"bytes"
	"strings"
	"testing"
)

// The committed bank must be exactly what 'make bank' regenerates.
func TestDefaultBankIsUpToDate(t *testing.T) {
	b, _, err := Build(readFile(t, seedPath), readFile(t, "default/overlay.json"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, DefaultJSON()) {
		t.Fatal("game/bank/default/bank.json differs from what the seed and overlay give: run 'make bank' and commit the result")
	}
	d := Default()
	if len(d.Items) != 89 || d.Title == "" {
		t.Fatalf("default bank: %d items, title %q", len(d.Items), d.Title)
	}
	cats := d.Categories()
	total := 0
	for _, c := range cats {
		total += c.Count
	}
	if len(cats) < 6 || total != 89 {
		t.Errorf("categories %+v", cats)
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	cases := []struct {
		name, json string
		code       Code
		want       []string // each must appear in the error text
	}{
		{"invalid json", "{\n  \"version\": 1,\n  \"title\": \"x\",\n  \"items\": [\n}", CodeInvalidJSON, []string{"line 5"}},
		{"wrong type", "{\"version\": 1,\n\"title\": 5, \"items\": []}", CodeInvalidJSON, []string{"line 2", "title"}},
		{"unknown version", `{"version": 2, "title": "x", "items": []}`, CodeUnknownVersion, []string{"unknown bank version 2"}},
		{"no version", `{"title": "x", "items": []}`, CodeUnknownVersion, []string{"no \"version\""}},
		{"empty", "", CodeEmptyInput, nil},
		{"problems", `{"version": 1, "title": "", "color": "red", "items": [
			{"id": "a-1", "question": "Q?", "answer": "A.", "term": "T", "aliases": ["t"], "category": "C"},
			{"id": "a-1", "question": "", "answer": "A.", "term": "", "aliases": [], "category": "C", "extra": 1},
			{"id": "Bad Id", "question": "Q?", "answer": "A.", "term": "` + strings.Repeat("x", 61) + `", "aliases": [""], "category": " C"}]}`,
			CodeInvalidBank, []string{"title: missing", "color: unknown field", "items[0] (a-1).aliases[0]: \"t\" repeats the term",
				"items[1] (a-1).id: duplicate of items[0]", "items[1] (a-1).question: missing", "items[1] (a-1).term: missing",
				"items[1].extra: unknown field", "items[2] (Bad Id).id", "items[2] (Bad Id).term: 61 characters",
				"items[2] (Bad Id).aliases[0]: missing", "items[2] (Bad Id).category: leading or trailing space"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.json))
			if CodeOf(err) != c.code {
				t.Fatalf("err = %v, want code %s", err, c.code)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestBuildOverlayMismatch(t *testing.T) {
	notes := []byte("1. What is a mutex?\nAnswer: A mutex is a lock.\n\n2. What is a queue?\nAnswer: A queue holds messages.\n")
	overlay := []byte(`{"version": 1, "title": "t", "id_prefix": "c", "items": [
		{"id": "c-001", "term": "Mutex", "aliases": [], "category": "Concurrency"},
		{"id": "c-009", "term": "Ghost", "aliases": [], "category": "Concurrency"}]}`)
	_, _, err := Build(notes, overlay)
	if CodeOf(err) != CodeInvalidOverlay {
		t.Fatalf("err = %v", err)
	}
	for _, w := range []string{"no entry for c-002", `items[1]: "c-009" matches no kept item`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if _, _, err := Build(notes, []byte(`{"version": 1, "id_prefix": "c", "items": [], "oops": 1}`)); CodeOf(err) != CodeInvalidOverlay {
		t.Errorf("unknown overlay field: %v", err)
	}
}
