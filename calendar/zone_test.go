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
