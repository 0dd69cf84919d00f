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
