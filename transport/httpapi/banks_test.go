package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/membanks"
	"github.com/quizroom/quizroom/transport/ws"
)

// cellNotes are study notes in Markdown headings, a shape the default bank's
// notes (numbered questions with "Answer:") do not use.
const cellNotes = `# Cell biology, week 2

## What is a mitochondrion?
The mitochondrion is the organelle that produces most of the cell's energy by turning sugar into ATP.

## What is a ribosome?
A ribosome is a molecular machine that builds proteins by joining amino acids in the order given by messenger RNA.

## What is the nucleus?
The nucleus is the membrane-bound compartment that holds the cell's chromosomes and controls gene expression.

## What is the Golgi apparatus?
The Golgi apparatus is a stack of membranes that modifies, sorts and packages proteins for transport out of the cell.

## What is a lysosome?
A lysosome is a small vesicle full of enzymes that digests worn-out organelles and material the cell has taken in.

## What is the cell membrane?
The cell membrane is a double layer of lipids that wraps the cytoplasm and controls what enters and leaves it.

## What is a vacuole?
(TODO: look this up.)
`

type call struct {
	method, path, contentType, hostKey string
	body                               []byte
}

// do sends c and decodes the JSON answer.
func do(t *testing.T, base string, c call) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.hostKey != "" {
		req.Header.Set(httpapi.HostKeyHeader, c.hostKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(data) > 0 && json.Unmarshal(data, &out) != nil {
		t.Fatalf("%s %s: %d, body is not JSON: %.200s", c.method, c.path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func upload(t *testing.T, base, notes string) (int, map[string]any) {
	t.Helper()
	return do(t, base, call{method: "POST", path: "/api/banks", contentType: "text/plain; charset=utf-8", body: []byte(notes)})
}

func jsonBody(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}

func TestUploadNotesReportsAndPlaysEditedQuestions(t *testing.T) {
	s := start(t, options{})
	status, up := upload(t, s.URL, cellNotes)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, up)
	}
	id, _ := up["id"].(string)
	if !strings.HasPrefix(id, "u") || len(id) != 33 {
		t.Fatalf("bank id %q", id)
	}
	if up["title"] != "Cell biology, week 2" || up["items"] != float64(6) {
		t.Errorf("title %v, items %v", up["title"], up["items"])
	}
	rep := up["report"].(map[string]any)
	kept, skipped := rep["kept"].([]any), rep["skipped"].([]any)
	if len(kept) != 6 || len(skipped) != 1 || skipped[0].(map[string]any)["reason"] != "editorial note only" {
		t.Errorf("report: kept %d, skipped %v", len(kept), skipped)
	}

	// The bank reads back, and downloads as a bank file the CLI accepts.
	status, got := do(t, s.URL, call{method: "GET", path: "/api/banks/" + id})
	if status != http.StatusOK || got["id"] != id || got["report"] == nil || got["bank"].(map[string]any)["version"] != float64(1) {
		t.Fatalf("GET bank: %d %v", status, got)
	}

	// The questions a game would ask, edited by the host.
	status, prev := do(t, s.URL, call{method: "POST", path: "/api/banks/" + id + "/questions",
		body: jsonBody(map[string]any{"count": 10, "kinds": []string{"single"}, "seed": 3})})
	if status != http.StatusOK {
		t.Fatalf("questions: %d %v", status, prev)
	}
	var qs []game.Question
	raw, _ := json.Marshal(prev["questions"])
	_ = json.Unmarshal(raw, &qs)
	if len(qs) != 6 || prev["asked"] != float64(10) {
		t.Fatalf("%d questions (asked %v), want the bank's 6", len(qs), prev["asked"])
	}
	qs[0].Prompt = "EDITED: which organelle makes ATP?"
	qs[0].Options[0], qs[0].Correct = "Powerhouse", []int{0}
	qs = append(qs[:1], qs[2:]...) // the host removes the second question

	status, created := do(t, s.URL, call{method: "POST", path: "/api/games",
		body: jsonBody(map[string]any{"bank": id, "questions": qs, "seconds": 5})})
	if status != http.StatusCreated || created["questions"] != float64(5) {
		t.Fatalf("create with own questions: %d %v", status, created)
	}
	pin, token := created["pin"].(string), created["host_token"].(string)
	host := s.dial(t)
	host.Send(map[string]any{"type": "host", "pin": pin, "host_token": token})
	host.Wait(wire.TypeWelcome)
	p := s.join(t, pin, "ada")
	host.Send(map[string]any{"type": "start"})
	var q wire.Question
	p.Wait(wire.TypeQuestion).Decode(t, &q)
	if q.Prompt != qs[0].Prompt || q.Options[0] != "Powerhouse" || q.Total != 5 {
		t.Fatalf("player saw %q %v (total %d), want the edited question", q.Prompt, q.Options, q.Total)
	}
	p.Send(map[string]any{"type": "answer", "q": 0, "choice": 0})
	var rv wire.Reveal
	host.Send(map[string]any{"type": "skip"})
	p.Wait(wire.TypeReveal).Decode(t, &rv)
	if len(rv.Correct) != 1 || rv.Correct[0] != 0 {
		t.Errorf("reveal correct %v, want the option the host marked", rv.Correct)
	}

	// A game generated from the uploaded bank by id.
	status, created = do(t, s.URL, call{method: "POST", path: "/api/games",
		body: jsonBody(map[string]any{"bank": id, "count": 4, "kinds": []string{"single", "typed"}})})
	if status != http.StatusCreated || created["questions"] != float64(4) {
		t.Fatalf("create from uploaded bank: %d %v", status, created)
	}
}

func TestUploadBankJSON(t *testing.T) {
	s := start(t, options{})
	_, up := upload(t, s.URL, cellNotes)
	bankJSON, _ := json.Marshal(up["bank"])
	status, again := do(t, s.URL, call{method: "POST", path: "/api/banks", contentType: "application/json", body: bankJSON})
	if status != http.StatusCreated || again["items"] != float64(6) || again["report"] != nil || again["id"] == up["id"] {
		t.Fatalf("upload bank JSON: %d %v", status, again)
	}
}

// Every bad body gets its documented code and status, and nothing is stored.
func TestUploadBadBodies(t *testing.T) {
	store := membanks.New(membanks.Options{})
	s := start(t, options{api: httpapi.Config{BankStore: store, MaxBankBytes: 64 << 10}})
	twoItems := "Q: What is a load balancer?\nA: A load balancer spreads requests over servers.\n\nQ: What is a CDN?\nA: A CDN caches static files near users.\n"
	cases := []struct {
		name, contentType, query string
		body                     []byte
		status                   int
		code                     wire.Code
		problemLine              int
	}{
		{"empty", "text/plain", "", nil, 400, wire.CodeEmptyInput, 0},
		{"only spaces", "text/plain", "", []byte(" \n\t\n"), 400, wire.CodeEmptyInput, 0},
		{"binary", "application/octet-stream", "", []byte("Q: hi?\nA: \x00\x01\x02"), 400, wire.CodeBinaryInput, 2},
		{"not UTF-8", "text/plain", "", []byte("Q: caf\xe9?\nA: yes"), 400, wire.CodeBinaryInput, 1},
		{"over the limit", "text/plain", "", bytes.Repeat([]byte("Q: a?\nA: b.\n"), 7000), 413, wire.CodeTooLarge, 0},
		{"invalid JSON", "application/json", "", []byte("{\"version\": 1,\n\"title\": }"), 400, wire.CodeInvalidJSON, 2},
		{"JSON sniffed", "text/plain", "", []byte(`{"version": 1, "title": "x", "items": [`), 400, wire.CodeInvalidJSON, 1},
		{"other version", "application/json", "", []byte(`{"version": 2, "title": "x", "items": []}`), 400, wire.CodeUnknownVersion, 0},
		{"bank breaking rules", "application/json", "", []byte(`{"version": 1, "title": "", "items": []}`), 400, wire.CodeInvalidBank, 0},
		{"no questions", "text/plain", "", []byte("just some prose\nwith no question in it\n"), 400, wire.CodeNoQuestions, 0},
		{"question without answer", "text/plain", "", []byte("Q: What is X?\n\nQ: What is Y?\nA: Y is y.\n"), 400, wire.CodeMissingAnswer, 1},
		{"too few items for single choice", "text/plain", "?kinds=single", []byte(twoItems), 400, wire.CodeNotEnoughItems, 0},
		{"unknown kind", "text/plain", "?kinds=poll", []byte(twoItems), 400, wire.CodeInvalidRequest, 0},
	}
	doc := readProtocolDoc(t)
	uploads := doc[strings.Index(doc, "### Uploaded banks"):]
	for _, tc := range cases {
		if row := fmt.Sprintf("| %d | `%s` |", tc.status, tc.code); !strings.Contains(uploads, row) {
			t.Errorf("docs/protocol.md's upload refusals have no row ending %q", row)
		}
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, s.URL, call{method: "POST", path: "/api/banks" + tc.query, contentType: tc.contentType, body: tc.body})
			if status != tc.status || errorCode(body) != string(tc.code) {
				t.Fatalf("%d %v, want %d %s", status, body, tc.status, tc.code)
			}
			if tc.problemLine > 0 {
				ps, _ := body["error"].(map[string]any)["problems"].([]any)
				if len(ps) == 0 || ps[0].(map[string]any)["line"] != float64(tc.problemLine) {
					t.Errorf("problems %v, want the first at line %d", ps, tc.problemLine)
				}
			}
		})
	}
	// Notes under the limit whose bank is over it: the bank is what every
	// instance parses and the host downloads, so it is refused too.
	var notes strings.Builder
	for i := 0; notes.Len() < 60<<10; i++ {
		fmt.Fprintf(&notes, "Q: What is widget %d?\nA: Widget %d is a part with a long description that the bank keeps as its answer, with its id, term and category.\n\n", i, i)
	}
	big := []byte(notes.String())[:60<<10]
	big = big[:bytes.LastIndex(big, []byte("\n\n"))]
	status, body := do(t, s.URL, call{method: "POST", path: "/api/banks", contentType: "text/plain", body: big})
	if status != 413 || errorCode(body) != "too_large" || !strings.Contains(fmt.Sprint(body), "bank made from these notes") {
		t.Errorf("%d bytes of notes making a bigger bank: %d %v, want 413 too_large", len(big), status, body)
	}
	if n := store.Len(); n != 0 {
		t.Errorf("%d banks stored after bad bodies, want 0", n)
	}
	// The same two items are a fine bank for typed answers.
	if status, body := do(t, s.URL, call{method: "POST", path: "/api/banks?kinds=typed", contentType: "text/plain", body: []byte(twoItems)}); status != 201 {
		t.Fatalf("two items for typed: %d %v", status, body)
	}
}

func TestOwnQuestionsAreChecked(t *testing.T) {
	s := start(t, options{})
	good := game.Question{Kind: game.KindSingle, Prompt: "Which?", Options: []string{"A", "B"}, Correct: []int{0}}
	bad := map[string]game.Question{
		"correct out of range": {Kind: game.KindSingle, Prompt: "Which?", Options: []string{"A", "B"}, Correct: []int{2}},
		"empty prompt":         {Kind: game.KindSingle, Prompt: " ", Options: []string{"A", "B"}, Correct: []int{0}},
		"empty option":         {Kind: game.KindSingle, Prompt: "Which?", Options: []string{"A", ""}, Correct: []int{0}},
		"long prompt":          {Kind: game.KindSingle, Prompt: strings.Repeat("x", 501), Options: []string{"A", "B"}, Correct: []int{0}},
		"typed without answer": {Kind: game.KindTyped, Prompt: "Name it"},
	}
	for name, q := range bad {
		status, body := do(t, s.URL, call{method: "POST", path: "/api/games", body: jsonBody(map[string]any{"questions": []game.Question{good, q}})})
		if status != 400 || errorCode(body) != "invalid_request" || !strings.Contains(fmt.Sprint(body), "question") {
			t.Errorf("%s: %d %v, want 400 invalid_request naming the question", name, status, body)
		}
	}
	status, body := do(t, s.URL, call{method: "POST", path: "/api/games", body: jsonBody(map[string]any{"questions": []game.Question{}})})
	if status != 400 || errorCode(body) != "invalid_request" {
		t.Errorf("no questions: %d %v", status, body)
	}
	status, body = do(t, s.URL, call{method: "GET", path: "/api/banks/u00000000000000000000000000000000"})
	if status != 404 || errorCode(body) != "unknown_bank" {
		t.Errorf("unknown uploaded bank: %d %v", status, body)
	}
}

func TestHostKey(t *testing.T) {
	const key = "correct horse battery"
	s := start(t, options{api: httpapi.Config{HostKey: key}})
	_, up := upload(t, s.URL, cellNotes) // refused: no key
	if errorCode(up) != "host_key_required" {
		t.Fatalf("upload without key: %v", up)
	}
	status, up := do(t, s.URL, call{method: "POST", path: "/api/banks", hostKey: key, body: []byte(cellNotes)})
	if status != 201 {
		t.Fatalf("upload with key: %d %v", status, up)
	}
	id := up["id"].(string)
	create := jsonBody(map[string]any{"count": 2, "kinds": []string{"single"}})
	guarded := []call{
		{method: "POST", path: "/api/games", body: create},
		{method: "POST", path: "/api/banks", body: []byte(cellNotes)},
		{method: "GET", path: "/api/banks/" + id},
		{method: "POST", path: "/api/banks/" + id + "/questions", body: []byte(`{"count":2}`)},
		{method: "POST", path: "/api/banks/" + id + "/export", body: []byte(`{"questions":[]}`)},
	}
	for _, c := range guarded {
		if status, body := do(t, s.URL, c); status != 401 || errorCode(body) != "host_key_required" {
			t.Errorf("%s %s without key: %d %v, want 401 host_key_required", c.method, c.path, status, body)
		}
		c.hostKey = "wrong key!"
		if status, body := do(t, s.URL, c); status != 403 || errorCode(body) != "bad_host_key" {
			t.Errorf("%s %s with a wrong key: %d %v, want 403 bad_host_key", c.method, c.path, status, body)
		}
		c.hostKey = key
		if status, body := do(t, s.URL, c); status >= 300 {
			t.Errorf("%s %s with the key: %d %v", c.method, c.path, status, body)
		}
	}
	// The list of banks is public: the page shows it before asking.
	if status, _ := do(t, s.URL, call{method: "GET", path: "/api/banks"}); status != 200 {
		t.Errorf("GET /api/banks: %d", status)
	}
	// Players need no key; results do.
	status, created := do(t, s.URL, call{method: "POST", path: "/api/games", hostKey: key, body: create})
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	pin, token := created["pin"].(string), created["host_token"].(string)
	s.join(t, pin, "ada")
	results := "/api/games/" + pin + "/results.json?host_token=" + token
	if status, body := do(t, s.URL, call{method: "GET", path: results}); status != 401 {
		t.Errorf("results without key: %d %v", status, body)
	}
	if status, body := do(t, s.URL, call{method: "GET", path: results + "&host_key=wrong-key"}); status != 403 || errorCode(body) != "bad_host_key" {
		t.Errorf("results with a wrong key: %d %v", status, body)
	}
	if status, body := do(t, s.URL, call{method: "GET", path: results + "&host_key=" + strings.ReplaceAll(key, " ", "%20")}); status != 200 {
		t.Errorf("results with the key: %d %v", status, body)
	}
}

// Wrong keys count as misses: guessing the key is as slow as guessing PINs.
func TestHostKeyGuessingIsLimited(t *testing.T) {
	s := start(t, options{api: httpapi.Config{HostKey: "the real key"}, joins: ws.NewAddrLimiter(1000, 10000, 10, 10)})
	// 10 misses a minute, then the few grace lookups every address gets.
	var last map[string]any
	for range 10 + ws.GraceLookups + 1 {
		_, last = do(t, s.URL, call{method: "POST", path: "/api/games", hostKey: "guess", body: []byte(`{}`)})
	}
	if errorCode(last) != "join_rate_limited" {
		t.Fatalf("%dth wrong key: %v, want join_rate_limited", 10+ws.GraceLookups+1, last)
	}
}

func TestBankLimits(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	store := membanks.New(membanks.Options{MaxBanks: 2, Retention: time.Hour, Now: clock})
	s := start(t, options{api: httpapi.Config{BankStore: store, BankRate: 4}})

	ids := []string{}
	for i := range 3 {
		status, up := upload(t, s.URL, cellNotes)
		if status != 201 {
			t.Fatalf("upload %d: %d %v", i, status, up)
		}
		ids = append(ids, up["id"].(string))
		advance(time.Minute)
	}
	// Count: the oldest unused is evicted by the third.
	if status, body := do(t, s.URL, call{method: "GET", path: "/api/banks/" + ids[0]}); status != 404 || errorCode(body) != "unknown_bank" {
		t.Errorf("first of 3 banks with --max-banks 2: %d %v, want unknown_bank", status, body)
	}
	if status, _ := do(t, s.URL, call{method: "GET", path: "/api/banks/" + ids[2]}); status != 200 {
		t.Errorf("newest bank: %d", status)
	}
	// Rate: 4 per minute per address, the 5th within the minute is refused.
	do(t, s.URL, call{method: "POST", path: "/api/banks/" + ids[2] + "/questions", body: []byte(`{"count":1}`)})
	status, body := upload(t, s.URL, cellNotes)
	if status != 429 || errorCode(body) != "rate_limited" {
		t.Errorf("5th bank request in a minute: %d %v, want 429 rate_limited", status, body)
	}
	// Retention: a bank unused for an hour is gone.
	advance(time.Hour)
	if status, body := do(t, s.URL, call{method: "GET", path: "/api/banks/" + ids[2]}); status != 404 || errorCode(body) != "unknown_bank" {
		t.Errorf("bank unused for the retention: %d %v, want unknown_bank", status, body)
	}
}

// The downloaded bank keeps the host's edits: edited questions become
// hand-written questions of their items, typed answers new aliases; an edit
// the format cannot hold is named with the reason; the file uploads again.
func TestExportKeepsEdits(t *testing.T) {
	s := start(t, options{})
	_, up := upload(t, s.URL, cellNotes)
	id := up["id"].(string)
	_, prev := do(t, s.URL, call{method: "POST", path: "/api/banks/" + id + "/questions",
		body: jsonBody(map[string]any{"count": 6, "kinds": []string{"single"}, "seed": 3})})
	var qs []game.Question
	raw, _ := json.Marshal(prev["questions"])
	_ = json.Unmarshal(raw, &qs)
	edited := qs[0]
	edited.Prompt = "Which organelle is the cell's power plant?"
	edited.Options[0] = "Powerhouse"
	broken := qs[1]
	broken.Options[1] = broken.Options[0] // two equal options
	typed := game.Question{Kind: game.KindTyped, ItemID: qs[2].ItemID, Prompt: "Name it", Accept: []string{"  my alias ", "MY ALIAS"}}
	status, out := do(t, s.URL, call{method: "POST", path: "/api/banks/" + id + "/export",
		body: jsonBody(map[string]any{"questions": []game.Question{edited, broken, typed}})})
	if status != 200 || out["kept"] != float64(2) {
		t.Fatalf("export: %d %v", status, out)
	}
	skipped := out["skipped"].([]any)
	if len(skipped) != 1 || skipped[0].(map[string]any)["index"] != float64(1) || !strings.Contains(fmt.Sprint(skipped[0]), "repeats another option") {
		t.Errorf("skipped %v, want the question with two equal options", skipped)
	}
	var b struct {
		Items []struct {
			ID        string   `json:"id"`
			Aliases   []string `json:"aliases"`
			Questions []struct {
				Stem    string   `json:"stem"`
				Options []string `json:"options"`
				Correct []int    `json:"correct"`
			} `json:"questions"`
		} `json:"items"`
	}
	bankJSON, _ := json.Marshal(out["bank"])
	_ = json.Unmarshal(bankJSON, &b)
	found := 0
	for _, it := range b.Items {
		switch it.ID {
		case edited.ItemID:
			if len(it.Questions) == 1 && it.Questions[0].Stem == edited.Prompt && it.Questions[0].Options[0] == "Powerhouse" &&
				slices.Equal(it.Questions[0].Correct, edited.Correct) {
				found++
			}
		case typed.ItemID:
			if slices.Equal(it.Aliases[len(it.Aliases)-1:], []string{"my alias"}) {
				found++
			}
		}
	}
	if found != 2 {
		t.Errorf("exported bank does not hold both edits: %s", bankJSON)
	}
	// The file goes back in as is, and its hand-written question is played.
	status, again := do(t, s.URL, call{method: "POST", path: "/api/banks", contentType: "application/json", body: bankJSON})
	if status != 201 {
		t.Fatalf("re-upload: %d %v", status, again)
	}
	asked := false
	for seed := range 20 {
		_, prev := do(t, s.URL, call{method: "POST", path: "/api/banks/" + again["id"].(string) + "/questions",
			body: jsonBody(map[string]any{"count": 6, "kinds": []string{"single"}, "seed": seed})})
		asked = asked || strings.Contains(fmt.Sprint(prev["questions"]), edited.Prompt)
	}
	if !asked {
		t.Error("the hand-written question from the edit is never asked")
	}
}

// TestUploadedBankListsAreNeverNull: notes that import without a warning or
// a skip (the shipped example) still answer with empty arrays, on upload and
// when read back, so a page can read .length of every list.
func TestUploadedBankListsAreNeverNull(t *testing.T) {
	s := start(t, options{})
	notes, err := os.ReadFile("../../docs/examples/cell-biology.md")
	if err != nil {
		t.Fatal(err)
	}
	status, up := upload(t, s.URL, string(notes))
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, up)
	}
	_, got := do(t, s.URL, call{method: "GET", path: "/api/banks/" + up["id"].(string)})
	for name, body := range map[string]map[string]any{"POST /api/banks": up, "GET /api/banks/:id": got} {
		if nulls := nullsIn(body, ""); len(nulls) > 0 {
			t.Errorf("%s: null at %v", name, nulls)
		}
		rep, _ := body["report"].(map[string]any)
		for _, k := range []string{"kept", "skipped", "warnings"} {
			if _, ok := rep[k].([]any); !ok {
				t.Errorf("%s: report.%s is %v, want an array", name, k, rep[k])
			}
		}
	}
}

// nullsIn lists the paths of the JSON nulls in v.
func nullsIn(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case nil:
		return []string{path}
	case map[string]any:
		for k, x := range v {
			out = append(out, nullsIn(x, path+"."+k)...)
		}
	case []any:
		for i, x := range v {
			out = append(out, nullsIn(x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// Flashcards whose backs describe the term without naming it
// ("Latency<TAB>The time a packet takes ...") make a playable bank, and an
// upload that really makes no question says why.
func TestUploadFlashcardsPlays(t *testing.T) {
	s := start(t, options{})
	cards, err := os.ReadFile("../../game/bank/testdata/cards.tsv")
	if err != nil {
		t.Fatal(err)
	}
	status, up := do(t, s.URL, call{method: "POST", path: "/api/banks?kinds=single,typed,truefalse", contentType: "text/tab-separated-values", body: cards})
	if status != http.StatusCreated || up["items"] != float64(4) {
		t.Fatalf("upload flashcards: %d %v", status, up)
	}
	status, created := do(t, s.URL, call{method: "POST", path: "/api/games",
		body: jsonBody(map[string]any{"bank": up["id"], "count": 4, "kinds": []string{"single", "typed", "truefalse"}})})
	if status != http.StatusCreated || created["questions"] != float64(4) {
		t.Fatalf("create from flashcards: %d %v", status, created)
	}

	status, body := upload(t, s.URL, "Q: What is a thing?\nA: Yes.\n")
	msg := fmt.Sprint(body)
	if status != http.StatusBadRequest || errorCode(body) != string(wire.CodeNotEnoughItems) || !strings.Contains(msg, `term "Thing"`) || !strings.Contains(msg, "nothing to ask them by") {
		t.Errorf("unplayable upload: %d %v, want not_enough_items naming the item", status, body)
	}
}
