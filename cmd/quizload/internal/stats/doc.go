// Package stats holds the arithmetic of a load run: latency samples recorded
// without allocation, their percentiles, and the fairness gap between latency
// groups.
//
// A Recorder is safe for concurrent Add from any number of goroutines; reading
// it (Samples, Summary) must wait until every writer is done.
package stats
