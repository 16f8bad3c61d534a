package membus

import (
	"context"
	"time"

	"github.com/quizroom/quizroom/lobby"
)

// Ownership terms (lobby.Terms) in memory. One instance has nobody to fence
// out, but the lobby runs every room through terms, so this bus keeps them
// as Redis does (transport/redisbus/fence.go): a number per room that only
// grows, taken with the lease, checked under the bus's lock together with
// the write it fences. Forget drops every room, as a Redis restarted without
// persistence would, so the lobby's write-back is tested on this bus too.

// termRecord is a room's current term and the game that claimed it.
type termRecord struct {
	term lobby.Term
	game string
}

// Forget drops every room's data (PINs, leases, terms, inputs, outputs,
// snapshots) at once, as FLUSHALL does to Redis. Subscriptions stay.
func (b *Bus) Forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	rooms := map[string]bool{}
	for room := range b.terms {
		rooms[room] = true
	}
	for room := range b.leases {
		rooms[room] = true
	}
	for room := range b.logs {
		rooms[room] = true
	}
	for room := range b.snapshots {
		rooms[room] = true
	}
	for room := range rooms {
		b.dropRoomLocked(room)
	}
	clear(b.pins)
	clear(b.pinGames)
}

// ClaimRoom implements lobby.Terms.
func (b *Bus) ClaimRoom(ctx context.Context, room, game, holder string, ttl time.Duration) (lobby.Term, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	if _, ok := b.terms[room]; ok {
		return 0, lobby.ErrRoomExists
	}
	if h := b.holderLocked(room); h != "" && h != holder {
		return 0, lobby.ErrLeaseHeld
	}
	b.leases[room] = lease{holder: holder, expires: b.now().Add(ttl)}
	b.terms[room] = termRecord{term: 1, game: game}
	if _, ok := b.pins[room]; ok {
		b.pinGames[room] = game
	}
	return 1, nil
}

// TakeOver implements lobby.Terms.
func (b *Bus) TakeOver(ctx context.Context, room, holder string, ttl time.Duration) (lobby.Term, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	rec, ok := b.terms[room]
	if !ok {
		return 0, lobby.ErrRoomForgotten
	}
	if h := b.holderLocked(room); h != "" && h != holder {
		return 0, lobby.ErrLeaseHeld
	}
	b.leases[room] = lease{holder: holder, expires: b.now().Add(ttl)}
	rec.term++
	b.terms[room] = rec
	return rec.term, nil
}

// RenewTerm implements lobby.Terms. A lapsed lease nobody took is taken
// back: any other taker would have raised the term.
func (b *Bus) RenewTerm(ctx context.Context, room, holder string, term lobby.Term, ttl time.Duration) (lobby.TermStatus, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch err := b.checkTermLocked(room, term); {
	case err == lobby.ErrRoomForgotten:
		return lobby.TermForgotten, nil
	case err != nil:
		return lobby.TermLost, nil
	}
	if h := b.holderLocked(room); h != "" && h != holder {
		return lobby.TermLost, nil
	}
	b.leases[room] = lease{holder: holder, expires: b.now().Add(ttl)}
	return lobby.TermHeld, nil
}

// checkTermLocked returns nil when term is room's current term,
// ErrRoomForgotten when the bus holds no term for room or an older one (it
// forgot the room), ErrStaleTerm otherwise. Caller holds b.mu.
func (b *Bus) checkTermLocked(room string, term lobby.Term) error {
	b.expiredLocked(room, b.now())
	rec, ok := b.terms[room]
	switch {
	case !ok || rec.term < term:
		return lobby.ErrRoomForgotten
	case rec.term != term:
		return lobby.ErrStaleTerm
	}
	return nil
}

// CurrentTerm implements lobby.Terms.
func (b *Bus) CurrentTerm(ctx context.Context, room string) (lobby.Term, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	rec, ok := b.terms[room]
	if !ok {
		return 0, lobby.ErrRoomForgotten
	}
	return rec.term, nil
}

// PublishFenced implements lobby.Terms: the check and the publish happen
// under one lock, as one script does in Redis (the function subscribers are
// called after it, in the order the lock gave).
func (b *Bus) PublishFenced(ctx context.Context, room string, term lobby.Term, out lobby.Output) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	if err := b.checkTermLocked(room, term); err != nil {
		b.mu.Unlock()
		return err
	}
	d, first := b.publishLocked(room, out)
	b.mu.Unlock()
	b.deliver(d, first)
	return nil
}

// AppendInputLive implements lobby.Terms.
func (b *Bus) AppendInputLive(ctx context.Context, room string, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expiredLocked(room, b.now())
	if _, ok := b.terms[room]; !ok {
		return "", lobby.ErrRoomForgotten
	}
	return b.appendLocked(room, data), nil
}

// AppendInputFenced implements lobby.Terms.
func (b *Bus) AppendInputFenced(ctx context.Context, room string, term lobby.Term, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.checkTermLocked(room, term); err != nil {
		return "", err
	}
	return b.appendLocked(room, data), nil
}

// ConfirmTerm implements lobby.Terms. Memory has no replicas: a current
// term is all there is to confirm.
func (b *Bus) ConfirmTerm(ctx context.Context, room string, term lobby.Term) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.checkTermLocked(room, term)
}

// RestoreRoom implements lobby.Terms: it writes back a room this bus holds
// no term for, or an older term of the same game.
func (b *Bus) RestoreRoom(ctx context.Context, room, holder string, ttl time.Duration, r lobby.RoomRestore) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.expiredLocked(room, now)
	if rec, ok := b.terms[room]; ok && (rec.game != r.Game || rec.term >= r.Term) {
		return lobby.ErrRoomExists
	}
	if at, ok := b.pins[room]; ok && now.Before(at) && b.pinGames[room] != r.Game {
		return lobby.ErrPINTaken
	}
	if h := b.holderLocked(room); h != "" && h != holder {
		return lobby.ErrLeaseHeld
	}
	b.leases[room] = lease{holder: holder, expires: now.Add(ttl)}
	b.terms[room] = termRecord{term: r.Term, game: r.Game}
	pinTTL := r.PINTTL
	if pinTTL <= 0 {
		pinTTL = 24 * time.Hour
	}
	b.pins[room], b.pinGames[room] = now.Add(pinTTL), r.Game
	s := r.Snapshot
	s.Data = append([]byte(nil), s.Data...)
	b.snapshots[room] = s
	if r.Last != nil {
		b.last[room] = *r.Last
	}
	return nil
}
