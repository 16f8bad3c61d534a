package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/membanks"
)

// FuzzUploadBank: any body gets 201 or a documented refusal, never a 500,
// and a refused body stores nothing.
func FuzzUploadBank(f *testing.F) {
	for _, seed := range []string{cellNotes, "", "{", `{"version":1}`, "Q: a?\nA: b", "1. What?\nAnswer: x", "\x00", "## H\ntext"} {
		f.Add([]byte(seed), "text/plain")
		f.Add([]byte(seed), "application/json")
	}
	l := lobby.New(membus.New(membus.Options{}), lobby.Config{Log: zerolog.Nop()})
	f.Cleanup(l.Close)
	allowed := []wire.Code{wire.CodeEmptyInput, wire.CodeBinaryInput, wire.CodeTooLarge, wire.CodeInvalidJSON, wire.CodeUnknownVersion,
		wire.CodeInvalidBank, wire.CodeNoQuestions, wire.CodeMissingAnswer, wire.CodeNotEnoughItems}
	store := membanks.New(membanks.Options{MaxBanks: 1 << 20})
	app := httpapi.New(l, nil, nil, httpapi.NewMetrics(), httpapi.Config{Log: zerolog.Nop(), BankStore: store, BankRate: 1e9})
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		before := store.Len()
		req := httptest.NewRequest(http.MethodPost, "/api/banks", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		if rec.Code == http.StatusCreated {
			if store.Len() != before+1 {
				t.Fatalf("201 but %d banks stored", store.Len()-before)
			}
			return
		}
		var e struct {
			Error struct {
				Code wire.Code `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !slices.Contains(allowed, e.Error.Code) {
			t.Fatalf("%d %s for %q", rec.Code, rec.Body.Bytes(), body)
		}
		if store.Len() != before {
			t.Fatalf("refused (%s) but %d banks stored", e.Error.Code, store.Len()-before)
		}
	})
}
