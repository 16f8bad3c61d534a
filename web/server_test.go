package web_test

import "testing"

// startServer runs the real server in-process on 127.0.0.1:0 and returns its
// base URL. It is wired up once transport/httpapi lands.
func startServer(t *testing.T) string {
	t.Helper()
	t.Skip("transport/httpapi is not built yet")
	return ""
}
