// Package codeshape holds checks of the code's shape that go vet and
// staticcheck do not make (function length). It has no code of its own
// besides its tests; nothing imports it.
package codeshape
