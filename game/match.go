package game

import (
	"strings"
	"unicode"
)

// NormalizeTyped reduces a typed answer to what matching compares: lower-case
// letters and digits only, so case, spacing and punctuation never matter
// ("J.W.T." and "jwt" are the same answer).
func NormalizeTyped(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Tolerance is how many edits (insertions, deletions, substitutions) a typed
// answer may be away from an accepted answer of n runes (normalized): none up
// to 4 runes, where one edit turns a word into another ("jwt" vs "jws"), one
// up to 11, two from 12 ("jsonwebtoken"). Two edits on a 10-rune word already
// reach other words ("idempotent" vs "impotent"), hence the high threshold.
func Tolerance(n int) int {
	switch {
	case n <= 4:
		return 0
	case n <= 11:
		return 1
	default:
		return 2
	}
}

// nearTerms are real terms (normalized) a typo away from another real term:
// typing one is a different answer, never a misspelling of the other
// ("http" is not a typo of "https"). Only an exact accepted answer matches
// them.
var nearTerms = map[string]bool{
	"http": true, "https": true, "http1": true, "http11": true, "http2": true, "http3": true,
	"auth": true, "authn": true, "authz": true, "oauth": true, "oauth1": true, "oauth2": true,
	"sql": true, "mysql": true, "nosql": true, "newsql": true,
	"tcp": true, "udp": true, "tls": true, "ssl": true, "ssh": true,
	"cors": true, "csrf": true, "xsrf": true,
	"trace": true, "race": true, "tracing": true, "racing": true,
}

// qualifiers may stand beside an accepted answer without changing what it
// names ("stored XSS", "inner join", "URL versioning"), except these, which
// turn it into its opposite or into nothing.
var notQualifiers = map[string]bool{
	"not": true, "no": true, "non": true, "un": true, "anti": true, "without": true, "never": true,
	"fake": true, "pseudo": true, "false": true, "opposite": true, "reverse": true, "inverse": true,
}

// maxQualifier is the longest extra word accepted beside an accepted answer:
// a short qualifier, not a second term.
const maxQualifier = 12

// genericTails are trailing words of a multi-word accepted answer that
// players leave out, because the words before them name the thing on their
// own ("N+1" for "N+1 query problem", "singleton" for "singleton pattern").
var genericTails = map[string]bool{
	"problem": true, "problems": true, "issue": true, "query": true, "queries": true,
	"pattern": true, "patterns": true, "job": true, "jobs": true, "task": true, "tasks": true,
	"process": true, "processing": true, "approach": true, "technique": true, "method": true,
	"model": true, "principle": true, "mechanism": true, "strategy": true, "style": true,
}

// MatchTyped reports whether text is an accepted answer. In order:
//
//   - its normalized form (NormalizeTyped) equals an accepted answer's;
//   - it is within Tolerance edits of one, unless it is itself a near term,
//     another real answer a typo away ("HTTP" for "HTTPS");
//   - it is an accepted answer, or one stripped of generic trailing words
//     ("N+1" for "N+1 query problem"), with at most one short qualifier
//     word before or after it ("stored XSS" for "XSS", "inner join" for
//     "join"), the rest matched as above; a negation ("non", "not") or a
//     near term as a whole ("reflected XSS") is no qualifier.
//
// Words are separated by spaces, hyphens, underscores and slashes.
func MatchTyped(text string, accept []string) bool {
	return matchLevel(text, accept) != noMatch
}

// How closely a typed answer matches a list: lower is closer.
const (
	exactMatch = iota
	typoMatch
	qualifiedMatch
	noMatch
)

func matchLevel(text string, accept []string) int {
	got := NormalizeTyped(text)
	if got == "" {
		return noMatch
	}
	for _, a := range accept {
		if NormalizeTyped(a) == got {
			return exactMatch
		}
	}
	if nearTerms[got] {
		return noMatch
	}
	for _, a := range accept {
		if typoOf(got, NormalizeTyped(a)) {
			return typoMatch
		}
	}
	words := typedWords(text)
	for _, a := range accept {
		for _, want := range headForms(a) {
			if matchQualified(words, want) {
				return qualifiedMatch
			}
		}
	}
	return noMatch
}

// MatchTypedExcept is MatchTyped, except that an answer is refused when it
// matches an entry of reject (another term of the bank) more closely than
// any accepted answer: "API key" is not "API" with a qualifier when "API
// key" is a term of its own, while "async task" still counts for "async
// job" though "async" names something else too.
func MatchTypedExcept(text string, accept, reject []string) bool {
	la := matchLevel(text, accept)
	if la == noMatch {
		return false
	}
	return len(reject) == 0 || la <= matchLevel(text, reject)
}

// matchQualified reports whether words, with at most one qualifier word
// dropped from either end, are within tolerance of want (normalized).
func matchQualified(words []string, want string) bool {
	if typoOf(strings.Join(words, ""), want) {
		return true
	}
	if len(words) < 2 {
		return false
	}
	for _, drop := range []int{0, len(words) - 1} {
		q := words[drop]
		if notQualifiers[q] || len([]rune(q)) > maxQualifier {
			continue
		}
		rest := words[1:]
		if drop != 0 {
			rest = words[:len(words)-1]
		}
		if typoOf(strings.Join(rest, ""), want) {
			return true
		}
	}
	return false
}

// typoOf reports whether got is want or a typo of it (and not a near term).
func typoOf(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	if got == want {
		return true
	}
	return !nearTerms[got] && withinDistance([]rune(got), []rune(want), Tolerance(len([]rune(want))))
}

// headForms are the normalized forms an accepted answer is matched in: the
// whole, then with its generic trailing words dropped one by one, as long as
// a word is left.
func headForms(accepted string) []string {
	w := typedWords(accepted)
	forms := []string{strings.Join(w, "")}
	for len(w) > 1 && genericTails[w[len(w)-1]] {
		w = w[:len(w)-1]
		forms = append(forms, strings.Join(w, ""))
	}
	return forms
}

// typedWords splits s into normalized words at spaces, hyphens, underscores
// and slashes; words with nothing left after normalizing are dropped.
func typedWords(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '_' || r == '/' || r == '‐' || r == '–' || r == '—'
	})
	out := fields[:0]
	for _, f := range fields {
		if n := NormalizeTyped(f); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// withinDistance reports whether the Levenshtein distance of a and b is at
// most k, giving up early once every cell of a row exceeds k.
func withinDistance(a, b []rune, k int) bool {
	if d := len(a) - len(b); d > k || -d > k {
		return false
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= k
}
