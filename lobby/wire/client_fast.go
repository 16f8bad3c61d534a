package wire

import (
	"encoding/json"
	"unicode/utf8"
)

// The fast path of DecodeClient. Answers and pings are nearly all of a
// game's client traffic, and the general path reads each of them four
// times with encoding/json (~5% of the server's CPU at 10,000 players).
// decodeFast reads them once, by hand, in the compact shapes the web pages
// and quizload send (any key order). It takes only what it can read
// exactly as the general path would: a flat object of the keys below, each
// once, with plain strings (no escapes) and small integers, nothing around
// it. Anything else, valid or not, goes to the general path, which stays
// the reference (FuzzDecodeClientFastPath compares the two).

// fastKeys are the keys decodeFast reads; a bit each, to catch duplicates.
// encoding/json takes a repeated key's last value (and so would the scan),
// but no client repeats one: such an odd message is left to the reference.
var fastKeys = [...]string{"type", "id", "t", "q", "choice", "choices", "text", "player_id"}

// Digit limits: an int of 9 digits fits in any int (32-bit too); an integer
// of 15 digits is exact in a float64, so its value is what strconv.ParseFloat
// (encoding/json's reading of t) gives.
const (
	maxIntDigits   = 9
	maxFloatDigits = 15
)

// decodeFast returns the message data holds when it is in a shape it
// knows; ok is false for anything else. A message it returns is the
// general path's before validate (which the caller runs on both).
func decodeFast(data []byte) (m Client, ok bool) {
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return Client{}, false
	}
	s := fastScanner{b: data[1:], ok: true}
	var seen uint
	for {
		k := s.key()
		if k < 0 || seen&(1<<k) != 0 {
			return Client{}, false
		}
		seen |= 1 << k
		s.value(&m, fastKeys[k])
		if !s.ok || len(s.b) == 0 {
			return Client{}, false
		}
		if s.b[0] == '}' && len(s.b) == 1 {
			break
		}
		if s.b[0] != ',' {
			return Client{}, false
		}
		s.b = s.b[1:]
	}
	// Without a type, the general path's error (and the id it echoes) is
	// its own business.
	if seen&1 == 0 {
		return Client{}, false
	}
	return m, true
}

// fastScanner reads data left to right; ok turns false at the first thing
// it does not take, after which its results are meaningless.
type fastScanner struct {
	b  []byte
	ok bool
}

// key reads `"name":` and returns name's index in fastKeys, -1 for any
// other key (a different case too: encoding/json would match "Q" to q).
func (s *fastScanner) key() int {
	name, ok := s.plain()
	if !ok || len(s.b) == 0 || s.b[0] != ':' {
		return -1
	}
	s.b = s.b[1:]
	for i, k := range fastKeys {
		if string(name) == k {
			return i
		}
	}
	return -1
}

// value reads the value of key into m.
func (s *fastScanner) value(m *Client, key string) {
	switch key {
	case "type":
		m.Type = s.str()
	case "id":
		m.ID = s.id()
	case "t":
		t := float64(s.int(maxFloatDigits))
		m.T = &t
	case "q":
		m.Q = s.intPtr()
	case "choice":
		m.Choice = s.intPtr()
	case "choices":
		m.Choices = s.ints()
	case "text":
		t := s.str()
		m.Text = &t
	case "player_id":
		m.PlayerID = s.str()
	}
}

// plain reads a string without escapes or control characters, in valid
// UTF-8 (encoding/json replaces invalid bytes with U+FFFD: left to it),
// and returns its bytes, quotes excluded.
func (s *fastScanner) plain() ([]byte, bool) {
	b := s.b
	if len(b) == 0 || b[0] != '"' {
		return nil, false
	}
	ascii := true
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(b[1:i]) {
				return nil, false
			}
			s.b = b[i+1:]
			return b[1:i], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (s *fastScanner) str() string {
	b, ok := s.plain()
	if !ok {
		s.ok = false
		return ""
	}
	// The hot types without an allocation each.
	switch string(b) {
	case TypeAnswer:
		return TypeAnswer
	case TypePing:
		return TypePing
	}
	return string(b)
}

// id reads an id validID takes (a string of up to 64 bytes or an integer);
// a copy, as the caller's buffer is reused (transport/ws readBufs).
func (s *fastScanner) id() json.RawMessage {
	start := s.b
	if len(start) > 0 && start[0] == '"' {
		if b, ok := s.plain(); !ok || len(b) > 64 {
			s.ok = false
		}
	} else {
		s.int(maxFloatDigits)
	}
	return append(json.RawMessage(nil), start[:len(start)-len(s.b)]...)
}

func (s *fastScanner) intPtr() *int {
	v := int(s.int(maxIntDigits))
	return &v
}

// ints reads an array of ints; [] is an empty slice, not nil, as in
// encoding/json.
func (s *fastScanner) ints() []int {
	if len(s.b) < 2 || s.b[0] != '[' {
		s.ok = false
		return nil
	}
	s.b = s.b[1:]
	v := []int{}
	if s.b[0] == ']' {
		s.b = s.b[1:]
		return v
	}
	for s.ok {
		v = append(v, int(s.int(maxIntDigits)))
		if !s.ok || len(s.b) == 0 {
			break
		}
		c := s.b[0]
		s.b = s.b[1:]
		if c == ']' {
			return v
		}
		if c != ',' {
			break
		}
	}
	s.ok = false
	return nil
}

// int reads an integer of at most max digits: no fraction or exponent
// (encoding/json refuses those for an int), no leading zero (not JSON), no
// -0 (a float64 -0 is not 0 bit for bit).
func (s *fastScanner) int(max int) int64 {
	b := s.b
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	n := 0
	var v int64
	for ; n < len(b) && b[n] >= '0' && b[n] <= '9'; n++ {
		v = v*10 + int64(b[n]-'0')
	}
	if n == 0 || n > max || (b[0] == '0' && (n > 1 || neg)) {
		s.ok = false
		return 0
	}
	s.b = b[n:]
	if neg {
		return -v
	}
	return v
}
