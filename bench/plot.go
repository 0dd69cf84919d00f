package bench

import (
	"bytes"
	"fmt"
	"html"
	"strings"
)

// Summary is the result as a few lines of text.
func (r Result) Summary() string {
	var b strings.Builder
	if r.Rate > 0 {
		fmt.Fprintf(&b, "%d lifecycles of each kind, %.1f started per second\n", r.Actions, r.Rate)
	} else {
		fmt.Fprintf(&b, "%d lifecycles of each kind, %d clients\n", r.Actions, r.Concurrency)
	}
	fmt.Fprintf(&b, "  API:         %6.2f lifecycles/s   p50 %6.1f ms   p99 %6.1f ms per request\n", r.LifecyclesPerSecond, r.APIP50Ms, r.APIP99Ms)
	fmt.Fprintf(&b, "  bare engine: %6.2f lifecycles/s   p50 %6.1f ms   p99 %6.1f ms per call\n", r.BareEngineLifecyclesPerSecond, r.BareEngineP50Ms, r.BareEngineP99Ms)
	fmt.Fprintf(&b, "  ratio to the bare engine: %.2f\n", r.RatioToBareEngine)
	if r.APICPUMsPerLifecycle > 0 {
		// Measured of the embedded stack only: against --api the process is the bench's clients.
		fmt.Fprintf(&b, "  CPU per lifecycle: API %.1f ms, bare engine %.1f ms (ratio %.2f)\n", r.APICPUMsPerLifecycle, r.BareCPUMsPerLifecycle, r.CPURatioToBareEngine)
	}
	fmt.Fprintf(&b, "  projection lag p50 %.1f ms, p99 %.1f ms; exact: %v\n", r.ProjectionLagP50Ms, r.ProjectionLagP99Ms, r.ProjectionExact)
	fmt.Fprintf(&b, "  escalation visible after its deadline (%d actions): p50 %.0f ms, p99 %.0f ms", r.Escalations, r.EscalationDelayP50Ms, r.EscalationDelayP99Ms)
	return b.String()
}

// SweepSVG plots lifecycles per second against concurrency, API and bare engine, as an SVG.
func SweepSVG(results []Result) []byte {
	const (
		w, h                   = 640, 400
		left, right, top, bott = 60, 20, 40, 50
	)
	maxY := 1.0
	for _, r := range results {
		maxY = max(maxY, r.LifecyclesPerSecond, r.BareEngineLifecyclesPerSecond)
	}
	maxY = float64(int(maxY/10)+1) * 10
	n := len(results)
	x := func(i int) float64 {
		if n == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*float64(w-left-right)/float64(n-1)
	}
	y := func(v float64) float64 { return top + (1-v/maxY)*float64(h-top-bott) }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14">Full lifecycles per second against concurrent clients</text>`+"\n", left)
	for i := 0; i <= 5; i++ {
		v := maxY * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%.0f</text>`+"\n",
			left, w-right, y(v), y(v), left-6, y(v)+4, v)
	}
	for i, r := range results {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n", x(i), h-bott+18, r.Concurrency)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">concurrent clients</text>`+"\n", (left+w-right)/2, h-12)
	series := []struct {
		name, colour string
		v            func(Result) float64
	}{
		{"bare engine (start + 3 Updates)", "#888", func(r Result) float64 { return r.BareEngineLifecyclesPerSecond }},
		{"handover API (create, handover, accept, complete)", "#1f6feb", func(r Result) float64 { return r.LifecyclesPerSecond }},
	}
	for si, s := range series {
		var pts []string
		for i, r := range results {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.v(r))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.colour, strings.Join(pts, " "))
		for i, r := range results {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(i), y(s.v(r)), s.colour)
		}
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"/><text x="%d" y="%d">%s</text>`+"\n",
			left+10, left+30, top+8+si*16, top+8+si*16, s.colour, left+36, top+12+si*16, html.EscapeString(s.name))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}
