package httpapi

import (
	"net/netip"
	"testing"
)

func TestChooseLANAddress(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addrs []string
		want  string
	}{
		{"private IPv4 first", []string{"fe80::1", "fd00::2", "203.0.113.5", "192.168.1.20", "10.0.0.3"}, "192.168.1.20"},
		{"other IPv4 before IPv6", []string{"fd00::2", "192.0.2.2"}, "192.0.2.2"},
		{"IPv6 only: private first", []string{"fe80::1", "2001:db8::5", "fd00::2"}, "fd00::2"},
		{"global IPv6", []string{"fe80::1", "2001:db8::5"}, "2001:db8::5"},
		{"loopback and link-local only", []string{"127.0.0.1", "::1", "fe80::1", "169.254.0.9"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var addrs []netip.Addr
			for _, a := range tc.addrs {
				addrs = append(addrs, netip.MustParseAddr(a))
			}
			got, ok := chooseLANAddress(addrs)
			if tc.want == "" {
				if ok {
					t.Fatalf("chose %s, want none", got)
				}
				return
			}
			if !ok || got.String() != tc.want {
				t.Fatalf("chose %s (%v), want %s", got, ok, tc.want)
			}
		})
	}
}

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost:8080": true, "LOCALHOST": true, "127.0.0.1:80": true, "127.1.2.3": true, "[::1]:8080": true,
		"quiz.localhost": true, "192.168.1.2:8080": false, "quiz.example.com": false, "[fd00::2]:80": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
