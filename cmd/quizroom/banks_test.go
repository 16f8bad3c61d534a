package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/internal/redistest"
)

const headingNotes = `# Cell biology, week 2

## What is a mitochondrion?
The mitochondrion is the organelle that produces most of the cell's energy by turning sugar into ATP.

## What is a ribosome?
A ribosome is a molecular machine that builds proteins by joining amino acids in the order given by messenger RNA.

## What is the nucleus?
The nucleus is the membrane-bound compartment that holds the cell's chromosomes and controls gene expression.

## What is the Golgi apparatus?
The Golgi apparatus is a stack of membranes that modifies, sorts and packages proteins for transport out of the cell.
`

const pairNotes = `Q: What is a load balancer?
A: A load balancer spreads incoming requests over several servers.

Q: What is a CDN?
A: A CDN is a network of servers that caches static files near users.
`

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fetchJSON(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// --banks loads every bank and notes file of the folder, named after it.
func TestServeBanksDir(t *testing.T) {
	var exported strings.Builder
	if err := run(context.Background(), []string{"bank", "import", writeFiles(t, map[string]string{"n.txt": pairNotes}) + "/n.txt"}, env(nil), &exported, io.Discard); err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{
		"cell-biology.md": headingNotes,
		"Study Group.txt": pairNotes,
		"exported.json":   exported.String(),
		"README":          "not a bank",
		"Week 3 terms.tsv": "What is a load balancer?\tA load balancer spreads incoming requests over several servers.\n" +
			"What is a CDN?\tA CDN is a network of servers that caches static files near users.\n" +
			"What is DNS?\tDNS is the system that turns host names into IP addresses.\n",
	})
	for _, how := range []string{"flag", "env"} {
		t.Run(how, func(t *testing.T) {
			var base string
			if how == "flag" {
				base, _ = startServer(t, "--banks", dir)
			} else {
				base, _ = startServerEnv(t, map[string]string{"QUIZROOM_BANKS": dir})
			}
			_, list := fetchJSON(t, "GET", base+"/api/banks", "")
			got := map[string]map[string]any{}
			var order []string
			for _, b := range list["banks"].([]any) {
				m := b.(map[string]any)
				got[m["name"].(string)] = m
				order = append(order, m["name"].(string))
			}
			want := []string{"default", "cell-biology", "exported", "study-group", "week-3-terms"}
			if strings.Join(order, ",") != strings.Join(want, ",") {
				t.Fatalf("banks %v, want %v", order, want)
			}
			if c := got["cell-biology"]; c["title"] != "Cell biology, week 2" || c["items"] != float64(4) || len(c["categories"].([]any)) != 1 {
				t.Errorf("cell-biology: %v", c)
			}
			if c := got["study-group"]; c["title"] != "Study Group" || c["items"] != float64(2) {
				t.Errorf("study-group: %v", c)
			}
			if c := got["week-3-terms"]; c["items"] != float64(3) {
				t.Errorf("week-3-terms (TSV): %v", c)
			}
			status, created := fetchJSON(t, "POST", base+"/api/games", `{"bank":"cell-biology","count":4,"kinds":["single"]}`)
			if status != http.StatusCreated || created["questions"] != float64(4) {
				t.Errorf("game on cell-biology: %d %v", status, created)
			}
		})
	}
}

func startServerEnv(t *testing.T, vars map[string]string) (string, func() error) {
	t.Helper()
	old := serveEnv
	serveEnv = env(vars)
	t.Cleanup(func() { serveEnv = old })
	return startServer(t)
}

// A broken file stops the server with the file, the line and the problem,
// exit status 2, like any bad setting.
func TestServeBanksDirBrokenFileStops(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"question without answer", map[string]string{"ok.md": headingNotes, "notes.md": "Q: What is X?\n\nQ: What is Y?\nA: Y is y.\n"},
			[]string{"notes.md", "line 1", "has no answer"}},
		{"broken JSON", map[string]string{"bank.json": "{\"version\": 1,\n  \"title\": }\n"}, []string{"bank.json", "line 2", "invalid character"}},
		{"bank breaking a rule", map[string]string{"bank.json": `{"version": 1, "title": "t", "items": [{"id": "a", "question": "q", "answer": "a", "term": "", "aliases": [], "category": "c"}]}`},
			[]string{"bank.json", "items[0] (a).term", "missing"}},
		{"binary", map[string]string{"photo.txt": "\x89PNG\x00\x00"}, []string{"photo.txt", "line 1", "binary"}},
		{"no questions", map[string]string{"prose.md": "Just some prose.\n"}, []string{"prose.md", "no recognizable question"}},
		{"same name twice", map[string]string{"notes.md": headingNotes, "notes.txt": pairNotes}, []string{"notes.txt", `"notes"`, "notes.md"}},
		{"default", map[string]string{"Default.md": headingNotes}, []string{"Default.md", "embedded default"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--banks", dir}, env(nil), io.Discard, io.Discard)
			if err == nil || exitCode(err) != 2 {
				t.Fatalf("err %v (exit %d), want exit 2", err, exitCode(err))
			}
			if !strings.HasPrefix(err.Error(), "--banks ($QUIZROOM_BANKS): ") {
				t.Errorf("%q does not name the setting", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
	err := run(context.Background(), []string{"serve", "--banks", "/no/such/dir"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "/no/such/dir") || exitCode(err) != 2 {
		t.Errorf("missing folder: %v", err)
	}
	err = run(context.Background(), []string{"serve", "--host-key", "short"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--host-key ($QUIZROOM_HOST_KEY)") || exitCode(err) != 2 {
		t.Errorf("short host key: %v", err)
	}
}

// With Redis, a bank uploaded through one instance is read and played from
// another.
func TestServeUploadedBankSharedThroughRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := startServer(t, "--redis-url", srv.URL(), "--instance", "a", "--host-key", "study-group-key")
	b, _ := startServer(t, "--redis-url", srv.URL(), "--instance", "b", "--host-key", "study-group-key")
	req, _ := http.NewRequest("POST", a+"/api/banks", strings.NewReader(headingNotes))
	req.Header.Set("X-Host-Key", "study-group-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload on a: %d %v", resp.StatusCode, up)
	}
	req, _ = http.NewRequest("POST", b+"/api/games", strings.NewReader(`{"bank":"`+up["id"].(string)+`","count":4,"kinds":["single"]}`))
	req.Header.Set("X-Host-Key", "study-group-key")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("game on b from a's bank: %d", resp.StatusCode)
	}
}

// serveEnv is the environment startServer gives the server.
var serveEnv = env(nil)
