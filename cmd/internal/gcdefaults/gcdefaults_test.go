package gcdefaults

import (
	"os"
	"path/filepath"
	"runtime"
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
		if runtime.GOOS != "linux" {
			t.Skip("memory size is read from /proc and /sys/fs/cgroup (Linux)")
		}
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

// TestCgroupLimitIsTheProcesssOwn: the limit is read from the process's own
// cgroup and its parents, v2 and v1 alike, the smallest winning; the root's
// "max" or a missing file is no limit.
func TestCgroupLimitIsTheProcesssOwn(t *testing.T) {
	root := t.TempDir()
	put := func(rel, body string) {
		t.Helper()
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := writeFile(path, body); err != nil {
			t.Fatal(err)
		}
	}
	put("memory.max", "max\n")
	put("system.slice/memory.max", "4294967296\n")
	put("system.slice/quizroom.service/memory.max", "2147483648\n")
	if got := cgroupLimit(root, []byte("0::/system.slice/quizroom.service\n")); got != 2<<30 {
		t.Errorf("v2 unit with MemoryMax: %d, want 2 GiB", got)
	}
	put("system.slice/other.service/memory.max", "max\n")
	if got := cgroupLimit(root, []byte("0::/system.slice/other.service\n")); got != 4<<30 {
		t.Errorf("v2, limit on the parent: %d, want 4 GiB", got)
	}
	put("memory/process_api/abc/memory.limit_in_bytes", "1073741824\n")
	self := "4:memory:/process_api/abc\n1:cpu:/\n0::/\n"
	if got := cgroupLimit(root, []byte(self)); got != 1<<30 {
		t.Errorf("v1 memory controller: %d, want 1 GiB", got)
	}
	if got := cgroupLimit(root, []byte("0::/\n")); got != 0 {
		t.Errorf("root without a limit: %d, want 0", got)
	}
}
