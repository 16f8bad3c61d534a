package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/quizroom/quizroom/cmd/internal/gcdefaults"
	"github.com/quizroom/quizroom/cmd/quizload/internal/floor"
	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
)

// fdReserve is what a process keeps for the runtime, pipes, /proc reads and
// the host connections, out of its file-descriptor limit.
const fdReserve = 200

// socketsPerProcess is how many player sockets one client process opens: its
// file-descriptor limit (raised from the soft to the hard limit) less a
// reserve. Here the hard limit is 20,000, so about 19,800.
func socketsPerProcess() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 1000
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim) // best effort; Cur tells what we got
		syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return max(int(lim.Cur)-fdReserve, 100)
}

// runWorker plays one shard read from stdin as JSON. It prints "joined N"
// lines as players join and ends with "result {json}".
func runWorker(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	var job loadclient.Job
	if err := json.NewDecoder(stdin).Decode(&job); err != nil {
		return fmt.Errorf("worker: reading job: %w", err)
	}
	var mu sync.Mutex
	last := time.Time{}
	res, err := loadclient.RunShard(ctx, job, func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		if n == int64(job.Count) || time.Since(last) > 100*time.Millisecond {
			last = time.Now()
			fmt.Fprintf(stdout, "joined %d\n", n)
		}
	})
	if err != nil {
		return err
	}
	data, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "result %s\n", data)
	return err
}

// spawnWorker runs a shard in a child process of this same binary and tells
// started its pid (for the client's CPU sampling).
func spawnWorker(ctx context.Context, job loadclient.Job, onJoined func(int64), started func(pid int)) (*loadclient.Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	jobData, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "worker")
	cmd.Stdin = strings.NewReader(string(jobData))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if started != nil {
		started(cmd.Process.Pid)
	}
	stopOnCancel := context.AfterFunc(ctx, func() { cmd.Process.Signal(os.Interrupt) })
	defer stopOnCancel()
	var res *loadclient.Result
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "joined "); ok {
			if v, err := strconv.ParseInt(n, 10, 64); err == nil {
				onJoined(v)
			}
		} else if data, ok := strings.CutPrefix(line, "result "); ok {
			res = new(loadclient.Result)
			if err := json.Unmarshal([]byte(data), res); err != nil {
				res = nil
			}
		}
	}
	waitErr := cmd.Wait()
	if res == nil {
		return nil, fmt.Errorf("worker (pid %d) gave no result: %v", cmd.Process.Pid, waitErr)
	}
	return res, nil
}

// runFloorCmd serves the floor until interrupted, printing its URL first.
func runFloorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("floor", stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	// The floor collects garbage as the server does: a floor must not be
	// slower than the product for a setting the product chose.
	gcdefaults.Apply(os.Getenv)
	srv := floor.New()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	hs.Shutdown(shutdownCtx)
	srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
