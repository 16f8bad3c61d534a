package ws

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// AddrLimiter limits attempts per client address: every attempt takes from a
// generous bucket, and each attempt naming a game that does not exist also
// takes from a small one, so guessing PINs is slow while a room full of
// players behind one NAT can still join.
type AddrLimiter struct {
	attempts  rate.Limit
	burst     int
	misses    rate.Limit
	missBurst int

	mu    sync.Mutex
	addrs map[string]*addrState
	swept time.Time
}

type addrState struct {
	attempts *rate.Limiter
	misses   *rate.Limiter
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
			if now.Sub(s.seen) > 10*time.Minute {
				delete(l.addrs, a)
			}
		}
		l.swept = now
	}
	s := l.addrs[addr]
	if s == nil {
		s = &addrState{attempts: rate.NewLimiter(l.attempts, l.burst), misses: rate.NewLimiter(l.misses, l.missBurst)}
		l.addrs[addr] = s
	}
	s.seen = now
	return s
}

// Allow reports whether addr may make an attempt now.
func (l *AddrLimiter) Allow(addr string) bool {
	if l == nil {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.state(addr, now)
	return s.misses.TokensAt(now) >= 1 && s.attempts.AllowN(now, 1)
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
