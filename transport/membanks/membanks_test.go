package membanks_test

import (
	"sync"
	"testing"
	"time"

	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/httpapi/bankstoretest"
	"github.com/quizroom/quizroom/transport/membanks"
)

func TestConformance(t *testing.T) {
	bankstoretest.Run(t, func(t *testing.T, maxBanks int, retention time.Duration) (httpapi.BankStore, func(time.Duration)) {
		var mu sync.Mutex
		now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
		s := membanks.New(membanks.Options{MaxBanks: maxBanks, Retention: retention, Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		}})
		return s, func(d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
		}
	})
}
