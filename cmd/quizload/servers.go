package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// pinning decides which cores the servers and the client use. With taskset
// and two or more cores, servers run on core 0 and the client on the others.
type pinning struct {
	enabled bool
	server  string // taskset CPU list
}

func choosePinning(want bool) pinning {
	if !want || runtime.NumCPU() < 2 {
		return pinning{}
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return pinning{}
	}
	return pinning{enabled: true, server: "0"}
}

func (p pinning) String() string {
	if !p.enabled {
		return "none"
	}
	return fmt.Sprintf("server cpu %s, client cpus 1-%d (taskset / sched_setaffinity)", p.server, runtime.NumCPU()-1)
}

// pinClient moves this process (and the workers it starts) off the server's
// core, and sizes GOMAXPROCS to the cores left.
//
// sched_setaffinity(0) moves only the calling thread: the runtime's other
// threads stayed free to run on the server's core, so the client's reads
// and writes took the server's core in bursts, in the floor's runs and the
// server's alike (10 of a run's 11 threads were found on both cores). Every
// thread is moved, until a pass finds none left: a thread started meanwhile
// by one not moved yet inherits the old mask; one started by a moved thread
// inherits the new.
func (p pinning) pinClient() error {
	if !p.enabled {
		return nil
	}
	var set unix.CPUSet
	for c := 1; c < runtime.NumCPU(); c++ {
		set.Set(c)
	}
	if err := pinThreads(&set); err != nil {
		return err
	}
	runtime.GOMAXPROCS(p.clientCores())
	return nil
}

// pinThreads gives every thread of this process the CPU set.
func pinThreads(set *unix.CPUSet) error {
	for pass := 0; pass < 10; pass++ {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return unix.SchedSetaffinity(0, set) // no /proc: this thread at least
		}
		moved := 0
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			var cur unix.CPUSet
			if unix.SchedGetaffinity(tid, &cur) == nil && cur == *set {
				continue
			}
			if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("pin thread %d: %w", tid, err)
			}
			moved++
		}
		if moved == 0 {
			return nil
		}
	}
	return errors.New("pin the client: threads kept starting on the server's core")
}

// clientCores is how many cores the client may use.
func (p pinning) clientCores() int {
	if p.enabled {
		return runtime.NumCPU() - 1
	}
	return runtime.NumCPU()
}

func (p pinning) command(name string, args ...string) *exec.Cmd {
	if p.enabled {
		return exec.Command("taskset", append([]string{"-c", p.server, name}, args...)...)
	}
	return exec.Command(name, args...)
}

// child is a process quizload started and stops by its pid.
type child struct {
	name   string
	cmd    *exec.Cmd
	url    string
	pid    int // the server's own pid (taskset execs it, so it is cmd's pid)
	exited chan struct{}
}

// startChild starts cmd and watches for its exit.
func startChild(name string, cmd *exec.Cmd) (*child, error) {
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, pid: cmd.Process.Pid, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(c.exited) }()
	return c, nil
}

func (c *child) stop() {
	if c == nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// buildServer builds ./cmd/quizroom into dir.
func buildServer(ctx context.Context, dir string, out io.Writer) (string, error) {
	bin := filepath.Join(dir, "quizroom")
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/quizroom")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building ./cmd/quizroom (run quizload bench from the repository root): %w", err)
	}
	return bin, nil
}

// serverOptions are what a bench run passes to each quizroom instance.
type serverOptions struct {
	bin      string
	redisURL string
	extraEnv []string
	logTo    io.Writer
}

// startServer starts one quizroom instance on a free port and waits until it
// answers /healthz.
func startServer(ctx context.Context, pin pinning, opt serverOptions) (*child, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := pin.command(opt.bin, "serve")
	cmd.Env = append(os.Environ(),
		"QUIZROOM_ADDR="+addr,
		"QUIZROOM_LOG_LEVEL=warn",
	)
	if opt.redisURL != "" {
		cmd.Env = append(cmd.Env, "REDIS_URL="+opt.redisURL)
	}
	cmd.Env = append(cmd.Env, opt.extraEnv...)
	var log tailBuffer
	cmd.Stdout, cmd.Stderr = io.MultiWriter(opt.logTo, &log), io.MultiWriter(opt.logTo, &log)
	c, err := startChild("quizroom", cmd)
	if err != nil {
		return nil, err
	}
	c.url = "http://" + addr
	if err := waitHTTP(ctx, c.url+"/healthz", c.exited); err != nil {
		c.stop()
		return nil, fmt.Errorf("quizroom on %s: %w: %s", addr, err, strings.TrimSpace(log.String()))
	}
	return c, nil
}

// tailBuffer keeps the last few KiB a child wrote, to explain a failed start.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// startFloor re-executes quizload as the floor server.
func startFloor(ctx context.Context, pin pinning) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := pin.command(exe, "floor", "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	c, err := startChild("floor", cmd)
	if err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("floor: %w", err)
	}
	c.url = strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	go io.Copy(io.Discard, out)
	return c, nil
}

func waitHTTP(ctx context.Context, url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before answering %s", url)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("no answer from %s within 30s", url)
}

// startRedis starts a redis-server of our own on a free port.
func startRedis(ctx context.Context, dir string) (*child, string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", fmt.Errorf("redis-server not installed: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir)
	c, err := startChild("redis-server", cmd)
	if err != nil {
		return nil, "", err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return c, fmt.Sprintf("redis://127.0.0.1:%d/0", port), nil
		}
		select {
		case <-ctx.Done():
			c.stop()
			return nil, "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	c.stop()
	return nil, "", fmt.Errorf("redis-server on port %d did not start", port)
}

// moduleRoot is the nearest directory at or above the working directory
// holding go.mod: bench builds ./cmd/quizroom from there.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run quizload bench inside the repository")
		}
		dir = parent
	}
}
