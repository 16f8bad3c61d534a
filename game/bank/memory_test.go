package bank

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// The importer's memory is bounded by its input: inputs over MaxInputSize
// are refused before parsing, and the worst shapes of input at the limit
// allocate at most a fixed multiple of their size (the fuzz test checks no
// input panics or hangs; this checks how much the largest ones cost). It
// holds under -race too: lines are matched without regexp, whose pooled
// 32 KiB backtracking state the race build keeps dropping (that once made
// 160,000 tiny questions allocate 2,000x to 3,600x their size). It measures
// total allocation, not time, so it stays meaningful on a busy machine.
// worstCaseNotes are the shapes of notes at the size limit that cost the
// importer the most per input byte.
func worstCaseNotes() map[string][]byte {
	near := MaxInputSize - 1024
	fill := func(unit string) []byte {
		return bytes.Repeat([]byte(unit), near/len(unit))
	}
	return map[string][]byte{
		"many tiny questions": fill("1. What is X?\nAnswer: X.\n"),
		"one huge paragraph":  []byte("1. What is X?\nAnswer: " + strings.Repeat("word ", near/5-10) + "\n"),
		"nested parentheses":  []byte("1. What is X?\nAnswer: " + strings.Repeat("(", near/2) + strings.Repeat(")", near/2-40) + "\n"),
		"headings only":       fill("## Q?\n"),
		"q and a pairs":       fill("Q: a?\nA: b.\n\n"),
		"what does X mean":    fill("1. What does X mean?\nAnswer: X.\n"),
		"editorial notes":     fill("1. What is X?\nAnswer: (Duplicate of Q1.)\n"),
		"over the limit":      bytes.Repeat([]byte("1. What is X?\nAnswer: X.\n"), MaxInputSize/20),
	}
}

func TestImportMemoryIsBoundedByInput(t *testing.T) {
	// Worst today: q and a pairs, ~80x (~92x under -race, whose sync.Pool
	// drops fmt's printers). Total allocation, not peak.
	const factor = 120
	for name, data := range worstCaseNotes() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, _ = ImportNotes(data, ImportOptions{})
		runtime.ReadMemStats(&after)
		used := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes in, %d allocated (%.1fx)", name, len(data), used, float64(used)/float64(len(data)))
		if used > uint64(factor*min(len(data), MaxInputSize)) {
			t.Errorf("%s: %d bytes allocated for %d bytes of input, over %dx", name, used, len(data), factor)
		}
	}
}

// BenchmarkImportWorstCase imports each worst-case shape at the size limit;
// B/op divided by the input size is the factor the test above bounds.
func BenchmarkImportWorstCase(b *testing.B) {
	for name, data := range worstCaseNotes() {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				_, _, _ = ImportNotes(data, ImportOptions{})
			}
		})
	}
}
