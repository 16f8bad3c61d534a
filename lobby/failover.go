package lobby

import (
	"context"
	"time"
)

// WatchOwners keeps the rooms this instance follows (has connections to)
// owned. Every interval it checks each such room that does not run here and,
// when no instance holds its lease (the owner died and the lease lapsed, or it
// shut down and released it), takes the room over through ensureOwner:
// restore the snapshot, replay the inputs after it. So players already
// connected here see the game go on without reconnecting.
//
// It returns when ctx ends. Run it once per Lobby on a shared Bus (Redis);
// with the in-memory Bus there is no other instance to take over from.
// Takeover latency is at most the lease TTL plus interval.
func (l *Lobby) WatchOwners(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.mu.Lock()
		if l.closing {
			l.mu.Unlock()
			return
		}
		pins := make([]string, 0, len(l.views))
		for pin := range l.views {
			if _, local := l.rooms[pin]; !local {
				pins = append(pins, pin)
			}
		}
		l.mu.Unlock()
		for _, pin := range pins {
			c, cancel := context.WithTimeout(ctx, max(interval, time.Second))
			if err := l.ensureOwner(c, pin); err != nil {
				l.log.Debug().Err(err).Str("pin", pin).Msg("owner check failed")
			}
			cancel()
		}
	}
}

// emptyOutput is a batch with no items: receivers deliver nothing.
var emptyOutput = []byte(`{"i":[]}`)

// heartbeat publishes an empty output with the next sequence number. Pub/sub
// loss is only visible at the next output, and a quiet room (a reveal
// waiting for the host) may have none for minutes: the heartbeat makes an
// instance that lost the room's last outputs see the gap, and resync its
// connections, within one lease renewal period.
func (r *room) heartbeat(ctx context.Context) {
	r.outSeq++
	c, cancel := context.WithTimeout(ctx, r.l.cfg.LeaseTTL/3)
	defer cancel()
	// A failed publish still moved outSeq: the next output shows the gap.
	_ = r.l.bus.Publish(c, r.pin, Output{Seq: r.outSeq, Data: emptyOutput})
}
