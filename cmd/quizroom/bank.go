package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/game/bank"
)

const bankUsage = `Usage: quizroom bank <command> [arguments]

Commands:
  import NOTES [-o bank.json] [--prefix P] [--title T]
        read Q&A notes (numbered questions with "Answer:", Q:/A: pairs, or
        ## headings) into a bank; prints the bank (or writes it to -o) and an
        import report: kept, skipped with reasons, warnings
  check FILE [--strict] [--verbose]
        validate a bank (JSON, format v1) and report every problem, then the
        content warnings (definitions, facts, myths, hand-written questions);
        optional content left out (as in banks made from notes) is summed up
        in one line, listed per item with --verbose; --strict makes any
        warning fail the check
  preview [FILE] [-n N] [--seed S] [--kinds single,truefalse,typed,multi] [--category NAME] [--json]
        print N generated questions (default 5) as a player sees them, the
        correct answer marked, and the rules any question breaks; --json
        prints them as JSON for scripts and reviewers; FILE defaults to the
        embedded default bank
  build -o OUT NOTES OVERLAY
        import NOTES, lay the hand-written OVERLAY over them (terms, aliases,
        categories, definitions, facts, myths, questions) and write the bank
        to OUT (what 'make bank' runs); refuses content with a warning

Bad input exits with status 2 and writes no file. Format: docs/banks.md.
`

// runBank is the 'quizroom bank' command.
func runBank(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, bankUsage)
		return usagef("bank: missing command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, bankUsage)
		return nil
	case "import":
		return bankImport(rest, stdout, stderr)
	case "check":
		return bankCheck(rest, stdout)
	case "preview":
		return bankPreview(rest, stdout)
	case "build":
		return bankBuild(rest, stdout)
	}
	return usagef("bank: unknown command %q; the commands are import, check, preview and build ('quizroom bank --help' says more)", cmd)
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments ("import notes.txt -o bank.json").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("quizroom bank "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func flagError(name string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return usagef("bank %s: see 'quizroom bank --help'", name)
	}
	return usagef("bank %s: %v (see 'quizroom bank --help')", name, err)
}

// readInput reads a file, refusing one over the size limit without reading
// all of it.
func readInput(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, bank.MaxInputSize+1))
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	if len(data) > bank.MaxInputSize {
		return nil, usagef("%s: the file is over 2 MiB (%d bytes allowed)", path, bank.MaxInputSize)
	}
	return data, nil
}

// inputError makes a bank error a usage error (exit 2) naming the file.
func inputError(path string, err error) error {
	if bank.CodeOf(err) != "" {
		return usagef("%s: %v", path, err)
	}
	return err
}

// writeAtomic writes data to path through a temporary file in the same
// directory, so a failure never leaves a half-written file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return werr
	}
	return nil
}

func bankImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import")
	out := fs.String("o", "", "write the bank to this file instead of stdout")
	prefix := fs.String("prefix", "", "item id prefix (default: first word of the file name)")
	title := fs.String("title", "", "bank title")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError("import", err)
	}
	if len(pos) != 1 {
		return usagef("bank import: want one NOTES file, got %d argument(s)", len(pos))
	}
	path := pos[0]
	data, err := readInput(path)
	if err != nil {
		return err
	}
	if *prefix == "" {
		*prefix = prefixFromName(path)
	}
	b, rep, err := bank.ImportNotes(data, bank.ImportOptions{IDPrefix: *prefix, Title: *title})
	if err != nil {
		return inputError(path, err)
	}
	js, err := b.Marshal()
	if err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprint(stderr, rep)
		_, err = stdout.Write(js)
		return err
	}
	if err := writeAtomic(*out, js); err != nil {
		return err
	}
	fmt.Fprint(stdout, rep)
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}

// prefixFromName gives "backend" for "backend-interview-questions.txt".
func prefixFromName(path string) string {
	base := strings.ToLower(filepath.Base(path))
	var b strings.Builder
	for _, r := range base {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			continue
		}
		break
	}
	if b.Len() == 0 {
		return "item"
	}
	return b.String()
}

func bankCheck(args []string, stdout io.Writer) error {
	fs := newFlags("check")
	strict := fs.Bool("strict", false, "fail on content warnings, missing optional content included")
	verbose := fs.Bool("verbose", false, "list every item's missing optional content")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError("check", err)
	}
	if len(pos) != 1 {
		return usagef("bank check: want one FILE, got %d argument(s)", len(pos))
	}
	data, err := readInput(pos[0])
	if err != nil {
		return err
	}
	b, err := parseBankFile(pos[0], data)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok, %q, %d items\n", pos[0], b.Title, len(b.Items))
	for _, c := range b.Categories() {
		fmt.Fprintf(stdout, "  %-28s %d\n", c.Name, c.Count)
	}
	warnings := b.Lint()
	var real []bank.Problem
	for _, w := range warnings {
		if !w.Missing {
			real = append(real, w)
		}
	}
	if line := missingContentLine(b, warnings); line != "" {
		fmt.Fprintln(stdout, line)
		if *verbose {
			for _, w := range warnings {
				if w.Missing {
					fmt.Fprintf(stdout, "  %s\n", w)
				}
			}
		}
	}
	for _, w := range real {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	if len(real) > 0 {
		fmt.Fprintf(stdout, "%d content warning(s): questions from these items may break the rules of docs/banks.md\n", len(real))
	}
	if len(warnings) > 0 {
		if *strict {
			return inputError(pos[0], &bank.Error{Code: bank.CodeInvalidBank, Message: fmt.Sprintf("%d content warning(s)", len(warnings)), Problems: warnings})
		}
	}
	return nil
}

func bankPreview(args []string, stdout io.Writer) error {
	fs := newFlags("preview")
	n := fs.Int("n", 5, "number of questions")
	seed := fs.Int64("seed", 1, "generator seed")
	kinds := fs.String("kinds", "", "comma-separated kinds: single, truefalse, typed, multi (default all)")
	category := fs.String("category", "", "only this category")
	asJSON := fs.Bool("json", false, "print the questions as JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError("preview", err)
	}
	if len(pos) > 1 {
		return usagef("bank preview: want at most one FILE, got %d", len(pos))
	}
	b := bank.Default()
	if len(pos) == 1 {
		data, err := readInput(pos[0])
		if err != nil {
			return err
		}
		if b, err = parseBankFile(pos[0], data); err != nil {
			return err
		}
	}
	opts := bank.GenerateOptions{Count: *n, Seed: *seed}
	if *kinds != "" {
		for _, k := range strings.Split(*kinds, ",") {
			opts.Kinds = append(opts.Kinds, game.Kind(strings.TrimSpace(k)))
		}
	}
	if *category != "" {
		opts.Categories = []string{*category}
	}
	qs, warnings, err := bank.GenerateChecked(b, opts)
	if err != nil {
		return usagef("bank preview: %v", err)
	}
	if *asJSON {
		return writePreviewJSON(stdout, qs, warnings)
	}
	for i, q := range qs {
		fmt.Fprintf(stdout, "%d. [%s, %s] %s\n", i+1, q.Kind, q.Category, q.Prompt)
		for j, o := range q.Options {
			mark := " "
			for _, c := range q.Correct {
				if c == j {
					mark = "*"
				}
			}
			fmt.Fprintf(stdout, "   %s %c) %s\n", mark, 'A'+j, o)
		}
		if len(q.Accept) > 0 {
			fmt.Fprintf(stdout, "   * accepted: %s\n", strings.Join(q.Accept, " | "))
		}
		fmt.Fprintf(stdout, "   term: %s (%s)\n\n", q.Term, q.ItemID)
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return nil
}

// PreviewQuestion is one question of 'bank preview --json'. The field names
// are stable: scripts and reviewers depend on them.
type PreviewQuestion struct {
	Number      int      `json:"number"`
	ID          string   `json:"id"`
	ItemID      string   `json:"item_id"`
	Kind        string   `json:"kind"`
	Category    string   `json:"category"`
	Term        string   `json:"term"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Correct     []int    `json:"correct"`
	Accepted    []string `json:"accepted_answers"`
	Explanation string   `json:"explanation"`
	Warnings    []string `json:"warnings"`
}

func writePreviewJSON(w io.Writer, qs []game.Question, warnings []bank.Problem) error {
	out := make([]PreviewQuestion, len(qs))
	for i, q := range qs {
		p := PreviewQuestion{Number: i + 1, ID: q.ID, ItemID: q.ItemID, Kind: string(q.Kind), Category: q.Category, Term: q.Term,
			Stem: q.Prompt, Options: q.Options, Correct: q.Correct, Accepted: q.Accept, Explanation: q.Explanation, Warnings: []string{}}
		if p.Options == nil {
			p.Options = []string{}
		}
		if p.Correct == nil {
			p.Correct = []int{}
		}
		if p.Accepted == nil {
			p.Accepted = []string{}
		}
		for _, wr := range warnings {
			if wr.Path == q.ID {
				p.Warnings = append(p.Warnings, wr.Message)
			}
		}
		out[i] = p
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func bankBuild(args []string, stdout io.Writer) error {
	fs := newFlags("build")
	out := fs.String("o", "", "output bank file (required)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError("build", err)
	}
	if *out == "" || len(pos) != 2 {
		return usagef("bank build: usage: build -o OUT NOTES OVERLAY")
	}
	notes, err := readInput(pos[0])
	if err != nil {
		return err
	}
	overlay, err := readInput(pos[1])
	if err != nil {
		return err
	}
	b, rep, err := bank.Build(notes, overlay)
	if err != nil {
		return inputError(pos[0]+" + "+pos[1], err)
	}
	if warnings := b.Lint(); len(warnings) > 0 {
		return inputError(pos[1], &bank.Error{Code: bank.CodeInvalidOverlay, Message: fmt.Sprintf("the content has %d warning(s); fix them before building", len(warnings)), Problems: warnings})
	}
	js, err := b.Marshal()
	if err != nil {
		return err
	}
	if err := writeAtomic(*out, js); err != nil {
		return err
	}
	fmt.Fprint(stdout, rep)
	fmt.Fprintf(stdout, "wrote %s (%d items)\n", *out, len(b.Items))
	return nil
}

// parseBankFile parses a bank file; notes given where a bank is wanted are
// refused with the command that reads notes, not only a JSON error.
func parseBankFile(path string, data []byte) (*bank.Bank, error) {
	b, err := bank.Parse(data)
	if err == nil {
		return b, nil
	}
	if bank.CodeOf(err) == bank.CodeInvalidJSON && looksLikeNotes(path, data) {
		return nil, usagef("%s: %v\nthis looks like notes, not a bank (JSON): 'quizroom bank import %s -o bank.json' makes a bank of it (or serve --banks reads notes as they are)", path, err, path)
	}
	return nil, inputError(path, err)
}

// looksLikeNotes: a notes file's extension, or text that does not open a
// JSON object.
func looksLikeNotes(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown", ".txt", ".tsv", ".text":
		return true
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '['
}

// missingContentLine sums up, in one line, the optional fields the bank's
// items leave out (as banks made from notes do) and what adding them
// improves; "" when none is missing.
func missingContentLine(b *bank.Bank, warnings []bank.Problem) string {
	fields := []string{"definition", "facts", "myths", "confusables"}
	counts := map[string]int{}
	items := map[string]bool{}
	for _, w := range warnings {
		if !w.Missing {
			continue
		}
		item, field, _ := strings.Cut(w.Path, ").")
		counts[field]++
		items[item] = true
	}
	if len(items) == 0 {
		return ""
	}
	var parts []string
	for _, f := range fields {
		if counts[f] > 0 {
			parts = append(parts, fmt.Sprintf("%s in %d", f, counts[f]))
		}
	}
	return fmt.Sprintf("optional content missing in %d of %d items (%s): the bank plays without it; "+
		"a definition makes clues in your words, facts and myths make true-or-false and select-all questions, "+
		"confusables choose the wrong options players mix up (docs/banks.md; --verbose lists them)",
		len(items), len(b.Items), strings.Join(parts, ", "))
}
