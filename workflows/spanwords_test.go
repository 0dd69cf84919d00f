package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Escalation reasons say spans in words a desk reads, not Go's "1h30m0s": to the second under 10
// minutes (a drill's 90s is not "2 min"), to the minute from there.
func TestSpanWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute:                "10 min",
		time.Hour:                       "1 h",
		90 * time.Minute:                "1 h 30 min",
		24 * time.Hour:                  "1 day",
		50*time.Hour + 5*time.Minute:    "2 days 2 h 5 min",
		20 * time.Second:                "20 s",
		3*time.Minute + 40*time.Second:  "3 min 40 s",
		90 * time.Second:                "1 min 30 s",
		2 * time.Minute:                 "2 min",
		12*time.Minute + 40*time.Second: "13 min",
		1500 * time.Millisecond:         "2 s",
	} {
		require.Equal(t, want, spanWords(d, true, true), d.String())
	}
	// On a team's calendar a day of open time is not 24 hours: hours, as the policy gives them.
	for d, want := range map[time.Duration]string{
		24 * time.Hour:               "24 h",
		50*time.Hour + 5*time.Minute: "50 h 5 min",
		90 * time.Minute:             "1 h 30 min",
		20 * time.Second:             "20 s",
	} {
		require.Equal(t, want, spanWords(d, false, true), d.String())
	}
	// Before revision 18 a span under 10 minutes was said to the minute, as running actions of
	// that revision still say it.
	for d, want := range map[time.Duration]string{
		90 * time.Second:               "2 min",
		3*time.Minute + 40*time.Second: "4 min",
		20 * time.Second:               "20 s",
	} {
		require.Equal(t, want, spanWords(d, true, false), d.String())
	}
}
