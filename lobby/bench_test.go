package lobby_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/membus"
	"github.com/quizroom/quizroom/lobby/wire"
)

// countingConn counts question frames and signals when a round is complete.
type countingConn struct {
	questions *atomic.Int64
	target    int64
	done      chan struct{}
}

func (c *countingConn) Send(f lobby.Frame) bool {
	if f.Question >= 0 {
		if c.questions.Add(1) == c.target {
			c.done <- struct{}{}
		}
	}
	return true
}
func (c *countingConn) Close(lobby.CloseReason) {}

// BenchmarkQuestionFanOut measures one question reaching every player's
// queue: host command -> input log -> actor -> one output -> view -> N conns.
func BenchmarkQuestionFanOut(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n, "players"), func(b *testing.B) {
			ctx := context.Background()
			l := lobby.New(membus.New(membus.Options{}), lobby.Config{MaxPlayers: n, InputQueue: 2 * n})
			defer l.Close()
			qs := make([]game.Question, 1000)
			for i := range qs {
				qs[i] = game.Question{ID: fmt.Sprint(i), Kind: game.KindSingle, Prompt: "Which one?", Options: []string{"a", "b", "c", "d"}, Correct: []int{1}}
			}
			created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: qs, Settings: game.Settings{MaxPlayers: n}})
			if err != nil {
				b.Fatal(err)
			}
			host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, &fakeConn{})
			if err != nil {
				b.Fatal(err)
			}
			var count atomic.Int64
			done := make(chan struct{}, 1)
			round := int64(0)
			conns := make([]*countingConn, n)
			for i := range conns {
				conns[i] = &countingConn{questions: &count, done: done}
				if _, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: fmt.Sprint("p", i)}, conns[i]); err != nil {
					b.Fatal(err)
				}
			}
			setTarget := func() {
				round++
				for _, c := range conns {
					c.target = round * int64(n)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N && i < len(qs)-1; i++ {
				setTarget()
				cmds := []string{wire.TypeNext, wire.TypeNext} // close, then open the next
				if i == 0 {
					cmds = []string{wire.TypeStart}
				}
				for _, cmd := range cmds {
					if err := host.Submit(ctx, lobby.Message{Type: cmd}); err != nil {
						b.Fatal(err)
					}
				}
				<-done
			}
		})
	}
}

// ackConn counts answer_acks across a room and signals when a round's are in.
type ackConn struct {
	acks   *atomic.Int64
	target *atomic.Int64
	done   chan struct{}
	asked  atomic.Int64 // question frames seen
	// sent is when the connection's last answer was submitted (unix ns),
	// took how long its ack took to be queued (BenchmarkManyRooms).
	sent, took atomic.Int64
}

func (c *ackConn) Send(f lobby.Frame) bool {
	if f.Question >= 0 {
		c.asked.Add(1)
		return true
	}
	if bytes.HasPrefix(f.Data, []byte(`{"type":"answer_ack"`)) {
		if !bytes.Contains(f.Data, []byte(`"accepted":true`)) {
			panic("answer refused: " + string(f.Data))
		}
		if sent := c.sent.Load(); sent != 0 {
			c.took.Store(time.Now().UnixNano() - sent)
		}
		if c.acks.Add(1) == c.target.Load() {
			c.done <- struct{}{}
		}
	}
	return true
}
func (c *ackConn) Close(lobby.CloseReason) {}

// BenchmarkAnswerBurst measures a burst of one answer from every player of
// a 10,000-player room, from Submit (the connection's reader) to every ack
// queued on its connection: input log -> actor (scoring) -> one output ->
// view -> N conns. Reported per answer.
func BenchmarkAnswerBurst(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	l := lobby.New(membus.New(membus.Options{}), lobby.Config{MaxPlayers: n})
	defer l.Close()
	qs := make([]game.Question, 200)
	for i := range qs {
		qs[i] = game.Question{ID: fmt.Sprint(i), Kind: game.KindSingle, Prompt: "Which one?", Options: []string{"a", "b", "c", "d"}, Correct: []int{1}}
	}
	created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: qs, Settings: game.Settings{MaxPlayers: n}})
	if err != nil {
		b.Fatal(err)
	}
	host, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, &fakeConn{})
	if err != nil {
		b.Fatal(err)
	}
	var acks, target atomic.Int64
	done := make(chan struct{}, 1)
	members := make([]*lobby.Member, n)
	conns := make([]*ackConn, n)
	for i := range conns {
		conns[i] = &ackConn{acks: &acks, target: &target, done: done}
		if members[i], err = l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: fmt.Sprint("p", i)}, conns[i]); err != nil {
			b.Fatal(err)
		}
	}
	const readers = 64
	b.ResetTimer()
	for i := 0; i < b.N && i < len(qs)-1; i++ {
		b.StopTimer()
		cmds := []string{wire.TypeNext} // every player answered: the reveal is on
		if i == 0 {
			cmds = []string{wire.TypeStart}
		}
		for _, cmd := range cmds {
			if err := host.Submit(ctx, lobby.Message{Type: cmd}); err != nil {
				b.Fatal(err)
			}
		}
		for conns[n-1].asked.Load() < int64(i+1) {
			runtime.Gosched()
		}
		target.Store(int64(i+1) * n)
		b.StartTimer()
		var wg sync.WaitGroup
		for r := range readers {
			wg.Go(func() {
				for k := r; k < n; k += readers {
					if err := members[k].Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: i, Answer: game.Answer{Choices: []int{1}},
						Received: time.Now(), ResponseTime: time.Second}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		<-done
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/answer")
}

// BenchmarkManyRooms measures the common hosting case: 200 games of 50
// players on one instance. Each round opens a question in every room, then
// every player answers, the answers of all rooms interleaved as readers on
// different connections deliver them, until every ack is queued. Reported
// per answer: time, goroutines created (each one a wake-up an ack waits
// behind when the core is busy) and allocations; and the p50 and p99 of an
// answer's time from Submit to its ack queued on the connection (the hops
// on its way each wait their turn on the busy cores).
func BenchmarkManyRooms(b *testing.B) {
	const rooms, perRoom = 200, 50
	ctx := context.Background()
	l := lobby.New(membus.New(membus.Options{}), lobby.Config{})
	defer l.Close()
	qs := make([]game.Question, 30) // a snapshot holds the questions: keep them few, as in the scenario
	for i := range qs {
		qs[i] = game.Question{ID: fmt.Sprint(i), Kind: game.KindSingle, Prompt: "Which one?", Options: []string{"a", "b", "c", "d"}, Correct: []int{1}}
	}
	var acks, target atomic.Int64
	done := make(chan struct{}, 1)
	hosts := make([]*lobby.Member, rooms)
	var members []*lobby.Member
	var conns []*ackConn
	for k := range rooms {
		created, err := l.CreateGame(ctx, lobby.GameSpec{Questions: qs, Settings: game.Settings{MaxPlayers: perRoom}})
		if err != nil {
			b.Fatal(err)
		}
		if hosts[k], err = l.Attach(ctx, lobby.Hello{Type: wire.TypeHost, PIN: created.PIN, HostToken: created.HostToken}, &fakeConn{}); err != nil {
			b.Fatal(err)
		}
		for i := range perRoom {
			c := &ackConn{acks: &acks, target: &target, done: done}
			m, err := l.Attach(ctx, lobby.Hello{Type: wire.TypeJoin, PIN: created.PIN, Nickname: fmt.Sprint("p", i)}, c)
			if err != nil {
				b.Fatal(err)
			}
			members, conns = append(members, m), append(conns, c)
		}
	}
	// Interleave the rooms: answer k comes from room k % rooms.
	order := make([]int, 0, len(members))
	for i := range perRoom {
		for k := range rooms {
			order = append(order, k*perRoom+i)
		}
	}
	const readers = 64
	created := func() float64 {
		s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
		metrics.Read(s)
		return float64(s[0].Value.Uint64())
	}
	var goroutines float64
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N && i < len(qs)-1; i++ {
		b.StopTimer()
		cmd := wire.TypeNext // every player answered: the reveal is on
		if i == 0 {
			cmd = wire.TypeStart
		}
		for _, h := range hosts {
			if err := h.Submit(ctx, lobby.Message{Type: cmd}); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range conns {
			for c.asked.Load() < int64(i+1) {
				runtime.Gosched()
			}
		}
		target.Store(int64(i+1) * int64(len(members)))
		before := created()
		b.StartTimer()
		var wg sync.WaitGroup
		for r := range readers {
			wg.Go(func() {
				for k := r; k < len(order); k += readers {
					conns[order[k]].sent.Store(time.Now().UnixNano())
					if err := members[order[k]].Submit(ctx, lobby.Message{Type: wire.TypeAnswer, Q: i, Answer: game.Answer{Choices: []int{1}},
						Received: time.Now(), ResponseTime: time.Second}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		<-done
		b.StopTimer()
		goroutines += created() - before - readers
		for _, c := range conns {
			took = append(took, time.Duration(c.took.Load()))
		}
		b.StartTimer()
	}
	answers := float64(min(b.N, len(qs)-1) * len(members))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/answers, "ns/answer")
	b.ReportMetric(goroutines/answers, "goroutines/answer")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "ack-p50-us")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "ack-p99-us")
}
