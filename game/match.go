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

// MatchTyped reports whether text is an accepted answer: its normalized form
// is within Tolerance edits of the normalized form of any entry of accept.
func MatchTyped(text string, accept []string) bool {
	got := []rune(NormalizeTyped(text))
	if len(got) == 0 {
		return false
	}
	for _, a := range accept {
		want := []rune(NormalizeTyped(a))
		if len(want) == 0 {
			continue
		}
		if withinDistance(got, want, Tolerance(len(want))) {
			return true
		}
	}
	return false
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
