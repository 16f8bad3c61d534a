package ws

import (
	"context"
	"encoding/json"
	"time"

	"github.com/quizroom/quizroom/lobby"
	"github.com/quizroom/quizroom/lobby/wire"
)

// The reader never waits on the room's store (issue 17): while Redis
// stalls, a join, a sync or a host command can wait seconds for it, and an
// app-level ping read behind it would wait too, so a client would take a
// live connection for a dead one. The reader hands the wait to a goroutine
// and goes on reading: the first message's attach runs on one of its own
// (attachAsync), and the room commands after it run one at a time, in the
// order read, on the connection's command goroutine (commandLoop), started when a command
// arrives and gone when none waits. Answers
// already leave the reader at once (lobby.Member.Submit).

// command is one room command waiting for the command goroutine.
type command struct {
	m   *lobby.Member
	msg lobby.Message
	re  json.RawMessage
}

// maxCommandsWaiting bounds a connection's commands waiting for the room;
// one more is refused with room_busy (retryable).
const maxCommandsWaiting = 16

// enqueue hands cmd to the command goroutine, starting it when none runs,
// or refuses cmd when too many are waiting. The goroutine lives only while
// commands wait: a goroutine per idle connection would cost every player
// a stack (8 KiB, and one more for each GC to scan) for the rare command.
func (c *conn) enqueue(ctx context.Context, cmd command) {
	if c.commands == nil {
		// Made at the first command: 16 waiting commands are 3 KiB of
		// pointers for every GC to scan, and most players send none.
		c.commands = make(chan command, maxCommandsWaiting)
	}
	select {
	case c.commands <- cmd:
	default:
		c.sendError(cmd.re, wire.Errorf(wire.CodeRoomBusy, "too many of your messages are waiting for the room; try again"))
		return
	}
	c.commandMu.Lock()
	defer c.commandMu.Unlock()
	if !c.commandRunning {
		c.commandRunning = true
		c.commandWG.Go(func() { c.commandLoop(ctx) })
	}
}

// commandLoop submits the connection's commands in order until none waits.
// ctx ends with the reader, so a command stuck on a stalled store does not
// hold the connection's end, and those still waiting are dropped. One loop
// runs at a time (commandRunning), so the order read is the order applied.
func (c *conn) commandLoop(ctx context.Context) {
	for {
		select {
		case cmd := <-c.commands:
			if ctx.Err() != nil {
				continue
			}
			if err := cmd.m.Submit(ctx, cmd.msg); err != nil {
				c.sendError(cmd.re, err)
			}
		default:
			// Stop only when nothing arrived since the check: an enqueue
			// that sent before this lock is seen here; one after it finds
			// commandRunning false and starts the next loop.
			c.commandMu.Lock()
			if len(c.commands) == 0 {
				c.commandRunning = false
				c.commandMu.Unlock()
				return
			}
			c.commandMu.Unlock()
		}
	}
}

// attached is the outcome of an attach: the member, or nil when the room
// refused it (the refusal was sent).
type attached struct{ m *lobby.Member }

// attachAsync starts the attach of msg on its own goroutine; its outcome
// arrives on c.attaching (taken by the reader, see takeAttach).
// joined is stopped when the room admits the connection (the join timer).
func (c *conn) attachAsync(ctx context.Context, msg wire.Client, joined *time.Timer) {
	if !c.s.cfg.Joins.Allow(c.addr, msg.PIN) {
		c.sendError(msg.ID, wire.Errorf(wire.CodeJoinRateLimited, "too many attempts from your address; wait a minute and retry"))
		return
	}
	done := make(chan attached, 1)
	c.attaching = done
	c.attachWG.Go(func() {
		m, err := c.s.lobby.Attach(ctx, lobby.Hello{
			Type: msg.Type, PIN: msg.PIN, HostToken: msg.HostToken, Nickname: msg.Nickname,
			ResumeToken: msg.ResumeToken, Re: msg.ID, Team: valueOr(msg.Team),
		}, c)
		RecordLookup(c.s.cfg.Joins, c.addr, msg.PIN, err)
		if err != nil {
			c.sendError(msg.ID, err)
		} else {
			joined.Stop()
		}
		done <- attached{m: m}
	})
}

// takeAttach takes the outcome of the attach under way, if any: waiting
// for it when wait is set, else only when it is there. It reports whether
// the connection is now a member.
func (c *conn) takeAttach(wait bool) bool {
	if c.attaching == nil {
		return c.member != nil
	}
	var res attached
	if wait {
		res = <-c.attaching
	} else {
		select {
		case res = <-c.attaching:
		default:
			return false
		}
	}
	c.attaching = nil
	if res.m != nil {
		c.member = res.m
		c.bindLog(res.m.PIN(), res.m.Role(), res.m.PlayerID())
	}
	return c.member != nil
}
