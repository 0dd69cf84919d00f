package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// The manager's page compares the kept weekly reviews, newest first, of all teams together or of
// the team it is narrowed to; before the first is kept it says when it will be.
func TestManagerComparesTheWeeks(t *testing.T) {
	u := newUIScale(t)
	status, page := u.get("max", "/manager")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<span class="badge">time to accept: none accepted yet</span>`, "no handover accepted: no figure said as one")
	// The next Monday 06:00 UTC, as a time the browser shows in the desk's own zone.
	next := models.WeekEnd(time.Now()).AddDate(0, 0, 7)
	require.Contains(t, page, `<p class="hint" id="weekly-reviews-none">No weekly review is kept yet: one is made each Monday at 06:00 UTC, within the hour after, the next at <time datetime="`+next.Format(time.RFC3339)+`">`)

	rate := func(v float64) *float64 { return &v }
	keep := func(team string, until time.Time, f models.ReportFigures) {
		body, err := json.Marshal(models.HandoverReport{Since: until.AddDate(0, 0, -7), Until: until, TeamID: team, Overall: &f})
		require.NoError(t, err)
		require.NoError(t, u.store.DB().Create(&models.WeeklyReport{Until: until, TeamID: team, Since: until.AddDate(0, 0, -7), Body: string(body), CreatedAt: until}).Error)
	}
	monday := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	keep("", monday.AddDate(0, 0, -7), models.ReportFigures{Made: 9, Accepted: 7, Declined: 1, Expired: 1, DeclineRate: rate(0.111), OnTimeRate: rate(0.5)})
	keep("", monday, models.ReportFigures{Made: 12, Accepted: 11, Declined: 1, DeclineRate: rate(0.0833), OnTimeRate: rate(0.9), FeedbackAvg: rate(4.25)})
	keep("desk", monday, models.ReportFigures{Made: 3, Accepted: 3, OnTimeRate: rate(1)})

	rows := func(page string) []string {
		table := regexp.MustCompile(`(?s)<table class="grid" id="weekly-reviews">.*?</table>`).FindString(page)
		require.NotEmpty(t, table, "the week-by-week table")
		var out []string
		for _, m := range regexp.MustCompile(`(?s)<tr><th scope="row">(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
			out = append(out, strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(m[1], " ")), " "))
		}
		return out
	}
	status, page = u.get("max", "/manager")
	require.Equal(t, http.StatusOK, status, page)
	require.Equal(t, []string{
		"Mon 23 Nov 06:00 UTC to Mon 30 Nov 06:00 UTC 12 11 1 0 8% 90% 4.2 of 5",
		"Mon 16 Nov 06:00 UTC to Mon 23 Nov 06:00 UTC 9 7 1 1 11% 50% none",
	}, rows(page), "all teams together, newest first")

	status, page = u.get("max", "/manager?team=desk")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, "<h2>Week by week (Team desk)</h2>")
	require.Equal(t, []string{"Mon 23 Nov 06:00 UTC to Mon 30 Nov 06:00 UTC 3 3 0 0 none yet 100% none"}, rows(page), "the desk's own")

	// A team working in Tokyo: its weeks end on Monday 06:00 there.
	_, err := u.store.SaveCalendar(context.Background(), models.TeamCalendar{TeamID: "kitchen", TimeZone: "Asia/Tokyo", Hours: `[{"day":"mon","open":"09:00","close":"17:00"}]`, Holidays: "[]", UpdatedBy: "test-admin"})
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	next = models.NextWeekEnd(time.Now(), tokyo)
	require.Equal(t, "Mon 06:00", next.In(tokyo).Format("Mon 15:04"))
	status, page = u.get("max", "/manager?team=kitchen")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `No weekly review is kept yet: one is made each Monday at 06:00 in the team's time zone (Asia/Tokyo), within the hour after, the next at <time datetime="`+next.Format(time.RFC3339)+`">`)
}
