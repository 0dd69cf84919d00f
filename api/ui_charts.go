package api

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/handover/handover/models"
)

// chart is one drawn figure of the review report.
type chart struct {
	Title string
	SVG   template.HTML
}

type bar struct {
	Label string
	Value float64
	Text  string
}

// barChart draws labelled horizontal bars as SVG, scaled to the largest value, followed by the
// same figures as a table that only screen readers present (the drawing is hidden from them).
// Labels are escaped here; the result is safe to put in a page. key names what the labels are
// (the table's first column), unit what the values are (its second).
func barChart(title, key, unit string, bars []bar) template.HTML {
	const width, rowH, pad = 560, 40, 8
	labelW := labelWidth(bars)
	height := pad*2 + rowH*max(len(bars), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" aria-hidden="true" focusable="false">`, width, height)
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-empty">No data in this period</text></svg>`, pad, pad+rowH/2+5)
	} else {
		top := 0.0
		for _, x := range bars {
			top = math.Max(top, x.Value)
		}
		if top == 0 {
			top = 1
		}
		span := float64(width - labelW - 190)
		for i, x := range bars {
			y := pad + i*rowH
			w := math.Max(2, x.Value/top*span)
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label" text-anchor="end">%s</text>`, labelW-8, y+rowH/2+7, html.EscapeString(x.Label))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="chart-bar" rx="3"></rect>`, labelW, y+5, w, rowH-10)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, float64(labelW)+w+6, y+rowH/2+7, html.EscapeString(x.Text))
		}
		b.WriteString(`</svg>`)
	}
	// (A table does not clip what overflows it: the block around it hides it.)
	fmt.Fprintf(&b, `<div class="visually-hidden"><table><caption>%s (%s)</caption><thead><tr><th scope="col">%s</th><th scope="col">%s</th></tr></thead>`,
		html.EscapeString(title), html.EscapeString(unit), html.EscapeString(key), html.EscapeString(unit))
	if len(bars) == 0 {
		b.WriteString(`<tr><td colspan="2">No data in this period</td></tr>`)
	}
	for _, x := range bars {
		fmt.Fprintf(&b, `<tr><th scope="row">%s</th><td>%s</td></tr>`, html.EscapeString(x.Label), html.EscapeString(x.Text))
	}
	b.WriteString(`</table></div>`)
	return template.HTML(b.String())
}

// labelWidth is the width, in the drawing's units, of the column the bars' labels are drawn in,
// right-aligned: at least 130, and wide enough for the longest label ("not accepted", "not
// assigned" at the labels' 20px are about 131 units, and were cut at the drawing's left edge),
// at most 250, so the bars keep room.
func labelWidth(bars []bar) int {
	const perChar, gap, least, most = 12, 16, 130, 250
	w := least
	for _, x := range bars {
		w = max(w, utf8.RuneCountInString(x.Label)*perChar+gap)
	}
	return min(w, most)
}

// reportCharts draws the review report: time to accept and on-time completion by situation,
// and escalations by reason.
func reportCharts(r models.HandoverReport) []chart {
	var accept, onTime []bar
	for _, sit := range situationOrder(r.BySituation) {
		f := r.BySituation[sit]
		if f.TimeToAcceptP50 != nil {
			secs := *f.TimeToAcceptP50
			txt := fmt.Sprintf("%.0f s median", secs)
			switch {
			case secs >= 90*60:
				txt = fmt.Sprintf("%.1f h median", secs/3600)
			case secs >= 90:
				txt = fmt.Sprintf("%.0f min median", secs/60)
			case secs < .5:
				txt = "under 1 s median"
			}
			accept = append(accept, bar{Label: label(sit), Value: secs / 60, Text: txt})
		}
		if f.OnTimeRate != nil {
			pct := *f.OnTimeRate * 100
			onTime = append(onTime, bar{Label: label(sit), Value: pct, Text: fmt.Sprintf("%s of %d", percentText(*f.OnTimeRate), f.Completed)})
		}
	}
	var esc []bar
	if r.Overall != nil {
		reasons := make([]string, 0, len(r.Overall.Escalations))
		for k := range r.Overall.Escalations {
			reasons = append(reasons, k)
		}
		slices.Sort(reasons)
		for _, k := range reasons {
			n := r.Overall.Escalations[k]
			esc = append(esc, bar{Label: label(k), Value: float64(n), Text: fmt.Sprintf("%d", n)})
		}
	}
	return []chart{
		{Title: "Time to accept by situation", SVG: barChart("Time to accept by situation", "situation", "median", accept)},
		{Title: "On-time completion by situation", SVG: barChart("On-time completion by situation", "situation", "percent", onTime)},
		{Title: "Escalations by reason", SVG: barChart("Escalations by reason", "reason", "count", esc)},
	}
}

func label(s string) string { return strings.ReplaceAll(s, "_", " ") }

// fieldLabel is a note field's name as a form's label: "Room number" for room_number.
func fieldLabel(s string) string { return capitalized(label(s)) }

// capitalized is s with its first letter a capital.
func capitalized(s string) string {
	if r, size := utf8.DecodeRuneInString(s); size > 0 {
		return string(unicode.ToUpper(r)) + s[size:]
	}
	return s
}
