package lobby

import (
	"strconv"
	"time"

	"github.com/quizroom/quizroom/lobby/wire"
)

// Commands sent again. A host command (and a player's choose_team or
// play_next) whose append the store ran after its sender was told
// unavailable (a frozen Redis that wakes) is in the log, and the client's
// retry is in the log too: applied twice, a `next` would skip a question.
// The room remembers the commands it applied by their sender's message id
// and answers a repeat with the first outcome instead of applying it again,
// as an answer sent again gets its first verdict (room.sameAnswer).
//
// An id names a command within its connection (the protocol asks ids to be
// unique per connection only, and clients number them from 1), so the key
// is the connection's instance, its ref and the id. Refs start at a random
// number in each process (New), so a connection of an instance restarted
// under the same name never takes an earlier one's key. A command without
// an id is applied every time it arrives.
//
// The records live with the room: in the snapshot (roomSnapshot.Commands)
// and, for commands after it, in the log replayed on a takeover, so a new
// owner knows what the old one applied. They are bounded by
// maxCommandRecords: a retry follows its command within seconds.

// commandRecord is one applied command: its key and its refusal, if any.
type commandRecord struct {
	Key     string    `json:"k"`
	Code    wire.Code `json:"c,omitempty"`
	Message string    `json:"m,omitempty"`
}

// maxCommandRecords bounds the commands a room remembers. A host sends a
// few a minute and a client gives up retrying after about ten seconds; 64
// covers a host at the message rate limit (10/s) for six seconds.
const maxCommandRecords = 64

// commandKey is in's key, or "" for an input without an id.
func commandKey(in input) string {
	if len(in.Re) == 0 {
		return ""
	}
	return in.Origin + " " + strconv.FormatUint(in.Ref, 10) + " " + string(in.Re)
}

// isCommand reports whether op is a command the room applies once per id.
func isCommand(op string) bool {
	return wire.HostCommands[op] || op == wire.TypeChooseTeam || op == wire.TypePlayNext
}

// applyCommand applies the command in once: a repeat of one applied gets
// its first outcome.
func (r *room) applyCommand(in input, now time.Time) {
	if !isCommand(in.Op) {
		r.log.Error().Str("op", in.Op).Msg("unknown input op")
		return
	}
	if r.repeatedCommand(in) {
		return
	}
	var err error
	if wire.HostCommands[in.Op] {
		err = r.command(in, now)
	} else {
		err = r.playerCommand(in, now) // issue 15: choose_team, play_next (lobby/play.go)
	}
	r.rememberCommand(in, err)
	if err != nil {
		r.replyError(in, err)
	}
}

// repeatedCommand answers in when the room already applied it: nothing
// when the first one went through (its events were the reply), the first
// refusal when it was refused. It reports whether in was such a repeat.
func (r *room) repeatedCommand(in input) bool {
	key := commandKey(in)
	if key == "" {
		return false
	}
	for i := len(r.commands) - 1; i >= 0; i-- {
		if c := r.commands[i]; c.Key == key {
			if c.Code != "" {
				r.replyError(in, &wire.Error{Code: c.Code, Message: c.Message})
			}
			return true
		}
	}
	return false
}

// rememberCommand records that in was applied, with its refusal err (nil
// when it went through).
func (r *room) rememberCommand(in input, err error) {
	key := commandKey(in)
	if key == "" {
		return
	}
	rec := commandRecord{Key: key}
	if werr, ok := engineError(err).(*wire.Error); ok {
		rec.Code, rec.Message = werr.Code, werr.Message
	} else if err != nil {
		rec.Code, rec.Message = wire.CodeInternal, "internal error"
	}
	if len(r.commands) >= maxCommandRecords {
		r.commands = append(r.commands[:0], r.commands[len(r.commands)-maxCommandRecords+1:]...)
	}
	r.commands = append(r.commands, rec)
	r.dirty = true
}
