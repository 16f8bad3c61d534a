package bank

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ImportOptions tune ImportNotes.
type ImportOptions struct {
	// IDPrefix starts every item id ("backend" gives "backend-014");
	// default "item".
	IDPrefix string
	// Title of the bank; default the notes' "# " heading, else "Imported notes".
	Title string
	// Category of items not under a section heading; default "General".
	Category string
}

// Report says what an import kept, what it skipped and why, and what looked
// odd. Numbers are the question numbers as written in the notes (or the
// question's position when the notes do not number them).
type Report struct {
	Kept     []Kept    `json:"kept"`
	Skipped  []Skipped `json:"skipped"`
	Warnings []Problem `json:"warnings"`
}

// Kept is an item the import kept.
type Kept struct {
	Number   int    `json:"number"`
	Line     int    `json:"line"`
	ID       string `json:"id"`
	Question string `json:"question"`
}

// Skipped is a question the import left out, with the reason.
type Skipped struct {
	Number   int    `json:"number"`
	Line     int    `json:"line"`
	Question string `json:"question"`
	// Reason is "editorial note only", "duplicate of item N" or "empty answer".
	Reason string `json:"reason"`
	// Note is the editorial text that made the import skip it, if any.
	Note string `json:"note,omitempty"`
}

// String renders the report for people.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kept %d item(s), skipped %d, %d warning(s)\n", len(r.Kept), len(r.Skipped), len(r.Warnings))
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "skipped question %d (line %d) %q: %s\n", s.Number, s.Line, s.Question, s.Reason)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

// entry is one question of the notes with its raw answer paragraphs.
type entry struct {
	num, line   int
	question    string
	answerLabel bool // an "Answer:" / "A:" label was seen
	paras       []para
	section     string
	front       bool // a flashcard's front: the term itself, often
}

type para struct {
	line int
	text string
	b    *strings.Builder // text while parsing
	// code: a fenced code block, kept verbatim; closed once its closing
	// fence is read.
	code, closed bool
}

// fenceMark returns the fence a line opens or closes a code block with
// ("```" or "~~~", any longer run too), or "".
func fenceMark(line string) string {
	t := strings.TrimSpace(line)
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			n := len(t) - len(strings.TrimLeft(t, f[:1]))
			return t[:n]
		}
	}
	return ""
}

type lineKind int

const (
	lineBlank lineKind = iota
	lineText
	lineAnswer   // "Answer: ..." or "A: ..."
	lineQLabel   // "Q: ..." or "Question 3: ..."
	lineNumbered // "12. ..." (a question only when it reads like one)
	lineHeading  // "## ..."
	lineCode     // inside a fenced code block
)

type noteLine struct {
	n     int // 1-based line number
	kind  lineKind
	text  string // content after any label, trimmed
	num   int    // explicit question number, 0 if none
	level int    // heading level
}

func stripEmphasis(s string) string {
	s = strings.TrimSpace(s)
	for _, m := range []string{"**", "__"} {
		if strings.HasPrefix(s, m) && strings.HasSuffix(s, m) && len(s) > 2*len(m) {
			s = strings.TrimSpace(s[len(m) : len(s)-len(m)])
		}
	}
	return s
}

func classify(n int, raw string) noteLine {
	s := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
	l := noteLine{n: n, kind: lineText, text: s}
	if s == "" {
		l.kind = lineBlank
		return l
	}
	if level, text, ok := matchHeading(s); ok {
		l.kind, l.level, l.text = lineHeading, level, stripEmphasis(text)
		if num, text, ok := matchHeadNum(l.text); ok {
			l.num, _ = strconv.Atoi(num)
			l.text = strings.TrimSpace(text)
		}
		return l
	}
	if text, ok := matchAnswer(s); ok {
		l.kind, l.text = lineAnswer, strings.TrimSpace(text)
		return l
	}
	if num, text, ok := matchQLabel(s); ok {
		l.kind, l.text = lineQLabel, stripEmphasis(strings.TrimSuffix(strings.TrimSpace(text), "**"))
		l.num, _ = strconv.Atoi(num)
		return l
	}
	if num, text, ok := matchNumbered(s); ok {
		l.kind, l.text = lineNumbered, stripEmphasis(strings.TrimSuffix(strings.TrimSpace(text), "**"))
		l.num, _ = strconv.Atoi(num)
		return l
	}
	return l
}

// parseNotes splits notes into entries. It never fails on content: what it
// cannot place becomes a warning.
func parseNotes(data string) (entries []*entry, title string, warnings []Problem) {
	raw := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	lines := make([]noteLine, len(raw))
	fence := ""
	for i, r := range raw {
		r = strings.ReplaceAll(r, "\r", "")
		// Lines of a fenced code block are code, whatever they look like
		// ("# comment" is no heading, "1. x?" no question): kept verbatim.
		if f := fenceMark(r); f != "" && (fence == "" || strings.HasPrefix(f, fence)) {
			lines[i] = noteLine{n: i + 1, kind: lineCode, text: strings.TrimRight(r, " \t")}
			if fence == "" {
				fence = f
			} else {
				fence = ""
			}
			continue
		}
		if fence != "" {
			lines[i] = noteLine{n: i + 1, kind: lineCode, text: strings.TrimRight(r, " \t")}
			continue
		}
		lines[i] = classify(i+1, r)
	}
	next := func(i int) *noteLine {
		for j := i + 1; j < len(lines); j++ {
			if lines[j].kind != lineBlank {
				return &lines[j]
			}
		}
		return nil
	}
	startsQuestion := func(i int) bool {
		l := lines[i]
		switch l.kind {
		case lineQLabel:
			return true
		case lineNumbered:
			nx := next(i)
			return strings.HasSuffix(l.text, "?") || (nx != nil && nx.kind == lineAnswer)
		}
		return false
	}
	var cur *entry
	var section string
	var stray []int // lines of text outside any question
	flushStray := func(what string) {
		if len(stray) == 0 {
			return
		}
		warnings = append(warnings, Problem{Line: stray[0], Message: what + " ignored" + spanNote(stray)})
		stray = nil
	}
	newPara := true
	for i := range lines {
		l := lines[i]
		switch {
		case l.kind == lineBlank:
			newPara = true
			continue
		case l.kind == lineHeading:
			nx := next(i)
			isSection := l.level == 1 || nx == nil || nx.kind == lineHeading || startsQuestion(indexOf(lines, nx))
			if isSection && !strings.HasSuffix(l.text, "?") {
				if l.level == 1 && title == "" && cur == nil {
					title = l.text
				}
				if cur == nil {
					flushStray("text before the first question")
				}
				if l.level > 1 || cur != nil {
					section = l.text
				}
				cur = nil
				continue
			}
		case startsQuestion(i):
		case l.kind == lineAnswer:
			if cur == nil || cur.answerLabel || len(cur.paras) > 0 {
				if cur == nil {
					warnings = append(warnings, Problem{Line: l.n, Message: "answer with no question before it ignored"})
					continue
				}
				// A second "Answer:" inside an answer is just text.
				l.kind = lineText
				l.text = lines[i].text
			} else {
				cur.answerLabel = true
				if l.text != "" {
					cur.paras = append(cur.paras, para{line: l.n, b: &strings.Builder{}})
					cur.paras[len(cur.paras)-1].b.WriteString(l.text)
				}
				newPara = false
				continue
			}
		}
		if l.kind == lineHeading || startsQuestion(i) {
			if cur == nil {
				flushStray("text before the first question")
			}
			cur = &entry{num: l.num, line: l.n, question: l.text, section: section}
			entries = append(entries, cur)
			newPara = true
			continue
		}
		if l.kind == lineCode {
			if cur == nil {
				stray = append(stray, l.n)
				continue
			}
			// A code block is a paragraph of its own, line breaks and
			// indentation kept.
			opens := fenceMark(l.text) != "" && (len(cur.paras) == 0 || !cur.paras[len(cur.paras)-1].code || cur.paras[len(cur.paras)-1].closed)
			if opens {
				cur.paras = append(cur.paras, para{line: l.n, b: &strings.Builder{}, code: true})
				cur.paras[len(cur.paras)-1].b.WriteString(l.text)
			} else {
				p := &cur.paras[len(cur.paras)-1]
				p.b.WriteByte('\n')
				p.b.WriteString(l.text)
				p.closed = fenceMark(l.text) != ""
			}
			newPara = true
			continue
		}
		// Plain text (or a numbered line that is not a question).
		text := lines[i].text
		if lines[i].kind == lineNumbered || lines[i].kind == lineQLabel {
			text = strings.TrimSpace(raw[i])
		}
		if cur == nil {
			stray = append(stray, l.n)
			continue
		}
		if newPara || len(cur.paras) == 0 {
			cur.paras = append(cur.paras, para{line: l.n, b: &strings.Builder{}})
			cur.paras[len(cur.paras)-1].b.WriteString(text)
		} else {
			// A builder, not +=, keeps a huge paragraph linear.
			p := &cur.paras[len(cur.paras)-1]
			if isListLine(text) {
				p.b.WriteByte('\n')
			} else {
				p.b.WriteByte(' ')
			}
			p.b.WriteString(text)
		}
		newPara = false
	}
	for _, e := range entries {
		for i := range e.paras {
			e.paras[i].text = e.paras[i].b.String()
		}
	}
	if len(entries) == 0 {
		stray = nil // the caller reports "no questions"
	}
	flushStray("text before the first question")
	return entries, title, warnings
}

func indexOf(lines []noteLine, l *noteLine) int {
	if l == nil {
		return -1
	}
	return l.n - 1
}

func isListLine(s string) bool {
	if strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") {
		return true
	}
	_, _, ok := matchNumbered(s)
	return ok
}

// spanNote names the lines a problem covers when they are more than its
// first: a problem already starts with its first line ("line 4: ..."), so a
// single line is not repeated.
func spanNote(ls []int) string {
	if len(ls) == 1 || ls[0] == ls[len(ls)-1] {
		return ""
	}
	return fmt.Sprintf(" (lines %d-%d)", ls[0], ls[len(ls)-1])
}

// editorial reports whether a paragraph is only an editorial note: wholly in
// parentheses, or opening with a note marker such as "Note:" or "Duplicate".
func editorial(p string) bool {
	p = strings.TrimSpace(p)
	if strings.HasPrefix(p, "(") {
		end := matchParen(p)
		rest := strings.TrimSpace(strings.TrimLeft(p[end+1:], ".;:"))
		if end > 0 && rest == "" {
			return true
		}
	}
	lower := strings.ToLower(p)
	for _, m := range []string{"note:", "duplicate", "todo", "tbd", "skip", "see q", "same as q", "covered by", "covered in"} {
		if strings.HasPrefix(lower, m) {
			return true
		}
	}
	return false
}

// matchParen returns the index of the parenthesis closing s[0], or -1.
func matchParen(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// leadingAside splits an answer opening with a parenthesized editorial
// aside, such as "(As a Q, this is quite broad ...:) You would ...", into the
// aside and the real answer. A short parenthesis like "(1)" is not an aside.
func leadingAside(p string) (aside, rest string, ok bool) {
	if !strings.HasPrefix(p, "(") {
		return "", p, false
	}
	end := matchParen(p)
	if end < 0 {
		return "", p, false
	}
	aside, rest = p[:end+1], strings.TrimSpace(strings.TrimLeft(p[end+1:], ".;:"))
	if rest == "" || len(strings.Fields(aside)) < 4 {
		return "", p, false
	}
	return aside, rest, true
}

// noteReason names why an editorial note makes an item skippable.
func noteReason(note string) string {
	if hasDupWord(note) || strings.Contains(strings.ToLower(note), "already") {
		if ref := findRef(note); ref != "" {
			n, _ := strconv.Atoi(ref)
			return fmt.Sprintf("duplicate of item %d", n)
		}
		return "duplicate"
	}
	return "editorial note only"
}

// ImportNotes reads Q&A notes (see docs/banks.md for the shapes it
// recognizes) and returns a bank with a term guessed from each question, the
// report, or an *Error naming the lines at fault.
func ImportNotes(notes []byte, opts ImportOptions) (*Bank, *Report, error) {
	return importNotes(notes, opts, true)
}

// importNotes is ImportNotes; warnTerms says whether to warn about guessed
// terms (not when an overlay will replace them).
func importNotes(notes []byte, opts ImportOptions, warnTerms bool) (*Bank, *Report, error) {
	entries, title, rep, err := importEntries(notes)
	if err != nil {
		return nil, nil, err
	}
	if opts.IDPrefix == "" {
		opts.IDPrefix = "item"
	}
	if opts.Title == "" {
		opts.Title = title
	}
	if opts.Title == "" {
		opts.Title = "Imported notes"
	}
	if opts.Category == "" {
		opts.Category = "General"
	}
	b := &Bank{Version: Version, Title: opts.Title, Items: []Item{}}
	ids := assignIDs(entries, opts.IDPrefix)
	for i, e := range entries {
		if e.skip != "" {
			continue
		}
		term, aliases, sure := guessTerm(e.question)
		if e.front {
			term, aliases, sure = flashcardTerm(e.question)
		}
		term, aliases = capitalize(unquote(term)), unquoteAll(aliases)
		if term == "" {
			term = "Untitled"
		}
		if warnTerms {
			switch {
			case !sure:
				rep.Warnings = append(rep.Warnings, Problem{Line: e.line, Message: fmt.Sprintf("question %d: term %q guessed from the question; review it", e.num, term)})
			case fragment(term):
				rep.Warnings = append(rep.Warnings, Problem{Line: e.line, Message: fmt.Sprintf("question %d: term %q looks like a fragment of the question; review it", e.num, term)})
			case !mentions(e.answer, append([]string{term}, aliases...)...) && !mentions(e.answer, stemmedNames(term)...) && !AnswerDescribes(term, aliases, e.answer):
				// An answer that describes its term without naming it (a
				// flashcard's back) is the question's clue as is.
				rep.Warnings = append(rep.Warnings, Problem{Line: e.line, Message: fmt.Sprintf("question %d: term %q does not occur in its answer, and the answer's first sentence cannot be its clue (it uses a word of the term, says too little or is over %d words); start the answer with %q or reword it", e.num, term, clueWords, term+" is")})
			}
		}
		cat := e.section
		if cat == "" {
			cat = opts.Category
		}
		it := Item{ID: ids[i], Question: tidy(e.question, MaxQuestionLen, "Untitled question"), Answer: tidy(e.answer, MaxAnswerLen, ""),
			Term: tidy(term, MaxTermLen, "Untitled"), Aliases: tidyAliases(term, aliases), Category: tidy(cat, MaxTermLen, "General")}
		if it.Answer == "" {
			rep.Skipped = append(rep.Skipped, Skipped{Number: e.num, Line: e.line, Question: e.question, Reason: "empty answer"})
			continue
		}
		if len(b.Items) == MaxItems {
			return nil, rep, errorf(CodeTooLarge, "the notes hold more than %d questions", MaxItems)
		}
		b.Items = append(b.Items, it)
		rep.Kept = append(rep.Kept, Kept{Number: e.num, Line: e.line, ID: it.ID, Question: it.Question})
	}
	if len(b.Items) == 0 {
		return nil, rep, &Error{Code: CodeNoQuestions, Message: "no question with a usable answer: every question was skipped", Problems: skipProblems(rep)}
	}
	return b, rep, nil
}

func skipProblems(rep *Report) []Problem {
	var ps problemList
	for _, s := range rep.Skipped {
		if ps.len() >= maxProblems {
			ps.omitted++ // no message built for what is not shown
			continue
		}
		ps.add(Problem{Line: s.Line, Message: fmt.Sprintf("question %d skipped: %s", s.Number, s.Reason)})
	}
	return ps.problems("skipped question(s)")
}

// cleanEntry is an entry after cleaning: its answer, or why it is skipped.
type cleanEntry struct {
	num, line int
	question  string
	answer    string
	section   string
	skip      string
	front     bool
}

func importEntries(notes []byte) ([]cleanEntry, string, *Report, error) {
	if err := checkInput(notes); err != nil {
		return nil, "", nil, err
	}
	raw, title, warnings := parseNotes(string(notes))
	if tsv, tsvWarnings, ok := parseTSV(notes); ok {
		raw, title, warnings = tsv, "", tsvWarnings
	}
	if len(raw) == 0 {
		return nil, "", nil, errorf(CodeNoQuestions, "no recognizable questions: expected numbered questions with \"Answer:\", \"Q:\"/\"A:\" pairs or \"##\" headings (see docs/banks.md)")
	}
	rep := &Report{Skipped: []Skipped{}, Kept: []Kept{}, Warnings: warnings}
	var missing problemList
	seenQ := map[string]int{}
	seenA := map[string]int{}
	out := make([]cleanEntry, 0, len(raw))
	for i, e := range raw {
		if e.num == 0 {
			e.num = i + 1
		}
		c := cleanEntry{num: e.num, line: e.line, question: e.question, section: e.section, front: e.front}
		if !e.answerLabel && len(e.paras) == 0 {
			if missing.len() < maxProblems {
				missing.add(Problem{Line: e.line, Message: fmt.Sprintf("question %d %q has no answer", e.num, shorten(e.question, 60))})
			} else {
				missing.omitted++
			}
			out = append(out, c)
			continue
		}
		skip := func(reason, note string) {
			c.skip = reason
			rep.Skipped = append(rep.Skipped, Skipped{Number: e.num, Line: e.line, Question: e.question, Reason: reason, Note: note})
		}
		paras := e.paras
		switch {
		case len(paras) == 0:
			skip("empty answer", "")
		case !paras[0].code && editorial(paras[0].text):
			skip(noteReason(paras[0].text), paras[0].text)
			if len(paras) > 1 {
				rep.Warnings = append(rep.Warnings, Problem{Line: paras[1].line, Message: fmt.Sprintf("commentary after the editorial note of question %d ignored", e.num) + spanNote([]int{paras[1].line, paras[len(paras)-1].line})})
			}
		}
		if c.skip == "" {
			var kept []string
			for j, p := range paras {
				text := p.text
				if p.code {
					kept = append(kept, text)
					continue
				}
				if j == 0 {
					if aside, rest, ok := leadingAside(text); ok {
						rep.Warnings = append(rep.Warnings, Problem{Line: p.line, Message: fmt.Sprintf("editorial aside removed from question %d: %q", e.num, shorten(aside, 80))})
						text = rest
					}
				} else if editorial(text) {
					rep.Warnings = append(rep.Warnings, Problem{Line: p.line, Message: fmt.Sprintf("editorial note removed from question %d: %q", e.num, shorten(text, 80))})
					continue
				}
				if refs := reCrossRef.FindAllString(text, -1); len(refs) > 0 {
					text = stripCrossRefs(text)
					rep.Warnings = append(rep.Warnings, Problem{Line: p.line, Message: fmt.Sprintf("reference to the notes' numbering removed from question %d: %s", e.num, strings.Join(refs, ", "))})
				}
				kept = append(kept, text)
			}
			c.answer = strings.Join(kept, "\n\n")
			qk, ak := normalize(e.question), normalize(c.answer)
			if n, dup := seenQ[qk]; dup && qk != "" {
				skip(fmt.Sprintf("duplicate of item %d", n), "")
			} else if n, dup := seenA[ak]; dup && ak != "" {
				skip(fmt.Sprintf("duplicate of item %d", n), "")
			} else {
				seenQ[qk], seenA[ak] = e.num, e.num
			}
		}
		out = append(out, c)
	}
	if missing.len() > 0 {
		return nil, "", nil, &Error{Code: CodeMissingAnswer, Message: fmt.Sprintf("%d question(s) have no answer", missing.len()), Problems: missing.problems("question(s) with no answer")}
	}
	return out, title, rep, nil
}

// stripCrossRefs removes "(see Q23)" and "(see next question)": the
// numbering they point at means nothing in a game.
func stripCrossRefs(text string) string {
	text = reCrossRef.ReplaceAllString(text, "")
	// The reference may have stood before punctuation: "problems (see Q2)."
	for _, p := range []string{" .", " ,", " ;", " :"} {
		text = strings.ReplaceAll(text, p, p[1:])
	}
	for strings.Contains(text, "  ") {
		text = strings.ReplaceAll(text, "  ", " ")
	}
	return strings.TrimSpace(text)
}

// unquote strips the quotes and backticks notes put around a term
// (“Eventual consistency”, `fs.readFile`): no player types them.
func unquote(s string) string {
	s = strings.NewReplacer("`", "", "“", "", "”", "", "‘", "", "’", "'", "\"", "").Replace(s)
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "'"))
}

func unquoteAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if u := unquote(s); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// fragmentWords end (or start) a guessed term that was cut out of a longer
// question: "StatefulSet (and", "Difference between TCP".
var fragmentStarts = []string{"difference between", "differences between", "difference", "how", "why", "when", "which", "compare", "pros and cons"}
var fragmentEnds = map[string]bool{"and": true, "or": true, "vs": true, "versus": true, "of": true, "the": true, "a": true, "an": true,
	"to": true, "in": true, "with": true, "between": true, "for": true, "from": true, "is": true, "are": true}

// fragment reports whether a guessed term looks cut out of its question.
func fragment(term string) bool {
	if strings.Count(term, "(") != strings.Count(term, ")") {
		return true
	}
	lower := strings.ToLower(term)
	for _, p := range fragmentStarts {
		if strings.HasPrefix(lower, p+" ") || lower == p {
			return true
		}
	}
	f := strings.Fields(strings.Trim(lower, " ,;:("))
	return len(f) > 0 && fragmentEnds[f[len(f)-1]]
}

// stemmedNames lets "Caching" match an answer that says "cache".
func stemmedNames(term string) []string {
	n := normalize(term)
	var out []string
	for _, suf := range []string{"ing", "s", "es", "ation"} {
		if strings.HasSuffix(n, suf) && len(n) > len(suf)+2 {
			out = append(out, strings.TrimSuffix(n, suf))
		}
	}
	return out
}

// flashcardTerm is the term of a flashcard's front: the front itself when
// it names a term ("Mutex"), else what guessTerm makes of a question.
func flashcardTerm(front string) (string, []string, bool) {
	if !strings.ContainsAny(front, "?") && len(strings.Fields(front)) <= 6 {
		t, aliases, _ := guessTerm(front)
		return t, aliases, true
	}
	return guessTerm(front)
}

func assignIDs(entries []cleanEntry, prefix string) []string {
	ids := make([]string, len(entries))
	seen := map[int]bool{}
	unique := true
	for _, e := range entries {
		if seen[e.num] {
			unique = false
		}
		seen[e.num] = true
	}
	for i, e := range entries {
		n := e.num
		if !unique {
			n = i + 1
		}
		ids[i] = fmt.Sprintf("%s-%03d", prefix, n)
	}
	return ids
}

// reWhatDoes runs only on questions mayBeWhatDoes lets through; the other
// shapes guessTerm knows are matched by hand (lines.go).
var reWhatDoes = regexp.MustCompile(`(?i)^what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(.+?)\s+(?:mean|stand for|do)\b.*$`)

// guessTerm derives the term a question asks about: "What is a database
// index and why is it used?" gives "Database index". sure is false when the
// question does not have a "What is X" shape.
func guessTerm(q string) (term string, aliases []string, sure bool) {
	q = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(q), "?.!:"))
	var rest string
	var m []string
	if mayBeWhatDoes(q) {
		m = reWhatDoes.FindStringSubmatch(q)
	}
	switch {
	case m != nil:
		rest, sure = m[1], true
	case !strings.Contains(q, "\n") && matchLeadOK(q, leadWhatIs, &rest):
		sure = true
	case !strings.Contains(q, "\n") && matchLeadOK(q, leadDefine, &rest):
		sure = true
	case !strings.ContainsAny(q, "?") && len(strings.Fields(q)) <= 6:
		rest, sure = q, true // a heading naming the term
	default:
		rest = q
	}
	if sure {
		if m := findParen(rest); m != nil {
			inner := strings.TrimSpace(m[1])
			rest = strings.Replace(rest, m[0], "", 1)
			if !strings.ContainsAny(inner, ",;") && len(strings.Fields(inner)) <= 4 {
				aliases = append(aliases, inner)
			}
		}
		rest = cutClause(rest)
	}
	term = clip(capitalize(strings.TrimSpace(rest)), MaxTermLen)
	if term == "" {
		term, sure = clip(capitalize(q), MaxTermLen), false
	}
	if term == "" {
		term = "Untitled"
	}
	for i, a := range aliases {
		if normalize(a) == normalize(term) {
			aliases = append(aliases[:i], aliases[i+1:]...)
			break
		}
	}
	if aliases == nil {
		aliases = []string{}
	}
	return term, aliases, sure
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	// Keep words like "iPhone" or "gRPC" as written.
	if w := strings.Fields(s)[0]; strings.IndexFunc(w[n:], unicode.IsUpper) >= 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// clip cuts s to at most max runes (without adding an ellipsis).
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:max]))
}

// shorten cuts s to at most max runes, at a word boundary, with "…".
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	if i := strings.LastIndex(string(r), " "); i > len(string(r))/2 {
		return strings.TrimRight(string(r)[:i], " ,;:") + "…"
	}
	return string(r) + "…"
}

// tidy makes s a valid bank field: trimmed, at most max runes, else def.
func tidy(s string, max int, def string) string {
	s = strings.TrimSpace(clip(strings.TrimSpace(s), max))
	if s == "" {
		return def
	}
	return s
}

func tidyAliases(term string, aliases []string) []string {
	out := []string{}
	seen := map[string]bool{normalize(term): true}
	for _, a := range aliases {
		a = tidy(a, MaxTermLen, "")
		if k := normalize(a); a != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// parseTSV reads a two-column tab-separated export (front<TAB>back), as
// flashcard apps write it: ok is false unless every record has a tab.
// Lines starting with '#' before the first card are the app's header
// ("#separator:tab"). Quoted fields may hold tabs and line breaks
// (encoding/csv reads them, the stdlib's own reader rather than ours).
func parseTSV(data []byte) ([]*entry, []Problem, bool) {
	body := data
	line := 1
	for len(body) > 0 && body[0] == '#' {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			return nil, nil, false
		}
		body, line = body[i+1:], line+1
	}
	if !bytes.Contains(body, []byte("\t")) {
		return nil, nil, false
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = '\t'
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var entries []*entry
	var warnings []Problem
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, false
		}
		at, _ := r.FieldPos(0)
		if len(rec) < 2 {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			return nil, nil, false // a line with no tab: not a TSV export
		}
		front, back := cardText(rec[0]), cardText(rec[1])
		n := at + line - 1
		if len(rec) > 2 && strings.Join(rec[2:], "") != "" {
			warnings = append(warnings, Problem{Line: n, Message: fmt.Sprintf("columns after the second ignored (%d columns)", len(rec))})
		}
		if front == "" {
			warnings = append(warnings, Problem{Line: n, Message: "card with an empty front ignored"})
			continue
		}
		e := &entry{num: len(entries) + 1, line: n, question: front, answerLabel: true, front: true}
		if back != "" {
			e.paras = []para{{line: n, text: back}}
		}
		entries = append(entries, e)
	}
	return entries, warnings, len(entries) > 0
}

// cardText turns a flashcard field into plain text: the line breaks
// flashcard apps write as HTML become real ones.
func cardText(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
	return strings.TrimSpace(s)
}

// MarshalJSON writes every list of the report as a JSON array, empty when
// there is nothing in it: clients read .length without checking for null.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	p := plain(r)
	if p.Kept == nil {
		p.Kept = []Kept{}
	}
	if p.Skipped == nil {
		p.Skipped = []Skipped{}
	}
	if p.Warnings == nil {
		p.Warnings = []Problem{}
	}
	return json.Marshal(p)
}
