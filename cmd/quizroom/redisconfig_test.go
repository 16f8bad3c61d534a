package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quizroom/quizroom/internal/redistest"
)

// TestRedisSettingsThatCannotWorkStopTheStart: a REDIS_URL the server
// answers with a refusal (wrong or missing password, no such database,
// cluster mode against a standalone server, a master name no sentinel
// knows) is a configuration error: the server stops at start with a message
// naming REDIS_URL (exit status 2), as for any other bad setting, instead of
// starting and waiting for a Redis that will never accept it.
func TestRedisSettingsThatCannotWorkStopTheStart(t *testing.T) {
	plain := redistest.Start(t)
	locked := redistest.StartWithPassword(t, "s3cret")
	sentinel := redistest.StartSentinel(t)
	for _, tc := range []struct{ name, url, says string }{
		{"wrong password", "redis://:wrong@" + locked.Addr + "/0", "password"},
		{"missing password", "redis://" + locked.Addr + "/0", "password"},
		{"no such database", "redis://" + plain.Addr + "/99", "database"},
		{"cluster mode against a standalone server", "redis://" + plain.Addr + "?cluster=true", "cluster"},
		{"unknown sentinel master", "redis://" + sentinel.Addr + "/0?master_name=nosuch", "nosuch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"},
				env(map[string]string{"REDIS_URL": tc.url}), &stdout, &stderr)
			if ctx.Err() != nil || strings.Contains(stdout.String(), "listening") {
				t.Fatalf("the server started (stdout %q)", stdout.String())
			}
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "REDIS_URL") ||
				!strings.Contains(strings.ToLower(err.Error()), tc.says) {
				t.Fatalf("error %v (exit %d), want a configuration error naming REDIS_URL and %q", err, exitCode(err), tc.says)
			}
			if strings.Contains(err.Error(), "wrong") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestUnreachableRedisIsWaitedFor: a Redis that does not answer at all may
// come up later: the server starts, not ready until it does.
func TestUnreachableRedisIsWaitedFor(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--drain", "1s"},
			env(map[string]string{"REDIS_URL": "redis://127.0.0.1:" + strconv.Itoa(port) + "/0"}), pw, io.Discard)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	buf := make([]byte, 256)
	n, err := pr.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "listening on ") {
		cancel()
		t.Fatalf("did not start with Redis unreachable: %q %v (%v)", buf[:n], err, <-done)
	}
	go io.Copy(io.Discard, pr)
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(string(buf[:n]), "listening on "))
	if got := status(t, base+"/readyz"); got != 503 {
		t.Errorf("/readyz with Redis unreachable = %d, want 503", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
