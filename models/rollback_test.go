package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// A write of a workflow task that never took effect (the process died before Temporal recorded
// the task) leaves the read model ahead of its workflow: a handover the workflow never had, its
// entries and inbox records, and a task recorded done. RollBack puts it back to the workflow's
// state, the entries withdrawn and kept as corrections; an entry at or before the workflow's
// version stays append-only; the workflow's next change writes as ever.
func TestRollBackPutsTheReadModelBackToItsWorkflow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		real := actionAt("rb", 2, "assigned", "alice")
		rev := 25
		real.Revision = &rev
		require.NoError(t, store.ApplyProjection(ctx, real, []models.ActionEvent{event(1, "created"), event(2, "customer_told")},
			models.Notification{RecipientID: "alice", ActionID: "rb", Seq: 2, Kind: models.KindTellCustomer, Message: "tell them", CreatedAt: t0}))

		ahead := actionAt("rb", 4, "handover_pending", "alice")
		ahead.PendingHandoverID = "h1"
		ahead.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Reason: "shift", Method: "written", Situation: "routine",
			Summary: "s", Status: "pending", RequestedAt: t0.Add(3 * time.Minute)}}
		done := t0.Add(4 * time.Minute)
		ahead.Tasks = []models.Task{{Seq: 2, Kind: models.KindTellCustomer, DoneAt: &done, DoneSeq: 4, TriedSeq: 3, Changed: true}}
		require.NoError(t, store.ApplyProjection(ctx, ahead, []models.ActionEvent{event(3, "handover_requested"), event(4, "message_delivered")},
			models.Notification{RecipientID: "bob", ActionID: "rb", Seq: 3, Kind: "handover_requested", Message: "take it", CreatedAt: t0}))

		// The workflow's queried state does not carry its revision: the row keeps it.
		real.Revision = nil
		rolled, err := store.RollBack(ctx, real, []models.Task{{Seq: 2, Kind: models.KindTellCustomer}})
		require.NoError(t, err)
		require.True(t, rolled)
		a, err := store.GetAction(ctx, "rb")
		require.NoError(t, err)
		require.NotNil(t, a.Revision, "kept by a write that does not know it")
		require.Equal(t, 25, *a.Revision)
		require.Equal(t, int64(2), a.Version)
		require.Equal(t, "assigned", a.Status)
		require.Empty(t, a.PendingHandoverID)
		require.Empty(t, a.Handovers, "the handover the workflow never had")
		events, err := store.ListEvents(ctx, "rb")
		require.NoError(t, err)
		require.Len(t, events, 2)
		require.Equal(t, "customer_told", events[1].Type)
		var withdrawn []string
		require.NoError(t, store.DB().Table("action_event_corrections").Where("action_id = ?", "rb").Order("seq").Pluck("type", &withdrawn).Error)
		require.Equal(t, []string{"handover_requested", "message_delivered"}, withdrawn, "kept")
		told, err := store.ToldOf(ctx, "rb", 3)
		require.NoError(t, err)
		require.Empty(t, told, "bob was never asked")
		tasks, err := store.OpenTellTasks(ctx, "rb")
		require.NoError(t, err)
		require.Len(t, tasks, 1, "the message is still to tell")
		var task models.Notification
		require.NoError(t, store.DB().Where("action_id = ? AND seq = 2", "rb").Take(&task).Error)
		require.Nil(t, task.TriedSeq, "nor tried")
		require.Nil(t, task.DoneSeq)

		rolled, err = store.RollBack(ctx, real, nil)
		require.NoError(t, err)
		require.False(t, rolled, "not ahead: nothing to do")
		require.Error(t, store.DB().Exec("DELETE FROM action_events WHERE action_id = ? AND seq = 1", "rb").Error, "the workflow's own entries stay")

		next := actionAt("rb", 3, "assigned", "alice")
		next.UpdatedAt = t0.Add(10 * time.Minute)
		require.NoError(t, store.ApplyProjection(ctx, next, []models.ActionEvent{event(3, "note_added")}))
		events, err = store.ListEvents(ctx, "rb")
		require.NoError(t, err)
		require.Len(t, events, 3)
		require.Equal(t, "note_added", events[2].Type)
	})
}
