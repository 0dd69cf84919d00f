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

// A board column lists one status of a team overdue first (not a paused one), then by due time,
// a page at a time; the handovers waiting for acceptance come the longest waiting first.
func TestBoardColumnsInTheirOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		now := t0.Add(10 * time.Hour)
		put := func(id, team, status string, due time.Duration, paused bool, asked time.Duration) {
			t.Helper()
			a := actionAt(id, 1, status, "alice")
			a.TeamID, a.DueAt, a.Paused = team, t0.Add(due), paused
			if status == "handover_pending" {
				a.PendingHandoverID = id + "-h2"
				a.Handovers = []models.Handover{
					{ID: id + "-h1", FromID: "bob", ToID: "alice", Status: "declined", RequestedAt: t0},
					{ID: id + "-h2", FromID: "alice", ToID: "bob", Status: "pending", RequestedAt: t0.Add(asked)},
				}
			}
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		put("a-later", "frontdesk", "assigned", 12*time.Hour, false, 0)
		put("a-paused", "frontdesk", "assigned", time.Hour, true, 0) // past due, but paused: not first
		put("a-late2", "frontdesk", "assigned", 9*time.Hour, false, 0)
		put("a-late1", "frontdesk", "assigned", 2*time.Hour, false, 0)
		put("a-soon", "frontdesk", "assigned", 11*time.Hour, false, 0)
		put("a-done", "frontdesk", "completed", time.Hour, false, 0)
		put("k-1", "kitchen", "assigned", time.Hour, false, 0)
		put("p-new", "frontdesk", "handover_pending", 11*time.Hour, false, 3*time.Hour)
		put("p-old", "frontdesk", "handover_pending", 12*time.Hour, false, time.Hour)

		col, err := store.BoardColumn(ctx, "frontdesk", "assigned", now, 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a-late1", "a-late2", "a-paused", "a-soon", "a-later"}, ids(col))
		page, err := store.BoardColumn(ctx, "frontdesk", "assigned", now, 2, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"a-paused", "a-soon"}, ids(page))
		every, err := store.BoardColumn(ctx, "", "assigned", now, 0, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"k-1", "a-late1"}, ids(every), "without a team, every team's")

		waiting, err := store.WaitingHandovers(ctx, "frontdesk", 10)
		require.NoError(t, err)
		require.Equal(t, []string{"p-old", "p-new"}, ids(waiting))
		require.Len(t, waiting[0].Handovers, 2, "with each one's handovers, in their order")
		require.Equal(t, "p-old-h1", waiting[0].Handovers[0].ID)
		one, err := store.WaitingHandovers(ctx, "frontdesk", 1)
		require.NoError(t, err)
		require.Equal(t, []string{"p-old"}, ids(one))
		none, err := store.WaitingHandovers(ctx, "kitchen", 10)
		require.NoError(t, err)
		require.Empty(t, none)
	})
}
