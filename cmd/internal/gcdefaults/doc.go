// Package gcdefaults gives a long-running server process the garbage
// collector settings Quizroom is measured with, unless the operator chose
// their own with Go's GOGC and GOMEMLIMIT.
//
// Why: 10,000 players keep about 250 MB of heap, much of it per connection
// (socket buffers, the HTTP request, the room's member), and on one core a
// collection of that heap is a quarter of a second of marking during which
// every goroutine that allocates helps: the answers and questions of that
// quarter second wait (issue 16, 200 games of 50 on one core: fan-out p99
// 30-80 ms in runs with a collection during play, 3-5 ms without). At
// GOGC=400 the heap is collected at five times its live size instead of
// twice, so about a fifth as often: at many-rooms' allocation rate (~30 MB
// a second during play) every half minute rather than every few seconds,
// under 1% of the time. The memory limit, three quarters of what the
// process may use, makes the collector run sooner rather than let the
// process be killed when the heap really grows (or the machine is small).
//
// Concurrency: Apply is meant for main, once, before the server starts.
package gcdefaults
