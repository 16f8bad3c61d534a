package lobby

import (
	"sync"
	"time"
)

// Periodic and after-the-fact work that every room does on its own clock
// (the snapshot after a phase change, the lease renewal with its heartbeat
// and dirty snapshot) lands at the same instant in every room whose clocks
// started together: 200 games created in the same second renew in the same
// millisecond every LeaseTTL/3, and games driven in step snapshot together
// snapshotDelay after each phase change. That burst of encodes and Bus
// writes is what a player's answer, or the next question's fan-out, then
// waits behind. A pacer is the rooms' shared schedule for one kind of work:
// each room books a slot for when its work is due and gets the first free
// one, at least gap after the last one booked, so the work spreads out
// instead of piling up. It has no goroutine: rooms keep their own timer,
// armed for the slot.
type pacer struct {
	gap time.Duration

	mu   sync.Mutex
	next time.Time // the earliest instant not booked yet
}

// Gaps between two rooms' work of one kind: a 50-player room's snapshot
// encodes in tens of microseconds; a few hundred rooms doing it in step
// spread over a few hundred milliseconds (the input log covers anything a
// later snapshot has not). A renewal may move by up to a gap per room
// renewing in the same instant, far inside the lease's TTL.
const (
	snapshotGap = 2 * time.Millisecond
	renewGap    = time.Millisecond
)

func newPacer(gap time.Duration) *pacer { return &pacer{gap: gap} }

// slot books the work due at due and returns when it runs: due itself when
// nothing booked is within gap before it, else the first free slot after
// the latest booking. Work of one kind is booked with the same delay from
// now, so bookings come in nearly due order and a slot is never far off.
func (p *pacer) slot(due time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if due.Before(p.next) {
		due = p.next
	}
	p.next = due.Add(p.gap)
	return due
}
