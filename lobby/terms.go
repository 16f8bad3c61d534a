package lobby

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
)

// Ownership terms in the room (issue 17). The owner runs the room in one term: taken with the
// lease when it creates the room (ClaimRoom) or takes it over (TakeOver),
// renewed with it (RenewTerm), and checked inside the store on every output
// (PublishFenced) and on every close it decides (AppendInputFenced). An
// owner whose term ended (a pause past its lease, a Redis that stalled
// while another instance took over) has its writes refused there, so no
// client ever sees its outputs: its local connections included, because
// the view delivers only what came back through the Bus.

// claim takes the first term of the new room r.
func (l *Lobby) claim(ctx context.Context, r *room) error {
	t, err := l.bus.ClaimRoom(ctx, r.pin, r.meta.Game, l.cfg.Instance, l.cfg.LeaseTTL)
	if err != nil {
		return wire.Unavailable("cannot claim the new room", err)
	}
	r.term = t
	return nil
}

// takeOver takes the lease of the restored room r and its next term. It
// reports false, with no error, when another instance was first. A room the
// store forgot is unknown_game: nothing is created for it.
func (l *Lobby) takeOver(ctx context.Context, r *room) (bool, error) {
	t, err := l.bus.TakeOver(ctx, r.pin, l.cfg.Instance, l.cfg.LeaseTTL)
	switch {
	case errors.Is(err, ErrLeaseHeld):
		return false, nil
	case errors.Is(err, ErrRoomForgotten):
		return false, wire.Errorf(wire.CodeUnknownGame, "no game with PIN %s", r.pin)
	case err != nil:
		return false, wire.Unavailable("cannot take the room over", err)
	}
	r.term = t
	return true, nil
}

// publish sends out, fenced by the room's term. A refusal for a stale term
// stops the actor (another owner runs the room); a room the store forgot is
// written back at once (restoreForgotten).
func (r *room) publish(ctx context.Context, out Output) error {
	err := r.l.bus.PublishFenced(ctx, r.pin, r.term, out)
	r.termError(ctx, err)
	return err
}

// termError acts on what a fenced write found.
func (r *room) termError(ctx context.Context, err error) {
	switch {
	case errors.Is(err, ErrStaleTerm):
		r.log.Warn().Uint64("term", uint64(r.term)).Msg("term ended: another instance owns the room now")
		r.leaseLost = true
	case errors.Is(err, ErrRoomForgotten):
		r.restoreForgotten(ctx)
	}
}

// renewTerm is renew on a Bus with terms.
func (r *room) renewTerm(ctx context.Context) bool {
	c, cancel := context.WithTimeout(ctx, r.l.cfg.LeaseTTL/3)
	defer cancel()
	st, err := r.l.bus.RenewTerm(c, r.pin, r.l.cfg.Instance, r.term, r.l.cfg.LeaseTTL)
	if err != nil {
		r.log.Warn().Err(err).Msg("term renewal failed")
		return true
	}
	switch st {
	case TermHeld:
		return true
	case TermForgotten:
		r.restoreForgotten(ctx)
		return !r.roomLost
	default:
		r.log.Warn().Uint64("term", uint64(r.term)).Msg("term lost: another instance owns the room now")
		r.leaseLost = true
		return false
	}
}

// restoreForgotten writes the room back from memory after the store forgot
// it (a restart without persistence, a failover to an empty replica, a
// FLUSHALL): the game goes on in the same term with every answer this
// actor applied. When the PIN belongs to another game now, or another
// instance holds the room, the room is lost: the actor stops and every
// connection here gets room_lost (resume then answers unknown_game).
func (r *room) restoreForgotten(ctx context.Context) {
	data, err := r.encodeSnapshot()
	if err != nil {
		r.log.Error().Err(err).Msg("cannot encode the room to write it back")
		return
	}
	c, cancel := context.WithTimeout(ctx, r.l.cfg.LeaseTTL/3)
	defer cancel()
	err = r.l.bus.RestoreRoom(c, r.pin, r.l.cfg.Instance, r.l.cfg.LeaseTTL, RoomRestore{
		Game: r.meta.Game, Term: r.term, PINTTL: pinTTL,
		Snapshot: Snapshot{Data: data, LastInput: r.lastInput, Seq: r.outSeq},
	})
	switch {
	case err == nil:
		r.log.Warn().Uint64("term", uint64(r.term)).Msg("the bus forgot the room: written back from memory")
	case errors.Is(err, ErrRoomExists), errors.Is(err, ErrLeaseHeld):
		// Another instance restored or took it first, or it was never
		// forgotten (a stale read): ours is no longer the room's term.
		r.log.Warn().Err(err).Msg("room not written back: another term holds it")
		r.leaseLost = true
	case errors.Is(err, ErrPINTaken):
		r.log.Warn().Err(err).Msg("room lost: its PIN belongs to another game now")
		r.roomLost, r.leaseLost = true, true
	default:
		r.log.Warn().Err(err).Msg("cannot write the forgotten room back yet")
	}
}

// closeLostRoom closes this instance's connections of a lost room with
// room_lost.
func (l *Lobby) closeLostRoom(pin string) {
	l.mu.Lock()
	v := l.views[pin]
	l.mu.Unlock()
	if v != nil {
		v.close(CloseRoomLost)
	}
}

// stepKey names the timed step the engine is waiting for: its phase, its
// question and the deadline itself, so that a recorded step is never taken
// for a later one (an extended deadline, the next phase's).
func (r *room) stepKey() string {
	return fmt.Sprintf("%s/%d/%d", r.g.Phase(), r.g.QuestionIndex(), r.g.Deadline().UnixNano())
}

// recordClose records the timed step due now (a question's deadline close,
// the auto-advance from a reveal or leaderboard, a challenge's end) in the
// input log, fenced by the term, instead of taking it from the clock: the
// step is then one entry of the log, after the inputs that came before it
// and before the ones that did not, and it is applied when the pump reads
// it back (apply advances the engine to the recorded deadline). An owner
// that replays the log (a takeover) takes the step at the same place: each
// step once, in one term, and what clients see of it is that one. While the
// record fails (the store does not answer) the step waits and the record is
// tried again.
func (r *room) recordClose(ctx context.Context) {
	q, step := r.g.QuestionIndex(), r.stepKey()
	data, err := encodeInput(input{Op: opClose, Q: q, Step: step, At: r.g.Deadline(), Origin: r.l.cfg.Instance})
	if err != nil {
		r.log.Error().Err(err).Msg("cannot encode the close")
		return
	}
	c, cancel := context.WithTimeout(ctx, closeRecordTimeout)
	defer cancel()
	if _, err := r.l.bus.AppendInputFenced(c, r.pin, r.term, data); err != nil {
		r.log.Warn().Err(err).Str("step", step).Msg("cannot record the timed step yet")
		r.termError(ctx, err)
		r.closeRetry = time.Now().Add(closeRecordRetry)
		return
	}
	r.closing = step
}

// recordIdleEnd records the idle end (no input for Config.IdleTimeout) in
// the input log, fenced by the term, as recordClose records a timed step:
// the owner's clock decides that the room is idle, the log where the end
// falls. It names the last input applied when it was decided, and the end
// is applied only when it comes right after that input (idleEnd): an input
// appended meanwhile, which the owner had not read yet, keeps the room
// going, on the owner and on a replay alike. A record that fails is tried
// again at the next renewal.
func (r *room) recordIdleEnd(ctx context.Context) {
	data, err := encodeInput(input{Op: opIdle, Step: r.lastInput, At: time.Now(), Origin: r.l.cfg.Instance})
	if err != nil {
		r.log.Error().Err(err).Msg("cannot encode the idle end")
		return
	}
	c, cancel := context.WithTimeout(ctx, closeRecordTimeout)
	defer cancel()
	if _, err := r.l.bus.AppendInputFenced(c, r.pin, r.term, data); err != nil {
		r.log.Warn().Err(err).Msg("cannot record the idle end yet")
		r.termError(ctx, err)
		return
	}
	r.idleRecorded = r.lastInput
}

// idleEnd applies the recorded idle end in, read after the input prev.
func (r *room) idleEnd(in input, prev string, now time.Time) {
	if in.Step != prev {
		return // an input came between the decision and its record
	}
	r.log.Info().Msg("room idle: ending the game")
	evs, _ := r.g.End(now)
	r.handle(evs)
}

const (
	closeRecordTimeout = time.Second
	closeRecordRetry   = 200 * time.Millisecond
)

// appendInput appends an input from a connection here. It appends only to a room the store knows: an input to a game that ended
// long ago, or that the store forgot, recreates no key (the caller answers
// unavailable; the owner writes a forgotten room back, or the room is lost).
func (l *Lobby) appendInput(ctx context.Context, pin string, data []byte) error {
	_, err := l.bus.AppendInputLive(ctx, pin, data)
	return err
}

// ackConfirmBound bounds the owner's wait for ConfirmTerm before a batch
// with answer acks goes out.
const ackConfirmBound = 750 * time.Millisecond

// confirmAcks holds the batch's answer acks to what the owner can stand
// behind when Config.ConfirmAcks is set: its term still current and (on a
// replicated store) the inputs they acknowledge on enough replicas, checked
// after they were decided and before anyone hears of them. When that cannot
// be confirmed within ackConfirmBound, each ack goes out as unavailable
// instead (retryable): the answer stays applied, and the client's retry
// gets its first verdict (room.sameAnswer), never a second one.
func (r *room) confirmAcks(ctx context.Context) {
	if !r.l.cfg.ConfirmAcks {
		return
	}
	acks := 0
	for i := range r.items {
		if isAck(&r.items[i]) {
			acks++
		}
	}
	if acks == 0 {
		return
	}
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackConfirmBound)
	err := r.l.bus.ConfirmTerm(c, r.pin, r.term)
	cancel()
	if err == nil {
		return
	}
	r.log.Warn().Err(err).Int("acks", acks).Msg("acks not confirmed: answered unavailable")
	for i := range r.items {
		if it := &r.items[i]; isAck(it) {
			werr := wire.Unavailable("the room could not confirm the answer in time", nil)
			it.D = wire.Marshal(wire.ErrorMsg{Type: wire.TypeError, Re: replyRe(it.D), Seq: r.wireSeq, Code: werr.Code, Message: werr.Message})
		}
	}
	r.termError(ctx, err)
}

// isAck reports whether it is an answer's ack (a reply carrying when the
// answer was read).
func isAck(it *outItem) bool { return it.To == toRef && !it.Recv.IsZero() }
