package lobby

import (
	"strconv"
	"testing"
)

// counterOrder is a Bus whose input ids are counters: all these tests need
// of a Bus is its order.
type counterOrder struct{ Bus }

func (counterOrder) CompareInputs(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x - y
}

// A new owner publishes nothing for the inputs the old one had published
// outputs for (an older snapshot replays them), and everything after.
func TestAlreadyPublishedDropsReplayedItems(t *testing.T) {
	l := &Lobby{bus: counterOrder{}}
	r := &room{l: l, ownerState: ownerState{published: "100"}}
	for _, c := range []struct {
		id   string
		want bool
	}{{"99", true}, {"100", true}, {"101", false}, {"1000", false}} {
		if got := r.alreadyPublished(c.id); got != c.want {
			t.Errorf("alreadyPublished(%q) = %v, want %v", c.id, got, c.want)
		}
	}
	if (&room{l: l}).alreadyPublished("1") {
		t.Error("a room that took nothing over drops outputs")
	}
	r.items = []outItem{{Ref: 1}, {Ref: 2}, {Ref: 3}}
	r.openQuestion, r.openItem = nil, 0
	r.dropItemsSince(1)
	if len(r.items) != 1 || r.items[0].Ref != 1 {
		t.Errorf("items after dropItemsSince(1) = %+v", r.items)
	}
}
