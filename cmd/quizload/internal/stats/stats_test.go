package stats

import (
	"sync"
	"testing"
)

func TestPercentileNearestRank(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cases := []struct {
		p    float64
		want float64
	}{{50, 5}, {90, 9}, {99, 10}, {100, 10}, {10, 1}, {0.1, 1}, {55, 6}}
	for _, c := range cases {
		if got := Percentile(sorted, c.p); got != c.want {
			t.Errorf("Percentile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
}

func TestSummarize(t *testing.T) {
	samples := make([]float64, 0, 1000)
	for i := 1000; i >= 1; i-- {
		samples = append(samples, float64(i)/10)
	}
	s := Summarize(samples)
	want := Summary{P50: 50, P90: 90, P99: 99, Max: 100, N: 1000}
	if s != want {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
	if (Summarize(nil) != Summary{}) {
		t.Error("Summarize(nil) not zero")
	}
}

func TestRecorderConcurrentAndBounded(t *testing.T) {
	r := NewRecorder(100)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 30 {
				r.Add(float64(g*100 + i))
			}
		})
	}
	wg.Wait()
	if got := len(r.Samples()); got != 100 {
		t.Errorf("kept %d samples, want 100", got)
	}
	if r.Dropped() != 20 {
		t.Errorf("dropped %d, want 20", r.Dropped())
	}
}

func TestFairnessGap(t *testing.T) {
	cases := []struct {
		name   string
		groups []Group
		want   float64
		ok     bool
	}{
		{"equal", []Group{{"near", 2, 1800}, {"far", 3, 2700}}, 0, true},
		{"one percent", []Group{{"near", 1, 1000}, {"far", 1, 990}}, 1, true},
		{"order does not matter", []Group{{"far", 1, 990}, {"near", 1, 1000}}, 1, true},
		{"three groups use extremes", []Group{{"a", 1, 800}, {"b", 1, 1000}, {"c", 1, 900}}, 20, true},
		{"empty group ignored", []Group{{"near", 1, 500}, {"far", 0, 0}}, 0, false},
		{"all zero scores", []Group{{"near", 1, 0}, {"far", 1, 0}}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := FairnessGapPct(c.groups)
			if got != c.want || ok != c.ok {
				t.Errorf("FairnessGapPct = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	if Ratio(3, 2) != 1.5 || Ratio(1, 0) != 0 {
		t.Error("Ratio")
	}
}
