package workflows_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/workflows"
)

// The deadlines of an action count with the maths of the calendar snapshot it started with. A
// Chilean desk open Saturday 20:00-24:00 (the clocks spring forward at Saturday 24:00): an action
// created at 20:00 and due in 4h of business time falls due at the jump with the current maths;
// one whose recorded input carries a snapshot from before calendar.Calendar.Maths existed (no
// "maths" in its JSON) falls due a week later, as it did when its history was recorded, and keeps
// that maths across continue-as-new.
func TestDeadlinesCountWithTheSnapshotsMaths(t *testing.T) {
	t.Parallel()
	sat20 := time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC) // Saturday 5 September 20:00 -04
	live := calendar.Calendar{TimeZone: "America/Santiago", Hours: []calendar.Hours{{Day: "sat", Open: "20:00", Close: "24:00"}}}
	snap, err := live.Snapshot(sat20, 366*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, calendar.CurrentMaths, snap.Maths)

	recorded, err := json.Marshal(snap)
	require.NoError(t, err)
	var old calendar.Calendar
	require.NoError(t, json.Unmarshal([]byte(strings.Replace(string(recorded), fmt.Sprintf(`,"maths":%d`, calendar.CurrentMaths), "", 1)), &old))
	require.Equal(t, calendar.Maths0, old.Maths)

	for _, tc := range []struct {
		name string
		cal  calendar.Calendar
		due  time.Time
	}{
		{"current maths: at the jump", snap, time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
		{"recorded snapshot: a week later, as recorded", old, time.Date(2026, 9, 13, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := startInput("a-maths")
			in.DueIn, in.DueAt, in.Calendar = 4*time.Hour, sat20.Add(4*time.Hour), &tc.cal
			s, _ := workflows.NewState(in, sat20)
			require.True(t, s.DueAt.Equal(tc.due), "due %s", s.DueAt)

			// Continue-as-new carries the state as JSON, and the calendar's maths with it.
			raw, err := json.Marshal(s)
			require.NoError(t, err)
			var next workflows.State
			require.NoError(t, json.Unmarshal(raw, &next))
			require.Equal(t, tc.cal.Maths, next.Calendar.Maths)
		})
	}
}
