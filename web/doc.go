// Package web holds the browser front end of Quizroom (landing, host screen,
// player controller, big-screen display) as static files embedded in the
// binary. The pages are vanilla ES modules and CSS with no build step; they
// talk to the server only through the protocol in docs/protocol.md.
//
// Concurrency: the embedded file system is read-only and safe for concurrent use.
package web
