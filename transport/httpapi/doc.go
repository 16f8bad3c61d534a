// Package httpapi is Quizroom's HTTP surface on Echo: the REST API (create a
// game, banks, game info, QR code, results), the WebSocket upgrade (handed to
// transport/ws), the embedded web pages and static files, health, readiness
// and Prometheus metrics, with security headers and JSON errors.
//
// Error codes come from the lobby and the wire package; HTTP statuses are
// chosen here and nowhere else.
//
// Concurrency: an App is safe for concurrent use once built; handlers share
// only the lobby, the ws server and the metrics, which are themselves safe.
package httpapi
