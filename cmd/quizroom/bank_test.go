package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runBankCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"bank"}, args...), func(string) string { return "" }, &out, &errb)
	if err != nil {
		errb.WriteString(err.Error())
		return out.String(), errb.String(), exitCode(err)
	}
	return out.String(), errb.String(), 0
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const seedNotes = "../../game/bank/default/backend-interview-questions.txt"

func TestBankImportSeed(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bank.json")
	stdout, stderr, code := runBankCmd(t, "import", seedNotes, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"kept 89 item(s), skipped 11", `skipped question 82 (line 331) "What is a CDN and why is it useful?": duplicate of item 23`,
		"skipped question 66 (line 265)", "editorial note only", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	stdout, stderr, code = runBankCmd(t, "check", out)
	if code != 0 || !strings.Contains(stdout, "ok") || !strings.Contains(stdout, "89 items") {
		t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	// The id prefix comes from the file name.
	data, _ := os.ReadFile(out)
	if !bytes.Contains(data, []byte(`"id": "backend-095"`)) {
		t.Error("ids not prefixed with backend-")
	}
}

func TestBankImportToStdout(t *testing.T) {
	stdout, stderr, code := runBankCmd(t, "import", "../../game/bank/testdata/qa-pairs.txt")
	if code != 0 || !strings.HasPrefix(stdout, "{\n  \"version\": 1,") || !strings.Contains(stderr, "kept 2 item(s)") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}

func TestBankBadInputExits2WithoutOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	big := bytes.Repeat([]byte("x"), 2<<20+1)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"empty", []string{"import", writeTemp(t, "e.txt", nil), "-o", out}, "the input is empty"},
		{"binary", []string{"import", writeTemp(t, "b.txt", []byte("1. What?\x00")), "-o", out}, "binary"},
		{"too large", []string{"import", writeTemp(t, "l.txt", big), "-o", out}, "over 2 MiB"},
		{"no questions", []string{"import", writeTemp(t, "n.txt", []byte("hello\n")), "-o", out}, "no recognizable questions"},
		{"missing answer", []string{"import", "../../game/bank/testdata/missing-answer.txt", "-o", out}, "line 7: question 3"},
		{"missing file", []string{"import", filepath.Join(dir, "nope.txt"), "-o", out}, "no such file"},
		{"invalid json", []string{"check", writeTemp(t, "j.json", []byte("{\n\"version\": 1,,\n}"))}, "line 2"},
		{"unknown version", []string{"check", writeTemp(t, "v.json", []byte(`{"version": 7, "title": "t", "items": []}`))}, "unknown bank version 7"},
		{"invalid bank", []string{"check", writeTemp(t, "i.json", []byte(`{"version": 1, "title": "t", "items": [{"id": "a"}]}`))}, "items[0] (a).question: missing"},
		{"bad overlay", []string{"build", "-o", out, seedNotes, writeTemp(t, "o.json", []byte(`{"version": 1, "id_prefix": "backend", "title": "t", "items": []}`))}, "no entry for backend-001"},
		{"build usage", []string{"build", seedNotes}, "usage: build -o OUT NOTES OVERLAY"},
		{"unknown command", []string{"frobnicate"}, `bank: unknown command "frobnicate"; the commands are import, check, preview and build`},
		{"check notes", []string{"check", "../../docs/examples/cell-biology.md"}, "this looks like notes, not a bank (JSON): 'quizroom bank import ../../docs/examples/cell-biology.md -o bank.json'"},
		{"check notes in .json", []string{"check", writeTemp(t, "notes.json", []byte("Q: What is DNS?\nA: DNS names hosts.\n"))}, "'quizroom bank import "},
		{"preview notes", []string{"preview", writeTemp(t, "notes.tsv", []byte("DNS\tnames hosts\n"))}, "looks like notes"},
		{"no command", nil, "missing command"},
		{"bad flag", []string{"preview", "--nope"}, "flag provided but not defined"},
		{"bad count", []string{"preview", "-n", "500"}, "89 item(s), 500 question(s) asked"},
		{"bad kind", []string{"preview", "--kinds", "poll"}, `kind "poll"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runBankCmd(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("message lacks %q: %s", c.want, stderr)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() == "out.json" || strings.Contains(e.Name(), ".tmp-") {
					t.Errorf("left %s behind", e.Name())
				}
			}
		})
	}
}

func TestBankBuildMatchesCommitted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bank.json")
	stdout, stderr, code := runBankCmd(t, "build", "-o", out, seedNotes, "../../game/bank/default/overlay.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("../../game/bank/default/bank.json")
	if !bytes.Equal(got, want) {
		t.Error("build output differs from the committed default bank: run 'make bank'")
	}
	if !strings.Contains(stdout, "wrote "+out+" (89 items)") {
		t.Errorf("stdout: %s", stdout)
	}
}

func TestBankPreviewAndHelp(t *testing.T) {
	stdout, stderr, code := runBankCmd(t, "preview", "-n", "3", "--seed", "9", "--kinds", "single")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(stdout, "[single,") != 3 || strings.Count(stdout, "   * ") != 3 {
		t.Errorf("preview:\n%s", stdout)
	}
	again, _, _ := runBankCmd(t, "preview", "-n", "3", "--seed", "9", "--kinds", "single")
	if again != stdout {
		t.Error("same seed, different preview")
	}
	stdout, _, code = runBankCmd(t, "--help")
	if code != 0 || !strings.Contains(stdout, "build -o OUT NOTES OVERLAY") {
		t.Errorf("help: %d %s", code, stdout)
	}
}

// preview --json: every question with the stable field names scripts and
// reviewers read.
func TestBankPreviewJSON(t *testing.T) {
	stdout, stderr, code := runBankCmd(t, "preview", "-n", "12", "--seed", "3", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var qs []map[string]any
	if err := json.Unmarshal([]byte(stdout), &qs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if len(qs) != 12 {
		t.Fatalf("%d questions", len(qs))
	}
	fields := []string{"number", "id", "item_id", "kind", "category", "term", "stem", "options", "correct", "accepted_answers", "explanation", "warnings"}
	kinds := map[string]bool{}
	for _, q := range qs {
		for _, f := range fields {
			if _, ok := q[f]; !ok {
				t.Errorf("question %v has no %q", q["number"], f)
			}
		}
		if len(q) != len(fields) {
			t.Errorf("question %v has fields %v", q["number"], q)
		}
		kinds[q["kind"].(string)] = true
		if q["kind"] == "typed" && len(q["accepted_answers"].([]any)) == 0 {
			t.Errorf("typed question %v accepts nothing", q["number"])
		}
		if len(q["warnings"].([]any)) != 0 {
			t.Errorf("default bank question %v has warnings %v", q["number"], q["warnings"])
		}
	}
	if len(kinds) != 4 {
		t.Errorf("kinds %v, want all four", kinds)
	}
}

// check reports content warnings; --strict fails on them. The default bank
// has none.
func TestBankCheckWarnings(t *testing.T) {
	stdout, _, code := runBankCmd(t, "check", "--strict", "../../game/bank/default/bank.json")
	if code != 0 || strings.Contains(stdout, "warning") {
		t.Fatalf("default bank: exit %d\n%s", code, stdout)
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	js := `{"version":1,"title":"t","items":[{"id":"a","question":"What is a cam?","answer":"A cam turns rotation into linear motion.","term":"Cam","aliases":[],"category":"C"}]}`
	if err := os.WriteFile(plain, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	// Optional content left out (as every bank made from notes does) is one
	// line saying so and what adding it improves, not a warning per field.
	stdout, _, code = runBankCmd(t, "check", plain)
	if code != 0 || !strings.Contains(stdout, "optional content missing in 1 of 1 items (definition in 1, facts in 1, myths in 1, confusables in 1): the bank plays without it") ||
		strings.Contains(stdout, "warning") || strings.Contains(stdout, "items[0]") {
		t.Errorf("exit %d\n%s", code, stdout)
	}
	stdout, _, code = runBankCmd(t, "check", "--verbose", plain)
	if code != 0 || !strings.Contains(stdout, "  items[0] (a).definition: missing") || !strings.Contains(stdout, "  items[0] (a).confusables: none") {
		t.Errorf("--verbose: exit %d\n%s", code, stdout)
	}
	// A real problem is still a warning of its own, beside the summary.
	odd := filepath.Join(dir, "odd.json")
	js = `{"version":1,"title":"t","items":[{"id":"a","question":"What is a cam?","answer":"A cam turns rotation into linear motion.","term":"Cam","aliases":[],"category":"C","facts":["A cam turns rotation into linear motion."]}]}`
	if err := os.WriteFile(odd, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = runBankCmd(t, "check", odd)
	if code != 0 || !strings.Contains(stdout, "warning: items[0] (a).facts: 1 facts, 2 to 4 wanted") || !strings.Contains(stdout, "1 content warning(s)") ||
		!strings.Contains(stdout, "(definition in 1, myths in 1, confusables in 1)") {
		t.Errorf("one fact: exit %d\n%s", code, stdout)
	}
	_, stderr, code := runBankCmd(t, "check", "--strict", plain)
	if code != 2 || !strings.Contains(stderr, "content warning") {
		t.Errorf("strict: exit %d\n%s", code, stderr)
	}
}
