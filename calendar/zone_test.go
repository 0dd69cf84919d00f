package calendar_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
)

// A snapshot's captured zone rules give the same offsets and the same deadlines as the time zone
// database they were taken from, for every instant of the span, and survive a JSON round trip (the
// way they travel in workflow inputs).
func TestSnapshotCapturesTheZone(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := 3 * 366 * 24 * time.Hour
	r := rand.New(rand.NewPCG(3, 4))
	for _, zone := range []string{"Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			live := calendar.Calendar{TimeZone: zone, Hours: weekdays("08:00", "18:00")}
			snap, err := live.Snapshot(from, span)
			require.NoError(t, err)
			require.NotEmpty(t, snap.Zone)
			raw, err := json.Marshal(snap)
			require.NoError(t, err)
			var back calendar.Calendar
			require.NoError(t, json.Unmarshal(raw, &back))
			require.Equal(t, snap, back)

			liveClock, snapClock := compile(t, live), compile(t, back)
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			for range 2000 {
				at := from.Add(time.Duration(r.Int64N(int64(span - 200*time.Hour))))
				_, want := at.In(loc).Zone()
				_, got := at.In(snapClock.Location()).Zone()
				require.Equal(t, want, got, "offset at %s", at)
				d := time.Duration(r.Int64N(int64(60*time.Hour))) + time.Minute
				require.True(t, liveClock.Add(at, d).Equal(snapClock.Add(at, d)), "deadline from %s plus %s", at, d)
			}
		})
	}
}

func TestSnapshotRefusesUnknownZonesAndCorruptRules(t *testing.T) {
	t.Parallel()
	_, err := calendar.Calendar{TimeZone: "Europe/Atlantis", Hours: weekdays("08:00", "18:00")}.Snapshot(time.Now(), time.Hour)
	require.Error(t, err)
	_, err = calendar.Calendar{TimeZone: "Europe/London", Hours: weekdays("08:00", "18:00"), Zone: []byte("not TZif")}.Compile()
	inv, ok := calendar.AsInvalid(err)
	require.True(t, ok)
	require.Equal(t, "zone", inv[0].Field)
}

// The API snapshots three years (api.calendarSnapshotSpan) to cover a year's due time and what
// follows it, but due_in counts business time: a year of it on a Mon-Fri 08:00-18:00 desk is 175
// weeks. Started on 1 October 2026, three years of rules end in October 2029 in summer time, and
// the deadline in February 2030 counted BST hours (the desk "opened" at 07:00 GMT). A snapshot
// covers the span in open time too, and on a desk open four hours a week as far as a deadline's
// walk goes.
func TestSnapshotCoversTheSpanInOpenTime(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		cal calendar.Calendar
		d   time.Duration
	}{
		{officeHours(), 8760 * time.Hour},
		{calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sat", Open: "09:00", Close: "13:00"}}}, 2190 * time.Hour},
		{calendar.Calendar{TimeZone: "America/Santiago", Hours: weekdays("09:00", "17:00")}, 8760 * time.Hour},
	} {
		snap, err := tc.cal.Snapshot(from, 3*366*24*time.Hour)
		require.NoError(t, err)
		want, got := compile(t, tc.cal).Add(from, tc.d), compile(t, snap).Add(from, tc.d)
		require.True(t, want.Equal(got), "%s plus %s: the database gives %s, the snapshot %s", tc.cal.TimeZone, tc.d, want, got)
	}
}
