package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// usageError marks a mistake in the command line or configuration; it exits
// with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

const topUsage = `Usage: quizroom [serve] [flags]     run the server (the default)
       quizroom bank <command> ...   import, check and preview question banks

Run 'quizroom serve --help' or 'quizroom bank --help' for the flags of each.
`

// run is the whole program; main only wires the process to it so tests can
// start the server or the bank tools in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "serve":
			return runServe(ctx, args[1:], getenv, stdout, stderr)
		case "bank":
			return runBank(ctx, args[1:], stdout, stderr)
		case "help", "-h", "-help", "--help":
			fmt.Fprint(stdout, topUsage)
			fmt.Fprintln(stdout)
			serveUsage(stdout)
			return nil
		}
		// Serve's flags may come first ("quizroom --addr :9000"); any other
		// first word is a command this binary does not have.
		if !strings.HasPrefix(args[0], "-") {
			return usagef("unknown command %q; the commands are serve (the default), bank and help ('quizroom help' says more)", args[0])
		}
	}
	return runServe(ctx, args, getenv, stdout, stderr)
}
