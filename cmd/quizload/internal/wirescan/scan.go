package wirescan

import "bytes"

// valueStart returns the index just after `"key":` (and any spaces), or -1.
func valueStart(msg []byte, key string) int {
	from := 0
	for from < len(msg) {
		i := bytes.Index(msg[from:], []byte(key))
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(key)
		// The key must be quoted on both sides.
		if i > 0 && msg[i-1] == '"' && end < len(msg) && msg[end] == '"' {
			j := skipSpace(msg, end+1)
			if j < len(msg) && msg[j] == ':' {
				return skipSpace(msg, j+1)
			}
		}
		from = i + 1
	}
	return -1
}

func skipSpace(msg []byte, i int) int {
	for i < len(msg) && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\n' || msg[i] == '\r') {
		i++
	}
	return i
}

// Type returns the value of the "type" field, or nil when there is none.
// The result aliases msg.
func Type(msg []byte) []byte {
	return String(msg, "type")
}

// String returns the raw (still escaped) value of a string field, or nil when
// the key is missing or its value is not a string. The result aliases msg.
func String(msg []byte, key string) []byte {
	i := valueStart(msg, key)
	if i < 0 || i >= len(msg) || msg[i] != '"' {
		return nil
	}
	i++
	for j := i; j < len(msg); j++ {
		switch msg[j] {
		case '\\':
			j++
		case '"':
			return msg[i:j]
		}
	}
	return nil
}

// Int returns the value of an integer field. ok is false when the key is
// missing or its value does not start with an integer; a fraction is cut off.
func Int(msg []byte, key string) (n int64, ok bool) {
	i := valueStart(msg, key)
	if i < 0 || i >= len(msg) {
		return 0, false
	}
	neg := false
	if msg[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(msg) && msg[i] >= '0' && msg[i] <= '9' && i-start < 18 {
		n = n*10 + int64(msg[i]-'0')
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// Bool returns the value of a boolean field; ok is false when the key is
// missing or not a boolean.
func Bool(msg []byte, key string) (v bool, ok bool) {
	i := valueStart(msg, key)
	if i < 0 {
		return false, false
	}
	switch {
	case bytes.HasPrefix(msg[i:], []byte("true")):
		return true, true
	case bytes.HasPrefix(msg[i:], []byte("false")):
		return false, true
	}
	return false, false
}

// Object returns the bytes of an object field, braces included, or nil. It
// counts braces outside strings, so nested objects and arrays are fine.
func Object(msg []byte, key string) []byte {
	i := valueStart(msg, key)
	if i < 0 || i >= len(msg) || msg[i] != '{' {
		return nil
	}
	depth, inString := 0, false
	for j := i; j < len(msg); j++ {
		c := msg[j]
		if inString {
			switch c {
			case '\\':
				j++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return msg[i : j+1]
			}
		}
	}
	return nil
}

// IndexOfString returns the position of want among the strings of the array
// field key (for example the question's "options"), or -1. want is compared
// with the raw escaped text, so plain ASCII option texts match exactly.
func IndexOfString(msg []byte, key string, want []byte) int {
	i := valueStart(msg, key)
	if i < 0 || i >= len(msg) || msg[i] != '[' {
		return -1
	}
	idx := 0
	for j := i + 1; j < len(msg); j++ {
		switch msg[j] {
		case ']':
			return -1
		case ',':
			idx++
		case '"':
			k := j + 1
			for k < len(msg) && msg[k] != '"' {
				if msg[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(msg) {
				return -1
			}
			if bytes.Equal(msg[j+1:k], want) {
				return idx
			}
			j = k
		}
	}
	return -1
}
