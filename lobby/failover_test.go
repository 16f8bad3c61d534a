package lobby

import "testing"

func TestCompareInputIDs(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1-0", "1-0", 0},
		{"9-5", "10-0", -1}, // by number, not by bytes
		{"10-2", "10-10", -1},
		{"1795885781815-0", "1795885781815-1", -1},
		{"1795885781816-0", "1795885781815-9", 1},
		{InputStart, "1795885781815-0", -1},
		{"7", "12", -1}, // plain counters
	}
	for _, c := range cases {
		if got := compareInputIDs(c.a, c.b); got != c.want {
			t.Errorf("compareInputIDs(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// A new owner publishes nothing for the inputs the old one had published
// outputs for (an older snapshot replays them), and everything after.
func TestAlreadyPublishedDropsReplayedItems(t *testing.T) {
	r := &room{ownerState: ownerState{published: "100-3"}}
	for _, c := range []struct {
		id   string
		want bool
	}{{"99-0", true}, {"100-3", true}, {"100-4", false}, {"101-0", false}} {
		if got := r.alreadyPublished(c.id); got != c.want {
			t.Errorf("alreadyPublished(%q) = %v, want %v", c.id, got, c.want)
		}
	}
	if (&room{}).alreadyPublished("1-0") {
		t.Error("a room that took nothing over drops outputs")
	}
	r.items = []outItem{{Ref: 1}, {Ref: 2}, {Ref: 3}}
	r.openQuestion, r.openItem = nil, 0
	r.dropItemsSince(1)
	if len(r.items) != 1 || r.items[0].Ref != 1 {
		t.Errorf("items after dropItemsSince(1) = %+v", r.items)
	}
}
