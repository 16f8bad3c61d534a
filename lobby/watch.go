package lobby

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
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
			err := l.ensureOwner(c, pin)
			var werr *wire.Error
			errors.As(err, &werr)
			l.noteLost(pin, werr != nil && werr.Code == wire.CodeUnknownGame)
			if werr != nil && werr.Code == wire.CodeGameEnded {
				l.finishEndedView(c, pin)
			} else if err != nil {
				l.log.Debug().Err(err).Str("pin", pin).Msg("owner check failed")
			}
			cancel()
		}
	}
}

// finishEndedView ends the view of a room whose game is over while the view
// still runs: the room's last output (the end) was lost, and an ended room
// publishes nothing more, not even a heartbeat, so no gap would ever show.
// It delivers the last output again (it holds "ended") and closes the view.
func (l *Lobby) finishEndedView(ctx context.Context, pin string) {
	l.mu.Lock()
	v := l.views[pin]
	l.mu.Unlock()
	if v == nil {
		return
	}
	if out, found, err := l.bus.LastOutput(ctx, pin); err == nil && found {
		var msg outMsg
		if json.Unmarshal(out.Bytes(), &msg) == nil {
			for i := range msg.Items {
				if msg.Items[i].End {
					break
				}
				v.deliver(&msg.Items[i])
			}
		}
	}
	l.log.Info().Str("pin", pin).Msg("game over but its end was lost here: closing")
	v.close(CloseGameOver)
}

// resubmitWaiting sends again the joins, host and display attaches waiting
// here for the room's answer: when outputs were lost, their welcome may have
// been among them. A join is idempotent (room.repeatedJoin): the room
// welcomes the same player again. Resumes are left to the client's retry.
func (v *view) resubmitWaiting() {
	v.mu.Lock()
	again := make(map[uint64]input, len(v.waiting))
	for ref, w := range v.waiting {
		switch w.in.Op {
		case wire.TypeJoin, wire.TypeHost, wire.TypeDisplay:
			again[ref] = w.in
		}
	}
	v.mu.Unlock()
	if len(again) == 0 {
		return
	}
	// Not on the dispatcher, or the actor with direct outputs: they must
	// keep delivering while these go out.
	v.goOff(func() {
		for ref, in := range again {
			ctx, cancel := context.WithTimeout(v.l.ctx, 2*time.Second)
			_ = v.submit(ctx, ref, in)
			cancel()
		}
	})
}

// noteLost tracks a room followed here that the Bus does not know any more
// (no lease holder, no snapshot: the store forgot it or it expired). Its
// owner, when alive, writes it back within a lease renewal period; when the
// room stays unknown for lostAfter lease periods, nobody holds it: every
// connection here gets room_lost, and a resume then answers unknown_game.
// Never silence.
func (l *Lobby) noteLost(pin string, unknown bool) {
	l.mu.Lock()
	if !unknown {
		delete(l.lost, pin)
		l.mu.Unlock()
		return
	}
	since, seen := l.lost[pin]
	if !seen {
		l.lost[pin] = time.Now()
	}
	gone := seen && time.Since(since) >= lostAfter*l.cfg.LeaseTTL
	if gone {
		delete(l.lost, pin)
	}
	l.mu.Unlock()
	if gone {
		l.log.Warn().Str("pin", pin).Msg("room lost: the bus forgot it and no instance holds it")
		l.closeLostRoom(pin)
	}
}

// lostAfter is how many lease periods a forgotten room is given for its
// owner to write it back.
const lostAfter = 2
