package ws

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAddrLimiterSlowsGuessesNotPlayers(t *testing.T) {
	l := NewAddrLimiter(1000, 1000, 1, 3)
	for i := range 100 {
		if !l.Allow("10.0.0.1", "123456") {
			t.Fatalf("attempt %d from one address refused without misses", i)
		}
	}
	for range 3 {
		l.Miss("10.0.0.2")
	}
	for i := range GraceLookups {
		if !l.Allow("10.0.0.2", fmt.Sprint(i)) {
			t.Fatalf("grace lookup %d refused", i)
		}
		l.Miss("10.0.0.2")
	}
	if l.Allow("10.0.0.2", "123456") {
		t.Fatal("a guess past the budget and the grace was allowed")
	}
	if !l.Allow("10.0.0.1", "123456") {
		t.Fatal("another address was limited")
	}
	var none *AddrLimiter
	if !none.Allow("x", "123456") {
		t.Fatal("a nil limiter refuses")
	}
}
