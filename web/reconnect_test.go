package web_test

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
)

// cutProxy forwards TCP to the server and can cut every connection and
// refuse new ones, like a phone losing its network.
type cutProxy struct {
	ln      net.Listener
	backend string

	mu      sync.Mutex
	down    bool
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
	stopped bool
}

func newCutProxy(t *testing.T, backendURL string) (*cutProxy, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, backend: strings.TrimPrefix(backendURL, "http://"), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.stop)
	return p, "http://" + ln.Addr().String()
}

func (p *cutProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down || p.stopped {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.wg.Add(1)
		p.mu.Unlock()
		go p.pipe(c)
	}
}

func (p *cutProxy) pipe(c net.Conn) {
	defer p.wg.Done()
	defer c.Close()
	b, err := net.Dial("tcp", p.backend)
	if err != nil {
		return
	}
	defer b.Close()
	p.mu.Lock()
	p.conns[b] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, c); b.Close(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, b); c.Close(); done <- struct{}{} }()
	<-done
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, b)
	p.mu.Unlock()
}

// setDown cuts every open connection and refuses new ones, or lets them in again.
func (p *cutProxy) setDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			c.Close()
		}
	}
}

func (p *cutProxy) stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.setDown(true)
	p.ln.Close()
	p.wg.Wait()
}

// TestPhoneLosesNetwork: the connection drops mid-question; the phone says it
// is reconnecting, then resumes by itself with the same score and can answer.
func TestPhoneLosesNetwork(t *testing.T) {
	server := startServer(t)
	proxy, base := newCutProxy(t, server)
	browser := newBrowser(t)

	host := newTab(t, browser, "host", 1280, 800, false)
	host.navigate(server + "/host")
	host.waitFor("banks to load", `document.querySelectorAll("#bank option").length > 0`)
	host.typeInto("#count", "2")
	host.click("#create")
	host.waitVisible("#pin")
	pin := strings.ReplaceAll(host.text("#pin"), " ", "")

	// The phone reaches the server through the proxy; the host directly.
	phone := newTab(t, browser, "phone", 360, 740, true)
	phone.navigate(base + "/join/" + pin)
	phone.typeInto("#nick-input", "Cleo")
	phone.click("#nick-submit")
	phone.waitText("#v-lobby", "You're in!")
	host.waitText("#player-count", "1")

	host.click("#btn-next")
	phone.waitVisible(".answer-btn")
	prompt := phone.text("#q-prompt")
	score := phone.text("#me-score")

	proxy.setDown(true)
	phone.waitText("#conn-banner", "Reconnecting")
	phone.screenshot("phone-reconnecting")

	proxy.setDown(false)
	phone.waitFor("the banner to go", `document.querySelector("#conn-banner").hidden`)
	phone.waitText("#q-prompt", prompt)
	if got := phone.text("#me-score"); got != score {
		t.Errorf("score after reconnecting is %q, was %q", got, score)
	}
	phone.click(`.answer-btn[data-index="0"]`)
	phone.waitFor("the answer to count", `!document.querySelector("#v-result").hidden || document.querySelector("#q-received").innerText.includes("Answer received")`)
	host.waitVisible(".reveal-view")
	phone.waitVisible("#v-result")
	phone.noProblems()
	host.noProblems()
}
