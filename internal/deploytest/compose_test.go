package deploytest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/quizroom/quizroom/transport/httpapi"
)

// compose is the part of the Compose specification these files use.
type compose struct {
	Services map[string]service `yaml:"services"`
	Configs  map[string]struct {
		Content string `yaml:"content"`
	} `yaml:"configs"`
	Volumes map[string]any `yaml:"volumes"`
}

type service struct {
	Build       any               `yaml:"build"`
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Expose      []string          `yaml:"expose"`
	Ports       []string          `yaml:"ports"`
	DependsOn   any               `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Configs []struct {
		Source string `yaml:"source"`
		Target string `yaml:"target"`
	} `yaml:"configs"`
	StopSignal string `yaml:"stop_signal"`
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	return root
}

func loadCompose(t *testing.T) compose {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(false)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("docker-compose.yml does not parse: %v", err)
	}
	return c
}

func quizroomServices(c compose) []string {
	var names []string
	for name, s := range c.Services {
		if s.Build != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return port
}

// TestComposeShape checks the topology: Redis with a health check, three
// Quizroom instances built from the Dockerfile and all pointed at that Redis,
// a load balancer that publishes a port and proxies to every instance on the
// port the instances listen on, with health checks on /readyz.
func TestComposeShape(t *testing.T) {
	c := loadCompose(t)
	redis, ok := c.Services["redis"]
	if !ok {
		t.Fatal("no redis service")
	}
	if redis.Healthcheck == nil || !slices.Contains(redis.Healthcheck.Test, "ping") {
		t.Error("redis has no PING health check, so instances may start before it")
	}
	apps := quizroomServices(c)
	if len(apps) != 3 {
		t.Fatalf("quizroom instances = %v, want 3", apps)
	}
	caddy := c.Configs["caddyfile"].Content
	if caddy == "" {
		t.Fatal("no caddyfile config content")
	}
	lb, ok := c.Services["lb"]
	if !ok {
		t.Fatal("no lb service")
	}
	if len(lb.Ports) == 0 {
		t.Error("load balancer publishes no port")
	}
	if len(lb.Configs) != 1 || lb.Configs[0].Source != "caddyfile" || lb.Configs[0].Target != "/etc/caddy/Caddyfile" {
		t.Errorf("lb configs = %+v, want the caddyfile at /etc/caddy/Caddyfile", lb.Configs)
	}
	// The published port is the one Caddy listens on.
	for _, p := range lb.Ports {
		parts := strings.Split(p, ":")
		if !strings.Contains(caddy, ":"+parts[len(parts)-1]+" {") {
			t.Errorf("lb publishes %s but the Caddyfile does not listen on :%s", p, parts[len(parts)-1])
		}
	}
	upstreams := regexp.MustCompile(`reverse_proxy ([^{]+)\{`).FindStringSubmatch(caddy)
	if upstreams == nil {
		t.Fatal("Caddyfile has no reverse_proxy block")
	}
	targets := strings.Fields(upstreams[1])
	if !strings.Contains(caddy, "health_uri /readyz") {
		t.Error("Caddyfile health checks are not on /readyz")
	}
	for _, name := range apps {
		s := c.Services[name]
		if s.Environment["REDIS_URL"] == "" {
			t.Errorf("%s: REDIS_URL not set: it would run alone in memory", name)
		}
		u, err := url.Parse(s.Environment["REDIS_URL"])
		if err != nil || u.Hostname() != "redis" || u.Port() != "6379" {
			t.Errorf("%s: REDIS_URL %q does not point at the redis service", name, s.Environment["REDIS_URL"])
		}
		port := portOf(t, s.Environment["QUIZROOM_ADDR"])
		if !slices.Contains(s.Expose, port) {
			t.Errorf("%s listens on %s but exposes %v", name, port, s.Expose)
		}
		if !slices.Contains(targets, name+":"+port) {
			t.Errorf("load balancer upstreams %v miss %s:%s", targets, name, port)
		}
		if s.StopSignal != "" && s.StopSignal != "SIGTERM" && s.StopSignal != "SIGINT" {
			t.Errorf("%s: stop_signal %s is not one quizroom drains on", name, s.StopSignal)
		}
	}
	if len(targets) != len(apps) {
		t.Errorf("load balancer upstreams %v, want one per instance %v", targets, apps)
	}
}

// dockerfile is what the checks need from the Dockerfile.
type dockerfile struct {
	stages     int
	buildPkg   string
	copiedTo   string
	user       string
	expose     []string
	entrypoint []string
	env        map[string]string
	staticOK   bool
}

func parseDockerfile(t *testing.T) dockerfile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	d := dockerfile{env: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			d.stages++
		case "RUN":
			if strings.Contains(rest, "go build") {
				d.staticOK = strings.Contains(rest, "CGO_ENABLED=0")
				f := strings.Fields(rest)
				d.buildPkg = f[len(f)-1]
			}
		case "COPY":
			if strings.Contains(rest, "--from=") {
				f := strings.Fields(rest)
				d.copiedTo = f[len(f)-1]
			}
		case "USER":
			d.user = rest
		case "EXPOSE":
			d.expose = strings.Fields(rest)
		case "ENV":
			k, v, _ := strings.Cut(rest, "=")
			d.env[k] = v
		case "ENTRYPOINT":
			d.entrypoint = jsonArray(t, rest)
		}
	}
	return d
}

func jsonArray(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("not an exec-form array: %s", s)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	d := parseDockerfile(t)
	if d.stages < 2 {
		t.Error("not a multi-stage build")
	}
	if !d.staticOK {
		t.Error("go build without CGO_ENABLED=0: the binary would not be static")
	}
	if d.buildPkg != "./cmd/quizroom" {
		t.Errorf("builds %q, want ./cmd/quizroom", d.buildPkg)
	}
	if _, err := os.Stat(filepath.Join(repoRoot(t), d.buildPkg)); err != nil {
		t.Errorf("build package: %v", err)
	}
	if d.user == "" || strings.HasPrefix(d.user, "root") || strings.HasPrefix(d.user, "0") {
		t.Errorf("final image runs as %q, want a non-root user", d.user)
	}
	if len(d.entrypoint) == 0 || d.entrypoint[0] != d.copiedTo {
		t.Errorf("entrypoint %v does not run the copied binary %s", d.entrypoint, d.copiedTo)
	}
	if port := portOf(t, d.env["QUIZROOM_ADDR"]); !slices.Contains(d.expose, port) {
		t.Errorf("listens on %s, exposes %v", port, d.expose)
	}
}

// TestComposeMatchesBinary builds quizroom and checks that the command and
// every environment variable compose passes are ones the binary documents,
// then runs it with that environment (Redis swapped for memory, the address
// for a free port) and calls the health path the load balancer uses.
func TestComposeMatchesBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	c := loadCompose(t)
	bin := filepath.Join(t.TempDir(), "quizroom")
	build := exec.Command("go", "build", "-o", bin, "./cmd/quizroom")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	d := parseDockerfile(t)
	app := c.Services[quizroomServices(c)[0]]

	args := append(slices.Clone(app.Command), "--help")
	help, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, help)
	}
	env := map[string]string{}
	for k, v := range d.env {
		env[k] = v
	}
	for k, v := range app.Environment {
		v, err := interpolate(v, operatorEnv)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		env[k] = v
	}
	for k := range env {
		if !bytes.Contains(help, []byte(k)) {
			t.Errorf("compose or Dockerfile sets %s, which `quizroom %s --help` does not mention", k, strings.Join(app.Command, " "))
		}
	}

	// Run it as compose would, minus Redis (no engine here; the Redis path
	// is covered by the cluster tests), on a free port.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env["QUIZROOM_ADDR"] = addr
	env["REDIS_URL"] = ""
	cmd := exec.Command(bin, app.Command...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
			<-exited
			t.Error("quizroom did not exit within 10s of SIGTERM")
		}
	}()
	for _, path := range []string{"/readyz", "/healthz"} {
		if err := waitOK(t.Context(), "http://"+addr+path, exited); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, logs.String())
		}
	}
}

// waitOK polls url until it answers 200: the process is starting and there
// is no event to wait on from outside it.
func waitOK(ctx context.Context, url string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		select {
		case <-exited:
			return fmt.Errorf("quizroom exited (last: %v)", last)
		case <-ctx.Done():
			return fmt.Errorf("not 200 in time: %v", last)
		case <-tick.C:
		}
	}
}

// operatorEnv is what an operator following the compose file's comment
// sets in the shell (or .env) before docker compose up.
var operatorEnv = map[string]string{"QUIZROOM_PUBLIC_URL": "http://192.168.1.20:8080"}

// interpolation is Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}.
var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}`)

// interpolate substitutes variables in a compose value as docker compose
// does, failing as it would on an unset ${VAR:?error}.
func interpolate(value string, env map[string]string) (string, error) {
	var failed error
	out := interpolation.ReplaceAllStringFunc(value, func(ref string) string {
		m := interpolation.FindStringSubmatch(ref)
		if v := env[m[1]]; v != "" {
			return v
		}
		switch m[2] {
		case ":-":
			return m[3]
		case ":?":
			failed = fmt.Errorf("required variable %s is missing a value: %s", m[1], m[3])
		}
		return ""
	})
	return out, failed
}

// TestComposePublicURLIsSetByTheOperator: join links and QR codes carry the
// public URL, so the compose file cannot default it to an address phones
// cannot open (localhost is the phone itself): compose refuses to start
// until the operator sets it, and says how, with an example that works.
func TestComposePublicURLIsSetByTheOperator(t *testing.T) {
	c := loadCompose(t)
	for _, name := range quizroomServices(c) {
		raw, ok := c.Services[name].Environment["QUIZROOM_PUBLIC_URL"]
		if !ok {
			t.Errorf("%s: QUIZROOM_PUBLIC_URL not set: join links would carry each instance's own address", name)
			continue
		}
		unset, err := interpolate(raw, nil)
		if err == nil {
			if unset == "" || httpapi.LocalOnly(unset) {
				t.Errorf("%s: with QUIZROOM_PUBLIC_URL unset the join links are %q, which phones cannot open; require it (${QUIZROOM_PUBLIC_URL:?...})", name, unset)
			}
			continue
		}
		example := regexp.MustCompile(`https?://\S+`).FindString(err.Error())
		if example == "" || httpapi.LocalOnly(example) {
			t.Errorf("%s: the error when QUIZROOM_PUBLIC_URL is unset (%v) gives no reachable example address", name, err)
		}
		if set, err := interpolate(raw, operatorEnv); err != nil || set != operatorEnv["QUIZROOM_PUBLIC_URL"] {
			t.Errorf("%s: QUIZROOM_PUBLIC_URL set by the operator gives %q, %v", name, set, err)
		}
	}
	// The README and the compose file's comment start it the same way.
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	composeFile, err := os.ReadFile(filepath.Join(repoRoot(t), "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	start := regexp.MustCompile(`QUIZROOM_PUBLIC_URL=\S+ docker compose up --build`)
	if a, b := start.Find(readme), start.Find(composeFile); a == nil || !bytes.Equal(a, b) {
		t.Errorf("README starts compose with %q, docker-compose.yml's comment with %q: want the same command, setting QUIZROOM_PUBLIC_URL", a, b)
	}
}
