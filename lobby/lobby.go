package lobby

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Config tunes a Lobby. Zero values take the defaults named below.
type Config struct {
	// Instance names this process on the Bus (lease holder, reply routing).
	Instance string
	// MaxGames bounds the rooms this instance runs (default 1000).
	MaxGames int
	// MaxPlayers is the default player cap of a game (default 5000).
	MaxPlayers int
	// InputQueue bounds the inputs other than answers waiting for one room
	// (default 4096); such an input past it is refused with room_busy.
	// Answers are not counted: they are bounded by the players, one slot
	// per connection (see Member.Submit), and never refused for load.
	InputQueue int
	// IdleTimeout ends a room with no input for this long (default 2h).
	IdleTimeout time.Duration
	// Retention keeps an ended game's results (default 24h).
	Retention time.Duration
	// AnswerGrace is how long after a deadline an answer in flight still
	// counts (default 500ms).
	AnswerGrace time.Duration
	// LeaseTTL is the owner lease (default 10s, renewed every third of it).
	LeaseTTL time.Duration
	// AttachTimeout bounds the wait for a room's welcome (default 10s).
	AttachTimeout time.Duration
	// ConfirmAcks makes the owner confirm its term with the Bus
	// (Bus.ConfirmTerm: on Redis with replicas, a WAIT for them) before it
	// publishes answer acks; an ack it cannot confirm within
	// ackConfirmBound goes out as unavailable (see confirmAcks).
	ConfirmAcks bool
	Log         zerolog.Logger
	Observer    Observer
}

func (c Config) withDefaults() Config {
	if c.Instance == "" {
		c.Instance = "i_" + randomHex(6)
	}
	if c.MaxGames <= 0 {
		c.MaxGames = 1000
	}
	if c.MaxPlayers <= 0 {
		c.MaxPlayers = 5000
	}
	if c.InputQueue <= 0 {
		c.InputQueue = 4096
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Hour
	}
	if c.Retention <= 0 {
		c.Retention = 24 * time.Hour
	}
	if c.AnswerGrace <= 0 {
		c.AnswerGrace = 500 * time.Millisecond
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = 10 * time.Second
	}
	if c.AttachTimeout <= 0 {
		c.AttachTimeout = 10 * time.Second
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	return c
}

// Lobby runs this instance's rooms and routes room outputs to the
// connections attached here.
type Lobby struct {
	cfg Config
	bus Bus
	// inProcess: bus's input log lives in this process (see InProcessLog);
	// localLog is that log, nil on a remote Bus.
	inProcess bool
	localLog  InProcessLog
	// direct is bus's broadcast when it lives in this process (see
	// InProcessBroadcaster): views take outputs on the publisher's
	// goroutine, with no dispatcher. Nil on a remote Bus.
	direct InProcessBroadcaster
	log    zerolog.Logger
	obs    Observer

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// spawnMu guards stopped: set by Close before it waits for wg, after
	// which spawn starts nothing (see spawn).
	spawnMu sync.Mutex
	stopped bool

	refs atomic.Uint64
	// The rooms' shared schedules for snapshots and lease renewals.
	snapshotSlots, renewSlots *pacer

	mu      sync.Mutex
	rooms   map[string]*room // rooms whose actor runs here
	views   map[string]*view // rooms with connections here
	ready   readiness
	lost    map[string]time.Time // rooms followed here that no instance holds and the bus forgot: since when (see WatchOwners)
	closing bool
}

// New returns a Lobby on bus. Close stops it.
func New(bus Bus, cfg Config) *Lobby {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	local, _ := bus.(InProcessLog)
	if local != nil && !local.InProcess() {
		local = nil
	}
	direct, _ := bus.(InProcessBroadcaster)
	if direct != nil && !direct.InProcess() {
		direct = nil
	}
	l := &Lobby{
		inProcess: local != nil,
		localLog:  local,
		direct:    direct,
		lost:      map[string]time.Time{},
		cfg:       cfg,
		bus:       bus,
		log:       cfg.Log,
		obs:       cfg.Observer,
		ctx:       ctx,
		cancel:    cancel,
		rooms:     map[string]*room{},
		views:     map[string]*view{},

		snapshotSlots: newPacer(snapshotGap),
		renewSlots:    newPacer(renewGap),
	}
	// Connection refs start anywhere in 2^62, so that a restarted instance
	// (same name, new process) does not reuse the refs, and the command
	// keys (commandKey), of its earlier life.
	var b [8]byte
	_, _ = rand.Read(b[:])
	l.refs.Store(binary.BigEndian.Uint64(b[:]) >> 2)
	return l
}

// InProcessLog is an optional interface of a Bus whose input log lives in
// this process (lobby/membus). Reading and appending take a mutex and never
// the network, so the lobby skips what a remote log needs:
//   - an answer is appended on its connection's reader, with no goroutine
//     and no timer bounding a wait that cannot happen;
//   - the room's actor reads the log itself (PollInputs) instead of a pump
//     goroutine blocked in ReadInputs handing it batches: one wake-up less
//     between an answer and its ack, and no timer per wait. Under load
//     (thousands of runnable goroutines on a saturated core) each wake-up is
//     a full pass of the run queue.
//
// It is not part of Bus: a remote Bus does not implement it and keeps the
// pump. bustest checks it on any Bus that reports InProcess.
type InProcessLog interface {
	// InProcess reports whether the log really lives in this process (a
	// wrapper may implement the method and answer false).
	InProcess() bool
	// PollInputs appends to dst up to max inputs of room's log after the id
	// after, in log order, without waiting, and returns the grown channel:
	// closed by the next append to room's log (or when the log is
	// dropped). Both are taken at one instant, so an input appended after
	// the read always closes the channel returned: a reader that waits on
	// it misses nothing. The channel is returned even with an error (an
	// after that is not an id of this log).
	PollInputs(dst []Input, room, after string, max int) (ins []Input, grown <-chan struct{}, err error)
}

// InProcessBroadcaster is an optional interface of a Bus whose broadcast
// lives in this process (lobby/membus). A subscription to a remote Bus is a
// channel its view's dispatcher goroutine reads; here that goroutine is
// only a hop: the publisher (the room's actor) sends on the channel, the
// dispatcher wakes, then delivers. Under load every wake-up waits a full
// pass of the run queue, on every fan-out and every ack. SubscribeFunc
// instead has the publisher run the view's delivery itself.
//
// It is not part of Bus: a remote Bus does not implement it and its views
// keep their dispatcher. bustest checks it on any Bus that reports
// InProcess.
type InProcessBroadcaster interface {
	// InProcess reports whether the broadcast really lives in this process
	// (a wrapper may implement the method and answer false).
	InProcess() bool
	// SubscribeFunc calls fn with every output of room published after it
	// returns, until Close: on the publishing goroutine, in publish order,
	// one call at a time, none dropped, and without any lock of the Bus
	// held, so fn may call the Bus (Close included). Publish returns once
	// fn has run, except while another Publish of room is calling the
	// subscribers: that one calls them with the output too, after its own.
	// fn must not block: it holds up the publisher (the room's actor) and
	// every later output of the room. A Close from another goroutine does
	// not wait for a call under way. ctx bounds the call, not the
	// subscription.
	SubscribeFunc(ctx context.Context, room string, fn func(Output)) (io.Closer, error)
}

// spawn runs f on a goroutine Close waits for, unless Close already waits:
// then f does not run. A view fed by SubscribeFunc
// starts its goroutines through it (view.goOff): it runs on whichever
// goroutine published (another Lobby's actor, on a shared in-process Bus),
// which may come after this lobby's Close began to wait, when adding to wg
// is no longer allowed.
func (l *Lobby) spawn(f func()) {
	l.spawnMu.Lock()
	defer l.spawnMu.Unlock()
	if !l.stopped {
		l.wg.Go(f)
	}
}

// Instance is this lobby's name on the Bus.
func (l *Lobby) Instance() string { return l.cfg.Instance }

// Ready reports whether the lobby can take new games.
func (l *Lobby) Ready(ctx context.Context) error {
	l.mu.Lock()
	closing := l.closing
	l.mu.Unlock()
	if closing {
		return wire.Unavailable("shutting down", nil)
	}
	return l.busReady(ctx)
}

// Drain starts a shutdown: from now on Ready fails (a load balancer stops
// routing here) and new games and attaches are refused, while the rooms
// running here go on until Close hands them over.
func (l *Lobby) Drain() {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
}

// Close stops every room actor and subscription on this instance and waits
// for their goroutines. Rooms do not end: their state stays on the Bus
// (another instance may take them over). Connections are the transport's to
// close.
func (l *Lobby) Close() {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	l.cancel()
	// A dispatcher closes its view when the subscription ends with l.ctx;
	// a view fed on the publisher's goroutine has nobody to see that, and
	// is closed here (viewOf adds none once l.ctx ended).
	l.mu.Lock()
	var direct []*view
	for _, v := range l.views {
		if v.direct {
			direct = append(direct, v)
		}
	}
	l.mu.Unlock()
	for _, v := range direct {
		v.close(CloseRoomLost)
	}
	l.spawnMu.Lock()
	l.stopped = true
	l.spawnMu.Unlock()
	l.wg.Wait()
}

// Rooms is the number of rooms whose actor runs here.
func (l *Lobby) Rooms() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.rooms)
}

// Players is the number of players (joined and not left) in the rooms whose
// actor runs here, now.
func (l *Lobby) Players() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := int64(0)
	for _, r := range l.rooms {
		n += r.players.Load()
	}
	return int(n)
}

// GameSpec is what the host chose.
type GameSpec struct {
	Questions []game.Question
	Settings  game.Settings
}

// Created is a new game.
type Created struct {
	PIN       string
	HostToken string
}

// pinTTL holds a PIN for the life of a live game; ExpireRoom shortens it to
// the retention when the game ends.
const pinTTL = 7 * 24 * time.Hour

// CreateGame starts a room for spec and returns its PIN and host token
// (returned only here: the room keeps a hash).
func (l *Lobby) CreateGame(ctx context.Context, spec GameSpec) (Created, error) {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		return Created{}, wire.Unavailable("the server is shutting down", nil)
	}
	if len(l.rooms) >= l.cfg.MaxGames {
		l.mu.Unlock()
		return Created{}, wire.Errorf(wire.CodeTooManyGames, "this server runs its maximum of %d games", l.cfg.MaxGames)
	}
	l.mu.Unlock()

	s := spec.Settings
	if s.MaxPlayers <= 0 || s.MaxPlayers > l.cfg.MaxPlayers {
		s.MaxPlayers = l.cfg.MaxPlayers
	}
	if s.AnswerGrace < l.cfg.AnswerGrace {
		s.AnswerGrace = l.cfg.AnswerGrace
	}
	g, err := game.New(spec.Questions, s)
	if err != nil {
		return Created{}, engineError(err)
	}
	if s.SelfPaced {
		// issue 15: a challenge opens at once, for its ChallengeTime.
		if _, err := g.Start(time.Now()); err != nil {
			return Created{}, engineError(err)
		}
	}
	token := "h_" + randomToken()
	pin, err := l.openRoom(ctx, g, roomMeta{HostTokenHash: hashToken(token), Tokens: map[string]game.PlayerID{}, Game: randomHex(8)})
	if err != nil {
		return Created{}, err
	}
	return Created{PIN: pin, HostToken: token}, nil
}

// openRoom reserves a PIN for g and runs its room here.
func (l *Lobby) openRoom(ctx context.Context, g *game.Game, meta roomMeta) (string, error) {
	pin, err := l.reservePIN(ctx, roomPINTTL(g))
	if err != nil {
		return "", err
	}
	r := newRoom(l, pin, g, meta)
	if err := l.claim(ctx, r); err != nil {
		_ = l.bus.ReleasePIN(ctx, pin)
		return "", err
	}
	if err := r.saveSnapshot(ctx); err != nil {
		_ = l.bus.ReleasePIN(ctx, pin)
		return "", wire.Unavailable("cannot store the game", err)
	}
	if err := l.startRoom(r); err != nil {
		_ = l.bus.ReleasePIN(ctx, pin)
		return "", err
	}
	l.log.Info().Str("pin", pin).Int("questions", g.Total()).Bool("self_paced", g.Settings().SelfPaced).Msg("game created")
	return pin, nil
}

func (l *Lobby) reservePIN(ctx context.Context, ttl time.Duration) (string, error) {
	for range 50 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		pin := fmt.Sprintf("%06d", binary.BigEndian.Uint32(b[:])%1_000_000)
		ok, err := l.bus.ReservePIN(ctx, pin, ttl)
		if err != nil {
			return "", wire.Unavailable("cannot reserve a PIN", err)
		}
		if ok {
			return pin, nil
		}
	}
	return "", wire.Errorf(wire.CodeTooManyGames, "no free PIN found")
}

// startRoom runs r's actor here (after creation or a takeover).
func (l *Lobby) startRoom(r *room) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return wire.Unavailable("the server is shutting down", nil)
	}
	if _, ok := l.rooms[r.pin]; ok {
		return nil
	}
	l.rooms[r.pin] = r
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		r.run(l.ctx)
		l.mu.Lock()
		delete(l.rooms, r.pin)
		l.mu.Unlock()
	}()
	return nil
}

// GameInfo is what anyone may know of a game.
type GameInfo struct {
	PIN      string `json:"pin"`
	Phase    string `json:"phase"`
	Joinable bool   `json:"joinable"`
	Locked   bool   `json:"locked"`
	Players  int    `json:"players"`
	Total    int    `json:"questions"`
	// Team mode: the teams and how players land in them; a challenge: its deadline.
	Teams               []wire.Team `json:"teams,omitempty"`
	TeamAssign          string      `json:"team_assign,omitempty"`
	SelfPaced           bool        `json:"self_paced,omitempty"`
	ChallengeDeadlineMs int64       `json:"challenge_deadline_ms,omitempty"`
}

// Info describes the game pin, from its latest snapshot.
func (l *Lobby) Info(ctx context.Context, pin string) (GameInfo, error) {
	g, _, err := l.loadGame(ctx, pin)
	if err != nil {
		return GameInfo{}, err
	}
	ph := g.Phase()
	joinable := !g.Locked() && (ph == game.PhaseLobby || (g.Settings().LateJoin && (ph == game.PhaseQuestion || ph == game.PhaseReveal || ph == game.PhaseLeaderboard)))
	info := GameInfo{PIN: pin, Phase: string(ph), Joinable: joinable, Locked: g.Locked(), Players: len(g.Players()), Total: g.Total()}
	infoModes(&info, g) // issue 15 (lobby/challenge.go)
	return info, nil
}

// Results returns the results of pin to its host.
func (l *Lobby) Results(ctx context.Context, pin, hostToken string) (game.Results, error) {
	g, meta, err := l.loadGame(ctx, pin)
	if err != nil {
		return game.Results{}, err
	}
	if !tokenMatches(meta.HostTokenHash, hostToken) {
		return game.Results{}, wire.Errorf(wire.CodeBadHostToken, "the host token does not match this game")
	}
	return g.Results(), nil
}

// loadGame returns a copy of the game: from the actor when it runs here,
// else from the latest snapshot on the Bus.
func (l *Lobby) loadGame(ctx context.Context, pin string) (*game.Game, roomMeta, error) {
	if !wire.ValidPIN(pin) {
		return nil, roomMeta{}, wire.Errorf(wire.CodeUnknownGame, "no game with PIN %q", pin)
	}
	if g, meta, ok := l.liveGame(ctx, pin); ok {
		return g, meta, nil
	}
	snap, err := l.bus.LoadSnapshot(ctx, pin)
	if errors.Is(err, ErrNoSnapshot) {
		return nil, roomMeta{}, wire.Errorf(wire.CodeUnknownGame, "no game with PIN %s", pin)
	}
	if err != nil {
		return nil, roomMeta{}, wire.Unavailable("cannot read the game", err)
	}
	rs, err := decodeRoomSnapshot(snap.Data)
	if err != nil {
		return nil, roomMeta{}, err
	}
	g, err := game.Restore(rs.Game)
	if err != nil {
		return nil, roomMeta{}, fmt.Errorf("lobby: restoring %s: %w", pin, err)
	}
	return g, rs.Meta, nil
}

// ---- attaching connections ----

// Member is one attached connection's handle on its room.
type Member struct {
	v      *view
	ref    uint64
	conn   Conn
	role   string
	player game.PlayerID
	closed atomic.Bool
	idx    int // position in the view's hosts or players; guarded by the view's mu
	// answering counts the connection's answers submitted and not yet
	// acknowledged (see Submit).
	answering atomic.Int32
	// acked holds when the last few answers acknowledged here were read
	// (Unix ns; guarded by the view's mu): the same submission in the log
	// twice (a store client's retried command, a new owner replaying the
	// log) is acknowledged once (see view.deliverReply).
	acked  [4]ackedAnswer
	nacked int
}

// ackedAnswer is one answer acknowledged: when it was read (Unix ns) and
// its ack frame (the frame is shared and never changed; its id is read
// from it only when two answers were read at the same instant).
type ackedAnswer struct {
	recv  int64
	frame []byte
}

// ackedBefore reports whether the answer read at recv, whose ack is frame,
// was acknowledged here already. Caller holds the view's mu.
func (m *Member) ackedBefore(recv int64, frame []byte) bool {
	for _, a := range m.acked[:min(m.nacked, len(m.acked))] {
		if a.recv == recv && bytes.Equal(replyRe(a.frame), replyRe(frame)) {
			return true
		}
	}
	return false
}

// noteAcked records that the answer read at recv was acknowledged with
// frame. Caller holds the view's mu.
func (m *Member) noteAcked(recv int64, frame []byte) {
	m.acked[m.nacked%len(m.acked)] = ackedAnswer{recv: recv, frame: frame}
	m.nacked++
}

// maxAnswersInFlight is the answer intake's slot per connection: a player
// answers the open question and waits for the ack, so one answer is in
// flight, two when one was sent just as the next question opened. A client
// sending more without reading its acks is refused, not the room's players.
const maxAnswersInFlight = 2

// Role is wire.RoleHost, RolePlayer or RoleDisplay.
func (m *Member) Role() string { return m.role }

// PlayerID is the player's id ("" for host and display).
func (m *Member) PlayerID() string { return string(m.player) }

// PIN is the room's PIN.
func (m *Member) PIN() string { return m.v.pin }

// Attach handles a connection's first message: it asks the room to admit the
// connection and returns once the welcome was queued on conn, or with the
// room's refusal (*wire.Error). After Attach, conn receives the room's
// messages until Detach.
func (l *Lobby) Attach(ctx context.Context, hello Hello, conn Conn) (*Member, error) {
	v, err := l.viewOf(ctx, hello.PIN)
	if err != nil {
		return nil, err
	}
	ref := l.refs.Add(1)
	in := input{Op: hello.Type, Re: hello.Re, Nickname: hello.Nickname, Team: hello.Team}
	switch hello.Type {
	case wire.TypeHost:
		in.Token = hello.HostToken
	case wire.TypeResume:
		in.Token = hello.ResumeToken
	case wire.TypeJoin:
		in.Player = game.PlayerID("p_" + randomHex(8))
		in.Token = "r_" + randomToken()
	}
	wait := v.expect(ref, conn, in)
	if err := v.submit(ctx, ref, in); err != nil {
		v.forget(ref)
		return nil, err
	}
	timeout := time.NewTimer(l.cfg.AttachTimeout)
	defer timeout.Stop()
	select {
	case res := <-wait:
		return res.member, res.err
	case <-ctx.Done():
		if res, answered := v.abandon(ref, wait); answered && res.member != nil {
			res.member.Detach() // admitted as the connection went away
		}
		return nil, ctx.Err()
	case <-timeout.C:
		if res, answered := v.abandon(ref, wait); answered {
			return res.member, res.err // the answer came with the timeout: it stands
		}
		return nil, wire.Unavailable("the room did not answer in time", nil)
	}
}

// Submit sends a message from an attached connection to its room. The
// room's answer (answer_ack, error, state) arrives on the connection; the
// error returned here is a refusal before the room saw it (room_busy,
// unavailable).
func (m *Member) Submit(ctx context.Context, msg Message) error {
	if m.closed.Load() {
		return wire.Unavailable("the connection left the room", nil)
	}
	in := input{Op: msg.Type, Re: msg.Re, Player: m.player, Role: m.role, Q: msg.Q, Answer: msg.Answer,
		RT: msg.ResponseTime, Recv: msg.Received, Seconds: msg.Seconds, Target: game.PlayerID(msg.Target), Team: msg.Team}
	if msg.Type != wire.TypeAnswer {
		return m.v.submit(ctx, m.ref, in)
	}
	// Answers bypass the room's input bound: there is at most one per
	// player per open question, so the bound is the connection's slot.
	if m.answering.Add(1) > maxAnswersInFlight {
		m.answering.Add(-1)
		return wire.Errorf(wire.CodeRoomBusy, "your previous answer is still on its way; try again")
	}
	if m.v.l.inProcess {
		// An in-process log appends under a mutex: the reader appends
		// the answer itself, with no goroutine and no timer (two
		// goroutines and two timers per answer were a fifth of the hops
		// an ack waited behind in a 200-room run).
		m.failAnswer(in, m.v.submitAnswer(m.v.l.ctx, m.ref, in))
		return nil
	}
	queued := in // only this copy escapes to the goroutine: the in-process path allocates no input
	m.v.l.wg.Go(func() { m.submitAnswer(queued) })
	return nil
}

// intakeBound is how long an answer may wait for the Bus before its
// connection is told unavailable (retryable). The connection's reader
// never waits on a remote Bus: it goes on answering ping and reading.
const intakeBound = time.Second

// submitAnswer appends an answer to a remote Bus, answering unavailable on
// the connection when the Bus does not take it within intakeBound. The
// append itself goes on (up to 5 s): one that goes through after the bound
// (a stalled store that wakes up) is applied, but its ack is not delivered
// (giveUp): the client was told to retry, and the retry gets the first
// verdict (room.sameAnswer). The bound is a timer, not a context deadline
// on the append: a store client cut at 1 s gives up a command the frozen
// store may still run, and the retries then land in the log twice over
// (chaostest's frozen Redis saw one request acknowledged twice).
func (m *Member) submitAnswer(in input) {
	boundDone := make(chan struct{})
	bound := time.AfterFunc(intakeBound, func() {
		defer close(boundDone)
		m.v.giveUp(m.ref, in.Recv, in.Re)
		m.failAnswer(in, wire.Unavailable("the room did not take the answer in time", nil))
	})
	ctx, cancel := context.WithTimeout(m.v.l.ctx, 5*time.Second)
	defer cancel()
	err := m.v.submitAnswer(ctx, m.ref, in)
	if bound.Stop() {
		m.failAnswer(in, err)
		return
	}
	<-boundDone // the bound answered; it has finished before the lobby may close
}

// failAnswer tells the connection why its answer was not taken (nothing
// when err is nil: the room acknowledges it) and frees its slot.
func (m *Member) failAnswer(in input, err error) {
	if err == nil {
		return
	}
	m.answered()
	var werr *wire.Error
	if !errors.As(err, &werr) {
		werr = wire.Internal(err)
	}
	m.conn.Send(Frame{Data: wire.Marshal(wire.ErrorMsg{Type: wire.TypeError, Re: in.Re, Code: werr.Code, Message: werr.Message}), Question: -1, Reply: true})
}

// answered frees the answer slot of one acknowledged (or failed) answer.
func (m *Member) answered() {
	for {
		n := m.answering.Load()
		if n <= 0 || m.answering.CompareAndSwap(n, n-1) {
			return
		}
	}
}

// Message is a message from an attached connection, validated and
// authorized by the transport.
type Message struct {
	Type string
	Re   []byte
	// Answer: the question, the answer, when it was read and the response
	// time the connection measured. Received and Re name one submission:
	// the room acknowledges it once, however often it lands in the log (a
	// store client resending its command, a new owner replaying the log),
	// so a transport stamps every message it reads.
	Q            int
	Answer       game.Answer
	Received     time.Time
	ResponseTime time.Duration
	Seconds      int
	Target       string
	Team         int // join, move_team, choose_team
}

// Detach tells the room the connection is gone (a player is then shown as
// disconnected until they resume). It is idempotent.
func (m *Member) Detach() {
	if m.closed.Swap(true) {
		return
	}
	m.v.detach(m)
}

// Handoff ends the connection here without telling the room the player went
// away: this instance is shutting down and sent the client to reconnect to
// another one, where its resume takes the seat back. Marked disconnected in
// between, the player would not count for the open question, which closes
// "all_answered" as soon as everyone else answered, before the moving
// players are back to give (or give again) their answers: a planned
// hand-over would cost them what a crash does not (a killed instance tells
// the room nothing either). A client that never comes back leaves the
// question to its deadline, as after a crash. Detach and Handoff together
// run once.
func (m *Member) Handoff() {
	if m.closed.Swap(true) {
		return
	}
	m.v.mu.Lock()
	m.v.remove(m)
	m.v.mu.Unlock()
}

// ---- tokens and ids ----

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func tokenMatches(hash, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(hashToken(token))) == 1
}

// engineError turns an engine refusal into a wire error with the same code.
func engineError(err error) error {
	var gerr *game.Error
	if errors.As(err, &gerr) {
		return &wire.Error{Code: wire.Code(gerr.Code), Message: gerr.Message}
	}
	return err
}

// liveGame asks the local actor of pin, if any, for a copy of its game.
func (l *Lobby) liveGame(ctx context.Context, pin string) (*game.Game, roomMeta, bool) {
	l.mu.Lock()
	r := l.rooms[pin]
	l.mu.Unlock()
	if r == nil {
		return nil, roomMeta{}, false
	}
	type copied struct {
		snap []byte
		meta roomMeta
	}
	res := make(chan copied, 1)
	q := func() { res <- copied{snap: r.g.Snapshot(), meta: roomMeta{HostTokenHash: r.meta.HostTokenHash}} }
	select {
	case r.queries <- q:
	case <-ctx.Done():
		return nil, roomMeta{}, false
	default:
		return nil, roomMeta{}, false // busy actor: the snapshot will do
	}
	select {
	case c := <-res:
		g, err := game.Restore(c.snap)
		if err != nil {
			return nil, roomMeta{}, false
		}
		return g, c.meta, true
	case <-ctx.Done():
		return nil, roomMeta{}, false
	case <-time.After(2 * time.Second):
		return nil, roomMeta{}, false // the actor ended meanwhile
	}
}
