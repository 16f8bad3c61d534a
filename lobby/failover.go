package lobby

import (
	"context"
	"encoding/json"
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

// inputTime is the engine time at which in is applied: when it was submitted
// (in.At, stamped by the instance that read it), never later than now and
// never before the previous input. In normal running that is a millisecond
// before now. When a new owner replays the inputs of a dead one, it is when
// they really happened, so an answer the old owner accepted before the
// deadline is accepted again even if the deadline passed during the takeover.
func (r *room) inputTime(in input) time.Time {
	now := time.Now()
	t := in.At
	if t.IsZero() || t.After(now) {
		t = now // no stamp, or the other instance's clock runs ahead
	}
	if t.Before(r.lastInputAt) {
		t = r.lastInputAt
	}
	r.lastInputAt = t
	return t
}

// replayBacklog applies the inputs already in the log after the snapshot
// before the actor looks at its timer: a room taken over after its question's
// deadline must replay the answers the old owner accepted (at their own
// time, see inputTime) before the timer closes the question. Whatever it
// cannot read now, the pump delivers next.
func (r *room) replayBacklog(ctx context.Context) {
	for ctx.Err() == nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ins, err := r.l.bus.ReadInputs(c, r.pin, r.lastInput, 256, 0)
		cancel()
		if err != nil || len(ins) == 0 {
			return
		}
		for _, raw := range ins {
			var in input
			if err := json.Unmarshal(raw.Data, &in); err != nil {
				r.lastInput = raw.ID
				r.log.Error().Err(err).Str("input", raw.ID).Msg("undecodable input skipped")
				continue
			}
			in.ID = raw.ID
			r.apply(in)
		}
		r.flush(ctx)
	}
}
