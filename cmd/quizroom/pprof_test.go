package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/rs/zerolog"
)

// The profiler is off unless asked for, serves on its own listener when it
// is, and is gone once stopped.
func TestPprofOnlyWhenAskedAndStoppedWithTheServer(t *testing.T) {
	addr, stop, err := startPprof("", zerolog.Nop())
	if err != nil || addr != nil {
		t.Fatalf("off: %v %v", addr, err)
	}
	stop(context.Background())

	addr, stop, err = startPprof("127.0.0.1:0", zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr.String() + "/debug/pprof/"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	stop(context.Background())
	http.DefaultClient.CloseIdleConnections()
	if resp, err := http.Get(url); err == nil {
		resp.Body.Close()
		t.Fatalf("pprof still served after stop: %s", resp.Status)
	}
	if _, _, err := startPprof("127.0.0.1:notaport", zerolog.Nop()); err == nil {
		t.Fatal("a bad address was accepted")
	}
}
