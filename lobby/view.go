package lobby

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// view is one room as seen from this instance: the connections attached
// here and the subscription that feeds them the room's outputs, one at a
// time and in order, to receive: on a remote Bus from the view's
// dispatcher goroutine, the only reader of the subscription's channel; on
// an in-process Bus (direct) from the goroutine that published the output,
// the room's actor (see InProcessBroadcaster).
type view struct {
	// gaveUp: answers (ref and read time) told unavailable before the Bus took them
	// (see Member.submitAnswer); guarded by mu.
	gaveUp map[string]struct{}
	l      *Lobby
	pin    string
	direct bool
	// forgotten: close took the view out of l.views, so viewOf must not
	// put it (back) in. Guarded by l.mu.
	forgotten bool

	mu sync.Mutex
	// sub is set by viewOf once subscribed: with direct outputs an output
	// may close the view before that (see viewOf).
	sub io.Closer
	// members finds a connection by ref; hosts (host and display) and
	// players hold the same members split by audience, so a host-only
	// message costs O(hosts), not O(room), and a broadcast walks a slice.
	members map[uint64]*Member
	hosts   []*Member
	players []*Member
	waiting map[uint64]waiter
	// abandoned holds the attaches given up before the room answered (see
	// abandon), by ref, with their op: a late welcome is undone, not lost.
	abandoned map[uint64]string
	ended     bool
	// local holds the items of outputs published by the room's actor on
	// this instance, by output Seq, so dispatch delivers them without
	// decoding what the actor just encoded.
	local map[uint64]stashed
	// term is the newest ownership term of the outputs delivered here, and
	// last the newest output's Seq: an output of an older term, or of the
	// same term at or below last, is dropped (see receive). Only receive
	// uses them: its calls come one at a time.
	term Term
	last uint64
}

// stashed is one output's items as the local actor published them.
type stashed struct {
	items []outItem
	term  Term
}

// add registers m in the view's sets. Caller holds v.mu.
func (v *view) add(m *Member) {
	v.members[m.ref] = m
	if m.role == wire.RolePlayer {
		m.idx = len(v.players)
		v.players = append(v.players, m)
	} else {
		m.idx = len(v.hosts)
		v.hosts = append(v.hosts, m)
	}
}

// remove drops m from the view's sets (if still there). Caller holds v.mu.
func (v *view) remove(m *Member) {
	if v.members[m.ref] != m {
		return
	}
	delete(v.members, m.ref)
	set := &v.hosts
	if m.role == wire.RolePlayer {
		set = &v.players
	}
	s := *set
	last := len(s) - 1
	s[m.idx] = s[last]
	s[m.idx].idx = m.idx
	s[last] = nil
	*set = s[:last]
}

// stash records the items of output seq, published by the local actor.
func (v *view) stash(seq uint64, term Term, items []outItem) {
	v.mu.Lock()
	if !v.ended {
		v.local[seq] = stashed{items: items, term: term}
	}
	v.mu.Unlock()
}

// unstash forgets the stashed items of seq (their publish failed).
func (v *view) unstash(seq uint64) {
	v.mu.Lock()
	delete(v.local, seq)
	v.mu.Unlock()
}

// takeLocal returns the stashed items of seq and forgets them and any older
// ones (outputs the subscription dropped).
func (v *view) takeLocal(seq uint64) (stashed, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	items, ok := v.local[seq]
	if len(v.local) > 0 {
		for s := range v.local {
			if s <= seq {
				delete(v.local, s)
			}
		}
	}
	return items, ok
}

type waiter struct {
	conn Conn
	in   input // resubmitted when outputs were lost (see resubmitWaiting)
	ch   chan attachResult
}

type attachResult struct {
	member *Member
	err    error
}

// viewOf returns the view of pin, creating it (and taking the room over when
// no instance runs it) on first use.
func (l *Lobby) viewOf(ctx context.Context, pin string) (*view, error) {
	l.mu.Lock()
	if v, ok := l.views[pin]; ok {
		l.mu.Unlock()
		return v, nil
	}
	closing := l.closing
	l.mu.Unlock()
	if closing {
		return nil, wire.Unavailable("the server is shutting down", nil)
	}
	if err := l.ensureOwner(ctx, pin); err != nil {
		return nil, err
	}

	v := &view{l: l, pin: pin, direct: l.direct != nil, members: map[uint64]*Member{}, waiting: map[uint64]waiter{},
		abandoned: map[uint64]string{}, local: map[uint64]stashed{}}
	var sub io.Closer
	var feed <-chan Output
	var err error
	if v.direct {
		// Outputs may come from here on, on the publisher's goroutine,
		// before v is in l.views: nobody is attached to it yet, so they
		// only move its seq and term on.
		sub, err = l.direct.SubscribeFunc(l.ctx, pin, func(out Output) { v.receive(out) })
	} else {
		var s Subscription
		if s, err = l.bus.Subscribe(l.ctx, pin); err == nil {
			sub, feed = s, s.C()
		}
	}
	if err != nil {
		return nil, wire.Unavailable("cannot follow the room", err)
	}
	v.mu.Lock()
	v.sub = sub
	v.mu.Unlock()
	l.mu.Lock()
	if w, ok := l.views[pin]; ok { // another connection won the race
		l.mu.Unlock()
		sub.Close()
		return w, nil
	}
	if v.forgotten || (v.direct && l.ctx.Err() != nil) {
		// Closed before it was added (the game's end came just now; close
		// may have found no sub to close), or the lobby is closing and
		// has collected its direct views already.
		l.mu.Unlock()
		sub.Close()
		return nil, wire.Unavailable("the room stopped on this instance", nil)
	}
	l.views[pin] = v
	if !v.direct {
		l.wg.Add(1)
	}
	l.mu.Unlock()
	if !v.direct {
		go func() {
			defer l.wg.Done()
			v.dispatch(feed)
		}()
	}
	return v, nil
}

// ensureOwner checks that some instance runs pin's actor and, when none
// does (its owner died or shut down), takes the room over: restore the
// snapshot, replay the inputs after it.
func (l *Lobby) ensureOwner(ctx context.Context, pin string) error {
	l.mu.Lock()
	running, local := l.rooms[pin]
	l.mu.Unlock()
	if local {
		if running.over.Load() {
			// The actor is storing its last snapshot and will read no
			// more inputs: an attach now would wait for an answer that
			// never comes.
			return wire.Errorf(wire.CodeGameEnded, "game %s is over", pin)
		}
		return nil
	}
	holder, err := l.bus.LeaseHolder(ctx, pin)
	if err != nil {
		return wire.Unavailable("cannot look the room up", err)
	}
	if holder != "" {
		return nil
	}
	snap, err := l.bus.LoadSnapshot(ctx, pin)
	if errors.Is(err, ErrNoSnapshot) {
		return wire.Errorf(wire.CodeUnknownGame, "no game with PIN %s", pin)
	}
	if err != nil {
		return wire.Unavailable("cannot read the room", err)
	}
	r, err := restoreRoom(l, pin, snap)
	if err != nil {
		return err
	}
	l.continueSequences(ctx, r, snap)
	if ph := r.g.Phase(); ph == game.PhaseEnded {
		return wire.Errorf(wire.CodeGameEnded, "game %s is over", pin)
	}
	ok, err := l.takeOver(ctx, r)
	if err != nil {
		return err
	}
	if !ok {
		return nil // someone else took it over first
	}
	l.log.Info().Str("pin", pin).Str("after", snap.LastInput).Msg("taking the room over")
	return l.startRoom(r)
}

func (v *view) expect(ref uint64, conn Conn, in input) <-chan attachResult {
	ch := make(chan attachResult, 1)
	v.mu.Lock()
	if v.ended {
		ch <- attachResult{err: wire.Unavailable("the room stopped on this instance", nil)}
	} else {
		v.waiting[ref] = waiter{conn: conn, in: in, ch: ch}
	}
	v.mu.Unlock()
	return ch
}

func (v *view) forget(ref uint64) {
	v.mu.Lock()
	delete(v.waiting, ref)
	v.mu.Unlock()
}

// abandon gives up the attach ref (its timeout passed, or its connection
// went away). When the room already answered, the answer is returned
// (answered): deliver admits and answers under v.mu, so it is in wait.
// Otherwise the attach is remembered, so that when the room admits it after
// all, the player it bound is released (see releaseAbandoned).
func (v *view) abandon(ref uint64, wait <-chan attachResult) (res attachResult, answered bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if w, ok := v.waiting[ref]; ok {
		delete(v.waiting, ref)
		if !v.ended {
			v.abandoned[ref] = w.in.Op
		}
		return attachResult{}, false
	}
	select {
	case res = <-wait:
		return res, true
	default:
		return attachResult{}, false
	}
}

// releaseAbandoned undoes what the room did for an attach given up before
// its answer: a new player leaves (their nickname is free for the retry the
// client makes after "unavailable"), a resumed one is disconnected. Host and
// display bind nothing. It runs on its own goroutine: deliver holds v.mu
// and, on the room's actor (direct outputs) or the dispatcher, must not
// wait on the bus.
func (v *view) releaseAbandoned(op string, it *outItem) {
	if it.Code != "" || it.Role != wire.RolePlayer {
		return
	}
	in := input{Op: opDetach, Player: it.Player, Role: wire.RolePlayer}
	if op == wire.TypeJoin {
		in.Op = wire.TypeLeave
	}
	ref := it.Ref
	v.goOff(func() {
		ctx, cancel := context.WithTimeout(v.l.ctx, 5*time.Second)
		defer cancel()
		if err := v.submit(ctx, ref, in); err != nil {
			v.l.log.Warn().Err(err).Str("pin", v.pin).Str("player", string(in.Player)).Msg("cannot release an abandoned attach")
		}
	})
}

// submit appends in to the room's input log. The bound on waiting inputs is
// enforced where it is known: when the room's actor runs here.
func (v *view) submit(ctx context.Context, ref uint64, in input) error {
	in.Origin, in.Ref, in.At = v.l.cfg.Instance, ref, time.Now()
	v.l.mu.Lock()
	r := v.l.rooms[v.pin]
	v.l.mu.Unlock()
	if r != nil {
		if r.over.Load() {
			return wire.Errorf(wire.CodeGameEnded, "game %s is over", v.pin)
		}
		if r.pending.Add(1) > int64(v.l.cfg.InputQueue) {
			r.pending.Add(-1)
			return wire.Errorf(wire.CodeRoomBusy, "the room has too many messages waiting; try again")
		}
		in.Counted = true
	}
	data, err := encodeInput(in)
	if err == nil {
		err = v.l.appendInput(ctx, v.pin, data)
	}
	if err != nil {
		if r != nil {
			r.pending.Add(-1)
		}
		return wire.Unavailable("cannot reach the room", err)
	}
	return nil
}

// submitAnswer appends an answer to the room's input log, the room's intake:
// durable as the Bus (Redis: appended once, and acknowledged only after the
// room read it back from the log), ordered with every other input, and not
// counted against the room's input bound (Member.Submit bounds answers by
// the players). The actor drains everything the log holds in one step.
func (v *view) submitAnswer(ctx context.Context, ref uint64, in input) error {
	in.Origin, in.Ref, in.At = v.l.cfg.Instance, ref, in.Recv // applied as of when it was read
	if in.At.IsZero() {
		in.At = time.Now()
	}
	v.l.mu.Lock()
	r := v.l.rooms[v.pin]
	v.l.mu.Unlock()
	if r != nil && r.over.Load() {
		return wire.Errorf(wire.CodeGameEnded, "game %s is over", v.pin)
	}
	data, err := encodeInput(in)
	if err == nil {
		err = v.l.appendInput(ctx, v.pin, data)
	}
	if err != nil {
		return wire.Unavailable("cannot reach the room", err)
	}
	return nil
}

func (v *view) detach(m *Member) {
	v.mu.Lock()
	v.remove(m)
	ended := v.ended
	v.mu.Unlock()
	if m.role == wire.RolePlayer && !ended {
		ctx, cancel := context.WithTimeout(v.l.ctx, 2*time.Second)
		defer cancel()
		_ = v.submit(ctx, m.ref, input{Op: opDetach, Player: m.player, Role: m.role})
	}
}

// dispatch delivers the room's outputs from a remote Bus's subscription
// channel c to the connections here, in order, until the channel closes.
func (v *view) dispatch(c <-chan Output) {
	defer v.close(CloseRoomLost)
	for out := range c {
		if v.receive(out) {
			return
		}
	}
}

// receive delivers one output of the room to the connections here and
// reports whether it ended the view. Its calls come one at a time, in
// publish order: from the dispatcher, or (direct) on the goroutine that
// published out, usually the room's actor, so nothing in it may wait on
// the actor or the Bus; what must (a resync, attaches sent again) goes on a
// goroutine.
func (v *view) receive(out Output) (ended bool) {
	batch, ok := v.takeLocal(out.Seq)
	if !ok {
		var msg outMsg
		if err := json.Unmarshal(out.Bytes(), &msg); err != nil {
			v.l.log.Error().Err(err).Str("pin", v.pin).Msg("undecodable output")
			return false
		}
		batch = stashed{items: msg.Items, term: msg.T}
	}
	if batch.term < v.term {
		// An owner of an older term published after a newer one
		// spoke (fenced in the store, this cannot happen on one
		// Redis; it is the last line for everything else): what it
		// decided is not the room's, and its seq says nothing about
		// the newer term's outputs.
		v.l.log.Warn().Str("pin", v.pin).Uint64("term", uint64(batch.term)).Uint64("current", uint64(v.term)).Msg("output of an older term dropped")
		return false
	}
	newTerm := batch.term > v.term
	if !newTerm && v.last != 0 && out.Seq <= v.last {
		// This owner's output delivered already, or one published before
		// it: a Redis subscription back from a break hands over the room's
		// last output, and pub/sub then still carries those published
		// just before it. Delivered now, it would take every screen here
		// back a step; the gap that passed it by resynced them instead.
		// Logged for the case this rule cannot tell apart: a second owner
		// in the same term, numbering from a store rolled back below it.
		v.l.log.Debug().Str("pin", v.pin).Uint64("last", v.last).Uint64("got", out.Seq).Msg("output already passed: dropped")
		return false
	}
	v.term = batch.term
	// In process nothing is dropped, but a takeover (lobbies sharing one
	// Bus) numbers past a hole on purpose: the gap path runs there too. A
	// new term numbered at or below the last output (a store restored from
	// an old save, or a replica that lagged) is a gap as well, and its
	// numbers are the ones to follow.
	gap := v.last != 0 && out.Seq != v.last+1 && (out.Seq > v.last || newTerm)
	if gap {
		v.l.obs.OutputGap()
		v.l.log.Warn().Str("pin", v.pin).Uint64("after", v.last).Uint64("got", out.Seq).Msg("outputs lost: resyncing")
		v.resync()
		// The lost outputs may have held answer acks: free every
		// answer slot rather than hold a player's answers back for
		// good (the resync tells each page whether its answer counted).
		v.freeAnswerSlots()
	}
	v.last = out.Seq
	items := batch.items
	for i := range items {
		if items[i].End {
			v.close(CloseGameOver)
			return true
		}
		v.deliver(&items[i])
	}
	if gap {
		// After delivering: the output that shows the gap (a new
		// owner's first) often holds the welcome of an attach waiting
		// here, which must not be asked for twice.
		v.resubmitWaiting()
	}
	return false
}

// resync asks the room to send every connection a fresh state. The
// dispatcher waits for the append, as it always did; a direct view runs on
// the publisher's goroutine (the room's actor, when it runs here) and
// appends from a goroutine of its own.
func (v *view) resync() {
	send := func() {
		ctx, cancel := context.WithTimeout(v.l.ctx, 2*time.Second)
		defer cancel()
		_ = v.submit(ctx, 0, input{Op: opResync})
	}
	if v.direct {
		v.goOff(send)
		return
	}
	send()
}

// goOff runs f on a goroutine of its own that Lobby.Close waits for. A
// dispatcher is one of those itself, so it adds to l.wg as it always did;
// a direct view runs on whichever goroutine published, possibly another
// Lobby's actor (lobbies sharing one in-process Bus) after this lobby's
// Close began to wait, so it goes through spawn, which then drops f.
func (v *view) goOff(f func()) {
	if v.direct {
		v.l.spawn(f)
		return
	}
	v.l.wg.Go(f)
}

// freeAnswerSlots frees the answer slot of every connection here.
func (v *view) freeAnswerSlots() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, m := range v.players {
		m.answering.Store(0)
	}
}

// close ends the view: every connection closes with reason and the view is
// forgotten.
func (v *view) close(reason CloseReason) {
	// Forget the view first, so that a connection attaching from now on
	// looks the room up afresh (and learns the game ended).
	v.l.mu.Lock()
	if v.l.views[v.pin] == v {
		delete(v.l.views, v.pin)
	}
	v.forgotten = true
	v.l.mu.Unlock()
	v.mu.Lock()
	if v.ended {
		v.mu.Unlock()
		return
	}
	v.ended = true
	members := v.members
	v.members = map[uint64]*Member{}
	v.hosts, v.players, v.local, v.abandoned = nil, nil, map[uint64]stashed{}, map[uint64]string{}
	refusal := wire.Unavailable("the room stopped on this instance", nil)
	if reason == CloseGameOver {
		refusal = wire.Errorf(wire.CodeGameEnded, "game %s is over", v.pin)
	}
	for ref, w := range v.waiting {
		w.ch <- attachResult{err: refusal} // buffered, one send per waiter: never blocks
		delete(v.waiting, ref)
	}
	sub := v.sub
	v.mu.Unlock()
	for _, m := range members {
		m.closed.Store(true)
		m.conn.Close(reason)
	}
	if sub != nil { // nil: closed before viewOf subscribed it, which closes it then
		sub.Close()
	}
}

func (v *view) deliver(it *outItem) {
	frameQ := it.Q.index()
	v.mu.Lock()
	defer v.mu.Unlock()
	switch it.To {
	case toAll, toHosts, toPlayers:
		start := time.Now()
		n := 0
		// A question to a small room is written by this goroutine where
		// the sockets take it at once (Frame.WriteNow); a large room's goes
		// to the transport's writers, as one goroutine's writes to
		// thousands would hold the room's answers and acks behind them.
		now := frameQ >= 0 && len(v.players)+len(v.hosts) <= WriteNowFanout
		if it.To != toPlayers && len(it.D) > 0 {
			for _, m := range v.hosts {
				m.conn.Send(Frame{Data: it.D, Question: frameQ, WriteNow: now})
				n++
			}
		}
		if it.To != toHosts {
			n += v.deliverPlayers(it, frameQ, now)
		}
		v.l.obs.FanOut(time.Since(start), n)
	case toRef:
		v.deliverReply(it, frameQ)
	case toPlayer:
		// Rare (a kick): a walk over the players is fine. Walk a copy, as
		// remove reorders the slice.
		var hit []*Member
		for _, m := range v.players {
			if m.player == it.Player {
				hit = append(hit, m)
			}
		}
		for _, m := range hit {
			if len(it.D) > 0 {
				m.conn.Send(Frame{Data: it.D, Question: frameQ})
			}
			if it.Close != "" {
				v.remove(m)
				m.closed.Store(true)
				m.conn.Close(it.Close)
			}
		}
	}
}

// deliverReply delivers an item for one connection of this instance: the
// answer to an attach waiting here, or a frame (and maybe a close) for a
// member. Caller holds v.mu.
func (v *view) deliverReply(it *outItem, frameQ int) {
	if it.Origin != v.l.cfg.Instance {
		return
	}
	if w, ok := v.waiting[it.Ref]; ok {
		delete(v.waiting, it.Ref)
		if it.Code != "" {
			w.ch <- attachResult{err: &wire.Error{Code: it.Code, Message: it.Msg}}
			return
		}
		m := &Member{v: v, ref: it.Ref, conn: w.conn, role: it.Role, player: it.Player}
		v.add(m)
		w.conn.Send(Frame{Data: it.D, Question: frameQ, Reply: true})
		w.ch <- attachResult{member: m} // buffered, and the waiter is gone from v.waiting: never blocks
		return
	}
	if op, ok := v.abandoned[it.Ref]; ok {
		delete(v.abandoned, it.Ref)
		v.releaseAbandoned(op, it)
		return
	}
	m, ok := v.members[it.Ref]
	if !ok || it.Role != "" {
		return // gone, or a welcome repeated for an attach resubmitted after a gap
	}
	// An answer's ack is for one submission, named by the connection and
	// the instant the answer was read: a retry of the same message (the web
	// pages resend an id refused as unavailable) is read anew, while the
	// same submission twice in the log (a store client that resent its
	// command to a frozen store, a new owner replaying the log) is not.
	// Each submission gets one reply: none more once it was told
	// unavailable, none twice.
	if !it.Recv.IsZero() {
		recv := it.Recv.UnixNano()
		if len(v.gaveUp) > 0 {
			if _, ok := v.gaveUp[gaveUpKey(it.Ref, recv, replyRe(it.D))]; ok {
				return // the connection was told unavailable: no second reply
			}
		}
		if m.ackedBefore(recv, it.D) {
			return
		}
		m.noteAcked(recv, it.D)
	}
	if len(it.D) > 0 {
		m.conn.Send(Frame{Data: it.D, Question: frameQ, Reply: true})
		if !it.Recv.IsZero() {
			m.answered() // an answer's ack: its slot is free
			v.l.obs.AnswerAcked(time.Since(it.Recv))
		}
	}
	if it.Close != "" {
		v.remove(m)
		m.closed.Store(true)
		m.conn.Close(it.Close)
	}
}

// WriteNowFanout is the most connections a room may have here for its
// questions to be written by the delivering goroutine itself
// (Frame.WriteNow): a class, a meetup, a study group. 128 writes to sockets
// with room take about a millisecond.
const WriteNowFanout = 128

// deliverPlayers queues it to every player here: the shared frame (with the
// player's "you" part spliced in) and the player's own frame. It returns the
// number of frames queued. Caller holds v.mu.
func (v *view) deliverPlayers(it *outItem, frameQ int, writeNow bool) int {
	n := 0
	shared := []byte(it.D)
	for _, m := range v.players {
		if len(shared) > 0 {
			f := Frame{Data: shared, Question: frameQ}
			if you, ok := it.You[m.player]; ok {
				f = personalFrame(shared, you, frameQ)
			}
			f.WriteNow = writeNow
			if !m.conn.Send(f) {
				f.Written() // refused: never written, its buffer is free
			}
			n++
		}
		if it.Per != nil {
			if f, ok := it.Per[m.player]; ok {
				m.conn.Send(Frame{Data: f, Question: frameQ, WriteNow: writeNow})
				n++
			}
		}
	}
	return n
}

// localConnGone reports whether connection ref of origin, if it was attached
// on this instance, is closed or no longer in the room's view here. It is
// false for connections on other instances (they cannot be seen from here).
func (l *Lobby) localConnGone(pin, origin string, ref uint64) bool {
	if origin != l.cfg.Instance {
		return false
	}
	l.mu.Lock()
	v := l.views[pin]
	l.mu.Unlock()
	if v == nil {
		return true
	}
	v.mu.Lock()
	m := v.members[ref]
	v.mu.Unlock()
	if m == nil || m.closed.Load() {
		return true
	}
	c, ok := m.conn.(closedReporter)
	return ok && c.Closed()
}

// giveUp records that the answer re of connection ref read at recv was
// answered unavailable before the Bus took it: a late ack for it (or for a
// copy of it) is not delivered.
func (v *view) giveUp(ref uint64, recv time.Time, re json.RawMessage) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.gaveUp == nil {
		v.gaveUp = map[string]struct{}{}
	}
	if len(v.gaveUp) >= maxGaveUp {
		clear(v.gaveUp) // bounded: a lost entry costs one extra reply at worst
	}
	v.gaveUp[gaveUpKey(ref, recv.UnixNano(), re)] = struct{}{}
}

const maxGaveUp = 4096

func gaveUpKey(ref uint64, recv int64, re []byte) string {
	return strconv.FormatUint(ref, 10) + "/" + strconv.FormatInt(recv, 10) + "/" + string(re)
}

// replyRe is the re of an encoded reply frame.
func replyRe(frame []byte) []byte {
	var h struct {
		Re json.RawMessage `json:"re"`
	}
	_ = json.Unmarshal(frame, &h)
	return h.Re
}
