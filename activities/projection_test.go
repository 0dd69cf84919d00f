package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// At the due time of an action a supervisor owns, nobody handed over to them: the owner is asked
// for its outcome, and the team's other supervisors to check it. The owner is not also asked, as a
// supervisor, to check their own work (two notices for one due time).
func TestSupervisorOwnerIsAskedOnceAtTheDueTime(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "sam", Name: "Sam Stone", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	in := workflows.StartInput{
		ActionID: "a1", Title: "Late checkout", Category: "request", Priority: "normal", OwnerID: "carol",
		TeamID: team, DueAt: now.Add(time.Minute), CreatedBy: workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor},
		Revision: workflows.CurrentRevision,
	}
	s, created := workflows.NewState(in, now)
	events := append([]workflows.Event{created}, s.Fire(workflows.DeadlineDue, now.Add(time.Minute))...)
	out := s.TakeOutbox()
	require.Len(t, out, 2, "the owner's outcome and the supervisors' check")

	acts := &activities.Activities{Store: store}
	_, err := acts.ProjectAction(ctx, workflows.Projection{State: s, Events: events, Notifications: out})
	require.NoError(t, err)
	kinds := func(who string) []string {
		told, err := store.ListNotifications(ctx, who, 10)
		require.NoError(t, err)
		var out []string
		for _, n := range told {
			out = append(out, n.Kind)
		}
		return out
	}
	require.Equal(t, []string{workflows.NotifyOutcomeAsked}, kinds("carol"))
	require.Equal(t, []string{workflows.NotifyCheckAsked}, kinds("sam"))
}
