package game

import (
	"strings"
	"testing"
)

func TestMatchTyped(t *testing.T) {
	jwt := []string{"JWT", "JSON Web Token"}
	idem := []string{"idempotency", "idempotent"}
	tests := []struct {
		text   string
		accept []string
		want   bool
	}{
		{"JWT", jwt, true},
		{"jwt", jwt, true},
		{"J.W.T.", jwt, true},
		{" j w t ", jwt, true},
		{"json web token", jwt, true},
		{"JSON-Web-Token!", jwt, true},
		{"jsonwebtokens", jwt, true}, // one edit on a 12-rune answer
		{"json web tokn", jwt, true},
		{"JSON", jwt, false},
		{"JWS", jwt, false}, // short answers must be exact
		{"jw", jwt, false},
		{"web token", jwt, false},
		{"idempotency", idem, true},
		{"Idempotancy", idem, true},
		{"idempotnt", idem, true},
		{"idmpotnt", idem, false},
		{"jsnwebtokn", jwt, true}, // two edits on 12 runes
		{"impotent", idem, false},
		{"", jwt, false},
		{"...", jwt, false},
		{"Äpfel", []string{"äpfel"}, true},
		{"cache", []string{"cash"}, false},
		{"cachr", []string{"cache"}, true}, // five runes tolerate one edit
		{"caxhr", []string{"cache"}, false},
		{"raft", []string{"Raft"}, true},
		{"raf", []string{"Raft"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := MatchTyped(tt.text, tt.accept); got != tt.want {
				t.Fatalf("MatchTyped(%q, %q) = %v, want %v", tt.text, tt.accept, got, tt.want)
			}
		})
	}
}

func TestNormalizeTyped(t *testing.T) {
	for in, want := range map[string]string{
		"J.W.T.":               "jwt",
		"  Two-Phase  Commit ": "twophasecommit",
		"HTTP/2":               "http2",
		"¿Qué?":                "qué",
	} {
		if got := NormalizeTyped(in); got != want {
			t.Errorf("NormalizeTyped(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTolerance(t *testing.T) {
	for n, want := range map[int]int{1: 0, 4: 0, 5: 1, 8: 1, 11: 1, 12: 2, 40: 2} {
		if got := Tolerance(n); got != want {
			t.Errorf("Tolerance(%d) = %d, want %d", n, got, want)
		}
	}
	long := strings.Repeat("a", 200)
	if !MatchTyped(long[:198]+"bb", []string{long}) || MatchTyped(long[:197]+"bbb", []string{long}) {
		t.Error("tolerance on long answers is not 2")
	}
}
