package redisbus_test

import (
	"testing"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/redisbus"
)

// Stream ids order by their numbers, not their bytes.
func TestCompareInputs(t *testing.T) {
	b := redisbus.New(nil, redisbus.Options{})
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1-0", "1-0", 0},
		{"9-5", "10-0", -1},
		{"10-2", "10-10", -1},
		{"1795885781815-0", "1795885781815-1", -1},
		{"1795885781816-0", "1795885781815-9", 1},
		{lobby.InputStart, "1795885781815-0", -1},
		{"7", "12", -1},
	} {
		if got := b.CompareInputs(c.a, c.b); got != c.want {
			t.Errorf("CompareInputs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
