// Package httpapi is Quizroom's HTTP surface on Echo: the REST API (create a
// game, banks, game info, QR code, results), the WebSocket upgrade (handed to
// transport/ws), the embedded web pages and static files, health, readiness
// and Prometheus metrics, with security headers and JSON errors.
//
// Error codes come from the lobby and the wire package; HTTP statuses are
// chosen here and nowhere else.
//
// Banks: server banks come in Config.Banks; uploaded ones go to a BankStore,
// an interface defined here (banks.go) and implemented by transport/membanks
// and transport/redisbanks. A host key (Config.HostKey) guards what only a
// host may do.
//
// Files by concern: app.go (Config, App, routes), middleware.go (request
// context, security headers), errors.go (error codes to HTTP statuses),
// health.go (/readyz), websocket.go (the upgrade), games.go (create, info,
// QR), joinlink.go (the LAN address of join links), results.go (results.json and .csv), static.go (pages and files),
// banks.go (bank list, read, upload), bankquestions.go (previews and a
// game's questions), bankexport.go (notes to bank), hostkey.go (the host
// key guard), metrics.go (Prometheus).
//
// Concurrency: an App is safe for concurrent use once built; handlers share
// the lobby, the ws server, the metrics, the bank store and the per-address
// limiters, which are themselves safe, and the parsed-bank cache (a mutex).
package httpapi
