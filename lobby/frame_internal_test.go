package lobby

import (
	"bytes"
	"testing"

	"github.com/quizroom/quizroom/lobby/wire"
)

// TestPersonalFramesReuseNothingLive: a player's frame built in a pooled
// buffer is the shared frame with their "you" part, and a buffer given back
// by Written only ever holds the next frame once the first is done with:
// frames still queued keep their bytes while later fan-outs build theirs.
func TestPersonalFramesReuseNothingLive(t *testing.T) {
	shared := []byte(`{"type":"reveal","q":0,"correct":[1]}`)
	queued := make([]Frame, 0, 64)
	for i := range 64 {
		you := []byte(`{"correct":true,"points":` + string(rune('0'+i%10)) + `}`)
		f := personalFrame(shared, you, 0)
		if want := wire.WithYou(shared, you); !bytes.Equal(f.Data, want) {
			t.Fatalf("frame %d: %s, want %s", i, f.Data, want)
		}
		queued = append(queued, f)
		if i%2 == 1 {
			// Every other frame is written (and given back) at once, the
			// others stay queued.
			f.Written()
			queued = queued[:len(queued)-1]
		}
	}
	for i, f := range queued {
		you := []byte(`{"correct":true,"points":` + string(rune('0'+(2*i)%10)) + `}`)
		if want := wire.WithYou(shared, you); !bytes.Equal(f.Data, want) {
			t.Fatalf("queued frame %d was overwritten: %s, want %s", i, f.Data, want)
		}
	}
	Frame{Data: shared}.Written() // a frame of no pool: nothing to give back
}
