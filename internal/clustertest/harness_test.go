package clustertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/internal/redistest"
	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/transport/httpapi"
	"github.com/quizroom/quizroom/transport/redisbanks"
	"github.com/quizroom/quizroom/transport/redisbus"
	"github.com/quizroom/quizroom/transport/ws"
)

// Cluster timings: a short lease so that a takeover fits the 3 s budget.
const (
	testLeaseTTL    = 1500 * time.Millisecond
	testWatchPeriod = 250 * time.Millisecond
)

// instance is one Quizroom server: its own Redis client, Bus, Lobby and
// WebSocket server on a loopback port.
type instance struct {
	name  string
	rdb   redis.UniversalClient
	fault *FaultBus
	lobby *lobby.Lobby
	ws    *ws.Server
	http  *http.Server
	ln    *trackingListener
	url   string
	base  string // http://host:port of the HTTP API
	stop  context.CancelFunc
	wg    sync.WaitGroup
	once  sync.Once
	// gaps counts the room outputs this instance saw lost (each logs
	// "outputs lost: resyncing", the line operators alert on).
	gaps *gapCounter
}

// gapCounter is a lobby.Observer that counts output gaps.
type gapCounter struct{ n atomic.Int64 }

func (g *gapCounter) FanOut(time.Duration, int) {}
func (g *gapCounter) AnswerAcked(time.Duration) {}
func (g *gapCounter) OutputGap()                { g.n.Add(1) }

type cluster struct {
	t     *testing.T
	redis *redistest.Server
	insts []*instance
}

func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	return startClusterOn(t, n, redistest.Start(t))
}

func startClusterOn(t *testing.T, n int, srv *redistest.Server) *cluster {
	t.Helper()
	c := &cluster{t: t, redis: srv}
	for i := range n {
		c.insts = append(c.insts, c.startInstance(fmt.Sprintf("i%d", i)))
	}
	t.Cleanup(func() {
		for _, in := range c.insts {
			in.shutdown()
		}
	})
	return c
}

func (c *cluster) startInstance(name string) *instance {
	t := c.t
	rdb, err := redisbus.NewClient(c.redis.URL())
	if err != nil {
		t.Fatal(err)
	}
	fb := NewFaultBus(redisbus.New(rdb, redisbus.Options{}), uint64(len(c.insts)+1))
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel).With().Timestamp().Str("instance", name).Logger()
	gaps := &gapCounter{}
	l := lobby.New(fb, lobby.Config{Instance: name, LeaseTTL: testLeaseTTL, Log: log, Observer: gaps})
	wss := ws.NewServer(l, ws.Config{Log: log, MessagesPerSecond: 50, Burst: 100})
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &trackingListener{Listener: raw, conns: map[net.Conn]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) { wss.ServeHTTP(w, r, r.RemoteAddr, log) })
	// The HTTP API, with uploaded banks in the cluster's Redis.
	mux.Handle("/", httpapi.New(l, wss, nil, httpapi.NewMetrics(), httpapi.Config{Log: log,
		BankStore: redisbanks.New(rdb, redisbanks.Options{})}))
	in := &instance{name: name, rdb: rdb, fault: fb, lobby: l, ws: wss, ln: ln, gaps: gaps,
		http: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		url:  "ws://" + raw.Addr().String() + "/ws", base: "http://" + raw.Addr().String()}
	ctx, cancel := context.WithCancel(context.Background())
	in.stop = cancel
	in.wg.Add(2)
	go func() {
		defer in.wg.Done()
		_ = in.http.Serve(ln)
	}()
	go func() {
		defer in.wg.Done()
		l.WatchOwners(ctx, testWatchPeriod)
	}()
	return in
}

// kill stops the instance the way SIGKILL would, as seen from outside: its
// sockets close without a goodbye and it never talks to Redis again. (Its
// goroutines are reaped later by shutdown, against a dead Bus.)
func (in *instance) kill() {
	in.fault.Kill()
	in.ln.closeAll()
}

func (in *instance) shutdown() {
	in.once.Do(func() {
		in.stop()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = in.ws.Shutdown(ctx, 0)
		in.ln.closeAll()
		_ = in.http.Close()
		in.lobby.Close()
		in.wg.Wait()
		in.rdb.Close()
	})
}

// holder returns the instance that holds pin's lease now, as Redis says.
// CreateGame runs on insts[0], but on a loaded machine a late renewal may
// already have moved the room, so a test that stops "the owner" asks.
func (c *cluster) holder(ctx context.Context, t *testing.T, pin string) *instance {
	t.Helper()
	name, err := c.insts[len(c.insts)-1].fault.LeaseHolder(ctx, pin)
	for _, in := range c.insts {
		if err == nil && in.name == name {
			return in
		}
	}
	t.Fatalf("lease holder of %s = %q, %v", pin, name, err)
	return nil
}

// other returns an instance that is not in, to read from after in stops.
func (c *cluster) other(in *instance) *instance {
	if c.insts[0] == in {
		return c.insts[1]
	}
	return c.insts[0]
}

func (c *cluster) urls() []string {
	var u []string
	for _, in := range c.insts {
		u = append(u, in.url)
	}
	return u
}

// trackingListener remembers every accepted connection so that kill can
// cut them all, hijacked WebSockets included (http.Server forgets those).
type trackingListener struct {
	net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.conns[c] = struct{}{}
	return c, nil
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.Listener.Close()
	for c := range l.conns {
		c.Close()
	}
	l.conns = map[net.Conn]struct{}{}
}

// questions builds n single-choice questions whose correct option is q%4.
func questions(n int, long map[int]time.Duration) []game.Question {
	qs := make([]game.Question, n)
	for i := range qs {
		qs[i] = game.Question{
			ID: fmt.Sprintf("q%d", i), Kind: game.KindSingle, Prompt: fmt.Sprintf("Question %d?", i),
			Options: []string{"A", "B", "C", "D"}, Correct: []int{i % 4}, Explanation: "because",
			Time: long[i],
		}
	}
	return qs
}
