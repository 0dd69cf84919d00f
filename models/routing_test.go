package models_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// Routing's candidates are the team's active, on-shift agents with the authority, least open work
// first, where open work is the open actions they own and the handovers waiting for their
// acceptance; every field of the person comes with them.
func TestRoutingCandidatesCountPendingHandoversAsWork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		for _, st := range []models.Staff{
			{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true},
			{ID: "bob", Name: "Bob", Role: "agent", TeamID: &team, Authority: 2, Active: true, OnShift: true},
			{ID: "cara", Name: "Cara", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true},
			{ID: "dan", Name: "Dan", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: false},
			{ID: "sue", Name: "Sue", Role: "supervisor", TeamID: &team, Authority: 3, Active: true, OnShift: true},
		} {
			require.NoError(t, store.SaveStaff(ctx, st))
		}
		// alice owns one open action and one completed; bob owns none but has two handovers
		// offered to him (one still pending, one he declined); cara owns nothing.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 1, "assigned", "alice"), nil))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a2", 1, "completed", "alice"), nil))
		offer := func(id, to, status string) models.Action {
			a := actionAt(id, 2, "handover_pending", "alice")
			if status != "pending" {
				a.Status = "assigned"
			} else {
				a.PendingHandoverID = id + "-h"
			}
			a.Handovers = []models.Handover{{ID: id + "-h", FromID: "alice", ToID: to, Reason: "shift", Method: "phone", Situation: "busy", Summary: "s", Status: status, RequestedAt: t0}}
			return a
		}
		require.NoError(t, store.ApplyProjection(ctx, offer("a3", "bob", "pending"), nil))
		require.NoError(t, store.ApplyProjection(ctx, offer("a4", "bob", "declined"), nil))

		got, err := store.RoutingCandidates(ctx, team, 1)
		require.NoError(t, err)
		load := map[string]int64{}
		var order []string
		for _, c := range got {
			load[c.ID] = c.OpenActions
			order = append(order, c.ID)
		}
		// alice now owns a1, a3 and a4 (open): 3; bob 1 pending handover; cara 0.
		require.Equal(t, []string{"cara", "bob", "alice"}, order, "dan is off shift, sue is no agent")
		require.Equal(t, map[string]int64{"alice": 3, "bob": 1, "cara": 0}, load)
		require.Equal(t, "Cara", got[0].Name)
		require.Equal(t, team, *got[0].TeamID)
		require.True(t, got[0].Active && got[0].OnShift)
		require.Equal(t, 2, got[1].Authority)

		got, err = store.RoutingCandidates(ctx, team, 2)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "bob", got[0].ID)
	})
}
