package lobby

import (
	"testing"
	"time"
)

// Rooms whose work falls due at the same instant get slots one gap apart,
// in booking order, the first at the instant itself.
func TestPacerSpreadsWorkDueAtTheSameInstant(t *testing.T) {
	p := newPacer(2 * time.Millisecond)
	due := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for k := range 200 {
		if got, want := p.slot(due), due.Add(time.Duration(k)*2*time.Millisecond); !got.Equal(want) {
			t.Fatalf("booking %d: slot %v, want %v", k, got.Sub(due), want.Sub(due))
		}
	}
}

// Work due after the last booking's gap runs when it is due: the pacer
// delays only work that would pile up.
func TestPacerLeavesSpreadOutWorkOnTime(t *testing.T) {
	p := newPacer(2 * time.Millisecond)
	due := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for k := range 10 {
		at := due.Add(time.Duration(k) * 5 * time.Millisecond)
		if got := p.slot(at); !got.Equal(at) {
			t.Fatalf("booking %d due at +%v: slot at +%v", k, at.Sub(due), got.Sub(due))
		}
	}
	// Due within the gap after the last slot: moved to the gap's end.
	last := due.Add(45 * time.Millisecond)
	if got := p.slot(last.Add(time.Millisecond)); !got.Equal(last.Add(2 * time.Millisecond)) {
		t.Fatalf("booking within the gap: slot at +%v, want +47ms", got.Sub(due))
	}
}
