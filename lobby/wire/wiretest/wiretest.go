// Package wiretest is a small protocol v1 client for tests: dial, send JSON,
// and wait for server messages by type, over a real WebSocket.
//
// Concurrency: each Client has one reader goroutine, stopped by Close (or the
// test's cleanup). Send and the Wait methods belong to the test goroutine.
package wiretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/quizroom/quizroom/lobby/wire"
)

// DefaultTimeout bounds every wait.
const DefaultTimeout = 10 * time.Second

// Msg is one server message.
type Msg struct {
	Type     string
	Seq      uint64
	Raw      []byte
	Received time.Time
}

// Decode unmarshals the message into v.
func (m Msg) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(m.Raw, v); err != nil {
		t.Fatalf("decoding %s: %v", m.Raw, err)
	}
}

// Map returns the message as a map.
func (m Msg) Map(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	m.Decode(t, &v)
	return v
}

// Client is one test connection.
type Client struct {
	t    testing.TB
	Conn *websocket.Conn
	Name string

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []Msg
	err    error
	closed bool
	done   chan struct{}
}

// Dial opens a protocol connection to base (http://host:port).
func Dial(t testing.TB, base string) *Client {
	t.Helper()
	c, err := TryDial(t, base)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

// TryDial is Dial returning the error.
func TryDial(t testing.TB, base string) (*Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	u := "ws" + strings.TrimPrefix(base, "http") + "/ws"
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{wire.Subprotocol}, HTTPHeader: http.Header{}})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(16 << 20)
	c := &Client{t: t, Conn: conn, done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	go c.read()
	t.Cleanup(func() { c.Close() })
	return c, nil
}

func (c *Client) read() {
	defer close(c.done)
	for {
		_, data, err := c.Conn.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.err = err
			c.closed = true
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		typ, seq, _ := wire.Peek(data)
		c.queue = append(c.queue, Msg{Type: typ, Seq: seq, Raw: data, Received: time.Now()})
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

// Close closes the connection and waits for the reader.
func (c *Client) Close() {
	c.Conn.Close(websocket.StatusNormalClosure, "")
	c.Conn.CloseNow()
	<-c.done
}

// Send writes v as JSON.
func (c *Client) Send(v any) {
	c.t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.SendRaw(websocket.MessageText, data)
}

// SendRaw writes a frame as is.
func (c *Client) SendRaw(typ websocket.MessageType, data []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	if err := c.Conn.Write(ctx, typ, data); err != nil {
		c.t.Fatalf("%s: write: %v", c.Name, err)
	}
}

// TrySendRaw writes a frame and returns the error.
func (c *Client) TrySendRaw(typ websocket.MessageType, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	return c.Conn.Write(ctx, typ, data)
}

// Wait returns the next message of one of types, dropping the others before
// it. It fails the test after DefaultTimeout or when the connection closes.
func (c *Client) Wait(types ...string) Msg {
	c.t.Helper()
	m, err := c.WaitErr(DefaultTimeout, types...)
	if err != nil {
		c.t.Fatalf("%s: waiting for %v: %v", c.Name, types, err)
	}
	return m
}

// WaitErr is Wait returning the error.
func (c *Client) WaitErr(timeout time.Duration, types ...string) (Msg, error) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for len(c.queue) > 0 {
			m := c.queue[0]
			c.queue = c.queue[1:]
			for _, typ := range types {
				if m.Type == typ {
					return m, nil
				}
			}
		}
		if c.closed {
			return Msg{}, fmt.Errorf("connection closed: %w", c.err)
		}
		if !time.Now().Before(deadline) {
			return Msg{}, errors.New("timed out")
		}
		c.cond.Wait()
	}
}

// Next returns the next message whatever its type.
func (c *Client) Next() Msg {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	deadline := time.Now().Add(DefaultTimeout)
	timer := time.AfterFunc(DefaultTimeout, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	for len(c.queue) == 0 {
		if c.closed {
			c.t.Fatalf("%s: connection closed: %v", c.Name, c.err)
		}
		if !time.Now().Before(deadline) {
			c.t.Fatalf("%s: no message in %v", c.Name, DefaultTimeout)
		}
		c.cond.Wait()
	}
	m := c.queue[0]
	c.queue = c.queue[1:]
	return m
}

// WaitClosed waits until the server closes the connection and returns the
// close status and reason.
func (c *Client) WaitClosed() (websocket.StatusCode, string) {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(DefaultTimeout):
		c.t.Fatalf("%s: connection not closed within %v", c.Name, DefaultTimeout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var ce websocket.CloseError
	if errors.As(c.err, &ce) {
		return ce.Code, ce.Reason
	}
	return websocket.CloseStatus(c.err), ""
}

// Error waits for an error message and returns its code.
func (c *Client) Error() (wire.Code, string) {
	c.t.Helper()
	var e wire.ErrorMsg
	c.Wait(wire.TypeError).Decode(c.t, &e)
	return e.Code, e.Message
}

// ExpectError waits for an error message with code.
func (c *Client) ExpectError(code wire.Code) wire.ErrorMsg {
	c.t.Helper()
	var e wire.ErrorMsg
	c.Wait(wire.TypeError).Decode(c.t, &e)
	if e.Code != code {
		c.t.Fatalf("%s: error %s (%s), want %s", c.Name, e.Code, e.Message, code)
	}
	return e
}
