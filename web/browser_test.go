package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one wait in a browser; generous because the race
// detector and two shared cores slow everything down.
const stepTimeout = 20 * time.Second

// watchScript runs before any page script and records what must never happen:
// script errors, CSP violations and alert dialogs (the XSS probe calls alert).
const watchScript = `
window.__problems = [];
addEventListener("error", (e) => __problems.push("error: " + e.message));
addEventListener("unhandledrejection", (e) => __problems.push("rejection: " + e.reason));
addEventListener("securitypolicyviolation", (e) => __problems.push("csp: " + e.violatedDirective + " " + e.blockedURI));
window.alert = (m) => __problems.push("alert: " + m);
`

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; browser tests cannot be skipped in CI (apt-get install -y chromium)")
	}
	t.Skip("chromium not found (apt-get install -y chromium, or set CHROMIUM=/path); skipping browser tests")
	return ""
}

// newBrowser starts one headless Chromium for the test and returns a context
// whose first tab is already open. Tabs made with newTab share the process
// but not cookies or storage.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Background tabs must keep their timers running: every player is a tab.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// tab is one page in its own browser context (its own storage), like a
// separate device.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context
}

func newTab(t *testing.T, browser context.Context, name string, width, height int64, mobile bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	var vp []chromedp.EmulateViewportOption
	if mobile {
		vp = append(vp, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, height, vp...),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchScript}); err != nil {
				return err
			}
			// Reduced motion: the pages must honour it, and screenshots then
			// never catch an animation half way.
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
			})
			return err
		}),
	)
	if err != nil {
		t.Fatalf("%s: opening tab: %v", name, err)
	}
	return &tab{t: t, name: name, ctx: ctx}
}

func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v", b.name, what, err)
	}
}

func (b *tab) navigate(url string) {
	b.t.Helper()
	b.do("navigate to "+url, chromedp.Navigate(url))
}

func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// typeInto replaces the value of an input by typing, as a person would.
func (b *tab) typeInto(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%s).value = ""`, jsString(sel))),
		chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (b *tab) key(keys string) {
	b.t.Helper()
	b.do("press "+keys, chromedp.KeyEvent(keys))
}

// eval runs a JavaScript expression and decodes its result into T.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: evaluating %s: %v", b.name, expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true; the failure shows
// what the page showed instead.
func (b *tab) waitFor(what, predicate string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	var err error
	for {
		// A navigation destroys the execution context the poll runs in; poll
		// again in the new document until the step's deadline.
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		body := eval[string](b, `document.querySelector("main") ? document.querySelector("main").innerText.slice(0, 1500) : document.body.innerText.slice(0, 1500)`)
		b.t.Fatalf("%s: waiting for %s: %v\npage shows:\n%s", b.name, what, err, body)
	}
}

// waitText waits until the visible text of sel contains want.
func (b *tab) waitText(sel, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%s to show %q", sel, want), fmt.Sprintf(
		`(() => { const n = document.querySelector(%s); return !!n && n.offsetParent !== null && n.innerText.includes(%s); })()`,
		jsString(sel), jsString(want)))
}

// waitVisible waits until an element is displayed.
func (b *tab) waitVisible(sel string) {
	b.t.Helper()
	b.waitFor(sel+" to be visible", fmt.Sprintf(
		`(() => { const n = document.querySelector(%s); return !!n && n.offsetParent !== null; })()`, jsString(sel)))
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%s) || {innerText: ""}).innerText`, jsString(sel)))
}

// noProblems fails the test if the page had a script error, a CSP violation
// or an alert.
func (b *tab) noProblems() {
	b.t.Helper()
	problems := eval[[]string](b, `window.__problems || []`)
	if len(problems) > 0 {
		b.t.Errorf("%s: the page reported problems:\n  %s", b.name, strings.Join(problems, "\n  "))
	}
}

func jsString(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

var (
	outDirOnce sync.Once
	outDir     string
)

// screenshotDir is $QUIZROOM_TEST_OUT or a fresh temporary folder, printed once.
func screenshotDir(t *testing.T) string {
	outDirOnce.Do(func() {
		outDir = os.Getenv("QUIZROOM_TEST_OUT")
		if outDir == "" {
			var err error
			outDir, err = os.MkdirTemp("", "quizroom-web-")
			if err != nil {
				t.Fatalf("making screenshot folder: %v", err)
			}
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			t.Fatalf("making screenshot folder: %v", err)
		}
		fmt.Fprintf(os.Stderr, "web: screenshots in %s\n", outDir)
	})
	return outDir
}

// docsScreenshots are the screenshots the README shows; the others only go
// to the test output folder. Keep docs/screenshots under about 1 MB in all.
var docsScreenshots = map[string]bool{
	"host-lobby": true, "host-question": true, "host-reveal": true, "host-podium": true,
	"display-question": true, "phone-question": true, "phone-typed": true, "phone-reveal": true,
	"host-setup": true,
}

// screenshotTaker remembers which test saved each screenshot: two tests
// saving the same name would overwrite each other, and which one the README
// showed would depend on the order the tests ran in.
var screenshotTaker sync.Map // name -> test name

// wideWidth is the width screenshots of wide (desktop and projector)
// viewports are shrunk to, which keeps the README's images small and still
// legible (a 1080p screen at 60%).
const wideWidth = 1152

// screenshot saves the viewport as name.png in the test output folder, and in
// docs/screenshots when QUIZROOM_UPDATE_SCREENSHOTS=1 and the README uses it.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	size := eval[[]float64](b, `[innerWidth, innerHeight]`)
	b.capture(name, size[0], page.Viewport{Width: size[0], Height: size[1]})
}

// screenshotOf is screenshot of the element sel and margin CSS pixels
// around it (its shadow), for a README image without the empty page around
// a form.
func (b *tab) screenshotOf(name, sel string, margin float64) {
	b.t.Helper()
	r := eval[[]float64](b, fmt.Sprintf(`(() => { const r = document.querySelector(%s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight]; })()`, jsString(sel)))
	left, top := max(0, r[0]-margin), max(0, r[1]-margin)
	right, bottom := min(r[4], r[2]+margin), min(r[5], r[3]+margin)
	b.capture(name, r[4], page.Viewport{X: left, Y: top, Width: right - left, Height: bottom - top})
}

// capture saves the clip of a page innerWidth wide. Wide pages are shrunk
// to wideWidth, clips of them alike, so text is the same size in every image.
func (b *tab) capture(name string, innerWidth float64, clip page.Viewport) {
	b.t.Helper()
	if taker, _ := screenshotTaker.LoadOrStore(name, b.t.Name()); taker != b.t.Name() {
		b.t.Fatalf("%s: screenshot %s is already taken by %s", b.name, name, taker)
	}
	clip.Scale = 1
	if innerWidth > wideWidth {
		clip.Scale = wideWidth / innerWidth
	}
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	var png []byte
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng,
			Clip:   &clip,
		})
		png = res.Data
		return err
	}))
	if err != nil {
		b.t.Fatalf("%s: screenshot %s: %v", b.name, name, err)
	}
	write := func(dir string, data []byte) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			b.t.Fatalf("writing screenshot: %v", err)
		}
	}
	write(screenshotDir(b.t), png)
	if os.Getenv("QUIZROOM_UPDATE_SCREENSHOTS") == "1" && docsScreenshots[name] {
		// Only the README's copies are squeezed: it takes seconds of CPU,
		// which a test with a question timer running cannot spare.
		write(filepath.Join("..", "docs", "screenshots"), smallerPNG(b.t, png))
	}
	b.t.Logf("screenshot %s.png", name)
}

// smallerPNG re-encodes a screenshot at the best compression (Chromium
// favours speed), which keeps docs/screenshots near 1 MB in all.
func smallerPNG(t *testing.T, data []byte) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if out.Len() >= len(data) {
		return data
	}
	return out.Bytes()
}
