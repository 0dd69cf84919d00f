package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A list row says when things happen the way a desk reads them: a handover asked for in the past
// was asked "ago", a due time ahead is "in".
func TestRowsSayWhenInTheRightDirection(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s := &server{Deps: Deps{Now: func() time.Time { return now }}}
	a := actionJSON{Status: "handover_pending", DueAt: now.Add(2*time.Hour + 5*time.Minute),
		PendingHandover: &handoverJSON{ToID: "bob", RequestedAt: now.Add(-3 * time.Minute)}}
	row := s.rows([]actionJSON{a})[0]
	require.Equal(t, "3m ago", row.PendingSince)
	require.Equal(t, "in 2h 5m", row.DueIn)
	require.False(t, row.Overdue)
}

// A paused action's due time waits: its row says the time it has once resumed, not a due time
// that passes meanwhile ("due 1m ago" beside "paused"). With nothing left (paused at its check),
// or a due time given while paused that stays where it is, the row says the due time as it is.
func TestPausedRowSaysTheTimeLeft(t *testing.T) {
	now := time.Date(2026, 12, 4, 14, 13, 0, 0, time.UTC)
	s := &server{Deps: Deps{Now: func() time.Time { return now }}}
	left, none := "2m0s", "0s"
	paused := actionJSON{Status: "assigned", DueAt: now.Add(-time.Minute), Paused: true, DueLeft: &left}
	row := s.rows([]actionJSON{paused})[0]
	require.True(t, row.DueOnHold)
	require.Equal(t, "2m left once resumed", row.DueIn)
	require.False(t, row.Overdue, "nothing falls due while paused")
	atCheck := actionJSON{Status: "checking", DueAt: now.Add(-time.Hour), Paused: true, DueLeft: &none}
	row = s.rows([]actionJSON{atCheck})[0]
	require.False(t, row.DueOnHold)
	require.Equal(t, "1h 0m ago", row.DueIn)
	fixed := actionJSON{Status: "assigned", DueAt: now.Add(time.Hour), Paused: true}
	row = s.rows([]actionJSON{fixed})[0]
	require.False(t, row.DueOnHold)
	require.True(t, row.DueFixed, "a due time set while paused does not wait")
	require.Equal(t, "in 1h 0m", row.DueIn)
	row = s.rows([]actionJSON{atCheck})[0]
	require.False(t, row.DueFixed, "paused at its check, the due time has passed: it is not set")
	// The time left is the action's own, business time on a team's calendar: hours, never days.
	long := "52h30m0s"
	paused.DueLeft = &long
	require.Equal(t, "52h 30m left once resumed", s.rows([]actionJSON{paused})[0].DueIn)
}
