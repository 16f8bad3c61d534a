package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/lobby/wire"
)

// HostKeyHeader carries the server's host key (or ?host_key=).
const HostKeyHeader = "X-Host-Key"

// hostKeyRequired guards what only a host may do when the server has a host
// key: creating games, uploading and reading banks, reading results. Wrong
// keys count as misses of the address's attempt limit, so guessing is slow.
func (a *App) hostKeyRequired(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if a.hostKeyHash == nil {
			return next(c)
		}
		key := c.Request().Header.Get(HostKeyHeader)
		if key == "" {
			key = c.QueryParam("host_key")
		}
		if key == "" {
			return wire.Errorf(wire.CodeHostKeyRequired, "this server needs its host key (header %s) to host games", HostKeyHeader)
		}
		ip := c.RealIP()
		// Guesses at the key draw on the same budget as guesses at PINs
		// (under a name no PIN has).
		if !a.joins.Allow(ip, "host-key") {
			return wire.Errorf(wire.CodeJoinRateLimited, "too many attempts from your address; wait a minute and retry")
		}
		sum := sha256.Sum256([]byte(key))
		if subtle.ConstantTimeCompare(sum[:], a.hostKeyHash) != 1 {
			a.joins.Miss(ip)
			return wire.Errorf(wire.CodeBadHostKey, "the host key is not this server's")
		}
		return next(c)
	}
}

// ---- bank listing and lookup ----
