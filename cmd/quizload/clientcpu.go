package main

import (
	"sync"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/procstat"
)

// saturatedPct is the share of a core above which a client process counts
// as saturated: /proc's CPU times tick at 10 ms, so 100% reads as 90-100%.
const saturatedPct = 90

// clientSaturated decides whether one sampling interval was client-bound:
// any client process used a whole core (one process runs its players'
// goroutines on at most the cores it may use, and a single busy process is
// the usual limit), or the processes together used all the client's cores
// (several workers sharing one pinned core). pcts are each process's CPU in
// the interval, in percent of one core.
func clientSaturated(pcts []float64, cores int) bool {
	sum := 0.0
	for _, p := range pcts {
		if p >= saturatedPct {
			return true
		}
		sum += p
	}
	return cores > 0 && sum >= saturatedPct*float64(cores)
}

// clientCPUSampler follows the CPU time of the client processes: this one
// and the workers it spawns, each by pid.
type clientCPUSampler struct {
	cores int

	mu        sync.Mutex
	prev      map[int]float64 // pid: CPU seconds at the last tick
	prevAt    time.Time
	peakPct   float64 // the busiest process in any interval, % of one core
	saturated bool
	read      func(pid int) (float64, bool)
}

func newClientCPUSampler(cores int, pids ...int) *clientCPUSampler {
	s := &clientCPUSampler{cores: cores, prev: map[int]float64{}, read: readCPU}
	for _, pid := range pids {
		s.add(pid)
	}
	s.prevAt = time.Now()
	return s
}

func readCPU(pid int) (float64, bool) {
	st, err := procstat.Read(pid)
	return st.CPUSeconds, err == nil
}

// add starts following a worker process.
func (s *clientCPUSampler) add(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cpu, ok := s.read(pid); ok {
		s.prev[pid] = cpu
	}
}

// tick closes an interval; count says whether it counts towards the
// decision (the players are playing, not joining).
func (s *clientCPUSampler) tick(now time.Time, count bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dt := now.Sub(s.prevAt).Seconds()
	s.prevAt = now
	if dt <= 0 {
		return
	}
	pcts := make([]float64, 0, len(s.prev))
	for pid, before := range s.prev {
		cpu, ok := s.read(pid)
		if !ok { // a worker that has exited
			delete(s.prev, pid)
			continue
		}
		s.prev[pid] = cpu
		pcts = append(pcts, (cpu-before)/dt*100)
	}
	if !count {
		return
	}
	for _, p := range pcts {
		s.peakPct = max(s.peakPct, p)
	}
	if clientSaturated(pcts, s.cores) {
		s.saturated = true
	}
}

func (s *clientCPUSampler) result() (peakPct float64, saturated bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakPct, s.saturated
}
