package bank

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

const seedPath = "default/backend-interview-questions.txt"

func TestImportSeed(t *testing.T) {
	seed := readFile(t, seedPath)
	b, rep, err := ImportNotes(seed, ImportOptions{IDPrefix: "backend"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 89 || len(rep.Kept) != 89 {
		t.Fatalf("kept %d items (report %d), want 89", len(b.Items), len(rep.Kept))
	}
	wantSkips := map[int]string{
		27: "duplicate of item 23", 42: "duplicate of item 30", 64: "duplicate of item 41",
		65: "duplicate of item 48", 66: "editorial note only", 71: "editorial note only",
		72: "duplicate of item 54", 82: "duplicate of item 23", 89: "duplicate of item 76",
		92: "duplicate of item 30", 97: "duplicate of item 56",
	}
	if len(rep.Skipped) != len(wantSkips) {
		t.Errorf("skipped %d, want %d: %+v", len(rep.Skipped), len(wantSkips), rep.Skipped)
	}
	for _, s := range rep.Skipped {
		if want, ok := wantSkips[s.Number]; !ok || s.Reason != want {
			t.Errorf("question %d skipped with %q, want %q", s.Number, s.Reason, want)
		}
	}
	forbidden := []string{"Note:", "skip", "Duplicate", "Skip to content", "Backend Engineer Part 2",
		"the user asks", "too open", "stick to direct questions", "As a Q", "Provide quick answer"}
	for _, it := range b.Items {
		for _, text := range []string{it.Question, it.Answer, it.Term, it.Category} {
			for _, f := range forbidden {
				if strings.Contains(text, f) {
					t.Errorf("%s contains %q: %q", it.ID, f, text)
				}
			}
		}
		if it.Answer == "" || strings.HasPrefix(it.Answer, "(") || strings.HasPrefix(it.Answer, "Answer:") {
			t.Errorf("%s answer not cleaned: %q", it.ID, it.Answer)
		}
	}
	q95, ok := b.Item("backend-095")
	if !ok || !strings.HasPrefix(q95.Answer, "You would centralize logs") {
		t.Errorf("Q95 answer = %q", q95.Answer)
	}
	q14, _ := b.Item("backend-014")
	if q14.Question != "What is a database index and why is it used?" || q14.Term != "Database index" {
		t.Errorf("Q14 = %+v", q14)
	}
	report := rep.String()
	for _, want := range []string{"kept 89 item(s), skipped 11", "line 1: text before the first question ignored (lines 1-3)",
		"line 289: commentary after the editorial note of question 71 ignored", "editorial aside removed from question 95"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestImportVariants(t *testing.T) {
	t.Run("qa pairs", func(t *testing.T) {
		b, rep, err := ImportNotes(readFile(t, "testdata/qa-pairs.txt"), ImportOptions{IDPrefix: "sg"})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Items) != 2 {
			t.Fatalf("items = %+v", b.Items)
		}
		cdn := b.Items[1]
		if cdn.ID != "sg-002" || cdn.Term != "CDN" || len(cdn.Aliases) != 1 || cdn.Aliases[0] != "Content Delivery Network" {
			t.Errorf("cdn = %+v", cdn)
		}
		if cdn.Answer != "A CDN is a network of distributed servers that cache static assets close to users. It cuts latency for visitors far from the origin." {
			t.Errorf("continued answer line not joined: %q", cdn.Answer)
		}
		want := []string{"duplicate of item 2", "empty answer", "editorial note only"}
		if len(rep.Skipped) != len(want) {
			t.Fatalf("skipped = %+v", rep.Skipped)
		}
		for i, s := range rep.Skipped {
			if s.Reason != want[i] {
				t.Errorf("skip %d reason %q, want %q", i, s.Reason, want[i])
			}
		}
		if !strings.Contains(rep.String(), "line 1: text before the first question ignored") {
			t.Errorf("report: %s", rep)
		}
	})
	t.Run("markdown headings, several paragraphs", func(t *testing.T) {
		b, rep, err := ImportNotes(readFile(t, "testdata/headings.md"), ImportOptions{IDPrefix: "ds"})
		if err != nil {
			t.Fatal(err)
		}
		if b.Title != "Distributed systems notes" {
			t.Errorf("title %q", b.Title)
		}
		got := map[string]Item{}
		for _, it := range b.Items {
			got[it.Term] = it
		}
		if len(b.Items) != 4 {
			t.Fatalf("items: %+v", b.Items)
		}
		ec := got["Eventual consistency"]
		if ec.ID != "ds-001" || ec.Category != "Consistency" || !strings.Contains(ec.Answer, "\n\nFor example, a read right after") {
			t.Errorf("eventual consistency = %+v", ec)
		}
		if q := got["Quorum"]; !strings.HasPrefix(q.Answer, "A quorum is the minimum") {
			t.Errorf("quorum = %+v", q)
		}
		ik := got["Idempotency key"]
		if ik.Category != "Messaging" || strings.Contains(ik.Answer, "Note") || ik.ID != "ds-003" {
			t.Errorf("idempotency key = %+v", ik)
		}
		if bp := got["Backpressure"]; !strings.Contains(bp.Answer, "slow down.\n- bounded queues\n- dropping") {
			t.Errorf("list lost: %q", bp.Answer)
		}
		if !strings.Contains(rep.String(), "editorial note removed from question 3") {
			t.Errorf("report: %s", rep)
		}
	})
	t.Run("numbered with Answer and a list inside", func(t *testing.T) {
		b, rep, err := ImportNotes(readFile(t, "testdata/numbered-answer.txt"), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Items) != 2 || b.Items[0].ID != "item-001" || b.Items[1].Term != "Semaphore" {
			t.Fatalf("items: %+v", b.Items)
		}
		if !strings.HasSuffix(b.Items[1].Answer, "Steps to use one:\n1. acquire\n2. release") {
			t.Errorf("semaphore answer %q", b.Items[1].Answer)
		}
		if len(rep.Skipped) != 1 || rep.Skipped[0].Reason != "duplicate of item 1" {
			t.Errorf("skipped %+v", rep.Skipped)
		}
	})
}

func TestImportBadInput(t *testing.T) {
	big := bytes.Repeat([]byte("1. What is X?\nAnswer: X.\n"), MaxInputSize/20)
	cases := []struct {
		name  string
		data  []byte
		code  Code
		lines []int
	}{
		{"empty", []byte(" \n\t\n"), CodeEmptyInput, nil},
		{"binary", []byte("1. What?\x00\x01\x02"), CodeBinaryInput, []int{1}},
		{"not utf8", []byte("1. What is X?\nAnswer: \xff\xfe"), CodeBinaryInput, []int{2}},
		{"too large", big, CodeTooLarge, nil},
		{"no questions", readFile(t, "testdata/no-questions.txt"), CodeNoQuestions, nil},
		{"question without answer", readFile(t, "testdata/missing-answer.txt"), CodeMissingAnswer, []int{1, 7}},
		{"only skipped", []byte("1. What is X?\nAnswer: (skip)\n"), CodeNoQuestions, []int{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ImportNotes(c.data, ImportOptions{})
			if CodeOf(err) != c.code {
				t.Fatalf("err = %v, want code %s", err, c.code)
			}
			var lines []int
			for _, p := range err.(*Error).Problems {
				lines = append(lines, p.Line)
			}
			if len(lines) != len(c.lines) {
				t.Fatalf("problem lines %v, want %v (%v)", lines, c.lines, err)
			}
			for i := range lines {
				if lines[i] != c.lines[i] {
					t.Errorf("problem lines %v, want %v", lines, c.lines)
				}
			}
		})
	}
}

// A maximal single paragraph must import in linear time (this would take
// minutes if paragraphs were built by repeated concatenation).
func TestImportHugeParagraph(t *testing.T) {
	var b strings.Builder
	b.WriteString("1. What is X?\nAnswer: X is big.\n")
	for b.Len() < MaxInputSize-100 {
		b.WriteString("more words here\n")
	}
	bk, _, err := ImportNotes([]byte(b.String()), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(bk.Items[0].Answer)); n != MaxAnswerLen {
		t.Errorf("answer %d runes, want clipped to %d", n, MaxAnswerLen)
	}
}

func BenchmarkImportSeed(b *testing.B) {
	data, err := os.ReadFile(seedPath)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ImportNotes(data, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func warningsOf(rep *Report) string {
	var b strings.Builder
	for _, w := range rep.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

// Guessed terms cut out of a longer question, or absent from their answer,
// are flagged for review; quotes and backticks never reach a term.
func TestImportTermWarnings(t *testing.T) {
	notes := "1. What is a StatefulSet (and why use one?\nAnswer: A StatefulSet runs pods with stable names.\n\n" +
		"2. What is the difference between TCP and UDP?\nAnswer: One is reliable, the other is not.\n\n" +
		"3. What is “eventual consistency”?\nAnswer: Eventual consistency lets replicas converge over time.\n\n" +
		"4. What is `fs.readFile`?\nAnswer: The fs.readFile function reads a whole file.\n\n" +
		"5. What is a Kubernetes pod?\nAnswer: Pods group containers.\n\n" +
		"6. What is a container image?\nAnswer: A read-only template of the files and settings a new sandbox starts from.\n"
	b, rep, err := ImportNotes([]byte(notes), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ws := warningsOf(rep)
	for _, want := range []string{`question 1: term "StatefulSet (and" looks like a fragment`, `question 2: term "Difference between TCP`, `question 5: term "Kubernetes pod" does not occur in its answer`} {
		if !strings.Contains(ws, want) {
			t.Errorf("no warning %q in:\n%s", want, ws)
		}
	}
	// Question 6's answer describes its term without naming it, as a
	// flashcard's back does: it is the clue as is, nothing to review.
	if strings.Contains(ws, "question 3") || strings.Contains(ws, "question 4") || strings.Contains(ws, "question 6") {
		t.Errorf("warned about a good term:\n%s", ws)
	}
	for _, term := range []string{"StatefulSet (and", "Difference between TCP", "Compare X", "Ports of"} {
		if !fragment(term) {
			t.Errorf("%q not a fragment", term)
		}
	}
	if fragment("Load balancer") || fragment("CAP theorem (consistency)") {
		t.Error("a whole term called a fragment")
	}
	if b.Items[2].Term != "Eventual consistency" || b.Items[3].Term != "fs.readFile" {
		t.Errorf("terms %q, %q", b.Items[2].Term, b.Items[3].Term)
	}
}

// Fenced code in an answer stays code: its lines, indentation and what
// looks like headings or questions inside it.
func TestImportKeepsFencedCode(t *testing.T) {
	notes := "## What is a goroutine?\n\nA goroutine is a lightweight thread.\n\n```go\n# not a heading\nfunc main() {\n    go work()  // two spaces\n}\n1. not a question?\n```\n\nIt is cheap (see Q3).\n\n## What is a channel?\n\nA channel passes values between goroutines.\n"
	b, rep, err := ImportNotes([]byte(notes), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 2 {
		t.Fatalf("%d items: %+v", len(b.Items), b.Items)
	}
	want := "A goroutine is a lightweight thread.\n\n```go\n# not a heading\nfunc main() {\n    go work()  // two spaces\n}\n1. not a question?\n```\n\nIt is cheap."
	if b.Items[0].Answer != want {
		t.Errorf("answer:\n%s\nwant:\n%s", b.Items[0].Answer, want)
	}
	if !strings.Contains(warningsOf(rep), "(see Q3)") {
		t.Errorf("cross-reference removal not reported:\n%s", warningsOf(rep))
	}
}

// Two-column tab-separated exports (front, back), as flashcard apps write
// them, header lines, quoted fields and HTML line breaks included.
func TestImportTSV(t *testing.T) {
	tsv := "#separator:tab\n#html:true\nMutex\tA lock that lets one thread in at a time.\n" +
		"What is a semaphore?\t\"A counter that lets N threads in;<br>it blocks the rest.\"\n" +
		"Deadlock\tTwo tasks wait for each other forever.\textra\n\n"
	b, rep, err := ImportNotes([]byte(tsv), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 3 {
		t.Fatalf("%d items: %+v", len(b.Items), b.Items)
	}
	if b.Items[0].Term != "Mutex" || b.Items[0].Question != "Mutex" || b.Items[0].Answer != "A lock that lets one thread in at a time." {
		t.Errorf("card 1: %+v", b.Items[0])
	}
	if b.Items[1].Term != "Semaphore" || b.Items[1].Answer != "A counter that lets N threads in;\nit blocks the rest." {
		t.Errorf("card 2: %+v", b.Items[1])
	}
	if b.Items[2].ID != "item-003" || rep.Kept[2].Line != 5 {
		t.Errorf("card 3: id %s line %d", b.Items[2].ID, rep.Kept[2].Line)
	}
	if !strings.Contains(warningsOf(rep), "line 5: columns after the second ignored") {
		t.Errorf("warnings:\n%s", warningsOf(rep))
	}
	// Prose with one tab somewhere is not a TSV export.
	if _, _, ok := parseTSV([]byte("1. What is X?\nAnswer: X\tis a thing.\n")); ok {
		t.Error("notes read as TSV")
	}
}

// TestReportListsAreArrays: a report with nothing skipped and no warnings
// still gives clients arrays, never null (the host page reads .length).
func TestReportListsAreArrays(t *testing.T) {
	_, rep, err := ImportNotes(readFile(t, "../../docs/examples/cell-biology.md"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Report{rep, {}} {
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "null") {
			t.Errorf("report JSON has null: %s", data)
		}
		var back map[string]any
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"kept", "skipped", "warnings"} {
			if _, ok := back[k].([]any); !ok {
				t.Errorf("%s is %v, want an array: %s", k, back[k], data)
			}
		}
	}
}

// TestStrayTextNamesItsLineOnce: a problem starts with its line, so a
// single stray line is not named again in the message.
func TestStrayTextNamesItsLineOnce(t *testing.T) {
	_, rep, err := ImportNotes([]byte("Week 4 notes\n\nQ: What is DNS?\nA: DNS turns host names into IP addresses.\n"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Line != 1 || rep.Warnings[0].Message != "text before the first question ignored" {
		t.Errorf("warnings = %+v", rep.Warnings)
	}
}
