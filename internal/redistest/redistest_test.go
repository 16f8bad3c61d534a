package redistest

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping after start: %v", err)
	}
	s.Stop()
	if err := ping(s.Addr); err == nil {
		t.Fatal("ping answered after Stop")
	}
	if s.Running() {
		t.Fatal("Running after Stop")
	}
	s.Restart()
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	s.Stop()
	s.Stop() // idempotent
}

func TestTwoServersGetDifferentPorts(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Port == b.Port {
		t.Fatalf("both servers on port %d", a.Port)
	}
	if a.Port == 6379 || b.Port == 6379 {
		t.Fatal("a test server took 6379")
	}
}

func TestPersistentKeepsDataAcrossRestart(t *testing.T) {
	s := StartPersistent(t)
	if err := do(s.Addr, "SET k v\r\n", "+OK"); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	s.Restart()
	if err := do(s.Addr, "GET k\r\n", "$1"); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestPasswordAndSentinelServers(t *testing.T) {
	pw := StartWithPassword(t, "s3cret")
	if err := ping(pw.Addr); err == nil {
		t.Fatal("a server with a password answered PING without it")
	}
	if err := do(pw.Addr, "AUTH s3cret\r\n", "+OK"); err != nil {
		t.Fatal(err)
	}
	s := StartSentinel(t)
	if err := do(s.Addr, "SENTINEL get-master-addr-by-name nosuch\r\n", "*-1"); err != nil {
		t.Fatal(err)
	}
}
