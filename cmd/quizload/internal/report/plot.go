package report

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WritePlot draws, for every record with samples, the cumulative
// distribution of fan-out latency next to its floor's, and saves a PNG.
func WritePlot(path string, recs []Record) error {
	p := plot.New()
	p.Title.Text = "Question fan-out latency: quizroom vs bare coder/websocket floor"
	p.X.Label.Text = "fan-out latency (ms, log scale)"
	p.Y.Label.Text = "share of players that had the question"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = false
	p.Legend.Left = false
	palette := []color.RGBA{{31, 119, 180, 255}, {214, 39, 40, 255}, {44, 160, 44, 255}, {148, 103, 189, 255}, {255, 127, 14, 255}, {140, 86, 75, 255}}
	n := 0
	for _, r := range recs {
		if len(r.FanoutSamples) == 0 {
			continue
		}
		c := palette[n%len(palette)]
		n++
		if err := addCDF(p, r.Scenario, r.FanoutSamples, c, false); err != nil {
			return err
		}
		if len(r.FloorFanoutSamples) > 0 {
			if err := addCDF(p, r.Scenario+" floor", r.FloorFanoutSamples, c, true); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		return fmt.Errorf("plot: no samples")
	}
	return p.Save(9*vg.Inch, 5.5*vg.Inch, path)
}

// addCDF adds one empirical CDF, thinned to at most 400 points.
func addCDF(p *plot.Plot, name string, samples []float64, c color.RGBA, dashed bool) error {
	s := slices.Clone(samples)
	slices.Sort(s)
	step := max(1, len(s)/400)
	pts := make(plotter.XYs, 0, len(s)/step+2)
	for i := 0; i < len(s); i += step {
		pts = append(pts, plotter.XY{X: max(s[i], 0.05), Y: float64(i+1) / float64(len(s))})
	}
	pts = append(pts, plotter.XY{X: max(s[len(s)-1], 0.05), Y: 1})
	line, err := plotter.NewLine(pts)
	if err != nil {
		return err
	}
	line.Color = c
	line.Width = vg.Points(1.5)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(line)
	p.Legend.Add(name, line)
	return nil
}
