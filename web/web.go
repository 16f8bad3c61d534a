package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the static files, rooted so that "index.html" and "app/..." are
// at the top.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory exists
	}
	return sub
}

// Pages maps each page route (Echo syntax) to the file that serves it.
var Pages = map[string]string{
	"/":             "index.html",
	"/join/:pin":    "index.html",
	"/host":         "host.html",
	"/play":         "play.html",
	"/display/:pin": "display.html",
}
