package redisbus_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/redisbus"
)

// These measure the Redis bus on a private redis-server on loopback, for the
// capacity section of docs/operations.md. An answer from a player on another
// instance costs one AppendInput and one ReadInputs; a broadcast costs one
// Publish per event plus one delivery per subscribed instance.

func benchBus(b *testing.B) *redisbus.Bus {
	b.Helper()
	srv := redistest.Start(b)
	rdb, err := redisbus.NewClient(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rdb.Close() })
	return redisbus.New(rdb, redisbus.Options{})
}

func BenchmarkAppendInput(b *testing.B) {
	bus := benchBus(b)
	ctx := context.Background()
	data := []byte(`{"op":"answer","player":"p_0123456789abcdef","q":3,"choice":2,"rt":1234}`)
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := bus.AppendInput(ctx, strconv.Itoa(100000+i%50), data); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPublishDeliver is one output from publish to its delivery on a
// subscription: the fan-out path between instances.
func BenchmarkPublishDeliver(b *testing.B) {
	bus := benchBus(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub, err := bus.Subscribe(ctx, "777777")
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Close()
	data := make([]byte, 512) // a question frame is a few hundred bytes
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := range b.N {
		if err := bus.Publish(ctx, "777777", lobby.Output{Seq: uint64(i + 1), Data: data}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-sub.C():
		case <-time.After(5 * time.Second):
			b.Fatal("output not delivered")
		}
	}
}

// BenchmarkInputRoundTrip is an input appended on one instance and read by
// the owner blocked on the stream: the latency an answer from another
// instance adds.
func BenchmarkInputRoundTrip(b *testing.B) {
	bus := benchBus(b)
	ctx := context.Background()
	const room = "888888"
	after := lobby.InputStart
	data := []byte("answer")
	b.ResetTimer()
	for range b.N {
		if _, err := bus.AppendInput(ctx, room, data); err != nil {
			b.Fatal(err)
		}
		in, err := bus.ReadInputs(ctx, room, after, 100, time.Second)
		if err != nil || len(in) == 0 {
			b.Fatalf("read: %v, %d inputs", err, len(in))
		}
		after = in[len(in)-1].ID
	}
}
