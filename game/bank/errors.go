package bank

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable, machine-readable error code.
type Code string

// Error codes. They are part of the API: the server maps them to statuses.
const (
	CodeEmptyInput     Code = "empty_input"      // nothing but whitespace
	CodeBinaryInput    Code = "binary_input"     // not UTF-8 text
	CodeTooLarge       Code = "too_large"        // over MaxInputSize
	CodeNoQuestions    Code = "no_questions"     // notes with no recognizable question
	CodeMissingAnswer  Code = "missing_answer"   // a question followed by no answer at all
	CodeInvalidJSON    Code = "invalid_json"     // bank or overlay is not valid JSON
	CodeUnknownVersion Code = "unknown_version"  // bank version other than Version
	CodeInvalidBank    Code = "invalid_bank"     // JSON is fine but the content breaks a rule
	CodeInvalidOverlay Code = "invalid_overlay"  // overlay does not match the notes
	CodeInvalidOptions Code = "invalid_options"  // bad GenerateOptions
	CodeNotEnoughItems Code = "not_enough_items" // the selection cannot supply Count questions
)

// Error is every error this package returns. Problems lists each problem
// with its location when there are several (Message summarizes them).
type Error struct {
	Code     Code
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	// A builder, not +=, so a long list costs linear time.
	var b strings.Builder
	b.WriteString(e.Message)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// maxProblems bounds the problems an error lists: beyond it they are only
// counted, so 2 MiB of broken notes do not make a 100,000-line message.
const maxProblems = 100

// problemList collects problems, keeping the first maxProblems.
type problemList struct {
	list    []Problem
	omitted int
}

func (l *problemList) add(p Problem) {
	if len(l.list) == maxProblems {
		l.omitted++
		return
	}
	l.list = append(l.list, p)
}

func (l *problemList) len() int { return len(l.list) + l.omitted }

// problems returns the kept problems, and a last one counting the others.
func (l *problemList) problems(what string) []Problem {
	if l.omitted == 0 {
		return l.list
	}
	return append(l.list, Problem{Message: fmt.Sprintf("and %d more %s", l.omitted, what)})
}

// Problem is one thing wrong with an input, with where it is: a line number
// for notes (Line > 0) or a JSON path for banks (Path, e.g. "items[3].term").
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	// Missing marks a content warning that is only an optional field left
	// out (no definition, facts, myths or confusables), as every bank made
	// from notes is: the bank plays, with plainer questions.
	Missing bool `json:"-"`
}

func (p Problem) String() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	case p.Path != "":
		return p.Path + ": " + p.Message
	}
	return p.Message
}

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of a bank error, or "" for any other error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
