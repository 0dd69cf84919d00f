package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// An action its owner took over in a shift handover is at its due time the supervisors' to check
// as well (the workflow asks them: the hander has gone off shift), so their inbox lists it beside
// the team's actions nobody handed over; one handed over on its own is the hander's alone, also
// when the same two people passed it in a shift handover before.
func TestSupervisorChecksActionsTakenOverInAShift(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		handed := func(id string, handovers ...models.Handover) {
			t.Helper()
			a := actionAt(id, 1, "checking", "erin")
			a.DueAt, a.HanderID, a.Handovers = t0.Add(time.Hour), "alice", handovers
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		accepted := func(id, shift string, at time.Duration) models.Handover {
			return models.Handover{ID: id, FromID: "alice", ToID: "erin", Status: "accepted", RequestedAt: t0.Add(at), ShiftHandoverID: shift}
		}
		handed("in-shift", accepted("h1", "shift-1", 0))
		handed("alone", accepted("h1", "", 0))
		handed("shift-then-alone", accepted("h1", "shift-1", 0),
			models.Handover{ID: "h2", FromID: "erin", ToID: "alice", Status: "accepted", RequestedAt: t0.Add(time.Minute)},
			accepted("h3", "", 2*time.Minute))

		sup, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"in-shift"}, ids(sup.ChecksDue))
		hander, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "frontdesk"}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"in-shift", "alone", "shift-then-alone"}, ids(hander.ChecksDue))
	})
}
