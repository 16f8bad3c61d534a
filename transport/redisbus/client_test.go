package redisbus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/redisbus"
)

func TestNewClientURLs(t *testing.T) {
	tests := []struct {
		url     string
		want    string // type of client
		wantErr string
	}{
		{url: "redis://127.0.0.1:6390/0", want: "*redis.Client"},
		{url: "rediss://user:pw@example.com:6390/2?dial_timeout=5s", want: "*redis.Client"},
		{url: "redis://s1:26379/0?master_name=main&addr=s2:26379", want: "*redis.Client"},
		{url: "redis://n1:6379?cluster=true&addr=n2:6379", want: "*redis.ClusterClient"},
		{url: "", wantErr: "empty"},
		{url: "http://x:1", wantErr: "scheme"},
		{url: "redis://x:1?cluster=maybe", wantErr: "cluster"},
		{url: "redis://x:1?no_such_option=1", wantErr: "no_such_option"},
		{url: "redis://x:1/notanumber", wantErr: "redis URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := redisbus.NewClient(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if got := typeName(c); got != tt.want {
				t.Fatalf("client type %s, want %s", got, tt.want)
			}
		})
	}
}

func typeName(c redis.UniversalClient) string {
	switch c.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	default:
		return "other"
	}
}

// TestOutage stops Redis under a live subscription: calls fail with an error
// (not a hang, not a panic), Ping says so, and once Redis is back the same
// Bus and the same Subscription work again without being recreated.
func TestOutage(t *testing.T) {
	srv := redistest.Start(t)
	bus := redisbus.New(newClient(t, srv.URL()), redisbus.Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	const room = "424242"
	sub, err := bus.Subscribe(ctx, room)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := bus.Publish(ctx, room, lobby.Output{Seq: 1, Data: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if o := <-sub.C(); o.Seq != 1 {
		t.Fatalf("seq %d", o.Seq)
	}

	srv.Stop()
	start := time.Now()
	if err := bus.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded with Redis down")
	}
	if _, err := bus.AppendInput(ctx, room, []byte("x")); err == nil {
		t.Fatal("AppendInput succeeded with Redis down")
	}
	if _, err := bus.ReservePIN(ctx, "111111", time.Minute); err == nil {
		t.Fatal("ReservePIN succeeded with Redis down")
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("failing calls took %v: an outage must show quickly", d)
	}

	srv.Restart()
	// The subscription reconnects in the background with backoff; publish
	// until it hears one (the ones before its resubscription are lost, as
	// documented, which the Seq gap reveals).
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for seq := uint64(2); ; seq++ {
		if err := bus.Publish(ctx, room, lobby.Output{Seq: seq, Data: []byte("b")}); err != nil && ctx.Err() != nil {
			t.Fatal(err)
		}
		select {
		case o, ok := <-sub.C():
			if !ok {
				t.Fatal("subscription closed by the outage")
			}
			if o.Seq < 2 {
				t.Fatalf("seq %d after restart", o.Seq)
			}
			if err := bus.Ping(ctx); err != nil {
				t.Fatalf("Ping after restart: %v", err)
			}
			return
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("subscription never recovered after Redis came back")
		}
	}
}
