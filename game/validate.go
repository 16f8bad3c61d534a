package game

import (
	"slices"
	"strconv"
	"strings"
)

// MaxOptions is the most options a choice question may have.
const MaxOptions = 4

// cloneQuestion copies q so the caller keeps no alias into the engine's
// state, and turns empty slices into nil so a snapshot round trip gives back
// identical values.
func cloneQuestion(q Question) Question {
	q.Options = cloneOrNil(q.Options)
	q.Correct = cloneOrNil(q.Correct)
	q.Accept = cloneOrNil(q.Accept)
	q.Reject = cloneOrNil(q.Reject)
	return q
}

func cloneOrNil[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return slices.Clone(xs)
}

// validateQuestion checks that q can be played as its kind says. The
// question's own Time, when set, must lie in the same range as the game's.
func validateQuestion(i int, q Question) *Error {
	bad := func(format string, args ...any) *Error {
		e := errorf(CodeInvalidQuestion, format, args...)
		e.Message = "question " + strconv.Itoa(i) + ": " + e.Message
		return e
	}
	if strings.TrimSpace(q.Prompt) == "" {
		return bad("empty prompt")
	}
	if q.Time != 0 && (q.Time < MinQuestionTime || q.Time > MaxQuestionTime) {
		return bad("time %v is outside %v..%v", q.Time, MinQuestionTime, MaxQuestionTime)
	}
	checkOptions := func() *Error {
		if len(q.Options) < 2 || len(q.Options) > MaxOptions {
			return bad("%s question needs 2 to %d options, has %d", q.Kind, MaxOptions, len(q.Options))
		}
		for j, o := range q.Options {
			if strings.TrimSpace(o) == "" {
				return bad("option %d is empty", j)
			}
		}
		seen := map[int]bool{}
		for _, c := range q.Correct {
			if c < 0 || c >= len(q.Options) {
				return bad("correct option %d is out of range 0..%d", c, len(q.Options)-1)
			}
			if seen[c] {
				return bad("correct option %d is listed twice", c)
			}
			seen[c] = true
		}
		return nil
	}
	switch q.Kind {
	case KindSingle, KindTrueFalse:
		if err := checkOptions(); err != nil {
			return err
		}
		if q.Kind == KindTrueFalse && len(q.Options) != 2 {
			return bad("truefalse question needs exactly 2 options")
		}
		if len(q.Correct) != 1 {
			return bad("%s question needs exactly one correct option, has %d", q.Kind, len(q.Correct))
		}
	case KindMulti:
		if err := checkOptions(); err != nil {
			return err
		}
		if len(q.Correct) < 1 {
			return bad("multi question needs at least one correct option")
		}
	case KindPoll:
		if err := checkOptions(); err != nil {
			return err
		}
		if len(q.Correct) != 0 {
			return bad("poll question has no correct option")
		}
	case KindTyped:
		if len(q.Options) != 0 || len(q.Correct) != 0 {
			return bad("typed question has no options")
		}
		ok := false
		for _, a := range q.Accept {
			if NormalizeTyped(a) != "" {
				ok = true
			}
		}
		if !ok {
			return bad("typed question needs an accepted answer with letters or digits")
		}
	default:
		return bad("unknown kind %q", q.Kind)
	}
	return nil
}
