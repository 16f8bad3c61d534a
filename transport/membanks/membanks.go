package membanks

import (
	"context"
	"sync"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/transport/httpapi"
)

// Options bound a Store.
type Options struct {
	// MaxBanks is how many banks the store keeps (default 100).
	MaxBanks int
	// Retention drops a bank not used for this long (default 24 h).
	Retention time.Duration
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
}

// Store is an httpapi.BankStore in memory.
type Store struct {
	opts  Options
	mu    sync.Mutex
	banks map[string]*entry
}

var _ httpapi.BankStore = (*Store)(nil)

type entry struct {
	bank httpapi.UploadedBank
	used time.Time
}

// New returns an empty Store.
func New(opts Options) *Store {
	if opts.MaxBanks <= 0 {
		opts.MaxBanks = 100
	}
	if opts.Retention <= 0 {
		opts.Retention = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{opts: opts, banks: map[string]*entry{}}
}

// Put stores b, evicting the least recently used bank when full.
func (s *Store) Put(_ context.Context, b httpapi.UploadedBank) error {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	for len(s.banks) >= s.opts.MaxBanks {
		var oldest string
		var at time.Time
		for id, e := range s.banks {
			if oldest == "" || e.used.Before(at) {
				oldest, at = id, e.used
			}
		}
		delete(s.banks, oldest)
	}
	s.banks[b.ID] = &entry{bank: b, used: now}
	return nil
}

// Get returns the bank and marks it used.
func (s *Store) Get(_ context.Context, id string) (httpapi.UploadedBank, error) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	e, ok := s.banks[id]
	if !ok {
		return httpapi.UploadedBank{}, wire.Errorf(wire.CodeUnknownBank, "no bank %q: never uploaded here, or unused for %v, or evicted by newer uploads", id, s.opts.Retention)
	}
	e.used = now
	return e.bank, nil
}

// Len is the number of banks held.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(s.opts.Now())
	return len(s.banks)
}

func (s *Store) expire(now time.Time) {
	for id, e := range s.banks {
		if now.Sub(e.used) >= s.opts.Retention {
			delete(s.banks, id)
		}
	}
}
