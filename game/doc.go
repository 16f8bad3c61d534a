// Package game holds the rules of a Quizroom game: phases, question kinds,
// answers, scoring, streaks and ranking.
//
// The engine is pure. It starts no goroutines, performs no I/O and never reads
// the clock: every method that depends on time takes now as an argument, and
// the same inputs always produce the same state and the same events. That is
// what lets a game be snapshotted on one instance and replayed on another.
//
// Driving a game: every input method (Join, Answer, Start, Next, ...) either
// applies the input and returns the events it caused, in order, or refuses it
// with a *Error (see CodeOf) and changes nothing. Timers are the caller's:
// after every call, arm one timer for Deadline() (zero means none) and call
// Advance(now) when it fires; Advance applies each expired timer at its
// scheduled time, so a late call catches up exactly. Times given to the
// engine may carry any zone or monotonic reading; they are stored in UTC.
//
// Phases: lobby -> (question -> reveal [-> leaderboard])* -> podium -> ended.
// Scoring and ranking are documented in docs/scoring.md.
//
// Modes are settings, not separate engines. Team mode (Settings.Teams)
// changes how points aggregate: every player keeps their own score, and each
// team earns the mean of its present members' points per question (JoinTeam,
// MoveToTeam, ChooseTeam, BalanceTeams, TeamStandings). Self-paced play
// (Settings.SelfPaced) changes whose clock a question runs on: the game is a
// challenge (lobby -> challenge -> ended) in which every player is a room of
// one with their own question clock (PlayerNext), sharing the game's ranking;
// Deadline and Advance cover every player's clock and the challenge's
// deadline, so the owner still arms a single timer. Practice builds a solo
// self-paced game of the questions a player missed.
//
// Concurrency: a *Game is not safe for concurrent use. Exactly one goroutine
// (the room actor in package lobby) owns each game. Events and read results
// hold copies, never aliases into the state.
package game
