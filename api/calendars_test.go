package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
)

// The version of the calendar maths (calendar.Calendar.Maths) belongs to the snapshot an action
// carries, which Snapshot takes when the action is created: the calendar API neither takes it (a
// body naming it is refused as any unknown field is, so it cannot be set to the old maths) nor
// shows it, and the stored calendar, read column by column, has none.
func TestCalendarAPIHasNoMaths(t *testing.T) {
	t.Parallel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("PUT", "/", strings.NewReader(`{"time_zone":"UTC","hours":[{"day":"mon","open":"08:00","close":"18:00"}],"maths":0}`))
	var req calendarRequest
	err := newDecoder().decode(c, &req)
	require.Equal(t, []string{"maths"}, fieldNames(fieldsOf(err)))

	snap, err := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "18:00"}}}.
		Snapshot(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, calendar.CurrentMaths, snap.Maths)
	raw, err := json.Marshal(renderCalendar("frontdesk", &snap, &models.TeamCalendar{UpdatedAt: time.Now()}))
	require.NoError(t, err)
	require.NotContains(t, string(raw), "maths")
	require.NotContains(t, string(raw), `"zone"`)
}

func fieldNames(fields []FieldError) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Field
	}
	return out
}

// A holiday given as a full time is told what a holiday is (a date), not a length.
func TestCalendarHolidayIsADate(t *testing.T) {
	t.Parallel()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("PUT", "/", strings.NewReader(`{"time_zone":"UTC","hours":[{"day":"mon","open":"08:00","close":"18:00"}],"holidays":["2026-12-25T00:00:00Z"]}`))
	var req calendarRequest
	err := newDecoder().decode(c, &req)
	require.Equal(t, []FieldError{{Field: "holidays[0]", Message: "must be a date YYYY-MM-DD, or a closure of several days YYYY-MM-DD..YYYY-MM-DD"}}, fieldsOf(err))
}

// A closure of several days (a refurbishment) is given as one range of dates, first and last
// included, and kept as its dates; a range that is not two dates in order, or longer than a year,
// is refused by its place in the request.
func TestCalendarClosureOfSeveralDays(t *testing.T) {
	t.Parallel()
	decode := func(holidays string) (calendarRequest, []FieldError) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("PUT", "/", strings.NewReader(`{"time_zone":"UTC","hours":[{"day":"mon","open":"08:00","close":"18:00"}],"holidays":[`+holidays+`]}`))
		var req calendarRequest
		return req, fieldsOf(newDecoder().decode(c, &req))
	}
	req, problems := decode(`"2026-12-25","2027-02-26..2027-03-02"`)
	require.Empty(t, problems)
	require.Equal(t, []string{"2026-12-25", "2027-02-26", "2027-02-27", "2027-02-28", "2027-03-01", "2027-03-02"}, req.calendar().Holidays)
	_, problems = decode(`"2027-02-05..2027-02-01","2026-12-25","2027-01-01..soon","2027-01-01..2028-01-02"`)
	require.Equal(t, []FieldError{
		{Field: "holidays[0]", Message: "a closure of several days gives its first day before its last"},
		{Field: "holidays[2]", Message: "a closure of several days is two dates YYYY-MM-DD..YYYY-MM-DD"},
		{Field: "holidays[3]", Message: "a closure of several days is at most 366 days"},
	}, problems)
	_, problems = decode(`"2027-01-01..2027-12-31","2028-01-01..2028-12-31","2029-01-01..2029-12-31"`)
	require.Equal(t, []FieldError{{Field: "holidays", Message: "at most 1000 dates"}}, problems, "counted in dates")
}

// A desk's calendar names its place's zone: a fixed offset (Etc/GMT+5, five hours behind UTC
// whatever its sign says) or an old name or abbreviation (EST, which keeps no daylight saving)
// is refused, saying why; a place's zone and UTC are taken.
func TestCalendarZoneIsAPlaces(t *testing.T) {
	t.Parallel()
	decode := func(zone string) []FieldError {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("PUT", "/", strings.NewReader(`{"time_zone":"`+zone+`","hours":[{"day":"mon","open":"08:00","close":"18:00"}]}`))
		var req calendarRequest
		return fieldsOf(newDecoder().decode(c, &req))
	}
	for _, zone := range []string{"America/New_York", "Europe/London", "UTC", "Etc/UTC", "America/Argentina/Buenos_Aires", "Australia/Lord_Howe"} {
		require.Empty(t, decode(zone), zone)
	}
	for zone, says := range map[string]string{
		"EST":            `"EST" is an old name or an abbreviation, not a place's zone`,
		"EST5EDT":        `"EST5EDT" is an old name or an abbreviation`,
		"Etc/GMT+5":      `"Etc/GMT+5" is a fixed offset from UTC, with no daylight saving (and an Etc/GMT zone's sign is the reverse of its offset)`,
		"Mars/Olympus":   `"Mars/Olympus" is not an IANA time zone`,
		"US/Eastern":     `"US/Eastern" is an old name or an abbreviation`, // a country's old name for America/New_York
		"Canada/Pacific": `"Canada/Pacific" is an old name or an abbreviation`,
	} {
		got := decode(zone)
		require.Len(t, got, 1, zone)
		require.Equal(t, "time_zone", got[0].Field, zone)
		require.Contains(t, got[0].Message, says, zone)
	}
}
