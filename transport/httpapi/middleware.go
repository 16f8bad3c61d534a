package httpapi

import (
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/rs/zerolog"
)

// CSP is the Content-Security-Policy of every response: no inline script.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func (a *App) requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			id = uuid.NewString()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		log := a.log.With().Str("request_id", id).Logger()
		c.Set("log", log)
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		if req.URL.Path != "/healthz" && req.URL.Path != "/metrics" {
			log.Debug().Str("method", req.Method).Str("path", req.URL.Path).Int("status", c.Response().Status).
				Dur("took", time.Since(start)).Str("ip", c.RealIP()).Msg("request")
		}
		return nil
	}
}

func logOf(c echo.Context) zerolog.Logger {
	if l, ok := c.Get("log").(zerolog.Logger); ok {
		return l
	}
	return zerolog.Nop()
}

func (a *App) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		return next(c)
	}
}

// ---- errors ----
