package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

func TestParseTimeIsRFC3339(t *testing.T) {
	good := map[string]time.Time{
		"2026-12-07T10:00:00Z":             time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
		"2026-12-07t10:00:00z":             time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
		"2026-12-07T10:00:00+05:30":        time.Date(2026, 12, 7, 4, 30, 0, 0, time.UTC),
		"2026-12-07T10:00:00-23:59":        time.Date(2026, 12, 8, 9, 59, 0, 0, time.UTC),
		"2026-12-07T10:00:00.123456+12:45": time.Date(2026, 12, 6, 21, 15, 0, 123456000, time.UTC),
		"2026-12-07T10:00:00-00:00":        time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
	}
	for in, want := range good {
		got, err := parseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{
		"2026-12-07T10:00:00+24:00", "2026-12-07T10:00:00+23:60", "2026-12-07T10:00:00-24:59",
		"2026-12-07T10:00:00+25:00", "2026-12-07 10:00:00Z", "2026-12-07", "2026-12-07T10:00:00",
		"2026-02-29T10:00:00Z", "", "Z",
		// Years no JSON answer can hold, or before anything here happened.
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "1969-12-31T23:59:59Z",
	} {
		if got, err := parseTime(in); err == nil {
			t.Errorf("parseTime(%q) = %v, want an error", in, got)
		}
	}
}

// A report window reaching years no JSON answer can hold is refused, naming the field, not
// answered with an empty 200 (the answer failed to encode after its status was sent); a + left
// unescaped in an offset is said to be sent as %2B.
func TestReportWindowOutOfRange(t *testing.T) {
	t.Parallel()
	h := engineFor(t, modelstest.SQLiteURL(t), "sue", "supervisor")
	for path, field := range map[string]string{
		"/api/v1/reports/handovers?until=0000-01-01T00:00:00Z":                                 "until",
		"/api/v1/reports/handovers?since=9999-12-31T00:00:00Z&until=9999-12-31T23:59:59-23:59": "until",
		"/api/v1/reports/handovers?since=2026-12-01T00:00:00+01:00&until=2026-12-02T00:00:00Z": "since",
		"/api/v1/reports/handovers?since=1969-12-01T00:00:00Z&until=1970-01-02T00:00:00Z":      "since",
		"/api/v1/actions?updated_since=10000-01-01T00:00:00Z":                                  "updated_since",
	} {
		code, p := getAs(h, "token-sue", path)
		require.Equal(t, http.StatusUnprocessableEntity, code, "%s: %+v", path, p)
		require.Len(t, p.Errors, 1, path)
		require.Equal(t, field, p.Errors[0].Field, path)
		if strings.Contains(path, "+01:00") {
			require.Contains(t, p.Errors[0].Message, "sent as %2B", path)
		}
	}
	code, _ := getAs(h, "token-sue", "/api/v1/reports/handovers?since=1970-01-01T00:00:00Z&until=1970-01-02T00:00:00Z")
	require.Equal(t, http.StatusOK, code, "the first day there is")
}

// The pages show a time's year when it is not now's: a deadline 22 months ahead was read as one
// this year.
func TestWhenTextSaysAnotherYear(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	require.Equal(t, "Mon 7 Dec 15:00 UTC", whenText(time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC), now))
	require.Equal(t, "Wed 4 Oct 2028 15:00 UTC", whenText(time.Date(2028, 10, 4, 15, 0, 0, 0, time.UTC), now))
	require.Equal(t, "Wed 31 Dec 2025 23:00 UTC", whenText(time.Date(2026, 1, 1, 8, 0, 0, 0, time.FixedZone("JST", 9*3600)), now), "the year of the time in UTC, as shown")
}

// The Cancel as a duplicate form's choices show the year of one made in another year, as every
// other time on the pages does (on 2 January, "Wed 31 Dec 23:58" read as this coming December),
// and the customer's reference, by which the desk knows the action the guest asked for first.
func TestDuplicateLabelSaysAnotherYear(t *testing.T) {
	now := time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	old := models.Action{ID: "01JABCDEF123456", Title: "Taxi at 6", Status: "assigned", CustomerRef: "G-1",
		CreatedAt: time.Date(2026, 12, 31, 23, 58, 7, 0, time.UTC)}
	require.Equal(t, "Taxi at 6 (Bob Brown, customer G-1, created Thu 31 Dec 2026 23:58 UTC)", duplicateLabel(old, "Bob Brown", false, now))
	require.Equal(t, "Taxi at 6 (Bob Brown, assigned, customer G-1, created Thu 31 Dec 2026 23:58:07 UTC, ID …123456)",
		duplicateLabel(old, "Bob Brown", true, now))
	recent := old
	recent.CreatedAt = time.Date(2027, 1, 2, 8, 30, 0, 0, time.UTC)
	recent.CustomerRef = ""
	require.Equal(t, "Taxi at 6 (Bob Brown, created Sat 2 Jan 08:30 UTC)", duplicateLabel(recent, "Bob Brown", false, now), "a walk-in's")
	require.Equal(t, "Taxi at 6 (Bob Brown, assigned, no customer reference, created Sat 2 Jan 08:30:00 UTC, ID …123456)",
		duplicateLabel(recent, "Bob Brown", true, now))
}
