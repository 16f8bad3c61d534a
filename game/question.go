package game

import "time"

// Kind is the kind of a question; it decides how answers are read and scored.
type Kind string

// Question kinds.
const (
	// KindSingle has 2 to 4 options and exactly one correct option.
	KindSingle Kind = "single"
	// KindMulti has 2 to 4 options and one or more correct options; each
	// correct pick earns a share of the points and each wrong pick costs one.
	KindMulti Kind = "multi"
	// KindTrueFalse has the options "True" and "False".
	KindTrueFalse Kind = "truefalse"
	// KindTyped has no options: the player types the answer, which is matched
	// against Accept ignoring case, spacing and punctuation, with a small
	// edit distance tolerated.
	KindTyped Kind = "typed"
	// KindPoll has options but no correct one; it scores nothing and only
	// shows the distribution.
	KindPoll Kind = "poll"
)

// Question is one playable question, as generated from a bank item.
type Question struct {
	// ID is stable for a given bank, item and generator seed.
	ID string `json:"id"`
	// ItemID names the bank item the question was made from.
	ItemID string `json:"item_id,omitempty"`
	Kind   Kind   `json:"kind"`
	// Prompt is the text shown to players.
	Prompt string `json:"prompt"`
	// Options are the choices shown for single, multi, truefalse and poll.
	Options []string `json:"options,omitempty"`
	// Correct holds the indexes of the correct options (none for poll and typed).
	Correct []int `json:"correct,omitempty"`
	// Accept lists the accepted answers of a typed question: the canonical
	// answer first, then aliases.
	Accept []string `json:"accept,omitempty"`
	// Reject lists other terms a typed question must not take for a typo
	// or a qualified form of an accepted answer ("API key" when "API" is
	// accepted): names of the bank's other items (MatchTypedExcept).
	Reject []string `json:"reject,omitempty"`
	// Explanation is shown at the reveal and in the review.
	Explanation string `json:"explanation,omitempty"`
	// Term is the concept the question is about (shown in reviews and per
	// question accuracy).
	Term     string `json:"term,omitempty"`
	Category string `json:"category,omitempty"`
	// Time overrides the game's question time when non-zero.
	Time time.Duration `json:"time,omitempty"`
	// DoublePoints doubles the base points P of this question.
	DoublePoints bool `json:"double_points,omitempty"`
}
