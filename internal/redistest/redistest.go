package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a redis-server may take to say it is ready.
const startTimeout = 10 * time.Second

// Server is one redis-server child process owned by a test.
type Server struct {
	// Addr is host:port on loopback, stable across Restart.
	Addr string
	Port int

	tb  testing.TB
	bin string
	// dir, when set, holds an append-only file fsynced on every write, so
	// Stop and Restart keep the data (a Redis restarted for maintenance).
	dir string
	// extra are more redis-server arguments; password is the one they set
	// (the harness authenticates with it); sentinel runs a Redis Sentinel.
	extra    []string
	password string
	sentinel bool
	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{} // closed when the current process has exited
	log      *lockedBuffer
}

// Binary returns the path of redis-server, or fails (CI=true) or skips the
// test when there is none.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("redis-server not found on PATH (CI=true, so this is a failure): %v", err)
	}
	tb.Skipf("redis-server not found on PATH; install it (apt-get install redis-server) to run this test: %v", err)
	return ""
}

// Start launches a redis-server on a free loopback port and stops it when the
// test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, "")
}

// StartPersistent is Start with persistence: an append-only file in a
// temporary directory, fsynced on every write, so that data written before
// Stop is there after Restart.
func StartPersistent(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, tb.TempDir())
}

// StartWithPassword is Start for a server that requires password
// (requirepass), for tests of what a wrong one does.
func StartWithPassword(tb testing.TB, password string) *Server {
	tb.Helper()
	return startServer(tb, &Server{extra: []string{"--requirepass", password}, password: password})
}

// StartReplica launches a redis-server that replicates master
// (--replicaof); it accepts connections at once and syncs in the
// background. Its directory is a temporary one: a replica writes the
// master's RDB there, which any later server started in the working
// directory would load.
func StartReplica(tb testing.TB, master *Server) *Server {
	tb.Helper()
	return startServer(tb, &Server{extra: []string{"--replicaof", "127.0.0.1", strconv.Itoa(master.Port), "--dir", tb.TempDir()}})
}

// StartSentinel launches a Redis Sentinel that monitors no master, on its
// own port: every master name is unknown to it.
func StartSentinel(tb testing.TB) *Server {
	tb.Helper()
	return startServer(tb, &Server{sentinel: true, dir: tb.TempDir()})
}

func start(tb testing.TB, dir string) *Server {
	tb.Helper()
	return startServer(tb, &Server{dir: dir})
}

func startServer(tb testing.TB, s *Server) *Server {
	tb.Helper()
	s.tb, s.bin, s.log = tb, Binary(tb), &lockedBuffer{}
	var lastErr error
	// A free port can be taken between our probe and redis's bind; try again.
	for range 5 {
		port, err := freePort()
		if err != nil {
			tb.Fatalf("redistest: find a free port: %v", err)
		}
		s.Port = port
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.launch(); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("redistest: start redis-server: %v\n%s", lastErr, s.log.String())
	return nil
}

// URL is a REDIS_URL for this server (database 0).
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Running reports whether the process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Stop kills the process (SIGKILL by pid: an outage, not a shutdown) and waits
// for it to exit. It is safe to call when already stopped.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	// SIGKILL ends a stopped (SIGSTOP) process too.
	_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// Signal sends sig to the running process by its pid: SIGSTOP freezes the
// server (clients' connections stay open and unanswered, as with a stalled
// host), SIGCONT thaws it. It fails when the server is not running.
func (s *Server) Signal(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("redistest: server not running")
	}
	return syscall.Kill(s.cmd.Process.Pid, sig)
}

// Restart starts the server again on the same port after Stop. The data is
// gone (no persistence), as after a real crash of an unpersisted Redis.
func (s *Server) Restart() {
	s.tb.Helper()
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if running {
		s.tb.Fatalf("redistest: Restart while running; call Stop first")
	}
	var err error
	// The old socket may linger briefly; redis uses SO_REUSEADDR so a retry
	// only covers another process grabbing the port meanwhile.
	for range 3 {
		if err = s.launch(); err == nil {
			return
		}
	}
	s.tb.Fatalf("redistest: restart on %s: %v\n%s", s.Addr, err, s.log.String())
}

func (s *Server) launch() error {
	args := []string{
		"--port", strconv.Itoa(s.Port),
		"--bind", "127.0.0.1",
		"--daemonize", "no",
		"--protected-mode", "no",
		"--loglevel", "notice",
	}
	switch {
	case s.sentinel:
		// A sentinel needs a configuration file it can rewrite, and keeps
		// no data.
		conf := filepath.Join(s.dir, "sentinel.conf")
		if err := os.WriteFile(conf, nil, 0o600); err != nil {
			return err
		}
		args = append([]string{conf, "--sentinel"}, args...)
	case s.dir != "":
		args = append(args, "--save", "", "--dir", s.dir, "--appendonly", "yes", "--appendfsync", "always")
	default:
		args = append(args, "--save", "", "--appendonly", "no")
	}
	args = append(args, s.extra...)
	cmd := exec.Command(s.bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = s.log
	// Its own process group, so a Ctrl-C to `go test` does not race our kill.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			s.log.WriteString(line + "\n")
			// A sentinel announces its id instead once it listens.
			if !signalled && (strings.Contains(line, "Ready to accept connections") ||
				s.sentinel && strings.Contains(line, "Sentinel ID is")) {
				signalled = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(done)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-ready:
	case <-done:
		return fmt.Errorf("redis-server exited at start")
	case <-timer.C:
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return errors.New("redis-server not ready in time")
	}
	answers := ping
	if s.password != "" {
		answers = func(addr string) error { return do(addr, "AUTH "+s.password+"\r\n", "+OK") }
	}
	if err := answers(s.Addr); err != nil {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return fmt.Errorf("redis-server does not answer PING: %w", err)
	}
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	return nil
}

// ping speaks just enough RESP to see the server answer, without a client
// library in the harness.
func ping(addr string) error { return do(addr, "PING\r\n", "+PONG") }

// do sends one inline command and checks the first line of the reply.
func do(addr, cmd, want string) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(cmd)); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != want {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
