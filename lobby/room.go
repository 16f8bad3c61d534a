package lobby

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// roomMeta is what the room keeps beside the engine.
type roomMeta struct {
	HostTokenHash string                   `json:"host"`
	Tokens        map[string]game.PlayerID `json:"tokens"` // hash(resume token) -> player
}

// roomSnapshot is the room's encoding in lobby.Snapshot.Data.
type roomSnapshot struct {
	Meta            roomMeta           `json:"meta"`
	Game            json.RawMessage    `json:"game"`
	WireSeq         uint64             `json:"wire_seq"`
	PlayerCount     int                `json:"players"`
	LastReveal      *wire.Reveal       `json:"last_reveal,omitempty"`
	LastLeaderboard *wire.Leaderboard  `json:"last_leaderboard,omitempty"`
	LastPodium      *wire.Podium       `json:"last_podium,omitempty"`
	LastCount       *wire.AnswersCount `json:"last_count,omitempty"`
	// HandedOver: the final snapshot of an owner that stopped the planned
	// way; it published nothing after it (see continueSequences).
	HandedOver bool `json:"handed_over,omitempty"`
}

func decodeRoomSnapshot(data []byte) (roomSnapshot, error) {
	var rs roomSnapshot
	if err := json.Unmarshal(data, &rs); err != nil {
		return rs, fmt.Errorf("lobby: bad room snapshot: %w", err)
	}
	if rs.Meta.Tokens == nil {
		rs.Meta.Tokens = map[string]game.PlayerID{}
	}
	return rs, nil
}

type binding struct {
	origin string
	ref    uint64
}

// room is the actor of one game: run is its only goroutine touching g.
type room struct {
	l    *Lobby
	pin  string
	g    *game.Game
	meta roomMeta
	log  zerolog.Logger

	inputs  chan input
	pending atomic.Int64
	// players is playerCount for other goroutines (Lobby.Players).
	players atomic.Int64
	// queries run on the actor for readers on this instance (game info,
	// results), so they see the live game rather than the last snapshot.
	queries chan func()

	// Actor state.
	lastInput    string
	outSeq       uint64
	wireSeq      uint64
	playerCount  int
	bindings     map[game.PlayerID]binding
	lastReveal   *wire.Reveal
	lastBoard    *wire.Leaderboard
	lastPodium   *wire.Podium
	lastCount    *wire.AnswersCount
	metaJSON     []byte // encoded meta, valid while len(meta.Tokens) == metaTokens
	metaTokens   int
	countDirty   bool
	pendingJoins []wire.Player // joined, not yet announced to host and display
	lastNote     time.Time     // when host notes last went out
	items        []outItem
	snapshotDue  bool
	snapshotAt   time.Time      // when the phase change's snapshot is taken (see flush)
	openQuestion *wire.Question // the question opened in this batch (see stampQuestion)
	openItem     int            // its index in items
	dirty        bool
	ended        bool
	over         atomic.Bool // ended, for other goroutines: set before the ended output goes out
	leaseLost    bool        // a fenced write found another instance holding the lease
	lastActivity time.Time
	lastInputAt  time.Time // see inputTime
	published    string    // the old owner published the outputs of inputs up to this one (see continueSequences)
	handingOver  bool      // release is taking the final snapshot of a planned hand-over
	handedOver   bool      // restored from such a snapshot
	modes        modes     // issue 15: team mode and challenges (lobby/render_modes.go)
}

func newRoom(l *Lobby, pin string, g *game.Game, meta roomMeta) *room {
	return &room{
		l:            l,
		pin:          pin,
		g:            g,
		meta:         meta,
		log:          l.log.With().Str("pin", pin).Logger(),
		inputs:       make(chan input, l.cfg.InputQueue),
		queries:      make(chan func(), 16),
		lastInput:    InputStart,
		bindings:     map[game.PlayerID]binding{},
		lastActivity: time.Now(),
	}
}

// restoreRoom rebuilds a room from its snapshot, for an instance taking it
// over; run then replays the inputs after the snapshot.
func restoreRoom(l *Lobby, pin string, snap Snapshot) (*room, error) {
	rs, err := decodeRoomSnapshot(snap.Data)
	if err != nil {
		return nil, err
	}
	g, err := game.Restore(rs.Game)
	if err != nil {
		return nil, err
	}
	r := newRoom(l, pin, g, rs.Meta)
	r.lastInput = snap.LastInput
	if r.lastInput == "" {
		r.lastInput = InputStart
	}
	// Outputs continue after the last one the old owner may have published;
	// receivers see a gap and resync, which is what they should do.
	r.outSeq = snap.Seq + 1
	r.wireSeq = rs.WireSeq + 1
	r.playerCount = rs.PlayerCount
	r.players.Store(int64(rs.PlayerCount))
	r.lastReveal, r.lastBoard, r.lastPodium, r.lastCount = rs.LastReveal, rs.LastLeaderboard, rs.LastPodium, rs.LastCount
	r.handedOver = rs.HandedOver
	return r, nil
}

// encodeSnapshot encodes the room as a roomSnapshot. The engine's snapshot
// is already JSON and the token map only grows: splicing the one and caching
// the other keeps encoding/json from re-validating and re-sorting tens of
// thousands of entries on every phase change of a big game.
func (r *room) encodeSnapshot() ([]byte, error) {
	if r.metaJSON == nil || r.metaTokens != len(r.meta.Tokens) {
		b, err := json.Marshal(r.meta)
		if err != nil {
			return nil, err
		}
		r.metaJSON, r.metaTokens = b, len(r.meta.Tokens)
	}
	rest, err := json.Marshal(roomSnapshot{
		WireSeq: r.wireSeq, PlayerCount: r.playerCount, HandedOver: r.handingOver,
		LastReveal: r.lastReveal, LastLeaderboard: r.lastBoard, LastPodium: r.lastPodium, LastCount: r.lastCount,
	}) // {"meta":{...},"game":null,...}
	if err != nil {
		return nil, err
	}
	const emptyHead = `{"meta":{"host":"","tokens":null},"game":null`
	if !bytes.HasPrefix(rest, []byte(emptyHead)) {
		return nil, errors.New("lobby: roomSnapshot must start with meta and game")
	}
	g := r.g.Snapshot()
	data := make([]byte, 0, len(r.metaJSON)+len(g)+len(rest)+16)
	data = append(data, `{"meta":`...)
	data = append(data, r.metaJSON...)
	data = append(data, `,"game":`...)
	data = append(data, g...)
	return append(data, rest[len(emptyHead):]...), nil
}

func (r *room) saveSnapshot(ctx context.Context) error {
	data, err := r.encodeSnapshot()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := r.l.bus.SaveSnapshot(ctx, r.pin, Snapshot{Data: data, LastInput: r.lastInput, Seq: r.outSeq}); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			r.leaseLost = true // run stops the actor: another instance owns the room
		}
		return err
	}
	if r.lastInput != InputStart {
		_ = r.l.bus.TrimInputs(ctx, r.pin, r.lastInput)
	}
	return nil
}

// run is the actor. It returns when the game ends, when the lease is lost,
// or when ctx ends (shutdown: the room stays on the Bus for another instance).
func (r *room) run(ctx context.Context) {
	r.replayBacklog(ctx)
	pumpCtx, stopPump := context.WithCancel(ctx)
	var pumpDone sync.WaitGroup
	pumpDone.Add(1)
	go func() {
		defer pumpDone.Done()
		r.pump(pumpCtx, r.lastInput)
	}()
	defer func() {
		stopPump()
		pumpDone.Wait()
	}()

	renew := time.NewTicker(r.l.cfg.LeaseTTL / 3)
	defer renew.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	noteTimer := time.NewTimer(time.Hour)
	defer noteTimer.Stop()
	snapTimer := time.NewTimer(time.Hour)
	defer snapTimer.Stop()
	for !r.ended && !r.leaseLost {
		var fire <-chan time.Time
		if d := r.g.Deadline(); !d.IsZero() {
			timer.Reset(max(time.Until(d), 0))
			fire = timer.C
		}
		var notes <-chan time.Time
		if d := r.noteDue(); !d.IsZero() {
			noteTimer.Reset(max(time.Until(d), 0))
			notes = noteTimer.C
		}
		var snap <-chan time.Time
		if !r.snapshotAt.IsZero() {
			snapTimer.Reset(max(time.Until(r.snapshotAt), 0))
			snap = snapTimer.C
		}
		select {
		case <-ctx.Done():
			r.release()
			return
		case <-snap:
			r.snapshotAt = time.Time{}
			r.dirty = false
			if err := r.saveSnapshot(ctx); err != nil {
				r.log.Warn().Err(err).Msg("snapshot failed")
			}
		case in := <-r.inputs:
			// The whole intake in one step: every input waiting now
			// (a burst of answers, thousands of them) is applied, then
			// acknowledged and broadcast as one output.
			r.apply(in)
			for range len(r.inputs) {
				r.apply(<-r.inputs)
			}
			r.flush(ctx)
		case q := <-r.queries:
			q()
		case <-notes:
			r.flush(ctx)
		case <-fire:
			r.handle(r.g.Advance(time.Now()))
			r.flush(ctx)
		case <-renew.C:
			if !r.renew(ctx) {
				return
			}
			r.heartbeat(ctx)
			if r.dirty {
				// Joins and answers between phase changes reach the snapshot
				// (game info, results, takeover) within a renewal period.
				r.dirty = false
				if err := r.saveSnapshot(ctx); err != nil {
					r.log.Warn().Err(err).Msg("snapshot failed")
				}
			}
			// issue 15: an open challenge waits for players until its deadline.
			if time.Since(r.lastActivity) > r.l.cfg.IdleTimeout && r.g.Phase() != game.PhaseChallenge {
				r.log.Info().Msg("room idle: ending the game")
				evs, _ := r.g.End(time.Now())
				r.handle(evs)
				r.flush(ctx)
			}
		}
		timer.Stop()
		noteTimer.Stop()
		snapTimer.Stop()
	}
}

func (r *room) renew(ctx context.Context) bool {
	c, cancel := context.WithTimeout(ctx, r.l.cfg.LeaseTTL/3)
	defer cancel()
	ok, err := r.l.bus.RenewLease(c, r.pin, r.l.cfg.Instance, r.l.cfg.LeaseTTL)
	if err != nil {
		// The store is unreachable: keep running; the lease may still hold.
		r.log.Warn().Err(err).Msg("lease renewal failed")
		return true
	}
	if !ok {
		r.log.Warn().Msg("lease lost: another instance owns the room now")
		return false
	}
	return true
}

func (r *room) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// The actor publishes nothing after this snapshot: the next owner may
	// number its outputs straight on.
	r.handingOver = true
	_ = r.saveSnapshot(ctx)
	_ = r.l.bus.ReleaseLease(ctx, r.pin, r.l.cfg.Instance)
}

// finish stores the final state and lets the room's data expire.
func (r *room) finish(ctx context.Context) {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.saveSnapshot(c); err != nil {
		r.log.Warn().Err(err).Msg("final snapshot failed")
		if r.leaseLost {
			return // the room is another instance's: its keys are not ours to expire
		}
	}
	_ = r.l.bus.ExpireRoom(c, r.pin, r.l.cfg.Retention)
	_ = r.l.bus.ReleaseLease(c, r.pin, r.l.cfg.Instance)
	r.log.Info().Msg("room ended")
}

// pump moves the input log into the actor's channel. Blocking on a full
// channel is fine here: the bound that refuses inputs is counted on submit.
func (r *room) pump(ctx context.Context, after string) {
	for {
		ins, err := r.l.bus.ReadInputs(ctx, r.pin, after, 256, 5*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Warn().Err(err).Msg("reading inputs failed")
			t := time.NewTimer(200 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		for _, raw := range ins {
			after = raw.ID
			var in input
			if in, err = decodeInput(raw.Data); err != nil {
				r.log.Error().Err(err).Str("input", raw.ID).Msg("undecodable input skipped")
				continue
			}
			in.ID = raw.ID
			select {
			case r.inputs <- in:
			case <-ctx.Done():
				return
			}
		}
	}
}

func (r *room) add(it outItem) { r.items = append(r.items, it) }

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

// apply runs one input through the engine. Timers due by now fire first, so
// an answer read after the deadline finds the question closed.
func (r *room) apply(in input) {
	if r.alreadyPublished(in.ID) {
		defer r.dropItemsSince(len(r.items))
	}
	r.lastInput = in.ID
	if in.Counted && in.Origin == r.l.cfg.Instance {
		r.pending.Add(-1)
	}
	now := r.inputTime(in)
	r.lastActivity = now
	r.handle(r.g.Advance(now))

	switch in.Op {
	case wire.TypeHost:
		if !tokenMatches(r.meta.HostTokenHash, in.Token) {
			r.replyError(in, wire.Errorf(wire.CodeBadHostToken, "the host token does not match this game"))
			return
		}
		r.welcome(in, wire.RoleHost, "", "")
	case wire.TypeDisplay:
		r.welcome(in, wire.RoleDisplay, "", "")
	case wire.TypeJoin:
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
	case wire.TypeResume:
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
	case wire.TypeAnswer:
		r.answer(in, now)
	case wire.TypeSync:
		if r.l.localConnGone(r.pin, in.Origin, in.Ref) {
			return
		}
		st := r.state(in.Role, in.Player, now)
		st.Type, st.Seq, st.Re = wire.TypeState, r.wireSeq, in.Re
		r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: wire.Marshal(st), Q: r.shownQuestion(in.Player)})
	case wire.TypeLeave:
		evs, err := r.g.Leave(in.Player, now)
		if err != nil {
			r.replyError(in, err)
			return
		}
		delete(r.bindings, in.Player)
		r.handle(evs)
		r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, Close: CloseLeft})
	case opDetach:
		if b, ok := r.bindings[in.Player]; ok && b == (binding{in.Origin, in.Ref}) {
			delete(r.bindings, in.Player)
			evs, _ := r.g.Disconnect(in.Player, now)
			r.handle(evs)
		}
	case opResync:
		r.resyncAll(now)
	default:
		if wire.HostCommands[in.Op] {
			r.command(in, now)
			return
		}
		if r.playerCommand(in, now) { // issue 15: choose_team, play_next, practice (lobby/play.go)
			return
		}
		r.log.Error().Str("op", in.Op).Msg("unknown input op")
	}
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

func (r *room) command(in input, now time.Time) {
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
		r.replyError(in, err)
		return
	}
	r.handle(evs)
}

func (r *room) shownQuestion(pid game.PlayerID) int {
	if r.g.Phase() == game.PhaseChallenge { // issue 15: the player's own question
		return r.soloShown(pid)
	}
	if r.g.Phase() != game.PhaseQuestion {
		return 0
	}
	return r.g.QuestionIndex() + 1
}

func (r *room) welcome(in input, role string, pid game.PlayerID, token string) {
	now := time.Now()
	st := r.state(role, pid, now)
	w := wire.Welcome{Type: wire.TypeWelcome, Re: in.Re, Seq: r.wireSeq, Role: role, PIN: r.pin, ServerMs: now.UnixMilli(), State: st}
	if pid != "" {
		ps, _ := r.g.Player(pid)
		w.PlayerID, w.ResumeToken, w.Nickname = string(pid), token, ps.Nickname
	}
	r.add(outItem{To: toRef, Origin: in.Origin, Ref: in.Ref, D: wire.Marshal(w), Role: role, Player: pid, Q: r.shownQuestion(pid)})
}

// flush publishes the batch's items as one Output.
func (r *room) flush(ctx context.Context) {
	r.hostNotes(time.Now(), false)
	if len(r.items) == 0 {
		return
	}
	r.dirty = true
	if r.ended {
		// Store the end before anyone hears of it: a connection that sees
		// the room close and comes back must find an ended game, not a
		// lease held by an actor that is gone.
		r.finish(ctx)
		r.add(outItem{To: toAll, End: true})
	}
	r.stampQuestion()
	items := r.items
	// The items go to the local view as they are (see view.stash): the next
	// batch grows a slice of its own. Not one of the last batch's capacity:
	// after a burst of answers that was thousands of items allocated and
	// cleared on every flush (14% of the server's CPU at 10,000 players).
	r.items = nil
	data := encodeOutput(outMsg{Items: items, W: r.wireSeq, L: r.lastInput})
	r.outSeq++
	r.l.mu.Lock()
	v := r.l.views[r.pin]
	r.l.mu.Unlock()
	if v != nil {
		v.stash(r.outSeq, items)
	}
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.l.bus.Publish(c, r.pin, Output{Seq: r.outSeq, Data: data}); err != nil {
		r.log.Warn().Err(err).Uint64("seq", r.outSeq).Msg("publish failed; receivers will resync")
	}
	if r.snapshotDue && !r.ended && r.snapshotAt.IsZero() {
		// The phase change's snapshot waits until the fan-out of what was
		// just published is under way: encoding a 10,000-player game takes
		// milliseconds of the actor's core, which the view's dispatcher and
		// the writers need first. Nothing is lost meanwhile: every input
		// after the last snapshot is in the input log.
		r.snapshotAt = time.Now().Add(snapshotDelay)
	}
	r.snapshotDue = false
}

// snapshotDelay is how long after a phase change its snapshot is taken.
const snapshotDelay = 250 * time.Millisecond

// stampQuestion stamps the question opened in this batch with the time it
// is handed to the fan-out (server_ms), as late as the actor can: the
// engine's deadline (deadline_ms) stays the instant answers close, so
// deadline_ms - server_ms is what is left of the question when it leaves.
func (r *room) stampQuestion() {
	if r.openQuestion == nil {
		return
	}
	f := *r.openQuestion
	r.openQuestion = nil
	f.ServerMs = time.Now().UnixMilli()
	r.items[r.openItem].D = wire.Marshal(f)
}

// broadcast adds a frame for audience, encoded once with the next wire seq
// (toAll) or the current one.
func (r *room) broadcast(to int, build func(seq uint64) any, you map[game.PlayerID]json.RawMessage, q int) {
	// Joins held back by the throttle go first: the host must not see a
	// player leave, or a question open, before it saw them join.
	r.announceJoins()
	if to == toAll {
		r.wireSeq++
	}
	r.add(outItem{To: to, D: wire.Marshal(build(r.wireSeq)), You: you, Q: q})
}

// Host notes (joins and answer counts) are control traffic to host and
// display whose volume grows with the room: one per join or answer would
// overflow the host's bounded queue in a join flood of a big game (and the
// host would be cut as a slow consumer). They are coalesced: at most one
// count and one join message (listing every player who joined) per batch,
// and for a big game at most one of each per hostNoteEvery.
const (
	hostNoteEvery = 150 * time.Millisecond
	// joinThrottleFrom is the room size from which joins are throttled too;
	// below it every batch's joins go out at once (a small lobby fills live).
	joinThrottleFrom = 100
	// maxJoinsPerNote bounds one player_joined message.
	maxJoinsPerNote = 500
)

// hostNotes adds the pending host notes that are due (all of them when
// force). The actor's timer calls flush again at noteDue.
func (r *room) hostNotes(now time.Time, force bool) {
	due := force || now.Sub(r.lastNote) >= hostNoteEvery
	if len(r.pendingJoins) > 0 && (due || r.playerCount < joinThrottleFrom) {
		r.announceJoins()
		r.lastNote = now
	}
	if due && r.modes.progressDirty() { // issue 15: the challenge's live view
		r.progressNote()
		r.lastNote = now
	}
	if r.countDirty && due {
		if r.lastCount != nil && (force || r.g.Phase() == game.PhaseQuestion) {
			// Host and display only: players do not need the count.
			c := *r.lastCount
			c.Seq = r.wireSeq
			r.add(outItem{To: toHosts, D: wire.Marshal(c)})
		}
		r.countDirty = false
		r.lastNote = now
	}
}

// announceJoins adds the pending joins as player_joined messages.
func (r *room) announceJoins() {
	for len(r.pendingJoins) > 0 {
		n := min(len(r.pendingJoins), maxJoinsPerNote)
		batch := r.pendingJoins[:n:n]
		r.pendingJoins = r.pendingJoins[n:]
		msg := wire.PlayerJoined{Type: wire.TypePlayerJoined, Seq: r.wireSeq, Player: batch[n-1], Players: batch, Count: r.playerCount}
		r.add(outItem{To: toHosts, D: wire.Marshal(msg)})
	}
	r.pendingJoins = nil
}

// noteDue is when held-back host notes are due, or zero.
func (r *room) noteDue() time.Time {
	if len(r.pendingJoins) == 0 && !r.countDirty && !r.modes.progressDirty() {
		return time.Time{}
	}
	return r.lastNote.Add(hostNoteEvery)
}
