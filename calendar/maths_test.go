package calendar_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
)

// The maths of a calendar is a version (Calendar.Maths) that only Snapshot sets: a snapshot an
// action carried before the field existed has 0 and computes its deadlines as it always did, so a
// replay of its history sets the same timers. The tests below give each case with both versions:
// Maths1, right, and Maths0, as recorded.

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// withMaths compiles the calendar with the given version of the maths.
func withMaths(t *testing.T, maths int, c calendar.Calendar) *calendar.Clock {
	t.Helper()
	c.Maths = maths
	return compile(t, c)
}

func requireInstant(t *testing.T, want, got time.Time, msg string) {
	t.Helper()
	require.True(t, want.Equal(got), "%s: want %s, got %s", msg, want.UTC(), got.UTC())
}

// Chile springs forward at Saturday 24:00 (04:00 UTC): Saturday 23:00-24:00 -04 is real Saturday
// time, and Sunday begins at 01:00 -03. A desk open Saturday 20:00-24:00 is open four hours that
// night, until the clocks jump. Maths0 resolved "24:00", a wall time in the gap, back by an hour:
// it closed at 23:00, and four hours from 20:00 ended a week later.
func TestMathsGapAtMidnightWestOfUTCClosesSaturdayAtTheJump(t *testing.T) {
	t.Parallel()
	cal := calendar.Calendar{TimeZone: "America/Santiago", Hours: []calendar.Hours{{Day: "sat", Open: "20:00", Close: "24:00"}}}
	sat20 := utc(2026, 9, 6, 0, 0) // Saturday 5 September 20:00 -04
	sat2330 := utc(2026, 9, 6, 3, 30)

	k := withMaths(t, calendar.Maths1, cal)
	require.True(t, k.IsOpen(sat2330), "Saturday 23:30 -04 is open")
	require.Equal(t, 4*time.Hour, k.Between(sat20, utc(2026, 9, 7, 0, 0)))
	requireInstant(t, utc(2026, 9, 6, 4, 0), k.Add(sat20, 4*time.Hour), "four hours from 20:00 end at the jump")

	old := withMaths(t, calendar.Maths0, cal)
	require.False(t, old.IsOpen(sat2330))
	require.Equal(t, 3*time.Hour, old.Between(sat20, utc(2026, 9, 7, 0, 0)))
	requireInstant(t, utc(2026, 9, 13, 0, 0), old.Add(sat20, 4*time.Hour), "Maths0: the next Saturday 21:00 -03")
}

// The same gap seen from Sunday: a desk closed on Saturday and open Sunday 00:00-12:00 opens at the
// first instant of Sunday (01:00 -03 in Chile, 04:00 UTC), not at Saturday 23:00 while it is
// closed. Cuba springs forward at midnight too.
func TestMathsGapAtMidnightWestOfUTCOpensSundayOnSunday(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		zone     string
		sat22    time.Time // Saturday 22:00 local before the change
		want     time.Time // 30 minutes into Sunday
		old      time.Time // Maths0: 30 minutes from Saturday 23:00
		saturday time.Time // Saturday 23:30 local, closed
	}{
		{"America/Santiago", utc(2026, 9, 6, 2, 0), utc(2026, 9, 6, 4, 30), utc(2026, 9, 6, 3, 30), utc(2026, 9, 6, 3, 30)},
		{"America/Havana", utc(2026, 3, 8, 3, 0), utc(2026, 3, 8, 5, 30), utc(2026, 3, 8, 4, 30), utc(2026, 3, 8, 4, 30)},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			t.Parallel()
			cal := calendar.Calendar{TimeZone: tc.zone, Hours: []calendar.Hours{{Day: "sun", Open: "00:00", Close: "12:00"}}}
			k := withMaths(t, calendar.Maths1, cal)
			requireInstant(t, tc.want, k.Add(tc.sat22, 30*time.Minute), "Sunday's first half hour")
			require.Equal(t, time.Duration(0), k.Between(tc.sat22, tc.saturday.Add(30*time.Minute)), "Saturday is closed")
			require.False(t, k.IsOpen(tc.saturday))

			old := withMaths(t, calendar.Maths0, cal)
			requireInstant(t, tc.old, old.Add(tc.sat22, 30*time.Minute), "Maths0")
			require.Equal(t, time.Hour, old.Between(tc.sat22, tc.saturday.Add(30*time.Minute)), "Maths0 counts Saturday 23:00-24:00")
		})
	}
}

// New York: on 8 March 2026 the clocks go from 01:59:59 EST to 03:00 EDT (07:00 UTC). A period
// that opens at 02:30 opens when the clock first shows a time past 02:30, at 03:00 EDT; one that
// closes at 02:30 closes then too. Maths0 put both at 01:30 EST (06:30 UTC), half an hour before
// the clock had reached 02:00.
func TestMathsGapWestOfUTCResolvesToTheChange(t *testing.T) {
	t.Parallel()
	ny := zone(t, "America/New_York")
	lateCal := calendar.Calendar{TimeZone: "America/New_York", Hours: []calendar.Hours{{Day: "sun", Open: "02:30", Close: "06:00"}}}
	earlyCal := calendar.Calendar{TimeZone: "America/New_York", Hours: []calendar.Hours{{Day: "sun", Open: "00:00", Close: "02:30"}}}
	sat := time.Date(2026, 3, 7, 12, 0, 0, 0, ny)
	est0145 := time.Date(2026, 3, 8, 1, 45, 0, 0, ny)

	late, early := withMaths(t, calendar.Maths1, lateCal), withMaths(t, calendar.Maths1, earlyCal)
	require.False(t, late.IsOpen(est0145), "01:45 EST is before 02:30")
	requireInstant(t, utc(2026, 3, 8, 7, 1), late.Add(sat, time.Minute), "a minute after the jump")
	require.Equal(t, 2*time.Hour, early.Between(sat, sat.Add(48*time.Hour)), "open from 00:00 EST until the jump")
	requireInstant(t, utc(2026, 3, 8, 7, 0), early.Add(sat, 2*time.Hour), "two hours end at the jump")

	late, early = withMaths(t, calendar.Maths0, lateCal), withMaths(t, calendar.Maths0, earlyCal)
	require.True(t, late.IsOpen(est0145))
	requireInstant(t, utc(2026, 3, 8, 6, 31), late.Add(sat, time.Minute), "Maths0: 01:31 EST")
	require.Equal(t, 90*time.Minute, early.Between(sat, sat.Add(48*time.Hour)))
	requireInstant(t, utc(2026, 3, 15, 4, 30), early.Add(sat, 2*time.Hour), "Maths0: a week later")
}

// East of UTC a wall time in the gap resolved forward by the gap with Maths0 (London's 01:30 on
// 29 March 2026 was 02:30 BST); Maths1 takes the jump, 01:00 UTC, there too.
func TestMathsGapEastOfUTCResolvesToTheChange(t *testing.T) {
	t.Parallel()
	cal := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "01:30", Close: "04:00"}}}
	sat := utc(2026, 3, 28, 12, 0)
	requireInstant(t, utc(2026, 3, 29, 1, 1), withMaths(t, calendar.Maths1, cal).Add(sat, time.Minute), "a minute after the jump")
	require.Equal(t, 2*time.Hour, withMaths(t, calendar.Maths1, cal).Between(sat, sat.Add(48*time.Hour)))
	requireInstant(t, utc(2026, 3, 29, 1, 31), withMaths(t, calendar.Maths0, cal).Add(sat, time.Minute), "Maths0: 02:31 BST")
	require.Equal(t, 90*time.Minute, withMaths(t, calendar.Maths0, cal).Between(sat, sat.Add(48*time.Hour)))
}

// A desk open 01:00-03:00 on the night the clocks go back is staffed while the clock shows 01:00
// to 03:00: three real hours, from the first 01:00, in New York and in London alike. Maths0 took
// London's second 01:00 and counted two (TestBetween keeps that expectation for Maths0).
func TestMathsFallBackOverlapTakesTheFirstOccurrence(t *testing.T) {
	t.Parallel()
	lon, ny := london(t), zone(t, "America/New_York")
	lonCal := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "01:00", Close: "03:00"}}}
	nyCal := calendar.Calendar{TimeZone: "America/New_York", Hours: []calendar.Hours{{Day: "sun", Open: "01:00", Close: "03:00"}}}
	lonSat, lonMon := time.Date(2026, 10, 24, 12, 0, 0, 0, lon), time.Date(2026, 10, 26, 0, 0, 0, 0, lon)
	nySat, nyMon := time.Date(2026, 10, 31, 12, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny)

	kl, kn := withMaths(t, calendar.Maths1, lonCal), withMaths(t, calendar.Maths1, nyCal)
	require.Equal(t, 3*time.Hour, kn.Between(nySat, nyMon))
	require.Equal(t, 3*time.Hour, kl.Between(lonSat, lonMon))
	requireInstant(t, utc(2026, 10, 25, 0, 1), kl.Add(lonSat, time.Minute), "the first 01:00 is 00:00 UTC")
	requireInstant(t, utc(2026, 11, 1, 5, 1), kn.Add(nySat, time.Minute), "the first 01:00 is 05:00 UTC")
	require.True(t, kl.IsOpen(utc(2026, 10, 25, 0, 30)), "01:30 BST")
	require.True(t, kl.IsOpen(utc(2026, 10, 25, 1, 30)), "01:30 GMT")

	kl, kn = withMaths(t, calendar.Maths0, lonCal), withMaths(t, calendar.Maths0, nyCal)
	require.Equal(t, 3*time.Hour, kn.Between(nySat, nyMon))
	require.Equal(t, 2*time.Hour, kl.Between(lonSat, lonMon))
	requireInstant(t, utc(2026, 10, 25, 1, 1), kl.Add(lonSat, time.Minute), "Maths0: the second 01:00")
	require.False(t, kl.IsOpen(utc(2026, 10, 25, 0, 30)))
}

// A closing time in the overlap is its first occurrence too: a desk open 00:00-01:30 closes at
// 01:30 BST, and the clocks' second 01:00-01:30 is closed.
func TestMathsFallBackOverlapClosesAtTheFirstOccurrence(t *testing.T) {
	t.Parallel()
	cal := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "00:00", Close: "01:30"}}}
	sat := utc(2026, 10, 24, 12, 0)
	k := withMaths(t, calendar.Maths1, cal)
	require.Equal(t, 90*time.Minute, k.Between(sat, sat.Add(48*time.Hour)))
	require.False(t, k.IsOpen(utc(2026, 10, 25, 1, 15)), "01:15 GMT")
	require.Equal(t, 150*time.Minute, withMaths(t, calendar.Maths0, cal).Between(sat, sat.Add(48*time.Hour)), "Maths0: until 01:30 GMT")
}

// A weekend desk open four hours a week needs 42 years for a year of business time (the API
// allows due_in and check_within up to a year), past the forty-year walk. Maths1 gives the end of
// the walk plus the open time left, never before a shorter duration's deadline; Maths0 gave t plus
// it, about 18 days after t.
func TestMathsAddPastTheFortyYearWalk(t *testing.T) {
	t.Parallel()
	cal := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sat", Open: "09:00", Close: "13:00"}}}
	from := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

	k := withMaths(t, calendar.Maths1, cal)
	shorter, year := k.Add(from, 8000*time.Hour), k.Add(from, 8760*time.Hour)
	require.True(t, year.After(shorter), "a year of business time (%s) is after 8000 hours of it (%s)", year, shorter)
	walked := k.Between(from, from.AddDate(50, 0, 0)) // the open time of the forty years walked
	require.Less(t, walked, 8760*time.Hour)
	last := k.Add(from, walked) // the last closing time of the walk
	require.True(t, year.After(last.Add(8760*time.Hour-walked)), "%s is the end of the walk plus what was left", year)
	require.True(t, year.Before(last.AddDate(0, 0, 8).Add(8760*time.Hour-walked)))
	prev := k.Add(from, walked)
	for d := walked + time.Minute; d < walked+48*time.Hour; d += 7 * time.Hour {
		next := k.Add(from, d)
		require.True(t, next.After(prev), "Add is monotonic past the walk: %s then %s", prev, next)
		prev = next
	}

	old := withMaths(t, calendar.Maths0, cal)
	requireInstant(t, from.Add(8760*time.Hour-walked), old.Add(from, 8760*time.Hour), "Maths0: t plus what was left")
	requireInstant(t, shorter, old.Add(from, 8000*time.Hour), "within the walk both agree")
}

// Checks that hold with Maths1 as with Maths0: holidays are the team's local dates; 30-minute DST;
// southern hemisphere; holidays closing years of a one-day-a-week desk end without a loop; edges
// at opening and closing; Etc/GMT+5 is five hours behind UTC.
func TestMathsKeepsWhatWasRight(t *testing.T) {
	t.Parallel()
	for _, maths := range []int{calendar.Maths0, calendar.Maths1} {
		always := func(zone string, holidays ...string) calendar.Calendar {
			return calendar.Calendar{TimeZone: zone, Hours: weekdays("00:00", "24:00", calendar.Days...), Holidays: holidays}
		}
		// Christmas in Auckland is 24 December 11:00 UTC to 25 December 11:00 UTC; in Honolulu 25
		// December 10:00 UTC to 26 December 10:00 UTC.
		akl := withMaths(t, maths, always("Pacific/Auckland", "2026-12-25"))
		require.Equal(t, time.Duration(0), akl.Between(utc(2026, 12, 24, 11, 0), utc(2026, 12, 25, 11, 0)))
		require.Equal(t, 2*time.Hour, akl.Between(utc(2026, 12, 24, 10, 0), utc(2026, 12, 25, 12, 0)))
		hnl := withMaths(t, maths, always("Pacific/Honolulu", "2026-12-25"))
		requireInstant(t, utc(2026, 12, 26, 10, 1), hnl.Add(utc(2026, 12, 25, 12, 0), time.Minute), "Honolulu")

		lh := withMaths(t, maths, always("Australia/Lord_Howe"))
		lhz := zone(t, "Australia/Lord_Howe")
		day := func(y int, m time.Month, d int) time.Duration {
			return lh.Between(time.Date(y, m, d, 0, 0, 0, 0, lhz), time.Date(y, m, d+1, 0, 0, 0, 0, lhz))
		}
		require.Equal(t, 23*time.Hour+30*time.Minute, day(2026, 10, 4))
		require.Equal(t, 24*time.Hour+30*time.Minute, day(2026, 4, 5))

		syd := zone(t, "Australia/Sydney")
		office := withMaths(t, maths, calendar.Calendar{TimeZone: "Australia/Sydney", Hours: weekdays("08:00", "18:00")})
		// Sydney leaves summer time on Sunday 5 April 2026: Friday 17:00 AEDT plus 2h is Monday 09:00 AEST.
		requireInstant(t, time.Date(2026, 4, 6, 9, 0, 0, 0, syd), office.Add(time.Date(2026, 4, 3, 17, 0, 0, 0, syd), 2*time.Hour), "across the change")
		requireInstant(t, time.Date(2026, 4, 7, 8, 1, 0, 0, syd), office.Add(time.Date(2026, 4, 6, 18, 0, 0, 0, syd), time.Minute), "from closing time")
		requireInstant(t, time.Date(2026, 4, 6, 18, 0, 0, 0, syd), office.Add(time.Date(2026, 4, 6, 8, 0, 0, 0, syd), 10*time.Hour), "to closing time")
		require.False(t, office.IsOpen(time.Date(2026, 4, 6, 18, 0, 0, 0, syd)))
		require.True(t, office.IsOpen(time.Date(2026, 4, 6, 8, 0, 0, 0, syd)))

		// Every Monday of 1000 weeks is a holiday: the next opening is 19 years on, found at once.
		var holidays []string
		for d := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC); len(holidays) < calendar.MaxHolidays; d = d.AddDate(0, 0, 7) {
			holidays = append(holidays, d.Format(time.DateOnly))
		}
		mondays := withMaths(t, maths, calendar.Calendar{TimeZone: "UTC", Hours: weekdays("09:00", "10:00", "mon"), Holidays: holidays})
		start := time.Now()
		got := mondays.Add(utc(2026, 11, 1, 0, 0), time.Hour)
		require.Less(t, time.Since(start), time.Second)
		requireInstant(t, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 7*calendar.MaxHolidays), got, "after a thousand holidays")

		gmt5 := withMaths(t, maths, calendar.Calendar{TimeZone: "Etc/GMT+5", Hours: weekdays("08:00", "18:00")})
		requireInstant(t, utc(2026, 11, 16, 13, 1), gmt5.Add(utc(2026, 11, 16, 0, 0), time.Minute), "Etc/GMT+5")
	}
}

// dstEdges are calendars whose periods begin or end in the gaps and overlaps of their zones.
func dstEdges() []calendar.Calendar {
	return []calendar.Calendar{
		{TimeZone: "America/Santiago", Hours: []calendar.Hours{{Day: "sat", Open: "20:00", Close: "24:00"}, {Day: "sun", Open: "00:00", Close: "12:00"}}},
		{TimeZone: "America/Havana", Hours: []calendar.Hours{{Day: "sat", Open: "22:30", Close: "24:00"}, {Day: "sun", Open: "00:00", Close: "00:30"}, {Day: "sun", Open: "01:00", Close: "01:30"}}},
		{TimeZone: "America/New_York", Hours: []calendar.Hours{{Day: "sun", Open: "00:00", Close: "02:30"}, {Day: "sun", Open: "02:30", Close: "06:00"}}},
		{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sun", Open: "00:30", Close: "01:30"}, {Day: "sun", Open: "01:30", Close: "03:00"}, {Day: "wed", Open: "09:00", Close: "10:00"}}},
		{TimeZone: "Australia/Lord_Howe", Hours: []calendar.Hours{{Day: "sun", Open: "01:45", Close: "02:15"}, {Day: "sun", Open: "02:15", Close: "24:00"}}},
		{TimeZone: "Africa/Casablanca", Hours: weekdays("02:00", "03:30", calendar.Days...)},
		{TimeZone: "Asia/Gaza", Hours: weekdays("00:00", "02:30", calendar.Days...)},
	}
}

// Over random starts and durations near DST changes (fixed seed), with Maths1: Between measures
// exactly what Add added, a deadline never falls while closed (except at a closing time), Add is
// monotonic in its duration, and NextOpen is open.
func TestMathsAddAndBetweenAgreeAtDSTEdges(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	base := utc(2026, 1, 1, 0, 0)
	for _, c := range dstEdges() {
		k := withMaths(t, calendar.Maths1, c)
		for range 300 {
			from := base.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
			d := time.Duration(r.Int64N(int64(20*time.Hour))) + time.Minute
			got := k.Add(from, d)
			require.Equal(t, d, k.Between(from, got), "%s: from %s plus %s gave %s", c.TimeZone, from, d, got)
			require.True(t, k.IsOpen(got) || k.IsOpen(got.Add(-time.Nanosecond)), "%s: %s is closed", c.TimeZone, got)
			require.True(t, k.Add(from, d+time.Minute).After(got), "%s: from %s", c.TimeZone, from)
			require.True(t, k.IsOpen(k.NextOpen(from)), "%s: next open after %s", c.TimeZone, from)
		}
	}
}

// A snapshot's captured rules resolve the gaps and overlaps as the database does, for the zones
// of dstEdges and zones whose rules changed inside the span (Nuuk's new standard offset in 2023,
// Mexico City's end of DST in 2022).
func TestMathsSnapshotAgreesWithTheDatabase(t *testing.T) {
	t.Parallel()
	cals := dstEdges()
	for _, tc := range []struct {
		zone string
		from time.Time
	}{
		{"America/Nuuk", utc(2022, 1, 1, 0, 0)}, {"America/Mexico_City", utc(2021, 6, 1, 0, 0)},
	} {
		cals = append(cals, calendar.Calendar{TimeZone: tc.zone, Hours: weekdays("00:30", "23:30", calendar.Days...), Holidays: []string{tc.from.Format(time.DateOnly)}})
	}
	for _, live := range cals {
		from := utc(2026, 1, 1, 0, 0)
		if len(live.Holidays) > 0 {
			from, _ = time.Parse(time.DateOnly, live.Holidays[0])
			live.Holidays = nil
		}
		snap, err := live.Snapshot(from, 3*366*24*time.Hour)
		require.NoError(t, err)
		require.Equal(t, calendar.CurrentMaths, snap.Maths)
		lk, sk := withMaths(t, calendar.Maths1, live), compile(t, snap)
		for at := from; at.Before(from.AddDate(3, 0, 0)); at = at.Add(7*time.Hour + 13*time.Minute) {
			requireInstant(t, lk.Add(at, 30*time.Hour), sk.Add(at, 30*time.Hour), live.TimeZone)
			require.Equal(t, lk.Between(at, at.Add(50*time.Hour)), sk.Between(at, at.Add(50*time.Hour)), "%s from %s", live.TimeZone, at)
		}
	}
}

// Snapshot gives new snapshots the current maths, and the field survives the JSON of workflow
// inputs. A calendar with Maths0 (an old snapshot, or a team's calendar as stored) encodes without
// the field, as it did before the field existed, and a snapshot without it decodes to Maths0.
func TestSnapshotSetsTheMaths(t *testing.T) {
	t.Parallel()
	live := officeHours()
	require.Equal(t, calendar.Maths0, live.Maths)
	snap, err := live.Snapshot(utc(2026, 11, 1, 0, 0), 366*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, calendar.CurrentMaths, snap.Maths)
	require.Equal(t, calendar.Maths2, calendar.CurrentMaths)
	require.Equal(t, snap.Maths, snap.Normalized().Maths, "Normalized keeps it")

	raw, err := json.Marshal(snap)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"maths":2`)
	var back calendar.Calendar
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, snap, back)

	old := snap
	old.Maths = calendar.Maths0
	raw, err = json.Marshal(old)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "maths")
	back = calendar.Calendar{}
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Equal(t, calendar.Maths0, back.Maths)
}

// A deadline past the forty years the maths walks (a year of business time on a desk open four
// hours a week) lies at the walk's end plus the open time left, and from Maths2 Between counts that
// time back: from a pause an hour after the start, the time left is the deadline's less an hour.
// Maths1 counted nothing past the walk's end, hundreds of hours short.
func TestMathsBetweenCountsPastTheWalkAsAddDoes(t *testing.T) {
	t.Parallel()
	cal := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sat", Open: "09:00", Close: "13:00"}}}
	start := utc(2026, 10, 3, 9, 0) // Saturday 10:00 BST
	year := 8760 * time.Hour
	k := withMaths(t, calendar.Maths2, cal)
	due := k.Add(start, year)
	require.True(t, due.After(start.AddDate(39, 0, 0)), "past the walk: %s", due)
	require.Equal(t, year, k.Between(start, due))
	require.Equal(t, year-time.Hour, k.Between(start.Add(time.Hour), due))
	require.Equal(t, 3*time.Hour, k.Between(start.Add(time.Hour), start.Add(7*24*time.Hour)), "near, as before")
	require.Equal(t, year+time.Hour, k.Between(start, due.Add(time.Hour)), "plain time past the walk's end")

	old := withMaths(t, calendar.Maths1, cal)
	requireInstant(t, due, old.Add(start, year), "Add is Maths1's")
	require.Less(t, old.Between(start, due), year-100*time.Hour, "Maths1, as recorded")
}

func TestCompileRefusesUnknownMaths(t *testing.T) {
	t.Parallel()
	for _, maths := range []int{-1, calendar.CurrentMaths + 1} {
		_, err := calendar.Calendar{TimeZone: "UTC", Hours: weekdays("08:00", "18:00"), Maths: maths}.Compile()
		inv, ok := calendar.AsInvalid(err)
		require.True(t, ok, "maths %d: want an Invalid error, got %v", maths, err)
		require.Equal(t, "maths", inv[0].Field)
	}
}
