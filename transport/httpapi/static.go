package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/lobby/wire"
	"github.com/quizroom/quizroom/web"
)

func (a *App) etag(name string, data []byte) string {
	if v, ok := a.etags.Load(name); ok {
		return v.(string)
	}
	sum := sha256.Sum256(data)
	tag := `"` + hex.EncodeToString(sum[:12]) + `"`
	a.etags.Store(name, tag)
	return tag
}

func (a *App) serveFile(c echo.Context, name, cacheControl string) error {
	data, err := fs.ReadFile(web.FS(), name)
	if err != nil {
		return wire.Errorf(wire.CodeNotFound, "no such file")
	}
	tag := a.etag(name, data)
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", cacheControl)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, tag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType(name), data)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json":
		return "application/json"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

func (a *App) static(c echo.Context) error {
	name := path.Clean("/" + c.Param("*"))[1:]
	if name == "" || strings.HasPrefix(name, ".") {
		return wire.Errorf(wire.CodeNotFound, "no such file")
	}
	// Revalidate every time: files change with the binary, and an ETag
	// answer costs no body.
	return a.serveFile(c, name, "no-cache")
}

func (a *App) page(file string) echo.HandlerFunc {
	return func(c echo.Context) error { return a.serveFile(c, file, "no-cache") }
}
