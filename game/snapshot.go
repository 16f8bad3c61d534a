package game

import (
	"encoding/json"
	"fmt"
)

// Snapshot returns bytes that fully describe the game. The encoding is JSON
// with no maps, so the same state always gives the same bytes.
func (g *Game) Snapshot() []byte {
	b, err := json.Marshal(&g.st)
	if err != nil {
		// The state holds only strings, numbers, bools, times and slices of
		// them; Marshal cannot fail on it.
		panic(fmt.Sprintf("game: snapshot: %v", err))
	}
	return b
}

// Restore rebuilds a game from Snapshot bytes. The restored game, given the
// same inputs as the original, produces the same state and events.
func Restore(snapshot []byte) (*Game, error) {
	var st state
	if err := json.Unmarshal(snapshot, &st); err != nil {
		return nil, errorf(CodeInvalidSnapshot, "not a game snapshot: %v", err)
	}
	if st.Version < snapshotVersion || st.Version > snapshotVersionCurrent {
		return nil, errorf(CodeInvalidSnapshot, "snapshot version %d, this engine reads %d to %d", st.Version, snapshotVersion, snapshotVersionCurrent)
	}
	if err := st.check(); err != nil {
		return nil, err
	}
	g := &Game{st: st}
	g.rebuild()
	return g, nil
}

// check refuses snapshots that would make the engine index out of range.
func (st *state) check() *Error {
	bad := func(format string, args ...any) *Error {
		return errorf(CodeInvalidSnapshot, format, args...)
	}
	if err := st.Settings.validate(); err != nil {
		return bad("settings: %s", err.Message)
	}
	if st.Version != versionFor(st.Settings) {
		return bad("version %d does not match the settings (teams or self-paced need %d)", st.Version, snapshotVersionModes)
	}
	if len(st.Questions) == 0 || len(st.Questions) > MaxQuestions || len(st.Rounds) != len(st.Questions) {
		return bad("%d questions and %d rounds", len(st.Questions), len(st.Rounds))
	}
	for i, q := range st.Questions {
		if err := validateQuestion(i, q); err != nil {
			return bad("%s", err.Message)
		}
		if d := st.Rounds[i].Distribution; d != nil && len(d) != len(q.Options) {
			return bad("question %d: distribution has %d entries for %d options", i, len(d), len(q.Options))
		}
	}
	selfPaced := st.Settings.SelfPaced
	switch st.Phase {
	case PhaseChallenge:
		if !selfPaced || st.Index != -1 || st.ChallengeDeadline.IsZero() {
			return bad("challenge phase in a game that is not an open challenge")
		}
	case PhaseQuestion, PhaseReveal, PhaseLeaderboard:
		if selfPaced {
			return bad("%s phase in a self-paced game", st.Phase)
		}
	}
	switch st.Phase {
	case PhaseChallenge:
	case PhaseLobby:
		if st.Index != -1 {
			return bad("lobby with question index %d", st.Index)
		}
	case PhaseQuestion, PhaseReveal, PhaseLeaderboard, PhasePodium, PhaseEnded:
		if st.Index < -1 || st.Index >= len(st.Questions) || (st.Index == -1 && st.Phase != PhaseEnded) {
			return bad("question index %d in the %s phase", st.Index, st.Phase)
		}
		if st.Phase == PhaseQuestion && st.Questions[st.Index].Kind != KindTyped && st.Rounds[st.Index].Distribution == nil {
			return bad("open question %d has no distribution", st.Index)
		}
	default:
		return bad("unknown phase %q", st.Phase)
	}
	seen := make(map[PlayerID]bool, len(st.Players))
	for _, p := range st.Players {
		if p == nil || p.ID == "" || seen[p.ID] {
			return bad("missing, empty or duplicate player id")
		}
		seen[p.ID] = true
		if p.Team < 0 || p.Team > st.Settings.Teams || (st.Settings.TeamMode() && p.Team == 0) {
			return bad("player %s in team %d of %d", p.ID, p.Team, st.Settings.Teams)
		}
		for _, s := range p.Absent {
			if s[0] < 0 || s[0] >= s[1] || s[1] > len(st.Questions) {
				return bad("player %s: absence %v out of range", p.ID, s)
			}
		}
		for k, a := range p.Answers {
			if a.Index < 0 || a.Index >= len(st.Questions) || (k > 0 && a.Index <= p.Answers[k-1].Index) {
				return bad("player %s: answers out of order or range", p.ID)
			}
		}
		if (p.Solo != nil) != selfPaced {
			return bad("player %s: solo clock %v in a game with self-paced %v", p.ID, p.Solo != nil, selfPaced)
		}
		if s := p.Solo; s != nil {
			n := len(st.Questions)
			if s.Played < 0 || s.Played > n || (s.Open && (s.Played == n || st.Phase != PhaseChallenge)) {
				return bad("player %s: solo clock at %d of %d questions", p.ID, s.Played, n)
			}
			if s.Open && st.Questions[s.Played].Kind != KindTyped && st.Rounds[s.Played].Distribution == nil {
				return bad("player %s: open question %d has no distribution", p.ID, s.Played)
			}
		}
	}
	return nil
}
