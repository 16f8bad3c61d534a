package httpapi

import (
	"github.com/labstack/echo/v4"
)

func (a *App) websocket(c echo.Context) error {
	a.ws.ServeHTTP(c.Response(), c.Request(), c.RealIP(), logOf(c))
	return nil
}

// ---- games ----
