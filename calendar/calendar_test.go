package calendar_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
)

func weekdays(open, close string, days ...string) []calendar.Hours {
	if len(days) == 0 {
		days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	out := make([]calendar.Hours, len(days))
	for i, d := range days {
		out[i] = calendar.Hours{Day: d, Open: open, Close: close}
	}
	return out
}

func compile(t *testing.T, c calendar.Calendar) *calendar.Clock {
	t.Helper()
	k, err := c.Compile()
	require.NoError(t, err)
	return k
}

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return loc
}

// officeHours is Mon-Fri 08:00-18:00 in London with the 2026 Christmas holidays.
func officeHours() calendar.Calendar {
	return calendar.Calendar{
		TimeZone: "Europe/London", Hours: weekdays("08:00", "18:00"),
		Holidays: []string{"2026-12-25", "2026-12-28"},
	}
}

func TestAdd(t *testing.T) {
	t.Parallel()
	lon := london(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, lon) }
	lunch := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{
		{Day: "mon", Open: "13:00", Close: "17:00"}, {Day: "mon", Open: "09:00", Close: "12:00"},
	}}
	always := calendar.Calendar{TimeZone: "Europe/London", Hours: weekdays("00:00", "24:00", calendar.Days...)}
	gap := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "01:00", Close: "03:00"}}}
	tests := []struct {
		name string
		cal  calendar.Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"Friday evening plus 2h is Monday 10:00", officeHours(), at(2026, 11, 20, 19, 30), 2 * time.Hour, at(2026, 11, 23, 10, 0)},
		{"Friday 17:00 plus 2h crosses the weekend", officeHours(), at(2026, 11, 20, 17, 0), 2 * time.Hour, at(2026, 11, 23, 9, 0)},
		{"inside one day", officeHours(), at(2026, 11, 17, 9, 0), 2 * time.Hour, at(2026, 11, 17, 11, 0)},
		{"ends exactly at closing", officeHours(), at(2026, 11, 17, 16, 0), 2 * time.Hour, at(2026, 11, 17, 18, 0)},
		{"before opening counts from opening", officeHours(), at(2026, 11, 17, 6, 0), time.Hour, at(2026, 11, 17, 9, 0)},
		{"Saturday counts from Monday", officeHours(), at(2026, 11, 21, 12, 0), 30 * time.Minute, at(2026, 11, 23, 8, 30)},
		{"a full day and a bit", officeHours(), at(2026, 11, 17, 12, 0), 11 * time.Hour, at(2026, 11, 18, 13, 0)},
		{"two weeks of business time", officeHours(), at(2026, 11, 16, 8, 0), 100 * time.Hour, at(2026, 11, 27, 18, 0)},
		{"Christmas Day and the substitute holiday are closed", officeHours(), at(2026, 12, 24, 17, 0), 2 * time.Hour, at(2026, 12, 29, 9, 0)},
		{"a holiday itself counts from the next open day", officeHours(), at(2026, 12, 25, 10, 0), time.Hour, at(2026, 12, 29, 9, 0)},
		{"spring forward: Friday to Monday across the change", officeHours(), at(2026, 3, 27, 17, 0), 2 * time.Hour, at(2026, 3, 30, 9, 0)},
		{"autumn back: Friday to Monday across the change", officeHours(), at(2026, 10, 23, 17, 0), 2 * time.Hour, at(2026, 10, 26, 9, 0)},
		{"open all week: spring forward is an hour shorter", always, at(2026, 3, 29, 0, 0), 3 * time.Hour, at(2026, 3, 29, 4, 0)},
		{"open all week: autumn back is an hour longer", always, at(2026, 10, 25, 0, 0), 3 * time.Hour, at(2026, 10, 25, 2, 0)},
		{"a period in the spring-forward gap is shortened", gap, at(2026, 3, 28, 12, 0), 90 * time.Minute, at(2026, 4, 5, 1, 30)},
		{"the lunch break is closed", lunch, at(2026, 11, 16, 11, 0), 2 * time.Hour, at(2026, 11, 16, 14, 0)},
		{"zero adds nothing", officeHours(), at(2026, 11, 21, 12, 0), 0, at(2026, 11, 21, 12, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := compile(t, tc.cal)
			got := k.Add(tc.from, tc.d)
			require.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got.In(lon))
		})
	}
}

func TestAddAcrossTheDSTChangeKeepsLocalOpeningHours(t *testing.T) {
	t.Parallel()
	k := compile(t, officeHours())
	lon := london(t)
	// Monday after the spring change opens at 08:00 BST, which is 07:00 UTC.
	got := k.Add(time.Date(2026, 3, 27, 18, 0, 0, 0, time.UTC), time.Minute)
	require.Equal(t, time.Date(2026, 3, 30, 7, 1, 0, 0, time.UTC), got.UTC())
	require.Equal(t, 8, got.In(lon).Hour())
	// And after the autumn change, 08:00 GMT is 08:00 UTC.
	got = k.Add(time.Date(2026, 10, 23, 17, 0, 0, 0, time.UTC), time.Minute)
	require.Equal(t, time.Date(2026, 10, 26, 8, 1, 0, 0, time.UTC), got.UTC())
}

func TestBetween(t *testing.T) {
	t.Parallel()
	lon := london(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, lon) }
	always := calendar.Calendar{TimeZone: "Europe/London", Hours: weekdays("00:00", "24:00", "sun")}
	gap := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "01:00", Close: "03:00"}}}
	tests := []struct {
		name string
		cal  calendar.Calendar
		a, b time.Time
		want time.Duration
	}{
		{"a working week", officeHours(), at(2026, 11, 16, 0, 0), at(2026, 11, 23, 0, 0), 50 * time.Hour},
		{"Friday evening to Monday 10:00", officeHours(), at(2026, 11, 20, 19, 0), at(2026, 11, 23, 10, 0), 2 * time.Hour},
		{"Christmas week", officeHours(), at(2026, 12, 21, 0, 0), at(2026, 12, 28, 0, 0), 40 * time.Hour},
		{"closed all the way", officeHours(), at(2026, 11, 21, 0, 0), at(2026, 11, 23, 8, 0), 0},
		{"backwards is nothing", officeHours(), at(2026, 11, 23, 10, 0), at(2026, 11, 20, 10, 0), 0},
		{"spring-forward Sunday has 23 hours", always, at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0), 23 * time.Hour},
		{"autumn-back Sunday has 25 hours", always, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0), 25 * time.Hour},
		{"01:00-03:00 on spring-forward Sunday is one hour", gap, at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0), time.Hour},
		{"01:00-03:00 on autumn-back Sunday counts the repeated hour once", gap, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0), 2 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, compile(t, tc.cal).Between(tc.a, tc.b))
		})
	}
	t.Run("counts at most forty years", func(t *testing.T) {
		t.Parallel()
		k := compile(t, officeHours())
		from := at(2026, 11, 16, 0, 0)
		forty := k.Between(from, from.AddDate(0, 0, 366*40))
		require.Greater(t, forty, 40*50*50*time.Hour, "about 50 hours a week for forty years")
		require.Equal(t, forty, k.Between(from, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)), "not a walk over eight thousand years")
	})
}

func TestIsOpenAndNextOpen(t *testing.T) {
	t.Parallel()
	lon := london(t)
	k := compile(t, officeHours())
	fri := time.Date(2026, 11, 20, 19, 0, 0, 0, lon)
	require.False(t, k.IsOpen(fri))
	require.True(t, k.NextOpen(fri).Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, lon)))
	tue := time.Date(2026, 11, 17, 10, 0, 0, 0, lon)
	require.True(t, k.IsOpen(tue))
	require.True(t, k.NextOpen(tue).Equal(tue))
	require.False(t, k.IsOpen(time.Date(2026, 11, 17, 18, 0, 0, 0, lon)), "closing time is closed")
	require.False(t, k.IsOpen(time.Date(2026, 12, 25, 10, 0, 0, 0, lon)), "a holiday is closed")
}

// TestAddAndBetweenAgree checks over many random starts, durations and calendars (fixed seed) that
// Between measures exactly what Add added, that a deadline never falls while closed (except at a
// closing time), and that Add is monotonic in its duration.
func TestAddAndBetweenAgree(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	cals := []calendar.Calendar{
		officeHours(),
		{TimeZone: "America/New_York", Hours: append(weekdays("09:00", "17:30"), calendar.Hours{Day: "sat", Open: "10:00", Close: "14:00"})},
		{TimeZone: "Asia/Kolkata", Hours: weekdays("10:00", "19:00", "mon", "tue", "wed", "thu", "fri", "sat")},
		{TimeZone: "Australia/Lord_Howe", Hours: weekdays("00:00", "24:00", calendar.Days...)},
		{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "00:30", Close: "02:30"}, {Day: "wed", Open: "23:00", Close: "24:00"}}},
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range cals {
		k := compile(t, c)
		for range 400 {
			from := base.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
			d := time.Duration(r.Int64N(int64(80*time.Hour))) + time.Minute
			got := k.Add(from, d)
			require.Equal(t, d, k.Between(from, got), "%s: from %s plus %s gave %s", c.TimeZone, from, d, got)
			require.True(t, k.IsOpen(got) || k.IsOpen(got.Add(-time.Nanosecond)), "%s: %s is closed", c.TimeZone, got)
			require.False(t, k.Add(from, d+time.Minute).Before(got))
		}
	}
}

func TestCompileRejectsInvalidCalendars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cal   calendar.Calendar
		field string
	}{
		{"no time zone", calendar.Calendar{Hours: weekdays("08:00", "18:00")}, "time_zone"},
		{"unknown time zone", calendar.Calendar{TimeZone: "Europe/Atlantis", Hours: weekdays("08:00", "18:00")}, "time_zone"},
		{"the machine's zone", calendar.Calendar{TimeZone: "Local", Hours: weekdays("08:00", "18:00")}, "time_zone"},
		{"a path", calendar.Calendar{TimeZone: "../../etc/passwd", Hours: weekdays("08:00", "18:00")}, "time_zone"},
		{"the placeholder zone", calendar.Calendar{TimeZone: "Factory", Hours: weekdays("08:00", "18:00")}, "time_zone"},
		{"no open hours", calendar.Calendar{TimeZone: "Europe/London"}, "hours"},
		{"unknown day", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "monday", Open: "08:00", Close: "18:00"}}}, "hours[0].day"},
		{"open after close", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "18:00", Close: "08:00"}}}, "hours[0].close"},
		{"open equals close", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "08:00"}}}, "hours[0].close"},
		{"not a time", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "8am", Close: "18:00"}}}, "hours[0].open"},
		{"past midnight", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "24:30"}}}, "hours[0].close"},
		{"opening at midnight's end", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "24:00", Close: "24:00"}}}, "hours[0].open"},
		{"overlapping periods", calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "08:00", Close: "12:00"}, {Day: "mon", Open: "11:00", Close: "18:00"}}}, "hours[1]"},
		{"bad holiday", calendar.Calendar{TimeZone: "UTC", Hours: weekdays("08:00", "18:00"), Holidays: []string{"2026-02-30"}}, "holidays[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.cal.Compile()
			inv, ok := calendar.AsInvalid(err)
			require.True(t, ok, "want an Invalid error, got %v", err)
			fields := make([]string, len(inv))
			for i, f := range inv {
				fields[i] = f.Field
			}
			require.Contains(t, fields, tc.field)
		})
	}
}

// A calendar wrong in several ways is refused naming each field at once, so one answer says all
// there is to mend: an unknown zone and an empty week together. A period refused for itself is
// named without a second word on the week it leaves empty.
func TestCompileNamesEveryWrongField(t *testing.T) {
	t.Parallel()
	fields := func(c calendar.Calendar) []string {
		_, err := c.Compile()
		inv, ok := calendar.AsInvalid(err)
		require.True(t, ok, "want an Invalid error, got %v", err)
		var out []string
		for _, f := range inv {
			out = append(out, f.Field)
		}
		return out
	}
	require.ElementsMatch(t, []string{"time_zone", "hours"}, fields(calendar.Calendar{TimeZone: "Europe/Atlantis"}))
	require.ElementsMatch(t, []string{"time_zone", "hours", "holidays[0]"}, fields(calendar.Calendar{TimeZone: "", Holidays: []string{"2026-02-30"}}))
	require.ElementsMatch(t, []string{"hours[0].close"}, fields(calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{{Day: "mon", Open: "18:00", Close: "08:00"}}}))
}

func TestNormalized(t *testing.T) {
	t.Parallel()
	c := calendar.Calendar{TimeZone: "UTC", Hours: []calendar.Hours{
		{Day: "fri", Open: "08:00", Close: "12:00"}, {Day: "mon", Open: "13:00", Close: "17:00"}, {Day: "mon", Open: "08:00", Close: "12:00"},
	}, Holidays: []string{"2026-12-25", "2026-01-01", "2026-12-25"}}
	n := c.Normalized()
	require.Equal(t, []calendar.Hours{
		{Day: "mon", Open: "08:00", Close: "12:00"}, {Day: "mon", Open: "13:00", Close: "17:00"}, {Day: "fri", Open: "08:00", Close: "12:00"},
	}, n.Hours)
	require.Equal(t, []string{"2026-01-01", "2026-12-25"}, n.Holidays)
}

// A time zone is an IANA name, the same on every machine: the files a system's zoneinfo directory
// holds besides its zones ("localtime" is the machine's own zone, like Local; "posixrules",
// "posix/..." and "right/..." exist on some machines only, and right/ zones move every change by
// the leap seconds) are refused, as is a name in the wrong case, which only a case-insensitive
// file system finds. A snapshot an action already carries compiles whatever its name.
func TestCompileAcceptsOnlyIANAZoneNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"localtime", "posixrules", "posix/Europe/London", "right/Europe/London", "zone.tab", "europe/london", "Europe/London/", " UTC"} {
		_, err := calendar.Calendar{TimeZone: name, Hours: weekdays("08:00", "18:00")}.Compile()
		inv, ok := calendar.AsInvalid(err)
		require.True(t, ok, "%q: want an Invalid error, got %v", name, err)
		require.Equal(t, "time_zone", inv[0].Field, name)
	}
	for _, name := range []string{"UTC", "Etc/GMT+5", "Etc/GMT-14", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "EST5EDT", "Australia/Lord_Howe"} {
		require.NoError(t, calendar.Calendar{TimeZone: name, Hours: weekdays("08:00", "18:00")}.Validate(), name)
	}
	snap, err := calendar.Calendar{TimeZone: "Europe/London", Hours: weekdays("08:00", "18:00")}.Snapshot(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour)
	require.NoError(t, err)
	snap.TimeZone = "localtime"
	require.NoError(t, snap.Validate(), "a running action's snapshot keeps counting")
}

// A night desk's period past midnight is refused saying how to give it: as two periods, each
// within its day (Saturday's runs into Sunday).
func TestPeriodPastMidnightSaysToSplitIt(t *testing.T) {
	t.Parallel()
	for day, want := range map[string]string{
		"mon": "must be after open: a period lies within one day, so one past midnight is two, mon 22:00-24:00 and tue 00:00-06:00",
		"sat": "must be after open: a period lies within one day, so one past midnight is two, sat 22:00-24:00 and sun 00:00-06:00",
	} {
		_, err := calendar.Calendar{TimeZone: "Europe/Paris", Hours: []calendar.Hours{{Day: day, Open: "22:00", Close: "06:00"}}}.Compile()
		inv, ok := calendar.AsInvalid(err)
		require.True(t, ok, "want an Invalid error, got %v", err)
		require.Len(t, inv, 1)
		require.Equal(t, "hours[0].close", inv[0].Field)
		require.Equal(t, want, inv[0].Message)
	}
}
