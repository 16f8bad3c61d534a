package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/quizroom/quizroom/game/bank"
	"github.com/quizroom/quizroom/lobby/wire"
)

type errorBody struct {
	Error struct {
		Code     wire.Code      `json:"code"`
		Message  string         `json:"message"`
		Problems []bank.Problem `json:"problems,omitempty"`
	} `json:"error"`
}

func statusOf(code wire.Code) int {
	switch code {
	case wire.CodeUnknownGame, wire.CodeNotFound, wire.CodeUnknownBank:
		return http.StatusNotFound
	case wire.CodeBadHostToken, wire.CodeBadHostKey:
		return http.StatusForbidden
	case wire.CodeHostKeyRequired:
		return http.StatusUnauthorized
	case wire.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case wire.CodeJoinRateLimited, wire.CodeRateLimited:
		return http.StatusTooManyRequests
	case wire.CodeTooManyGames, wire.CodeUnavailable:
		return http.StatusServiceUnavailable
	case wire.CodeResultsNotReady:
		return http.StatusConflict
	case wire.CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case wire.CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func (a *App) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var body errorBody
	status := 0
	var he *echo.HTTPError
	var werr *wire.Error
	var perr *problemsError
	switch {
	case errors.As(err, &perr):
		body.Error.Code, body.Error.Message, body.Error.Problems = perr.err.Code, perr.err.Message, perr.problems
		status = statusOf(perr.err.Code)
	case errors.As(err, &werr):
		body.Error.Code, body.Error.Message = werr.Code, werr.Message
		status = statusOf(werr.Code)
		if werr.Cause != nil {
			// The client gets the code's fixed message; the cause is logged.
			// A probe polled every few seconds through an outage logs at
			// debug: the outage itself is logged by what it breaks.
			log := logOf(c)
			ev := log.Warn()
			if c.Path() == "/readyz" {
				ev = log.Debug()
			}
			ev.Err(werr.Cause).Str("code", string(werr.Code)).Str("path", c.Request().URL.Path).Msg("request refused")
		}
	case errors.As(err, &he):
		status = he.Code
		body.Error.Message = fmt.Sprint(he.Message)
		switch he.Code {
		case http.StatusNotFound:
			body.Error.Code = wire.CodeNotFound
		case http.StatusMethodNotAllowed:
			body.Error.Code = wire.CodeMethodNotAllowed
		case http.StatusRequestEntityTooLarge, http.StatusBadRequest, http.StatusUnsupportedMediaType:
			body.Error.Code = wire.CodeInvalidRequest
		default:
			body.Error.Code = wire.CodeInternal
		}
	default:
		log := logOf(c)
		log.Error().Err(err).Msg("internal error")
		status = http.StatusInternalServerError
		body.Error.Code, body.Error.Message = wire.CodeInternal, wire.InternalMessage
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}

func invalid(format string, args ...any) error {
	return wire.Errorf(wire.CodeInvalidRequest, format, args...)
}

// ---- health ----
