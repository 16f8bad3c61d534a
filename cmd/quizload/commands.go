package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/quizroom/quizroom/cmd/quizload/internal/loadclient"
	"github.com/quizroom/quizroom/cmd/quizload/internal/procstat"
	"github.com/quizroom/quizroom/cmd/quizload/internal/report"
)

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("quizload "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

type urlList []string

func (u *urlList) String() string { return strings.Join(*u, ",") }
func (u *urlList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if _, err := url.ParseRequestURI(s); err != nil || !strings.HasPrefix(s, "http") {
			return fmt.Errorf("%q is not an http(s) base URL", s)
		}
		*u = append(*u, strings.TrimRight(s, "/"))
	}
	return nil
}

// serverEnv are extra settings for the instances bench starts: games of
// 10,000 players exceed the default player limit.
var serverEnv = []string{"QUIZROOM_MAX_PLAYERS=20000"}

// session starts (or finds) the servers a scenario runs against.
type session struct {
	r        *runner
	dir      string
	bin      string
	children []*child
	logTo    io.Writer
}

func (s *session) close() {
	for i := len(s.children) - 1; i >= 0; i-- {
		s.children[i].stop()
	}
	s.children = nil
}

// start launches n quizroom instances (and a redis-server when n > 1).
func (s *session) start(ctx context.Context, n int) (target, error) {
	if s.bin == "" {
		bin, err := buildServer(ctx, s.dir, s.logTo)
		if err != nil {
			return target{}, err
		}
		s.bin = bin
	}
	opt := serverOptions{bin: s.bin, extraEnv: serverEnv, logTo: s.logTo}
	var pprofAddr string
	if s.r.profileDir != "" {
		port, err := freePort()
		if err != nil {
			return target{}, err
		}
		pprofAddr = fmt.Sprintf("127.0.0.1:%d", port)
	}
	if n > 1 {
		rc, redisURL, err := startRedis(ctx, s.dir)
		if err != nil {
			return target{}, err
		}
		s.children = append(s.children, rc)
		opt.redisURL = redisURL
	}
	var t target
	for k := range n {
		o := opt
		if k == 0 && pprofAddr != "" {
			o.extraEnv = append(append([]string(nil), opt.extraEnv...), "QUIZROOM_PPROF_ADDR="+pprofAddr)
			t.pprof = pprofAddr
		}
		c, err := startServer(ctx, s.r.pin, o)
		if err != nil {
			return t, err
		}
		s.children = append(s.children, c)
		t.urls, t.pids = append(t.urls, c.url), append(t.pids, c.pid)
	}
	return t, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func runScenarioCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	name := fs.String("scenario", "room-1k", "scenario name")
	var urls urlList
	fs.Var(&urls, "url", "base URL of a running instance (repeatable or comma-separated); empty: build and start ./cmd/quizroom")
	pid := fs.Int("server-pid", 0, "pid of the server for CPU and RSS (default: found from the first URL's port)")
	players := fs.Int("players", 0, "players per game (default: the scenario's)")
	gamesFlag := fs.Int("games", 0, "games (default: the scenario's; rooms-ladder: one step of this many games)")
	questions := fs.Int("questions", 0, "questions per game (default: the scenario's)")
	jsonOut := fs.String("json", "", "write the JSON result to this file")
	plotOut := fs.String("plot", "", "write the fan-out plot (PNG) to this file")
	pinFlag := fs.Bool("pin", true, "pin server and client to different cores with taskset when possible")
	noFloor := fs.Bool("no-floor", false, "skip the floor run")
	body := fs.String("create-body", "", `JSON body for POST /api/games (default {"count":Q,"seconds":T})`)
	profileDir := fs.String("profile", "", "directory for CPU and heap profiles of the server while the games run (servers quizload starts)")
	maxSockets := fs.Int("max-sockets", 0, "player sockets per client process before splitting into workers (default: the fd limit less a reserve)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, ok := findScenario(*name)
	if !ok && *name != "ladder" && *name != roomsLadderName && *name != challengeScenario {
		return usageError{fmt.Sprintf("unknown scenario %q", *name)}
	}
	if *players > 0 {
		sc.perGame = *players
	}
	if *gamesFlag > 0 {
		sc.games = *gamesFlag
	}
	if *questions > 0 {
		sc.questions = min(*questions, loadclient.MaxQuestions)
	}
	r, err := newRunner(*pinFlag, stderr, *body)
	if err != nil {
		return err
	}
	r.noFloor = *noFloor
	r.maxSockets = *maxSockets
	r.profileDir = *profileDir
	if len(urls) > 0 {
		r.pin = pinning{} // someone else's server: its placement is theirs
	}
	if err := r.pin.pinClient(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "quizload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ses := &session{r: r, dir: dir, logTo: io.Discard}
	defer ses.close()
	if *name == "ladder" {
		if len(urls) > 0 {
			return usageError{"the ladder starts a fresh instance per step: it takes no -url"}
		}
		sizes := ladderSizes
		if *players > 0 { // one step of that size
			sizes = []int{*players}
		}
		l, err := r.runLadder(ctx, ses, sizes, stderr)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, ladderMarkdown(l))
		return writeReportJSON(*jsonOut, args, report.Report{Ladder: l})
	}
	if *name == roomsLadderName {
		games := roomsLadderGames
		if *gamesFlag > 0 { // one step of that many games
			games = []int{*gamesFlag}
		}
		l, err := r.runRoomsLadder(ctx, ses, games, stderr)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, roomsLadderMarkdown(l))
		return writeReportJSON(*jsonOut, args, report.Report{RoomsLadder: l})
	}
	if *name == challengeScenario {
		return runChallengeCmd(ctx, ses, urls, *players, *questions, stdout, stderr)
	}
	var t target
	if len(urls) > 0 {
		t.urls = urls
		if *pid == 0 {
			if u, err := url.Parse(urls[0]); err == nil {
				if port, err := strconv.Atoi(u.Port()); err == nil {
					*pid, _ = procstat.PIDListeningOn(port)
				}
			}
		}
		if *pid > 0 {
			t.pids = []int{*pid}
		}
	} else if t, err = ses.start(ctx, sc.instances); err != nil {
		return err
	}
	rec, err := r.measure(ctx, sc, t)
	if err != nil {
		return err
	}
	if err := report.WriteTable(stdout, []report.Record{rec}); err != nil {
		return err
	}
	rep := report.Report{Machine: machine(), Command: "quizload " + strings.Join(args, " "), Records: []report.Record{rec}}
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := report.WriteJSON(f, rep); err != nil {
			return err
		}
	}
	if *plotOut != "" {
		return report.WritePlot(*plotOut, rep.Records)
	}
	return nil
}

func newRunner(pin bool, stderr io.Writer, body string) (*runner, error) {
	r := &runner{pin: choosePinning(pin), log: stderr, createBody: defaultCreateBody}
	if isTerminal(stderr) {
		r.progress = stderr
	}
	if body != "" {
		var tmpl map[string]any
		if err := json.Unmarshal([]byte(body), &tmpl); err != nil {
			return nil, usageError{fmt.Sprintf("-create-body: %v", err)}
		}
		r.createBody = func(scenario) map[string]any { return tmpl }
	}
	return r, nil
}

func machine() report.Machine {
	m := report.Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return m
}

func runBenchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	out := fs.String("out", "docs/benchmarks.md", "markdown file whose quizload section is rewritten")
	only := fs.String("only", "", "comma-separated scenarios (default: the standard set)")
	pinFlag := fs.Bool("pin", true, "pin server and client to different cores with taskset when possible")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := newRunner(*pinFlag, stderr, "")
	if err != nil {
		return err
	}
	if err := r.pin.pinClient(); err != nil {
		return err
	}
	names := []string{"room-1k", "room-10k", "many-rooms", roomsLadderName, "fairness", "churn", "cluster", "ladder"}
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	dir, err := os.MkdirTemp("", "quizload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ses := &session{r: r, dir: dir, logTo: io.Discard}
	defer ses.close()

	started := time.Now()
	var recs []report.Record
	var skipped []string
	var ladder *report.Ladder
	var roomsLadder *report.RoomsLadder
	for _, name := range names {
		if name == roomsLadderName {
			began := time.Now()
			l, err := r.runRoomsLadder(ctx, ses, roomsLadderGames, stderr)
			fmt.Fprintf(stderr, "quizload: rooms ladder took %s\n", time.Since(began).Round(time.Second))
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				skipped = append(skipped, fmt.Sprintf("%s: %v", roomsLadderName, err))
			}
			if len(l.Steps) > 0 {
				roomsLadder = l
			}
			continue
		}
		if name == "many-rooms" {
			sc, _ := findScenario(name)
			fmt.Fprintf(stderr, "quizload: %s (%s), %d runs\n", sc.name, sc.what, manyRoomsRuns)
			began := time.Now()
			rec, failed, err := r.measureRepeated(ctx, ses, sc, manyRoomsRuns, stderr)
			fmt.Fprintf(stderr, "quizload: %s took %s\n", name, time.Since(began).Round(time.Second))
			skipped = append(skipped, failed...)
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				skipped = append(skipped, fmt.Sprintf("%s: %v", name, err))
				continue
			}
			recs = append(recs, rec)
			report.WriteTable(stderr, []report.Record{rec})
			continue
		}
		if name == "ladder" {
			began := time.Now()
			l, err := r.runLadder(ctx, ses, ladderSizes, stderr)
			fmt.Fprintf(stderr, "quizload: ladder took %s\n", time.Since(began).Round(time.Second))
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				skipped = append(skipped, fmt.Sprintf("ladder: %v", err))
			}
			if len(l.Steps) > 0 {
				ladder = l
			}
			continue
		}
		sc, ok := findScenario(name)
		if !ok {
			return usageError{fmt.Sprintf("unknown scenario %q", name)}
		}
		if sc.instances > 1 {
			if _, err := exec.LookPath("redis-server"); err != nil {
				skipped = append(skipped, name+": redis-server is not installed")
				continue
			}
		}
		fmt.Fprintf(stderr, "quizload: %s (%s)\n", sc.name, sc.what)
		t, err := ses.start(ctx, sc.instances)
		if err != nil {
			ses.close()
			if ctx.Err() != nil {
				return err
			}
			skipped = append(skipped, fmt.Sprintf("%s: %v", name, err))
			fmt.Fprintf(stderr, "quizload: %s not run: %v\n", name, err)
			continue
		}
		began := time.Now()
		rec, err := r.measure(ctx, sc, t)
		fmt.Fprintf(stderr, "quizload: %s took %s\n", name, time.Since(began).Round(time.Second))
		ses.close() // a fresh server per scenario: RSS and CPU are its own
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			skipped = append(skipped, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		recs = append(recs, rec)
		report.WriteTable(stderr, []report.Record{rec})
	}
	if len(recs) == 0 {
		return errors.New("no scenario completed: " + strings.Join(skipped, "; "))
	}
	if err := report.WriteTable(stdout, recs); err != nil {
		return err
	}
	docsDir := filepath.Dir(*out)
	rep := report.Report{Machine: machine(), Command: "make bench  (go run ./cmd/quizload bench -out " + *out + ")", Records: recs, Ladder: ladder, RoomsLadder: roomsLadder}
	jf, err := os.Create(filepath.Join(docsDir, "benchmarks-quizload.json"))
	if err != nil {
		return err
	}
	if err := report.WriteJSON(jf, rep); err != nil {
		jf.Close()
		return err
	}
	jf.Close()
	plotName := "benchmarks-fanout.png"
	if err := report.WritePlot(filepath.Join(docsDir, plotName), recs); err != nil {
		return err
	}
	return report.ReplaceSection(*out, benchMarkdown(rep, plotName, skipped, time.Since(started)))
}

// runChallengeCmd runs the challenge scenario: 1,000 players (or -players)
// doing a 10-question self-paced challenge at once.
func runChallengeCmd(ctx context.Context, ses *session, urls urlList, players, questions int, stdout, stderr io.Writer) error {
	if players <= 0 {
		players = 1000
	}
	if questions <= 0 {
		questions = 10
	}
	var t target
	var err error
	if len(urls) > 0 {
		t.urls = urls
	} else if t, err = ses.start(ctx, 1); err != nil {
		return err
	}
	run, err := runChallenge(ctx, t.urls[0], t.pids, players, questions, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, run.markdown())
	if len(run.Errors) > 0 {
		return fmt.Errorf("%d errors", len(run.Errors))
	}
	return nil
}

// writeReportJSON writes rep, stamped with the machine and the command line,
// to path; an empty path writes nothing.
func writeReportJSON(path string, args []string, rep report.Report) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rep.Machine = machine()
	rep.Command = "quizload " + strings.Join(args, " ")
	return report.WriteJSON(f, rep)
}
