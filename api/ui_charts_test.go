package api

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
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

// The review lists situations in the workbook's order (routine, busy, quiet, let down), one a
// later version adds after them; its teams by name, and only when it covers several.
func TestReviewRowsInOrder(t *testing.T) {
	rate := 0.5
	f := func() *models.ReportFigures { return &models.ReportFigures{OnTimeRate: &rate, Completed: 2} }
	r := models.HandoverReport{
		BySituation: map[string]*models.ReportFigures{"let_down": f(), "busy": f(), "routine": f(), "storm": f()},
		ByTeam:      map[string]*models.ReportFigures{"bar": f(), "desk": f()},
	}
	var keys []string
	for _, row := range situationRows(r) {
		keys = append(keys, row.Key)
	}
	require.Equal(t, []string{"routine", "busy", "let_down", "storm"}, keys)
	var drawn []string
	for _, m := range regexp.MustCompile(`<th scope="row">([^<]+)</th>`).FindAllStringSubmatch(string(reportCharts(r)[1].SVG), -1) {
		drawn = append(drawn, m[1])
	}
	require.Equal(t, []string{"routine", "busy", "let down", "storm"}, drawn, "the on-time chart in the table's order")

	teams := map[string]*teamSummary{"bar": {ID: "bar", Name: "Bar"}, "desk": {ID: "desk", Name: "Front desk"}}
	rows := teamRows(r, "", teams)
	require.Len(t, rows, 2)
	require.Equal(t, "Bar", rows[0].Name)
	require.Equal(t, "Front desk", rows[1].Name)
	require.Nil(t, teamRows(r, "desk", teams), "one team's review: its own figures are above")
}

// Time held of two days and more keeps its hours: 2 days 5h, not 2 days.
func TestHeldTextKeepsTheHours(t *testing.T) {
	for d, want := range map[time.Duration]string{
		40 * time.Second: "40s", 5 * time.Minute: "5m", 26*time.Hour + 5*time.Minute: "26h 5m",
		53 * time.Hour: "2 days 5h", 72 * time.Hour: "3 days",
	} {
		require.Equal(t, want, heldText(d), d.String())
	}
}

// A time to accept under half a second reads "under 1 s", in the chart and in the review's
// figures, not "0 s" as if the handover were accepted before it was made.
func TestTimeToAcceptUnderASecond(t *testing.T) {
	fast, slow := 0.05, 12.0
	r := models.HandoverReport{BySituation: map[string]*models.ReportFigures{
		"routine": {TimeToAcceptP50: &fast}, "busy": {TimeToAcceptP50: &slow},
	}}
	svg := string(reportCharts(r)[0].SVG)
	require.Contains(t, svg, "under 1 s median")
	require.Contains(t, svg, "12 s median")
	seconds := uiFuncs["seconds"].(func(*float64) string)
	require.Equal(t, "under 1s", seconds(&fast))
	require.Equal(t, "12s", seconds(&slow))
	zero := 0.0
	require.Equal(t, "0s", seconds(&zero))
	// The review's times are compared between rows: two days and more keep their hours, and
	// just under a minute is a minute.
	long, nearly := (62*time.Hour + 20*time.Minute).Seconds(), 59.7
	require.Equal(t, "2 days 14h", seconds(&long))
	require.Equal(t, "1m", seconds(&nearly))
	r = models.HandoverReport{BySituation: map[string]*models.ReportFigures{"quiet": {TimeToAcceptP50: &long}}}
	require.Contains(t, string(reportCharts(r)[0].SVG), "62.3 h median")
}

// A share is a whole percentage, a half rounded up, in the figures and the charts.
func TestPercentRoundsHalvesUp(t *testing.T) {
	percent := uiFuncs["percent"].(func(*float64) string)
	for share, want := range map[float64]string{0.125: "13%", 0.375: "38%", 0.5: "50%", 1.0 / 3: "33%", 0: "0%", 1: "100%",
		29.0 / 200: "15%", 57.0 / 200: "29%", 0.144: "14%"} { // 29/200 is 14.4999... percent as a float
		require.Equal(t, want, percent(&share), "%v", share)
	}
	eighth := 0.125
	r := models.HandoverReport{BySituation: map[string]*models.ReportFigures{"busy": {OnTimeRate: &eighth, Completed: 8}}}
	require.Contains(t, string(reportCharts(r)[1].SVG), "13% of 8")
}
