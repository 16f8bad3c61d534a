package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/quizroom/quizroom/cmd/quizload/internal/stats"
)

// Record is one scenario's result. The JSON names are a contract: scripts
// read them, so fields are only ever added.
type Record struct {
	Scenario  string `json:"scenario"`
	Players   int    `json:"players"`
	Instances int    `json:"instances"`
	Games     int    `json:"games"`
	Questions int    `json:"questions"`

	FanoutMs         stats.Summary `json:"fanout_ms"`
	FloorFanoutMs    stats.Summary `json:"floor_fanout_ms"`
	FanoutP99VsFloor float64       `json:"fanout_p99_vs_floor"`
	AckMs            stats.Summary `json:"ack_ms"`
	FloorAckMs       stats.Summary `json:"floor_ack_ms"`
	// FairnessGapPct is the gap in mean score between latency groups that
	// reacted equally fast; null when the scenario has one group.
	FairnessGapPct *float64 `json:"fairness_gap_pct"`
	// FairnessUncompensatedPct is the same gap with the link delay added back
	// to the server's response times: what it would be without fair timing.
	FairnessUncompensatedPct *float64 `json:"fairness_uncompensated_gap_pct"`
	FairnessBasis            string   `json:"fairness_basis,omitempty"`

	Errors         int64            `json:"errors"`
	Joined         int64            `json:"joined"`
	Finished       int64            `json:"finished"`
	ErrorKinds     map[string]int64 `json:"error_kinds,omitempty"`
	LostAnswers    int64            `json:"lost_answers"`
	Resumes        int64            `json:"resumes"`
	ResumeFailures int64            `json:"resume_failures"`
	FrameBytes     int64            `json:"question_frame_bytes"`

	ServerCPUSeconds      float64  `json:"server_cpu_s"`
	ServerRSSKiB          int64    `json:"server_rss_kib"`
	ServerRSSKiBPerPlayer float64  `json:"server_rss_kib_per_player"`
	FloorRSSKiBPerPlayer  float64  `json:"floor_rss_kib_per_player"`
	ClientCPUSeconds      float64  `json:"client_cpu_s"`
	ClientCPUPct          float64  `json:"client_cpu_pct"`
	ClientBound           bool     `json:"client_bound"`
	ClientProcesses       int      `json:"client_processes"`
	Pinning               string   `json:"pinning"`
	DurationS             float64  `json:"duration_s"`
	Notes                 []string `json:"notes,omitempty"`
	// Repeats, when the scenario ran several times: the median and range of
	// each headline figure over the runs (the record itself is the median
	// run by fan-out p99 over the floor).
	Repeats *Spread `json:"repeats,omitempty"`

	// Samples are kept for the plot only.
	FanoutSamples      []float64 `json:"-"`
	FloorFanoutSamples []float64 `json:"-"`
}

// Report is a whole run.
type Report struct {
	Machine Machine  `json:"machine"`
	Command string   `json:"command"`
	Records []Record `json:"results"`
	Ladder  *Ladder  `json:"ladder,omitempty"`
	// RoomsLadder is the many-rooms ladder (concurrent small games).
	RoomsLadder *RoomsLadder `json:"rooms_ladder,omitempty"`
}

// Spread is one scenario run several times, on a fresh instance each, with
// its floor each time: a single lucky run cannot stand as the result.
type Spread struct {
	Runs             int   `json:"runs"`
	FanoutP99Ms      Range `json:"fanout_p99_ms"`
	FloorFanoutP99Ms Range `json:"floor_fanout_p99_ms"`
	FanoutP99VsFloor Range `json:"fanout_p99_vs_floor"`
	AckP99Ms         Range `json:"ack_p99_ms"`
	Errors           Range `json:"errors"`
	ServerCPUSeconds Range `json:"server_cpu_s"`
}

// Range is the median, least and greatest of one figure over runs.
type Range struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// RangeOf is the Range of values (the median of an even count is the mean
// of the middle two).
func RangeOf(values []float64) Range {
	if len(values) == 0 {
		return Range{}
	}
	v := append([]float64(nil), values...)
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return Range{Median: med, Min: v[0], Max: v[n-1]}
}

// RoomsLadder is the search for the most concurrent small games one
// instance holds with fan-out p99 and ack p99 under their limits: more
// games per step, one fresh instance each, until the first step over a
// limit (or with errors).
type RoomsLadder struct {
	PlayersPerGame int         `json:"players_per_game"`
	FanoutLimitMs  float64     `json:"fanout_limit_ms"`
	AckLimitMs     float64     `json:"ack_limit_ms"`
	Largest        int         `json:"largest_games_under_limits"`
	Steps          []RoomsStep `json:"steps"`
}

// RoomsStep is one step of the rooms ladder.
type RoomsStep struct {
	Games     int           `json:"games"`
	Questions int           `json:"questions"`
	FanoutMs  stats.Summary `json:"fanout_ms"`
	AckMs     stats.Summary `json:"ack_ms"`
	Errors    int64         `json:"errors"`
	Under     bool          `json:"under_limits"`
}

// Ladder is the search for the largest single game one instance holds with
// fan-out p99 under a limit: growing games, one fresh instance each, until
// the first step above the limit.
type Ladder struct {
	LimitMs float64 `json:"limit_ms"`
	// Largest is the most players of a step under the limit (0: none).
	Largest int          `json:"largest_players_under_limit"`
	Steps   []LadderStep `json:"steps"`
}

// LadderStep is one game size of the ladder.
type LadderStep struct {
	Players   int           `json:"players"`
	Questions int           `json:"questions"`
	FanoutMs  stats.Summary `json:"fanout_ms"`
	Errors    int64         `json:"errors"`
	Under     bool          `json:"under_limit"`
}

// Machine describes where the numbers come from.
type Machine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

// WriteJSON writes the report, indented.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes a readable table of the records.
func WriteTable(w io.Writer, recs []Record) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tplayers\tinst\tfan-out p50/p99/max ms\tfloor p99 ms\tx floor\tack p50/p99 ms\tfair gap %\terrors\tRSS KiB/player\tsrv CPU s\tclient\t")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%.1f\t%s\t\n",
			r.Scenario, r.Players, r.Instances,
			fmt.Sprintf("%.1f/%.1f/%.1f", r.FanoutMs.P50, r.FanoutMs.P99, r.FanoutMs.Max),
			orDash(r.FloorFanoutMs.N > 0, fmt.Sprintf("%.1f", r.FloorFanoutMs.P99)),
			orDash(r.FanoutP99VsFloor > 0, fmt.Sprintf("%.2f", r.FanoutP99VsFloor)),
			orDash(r.AckMs.N > 0, fmt.Sprintf("%.1f/%.1f", r.AckMs.P50, r.AckMs.P99)+ackVsFloor(r)),
			fairness(r),
			r.Errors,
			orDash(r.ServerRSSKiBPerPlayer > 0, fmt.Sprintf("%.1f", r.ServerRSSKiBPerPlayer)+rssVsFloor(r)),
			r.ServerCPUSeconds,
			clientCell(r))
	}
	return tw.Flush()
}

// ackVsFloor is " (1.23x floor)" when the floor's acks were measured.
func ackVsFloor(r Record) string {
	if r.FloorAckMs.N == 0 || r.FloorAckMs.P99 <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2fx)", r.AckMs.P99/r.FloorAckMs.P99)
}

// rssVsFloor is " (1.23x)" when the floor's RSS was measured.
func rssVsFloor(r Record) string {
	if r.FloorRSSKiBPerPlayer <= 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2fx)", r.ServerRSSKiBPerPlayer/r.FloorRSSKiBPerPlayer)
}

func fairness(r Record) string {
	if r.FairnessGapPct == nil {
		return "-"
	}
	s := fmt.Sprintf("%.2f", *r.FairnessGapPct)
	if r.FairnessUncompensatedPct != nil {
		s += fmt.Sprintf(" (%.2f uncomp.)", *r.FairnessUncompensatedPct)
	}
	return s
}

func clientCell(r Record) string {
	s := fmt.Sprintf("%.0f%% CPU", r.ClientCPUPct)
	if r.ClientBound {
		s += " BOUND"
	}
	return s
}

func orDash(ok bool, s string) string {
	if !ok {
		return "-"
	}
	return s
}

// Section markers delimit quizload's part of docs/benchmarks.md.
const (
	BeginMarker = "<!-- quizload:begin (generated by `quizload bench`; edit outside these markers) -->"
	EndMarker   = "<!-- quizload:end -->"
)

// ReplaceSection writes section between the markers in the file at path,
// creating the file or appending the markers when they are missing, and
// leaving everything outside them as it was.
func ReplaceSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	block := BeginMarker + "\n" + strings.TrimRight(section, "\n") + "\n" + EndMarker + "\n"
	var out []byte
	b := bytes.Index(old, []byte(BeginMarker))
	e := bytes.Index(old, []byte(EndMarker))
	switch {
	case b >= 0 && e > b:
		out = append(append(append([]byte{}, old[:b]...), block...), bytes.TrimPrefix(old[e+len(EndMarker):], []byte("\n"))...)
	case len(old) == 0:
		out = []byte("# Benchmarks\n\n" + block)
	default:
		out = append(append(bytes.TrimRight(old, "\n"), "\n\n"...), block...)
	}
	return os.WriteFile(path, out, 0o644)
}
