package web_test

import (
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/quizroom/quizroom/web"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// The HTTP client's idle keep-alive connections of the test servers
		// close a moment after the servers do.
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
	)
}

// The budget: every page together under 100 KB, the QR excluded:
// the page, its stylesheets, its icon and every module it imports, as a
// browser on a phone downloads them. (Counted per page: the host page's own
// questions editor is never loaded by a player.)
func TestPageWeightUnder100KB(t *testing.T) {
	ref := regexp.MustCompile(`(?:src|href)="/static/([^"]+)"|from "\./([^"]+)"|"/static/([^"]+\.css)"`)
	// Modules a page imports on demand (import("./x.js"): team mode and
	// challenges) are not part of its first load; each is counted in
	// onDemandWeight below instead.
	lazy := regexp.MustCompile(`import\("\./([^"]+)"\)`)
	seen := map[string]bool{}
	onDemand := map[string]int{}
	for _, page := range []string{"index.html", "host.html", "play.html", "display.html"} {
		total, files := 0, map[string]bool{}
		queue := []string{page}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if files[name] {
				continue
			}
			files[name], seen[name] = true, true
			b, err := fs.ReadFile(web.FS(), name)
			if err != nil {
				t.Fatalf("%s refers to %s: %v", page, name, err)
			}
			total += len(b)
			for _, m := range lazy.FindAllStringSubmatch(string(b), -1) {
				seen["app/"+m[1]] = true
				onDemand[page] += fileSize(t, "app/"+m[1])
			}
			for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
				switch {
				case m[1] != "":
					queue = append(queue, m[1])
				case m[2] != "":
					queue = append(queue, "app/"+m[2])
				default:
					queue = append(queue, m[3])
				}
			}
		}
		t.Logf("%s: %d bytes in %d files (+%d bytes loaded on demand)", page, total, len(files), onDemand[page])
		if total > 100*1024 {
			t.Errorf("%s weighs %d bytes with what it loads, over the 100 KB budget", page, total)
		}
	}
	// Every static file is counted in some page (a file no page loads
	// would escape the budget).
	_ = fs.WalkDir(web.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !seen[path] {
			t.Errorf("%s is loaded by no page", path)
		}
		return err
	})
}

func fileSize(t *testing.T, name string) int {
	t.Helper()
	b, err := fs.ReadFile(web.FS(), name)
	if err != nil {
		t.Fatalf("on-demand module %s: %v", name, err)
	}
	return len(b)
}

func TestEveryPageExists(t *testing.T) {
	for route, file := range web.Pages {
		if _, err := fs.Stat(web.FS(), file); err != nil {
			t.Errorf("route %s: %v", route, err)
		}
	}
}

// The CSP forbids inline script and style; bank text and nicknames must only
// reach the DOM as text. These patterns would break one or the other.
func TestNoInlineScriptNoHTMLInjection(t *testing.T) {
	htmlBad := map[string]*regexp.Regexp{
		"inline script":    regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`),
		"style attribute":  regexp.MustCompile(`\sstyle\s*=`),
		"style element":    regexp.MustCompile(`<style`),
		"event attribute":  regexp.MustCompile(`\son[a-z]+\s*=`),
		"external request": regexp.MustCompile(`(?:src|href)\s*=\s*"(?:https?:)?//`),
	}
	jsBad := map[string]*regexp.Regexp{
		"innerHTML":          regexp.MustCompile(`\.(?:inner|outer)HTML\b`),
		"insertAdjacentHTML": regexp.MustCompile(`insertAdjacentHTML`),
		"document.write":     regexp.MustCompile(`document\.write`),
		"eval":               regexp.MustCompile(`\beval\(|new Function\(`),
		"external request":   regexp.MustCompile(`["'\x60]https?://`),
	}
	err := fs.WalkDir(web.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.FS(), path)
		if err != nil {
			return err
		}
		var bad map[string]*regexp.Regexp
		switch {
		case strings.HasSuffix(path, ".html"):
			bad = htmlBad
		case strings.HasSuffix(path, ".js"):
			bad = jsBad
		default:
			return nil
		}
		for name, re := range bad {
			for _, loc := range re.FindAllIndex(b, -1) {
				if strings.HasPrefix(string(b[loc[0]+1:]), "http://www.w3.org/") {
					continue // an XML namespace name, not a request
				}
				t.Errorf("%s: %s at byte %d: %q", path, name, loc[0], b[loc[0]:min(len(b), loc[1]+20)])
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// staticServer serves only the pages, with the production CSP: enough to
// check that every page starts under the policy without a script error.
func staticServer(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(web.FS())))
	for route, file := range web.Pages {
		pattern := regexp.MustCompile(`:(\w+)`).ReplaceAllString(route, "{$1}")
		if pattern == "/" {
			pattern = "/{$}"
		}
		mux.HandleFunc("GET "+pattern, func(w http.ResponseWriter, r *http.Request) {
			http.ServeFileFS(w, r, web.FS(), file)
		})
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
		mux.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestPagesStartUnderCSP(t *testing.T) {
	browser := newBrowser(t)
	base := staticServer(t)
	b := newTab(t, browser, "visitor", 1280, 800, false)

	b.navigate(base + "/")
	b.waitVisible("#pin-input")
	b.typeInto("#pin-input", "12")
	b.click("#pin-submit")
	b.waitText("#pin-error", "6 digits")
	b.noProblems()

	b.navigate(base + "/host")
	b.waitVisible("#setup-form")
	b.noProblems()

	b.navigate(base + "/play")
	b.waitText("#v-ended", "Enter a game PIN")
	b.noProblems()

	b.navigate(base + "/display/12")
	b.waitText("#fatal", "6-digit game PIN")
	b.waitText("#conn-status", "No such game")
	b.noProblems()

}

// TestDisplayOfNoGame: the big screen of a well-formed PIN no game has says
// so, in the page and in the status badge (not "Connecting…").
func TestDisplayOfNoGame(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)
	b := newTab(t, browser, "display", 1280, 720, false)
	b.navigate(base + "/display/999999")
	b.waitText("#fatal", "No game here")
	b.waitText("#conn-status", "No such game")
	if got := b.text("#conn-status"); strings.Contains(got, "Connecting") {
		t.Errorf("status badge %q beside \"No game here\"", got)
	}
	b.noProblems()
}

// TestHostSetupFitsAndReads: on a 1920x1080 screen the whole setup form,
// Create game included, fits above the fold with room to spare; on a laptop
// and a phone the auto-advance checkbox sits beside its label's first line,
// not above it; "Use your own questions" shows a marker that turns when it
// opens (display:flex on a summary drops the browser's triangle); every
// choice of a drop-down reads whole in its closed box.
func TestHostSetupFitsAndReads(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"projector", 1920, 1080, false}, {"phone", 390, 844, true}} {
		b := newTab(t, browser, size.name, size.width, size.height, size.mobile)
		b.navigate(base + "/host")
		b.waitFor("banks and categories", `document.querySelectorAll("#bank option").length > 0 && document.querySelectorAll("#categories input").length > 0`)
		if size.width == 1920 {
			// 10% of the screen to spare under the button.
			if bottom := eval[float64](b, `document.querySelector("#create").getBoundingClientRect().bottom`); bottom > 0.9*float64(size.height) {
				t.Errorf("%s: Create game ends at %.0f px of %d", size.name, bottom, size.height)
			}
		}
		// The box sits beside the label's text, its middle level with the
		// text's first line.
		off := eval[float64](b, `(() => {
			const label = document.querySelector("#auto-advance").closest("label"), box = document.querySelector("#auto-advance").getBoundingClientRect();
			const text = [...label.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
			const range = document.createRange(); range.selectNodeContents(text);
			const lines = [...range.getClientRects()], first = lines[0];
			// Every line of the text starts right of the box: none wraps under it.
			if (lines.some((l) => l.width > 0 && l.left < box.right)) return 999;
			return Math.abs((box.top + box.bottom) / 2 - (first.top + first.bottom) / 2);
		})()`)
		if off > 3 {
			t.Errorf("%s: the auto-advance checkbox is not beside its label's first line (%.0f px off)", size.name, off)
		}
		checkSelectsFit(t, b)
		closed := eval[string](b, `getComputedStyle(document.querySelector("#own > summary"), "::before").transform`)
		marker := eval[bool](b, `(() => { const s = getComputedStyle(document.querySelector("#own > summary"), "::before"); return s.content !== "none" && parseFloat(s.width) > 0 && s.borderRightStyle !== "none"; })()`)
		if !marker {
			t.Errorf("%s: \"Use your own questions\" has no disclosure marker", size.name)
		}
		b.click("#own > summary")
		b.waitVisible("#own-notes")
		if open := eval[string](b, `getComputedStyle(document.querySelector("#own > summary"), "::before").transform`); open == closed {
			t.Errorf("%s: the marker does not change when the section opens (%s)", size.name, open)
		}
		b.click("#own > summary")
		b.screenshot("host-setup-" + size.name)
		if size.width == 1920 {
			b.screenshotOf("host-setup", "#setup-form", 16) // the README's
		}
		b.noProblems()
	}
}

func TestLandingAndSetupLook(t *testing.T) {
	base := startServer(t)
	browser := newBrowser(t)
	phone := newTab(t, browser, "phone", 360, 740, true)
	phone.navigate(base + "/")
	phone.waitVisible("#pin-input")
	phone.screenshot("landing-phone")
	desk := newTab(t, browser, "desk", 1280, 800, false)
	desk.navigate(base + "/host")
	desk.waitVisible("#setup-form")
	desk.waitFor("banks and categories", `document.querySelectorAll("#bank option").length > 0 && document.querySelectorAll("#categories input").length > 0`)
	desk.screenshot("host-setup-laptop")
	desk.noProblems()
	phone.noProblems()
}

// Every page says what it is to search engines and link previews.
func TestEveryPageHasAMetaDescription(t *testing.T) {
	desc := regexp.MustCompile(`<meta name="description" content="([^"]{50,160})">`)
	for route, file := range web.Pages {
		b, err := fs.ReadFile(web.FS(), file)
		if err != nil {
			t.Fatal(err)
		}
		if !desc.Match(b) {
			t.Errorf("page %s (%s) has no meta description of 50 to 160 characters", route, file)
		}
	}
}

// arrowRoom is what a closed drop-down keeps for its arrow beside the text.
const arrowRoom = 24

// checkSelectsFit fails when the text of a choice of a visible drop-down is
// wider than its closed box, where the browser would cut it off. The bank
// picker is left out: its choices are the banks' titles, data of any length.
func checkSelectsFit(t *testing.T, b *tab) {
	t.Helper()
	cut := eval[[]string](b, fmt.Sprintf(`(() => {
		const c = document.createElement("canvas").getContext("2d"), out = [];
		for (const s of document.querySelectorAll("select:not(#bank)")) {
			if (s.offsetParent === null) continue;
			const cs = getComputedStyle(s);
			c.font = cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
			const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - %d;
			for (const o of s.options) {
				const w = c.measureText(o.text).width;
				if (w > room) out.push("#" + s.id + ": " + JSON.stringify(o.text) + " is " + Math.round(w) + " px in " + Math.round(room));
			}
		}
		return out;
	})()`, arrowRoom))
	for _, c := range cut {
		t.Errorf("%s: a drop-down cuts its choice %s", b.name, c)
	}
}
