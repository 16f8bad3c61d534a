package gcdefaults

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Percent is the GOGC a server runs with when GOGC is not set.
const Percent = 400

// Settings is what Apply left in force, for the startup log.
type Settings struct {
	Percent     int   // GOGC in force (-1: off)
	MemoryLimit int64 // bytes; 0: none found, the runtime's default stays
	FromEnv     bool  // GOGC or GOMEMLIMIT was set: the operator's choice was kept
}

// Apply sets GOGC to Percent and the memory limit to three quarters of the
// memory the process may use, each only when its environment variable is
// unset (getenv is os.Getenv but for tests).
func Apply(getenv func(string) string) Settings {
	var s Settings
	if getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
	} else {
		s.FromEnv = true
	}
	s.Percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(s.Percent)
	if getenv("GOMEMLIMIT") == "" {
		if avail := availableMemory(); avail > 0 {
			debug.SetMemoryLimit(avail / 4 * 3)
		}
	} else {
		s.FromEnv = true
	}
	if limit := debug.SetMemoryLimit(-1); limit != int64(^uint64(0)>>1) {
		s.MemoryLimit = limit
	}
	return s
}

// availableMemory is the process's memory bound: its cgroup's limit when it
// has one below the machine's memory, else the machine's memory; 0 when
// neither can be read.
func availableMemory() int64 {
	total := memTotal()
	for _, path := range []string{
		"/sys/fs/cgroup/memory.max",                   // cgroup v2
		"/sys/fs/cgroup/memory/memory.limit_in_bytes", // cgroup v1
	} {
		if limit := readLimit(path); limit > 0 && (total == 0 || limit < total) {
			return limit
		}
	}
	return total
}

// readLimit reads a cgroup memory limit: 0 for "max", unreadable or absurd.
func readLimit(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0
	}
	return n
}

// memTotal is MemTotal from /proc/meminfo, in bytes (0 when unreadable).
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0
		}
		return kib << 10
	}
	return 0
}
