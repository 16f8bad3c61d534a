package main

import (
	"context"
	"errors"
	"io"
)

// runBank is replaced by the bank work (issue 3).
func runBank(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("bank: not built yet")
}
