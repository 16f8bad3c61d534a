package ws

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/quizroom/quizroom/lobby/wire"
)

// AddrLimiter limits attempts per client address so that guessing PINs is
// slow while a hall of phones behind one NAT can still play.
//
// Every attempt takes from a generous bucket. Each attempt at a game that
// does not exist takes from a small one (the miss budget). An address whose
// miss budget is spent may still reach:
//   - the games it already found (a PIN it named that existed): asking
//     again about a game you know exists tells nothing new, so the phones
//     of a hall keep joining the game on the screen however many of them
//     mistype;
//   - GraceLookups more new PINs per graceWindow, answered truthfully, so
//     that ten mistakes before anyone typed the right PIN do not lock the
//     room out. A guesser gains that many guesses per window, no more.
//
// Past both, an attempt at a new PIN is refused whether or not the game
// exists: the refusal does not tell which PINs are live.
type AddrLimiter struct {
	attempts  rate.Limit
	burst     int
	misses    rate.Limit
	missBurst int

	mu    sync.Mutex
	addrs map[string]*addrState
	swept time.Time
}

// GraceLookups is how many new PINs an address whose miss budget is spent
// may still look up per graceWindow.
const GraceLookups = 3

const (
	graceWindow = 10 * time.Minute
	// maxFound bounds the games remembered per address (a hall plays a few).
	maxFound = 16
	// forgetAfter drops an address's state after this long without attempts.
	forgetAfter = 10 * time.Minute
)

type addrState struct {
	attempts *rate.Limiter
	misses   *rate.Limiter
	grace    *rate.Limiter
	found    []string // PINs this address named that existed, oldest first
	seen     time.Time
}

// NewAddrLimiter allows perSecond attempts (burst) and missesPerMinute
// unknown-game attempts (missBurst) per address.
func NewAddrLimiter(perSecond float64, burst int, missesPerMinute float64, missBurst int) *AddrLimiter {
	return &AddrLimiter{attempts: rate.Limit(perSecond), burst: burst, misses: rate.Limit(missesPerMinute / 60), missBurst: missBurst, addrs: map[string]*addrState{}}
}

func (l *AddrLimiter) state(addr string, now time.Time) *addrState {
	if now.Sub(l.swept) > time.Minute {
		for a, s := range l.addrs {
			if now.Sub(s.seen) > forgetAfter {
				delete(l.addrs, a)
			}
		}
		l.swept = now
	}
	s := l.addrs[addr]
	if s == nil {
		s = &addrState{
			attempts: rate.NewLimiter(l.attempts, l.burst),
			misses:   rate.NewLimiter(l.misses, l.missBurst),
			grace:    rate.NewLimiter(rate.Every(graceWindow/GraceLookups), GraceLookups),
		}
		l.addrs[addr] = s
	}
	s.seen = now
	return s
}

// Allow reports whether addr may make an attempt at pin now.
func (l *AddrLimiter) Allow(addr, pin string) bool {
	if l == nil {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(addr, now)
	if !s.attempts.AllowN(now, 1) {
		return false
	}
	for _, p := range s.found {
		if p == pin {
			return true
		}
	}
	return s.misses.TokensAt(now) >= 1 || s.grace.AllowN(now, 1)
}

// Miss records an attempt at a game that does not exist.
func (l *AddrLimiter) Miss(addr string) {
	if l == nil {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state(addr, now).misses.AllowN(now, 1)
}

// Found records that pin, named by addr, is a game that exists: addr may
// keep reaching it past its miss budget.
func (l *AddrLimiter) Found(addr, pin string) {
	if l == nil {
		return
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(addr, now)
	for _, p := range s.found {
		if p == pin {
			return
		}
	}
	if len(s.found) == maxFound {
		s.found = append(s.found[:0], s.found[1:]...)
	}
	s.found = append(s.found, pin)
}

// RecordLookup tells l what an attempt by addr at pin found: a miss when
// the game does not exist, the game when the answer came from it (admitted,
// or refused by the game itself: a wrong token, a taken nickname...).
// Failures that say nothing of the game (unavailable, internal) count as
// neither.
func RecordLookup(l *AddrLimiter, addr, pin string, err error) {
	switch wire.CodeOf(err) {
	case wire.CodeUnknownGame:
		l.Miss(addr)
	case wire.CodeUnavailable, wire.CodeInternal, wire.CodeJoinRateLimited:
	default:
		l.Found(addr, pin)
	}
}
