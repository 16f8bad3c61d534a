package bank

import (
	"github.com/quizroom/quizroom/game"
)

// MaxOptionLen is the longest option a generated question may have, in
// characters (runes): what fits a phone-sized answer button.
const MaxOptionLen = 120

// GenerateOptions chooses what Generate makes.
type GenerateOptions struct {
	// Count is how many questions to make (one per item, items never repeat).
	Count int
	// Categories restricts the items used; empty means every category.
	Categories []string
	// Kinds are the kinds to mix: game.KindSingle, game.KindTrueFalse,
	// game.KindTyped. Empty means all three.
	Kinds []game.Kind
	// Seed makes the result reproducible: same bank, options and seed give
	// the same questions.
	Seed int64
}

// Generate turns bank items into playable questions.
func Generate(b *Bank, opts GenerateOptions) ([]game.Question, error) {
	return nil, errorf(CodeNotEnoughItems, "not built yet")
}
