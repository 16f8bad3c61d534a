package loadclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Subprotocol is the WebSocket subprotocol of protocol v1.
const Subprotocol = "quizroom.v1"

type dialParamsKey struct{}

type dialParams struct {
	delay  time.Duration
	source net.IP
}

// newHTTPClient returns a client whose connections honour the per-dial
// parameters in the context: a source address and an injected link delay.
func newHTTPClient() *http.Client {
	transport := &http.Transport{
		DisableCompression: true,
		DisableKeepAlives:  true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			p, _ := ctx.Value(dialParamsKey{}).(dialParams)
			d := net.Dialer{Timeout: 10 * time.Second}
			if p.source != nil && isLoopbackAddr(addr) {
				d.LocalAddr = &net.TCPAddr{IP: p.source}
			}
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if p.delay > 0 {
				return newDelayConn(c, p.delay), nil
			}
			return c, nil
		},
	}
	return &http.Client{Transport: transport}
}

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.To4() != nil && ip.IsLoopback()
}

// sourceIP is a distinct loopback address for player i (127.1.0.0/16 and up).
func sourceIP(i int) net.IP {
	i++
	return net.IPv4(127, byte(1+i>>16), byte(i>>8), byte(i))
}

// wsURL turns a base URL (http://host:port) into the WebSocket endpoint.
func wsURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "http":
		u.Scheme = "ws"
	case "https":
		u.Scheme = "wss"
	}
	u.Path += "/ws"
	return u.String(), nil
}

// dial opens one protocol v1 connection. A large read limit: the lobby list
// of a 10,000-player game is far above the library's 32 KiB default.
func dial(ctx context.Context, client *http.Client, endpoint string, p dialParams) (*websocket.Conn, error) {
	ctx = context.WithValue(ctx, dialParamsKey{}, p)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, endpoint, &websocket.DialOptions{
		HTTPClient:   client,
		Subprotocols: []string{Subprotocol},
	})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(64 << 20)
	return c, nil
}

// readMessage reads one whole message into buf (grown as needed) and returns
// the filled part.
func readMessage(ctx context.Context, c *websocket.Conn, buf []byte) ([]byte, error) {
	_, r, err := c.Reader(ctx)
	if err != nil {
		return buf[:0], err
	}
	n := 0
	buf = buf[:cap(buf)]
	for {
		if n == len(buf) {
			buf = append(buf, make([]byte, max(len(buf), 2048))...)
		}
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf[:n], nil
			}
			return buf[:n], err
		}
	}
}

// write sends one text message under a deadline.
func write(ctx context.Context, c *websocket.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, msg)
}
