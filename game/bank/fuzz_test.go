package bank

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzImport: no input makes the importer panic, hang or return something
// inconsistent. Memory stays bounded because input over MaxInputSize is
// refused before parsing and parsing is linear in the input.
func FuzzImport(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*")
	paths = append(paths, seedPath)
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("## Q?\n\n## Section\n### 1. What?\nAnswer:\n"))
	f.Add([]byte("Q: (\nA: ((((a)\n\n1) x?\nA: (Note: Q9)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, rep, err := ImportNotes(data, ImportOptions{})
		if err != nil {
			if CodeOf(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if len(b.Items) == 0 || len(rep.Kept) != len(b.Items) {
			t.Fatalf("%d items, %d kept", len(b.Items), len(rep.Kept))
		}
		if ps := b.Validate(); len(ps) > 0 {
			t.Fatalf("imported bank invalid: %v", ps)
		}
		js, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(js); err != nil && CodeOf(err) != CodeTooLarge {
			t.Fatalf("imported bank does not parse back: %v", err)
		}
		if len(b.Items) >= 4 {
			if _, err := Generate(b, GenerateOptions{Count: 1, Seed: 1}); err != nil && CodeOf(err) == "" {
				t.Fatal(err)
			}
		}
	})
}
