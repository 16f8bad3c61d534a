// Command quizload measures Quizroom under load against the floor of its own
// stack (a bare coder/websocket broadcast server built in), and plays a
// scripted game to check a server works.
//
//	quizload run --scenario room-1k [--url http://host:port ...]
//	quizload bench -out docs/benchmarks.md
//	quizload play --url http://localhost:8080 --players 5
//
// worker and floor are internal subcommands: quizload re-executes itself as
// extra client processes (one process holds at most about 19,900 sockets
// here) and as the floor server, so both can be pinned to their own core.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/quizroom/quizroom/cmd/internal/gcdefaults"
)

func main() {
	// The client's own collections would land in the latencies it
	// measures (a 100 ms mark on its one core, every few seconds at the
	// default GOGC): it runs with the servers' settings.
	gcdefaults.Apply(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quizload:", err)
		if errors.Is(err, flag.ErrHelp) || errors.As(err, new(usageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const topUsage = `Usage:
  quizload run --scenario NAME [flags]      one scenario (room-1k, room-10k, many-rooms, rooms-ladder, fairness, churn, cluster, ladder, smoke, challenge-1k)
  quizload bench -out docs/benchmarks.md    the standard set; starts the server itself
  quizload play --url URL --players N       a scripted game, narrated
Run 'quizload COMMAND -h' for the flags of each.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage)
		return usageError{"no command"}
	}
	switch args[0] {
	case "run":
		return runScenarioCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBenchCmd(ctx, args[1:], stdout, stderr)
	case "play":
		return runPlayCmd(ctx, args[1:], stdout, stderr)
	case "worker":
		return runWorker(ctx, stdin, stdout)
	case "floor":
		return runFloorCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, topUsage)
		return nil
	}
	fmt.Fprint(stderr, topUsage)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}
