// Package bank holds question banks: the versioned JSON bank format, the
// importer that turns Q&A notes into a bank, the hand-written overlay that
// gives each item its term, aliases, category and concept, the embedded
// default bank, and the generator that turns bank items into playable
// game.Question values.
//
// API for the server:
//
//	b := bank.Default()                 // the embedded backend-interview bank (never nil)
//	b, err := bank.Parse(data)          // an uploaded bank (JSON, format v1); errors are *bank.Error
//	b, rep, err := bank.ImportNotes(notes, bank.ImportOptions{}) // uploaded Q&A notes
//	cats := b.Categories()              // []Category{Name, Count}, sorted by name
//	qs, err := bank.Generate(b, bank.GenerateOptions{
//		Count:      10,
//		Categories: []string{"Databases"},          // empty = all
//		Kinds:      []game.Kind{game.KindSingle},   // empty = single, truefalse, typed, multi
//		Seed:       42,                             // same seed, same questions
//	})
//
// Every error returned by this package is a *Error with a stable Code (see
// the Code constants; bank.CodeOf(err)). Generate returns CodeNotEnoughItems
// when the chosen categories hold fewer than Count usable items, and
// CodeInvalidOptions for an unknown kind or category or a Count below 1.
//
//	qs, warnings, err := bank.GenerateChecked(b, opts) // also the rules broken (user banks)
//	kinds := b.Kinds()                  // what the host page offers for b
//	problems := b.Lint()                // content warnings (nil for the default bank)
//
// Generated questions follow the rules of docs/banks.md: items never repeat
// within one call, an item's description appears in one question at most,
// one blank at most and only where the term was, no term word in a stem
// that asks for the term, no option set that gives the key away, options
// within MaxOptionLen characters (never cut), stems within MaxStemWords, the
// correct option uniformly placed. For a bank that passes Lint (the default
// bank, whose hand-written definitions, facts, myths, confusables and
// questions live in default/overlay.json) the rules are enforced; for other
// banks a question breaking one is made only when the item can make no other,
// and GenerateChecked reports it. The Explanation of each question is the
// item's answer, with why a false statement is false.
//
// The package is pure: no goroutines, no I/O, no clock. A *Bank is
// immutable once parsed and safe for concurrent use: many games share one.
// The first Generate on a bank derives what every game needs from its items
// (defining sentences and one compiled masking regexp per item, ~6 ms for
// the default bank) and keeps it in the bank behind a sync.Once; later
// calls, from any goroutine, only read it. So a Bank must not be modified
// or copied by value once Generate has used it (build a new one instead).
// Default returns the same shared *Bank on every call: do not modify it.
//
// ImportNotes costs time and memory linear in its input (at most
// MaxInputSize): note lines are matched by hand-written matchers rather
// than regexps (lines.go says why), and errors list at most 100 problems.
package bank
