package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The challenge scenario (issue 15): a self-paced challenge that every
// player starts at the same moment. Each player is a room of one on the
// server's clock (play_next, answer, own reveal), so this measures the
// per-player path a live game never takes: a question opened, timed and
// scored for one connection, 1,000 times over, plus the host's coalesced
// progress view.

const challengeScenario = "challenge-1k"

// challengeRun is what a challenge run measured.
type challengeRun struct {
	Players, Questions         int
	Join, Open, Ack            []time.Duration // per join, per play_next -> question, per answer -> answer_ack
	Wall                       time.Duration   // from the common start to the last player's finished
	Errors                     []string
	Finished, PodiumPlayers    int
	ProgressMessages           int64
	ServerCPUSeconds           float64
	ServerRSSKiB               int64
	ResultsFinished, ResultsOf int
}

func (c *challengeRun) errorf(format string, args ...any) {
	c.Errors = append(c.Errors, fmt.Sprintf(format, args...))
}

// challengeHTTP gives each player its own loopback source address, as the
// other scenarios do, so the per-address join limit sees 1,000 phones.
func challengeHTTP(i int) *http.Client {
	src := net.IPv4(127, byte(1+(i+1)>>16), byte((i+1)>>8), byte(i+1))
	return &http.Client{Transport: &http.Transport{
		DisableCompression: true, DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: 10 * time.Second}
			if host, _, err := net.SplitHostPort(addr); err == nil && net.ParseIP(host).IsLoopback() {
				d.LocalAddr = &net.TCPAddr{IP: src}
			}
			return d.DialContext(ctx, network, addr)
		},
	}}
}

type wsClient struct {
	c *websocket.Conn
}

func dialWS(ctx context.Context, base string, client *http.Client) (*wsClient, error) {
	endpoint := strings.Replace(strings.TrimRight(base, "/"), "http", "ws", 1) + "/ws"
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(dctx, endpoint, &websocket.DialOptions{HTTPClient: client, Subprotocols: []string{loadclient.Subprotocol}})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(8 << 20)
	return &wsClient{c: c}, nil
}

func (w *wsClient) send(ctx context.Context, v any) error {
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return w.c.Write(ctx, websocket.MessageText, b)
}

// next reads messages until one of the types comes; an error message or a
// refused answer_ack comes back as an error.
func (w *wsClient) next(ctx context.Context, types ...string) (map[string]json.RawMessage, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		_, data, err := w.c.Read(ctx)
		if err != nil {
			return nil, "", err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, "", err
		}
		var typ string
		_ = json.Unmarshal(m["type"], &typ)
		if typ == wire.TypeError || (typ == wire.TypeAnswerAck && !bytes.Equal(m["accepted"], []byte("true"))) {
			return m, typ, fmt.Errorf("%s: %s", typ, data)
		}
		if slices.Contains(types, typ) {
			return m, typ, nil
		}
	}
}

// runChallenge runs the challenge scenario against base.
func runChallenge(ctx context.Context, base string, pids []int, players, questions int, progress io.Writer) (*challengeRun, error) {
	run := &challengeRun{Players: players, Questions: questions}
	game, err := loadclient.CreateGame(ctx, http.DefaultClient, base, "", map[string]any{
		"count": questions, "seconds": 20, "kinds": []string{"single", "truefalse"}, "challenge_minutes": 60,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the challenge: %w", err)
	}
	host, err := dialWS(ctx, base, http.DefaultClient)
	if err != nil {
		return nil, err
	}
	defer host.c.CloseNow()
	if err := host.send(ctx, map[string]any{"type": "host", "pin": game.PIN, "host_token": game.HostToken}); err != nil {
		return nil, err
	}
	if _, _, err := host.next(ctx, wire.TypeWelcome); err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	// The host counts progress messages until the podium.
	hostCtx, stopHost := context.WithCancel(ctx)
	defer stopHost()
	podium := make(chan int, 1)
	go func() {
		for {
			m, typ, err := host.next(hostCtx, wire.TypeProgress, wire.TypePodium)
			if err != nil {
				podium <- -1
				return
			}
			if typ == wire.TypePodium {
				var n int
				_ = json.Unmarshal(m["players"], &n)
				podium <- n
				return
			}
			run.ProgressMessages++
		}
	}()

	before := sampleAll(pids)
	var mu sync.Mutex
	record := func(dst *[]time.Duration, d time.Duration) {
		mu.Lock()
		*dst = append(*dst, d)
		mu.Unlock()
	}
	fail := func(format string, args ...any) {
		mu.Lock()
		run.errorf(format, args...)
		mu.Unlock()
	}
	var joined sync.WaitGroup
	joined.Add(players)
	startAll := make(chan struct{})
	var finished atomic.Int64
	var done sync.WaitGroup
	var start time.Time
	var last atomic.Int64
	for i := range players {
		done.Go(func() {
			joinedOnce := false
			defer func() {
				if !joinedOnce {
					joined.Done()
				}
			}()
			c, err := dialWS(ctx, base, challengeHTTP(i))
			if err != nil {
				fail("player %d: dial: %v", i, err)
				return
			}
			defer c.c.CloseNow()
			t0 := time.Now()
			if err := c.send(ctx, map[string]any{"type": "join", "pin": game.PIN, "nickname": fmt.Sprintf("p%04d", i)}); err != nil {
				fail("player %d: join: %v", i, err)
				return
			}
			if _, _, err := c.next(ctx, wire.TypeWelcome); err != nil {
				fail("player %d: join: %v", i, err)
				return
			}
			record(&run.Join, time.Since(t0))
			joinedOnce = true
			joined.Done()
			<-startAll
			for q := range questions {
				t1 := time.Now()
				if err := c.send(ctx, map[string]any{"type": "play_next"}); err != nil {
					fail("player %d q%d: play_next: %v", i, q, err)
					return
				}
				if _, _, err := c.next(ctx, wire.TypeQuestion); err != nil {
					fail("player %d q%d: question: %v", i, q, err)
					return
				}
				record(&run.Open, time.Since(t1))
				// Reaction 0.2 to 2 s, spread by player and question.
				time.Sleep(time.Duration(200+(i*37+q*101)%1800) * time.Millisecond)
				t2 := time.Now()
				if err := c.send(ctx, map[string]any{"type": "answer", "q": q, "choice": (i + q) % 2}); err != nil {
					fail("player %d q%d: answer: %v", i, q, err)
					return
				}
				if _, _, err := c.next(ctx, wire.TypeAnswerAck); err != nil {
					fail("player %d q%d: %v", i, q, err)
					return
				}
				record(&run.Ack, time.Since(t2))
				if _, _, err := c.next(ctx, wire.TypeReveal); err != nil {
					fail("player %d q%d: reveal: %v", i, q, err)
					return
				}
			}
			if _, _, err := c.next(ctx, wire.TypeChallengeFinal); err != nil {
				fail("player %d: finished: %v", i, err)
				return
			}
			finished.Add(1)
			last.Store(time.Now().UnixNano())
		})
	}
	joined.Wait()
	fmt.Fprintf(progress, "challenge: %d players joined; all start now\n", players)
	start = time.Now()
	close(startAll)
	done.Wait()
	run.Finished = int(finished.Load())
	if l := last.Load(); l > 0 {
		run.Wall = time.Unix(0, l).Sub(start)
	}
	after := sampleAll(pids)
	run.ServerCPUSeconds = after.CPUSeconds - before.CPUSeconds
	run.ServerRSSKiB = after.RSSKiB

	// The host closes the challenge: everyone is on the podium.
	if err := host.send(ctx, map[string]any{"type": "end"}); err != nil {
		return nil, err
	}
	select {
	case n := <-podium:
		run.PodiumPlayers = n
	case <-time.After(30 * time.Second):
		run.errorf("host: no podium 30 s after end")
	}
	if run.PodiumPlayers != players {
		run.errorf("podium counts %d players, want %d", run.PodiumPlayers, players)
	}
	if err := run.checkResults(ctx, base, game); err != nil {
		run.errorf("results: %v", err)
	}
	return run, nil
}

// checkResults reads results.json: every player is there and finished.
func (c *challengeRun) checkResults(ctx context.Context, base string, g loadclient.Game) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/games/"+g.PIN+"/results.json", nil)
	req.Header.Set("Authorization", "Bearer "+g.HostToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Players []struct {
			Finished *bool `json:"finished"`
		} `json:"players"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return err
	}
	c.ResultsOf = len(body.Players)
	for _, p := range body.Players {
		if p.Finished != nil && *p.Finished {
			c.ResultsFinished++
		}
	}
	if c.ResultsOf != c.Players || c.ResultsFinished != c.Players {
		return errors.New("not every player is in the results as finished")
	}
	return nil
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func msStr(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// markdown is the run as a docs/benchmarks.md table.
func (c *challengeRun) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| players | questions | join p50 / p99 ms | play_next -> question p50 / p99 ms | answer -> ack p50 / p99 ms | all finished after | finished | podium | results finished | host progress messages | server CPU s | server RSS MiB | errors |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %s / %s | %s / %s | %s / %s | %.1f s | %d | %d | %d of %d | %d | %.1f | %d | %d |\n",
		c.Players, c.Questions, msStr(pct(c.Join, .5)), msStr(pct(c.Join, .99)), msStr(pct(c.Open, .5)), msStr(pct(c.Open, .99)),
		msStr(pct(c.Ack, .5)), msStr(pct(c.Ack, .99)), c.Wall.Seconds(), c.Finished, c.PodiumPlayers, c.ResultsFinished, c.ResultsOf,
		c.ProgressMessages, c.ServerCPUSeconds, c.ServerRSSKiB/1024, len(c.Errors))
	for i, e := range c.Errors {
		if i == 10 {
			fmt.Fprintf(&b, "\n... and %d more errors\n", len(c.Errors)-10)
			break
		}
		fmt.Fprintf(&b, "\n- %s", e)
	}
	return b.String()
}
