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
	if st.Version != snapshotVersion {
		return nil, errorf(CodeInvalidSnapshot, "snapshot version %d, this engine reads %d", st.Version, snapshotVersion)
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
	switch st.Phase {
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
	}
	return nil
}
