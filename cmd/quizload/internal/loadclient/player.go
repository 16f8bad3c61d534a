package loadclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/cmd/quizload/internal/wirescan"
)

// player is one simulated player. Its reader goroutine owns buf and the
// connection's reads; mu guards the rest against the answer and drop timers.
type player struct {
	s     *shard
	i     int
	group int
	pin   string
	url   string
	delay time.Duration
	buf   []byte

	mu          sync.Mutex
	conn        *websocket.Conn
	resumeToken string
	dropping    bool
	done        bool
	curQ        int
	timeMs      int64
	sentAt      time.Time
	sentQ       int
	accepted    uint64 // questions whose answer the server accepted
	lastScore   int64
	lastScoreQ  int // the question whose reveal told lastScore (-1: none)
	lastAnswer  []byte
	retries     int
	podiumAt    time.Time
	// welcomePhase is the phase the last welcome showed (a resume's).
	welcomePhase string
	// lastType is the type of the last frame read (reader goroutine only),
	// told when the player never sees the end of its game.
	lastType string
}

// Frame types the hot path compares against.
var (
	tQuestion = []byte("question")
	tAck      = []byte("answer_ack")
	tReveal   = []byte("reveal")
	tWelcome  = []byte("welcome")
	tPodium   = []byte("podium")
	tState    = []byte("state")
	tEnded    = []byte("ended")
	tError    = []byte("error")
	tReconn   = []byte("reconnect")
)

// frameName is typ as a string without allocating for the common types.
func frameName(typ []byte) string {
	if name, ok := frameNames[string(typ)]; ok { // m[string(b)] does not allocate
		return name
	}
	return "other"
}

// frameNames maps each known frame type to itself, so frameName returns a
// string it does not have to allocate.
var frameNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"question", "answer_ack", "reveal", "welcome", "podium", "ended", "error", "reconnect",
		"leaderboard", "review", "stats", "answers_count", "paused", "resumed", "state", "extended"} {
		m[n] = n
	}
	return m
}()

// debugTypes counts received frames by type as "errors" (QUIZLOAD_DEBUG_TYPES=1),
// to see what a server sends.
var debugTypes = os.Getenv("QUIZLOAD_DEBUG_TYPES") == "1"

// run plays until the game ends, resuming after planned drops.
func (p *player) run(ctx context.Context) {
	resume := false
	unplanned := 0
	for {
		if err := p.connectAndPlay(ctx, resume); err != nil {
			p.mu.Lock()
			planned := p.dropping
			p.dropping = false
			done := p.done
			p.mu.Unlock()
			if done || ctx.Err() != nil {
				return
			}
			if !planned {
				kind := "unexpected_close"
				if code := websocket.CloseStatus(err); code != -1 {
					kind += ":" + strconv.Itoa(int(code))
				}
				p.s.fail(kind, fmt.Sprintf("player %d: %v", p.i, err))
				// A real client resumes with its token (a slow consumer is
				// told to); so does this one, a few times at most.
				p.mu.Lock()
				token := p.resumeToken
				p.mu.Unlock()
				unplanned++
				if token == "" || unplanned > 3 {
					return
				}
			}
			resume = true
			p.s.resumes.Add(1)
			continue
		}
		return
	}
}

func (p *player) connectAndPlay(ctx context.Context, resume bool) error {
	endpoint, err := wsURL(p.url)
	if err != nil {
		p.s.fail("dial", err.Error())
		return nil
	}
	params := dialParams{delay: p.delay}
	if p.s.job.SpreadSourceIPs {
		params.source = sourceIP(p.i)
	}
	p.s.dialSem <- struct{}{}
	c, err := dial(ctx, p.s.client, endpoint, params)
	<-p.s.dialSem
	if err != nil {
		if resume {
			p.s.resumeFailed.Add(1)
		}
		if ctx.Err() == nil {
			p.s.fail("dial", err.Error())
		}
		return nil
	}
	defer c.CloseNow()
	p.mu.Lock()
	p.conn = c
	token := p.resumeToken
	p.mu.Unlock()

	var first []byte
	if resume {
		first = fmt.Appendf(nil, `{"type":"resume","pin":%q,"resume_token":%q}`, p.pin, token)
	} else {
		first = fmt.Appendf(nil, `{"type":"join","pin":%q,"nickname":"p%d"}`, p.pin, p.i)
	}
	if err := write(ctx, c, first); err != nil {
		return err
	}
	for {
		msg, err := readMessage(ctx, c, p.buf)
		p.buf = msg[:0]
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
				p.mu.Lock()
				finished := !p.podiumAt.IsZero()
				p.mu.Unlock()
				if finished {
					return nil
				}
			}
			return err
		}
		if stop := p.handle(ctx, msg, resume); stop {
			c.Close(websocket.StatusNormalClosure, "done")
			return nil
		}
		if cap(p.buf) > 64<<10 {
			p.buf = make([]byte, 0, 4096)
		}
	}
}

// handle reacts to one frame; it returns true when the player is done.
func (p *player) handle(ctx context.Context, msg []byte, resumed bool) bool {
	typ := wirescan.Type(msg)
	p.lastType = frameName(typ)
	if debugTypes {
		p.s.fail("debug_frame:"+string(typ), "")
	}
	switch {
	case bytes.Equal(typ, tQuestion):
		p.onQuestion(ctx, msg)
	case bytes.Equal(typ, tAck):
		p.onAck(msg)
	case bytes.Equal(typ, tReveal):
		p.onReveal(msg)
	case bytes.Equal(typ, tWelcome):
		p.onWelcome(ctx, msg, resumed)
	case bytes.Equal(typ, tState):
		// After a sequence gap (a lost output, a takeover) the server sends
		// the state instead of the missed events: a podium reached that way
		// counts as reaching it.
		if ph := wirescan.String(msg, "phase"); bytes.Equal(ph, tPodium) {
			p.onPodium()
		}
	case bytes.Equal(typ, tPodium):
		p.onPodium()
	case bytes.Equal(typ, tEnded):
		p.mu.Lock()
		p.done = true
		p.mu.Unlock()
		return true
	case bytes.Equal(typ, tError):
		code := wirescan.String(msg, "code")
		p.s.fail("server_error:"+string(code), string(msg))
		if bytes.Equal(code, []byte("room_busy")) {
			p.retryAnswer(ctx, msg)
		}
	case bytes.Equal(typ, tReconn):
		p.s.fail("reconnect_requested", string(msg))
	}
	return false
}

// onPodium records that the player reached the podium.
func (p *player) onPodium() {
	p.mu.Lock()
	first := p.podiumAt.IsZero()
	p.podiumAt = time.Now()
	p.done = true
	c := p.conn
	p.mu.Unlock()
	if first {
		p.s.finished.Add(1)
		// Stay a moment for the personal review, then leave even if the
		// server sends no "ended".
		time.AfterFunc(time.Second, func() { c.Close(websocket.StatusNormalClosure, "done") })
	}
}

func (p *player) onQuestion(ctx context.Context, msg []byte) {
	recv := time.Now()
	q64, _ := wirescan.Int(msg, "q")
	q := int(q64)
	if serverMs, ok := wirescan.Int(msg, "server_ms"); ok {
		lat := float64(recv.UnixMicro()-serverMs*1000)/1000 - float64(p.delay)/float64(time.Millisecond)
		p.s.fanout.Add(lat)
	} else {
		p.s.fail("question_without_server_ms", "")
	}
	p.s.frameBytes.Add(int64(len(msg)))
	p.s.frames.Add(1)
	p.s.questionSeen(q)
	timeMs, _ := wirescan.Int(msg, "time_ms")

	p.mu.Lock()
	already := p.accepted&(1<<uint(q%MaxQuestions)) != 0 || (p.sentQ == q && !p.sentAt.IsZero())
	p.curQ, p.timeMs = q, timeMs
	p.mu.Unlock()
	if already { // the question again after a resume: answered already
		return
	}
	answer := p.answerFrame(msg, q)
	time.AfterFunc(p.s.job.Reaction(p.i, q), func() { p.sendAnswer(ctx, q, answer) })
}

func (p *player) answerFrame(msg []byte, q int) []byte {
	j := &p.s.job
	choice := -1
	correct := j.Correct(p.i, q)
	if j.CorrectOption != "" {
		if k := wirescan.IndexOfString(msg, "options", []byte(j.CorrectOption)); k >= 0 {
			choice = k
			if !correct {
				choice = (k + 1) % 2
			}
		}
	}
	if choice < 0 {
		choice = int(j.hash(4, p.i/len(j.Groups), q) % 2)
	}
	id := "a" + strconv.Itoa(q)
	switch string(wirescan.String(msg, "kind")) {
	case "multi":
		return fmt.Appendf(nil, `{"type":"answer","id":%q,"q":%d,"choices":[%d]}`, id, q, choice)
	case "text", "typed":
		return fmt.Appendf(nil, `{"type":"answer","id":%q,"q":%d,"text":"load test"}`, id, q)
	}
	return fmt.Appendf(nil, `{"type":"answer","id":%q,"q":%d,"choice":%d}`, id, q, choice)
}

func (p *player) sendAnswer(ctx context.Context, q int, frame []byte) {
	p.mu.Lock()
	c := p.conn
	if p.curQ != q || p.done || p.dropping {
		p.mu.Unlock()
		return
	}
	if p.sentQ != q {
		p.retries = 0
	}
	p.sentAt, p.sentQ, p.lastAnswer = time.Now(), q, frame
	p.mu.Unlock()
	if err := write(ctx, c, frame); err != nil && ctx.Err() == nil {
		p.mu.Lock()
		planned := p.dropping
		p.mu.Unlock()
		if !planned {
			p.s.fail("answer_write", err.Error())
		}
	}
}

// retryAnswer sends a refused answer again after a pause, as the error's
// "try again" invites, up to three times per question.
func (p *player) retryAnswer(ctx context.Context, msg []byte) {
	re := wirescan.String(msg, "re")
	if len(re) < 2 || re[0] != 'a' {
		return
	}
	q, err := strconv.Atoi(string(re[1:]))
	if err != nil {
		return
	}
	p.mu.Lock()
	if p.curQ != q || p.retries >= 3 || p.lastAnswer == nil {
		p.mu.Unlock()
		return
	}
	p.retries++
	frame := p.lastAnswer
	wait := time.Duration(50*p.retries) * time.Millisecond
	p.mu.Unlock()
	time.AfterFunc(wait, func() { p.sendAnswer(ctx, q, frame) })
}

func (p *player) onAck(msg []byte) {
	now := time.Now()
	q64, _ := wirescan.Int(msg, "q")
	q := int(q64)
	accepted, _ := wirescan.Bool(msg, "accepted")
	p.mu.Lock()
	if p.sentQ == q && !p.sentAt.IsZero() {
		p.s.ack.Add(float64(now.Sub(p.sentAt)) / float64(time.Millisecond))
		p.sentAt = time.Time{}
	}
	if accepted {
		p.accepted |= 1 << uint(q%MaxQuestions)
	}
	c := p.conn
	churn := accepted && p.s.job.Churns(p.i, q)
	p.mu.Unlock()
	if !accepted {
		p.s.fail("answer_refused:"+string(wirescan.String(msg, "code")), string(msg))
		return
	}
	p.s.accepted.Add(1)
	p.s.questionAnswered(q)
	if churn {
		// Drop while the question is still open, as a phone losing signal.
		time.AfterFunc(20*time.Millisecond, func() {
			p.mu.Lock()
			if p.done || p.conn != c {
				p.mu.Unlock()
				return
			}
			p.dropping = true
			p.mu.Unlock()
			c.CloseNow()
		})
	}
}

func (p *player) onReveal(msg []byte) {
	q64, _ := wirescan.Int(msg, "q")
	q := int(q64)
	you := wirescan.Object(msg, "you")
	if you == nil {
		return
	}
	answered, _ := wirescan.Bool(you, "answered")
	score, hasScore := wirescan.Int(you, "score")
	p.mu.Lock()
	wasAccepted := p.accepted&(1<<uint(q%MaxQuestions)) != 0
	if hasScore {
		p.lastScore, p.lastScoreQ = score, q
	}
	timeMs := p.timeMs
	p.mu.Unlock()
	if wasAccepted && !answered {
		p.s.lostAnswers.Add(1)
		p.s.fail("lost_answer", fmt.Sprintf("player %d q %d: accepted but reveal says not answered", p.i, q))
	}
	if !answered {
		return
	}
	g := &p.s.groups[p.group]
	correct, _ := wirescan.Bool(you, "correct")
	points, _ := wirescan.Int(you, "points")
	rt, hasRT := wirescan.Int(you, "response_ms")
	g.mu.Lock()
	defer g.mu.Unlock()
	if correct {
		g.PointsSum += float64(points)
		g.PointsN++
	}
	if hasRT && timeMs > 0 {
		comp := min(float64(p.delay)/float64(time.Millisecond), 250)
		g.SpeedSum += speedScore(float64(rt), float64(timeMs))
		g.SpeedUncompSum += speedScore(float64(rt)+comp, float64(timeMs))
		g.SpeedN++
		g.ResponseMsSum += float64(rt)
	}
}

// speedScore is the default rule's points for a correct answer after t ms of
// a T ms question.
func speedScore(t, T float64) float64 {
	if t < 500 {
		return 1000
	}
	return max(0, 1000*(1-t/(2*T)))
}

// welcomeState is the part of welcome a resuming player checks. Welcome is
// rare, so it is decoded properly.
type welcomeState struct {
	ResumeToken string `json:"resume_token"`
	State       struct {
		Phase    string `json:"phase"`
		Q        int    `json:"q"`
		Score    int64  `json:"score"`
		Answered bool   `json:"answered"`
	} `json:"state"`
}

func (p *player) onWelcome(ctx context.Context, msg []byte, resumed bool) {
	var w welcomeState
	if err := json.Unmarshal(msg, &w); err != nil {
		p.s.fail("bad_welcome", err.Error())
		return
	}
	p.mu.Lock()
	if w.ResumeToken != "" {
		p.resumeToken = w.ResumeToken
	}
	p.welcomePhase = w.State.Phase
	lastScore, lastScoreQ, accepted, q := p.lastScore, p.lastScoreQ, p.accepted, p.curQ
	if resumed {
		// The state's score counts every question closed so far.
		p.lastScore, p.lastScoreQ = max(p.lastScore, w.State.Score), w.State.Q
		if w.State.Phase == "question" || w.State.Phase == "lobby" {
			p.lastScoreQ = w.State.Q - 1
		}
	}
	p.mu.Unlock()
	if w.State.Phase == "podium" {
		// Back after the last reveal (a drop at the end of the game): the
		// welcome's state is the podium, as a state after a gap is.
		defer p.onPodium()
	}
	if !resumed {
		p.s.joined(p.i)
		return
	}
	ok := true
	if w.State.Phase == "question" && w.State.Q == q && lastScoreQ == q-1 {
		// Still in the question we dropped in, and we saw the score before
		// it: same score, answer kept.
		ok = w.State.Score == lastScore && w.State.Answered == (accepted&(1<<uint(q%MaxQuestions)) != 0)
	} else if w.State.Phase == "question" && w.State.Q == q {
		// We missed the last reveal while away: the answer must be kept.
		ok = w.State.Score >= lastScore && w.State.Answered == (accepted&(1<<uint(q%MaxQuestions)) != 0)
	} else {
		ok = w.State.Score >= lastScore
	}
	if !ok {
		p.s.resumeFailed.Add(1)
		p.s.fail("resume_mismatch", fmt.Sprintf("player %d q %d: had score %d, answer accepted %v; resume says phase %s q %d score %d answered %v",
			p.i, q, lastScore, accepted&(1<<uint(q%MaxQuestions)) != 0, w.State.Phase, w.State.Q, w.State.Score, w.State.Answered))
	}
	_ = ctx
}
