package lobby

import (
	"encoding/json"
	"strconv"
	"time"

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
	return in.Op == wire.TypeAnswer && !in.Counted && in.Nickname == "" && in.Token == "" &&
		in.Seconds == 0 && in.Target == "" && plainTime(in.At) && plainTime(in.Recv) && plainRaw(in.Re)
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
	if in.Answer.Choices != nil || in.Answer.Text != "" { // omitzero
		buf = append(buf, `,"a":{`...)
		if len(in.Answer.Choices) > 0 {
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
			if len(in.Answer.Choices) > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `"text":`...)
			buf = appendJSONString(buf, in.Answer.Text)
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
