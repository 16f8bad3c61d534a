package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReadyzFailsDuringTheDrain: on SIGTERM the instance answers /readyz
// with 503 while its connections drain (docs/operations.md), so a load
// balancer polling it stops routing there; the listener does not just
// vanish.
func TestReadyzFailsDuringTheDrain(t *testing.T) {
	base, stop := startServer(t, "--drain", "2s")
	if got := status(t, base+"/readyz"); got != http.StatusOK {
		t.Fatalf("/readyz before shutdown = %d", got)
	}
	// A WebSocket client that never reads: the server's goodbye waits for
	// it until the drain time is over.
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = c.Write([]byte("GET /ws HTTP/1.1\r\nHost: quizroom\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: quizroom.v1\r\n\r\n"))
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.Contains(line, " 101 ") {
		t.Fatalf("upgrade: %q %v", line, err)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	for {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			t.Fatalf("/readyz during the drain: %v (want 503 until the drain is over)", err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/readyz during the drain = %d, want 503", resp.StatusCode)
		}
		time.Sleep(5 * time.Millisecond) // polling as a balancer would
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}
