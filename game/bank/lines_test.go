package bank

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The regular expressions the hand-written matchers of lines.go replace:
// the matchers must agree with them on every line.
var (
	oracleAnswer   = regexp.MustCompile(`^(?:\*\*|__)?(?:Answer|ANSWER|Ans|A)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.*)$`)
	oracleQLabel   = regexp.MustCompile(`^(?:\*\*|__)?(?:Question|QUESTION|Q)\s*(\d{0,4})\s*[:.)：]\s*(?:\*\*|__)?\s*(.+)$`)
	oracleNumbered = regexp.MustCompile(`^(?:\*\*|__)?(\d{1,4})[.)]\s+(.+)$`)
	oracleHeading  = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	oracleHeadNum  = regexp.MustCompile(`^(?:Q\s*)?(\d{1,4})\s*[.):]\s*(.+)$`)
	oracleWhatIs   = regexp.MustCompile(`(?i)^(?:what|who)\s+(?:is|are|was|were)\s+(?:an?\s+|the\s+)?(.+)$`)
	oracleDefine   = regexp.MustCompile(`(?i)^(?:define|explain|describe)\s+(?:an?\s+|the\s+)?(.+)$`)
	oracleCut      = regexp.MustCompile(`(?i)\s+(?:and|in|on|for|when|where|why|how|with|vs\.?|versus|or)\s+.*$|,.*$`)
	oracleParen    = regexp.MustCompile(`\s*\(([^()]{1,40})\)`)
	oracleRef      = regexp.MustCompile(`(?i)(?:\bQ\s*|#|\bquestions?\s+|\bitems?\s+|\bno\.\s*)(\d{1,4})\b`)
	oracleDupWord  = regexp.MustCompile(`(?i)\b(duplicate|duplicates|dup|covered|merged|already answered|same as|see|repeat|repeats)\b`)
)

// oracleClassify is classify as it was written with the regular expressions.
func oracleClassify(n int, raw string) noteLine {
	s := strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
	l := noteLine{n: n, kind: lineText, text: s}
	if s == "" {
		l.kind = lineBlank
		return l
	}
	if m := oracleHeading.FindStringSubmatch(s); m != nil {
		l.kind, l.level, l.text = lineHeading, len(m[1]), stripEmphasis(m[2])
		if hm := oracleHeadNum.FindStringSubmatch(l.text); hm != nil {
			l.num, _ = strconv.Atoi(hm[1])
			l.text = strings.TrimSpace(hm[2])
		}
		return l
	}
	if m := oracleAnswer.FindStringSubmatch(s); m != nil {
		l.kind, l.text = lineAnswer, strings.TrimSpace(m[1])
		return l
	}
	if m := oracleQLabel.FindStringSubmatch(s); m != nil {
		l.kind, l.text = lineQLabel, stripEmphasis(strings.TrimSuffix(strings.TrimSpace(m[2]), "**"))
		l.num, _ = strconv.Atoi(m[1])
		return l
	}
	if m := oracleNumbered.FindStringSubmatch(s); m != nil {
		l.kind, l.text = lineNumbered, stripEmphasis(strings.TrimSuffix(strings.TrimSpace(m[2]), "**"))
		l.num, _ = strconv.Atoi(m[1])
		return l
	}
	return l
}

var lineMatcherSeeds = []string{
	"## Q?", "# Title", "####### seven", "##", "## #", "## a # #", "##\tx ##", "### 1. What?", "## Q 12) x", "## Q1:", "## 12345. x",
	"Answer: x", "**Answer:** x", "__A__ ： y", "A:", "A: **", "A:\u00a0**x", "Ans: z", "ANSWER :  ** w", "An: x", "Answerx: y", "A**: x",
	"Q: a?", "Q1. x", "Question 3: y", "QUESTION12345: z", "Q: **", "Q:  **  ", "**Q 7) x**", "Questions: x", "Q12 :", "Q：x",
	"1. What is X?", "1.  ", "12) x", "12345. x", "**3. x**", "1.x", "1.\t\ty", "- item", "",
	"What is X", "what iſ a  database index", "Who were the Beatles", "What is a", "What is an", "What are the  x", "WHAT IS THE",
	"Define an API gateway", "Explain the event loop", "describe x", "What does ACID stand for", "what do you mean",
	"Database index and why", "x, y", "a  vs. b", "a vs b", "a\tOR b", "a ands b", "x (y) z", "x ((y)", "x ( ) (abc)", "x  (" + strings.Repeat("é", 40) + ")", "x (" + strings.Repeat("a", 41) + ")",
	"\xff(\xfe)", "(\x80) \xc3",
	"(Duplicate of Q23; skip.)", "(Covered by Q56.)", "see question 12", "Same as #7", "dup of item 3x", "xſee it", "duplicated", "q 12345", "Q1a Q2",
	"no. 5", "No.12", "questionss 5", "questions\t9", "itemS 4_", "alreadyanswered", "already  answered", "merged into #", "#12é", "Q\u212a 5",
}

func checkLineMatchers(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, "\n") {
		return // lines never hold a newline
	}
	if got, want := classify(1, s), oracleClassify(1, s); got != want {
		t.Errorf("classify(%q) = %+v, regexp gives %+v", s, got, want)
	}
	if _, _, got := matchNumbered(s); got != oracleNumbered.MatchString(s) {
		t.Errorf("matchNumbered(%q) = %v, regexp gives %v", s, got, !got)
	}
	q := strings.TrimSpace(s)
	for _, c := range []struct {
		re    *regexp.Regexp
		leads [][]string
	}{{oracleWhatIs, leadWhatIs}, {oracleDefine, leadDefine}} {
		got, ok := matchLead(q, c.leads)
		var want string
		m := c.re.FindStringSubmatch(q)
		if m != nil {
			want = m[1]
		}
		if ok != (m != nil) || got != want {
			t.Errorf("matchLead(%q) = %q, %v; regexp gives %q, %v", q, got, ok, want, m != nil)
		}
	}
	if reWhatDoes.MatchString(q) && !mayBeWhatDoes(q) {
		t.Errorf("mayBeWhatDoes(%q) = false, but reWhatDoes matches", q)
	}
	if got, want := cutClause(s), oracleCut.ReplaceAllString(s, ""); got != want {
		t.Errorf("cutClause(%q) = %q, regexp gives %q", s, got, want)
	}
	if got, want := hasDupWord(s), oracleDupWord.MatchString(s); got != want {
		t.Errorf("hasDupWord(%q) = %v, regexp gives %v", s, got, want)
	}
	wantRef := ""
	if m := oracleRef.FindStringSubmatch(s); m != nil {
		wantRef = m[1]
	}
	if got := findRef(s); got != wantRef {
		t.Errorf("findRef(%q) = %q, regexp gives %q", s, got, wantRef)
	}
	got, want := findParen(s), oracleParen.FindStringSubmatch(s)
	if strings.Join(got, "\x00") != strings.Join(want, "\x00") || (got == nil) != (want == nil) {
		t.Errorf("findParen(%q) = %q, regexp gives %q", s, got, want)
	}
}

func TestLineMatchersAgreeWithRegexps(t *testing.T) {
	for _, s := range lineMatcherSeeds {
		checkLineMatchers(t, s)
	}
	for _, s := range strings.Split(string(readFile(t, seedPath)), "\n") {
		checkLineMatchers(t, strings.TrimSuffix(s, "\r"))
	}
}

func FuzzLineMatchers(f *testing.F) {
	for _, s := range lineMatcherSeeds {
		f.Add(s)
	}
	f.Fuzz(checkLineMatchers)
}
