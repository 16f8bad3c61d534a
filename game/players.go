package game

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/secure/precis"
)

// ValidateNickname normalises s and checks it. Nicknames follow the
// Nickname profile of RFC 8266 (golang.org/x/text/secure/precis): NFKC, so
// full-width and other compatibility forms become plain letters; every
// kind of space becomes one ASCII space, runs of them one, none at either
// end; control, invisible and formatting characters (zero-width spaces,
// soft hyphens, direction overrides and marks) are refused, so that no two
// nicknames differ only by what nobody can see. Emoji presentation
// selectors (U+FE0E, U+FE0F) are dropped first: they only pick how an emoji
// is drawn. The result has 1 to MaxNicknameLen characters (runes). Markup
// is just text: the engine never escapes.
func ValidateNickname(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errorf(CodeInvalidNickname, "nickname is not valid UTF-8")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\uFE0E' || r == '\uFE0F' {
			return -1
		}
		return r
	}, s)
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return "", errorf(CodeInvalidNickname, "nickname is empty")
	}
	out, err := precis.Nickname.String(s)
	if err != nil {
		return "", nicknameRefusal(s)
	}
	if n := utf8.RuneCountInString(out); n > MaxNicknameLen {
		return "", errorf(CodeInvalidNickname, "nickname has %d characters, at most %d allowed", n, MaxNicknameLen)
	}
	return out, nil
}

// nicknameRefusal names the first character of s the Nickname profile
// refuses.
func nicknameRefusal(s string) *Error {
	allowed := precis.Nickname.Allowed()
	for _, r := range s {
		if unicode.Is(unicode.Zs, r) {
			continue // spaces of every width are mapped, not refused
		}
		if !allowed.Contains(r) || unicode.Is(unicode.Cf, r) {
			if unicode.IsControl(r) {
				return errorf(CodeInvalidNickname, "nickname contains a control character (%U)", r)
			}
			return errorf(CodeInvalidNickname, "nickname contains %U, an invisible, formatting or unassigned character", r)
		}
	}
	return errorf(CodeInvalidNickname, "nickname is not allowed (a character out of place for its script)")
}

// foldNickname is the key two nicknames are compared by: the Nickname
// profile's comparison form (case folded), then the confusable skeleton of
// Unicode TR39 (github.com/mtibben/confusables), so that look-alikes from
// other scripts ("Viсtim" with a Cyrillic es), Roman numerals or "rn" for
// "m" fall on the nickname they imitate.
func foldNickname(s string) string {
	key, err := precis.Nickname.CompareKey(s)
	if err != nil {
		// A nickname stored before these rules (restored from an old
		// snapshot) still gets a key.
		key = strings.ToLower(s)
	}
	return confusables.Skeleton(key)
}

// Join adds a player. Joining with the id of a player who left brings them
// back with score, streak and team (Rejoined); joining with the id of a
// player still in the game is a reconnect. New players are refused once the
// game is locked, full, or (without LateJoin) started. A late joiner starts
// at 0 and answers from the next question that opens. In team mode the
// player goes to the smallest team: Join is JoinTeam with no pick.
func (g *Game) Join(id PlayerID, nickname string, now time.Time) ([]Event, error) {
	return g.JoinTeam(id, nickname, 0, now)
}

// JoinTeam is Join with a team pick (1-based; 0 for none). The pick is
// refused with teams_off without team mode, unknown_team out of range, and
// team_choice_off when the host balances teams. A pick is honoured while
// teams are open (the lobby; in a challenge, always); a late joiner goes to
// the smallest team whatever they picked, so nobody stacks the leading team
// mid-game. A player coming back keeps their team and the pick is ignored.
func (g *Game) JoinTeam(id PlayerID, nickname string, team int, now time.Time) ([]Event, error) {
	now = norm(now)
	if g.st.Phase == PhaseEnded {
		if g.st.Settings.SelfPaced && g.st.EndReason == EndDeadline {
			return nil, errorf(CodeChallengeClosed, "the challenge closed at its deadline")
		}
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	if id == "" {
		return nil, errorf(CodeUnknownPlayer, "empty player id")
	}
	if team != 0 {
		if err := g.checkTeam(team); err != nil {
			return nil, err
		}
	}
	if p, ok := g.byID[id]; ok {
		return g.rejoin(p, now)
	}
	if team != 0 && g.st.Settings.TeamAssign == TeamsBalance {
		return nil, errorf(CodeTeamChoiceOff, "the host balances the teams; players cannot pick one")
	}
	if g.challengeOver(now) {
		return nil, errorf(CodeChallengeClosed, "the challenge closed at %s", g.st.ChallengeDeadline.Format(time.RFC3339))
	}
	if g.st.Phase == PhasePodium {
		return nil, errorf(CodeLateJoinClosed, "the game is over: the podium is showing")
	}
	if g.st.Locked {
		return nil, errorf(CodeGameLocked, "the host has locked the game")
	}
	if g.st.Phase != PhaseLobby && g.st.Phase != PhaseChallenge && !g.st.Settings.LateJoin {
		return nil, errorf(CodeLateJoinClosed, "the game has started and does not take late joiners")
	}
	if g.full() {
		return nil, errorf(CodeGameFull, "the game is full (%d players)", g.st.Settings.MaxPlayers)
	}
	nick, err := ValidateNickname(nickname)
	if err != nil {
		return nil, err
	}
	if _, taken := g.nicks[foldNickname(nick)]; taken {
		return nil, errorf(CodeNicknameTaken, "nickname %q is taken", nick)
	}
	p := &player{
		ID:            id,
		Nickname:      nick,
		JoinOrder:     g.st.NextJoin,
		FirstQuestion: g.st.Index + 1,
		Connected:     true,
		Team:          g.placeInTeam(team),
	}
	if g.st.Settings.SelfPaced {
		p.FirstQuestion = 0
		p.Solo = &soloRecord{}
	}
	g.st.NextJoin++
	g.st.Players = append(g.st.Players, p)
	g.byID[id] = p
	g.nicks[foldNickname(nick)] = p
	g.addRanked(p)
	g.count(p, 1) // not eligible for an open question, so a no-op today; kept for symmetry
	p.PrevRank = g.rankOf(p)
	return []Event{PlayerJoined{Player: id, Nickname: nick, Players: g.activePlayers(), Team: p.Team}}, nil
}

func (g *Game) full() bool {
	return g.st.Settings.MaxPlayers > 0 && g.activePlayers() >= g.st.Settings.MaxPlayers
}

func (g *Game) rejoin(p *player, now time.Time) ([]Event, error) {
	if p.Kicked {
		return nil, errorf(CodeKicked, "player %s was kicked from this game", p.ID)
	}
	if !p.Left {
		return g.Reconnect(p.ID, now)
	}
	if g.full() {
		return nil, errorf(CodeGameFull, "the game is full (%d players)", g.st.Settings.MaxPlayers)
	}
	if _, taken := g.nicks[foldNickname(p.Nickname)]; taken {
		return nil, errorf(CodeNicknameTaken, "nickname %q was taken while you were away", p.Nickname)
	}
	if g.challengeOver(now) {
		return nil, errorf(CodeChallengeClosed, "the challenge closed at %s", g.st.ChallengeDeadline.Format(time.RFC3339))
	}
	g.count(p, -1)
	p.Left = false
	p.Connected = true
	p.Away = false
	g.count(p, 1)
	g.nicks[foldNickname(p.Nickname)] = p
	evs := []Event{PlayerJoined{Player: p.ID, Nickname: p.Nickname, Rejoined: true, Players: g.activePlayers(), Team: p.Team}}
	return g.answersChanged(norm(now), evs), nil
}

func (g *Game) lookup(id PlayerID) (*player, error) {
	p, ok := g.byID[id]
	switch {
	case !ok:
		return nil, errorf(CodeUnknownPlayer, "no player %q in this game", id)
	case p.Kicked:
		return nil, errorf(CodeKicked, "player %s was kicked from this game", id)
	case p.Left:
		return nil, errorf(CodeUnknownPlayer, "player %s has left the game", id)
	}
	return p, nil
}

// Disconnect records a lost connection; the player keeps everything. It may
// close the question early if everyone still connected has answered.
// Disconnecting a player already disconnected does nothing.
func (g *Game) Disconnect(id PlayerID, now time.Time) ([]Event, error) {
	return g.setConnected(id, false, now)
}

// Reconnect records a resumed connection: score, streak and any answer
// already given stand.
func (g *Game) Reconnect(id PlayerID, now time.Time) ([]Event, error) {
	return g.setConnected(id, true, now)
}

func (g *Game) setConnected(id PlayerID, connected bool, now time.Time) ([]Event, error) {
	p, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	if p.Connected == connected {
		return nil, nil
	}
	g.count(p, -1)
	p.Connected = connected
	if connected {
		p.Away = false
	}
	g.count(p, 1)
	evs := []Event{PlayerConnection{Player: id, Connected: connected}}
	// During a question the count changes too: "K offline" on the host.
	return g.answersChanged(norm(now), evs), nil
}

// Leave takes the player out of the game for good: their results row and
// rank stay, their nickname becomes free, and Join with the same id brings
// them back.
func (g *Game) Leave(id PlayerID, now time.Time) ([]Event, error) {
	p, err := g.lookup(id)
	if err != nil {
		return nil, err
	}
	g.count(p, -1)
	p.Left = true
	p.Connected = false
	g.count(p, 1)
	delete(g.nicks, foldNickname(p.Nickname))
	evs := []Event{PlayerLeft{Player: id, Nickname: p.Nickname, Players: g.activePlayers()}}
	return g.answersChanged(norm(now), evs), nil
}

// Kick removes the player: they drop out of the standings and can never
// rejoin this game under this id. A player who left can still be kicked.
func (g *Game) Kick(id PlayerID, now time.Time) ([]Event, error) {
	if g.st.Phase == PhaseEnded {
		return nil, errorf(CodeGameEnded, "the game has ended")
	}
	p, ok := g.byID[id]
	if !ok {
		return nil, errorf(CodeUnknownPlayer, "no player %q in this game", id)
	}
	if p.Kicked {
		return nil, errorf(CodeKicked, "player %s was already kicked", id)
	}
	g.count(p, -1)
	wasActive := p.active()
	p.Kicked = true
	p.Connected = false
	if g.st.Phase == PhaseQuestion && p.Team > 0 && p.FirstQuestion <= g.st.Index {
		markAbsent(p, g.st.Index) // an open question's answer from a kicked player is never scored
	}
	if p.Solo != nil && p.Solo.Open {
		p.Solo.Open = false // abandoned unscored
		g.soloDirty = true
	}
	if wasActive {
		delete(g.nicks, foldNickname(p.Nickname))
	}
	g.ranksDirty = true
	evs := []Event{PlayerLeft{Player: id, Nickname: p.Nickname, Kicked: true, Players: g.activePlayers()}}
	return g.maybeFinishChallenge(g.answersChanged(norm(now), evs)), nil
}

// answersCount is the open question's count as an event.
func (g *Game) answersCount() AnswersCount {
	return AnswersCount{Index: g.st.Index, Answered: g.answeredActive, Players: g.eligible, Offline: g.eligible - g.connected}
}

// AnswersSoFar is the open question's count (zero outside a question).
func (g *Game) AnswersSoFar() AnswersCount {
	if g.st.Phase != PhaseQuestion {
		return AnswersCount{Index: g.st.Index}
	}
	return g.answersCount()
}

// answersChanged reports the new count when the set of eligible players
// changed during a question, then checks for an early close.
func (g *Game) answersChanged(now time.Time, evs []Event) []Event {
	if g.st.Phase != PhaseQuestion {
		return evs
	}
	evs = append(evs, g.answersCount())
	return g.maybeCloseEarly(now, evs)
}
