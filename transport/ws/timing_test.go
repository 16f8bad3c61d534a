package ws

import (
	"testing"
	"time"
)

func TestFairResponseTakesOffTheWholeRoundTrip(t *testing.T) {
	w := time.Unix(100, 0)
	ms := time.Millisecond
	for _, tc := range []struct {
		name                    string
		elapsed, minRTT, capped time.Duration
		want                    time.Duration
	}{
		// The question goes down in RTT/2 and the answer comes up in RTT/2:
		// a 2 s reaction on a 300 ms link is read 2.3 s after the write.
		{"300ms link", 2300 * ms, 300 * ms, time.Second, 2000 * ms},
		{"5ms link", 2005 * ms, 5 * ms, time.Second, 2000 * ms},
		{"no sample yet", 2000 * ms, 0, time.Second, 2000 * ms},
		{"capped", 2300 * ms, 300 * ms, 250 * ms, 2050 * ms},
		{"pongs held back gain at most the cap", 2000 * ms, 5 * time.Second, 250 * ms, 1750 * ms},
		{"never negative", 100 * ms, 200 * ms, time.Second, 0},
	} {
		if got := fairResponse(w, w.Add(tc.elapsed), tc.minRTT, tc.capped); got != tc.want {
			t.Errorf("%s: fairResponse(%v, rtt %v, cap %v) = %v, want %v", tc.name, tc.elapsed, tc.minRTT, tc.capped, got, tc.want)
		}
	}
}

func TestResponseTimeUsesMinRTTAndFirstWrite(t *testing.T) {
	c := &conn{s: &Server{cfg: Config{}.withDefaults()}}
	for _, d := range []time.Duration{300, 120, 200} {
		c.addRTT(d * time.Millisecond)
	}
	if got := c.minRTT(); got != 120*time.Millisecond {
		t.Fatalf("minRTT %v", got)
	}
	w := time.Now()
	c.shown(0, w)
	c.shown(0, w.Add(time.Second)) // re-shown (a state): the clock does not restart
	if c.written[0].at != w || c.nwritten != 1 {
		t.Fatalf("second showing recorded: %+v", c.written)
	}
	if got := c.responseTime(0, w.Add(2*time.Second)); got != 2*time.Second-120*time.Millisecond {
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
	for q := 1; q <= writtenSlots; q++ {
		c.shown(q, w)
	}
	if got := c.responseTime(0, w.Add(time.Hour)); got != 0 {
		t.Fatalf("a question %d writes ago is still remembered: %v", writtenSlots, got)
	}
}

// TestPingsSpaceOutOnceTheRoundTripIsKnown: a connection is pinged every
// PingInterval until it has a full set of round trips for fair timing, and
// steadyPingFactor times less often after.
func TestPingsSpaceOutOnceTheRoundTripIsKnown(t *testing.T) {
	c := &conn{s: &Server{cfg: Config{PingInterval: 5 * time.Second}.withDefaults()}}
	for i := range rttSamples {
		if got := c.pingInterval(); got != 5*time.Second {
			t.Fatalf("after %d round trips: next ping in %v, want 5s", i, got)
		}
		c.addRTT(20 * time.Millisecond)
	}
	if got := c.pingInterval(); got != 15*time.Second {
		t.Fatalf("after %d round trips: next ping in %v, want 15s", rttSamples, got)
	}
}
