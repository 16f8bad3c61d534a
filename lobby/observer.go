package lobby

import "time"

// Observer receives the lobby's measurements; transport/httpapi exports them
// to Prometheus. Methods must be cheap and safe for concurrent use.
type Observer interface {
	RoomsChanged(delta int)
	PlayersChanged(delta int)
	// FanOut is the time to queue one broadcast to conns local connections.
	FanOut(d time.Duration, conns int)
	// AnswerAcked is the time from reading an answer to queueing its ack.
	AnswerAcked(d time.Duration)
	// OutputGap counts outputs lost between the room and this instance.
	OutputGap()
}

type nopObserver struct{}

func (nopObserver) RoomsChanged(int)          {}
func (nopObserver) PlayersChanged(int)        {}
func (nopObserver) FanOut(time.Duration, int) {}
func (nopObserver) AnswerAcked(time.Duration) {}
func (nopObserver) OutputGap()                {}
