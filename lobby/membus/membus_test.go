package membus_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/bustest"
	"github.com/quizroom/quizroom/lobby/membus"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	clk := bustest.NewClock()
	shared := membus.New(membus.Options{Now: clk.Now})
	bustest.RunOptions(t, func(*testing.T) lobby.Bus { return shared }, bustest.Options{Advance: clk.Advance})
}

func TestConformanceRealClock(t *testing.T) {
	bustest.Run(t, func(*testing.T) lobby.Bus { return membus.New(membus.Options{}) })
}

func TestSlowSubscriberLosesOutputsButPublishNeverBlocks(t *testing.T) {
	b := membus.New(membus.Options{SubscriptionBuffer: 2})
	sub, err := b.Subscribe(t.Context(), "r")
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for i := uint64(1); i <= 5; i++ {
		if err := b.Publish(t.Context(), "r", lobby.Output{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	var seqs []uint64
	for len(seqs) < 2 {
		seqs = append(seqs, (<-sub.C()).Seq)
	}
	if seqs[0] != 1 || seqs[1] != 2 {
		t.Fatalf("got %v, want the first two outputs", seqs)
	}
	select {
	case o := <-sub.C():
		t.Fatalf("a full subscription still received seq %d", o.Seq)
	default:
	}
}

// A room's log that is dropped (Forget, an expiry) wakes whoever waits on
// it: an actor polling it would otherwise wait on a channel no append to
// the log that replaces it ever closes.
func TestDroppedLogWakesItsPoller(t *testing.T) {
	b := membus.New(membus.Options{})
	_, grown, err := b.PollInputs(nil, "r", lobby.InputStart, 10)
	if err != nil {
		t.Fatal(err)
	}
	b.Forget()
	select {
	case <-grown:
	default:
		t.Fatal("the dropped log's channel is still open")
	}
	_, grown, _ = b.PollInputs(nil, "r", lobby.InputStart, 10)
	if _, err := b.AppendInput(t.Context(), "r", []byte("x")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-grown:
	default:
		t.Fatal("an append to the new log left its channel open")
	}
}
