// Package gcdefaults gives a long-running server process the garbage
// collector settings Quizroom is measured with, unless the operator chose
// their own with Go's GOGC and GOMEMLIMIT.
//
// Why: one live game of 10,000 players keeps about 270 MB of heap, much of
// it per connection (socket buffers, the HTTP request, the room's member),
// and on one core a collection of that heap is a quarter of a second of
// marking during which every goroutine that allocates helps (issue 16: an
// ack p99 of 140 ms at GOGC=100 against 62-74 ms at 200, same machine,
// same hour). Collecting at three times the live heap instead of twice
// halves how often that happens; the memory limit, three quarters of what
// the process may use, makes the collector run sooner rather than let the
// process be killed when the heap really grows.
//
// Concurrency: Apply is meant for main, once, before the server starts.
package gcdefaults
