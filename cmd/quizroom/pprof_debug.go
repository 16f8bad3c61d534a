package main

import (
	"net/http"
	"net/http/pprof"
	"os"
	"time"
)

// QUIZROOM_PPROF_ADDR (unset by default, never a flag: it is a debugging aid,
// not configuration) serves net/http/pprof on its own listener, so
// `quizload run --profile DIR` can say where a server spends its CPU and
// memory under load. Keep it on loopback: profiles reveal internals.
func init() {
	addr := os.Getenv("QUIZROOM_PPROF_ADDR")
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.ListenAndServe()
}
