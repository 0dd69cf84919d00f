package api

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// A chart's figures reach screen readers as a table; the drawing is hidden from them, and labels
// are escaped in both.
func TestChartFiguresAreATable(t *testing.T) {
	out := string(barChart("Time to accept", "situation", "median minutes", []bar{
		{Label: "busy", Value: 12, Text: "12 min"},
		{Label: "<let down>", Value: 30, Text: "30 min"},
	}))
	svg, table, ok := strings.Cut(out, "</svg>")
	require.True(t, ok)
	require.Contains(t, svg, `aria-hidden="true"`)
	require.Contains(t, table, `<caption>Time to accept (median minutes)</caption><thead><tr><th scope="col">situation</th><th scope="col">median minutes</th></tr></thead>`)
	require.Contains(t, table, `<tr><th scope="row">busy</th><td>12 min</td></tr>`)
	require.Contains(t, table, `<tr><th scope="row">&lt;let down&gt;</th><td>30 min</td></tr>`)
	require.NotContains(t, out, "<let down>")

	empty := string(barChart("Escalations", "reason", "count", nil))
	require.Contains(t, empty, `<caption>Escalations (count)</caption><thead><tr><th scope="col">reason</th><th scope="col">count</th></tr></thead><tr><td colspan="2">No data in this period</td></tr></table></div>`)
}

// Each label starts inside the drawing: the label column is as wide as the longest label needs
// ("not accepted" used to begin left of it, its first letter cut off), and the bars start after it.
func TestChartLabelsFitTheirColumn(t *testing.T) {
	out := string(barChart("Escalations by reason", "reason", "count", []bar{
		{Label: "no action", Value: 1, Text: "1"},
		{Label: "not accepted", Value: 2, Text: "2"},
	}))
	labels := regexp.MustCompile(`<text x="(\d+)" y="\d+" class="chart-label" text-anchor="end">([^<]*)</text>`).FindAllStringSubmatch(out, -1)
	require.Len(t, labels, 2)
	for _, l := range labels {
		right, err := strconv.Atoi(l[1])
		require.NoError(t, err)
		// At the labels' 20px, a lower-case letter is at most about 11 units wide.
		require.GreaterOrEqual(t, right-11*utf8.RuneCountInString(l[2]), 0, "%q begins inside the drawing", l[2])
	}
	bars := regexp.MustCompile(`<rect x="(\d+)"`).FindAllStringSubmatch(out, -1)
	require.Len(t, bars, 2)
	start, err := strconv.Atoi(bars[0][1])
	require.NoError(t, err)
	end, err := strconv.Atoi(labels[0][1])
	require.NoError(t, err)
	require.Greater(t, start, end, "the bars start right of the labels")
}
