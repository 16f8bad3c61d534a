// Package redistest starts a private redis-server for tests: its own port on
// loopback, no persistence, a child process stopped by its pid when the test
// ends. It never touches a Redis it did not start (one may run on 6379).
//
// Under CI=true a missing redis-server fails the test; elsewhere it skips with
// a message saying what to install.
//
// Concurrency: a Server's methods may be called from several goroutines; Stop
// and Restart serialize on an internal mutex.
package redistest
