package lobby

import "time"

// Observer receives the lobby's measurements; transport/httpapi exports them
// to Prometheus. Methods must be cheap and safe for concurrent use. Levels
// (rooms, players) are not events here: Lobby.Rooms and Lobby.Players read
// them when asked, so a gauge built on them is true at any scrape.
type Observer interface {
	// FanOut is the time to queue one broadcast to conns local connections.
	FanOut(d time.Duration, conns int)
	// AnswerAcked is the time from reading an answer to queueing its ack.
	AnswerAcked(d time.Duration)
	// OutputGap counts outputs lost between the room and this instance.
	OutputGap()
}

type nopObserver struct{}

func (nopObserver) FanOut(time.Duration, int) {}
func (nopObserver) AnswerAcked(time.Duration) {}
func (nopObserver) OutputGap()                {}
