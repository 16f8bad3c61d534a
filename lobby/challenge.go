package lobby

import (
	"context"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// Challenges and practice rounds: rooms whose players each play alone
// (game.Settings.SelfPaced). A challenge's room runs until its deadline;
// its data lives on the Bus like a game's (in memory: lost with the
// process; in Redis: kept through restarts and instance loss), and its PIN
// is held until the deadline, then for the retention like any ended game.

// roomPINTTL holds a room's PIN for as long as it can take players.
func roomPINTTL(g *game.Game) time.Duration {
	if d := time.Until(g.ChallengeDeadline()); g.Settings().SelfPaced && d+24*time.Hour > pinTTL {
		return d + 24*time.Hour
	}
	return pinTTL
}

// infoModes adds team mode and the challenge to a game's public info.
func infoModes(info *GameInfo, g *game.Game) {
	s := g.Settings()
	if s.TeamMode() {
		info.TeamAssign = string(s.TeamAssign)
		info.Teams = make([]wire.Team, s.Teams)
		for i, n := range s.TeamNames {
			info.Teams[i] = wire.Team{Team: i + 1, Name: n}
		}
		for _, p := range g.Players() {
			if p.Team > 0 && p.Team <= s.Teams && !p.Left && !p.Kicked {
				info.Teams[p.Team-1].Members++
			}
		}
	}
	if s.SelfPaced {
		info.SelfPaced = true
		info.ChallengeDeadlineMs = ms(g.ChallengeDeadline())
		info.Joinable = g.Phase() == game.PhaseChallenge && !g.ChallengeClosed() && !g.Locked() &&
			time.Now().Before(g.ChallengeDeadline())
	}
}

// PracticeRound is a practice room made for one player.
type PracticeRound struct {
	PIN         string `json:"pin"`
	ResumeToken string `json:"resume_token"`
	Questions   int    `json:"questions"`
}

// Practice starts a practice round for the player of game pin whose resume
// token is given: a room of one with the questions they missed (see
// game.Game.Practice), which they enter by resuming with the returned token.
// It works while the game shows its podium and after it ended (for the
// retention), on any instance.
func (l *Lobby) Practice(ctx context.Context, pin, resumeToken string) (PracticeRound, error) {
	if !wire.ValidPIN(pin) {
		return PracticeRound{}, wire.Errorf(wire.CodeUnknownGame, "no game with PIN %q", pin)
	}
	now := time.Now()
	ng, err := l.practiceGame(ctx, pin, resumeToken, now)
	if err != nil {
		return PracticeRound{}, err
	}
	token := "r_" + randomToken()
	players := ng.Players()
	meta := roomMeta{HostTokenHash: hashToken("h_" + randomToken()), Tokens: map[string]game.PlayerID{hashToken(token): players[0].ID}, Game: randomHex(8)}
	// The player resumes into the round: they count as away until then.
	_, _ = ng.Disconnect(players[0].ID, now)
	npin, err := l.openRoom(ctx, ng, meta)
	if err != nil {
		return PracticeRound{}, err
	}
	return PracticeRound{PIN: npin, ResumeToken: token, Questions: ng.Total()}, nil
}

// practiceGame builds the practice game from the live room when it runs
// here, else from the room's latest snapshot.
func (l *Lobby) practiceGame(ctx context.Context, pin, resumeToken string, now time.Time) (*game.Game, error) {
	l.mu.Lock()
	r := l.rooms[pin]
	l.mu.Unlock()
	if r != nil {
		type built struct {
			g   *game.Game
			err error
		}
		res := make(chan built, 1)
		q := func() {
			pid, ok := r.meta.Tokens[hashToken(resumeToken)]
			if !ok {
				res <- built{err: wire.Errorf(wire.CodeBadResumeToken, "the resume token does not match a player of this game")}
				return
			}
			g, err := r.g.Practice(pid, now)
			res <- built{g, engineError(err)}
		}
		select {
		case r.queries <- q:
			select {
			case b := <-res:
				return b.g, b.err
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(2 * time.Second):
				// The actor ended meanwhile: its final snapshot answers below.
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		default:
			// A busy actor: its snapshot answers below.
		}
	}
	snap, err := l.bus.LoadSnapshot(ctx, pin)
	if err != nil {
		if err == ErrNoSnapshot {
			return nil, wire.Errorf(wire.CodeUnknownGame, "no game with PIN %s", pin)
		}
		return nil, wire.Unavailable("cannot read the game", err)
	}
	rs, err := decodeRoomSnapshot(snap.Data)
	if err != nil {
		return nil, err
	}
	pid, ok := rs.Meta.Tokens[hashToken(resumeToken)]
	if !ok {
		return nil, wire.Errorf(wire.CodeBadResumeToken, "the resume token does not match a player of this game")
	}
	g, err := game.Restore(rs.Game)
	if err != nil {
		return nil, err
	}
	ng, err := g.Practice(pid, now)
	return ng, engineError(err)
}
