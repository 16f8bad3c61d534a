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
// twice, so a quarter as often: at many-rooms' peak allocation rate (about
// 95 MB a second while 200 games answer) every 10 s or so instead of every
// 2.5 s, a collection in progress 3% of the time instead of 10%. The
// memory limit, three quarters of what the process may use, makes the
// collector run sooner rather than let the process be killed when the heap
// really grows (or the machine is small).
//
// Concurrency: Apply is meant for main, once, before the server starts.
package gcdefaults
