package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A duration names each unit once, the largest first: "4h2h" (a form's suggested 4h with 2h typed
// after it) is refused by name, where Go read it as 6h; those written as people write them pass.
func TestDurationUnitsOnceLargestFirst(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]time.Duration{"90m": 90 * time.Minute, "1h30m": 90 * time.Minute, "2h0m30s": 2*time.Hour + 30*time.Second, "1.5h": 90 * time.Minute, "1500ms": 1500 * time.Millisecond} {
		d, err := parseDuration("due_in", v)
		require.NoError(t, err, v)
		require.Equal(t, want, d, v)
	}
	for _, v := range []string{"4h2h", "30m1h", "1h1h", "5s10m"} {
		_, err := parseDuration("due_in", v)
		require.Equal(t, []FieldError{{Field: "due_in", Message: "must give each unit once, the largest first, such as 1h30m"}}, fieldsOf(err), v)
	}
}

// A deadline less than a second away is refused: "1ms" is more likely a month meant.
func TestDurationAtLeastASecond(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"1ms", "1ns", "999ms", "0.0001h"} {
		_, err := parseDuration("due_in", v)
		require.Equal(t, []FieldError{{Field: "due_in", Message: "must be at least 1s (ms is milliseconds: for months, write hours)"}}, fieldsOf(err), v)
	}
	d, err := parseDuration("follow_up_in", "1s")
	require.NoError(t, err)
	require.Equal(t, time.Second, d)
}

// A duration typed as people type it, and as the pages show durations ("due in 1h 30m"), is read
// as its Go form: spaces between the parts, upper case, the units' words. Days stay refused, and
// what is not a duration is refused as before.
func TestDurationAsPeopleTypeIt(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]time.Duration{
		"1h 30m": 90 * time.Minute, " 2H ": 2 * time.Hour, "90 min": 90 * time.Minute, "45mins": 45 * time.Minute,
		"1 hour 15 minutes": 75 * time.Minute, "2 hours, 30 mins": 150 * time.Minute, "1.5 hrs": 90 * time.Minute, "30 seconds": 30 * time.Second,
	} {
		d, err := parseDuration("due_in", v)
		require.NoError(t, err, v)
		require.Equal(t, want, d, v)
	}
	for v, msg := range map[string]string{
		"2d":        "must be a duration in hours, minutes or seconds (days are not a unit: write 24h or 48h), such as 90m or 4h",
		"2 days":    "must be a duration in hours, minutes or seconds (days are not a unit: write 24h or 48h), such as 90m or 4h",
		"1h 30":     "must be a duration such as 90m or 4h",
		"soon":      "must be a duration such as 90m or 4h",
		"4h 2h":     "must give each unit once, the largest first, such as 1h30m",
		"30 min 1h": "must give each unit once, the largest first, such as 1h30m",
		"-1 hour":   "must be a duration such as 90m or 4h",
	} {
		_, err := parseDuration("due_in", v)
		require.Equal(t, []FieldError{{Field: "due_in", Message: msg}}, fieldsOf(err), v)
	}
}
