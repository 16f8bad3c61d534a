package gcdefaults

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
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
	self, _ := os.ReadFile("/proc/self/cgroup")
	if limit := cgroupLimit("/sys/fs/cgroup", self); limit > 0 && (total == 0 || limit < total) {
		return limit
	}
	return total
}

// cgroupLimit is the smallest memory limit set on the process's cgroup or
// any of its parents (a systemd unit's MemoryMax= is on the unit's own
// cgroup, not the root), read under root from the cgroup file self
// (/proc/self/cgroup): cgroup v2's memory.max, or v1's
// memory.limit_in_bytes under the memory controller. 0: none.
func cgroupLimit(root string, self []byte) int64 {
	best := int64(0)
	consider := func(dir, file string) {
		for {
			if limit := readLimit(filepath.Join(dir, file)); limit > 0 && (best == 0 || limit < best) {
				best = limit
			}
			if parent := filepath.Dir(dir); parent != dir && strings.HasPrefix(parent, root) {
				dir = parent
				continue
			}
			return
		}
	}
	for line := range strings.Lines(string(self)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 || !strings.HasPrefix(parts[2], "/") {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "": // v2
			consider(filepath.Join(root, parts[2]), "memory.max")
		case slices.Contains(strings.Split(parts[1], ","), "memory"): // v1
			consider(filepath.Join(root, "memory", parts[2]), "memory.limit_in_bytes")
		}
	}
	return best
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
