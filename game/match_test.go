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

// TestMatchTypedQualified: the round-3 review's cases. A right answer with a
// natural qualifier, or without its generic tail, scores; a real term a typo
// away from the accepted one does not.
func TestMatchTypedQualified(t *testing.T) {
	xss := []string{"Cross-site scripting", "XSS"}
	join := []string{"SQL join", "join", "joins", "SQL joins"}
	nplus1 := []string{"N+1 query problem", "N+1 problem", "N+1 queries", "N plus 1"}
	versioning := []string{"API versioning", "versioning", "API versions"}
	methods := []string{"HTTP methods", "HTTP verbs", "HTTP method", "verbs"}
	jobs := []string{"Background job", "worker", "background worker", "background jobs", "job queue",
		"background task", "background tasks", "async job", "asynchronous job", "task queue"}
	https := []string{"HTTPS", "HTTP Secure", "HTTP over TLS"}
	authn := []string{"Authentication", "authn", "authenticate"}
	oauth := []string{"OAuth", "OAuth 2.0", "OAuth2"}
	singleton := []string{"Singleton", "singletons"}
	tests := []struct {
		text   string
		accept []string
		want   bool
	}{
		{"stored XSS", xss, true},
		{"persistent XSS", xss, true},
		{"stored cross-site scripting", xss, true},
		{"XSS attack", xss, true},
		{"not XSS", xss, false},
		{"CSRF", xss, false},
		{"inner join", join, true},
		{"equi-join", join, true},
		{"INNER JOIN", join, true},
		{"non join", join, false},
		{"N+1", nplus1, true},
		{"n+1 query", nplus1, true},
		{"N+1 selects", nplus1, true},
		{"N + 1 problem", nplus1, true},
		{"N+2", nplus1, false},
		{"URL versioning", versioning, true},
		{"path versioning", versioning, true},
		{"URI versioning", versioning, true},
		{"versions", versioning, false},
		{"HTTP method", methods, true},
		{"request verbs", methods, true},
		{"async task", jobs, true},
		{"background process", jobs, true},
		{"asynchronous processing", jobs, true},
		{"background", jobs, true},
		{"foreground process", jobs, false},
		{"HTTP", https, false},
		{"HTTP/2", https, false},
		{"http 2", https, false},
		{"HTTPS", https, true},
		{"htps", https, true}, // a typo, not another term
		{"HTTP Secure", https, true},
		{"http secur", https, true},
		{"authz", authn, false},
		{"authentification", authn, true},
		{"auth", oauth, false},
		{"singleton pattern", singleton, true},
		{"the singleton", singleton, true},
		{"json", []string{"JSON Web Token", "JWT"}, false},
		{"web token", []string{"JSON Web Token", "JWT"}, false},
		{"JSON web token auth", []string{"JSON Web Token", "JWT"}, true},
		{"supercalifragilistic join", join, false}, // a qualifier is short
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := MatchTyped(tt.text, tt.accept); got != tt.want {
				t.Fatalf("MatchTyped(%q, %q) = %v, want %v", tt.text, tt.accept, got, tt.want)
			}
		})
	}
}
