package main

import (
	"context"
	"errors"
	"io"
)

// runServe is replaced by the server work (issue 4).
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("serve: not built yet")
}
