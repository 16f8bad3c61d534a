// Package report turns measurements into quizload's outputs: the Record with
// its stable JSON field names, a readable table, a PNG of the fan-out
// distribution against the floor (gonum/plot), and quizload's own section of
// docs/benchmarks.md, replaced between markers so other sections are kept.
// Nothing here is safe for concurrent use of one value.
package report
