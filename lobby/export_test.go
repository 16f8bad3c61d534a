package lobby

import "sync"

// MaxAnswersInFlight exposes the answer slot for tests.
const MaxAnswersInFlight = maxAnswersInFlight

// HoldActor parks the actor of pin (running on l) on a query until the
// returned release is called, so that inputs pile up exactly as they do
// behind a busy actor.
func HoldActor(l *Lobby, pin string) (release func()) {
	l.mu.Lock()
	r := l.rooms[pin]
	l.mu.Unlock()
	held, done := make(chan struct{}), make(chan struct{})
	r.queries <- func() { close(held); <-done }
	<-held
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
