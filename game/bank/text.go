package bank

import (
	"regexp"
	"strings"
	"unicode"
)

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Mask is what replaces the term and its aliases in prompts and options.
const Mask = "___"

var abbreviations = []string{"e.g", "i.e", "etc", "vs", "approx", "incl", "mr", "dr", "no", "fig"}

// sentences splits prose into sentences, keeping "e.g." and "fs.readFile()"
// inside their sentence.
func sentences(text string) []string {
	var out []string
	rs := []rune(strings.Join(strings.Fields(text), " "))
	start := 0
	for i := 0; i < len(rs); i++ {
		if rs[i] != '.' && rs[i] != '!' && rs[i] != '?' {
			continue
		}
		if i+2 >= len(rs) || rs[i+1] != ' ' {
			continue
		}
		next := rs[i+2]
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"“(‘'", next) {
			continue
		}
		if rs[i] == '.' {
			word := strings.ToLower(lastWord(string(rs[start:i])))
			if isAbbrev(word) {
				continue
			}
		}
		out = append(out, strings.TrimSpace(string(rs[start:i+1])))
		start = i + 2
	}
	if tail := strings.TrimSpace(string(rs[start:])); tail != "" {
		out = append(out, tail)
	}
	return out
}

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return r == ' ' || r == '(' })
	return s[i+1:]
}

func isAbbrev(w string) bool {
	for _, a := range abbreviations {
		if w == a {
			return true
		}
	}
	return len([]rune(w)) == 1 && w != "" && unicode.IsLetter([]rune(w)[0])
}

// masker hides a set of names (a term and its aliases) in text, matching
// them case-insensitively as whole words, with any punctuation between their
// words and an optional plural ending.
type masker struct{ re *regexp.Regexp }

func newMasker(names ...string) masker {
	var alts []string
	for _, n := range names {
		words := strings.FieldsFunc(strings.ToLower(n), func(r rune) bool { return !isWordRune(r) })
		if len(words) == 0 {
			continue
		}
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		alts = append(alts, strings.Join(words, `[\s\-/.+’'_]{1,2}`))
	}
	if len(alts) == 0 {
		return masker{}
	}
	// Longest first so "Node.js event loop" wins over "Node.js".
	sortByLenDesc(alts)
	return masker{re: regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)(?:e?s|’s|'s)?`)}
}

func sortByLenDesc(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && len(ss[j]) > len(ss[j-1]); j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

var reArticleMask = regexp.MustCompile(`\b([Aa])n? ` + regexp.QuoteMeta(Mask))

func (m masker) mask(text string) string {
	if m.re == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, loc := range m.re.FindAllStringIndex(text, -1) {
		if loc[0] < last {
			continue
		}
		before, _ := lastRune(text[:loc[0]])
		after, _ := firstRune(text[loc[1]:])
		if isWordRune(before) || isWordRune(after) {
			continue
		}
		b.WriteString(text[last:loc[0]])
		b.WriteString(Mask)
		last = loc[1]
	}
	b.WriteString(text[last:])
	out := b.String()
	// "An ___" would hint at a vowel.
	return reArticleMask.ReplaceAllString(out, "${1}(n) "+Mask)
}

func lastRune(s string) (rune, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return ' ', false
	}
	return rs[len(rs)-1], true
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return ' ', false
}

// mentions reports whether text names any of names as whole words, the way
// a player would read it (case, punctuation and spacing ignored).
func mentions(text string, names ...string) bool {
	t := " " + normalize(text) + " "
	for _, n := range names {
		if k := normalize(n); k != "" && strings.Contains(t, " "+k+" ") {
			return true
		}
	}
	return false
}
