package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// The open actions are counted by team, owner and status in the database: every open one, those
// overdue (not a paused one) and those paused; never an ended one.
func TestOpenCountsByTeamOwnerAndStatus(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		now := t0.Add(10 * time.Hour)
		put := func(id, team, status, owner string, due time.Duration, paused bool) {
			t.Helper()
			a := actionAt(id, 1, status, owner)
			a.TeamID, a.DueAt, a.Paused = team, t0.Add(due), paused
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		put("a1", "frontdesk", "assigned", "alice", time.Hour, false)     // overdue
		put("a2", "frontdesk", "assigned", "alice", 11*time.Hour, false)  // due later
		put("a3", "frontdesk", "assigned", "alice", time.Hour, true)      // paused: not overdue
		put("a4", "frontdesk", "escalated", "alice", 2*time.Hour, false)  // overdue
		put("a5", "frontdesk", "unassigned", "", 20*time.Hour, false)     // nobody's
		put("a6", "frontdesk", "completed", "alice", time.Hour, false)    // ended: not counted
		put("a7", "frontdesk", "cancelled", "bob", time.Hour, false)      // ended: not counted
		put("k1", "kitchen", "handover_pending", "kim", time.Hour, false) // another team

		all, err := store.OpenCounts(ctx, "", now)
		require.NoError(t, err)
		require.Equal(t, []models.OpenCount{
			{TeamID: "frontdesk", OwnerID: "", Status: "unassigned", Open: 1},
			{TeamID: "frontdesk", OwnerID: "alice", Status: "assigned", Open: 3, Overdue: 1, Paused: 1},
			{TeamID: "frontdesk", OwnerID: "alice", Status: "escalated", Open: 1, Overdue: 1},
			{TeamID: "kitchen", OwnerID: "kim", Status: "handover_pending", Open: 1, Overdue: 1},
		}, all)

		kitchen, err := store.OpenCounts(ctx, "kitchen", now)
		require.NoError(t, err)
		require.Equal(t, all[3:], kitchen)
	})
}
