package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

// TestJSONShape pins the field names other tools read.
func TestJSONShape(t *testing.T) {
	gap := 0.5
	var buf bytes.Buffer
	err := WriteJSON(&buf, Report{Records: []Record{{
		Scenario: "room-1k", Players: 1000, Instances: 1,
		FanoutMs: stats.Summary{P50: 1, P90: 2, P99: 3, Max: 4, N: 10}, FairnessGapPct: &gap,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	rec := got.Results[0]
	for _, key := range []string{"scenario", "players", "instances", "fanout_ms", "floor_fanout_ms", "ack_ms",
		"fairness_gap_pct", "errors", "server_rss_kib_per_player", "client_bound"} {
		if _, ok := rec[key]; !ok {
			t.Errorf("field %q missing from %v", key, rec)
		}
	}
	for _, key := range []string{"fanout_ms", "floor_fanout_ms", "ack_ms"} {
		sum, _ := rec[key].(map[string]any)
		for _, p := range []string{"p50", "p90", "p99", "max"} {
			if _, ok := sum[p]; !ok {
				t.Errorf("%s.%s missing", key, p)
			}
		}
	}
	if rec["fairness_gap_pct"] != 0.5 || rec["scenario"] != "room-1k" {
		t.Errorf("values: %v", rec)
	}
}

func TestReplaceSectionKeepsOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := os.WriteFile(path, []byte("# Benchmarks\n\n## game engine\nns/op table\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceSection(path, "## quizload\nfirst"); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceSection(path, "## quizload\nsecond"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	s := string(data)
	if !strings.Contains(s, "ns/op table") || !strings.Contains(s, "second") || strings.Contains(s, "first") {
		t.Errorf("unexpected file:\n%s", s)
	}
	if strings.Count(s, BeginMarker) != 1 {
		t.Errorf("markers duplicated:\n%s", s)
	}
}

func TestTableAndPlot(t *testing.T) {
	recs := []Record{{Scenario: "x", Players: 2, FanoutSamples: []float64{1, 2, 3}, FloorFanoutSamples: []float64{0.5, 1}}}
	var buf bytes.Buffer
	if err := WriteTable(&buf, recs); err != nil || !strings.Contains(buf.String(), "x") {
		t.Fatalf("table: %v %q", err, buf.String())
	}
	path := filepath.Join(t.TempDir(), "p.png")
	if err := WritePlot(path, recs); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("plot not written: %v", err)
	}
}
