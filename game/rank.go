package game

import (
	"cmp"
	"slices"
	"time"
)

// Standing is one row of the ranking.
type Standing struct {
	Rank       int // 1-based; tied players share it (1, 2, 2, 4), see docs/scoring.md
	PrevRank   int // rank before the last question closed (or at join)
	Player     PlayerID
	Nickname   string
	Score      int
	Correct    int   // fully correct answers
	ResponseMs int64 // total response time of correct answers, the first tie-break
	Connected  bool
	Left       bool
	Team       int    // team mode: the player's 1-based team, else 0
	TeamName   string // and its name
}

// PlayerState is what the server needs to show or resume one player.
type PlayerState struct {
	ID            PlayerID
	Nickname      string
	JoinOrder     int
	FirstQuestion int // the first question this player may answer
	Connected     bool
	Left          bool
	Kicked        bool
	Score         int
	Streak        int
	Correct       int
	ResponseMs    int64
	Rank          int // 0 when kicked
	PrevRank      int
	// Answered and Answer: the player's answer to the current question, if any.
	Answered     bool
	Answer       Answer
	ResponseTime time.Duration
	// Last is the outcome of the current question once it has closed (reveal,
	// leaderboard and later), nil while it is open or before the first. In
	// a self-paced game: of the player's last closed question.
	Last *PlayerResult
	// Team mode: the player's team (1-based) and its name; Away while the
	// player is not counted for the team for having missed a question while
	// disconnected (docs/scoring.md, "Teams").
	Team     int
	TeamName string
	Away     bool
	// Solo is the player's progress in a self-paced game (nil in live games).
	Solo *SoloProgress
}

// compareStanding orders players best first: higher score, then fewer total
// response milliseconds on correct answers, then earlier join. JoinOrder is
// unique, so the order of rows is total; it does not split a place (see tied).
func compareStanding(a, b *player) int {
	if c := comparePlace(a, b); c != 0 {
		return c
	}
	return cmp.Compare(a.JoinOrder, b.JoinOrder)
}

// comparePlace compares what earns a place: score, then the response time
// of correct answers. Players it cannot tell apart share a place: two
// players on 0 points are both 3rd, whoever joined first.
func comparePlace(a, b *player) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	return cmp.Compare(a.ResponseMs, b.ResponseMs)
}

func (g *Game) ensureRanks() {
	if !g.ranksDirty {
		return
	}
	g.ranked = g.ranked[:0]
	for _, p := range g.st.Players {
		if p.Kicked {
			p.rank = 0
			continue
		}
		g.ranked = append(g.ranked, p)
	}
	slices.SortFunc(g.ranked, compareStanding)
	g.placeFrom(0, len(g.ranked))
	g.ranksDirty = false
}

// addRanked ranks a new player without re-sorting when, as always for a
// newcomer with no points and the latest join, they go last.
func (g *Game) addRanked(p *player) {
	if g.ranksDirty {
		return
	}
	if n := len(g.ranked); n > 0 && compareStanding(g.ranked[n-1], p) > 0 {
		g.ranksDirty = true
		return
	}
	g.ranked = append(g.ranked, p)
	p.rank = len(g.ranked)
	if n := len(g.ranked); n > 1 && comparePlace(g.ranked[n-2], p) == 0 {
		p.rank = g.ranked[n-2].rank
	}
}

// rerank moves p to its place after its score changed, shifting only the
// players it passes: O(distance) instead of a sort, for self-paced games
// where one player's question closes at a time. The order is total, so the
// result is exactly what a full sort gives.
func (g *Game) rerank(p *player) {
	i := p.rank - 1
	if g.ranksDirty || i < 0 || i >= len(g.ranked) {
		g.ranksDirty = true
		return
	}
	// Tied rows share the rank of the first of them: p is among those.
	for i < len(g.ranked) && g.ranked[i] != p && g.ranked[i].rank == p.rank {
		i++
	}
	if i >= len(g.ranked) || g.ranked[i] != p {
		g.ranksDirty = true
		return
	}
	from := i
	for i > 0 && compareStanding(p, g.ranked[i-1]) < 0 {
		g.ranked[i] = g.ranked[i-1]
		i--
	}
	for i+1 < len(g.ranked) && compareStanding(p, g.ranked[i+1]) > 0 {
		g.ranked[i] = g.ranked[i+1]
		i++
	}
	g.ranked[i] = p
	g.placeFrom(min(from, i), max(from, i))
}

// placeFrom gives the rows from lo on their competition ranks (1, 2, 2, 4);
// past hi it stops at the first row whose rank does not change, as none
// after it can.
func (g *Game) placeFrom(lo, hi int) {
	for j := lo; j < len(g.ranked); j++ {
		r := j + 1
		if j > 0 && comparePlace(g.ranked[j-1], g.ranked[j]) == 0 {
			r = g.ranked[j-1].rank
		}
		if j > hi && g.ranked[j].rank == r {
			return
		}
		g.ranked[j].rank = r
	}
}

func (g *Game) rankOf(p *player) int {
	g.ensureRanks()
	return p.rank
}

func (g *Game) standing(p *player) Standing {
	return Standing{
		Rank:       p.rank,
		PrevRank:   p.PrevRank,
		Player:     p.ID,
		Nickname:   p.Nickname,
		Score:      p.Score,
		Correct:    p.Correct,
		ResponseMs: p.ResponseMs,
		Connected:  p.Connected,
		Left:       p.Left,
		Team:       p.Team,
		TeamName:   g.teamName(p.Team),
	}
}

func (g *Game) teamName(t int) string {
	if t < 1 || t > len(g.st.Settings.TeamNames) {
		return ""
	}
	return g.st.Settings.TeamNames[t-1]
}

// Standings ranks every player who was not kicked (players who left keep
// their row), best first.
func (g *Game) Standings() []Standing {
	g.ensureRanks()
	out := make([]Standing, len(g.ranked))
	for i, p := range g.ranked {
		out[i] = g.standing(p)
	}
	return out
}

// Player returns one player's state; false when the id is unknown. Kicked
// players are still found (Kicked set, Rank 0).
func (g *Game) Player(id PlayerID) (PlayerState, bool) {
	p, ok := g.byID[id]
	if !ok {
		return PlayerState{}, false
	}
	return g.playerState(p), true
}

// Players lists every player who was not kicked, in join order.
func (g *Game) Players() []PlayerState {
	out := make([]PlayerState, 0, len(g.st.Players))
	for _, p := range g.st.Players {
		if !p.Kicked {
			out = append(out, g.playerState(p))
		}
	}
	return out
}

func (g *Game) playerState(p *player) PlayerState {
	g.ensureRanks()
	ps := PlayerState{
		ID:            p.ID,
		Nickname:      p.Nickname,
		JoinOrder:     p.JoinOrder,
		FirstQuestion: p.FirstQuestion,
		Connected:     p.Connected,
		Left:          p.Left,
		Kicked:        p.Kicked,
		Score:         p.Score,
		Streak:        p.Streak,
		Correct:       p.Correct,
		ResponseMs:    p.ResponseMs,
		Rank:          p.rank,
		PrevRank:      p.PrevRank,
		Team:          p.Team,
		TeamName:      g.teamName(p.Team),
		Away:          p.Away,
		Solo:          g.soloProgress(p),
	}
	if s := p.Solo; s != nil {
		if s.Played > 0 && !p.Kicked {
			res := g.resultOf(p, s.Played-1)
			ps.Last = &res
		}
		return ps
	}
	i := g.st.Index
	if i < 0 {
		return ps
	}
	if rec := p.answerTo(i); rec != nil {
		ps.Answered = true
		ps.Answer = Answer{Choices: cloneOrNil(rec.Choices), Text: rec.Text}
		ps.ResponseTime = rec.ResponseTime
	}
	if g.st.Rounds[i].Closed && !p.Kicked && p.FirstQuestion <= i {
		res := g.resultOf(p, i)
		ps.Last = &res
	}
	return ps
}
