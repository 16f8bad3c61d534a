package lobby

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

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
	// Commands: the last commands applied, so that a retry reaching the
	// next owner is not applied again (lobby/commandids.go).
	Commands []commandRecord `json:"commands,omitempty"`
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
	r.commands = rs.Commands
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
		WireSeq: r.wireSeq, PlayerCount: r.playerCount, HandedOver: r.handingOver, Commands: r.commands,
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

// fence is what the room's owner writes under: its lease.
func (r *room) fence() Fence { return Fence{Holder: r.l.cfg.Instance} }

func (r *room) saveSnapshot(ctx context.Context) error {
	data, err := r.encodeSnapshot()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	snap := Snapshot{Data: data, LastInput: r.lastInput, Seq: r.outSeq}
	err = r.l.bus.SaveSnapshot(ctx, r.pin, r.fence(), snap)
	if errors.Is(err, ErrLeaseLost) && r.renewTerm(ctx) && !r.leaseLost {
		// The lease is not ours, but the term is what says who owns the
		// room: it was still ours (a lapsed lease nobody took, now
		// renewed), or the store forgot the room and renewTerm wrote it
		// back. Either way the snapshot is the owner's to write.
		err = r.l.bus.SaveSnapshot(ctx, r.pin, r.fence(), snap)
	}
	if err != nil {
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

// startPump starts the goroutine that feeds a remote input log to the actor
// and returns the function that stops it and waits for it.
func (r *room) startPump(ctx context.Context) (stop func()) {
	pumpCtx, stopPump := context.WithCancel(ctx)
	var pumpDone sync.WaitGroup
	pumpDone.Go(func() { r.pump(pumpCtx, r.lastInput) })
	return func() {
		stopPump()
		pumpDone.Wait()
	}
}

// onRenewed is the actor's periodic work once its lease is renewed: the
// heartbeat, the snapshot of what changed since the last one, the idle end.
func (r *room) onRenewed(ctx context.Context) {
	r.heartbeat(ctx)
	// Joins and answers between phase changes reach the snapshot (game
	// info, results, takeover) within a renewal period.
	r.saveIfDirty(ctx, false)
	// issue 15: an open challenge waits for players until its deadline.
	if time.Since(r.lastActivity) > r.l.cfg.IdleTimeout && r.g.Phase() != game.PhaseChallenge && r.idleRecorded != r.lastInput {
		r.recordIdleEnd(ctx)
	}
}

// saveIfDirty saves a snapshot when something changed since the last one
// (or always, when force).
func (r *room) saveIfDirty(ctx context.Context, force bool) {
	if !force && !r.dirty {
		return
	}
	r.dirty = false
	if err := r.saveSnapshot(ctx); err != nil {
		r.log.Warn().Err(err).Msg("snapshot failed")
	}
}

func (r *room) renew(ctx context.Context) bool {
	return r.renewTerm(ctx)
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

// pump moves a remote input log into the actor's channel, one read of the
// log (up to inputReadMax inputs) at a time. Blocking on a full channel is
// fine here: the bound that refuses inputs is counted on submit. An
// in-process log has no pump: the actor reads it (readLocal).
func (r *room) pump(ctx context.Context, after string) {
	for {
		ins, err := r.l.bus.ReadInputs(ctx, r.pin, after, inputReadMax, 5*time.Second)
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
		batch := make([]input, 0, len(ins))
		for _, raw := range ins {
			after = raw.ID
			in, err := decodeInput(raw.Data)
			if err != nil {
				r.log.Error().Err(err).Str("input", raw.ID).Msg("undecodable input skipped")
				continue
			}
			in.ID = raw.ID
			batch = append(batch, in)
		}
		if len(batch) == 0 {
			continue
		}
		select {
		case r.inputs <- batch:
		case <-ctx.Done():
			return
		}
	}
}

// readLocal is the actor's intake from an in-process log, with no pump in
// between: what the log holds after lastInput, up to what the pump's channel
// would hold (inputBatches+1 reads), applied in log order and published as
// one output, the whole intake in one step as on a remote log. It reports
// whether the log holds more; logGrown is then left ready, so that the loop
// comes back for the rest after one turn in which due timers and queries
// get theirs.
func (r *room) readLocal(ctx context.Context) (more bool) {
	read := false
	for range inputBatches + 1 {
		ins, grown, err := r.l.localLog.PollInputs(r.logBuf[:0], r.pin, r.lastInput, inputReadMax)
		r.logGrown = grown
		if err != nil {
			// lastInput is no id of this log (a snapshot from another
			// Bus): the next append wakes the actor, no spin meanwhile.
			r.log.Error().Err(err).Msg("reading inputs failed")
			more = false
			break
		}
		for _, raw := range ins {
			r.applyRaw(raw)
		}
		read = read || len(ins) > 0
		more = len(ins) == inputReadMax
		clear(ins) // the buffer keeps no input past its trim
		r.logBuf = ins[:0]
		if !more {
			break
		}
	}
	if more {
		r.logGrown = closedChan
	}
	if read {
		r.flush(ctx)
	}
	return more
}

// closedChan is always ready: the actor's logGrown when the log holds more
// than it read.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// applyRaw decodes one input of the log and applies it. An undecodable one
// is skipped, lastInput moving past it all the same.
func (r *room) applyRaw(raw Input) {
	in, err := decodeInput(raw.Data)
	if err != nil {
		r.lastInput = raw.ID
		r.log.Error().Err(err).Str("input", raw.ID).Msg("undecodable input skipped")
		return
	}
	in.ID = raw.ID
	r.apply(in)
}

// continueSequences makes a room taken over number its outputs (bus Seq) and
// its broadcasts (wire seq) past anything the old owner ever published, with
// one number left out: the old owner may have published after its last
// snapshot, and reusing those numbers would make receivers take the new
// owner's outputs for ones they already have. The hole makes every instance
// and every client see a gap and resync from the room's state instead.
func (l *Lobby) continueSequences(ctx context.Context, r *room, snap Snapshot) {
	out, found, err := l.bus.LastOutput(ctx, r.pin)
	if err != nil {
		// Take over anyway: a jump far past anything published keeps the
		// numbers unique; receivers resync on it like on any gap.
		l.log.Warn().Err(err).Str("pin", r.pin).Msg("cannot read the last output: jumping the sequence")
		r.outSeq += blindSeqJump
		r.wireSeq += blindSeqJump
		return
	}
	if !found {
		return // restoreRoom already left a hole after the snapshot's numbers
	}
	if r.handedOverAt(out, snap) {
		return
	}
	if out.Seq >= r.outSeq {
		r.outSeq = out.Seq + 1
	}
	var msg outMsg
	if json.Unmarshal(out.Bytes(), &msg) != nil {
		return
	}
	if msg.W >= r.wireSeq {
		r.wireSeq = msg.W + 1
	}
	r.published = msg.L
}

// handedOverAt continues the sequences of a room handed over the planned
// way without the hole a takeover leaves: the old owner's final snapshot
// records the last output it published (out, read back from the bus, is
// that very output), so nothing can have been lost, no receiver has to
// resync, and no instance reports lost outputs (a line operators alert
// on). It reports whether it did.
func (r *room) handedOverAt(out Output, snap Snapshot) bool {
	if !r.handedOver || out.Seq != snap.Seq {
		return false
	}
	var msg outMsg
	if json.Unmarshal(out.Bytes(), &msg) != nil || msg.W+1 != r.wireSeq {
		return false
	}
	r.outSeq, r.wireSeq, r.published = snap.Seq, msg.W, msg.L
	return true
}

// alreadyPublished reports whether the old owner published the outputs of
// input id before it died: the snapshot a new owner restores may be older
// than the last output (snapshots trail phase changes by snapshotDelay and
// may fail as the owner dies), so it replays inputs whose welcomes, acks and
// broadcasts every client has seen. Sent again, they would rewind every
// screen through the replayed questions and reveals, and welcome a
// connection a second time; a client that takes that for a new question
// (the test client did) loses the answer it was about to give.
func (r *room) alreadyPublished(id string) bool {
	return r.published != "" && r.l.bus.CompareInputs(id, r.published) <= 0
}

// dropItemsSince forgets the output items added from mark on: they belong to
// an input whose outputs the old owner published (see alreadyPublished).
// The engine state they reflect is kept; receivers resync from it on the
// sequence hole the takeover leaves (continueSequences).
func (r *room) dropItemsSince(mark int) {
	if mark >= len(r.items) {
		return
	}
	if r.openQuestion != nil && r.openItem >= mark {
		r.openQuestion = nil
	}
	clear(r.items[mark:])
	r.items = r.items[:mark]
}

// blindSeqJump is how far the sequences jump when the last output cannot be
// read: more than any owner publishes between two snapshots.
const blindSeqJump = 1 << 20

// heartbeatOutput is a batch with no items: receivers deliver nothing. It
// carries the wire seq like every output, for continueSequences.
func heartbeatOutput(wireSeq uint64, lastInput string, term Term) []byte {
	data, _ := json.Marshal(outMsg{Items: []outItem{}, W: wireSeq, L: lastInput, T: term})
	return data
}

// heartbeat publishes an empty output with the next sequence number. Pub/sub
// loss is only visible at the next output, and a quiet room (a reveal
// waiting for the host) may have none for minutes: the heartbeat makes an
// instance that lost the room's last outputs see the gap, and resync its
// connections, within one lease renewal period.
func (r *room) heartbeat(ctx context.Context) {
	r.outSeq++
	// Not cancelled by shutdown, like flush's publish: a heartbeat cut
	// short there would move outSeq past the last output on the bus, and
	// the hand-over snapshot that follows would record a seq nobody
	// published, so the next owner leaves a hole and every instance warns
	// "outputs lost" for a planned hand-over that lost nothing.
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.l.cfg.LeaseTTL/3)
	defer cancel()
	// A failed publish still moved outSeq: the next output shows the gap.
	_ = r.publish(c, Output{Seq: r.outSeq, Data: heartbeatOutput(r.wireSeq, r.lastInput, r.term)})
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
// cannot read now, the pump delivers next. On an in-process log it is the
// actor's own intake, run until the log holds nothing more; it leaves
// logGrown set for the loop.
func (r *room) replayBacklog(ctx context.Context) {
	if r.l.localLog != nil {
		for ctx.Err() == nil && r.readLocal(ctx) {
		}
		return
	}
	for ctx.Err() == nil {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ins, err := r.l.bus.ReadInputs(c, r.pin, r.lastInput, inputReadMax, 0)
		cancel()
		if err != nil || len(ins) == 0 {
			return
		}
		for _, raw := range ins {
			r.applyRaw(raw)
		}
		r.flush(ctx)
	}
}
