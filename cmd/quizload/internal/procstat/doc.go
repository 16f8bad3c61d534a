// Package procstat reads a process's CPU time and resident memory from
// /proc/<pid>, and finds the process listening on a TCP port, so quizload
// measures any server the same way, its own or someone else's. Linux only;
// elsewhere every call returns an error. Functions are safe for concurrent use.
package procstat
