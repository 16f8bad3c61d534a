// Package wirescan reads the few fields the load generator needs from a
// protocol v1 frame ("type", "q", "server_ms", ...) by scanning bytes, without
// decoding JSON: the client side of a 10,000-player run must stay far cheaper
// than the server it measures.
//
// It relies on what every JSON encoder the server may use produces: a key is
// written as "key" followed by optional spaces and a colon, and a quote inside
// a string value is always escaped, so a key pattern cannot appear inside a
// string. The first occurrence of a key wins; callers narrow the search with
// Object when a key also appears nested (the personal "you" part).
//
// Every function is pure and safe for concurrent use.
package wirescan
