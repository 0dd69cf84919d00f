package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A chart's figures reach screen readers as a table; the drawing is hidden from them, and labels
// are escaped in both.
func TestChartFiguresAreATable(t *testing.T) {
	out := string(barChart("Time to accept", "median minutes", []bar{
		{Label: "busy", Value: 12, Text: "12 min"},
		{Label: "<let down>", Value: 30, Text: "30 min"},
	}))
	svg, table, ok := strings.Cut(out, "</svg>")
	require.True(t, ok)
	require.Contains(t, svg, `aria-hidden="true"`)
	require.Contains(t, table, `<caption>Time to accept (median minutes)</caption>`)
	require.Contains(t, table, `<tr><th scope="row">busy</th><td>12 min</td></tr>`)
	require.Contains(t, table, `<tr><th scope="row">&lt;let down&gt;</th><td>30 min</td></tr>`)
	require.NotContains(t, out, "<let down>")

	empty := string(barChart("Escalations", "count", nil))
	require.Contains(t, empty, `<caption>Escalations (count)</caption><tr><td>No data in this period</td></tr></table></div>`)
}
