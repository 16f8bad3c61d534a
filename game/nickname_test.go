package game

import (
	"fmt"
	"testing"
)

// TestNicknamesCannotImpersonate: a nickname that only differs from a
// player's by invisible characters, direction overrides, width or
// look-alike letters is refused.
func TestNicknamesCannotImpersonate(t *testing.T) {
	g := newGame(t, Settings{})
	must(t)(g.Join("victim", "Victim", t0))
	for i, tc := range []struct {
		nick string
		code Code
	}{
		{"Vic\u200Btim", CodeInvalidNickname},                       // zero-width space
		{"Vic\u00ADtim", CodeInvalidNickname},                       // soft hyphen
		{"Vic\u2060tim", CodeInvalidNickname},                       // word joiner
		{"\u202Emitciv", CodeInvalidNickname},                       // right-to-left override: shows "victim"
		{"Vic\u200Etim", CodeInvalidNickname},                       // left-to-right mark
		{"Vi\u0441tim", CodeNicknameTaken},                          // Cyrillic es
		{"\uFF36\uFF49\uFF43\uFF54\uFF49\uFF4D", CodeNicknameTaken}, // full-width
		{"VICTIM", CodeNicknameTaken},
		{"  victim  ", CodeNicknameTaken},
		{"\u2164ictim", CodeNicknameTaken}, // Roman numeral five
		{"Vict\u0456m", CodeNicknameTaken}, // Cyrillic i
		{"Victirn", CodeNicknameTaken},     // r n, read as m
		{"V\u0131ctim", CodeNicknameTaken}, // dotless i
	} {
		_, err := g.Join(PlayerID(fmt.Sprint("p", i)), tc.nick, t0)
		if CodeOf(err) != tc.code {
			t.Errorf("join as %+q: %v, want %s", tc.nick, err, tc.code)
		}
	}
	for i, tc := range []struct{ typed, stored string }{
		{"\uFF21\uFF44\uFF41", "Ada"}, // full-width letters are letters
		{"  Ada   Lovelace ", "Ada Lovelace"},
		{"Zoe\u0308", "Zo\u00EB"}, // one form of ë
		{"Rocket \U0001F680", "Rocket \U0001F680"},
		{"\u2764\uFE0F", "\u2764"}, // the presentation selector is invisible
		{"<b>x</b>", "<b>x</b>"},
	} {
		id := PlayerID(fmt.Sprint("ok", i))
		if _, err := g.Join(id, tc.typed, t0); err != nil {
			t.Errorf("join as %+q: %v", tc.typed, err)
			continue
		}
		if p, _ := g.Player(id); p.Nickname != tc.stored {
			t.Errorf("%+q stored as %+q, want %+q", tc.typed, p.Nickname, tc.stored)
		}
	}
	// A player who left frees their nickname, look-alikes included.
	must(t)(g.Leave("victim", t0))
	must(t)(g.Join("impostor", "Vi\u0441tim", t0))
}

// FuzzValidateNickname: whatever is typed, a stored nickname is valid UTF-8
// of 1..MaxNicknameLen characters, stores as itself (normalising is
// idempotent) and keeps its comparison key.
func FuzzValidateNickname(f *testing.F) {
	for _, s := range []string{"Victim", "Vic\u200Btim", "\u202Emitciv", "\uFF36ictim", "  a  b ", "\u2764\uFE0F", "e\u0301", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		out, err := ValidateNickname(typed)
		if err != nil {
			if CodeOf(err) != CodeInvalidNickname {
				t.Fatalf("%+q: %v", typed, err)
			}
			return
		}
		if n := len([]rune(out)); n < 1 || n > MaxNicknameLen {
			t.Fatalf("%+q stored as %+q (%d characters)", typed, out, n)
		}
		again, err := ValidateNickname(out)
		if err != nil || again != out {
			t.Fatalf("%+q stored as %+q, which stores as %+q (%v)", typed, out, again, err)
		}
		if foldNickname(out) != foldNickname(again) {
			t.Fatalf("%+q: key changed", typed)
		}
	})
}
