package gcdefaults

import (
	"os"
	"runtime/debug"
	"testing"
)

// keepGC restores the process's collector settings after a test changed them.
func keepGC(t *testing.T) {
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

func TestDefaultsWhenTheEnvironmentSaysNothing(t *testing.T) {
	keepGC(t)
	s := Apply(func(string) string { return "" })
	if s.Percent != Percent || s.FromEnv {
		t.Fatalf("settings %+v, want GOGC %d chosen here", s, Percent)
	}
	avail := availableMemory()
	if avail == 0 {
		t.Fatal("no memory size found in /proc/meminfo or the cgroup")
	}
	if want := avail / 4 * 3; s.MemoryLimit != want {
		t.Fatalf("memory limit %d, want 3/4 of %d", s.MemoryLimit, avail)
	}
}

func TestTheOperatorsChoiceIsKept(t *testing.T) {
	keepGC(t)
	debug.SetGCPercent(50) // as GOGC=50 would have set it at startup
	debug.SetMemoryLimit(1 << 30)
	env := map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}
	s := Apply(func(k string) string { return env[k] })
	if s.Percent != 50 || s.MemoryLimit != 1<<30 || !s.FromEnv {
		t.Fatalf("settings %+v, want GOGC 50 and 1 GiB kept", s)
	}
}

func TestReadLimitIgnoresNoLimit(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]int64{"max\n": 0, "9223372036854771712\n": 0, "1073741824\n": 1 << 30, "junk": 0} {
		path := dir + "/memory.max"
		if err := writeFile(path, body); err != nil {
			t.Fatal(err)
		}
		if got := readLimit(path); got != want {
			t.Errorf("readLimit(%q) = %d, want %d", body, got, want)
		}
	}
}

func writeFile(path, body string) error { return os.WriteFile(path, []byte(body), 0o600) }
