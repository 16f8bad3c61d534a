package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadmeOwnNotesCommands runs the commands of the README's "Play your
// own notes" section as written (from a copy of the repository's docs, the
// server on a free port instead of 8080): quizroom commands in-process,
// curl as HTTP requests, shell lines with sh. Only `make bank`, which
// rewrites the committed bank, is left to TestBankBuildMatchesCommitted.
func TestReadmeOwnNotesCommands(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "### Play your own notes")
	if start < 0 {
		t.Fatal("README has no \"### Play your own notes\" section")
	}
	section = section[start:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var lines []string
	in := false
	for line := range strings.SplitSeq(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in:
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" {
				lines = append(lines, line)
			}
		}
	}
	if len(lines) < 6 {
		t.Fatalf("found %d commands in the section: %q", len(lines), lines)
	}

	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "docs", "examples"), os.DirFS("../../docs/examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	base := ""
	ran := 0
	for _, line := range lines {
		fields := strings.Fields(line)
		switch {
		case line == "make bank":
			continue
		case strings.HasPrefix(line, "go run ./cmd/quizroom serve"):
			args := append(fields[3:], "--addr", "127.0.0.1:0", "--log-level", "error")
			base = startInProcess(t, args)
		case strings.HasPrefix(line, "go run ./cmd/quizroom "):
			var out strings.Builder
			if err := run(context.Background(), fields[3:], env(nil), &out, &out); err != nil {
				t.Fatalf("%s: %v\n%s", line, err, out.String())
			}
		case strings.HasPrefix(line, "curl "):
			if base == "" {
				t.Fatalf("%s: no server started before it", line)
			}
			curl(t, strings.ReplaceAll(line, "http://localhost:8080", base))
		default:
			if out, err := exec.Command("sh", "-c", line).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", line, err, out)
			}
		}
		ran++
	}
	t.Logf("ran %d README commands", ran)
}

// startInProcess runs `quizroom args` (a serve command) and returns its base URL.
func startInProcess(t *testing.T, args []string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, env(nil), pw, io.Discard)
		pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("serve %v did not start: %v (%v)", args, err, <-done)
	}
	go io.Copy(io.Discard, pr)
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
}

// curl runs the two curl forms the README uses: GET URL, and POST of a
// file with --data-binary @FILE.
func curl(t *testing.T, line string) {
	t.Helper()
	fields := strings.Fields(line)
	url := fields[len(fields)-1]
	var resp *http.Response
	var err error
	if i := strings.Index(line, "--data-binary @"); i >= 0 {
		file := strings.Fields(line[i+len("--data-binary @"):])[0]
		body, rerr := os.ReadFile(file)
		if rerr != nil {
			t.Fatalf("%s: %v", line, rerr)
		}
		resp, err = http.Post(url, "application/x-www-form-urlencoded", strings.NewReader(string(body))) // curl's default type
	} else {
		resp, err = http.Get(url)
	}
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s: %d %s", line, resp.StatusCode, body)
	}
	if strings.HasSuffix(url, "/api/banks") && resp.Request.Method == "GET" && !strings.Contains(string(body), `"cell-biology"`) {
		t.Errorf("%s does not list cell-biology: %s", line, body)
	}
}
