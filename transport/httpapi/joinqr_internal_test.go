package httpapi

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"sync"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// A join link as phones get it: a LAN address and a six-digit PIN.
const qrTestLink = "http://192.168.178.23:8080/join/483920"

// wantQR is what the PNG must show: qrcode's own image of link.
func wantQR(t testing.TB, link string, size int) image.Image {
	t.Helper()
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q.DisableBorder = true
	return q.Image(size)
}

// checkQRPNG fails unless data decodes to an image of size pixels that shows
// want pixel for pixel.
func checkQRPNG(t testing.TB, data []byte, want image.Image, size int) {
	t.Helper()
	got, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the QR PNG does not decode: %v", err)
	}
	if b := got.Bounds(); b != image.Rect(0, 0, size, size) {
		t.Fatalf("the QR PNG is %v, want %dx%d", b, size, size)
	}
	for y := range size {
		for x := range size {
			gr, gg, gb, ga := got.At(x, y).RGBA()
			wr, wg, wb, wa := want.At(x, y).RGBA()
			if gr != wr || gg != wg || gb != wb || ga != wa {
				t.Fatalf("pixel (%d,%d) is %v, want %v", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
}

func TestJoinQRIsTheQRCodeOfTheLink(t *testing.T) {
	for _, size := range []int{256, 512, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			data, err := joinQR(qrTestLink, size)
			if err != nil {
				t.Fatal(err)
			}
			checkQRPNG(t, data, wantQR(t, qrTestLink, size), size)
			if size == 256 && len(data) > 4<<10 {
				t.Errorf("a 256 px QR is %d bytes; a two-colour image should take a few KB at most", len(data))
			}
		})
	}
}

// The encoders share their buffers through a pool: concurrent calls must not
// see each other's state.
func TestJoinQRConcurrentCallsAgree(t *testing.T) {
	sizes := []int{256, 512}
	links := []string{qrTestLink, "https://quiz.example.org/join/000017"}
	want := map[string][]byte{}
	for _, size := range sizes {
		for _, link := range links {
			data, err := joinQR(link, size)
			if err != nil {
				t.Fatal(err)
			}
			checkQRPNG(t, data, wantQR(t, link, size), size)
			want[fmt.Sprint(link, size)] = data
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				size, link := sizes[(g+i)%2], links[(g+i/2)%2]
				data, err := joinQR(link, size)
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(data, want[fmt.Sprint(link, size)]) {
					t.Errorf("goroutine %d call %d: %s at %d px differs from the serial encoding", g, i, link, size)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkJoinQR compares the pooled encoder at each compression level with
// qrcode's own PNG (a fresh BestCompression encoder per call); bytes/png is
// the size a phone downloads.
func BenchmarkJoinQR(b *testing.B) {
	levels := []struct {
		name  string
		level png.CompressionLevel
	}{{"best", png.BestCompression}, {"default", png.DefaultCompression}, {"speed", png.BestSpeed}}
	for _, size := range []int{256, 512} {
		b.Run(fmt.Sprintf("size=%d/qrcode.PNG", size), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				q, err := qrcode.New(qrTestLink, qrcode.Medium)
				if err != nil {
					b.Fatal(err)
				}
				q.DisableBorder = true
				data, err := q.PNG(size)
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			b.ReportMetric(float64(n), "bytes/png")
		})
		for _, l := range levels {
			b.Run(fmt.Sprintf("size=%d/pooled-%s", size, l.name), func(b *testing.B) {
				enc := png.Encoder{CompressionLevel: l.level, BufferPool: &pngBuffers{}}
				b.ReportAllocs()
				n := 0
				for b.Loop() {
					data, err := encodeQR(&enc, qrTestLink, size)
					if err != nil {
						b.Fatal(err)
					}
					n = len(data)
				}
				b.ReportMetric(float64(n), "bytes/png")
			})
		}
	}
}
