package ws

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAddrLimiterSlowsGuessesNotPlayers(t *testing.T) {
	l := NewAddrLimiter(1000, 1000, 1, 3)
	for i := range 100 {
		if !l.Allow("10.0.0.1") {
			t.Fatalf("attempt %d from one address refused without misses", i)
		}
	}
	for range 3 {
		l.Miss("10.0.0.2")
	}
	if l.Allow("10.0.0.2") {
		t.Fatal("a fourth guess within the burst was allowed")
	}
	if !l.Allow("10.0.0.1") {
		t.Fatal("another address was limited")
	}
	var none *AddrLimiter
	if !none.Allow("x") {
		t.Fatal("a nil limiter refuses")
	}
}

func TestMinRTTAndCompensationCap(t *testing.T) {
	c := &conn{s: &Server{cfg: Config{}.withDefaults()}, written: map[int]time.Time{}}
	for _, d := range []time.Duration{300, 120, 200} {
		c.addRTT(d * time.Millisecond)
	}
	if got := c.minRTT(); got != 120*time.Millisecond {
		t.Fatalf("minRTT %v", got)
	}
	w := time.Unix(100, 0)
	c.written[0] = w
	if got := c.responseTime(0, w.Add(2*time.Second)); got != 2*time.Second-60*time.Millisecond {
		t.Fatalf("response time %v", got)
	}
	c.addRTT(2 * time.Second)
	for range rttSamples {
		c.addRTT(time.Second) // a client delaying pongs
	}
	if got := c.responseTime(0, w.Add(2*time.Second)); got != 2*time.Second-250*time.Millisecond {
		t.Fatalf("compensation not capped: %v", got)
	}
	if got := c.responseTime(1, w); got != 0 {
		t.Fatalf("unknown question: %v", got)
	}
}
