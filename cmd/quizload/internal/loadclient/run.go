package loadclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Plan is a whole run: games to create, their hosts, and the players split
// into shards.
type Plan struct {
	// URLs are the instances' base URLs; games are created round-robin on
	// them and players connect round-robin.
	URLs           []string
	Games          int
	PlayersPerGame int
	// CreateBody is the JSON body of POST /api/games.
	CreateBody map[string]any
	// HostKey is sent with POST /api/games when set (servers started with
	// --host-key need it).
	HostKey string
	// Job is the template of every shard: Run fills URLs, PINs, First and
	// Count.
	Job Job
	// ShardSize is the most players one shard runs (0: one shard).
	ShardSize int
	// Spawn runs a shard elsewhere (a worker process); nil runs shards in
	// this process. It must call onJoined as players join.
	Spawn func(ctx context.Context, job Job, onJoined func(joined int64)) (*Result, error)
	// Progress, when set, is told how far the run is: stage "join" counts
	// players in, stage "question" counts questions started (of all games).
	Progress func(stage string, done, total int64)
	// JoinTimeout bounds the wait for every player to join before the games
	// start anyway (missing players count as errors).
	JoinTimeout time.Duration
	// OnHostEvent, when set, sees every frame of the first game's host.
	OnHostEvent func(Event)
	// StartSpread spreads the games' starts evenly over this long, as
	// independent hosts would; 0 starts them all at once.
	StartSpread time.Duration
}

// playersGrace is how long players may take to see the end of their game
// after every host has seen it (or given up).
const playersGrace = 10 * time.Second

// Run creates the games, joins every player, starts the games and plays them
// to the podium, and returns the merged measurements.
func Run(ctx context.Context, plan Plan) (*Result, error) {
	if len(plan.URLs) == 0 || plan.Games <= 0 || plan.PlayersPerGame <= 0 {
		return nil, errors.New("plan: need URLs, games and players per game")
	}
	total := plan.Games * plan.PlayersPerGame
	joinTimeout := plan.JoinTimeout
	if joinTimeout <= 0 {
		joinTimeout = 30*time.Second + time.Duration(total)*3*time.Millisecond
	}
	if plan.Job.Timeout > 0 {
		// Hosts and players alike stop at the deadline: a stuck game ends the
		// run with errors instead of hanging it.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, joinTimeout+plan.Job.Timeout)
		defer cancel()
	}
	client := newHTTPClient()
	defer client.CloseIdleConnections()

	var questionsStarted atomic.Int64
	questionTotal := int64(plan.Games * plan.Job.Questions)
	stallAfter := DefaultStallAfter
	if secs, ok := plan.CreateBody["seconds"].(int); ok && secs > 0 {
		// The longest legitimate silence is a question nobody answers.
		stallAfter = time.Duration(secs)*time.Second + 15*time.Second
	}
	hosts := make([]*Host, plan.Games)
	pins := make([]string, plan.Games)
	for k := range hosts {
		base := plan.URLs[k%len(plan.URLs)]
		g, err := CreateGame(ctx, client, base, plan.HostKey, plan.CreateBody)
		if err != nil {
			return nil, fmt.Errorf("game %d of %d: %w", k+1, plan.Games, err)
		}
		var narrate func(Event)
		if k == 0 {
			narrate = plan.OnHostEvent
		}
		var peers []string
		for _, u := range plan.URLs {
			if u != base {
				peers = append(peers, u)
			}
		}
		hosts[k] = &Host{Game: g, URL: base, StallAfter: stallAfter, Peers: peers, OnEvent: func(e Event) {
			if e.Type == "question" && plan.Progress != nil {
				plan.Progress("question", questionsStarted.Add(1), questionTotal)
			}
			if narrate != nil {
				narrate(e)
			}
		}}
		if err := hosts[k].Connect(ctx); err != nil {
			return nil, err
		}
		pins[k] = g.PIN
	}

	job := plan.Job
	job.URLs, job.PINs, job.PlayersPerGame = plan.URLs, pins, plan.PlayersPerGame
	size := plan.ShardSize
	if size <= 0 {
		size = total
	}
	// Players stop when their game ends; shardCtx ends them shortly after
	// every host is done, so a player that missed the end (or a game that
	// stalled) costs seconds, not the whole run's deadline.
	shardCtx, cancelShards := context.WithCancel(ctx)
	defer cancelShards()
	var joined atomic.Int64
	allJoined := make(chan struct{})
	var joinedOnce sync.Once
	var shardJoined []atomic.Int64 = make([]atomic.Int64, (total+size-1)/size)
	results := make([]*Result, len(shardJoined))
	errs := make([]error, len(shardJoined))
	var shards sync.WaitGroup
	for k := range shardJoined {
		sj := job
		sj.First, sj.Count = k*size, min(size, total-k*size)
		onJoined := func(n int64) {
			prev := shardJoined[k].Swap(n)
			all := joined.Add(n - prev)
			if plan.Progress != nil {
				plan.Progress("join", all, int64(total))
			}
			if all >= int64(total) {
				joinedOnce.Do(func() { close(allJoined) })
			}
		}
		shards.Go(func() {
			if plan.Spawn != nil {
				results[k], errs[k] = plan.Spawn(shardCtx, sj, onJoined)
			} else {
				results[k], errs[k] = RunShard(shardCtx, sj, onJoined)
			}
		})
	}

	timer := time.NewTimer(joinTimeout)
	select {
	case <-allJoined:
	case <-timer.C:
	case <-ctx.Done():
	}
	timer.Stop()

	hostErrs := make([]error, len(hosts))
	var driving sync.WaitGroup
	for k, h := range hosts {
		delay := time.Duration(0)
		if plan.Games > 1 {
			delay = plan.StartSpread * time.Duration(k) / time.Duration(plan.Games)
		}
		driving.Go(func() {
			if delay > 0 {
				t := time.NewTimer(delay)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
				}
			}
			if hostErrs[k] = h.Start(ctx); hostErrs[k] != nil {
				return
			}
			_, hostErrs[k] = h.Drive(ctx)
		})
	}
	driving.Wait()
	shardsDone := make(chan struct{})
	go func() { shards.Wait(); close(shardsDone) }()
	grace := time.NewTimer(playersGrace)
	select {
	case <-shardsDone:
	case <-grace.C:
		cancelShards()
		<-shardsDone
	}
	grace.Stop()

	merged := &Result{Errors: map[string]int64{}, PerQuestion: map[int]QuestionIO{}}
	for k, r := range results {
		if errs[k] != nil {
			merged.Errors["shard"]++
			merged.ErrorSamples = append(merged.ErrorSamples, errs[k].Error())
			continue
		}
		merged.Merge(r)
	}
	if missing := int64(total) - merged.Joined; missing > 0 {
		merged.Errors["not_joined"] += missing
	}
	for k, h := range hosts {
		if hostErrs[k] != nil {
			merged.Errors["host"]++
			merged.ErrorSamples = append(merged.ErrorSamples, hostErrs[k].Error())
		}
		for _, e := range h.Stalls() {
			merged.Errors["host_stall"]++
			merged.ErrorSamples = append(merged.ErrorSamples, e)
		}
		for _, e := range h.Errors()[len(h.Stalls()):] {
			merged.Errors["host_error"]++
			if len(merged.ErrorSamples) < 20 {
				merged.ErrorSamples = append(merged.ErrorSamples, "host: "+e)
			}
		}
	}
	return merged, nil
}
