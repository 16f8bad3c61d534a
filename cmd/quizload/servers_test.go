package main

import (
	"os"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestPinThreadsMovesEveryThread: pinning the client must move every thread
// of the process, not only the caller's (sched_setaffinity(0) alone left 10
// of 11 threads free to run on the server's core).
func TestPinThreadsMovesEveryThread(t *testing.T) {
	var orig unix.CPUSet
	if err := unix.SchedGetaffinity(0, &orig); err != nil {
		t.Fatal(err)
	}
	// Threads parked on locked goroutines: there are surely several.
	release := make(chan struct{})
	started := make(chan struct{})
	for range 4 {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			started <- struct{}{}
			<-release
		}()
	}
	for range 4 {
		<-started
	}
	defer close(release)

	// One CPU of the process's set: a mask every thread visibly lacks now
	// when the set has more than one, the same set otherwise.
	var one unix.CPUSet
	for c := range 1024 {
		if orig.IsSet(c) {
			one.Set(c)
			break
		}
	}
	if err := pinThreads(&one); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := pinThreads(&orig); err != nil {
			t.Errorf("restoring the CPU set: %v", err)
		}
	}()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) < 5 {
		t.Fatalf("%d threads, want at least 5 for the test to mean anything", len(tasks))
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		var got unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &got); err != nil {
			continue // exited meanwhile
		}
		if got != one {
			t.Errorf("thread %d keeps CPU set %v, want %v", tid, got, one)
		}
	}
}
