package lobby

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// run is the actor. It returns when the game ends, when the lease is lost,
// or when ctx ends (shutdown: the room stays on the Bus for another instance).
func (r *room) run(ctx context.Context) {
	defer func() {
		if r.roomLost {
			r.l.closeLostRoom(r.pin)
		}
	}()
	r.replayBacklog(ctx)
	if r.l.localLog == nil {
		// A remote log is read by a goroutine of its own, blocked in
		// ReadInputs; an in-process one by the actor (logGrown below).
		defer r.startPump(ctx)()
	}

	r.renewAt = r.l.renewSlots.slot(time.Now().Add(r.l.cfg.LeaseTTL / 3))
	var t actorTimers
	defer t.stop()
	for !r.ended && !r.leaseLost {
		fire, notes, snap, renew := t.arm(r)
		select {
		case <-ctx.Done():
			r.release()
			return
		case <-snap:
			t.snapshot.fired()
			r.snapshotAt = time.Time{}
			r.dirty = false
			if err := r.saveSnapshot(ctx); err != nil {
				r.log.Warn().Err(err).Msg("snapshot failed")
			}
		case batch := <-r.inputs:
			// The whole intake in one step: every input waiting now
			// (a burst of answers, thousands of them) is applied, then
			// acknowledged and broadcast as one output.
			r.applyAll(batch)
			for range len(r.inputs) {
				r.applyAll(<-r.inputs)
			}
			r.flush(ctx)
		case <-r.logGrown:
			r.readLocal(ctx)
		case q := <-r.queries:
			q()
		case <-notes:
			t.notes.fired()
			r.flush(ctx)
		case <-fire:
			t.deadline.fired()
			r.recordClose(ctx)
		case <-renew:
			t.renew.fired()
			r.renewAt = r.l.renewSlots.slot(time.Now().Add(r.l.cfg.LeaseTTL / 3))
			if !r.renew(ctx) {
				return
			}
			r.onRenewed(ctx)
		}
	}
}

// actorTimers are the room's four one-shot timers: the phase deadline (or
// the retry of recording a close), the host-note throttle, the snapshot
// after a phase change and the lease renewal (the last two at the slots the
// lobby's pacers gave them, see pacer.go). Each turn of the loop sets them to their due times;
// a timer already armed for the same instant is left alone, so a burst of
// answers (one turn each) costs no timer operation at all (resetting three
// timers per turn in 200 rooms was 5% of the server's CPU).
type actorTimers struct {
	deadline, notes, snapshot, renew oneShot
}

// arm sets each timer that has a due time and returns its channel; a nil
// channel (nothing due) never fires in a select.
func (t *actorTimers) arm(r *room) (fire, notes, snap, renew <-chan time.Time) {
	var deadline time.Time
	if d := r.g.Deadline(); !d.IsZero() && (r.closing == "" || r.closing != r.stepKey()) { // stepKey formats: not on every turn
		if r.closeRetry.After(d) {
			d = r.closeRetry
		}
		deadline = d
	}
	return t.deadline.set(deadline), t.notes.set(r.noteDue()), t.snapshot.set(r.snapshotAt), t.renew.set(r.renewAt)
}

func (t *actorTimers) stop() {
	t.deadline.set(time.Time{})
	t.notes.set(time.Time{})
	t.snapshot.set(time.Time{})
	t.renew.set(time.Time{})
}

// oneShot is a timer armed for one instant at a time.
type oneShot struct {
	t  *time.Timer
	at time.Time // the instant armed and not yet received; zero: none
}

// set arms the timer for at (the zero time disarms it) and returns its
// channel, nil when disarmed.
func (o *oneShot) set(at time.Time) <-chan time.Time {
	if at.IsZero() {
		if !o.at.IsZero() {
			o.t.Stop()
			o.at = time.Time{}
		}
		return nil
	}
	if !o.at.Equal(at) {
		d := max(time.Until(at), 0)
		if o.t == nil {
			o.t = time.NewTimer(d)
		} else {
			o.t.Reset(d)
		}
		o.at = at
	}
	return o.t.C
}

// fired records that the timer's value was received: the next set arms it
// again even for the same instant.
func (o *oneShot) fired() { o.at = time.Time{} }

func (r *room) replyError(in input, err error) {
	var werr *wire.Error
	if !errors.As(engineError(err), &werr) {
		r.log.Error().Err(err).Str("op", in.Op).Msg("internal error")
		werr = wire.Internal(err)
	}
	frame := wire.Marshal(wire.ErrorMsg{Type: wire.TypeError, Re: in.Re, Seq: r.wireSeq, Code: werr.Code, Message: werr.Message})
	it := outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: frame}
	if isAttach(in.Op) {
		it.Code, it.Msg = werr.Code, werr.Message
	}
	r.add(it)
}

func isAttach(op string) bool { return wire.FirstMessages[op] }

func (r *room) applyAll(batch []input) {
	for _, in := range batch {
		r.apply(in)
	}
}

// apply runs one input through the engine. Timers due by now fire first, so
// an answer read after the deadline finds the question closed.
func (r *room) apply(in input) {
	if r.alreadyPublished(in.ID) {
		defer r.dropItemsSince(len(r.items))
	}
	prev := r.lastInput
	r.lastInput = in.ID
	if in.Counted && in.Origin == r.l.cfg.Instance {
		r.pending.Add(-1)
	}
	now := r.inputTime(in)
	if in.Op != opIdle { // the owner's record that nothing came
		r.lastActivity = now
	}
	r.handle(r.g.Advance(now))

	switch in.Op {
	case opIdle:
		r.idleEnd(in, prev, now)
	case wire.TypeHost:
		if !tokenMatches(r.meta.HostTokenHash, in.Token) {
			r.replyError(in, wire.Errorf(wire.CodeBadHostToken, "the host token does not match this game"))
			return
		}
		r.welcome(in, wire.RoleHost, "", "")
	case wire.TypeDisplay:
		r.welcome(in, wire.RoleDisplay, "", "")
	case wire.TypeJoin:
		r.join(in, now)
	case wire.TypeResume:
		r.resume(in, now)
	case wire.TypeAnswer:
		r.answer(in, now)
	case wire.TypeSync:
		if r.l.localConnGone(r.pin, in.Origin, in.Ref) {
			return
		}
		st := r.state(in.Role, in.Player, now)
		st.Type, st.Seq, st.Re = wire.TypeState, r.wireSeq, in.Re
		r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: wire.Marshal(st), Q: r.questionShownTo(in.Player)})
	case wire.TypeLeave:
		r.leave(in, now)
	case opDetach:
		if b, ok := r.bindings[in.Player]; ok && b == (binding{in.Origin, in.Ref}) {
			delete(r.bindings, in.Player)
			evs, _ := r.g.Disconnect(in.Player, now)
			r.handle(evs)
		}
	case opResync:
		r.resyncAll(now)
	case opClose:
		// Advance(now) above took the step at its recorded place; a
		// deadline extended since the record keeps the phase, and the
		// timer records the new step.
		if r.closing == in.Step {
			r.closing = ""
		}
	default:
		r.applyCommand(in, now) // lobby/commandids.go
	}
}

func (r *room) join(in input, now time.Time) {
	if r.repeatedJoin(in) {
		return
	}
	evs, err := r.g.JoinTeam(in.Player, in.Nickname, in.Team, now) // issue 15: team picked on join
	if err != nil {
		r.replyError(in, err)
		return
	}
	r.meta.Tokens[hashToken(in.Token)] = in.Player
	r.bindings[in.Player] = binding{in.Origin, in.Ref}
	r.handle(evs)
	r.welcome(in, wire.RolePlayer, in.Player, in.Token)
}

// resume gives a player back their seat: a connection that comes back, or
// a player who left and returns with their token. The connection it
// replaces is closed.
func (r *room) resume(in input, now time.Time) {
	pid, ok := r.meta.Tokens[hashToken(in.Token)]
	if !ok {
		r.replyError(in, wire.Errorf(wire.CodeBadResumeToken, "the resume token does not match a player of this game"))
		return
	}
	ps, _ := r.g.Player(pid)
	var evs []game.Event
	var err error
	switch {
	case ps.Kicked:
		err = wire.Errorf(wire.CodeKicked, "you were removed from this game")
	case ps.Left:
		evs, err = r.g.Join(pid, ps.Nickname, now)
	default:
		evs, err = r.g.Reconnect(pid, now)
	}
	if err != nil {
		r.replyError(in, err)
		return
	}
	if old, ok := r.bindings[pid]; ok && old != (binding{in.Origin, in.Ref}) {
		r.add(outItem{To: toRef, Origin: old.origin, Ref: old.ref, Close: CloseReplaced})
	}
	r.bindings[pid] = binding{in.Origin, in.Ref}
	r.handle(evs)
	r.welcome(in, wire.RolePlayer, pid, in.Token)
}

func (r *room) leave(in input, now time.Time) {
	evs, err := r.g.Leave(in.Player, now)
	if err != nil {
		r.replyError(in, err)
		return
	}
	delete(r.bindings, in.Player)
	r.handle(evs)
	r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, Close: CloseLeft})
}

// maxCompensation bounds how much earlier than "now minus open" a response
// time may be: RTT and write lag are forgiven, a resume trick is not.
const maxCompensation = time.Second

func (r *room) answer(in input, now time.Time) {
	rt := in.RT
	// issue 15: a self-paced player's question opened on their own clock.
	if floor := in.Recv.Sub(r.g.OpenedAtFor(in.Player)) - maxCompensation; rt < floor {
		rt = floor
	}
	// Scored in whole milliseconds, the unit players see (answer_ack.response_ms).
	rt = rt.Truncate(time.Millisecond)
	evs, err := r.g.Answer(in.Player, in.Q, in.Answer, rt, r.l.cfg.AnswerGrace, now)
	ack := wire.AnswerAck{Type: wire.TypeAnswerAck, Re: in.Re, Seq: r.wireSeq, Q: in.Q}
	if err != nil && r.sameAnswer(in) {
		// The same answer again (a retry after an unavailable whose
		// append went through late): it gets the first verdict, so one
		// question never reads "accepted" and then "refused".
		ps, _ := r.g.Player(in.Player)
		ms := ps.ResponseTime.Milliseconds()
		ack.Accepted, ack.ResponseMs = true, &ms
		r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: encodeAck(ack), Recv: in.Recv})
		return
	}
	if err != nil {
		werr, _ := engineError(err).(*wire.Error)
		if werr == nil {
			werr = wire.Errorf(wire.CodeInternal, "internal error")
		}
		ack.Code, ack.Message = werr.Code, werr.Message
	} else {
		ack.Accepted = true
		for _, ev := range evs {
			if a, ok := ev.(game.AnswerAccepted); ok && a.Player == in.Player {
				ms := a.ResponseTime.Milliseconds()
				ack.ResponseMs = &ms
			}
		}
	}
	r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: encodeAck(ack), Recv: in.Recv})
	r.handle(evs)
}

// command applies a host command; the error is its refusal.
func (r *room) command(in input, now time.Time) error {
	var evs []game.Event
	var err error
	switch in.Op {
	case wire.TypeStart:
		evs, err = r.g.Start(now)
	case wire.TypeNext:
		evs, err = r.g.Next(now)
	case wire.TypeSkip:
		evs, err = r.g.Skip(now)
	case wire.TypePause:
		evs, err = r.g.Pause(now)
	case wire.TypeResumeGame:
		evs, err = r.g.Resume(now)
	case wire.TypeEnd:
		evs, err = r.g.End(now)
	case wire.TypeExtend:
		evs, err = r.g.Extend(time.Duration(in.Seconds)*time.Second, now)
	case wire.TypeLock, wire.TypeUnlock:
		evs, err = r.g.SetLocked(in.Op == wire.TypeLock, now)
	case wire.TypeMoveTeam, wire.TypeBalanceTeams: // issue 15 (lobby/teams.go)
		evs, err = r.teamCommand(in, now)
	case wire.TypeKick:
		evs, err = r.g.Kick(in.Target, now)
		if err == nil {
			delete(r.bindings, in.Target)
			frame := wire.Marshal(wire.ErrorMsg{Type: wire.TypeError, Seq: r.wireSeq, Code: wire.CodeKicked, Message: "the host removed you from the game"})
			r.add(outItem{To: toPlayer, Player: in.Target, D: frame, Close: CloseKicked})
		}
	}
	if err != nil {
		return err
	}
	r.handle(evs)
	return nil
}

func (r *room) welcome(in input, role string, pid game.PlayerID, token string) {
	now := time.Now()
	st := r.state(role, pid, now)
	w := wire.Welcome{Type: wire.TypeWelcome, Re: in.Re, Seq: r.wireSeq, Role: role, PIN: r.pin, ServerMs: now.UnixMilli(), State: st}
	if pid != "" {
		ps, _ := r.g.Player(pid)
		w.PlayerID, w.ResumeToken, w.Nickname = string(pid), token, ps.Nickname
	}
	r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: wire.Marshal(w), Role: role, Player: pid, Q: r.questionShownTo(pid)})
	if pid != "" && r.g.Phase() == game.PhasePodium {
		r.reviewAfterWelcome(in, pid)
	}
}

// reviewAfterWelcome sends a player who comes back at the podium (a phone
// that slept through the last reveal) their review, which the podium's
// broadcast gave everyone connected then: the welcome's state shows the
// podium but not what the player missed.
func (r *room) reviewAfterWelcome(in input, pid game.PlayerID) {
	res := r.g.Results()
	for _, p := range res.Players {
		if p.Player == pid {
			review := r.reviewOf(p, func(i int) game.Question { return res.Questions[i].Question })
			r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: review})
			return
		}
	}
}

// repeatedJoin answers a join the room already applied (the same player id
// and resume token: the instance sent it again because the welcome was lost)
// with the same player, instead of nickname_taken. It reports whether in was
// such a repeat.
func (r *room) repeatedJoin(in input) bool {
	ps, ok := r.g.Player(in.Player)
	if !ok || r.meta.Tokens[hashToken(in.Token)] != in.Player {
		return false
	}
	if ps.Kicked {
		r.replyError(in, wire.Errorf(wire.CodeKicked, "you were removed from this game"))
		return true
	}
	r.bindings[in.Player] = binding{in.Origin, in.Ref}
	r.welcome(in, wire.RolePlayer, in.Player, in.Token)
	return true
}

// sameAnswer reports whether in repeats the answer the player already gave
// to in.Q.
func (r *room) sameAnswer(in input) bool {
	if in.Q != r.g.QuestionIndex() {
		return false
	}
	ps, ok := r.g.Player(in.Player)
	return ok && ps.Answered && slices.Equal(ps.Answer.Choices, in.Answer.Choices) && ps.Answer.Text == in.Answer.Text
}
