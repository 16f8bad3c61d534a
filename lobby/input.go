package lobby

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/quizroom/quizroom/game"
	"github.com/quizroom/quizroom/lobby/wire"
)

// encodeInput encodes in for the input log. Answers, thousands a second in
// a big game, are written by hand (appendAnswerInput), byte for byte what
// encoding/json writes (TestAnswerInputMatchesEncodingJSON), so every
// instance of any version reads them; the rest goes through encoding/json.
func encodeInput(in input) ([]byte, error) {
	if isPlainAnswer(in) {
		return appendAnswerInput(make([]byte, 0, 256), in), nil
	}
	return json.Marshal(in)
}

// isPlainAnswer reports whether appendAnswerInput encodes in exactly: an
// answer with none of the other inputs' fields and times inside the years
// encoding/json writes.
func isPlainAnswer(in input) bool {
	return in.Op == wire.TypeAnswer && !in.Counted && in.Nickname == "" && in.Token == "" && in.Step == "" &&
		in.Seconds == 0 && in.Target == "" && in.Team == 0 && plainTime(in.At) && plainTime(in.Recv) && plainRaw(in.Re)
}

func plainTime(t time.Time) bool { return t.Year() >= 0 && t.Year() <= 9999 }

// plainRaw reports whether a message id is written as it is: the ids the
// wire accepts are strings of plain characters or numbers (compact JSON).
func plainRaw(re json.RawMessage) bool {
	for _, c := range re {
		if c <= ' ' || c >= 0x7f || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// appendAnswerInput writes in as encoding/json would: fields in declaration
// order, empty ones left out.
func appendAnswerInput(buf []byte, in input) []byte {
	buf = append(buf, `{"op":`...)
	buf = appendJSONString(buf, in.Op)
	buf = append(buf, `,"o":`...)
	buf = appendJSONString(buf, in.Origin)
	buf = append(buf, `,"r":`...)
	buf = strconv.AppendUint(buf, in.Ref, 10)
	if len(in.Re) > 0 {
		buf = append(buf, `,"re":`...)
		buf = append(buf, in.Re...)
	}
	buf = append(buf, `,"at":`...)
	buf = appendJSONTime(buf, in.At)
	if in.Player != "" {
		buf = append(buf, `,"p":`...)
		buf = appendJSONString(buf, string(in.Player))
	}
	if in.Role != "" {
		buf = append(buf, `,"role":`...)
		buf = appendJSONString(buf, in.Role)
	}
	if in.Q != 0 {
		buf = append(buf, `,"q":`...)
		buf = strconv.AppendInt(buf, int64(in.Q), 10)
	}
	if in.Answer.Choices != nil || in.Answer.Text != "" || in.Answer.List { // omitzero
		buf = append(buf, `,"a":{`...)
		sep := false
		if len(in.Answer.Choices) > 0 {
			sep = true
			buf = append(buf, `"choices":[`...)
			for i, c := range in.Answer.Choices {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendInt(buf, int64(c), 10)
			}
			buf = append(buf, ']')
		}
		if in.Answer.Text != "" {
			if sep {
				buf = append(buf, ',')
			}
			sep = true
			buf = append(buf, `"text":`...)
			buf = appendJSONString(buf, in.Answer.Text)
		}
		if in.Answer.List {
			if sep {
				buf = append(buf, ',')
			}
			buf = append(buf, `"list":true`...)
		}
		buf = append(buf, '}')
	}
	if in.RT != 0 {
		buf = append(buf, `,"rt":`...)
		buf = strconv.AppendInt(buf, int64(in.RT), 10)
	}
	if !in.Recv.IsZero() {
		buf = append(buf, `,"recv":`...)
		buf = appendJSONTime(buf, in.Recv)
	}
	return append(buf, '}')
}

func appendJSONTime(buf []byte, t time.Time) []byte {
	buf = append(buf, '"')
	buf = t.AppendFormat(buf, time.RFC3339Nano)
	return append(buf, '"')
}

// decodeInput decodes an input of the log. Answers in the layout
// appendAnswerInput writes (what encoding/json writes too) are read by
// hand; anything else, or anything unexpected, goes through encoding/json,
// so the result is always what json.Unmarshal gives (FuzzDecodeInput).
func decodeInput(data []byte) (input, error) {
	if in, ok := scanAnswerInput(data); ok {
		return in, nil
	}
	var in input
	err := json.Unmarshal(data, &in)
	return in, err
}

// inputScanner reads the fields of one plain answer input in order.
type inputScanner struct {
	b  []byte
	ok bool
}

// field consumes `,"name":` (or `{"name":` first) when it comes next.
func (s *inputScanner) field(sep byte, name string) bool {
	b := s.b
	if len(b) < len(name)+4 || b[0] != sep || b[1] != '"' || string(b[2:2+len(name)]) != name || b[2+len(name)] != '"' || b[3+len(name)] != ':' {
		return false
	}
	s.b = b[4+len(name):]
	return true
}

// str reads a string without escapes (a string with any is left to
// encoding/json).
func (s *inputScanner) str() string {
	b := s.b
	if len(b) < 2 || b[0] != '"' {
		s.ok = false
		return ""
	}
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s.b = b[i+1:]
			return string(b[1:i])
		case c == '\\' || c < 0x20 || c >= 0x80:
			s.ok = false
			return ""
		}
	}
	s.ok = false
	return ""
}

// num reads an integer (digits, optionally signed).
func (s *inputScanner) num(signed bool) (neg bool, v uint64) {
	b := s.b
	i := 0
	if signed && len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	start := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if v > (1<<64-1)/10 {
			s.ok = false
			return
		}
		d := uint64(b[i] - '0')
		if v*10 > 1<<64-1-d {
			s.ok = false
			return
		}
		v = v*10 + d
	}
	if i == start || (i-start > 1 && b[start] == '0') {
		s.ok = false
		return
	}
	s.b = b[i:]
	return
}

func (s *inputScanner) int64() int64 {
	neg, v := s.num(true)
	if v > 1<<63-1+uint64(boolInt(neg)) {
		s.ok = false
		return 0
	}
	if neg {
		return -int64(v)
	}
	return int64(v)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *inputScanner) time() time.Time {
	start := s.b
	s.str()
	var t time.Time
	if s.ok && t.UnmarshalJSON(start[:len(start)-len(s.b)]) != nil { // as encoding/json reads it
		s.ok = false
	}
	return t
}

// scanAnswerInput reads data when it is an answer in appendAnswerInput's
// layout; ok is false for anything else.
func scanAnswerInput(data []byte) (in input, ok bool) {
	s := inputScanner{b: data, ok: true}
	if !s.field('{', "op") || s.str() != wire.TypeAnswer || !s.ok {
		return input{}, false
	}
	in.Op = wire.TypeAnswer
	if !s.field(',', "o") {
		return input{}, false
	}
	in.Origin = s.str()
	if !s.field(',', "r") {
		return input{}, false
	}
	_, in.Ref = s.num(false)
	if s.ok && s.field(',', "re") {
		start := s.b
		if len(start) > 0 && start[0] == '"' {
			s.str()
		} else {
			s.int64()
		}
		if s.ok {
			in.Re = json.RawMessage(string(start[:len(start)-len(s.b)]))
		}
	}
	if !s.ok || !s.field(',', "at") {
		return input{}, false
	}
	in.At = s.time()
	if s.ok && s.field(',', "p") {
		in.Player = game.PlayerID(s.str())
	}
	if s.ok && s.field(',', "role") {
		in.Role = s.str()
	}
	if s.ok && s.field(',', "q") {
		q := s.int64()
		if q != int64(int(q)) {
			s.ok = false
		}
		in.Q = int(q)
	}
	if s.ok && s.field(',', "a") {
		if !s.answer(&in.Answer) {
			return input{}, false
		}
	}
	if s.ok && s.field(',', "rt") {
		in.RT = time.Duration(s.int64())
	}
	if s.ok && s.field(',', "recv") {
		in.Recv = s.time()
	}
	if !s.ok || len(s.b) != 1 || s.b[0] != '}' {
		return input{}, false
	}
	return in, true
}

// answer reads {"choices":[...],"text":"...","list":true} (any part may be absent).
func (s *inputScanner) answer(a *game.Answer) bool {
	if len(s.b) > 0 && s.b[0] == '{' && len(s.b) > 1 && s.b[1] == '}' {
		s.b = s.b[2:]
		return true
	}
	sep := byte('{')
	if s.field(sep, "choices") {
		if len(s.b) == 0 || s.b[0] != '[' {
			return false
		}
		s.b = s.b[1:]
		a.Choices = []int{}
		for s.ok && len(s.b) > 0 && s.b[0] != ']' {
			if len(a.Choices) > 0 {
				if s.b[0] != ',' {
					return false
				}
				s.b = s.b[1:]
			}
			c := s.int64()
			if c != int64(int(c)) {
				return false
			}
			a.Choices = append(a.Choices, int(c))
		}
		if !s.ok || len(s.b) == 0 {
			return false
		}
		s.b = s.b[1:]
		sep = ','
	}
	if s.ok && s.field(sep, "text") {
		a.Text = s.str()
		sep = ','
	}
	if s.ok && s.field(sep, "list") {
		if len(s.b) < 4 || string(s.b[:4]) != "true" {
			return false // "list":false is left to encoding/json
		}
		s.b = s.b[4:]
		a.List = true
		sep = ','
	}
	if !s.ok || sep == '{' || len(s.b) == 0 || s.b[0] != '}' {
		return false
	}
	s.b = s.b[1:]
	return true
}
