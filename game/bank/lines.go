package bank

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The line shapes below were regular expressions; they are matched by hand
// because classify runs on every line of up to 2 MiB of notes, and each
// regexp match that misses the regexp package's pool (always under -race,
// where sync.Pool drops items) allocates a 32 KiB backtracking state: about
// 2,000x the input in total. Each matcher states the expression it
// implements; lines_test.go checks them against it.

// isSpaceRE reports whether c is in the regexp class \s, [\t\n\f\r ].
func isSpaceRE(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// skipSpaceRE returns the index of the first byte of s at or after i not in \s.
func skipSpaceRE(s string, i int) int {
	for i < len(s) && isSpaceRE(s[i]) {
		i++
	}
	return i
}

// skipEmphasis returns i past a "**" or "__" at s[i], else i.
func skipEmphasis(s string, i int) int {
	if strings.HasPrefix(s[i:], "**") || strings.HasPrefix(s[i:], "__") {
		return i + 2
	}
	return i
}

// digitRun returns the end of the run of ASCII digits starting at i.
func digitRun(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// restAfterSpace is the regexp tail `\s*(.+)$` applied at s[i:] when s has
// no newline: the text after the spaces, or, when only spaces remain, the
// last space (which .+ takes back). from is where the \s* may start giving
// back from; ok is false when nothing is left for .+.
func restAfterSpace(s string, from, i int) (string, bool) {
	if i < len(s) {
		return s[i:], true
	}
	if i > from {
		return s[i-1:], true
	}
	return "", false
}

// matchHeading is `^(#{1,6})\s+(.*?)\s*#*$`: the level and the text.
func matchHeading(s string) (level int, text string, ok bool) {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n < 1 || n > 6 || n == len(s) || !isSpaceRE(s[n]) {
		return 0, "", false
	}
	rest := s[skipSpaceRE(s, n):]
	rest = strings.TrimRight(rest, "#")
	rest = strings.TrimRightFunc(rest, func(r rune) bool { return r < utf8.RuneSelf && isSpaceRE(byte(r)) })
	return n, rest, true
}

// matchHeadNum is `^(?:Q\s*)?(\d{1,4})\s*[.):]\s*(.+)$`.
func matchHeadNum(s string) (num, text string, ok bool) {
	try := func(i int) (string, string, bool) {
		d := digitRun(s, i)
		if d == i || d-i > 4 {
			return "", "", false
		}
		p := skipSpaceRE(s, d)
		if p == len(s) || !strings.ContainsRune(".):", rune(s[p])) {
			return "", "", false
		}
		rest, ok := restAfterSpace(s, p+1, skipSpaceRE(s, p+1))
		return s[i:d], rest, ok
	}
	if strings.HasPrefix(s, "Q") {
		if num, text, ok = try(skipSpaceRE(s, 1)); ok {
			return num, text, true
		}
	}
	return try(0)
}

// matchAnswer is
// `^(?:\*\*|__)?(?:Answer|ANSWER|Ans|A)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.*)$`,
// returning the captured text.
func matchAnswer(s string) (string, bool) {
	start := skipEmphasis(s, 0)
	for _, word := range []string{"Answer", "ANSWER", "Ans", "A"} {
		if !strings.HasPrefix(s[start:], word) {
			continue
		}
		p := skipSpaceRE(s, skipEmphasis(s, start+len(word)))
		var colon int
		switch {
		case strings.HasPrefix(s[p:], ":"):
			colon = 1
		case strings.HasPrefix(s[p:], "："):
			colon = len("：")
		default:
			continue
		}
		p = skipSpaceRE(s, skipEmphasis(s, skipSpaceRE(s, p+colon)))
		return s[p:], true
	}
	return "", false
}

// matchQLabel is
// `^(?:\*\*|__)?(?:Question|QUESTION|Q)\s*(\d{0,4})\s*[:.)：]\s*(?:\*\*|__)?\s*(.+)$`.
func matchQLabel(s string) (num, text string, ok bool) {
	start := skipEmphasis(s, 0)
	for _, word := range []string{"Question", "QUESTION", "Q"} {
		if !strings.HasPrefix(s[start:], word) {
			continue
		}
		i := skipSpaceRE(s, start+len(word))
		d := digitRun(s, i)
		if d-i > 4 {
			continue
		}
		p := skipSpaceRE(s, d)
		switch {
		case p < len(s) && strings.ContainsRune(":.)", rune(s[p])):
			p++
		case strings.HasPrefix(s[p:], "："):
			p += len("：")
		default:
			continue
		}
		ws1 := skipSpaceRE(s, p)
		em := skipEmphasis(s, ws1)
		ws2 := skipSpaceRE(s, em)
		switch {
		case ws2 < len(s):
			text = s[ws2:]
		case ws2 > em:
			text = s[ws2-1:]
		case em > ws1:
			text = s[ws1:] // .+ takes the emphasis back
		case ws1 > p:
			text = s[ws1-1:]
		default:
			continue
		}
		return s[i:d], text, true
	}
	return "", "", false
}

// matchNumbered is `^(?:\*\*|__)?(\d{1,4})[.)]\s+(.+)$`.
func matchNumbered(s string) (num, text string, ok bool) {
	i := skipEmphasis(s, 0)
	d := digitRun(s, i)
	if d == i || d-i > 4 || d == len(s) || (s[d] != '.' && s[d] != ')') {
		return "", "", false
	}
	if d+1 == len(s) || !isSpaceRE(s[d+1]) {
		return "", "", false
	}
	text, ok = restAfterSpace(s, d+2, skipSpaceRE(s, d+1))
	return s[i:d], text, ok
}

// foldWord is `(?i)word` at the start of s (simple Unicode case folding, as
// the regexp package does: "iſ" is "is"), returning the rest of s.
func foldWord(s, word string) (string, bool) {
	for _, w := range word {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || !equalFoldRune(r, w) {
			return "", false
		}
		s = s[n:]
	}
	return s, true
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// matchLead is `(?i)^(?:LEADS)\s+(?:an?\s+|the\s+)?(.+)$` for LEADS a list
// of word sequences (each word followed by \s+), on s with no newline and
// no trailing space (a trimmed question).
func matchLead(s string, leads [][]string) (string, bool) {
	for _, lead := range leads {
		rest, ok := s, true
		for _, w := range lead {
			if rest, ok = foldWord(rest, w); !ok {
				break
			}
			if rest == "" || !isSpaceRE(rest[0]) {
				ok = false
				break
			}
			rest = rest[skipSpaceRE(rest, 0):]
		}
		if !ok {
			continue
		}
		for _, article := range []string{"an", "a", "the"} {
			if after, ok := foldWord(rest, article); ok && after != "" && isSpaceRE(after[0]) {
				if t := after[skipSpaceRE(after, 0):]; t != "" {
					return t, true
				}
			}
		}
		if rest != "" {
			return rest, true
		}
	}
	return "", false
}

var (
	leadWhatIs = [][]string{
		{"what", "is"}, {"what", "are"}, {"what", "was"}, {"what", "were"},
		{"who", "is"}, {"who", "are"}, {"who", "was"}, {"who", "were"},
	}
	leadDefine = [][]string{{"define"}, {"explain"}, {"describe"}}
)

// mayBeWhatDoes is a cheap necessary condition for reWhatDoes, so the
// regexp runs only on questions of that shape.
func mayBeWhatDoes(q string) bool {
	rest, ok := foldWord(q, "what")
	if !ok || rest == "" || !isSpaceRE(rest[0]) {
		return false
	}
	_, ok = foldWord(rest[skipSpaceRE(rest, 0):], "do")
	return ok
}

// matchLeadOK is matchLead storing the capture in *rest.
func matchLeadOK(s string, leads [][]string, rest *string) bool {
	t, ok := matchLead(s, leads)
	if ok {
		*rest = t
	}
	return ok
}

// findParen is reParen.FindStringSubmatch, `\s*\(([^()]{1,40})\)`: the
// first parenthesis holding 1 to 40 characters and no parenthesis, with the
// spaces before it.
func findParen(s string) []string {
	for k := 0; k < len(s); k++ {
		if s[k] != '(' {
			continue
		}
		n, j := 0, k+1
		for j < len(s) && s[j] != '(' && s[j] != ')' && n <= 40 {
			_, w := utf8.DecodeRuneInString(s[j:])
			j += w
			n++
		}
		if j == len(s) || s[j] != ')' || n < 1 || n > 40 {
			continue
		}
		start := k
		for start > 0 && isSpaceRE(s[start-1]) {
			start--
		}
		return []string{s[start : j+1], s[k+1 : j]}
	}
	return nil
}

var cutWords = []string{"and", "in", "on", "for", "when", "where", "why", "how", "with", "vs.", "vs", "versus", "or"}

// cutClause is reCut.ReplaceAllString(s, "") on s with no newline, reCut
// being `(?i)\s+(?:and|in|on|for|when|where|why|how|with|vs\.?|versus|or)\s+.*$|,.*$`:
// s up to its first comma or first spaced joining word.
func cutClause(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i]
		}
		if !isSpaceRE(s[i]) || (i > 0 && isSpaceRE(s[i-1])) {
			continue
		}
		word := s[skipSpaceRE(s, i):]
		for _, w := range cutWords {
			if after, ok := foldWord(word, w); ok && after != "" && isSpaceRE(after[0]) {
				return s[:i]
			}
		}
	}
	return s
}

// isWordRE reports whether r is a regexp word character, [0-9A-Za-z_],
// which is what \b looks at.
func isWordRE(r rune) bool {
	return r < utf8.RuneSelf && (isDigit(byte(r)) || r == '_' || ('a' <= r|0x20 && r|0x20 <= 'z'))
}

// boundaryAt is \b between s[:i] and s[i:].
func boundaryAt(s string, i int) bool {
	before, after := false, false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		before = isWordRE(r)
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		after = isWordRE(r)
	}
	return before != after
}

var dupWords = []string{"duplicate", "duplicates", "dup", "covered", "merged", "already answered", "same as", "see", "repeat", "repeats"}

// hasDupWord is reDupWord.MatchString, reDupWord being
// `(?i)\b(duplicate|duplicates|dup|covered|merged|already answered|same as|see|repeat|repeats)\b`.
func hasDupWord(s string) bool {
	for i := 0; i < len(s); {
		if boundaryAt(s, i) {
			for _, w := range dupWords {
				if after, ok := foldWord(s[i:], w); ok && boundaryAt(s, len(s)-len(after)) {
					return true
				}
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}

// findRef is reRef's first submatch, reRef being
// `(?i)(?:\bQ\s*|#|\bquestions?\s+|\bitems?\s+|\bno\.\s*)(\d{1,4})\b`:
// the number of the first reference to another question, "" if none.
func findRef(s string) string {
	number := func(j int) string {
		d := digitRun(s, j)
		if d == j || d-j > 4 || !boundaryAt(s, d) {
			return ""
		}
		return s[j:d]
	}
	spaced := func(rest string, atLeastOne bool) string {
		j := len(s) - len(rest)
		k := skipSpaceRE(s, j)
		if atLeastOne && k == j {
			return ""
		}
		return number(k)
	}
	for i := 0; i < len(s); {
		b := boundaryAt(s, i)
		if rest, ok := foldWord(s[i:], "q"); ok && b {
			if n := spaced(rest, false); n != "" {
				return n
			}
		}
		if s[i] == '#' {
			if n := number(i + 1); n != "" {
				return n
			}
		}
		for _, w := range [][2]string{{"questions", "question"}, {"items", "item"}} {
			if !b {
				break
			}
			for _, form := range w {
				if rest, ok := foldWord(s[i:], form); ok {
					if n := spaced(rest, true); n != "" {
						return n
					}
				}
			}
		}
		if rest, ok := foldWord(s[i:], "no."); ok && b {
			if n := spaced(rest, false); n != "" {
				return n
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return ""
}
