package app_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// A command whose Update a failed workflow task aborted unapplied (the task that took it found
// the run continuing as new, say) is sent again by the API, and applies once: the caller gets its
// answer, not a 503 calling the worker broken.
func TestCommandSentAgainAfterAWorkflowTaskFailed(t *testing.T) {
	t.Parallel()
	st := startStack(t, t.TempDir(), "")
	ctx := context.Background()
	id := uuid.NewString()
	now := time.Now().UTC()
	require.NoError(t, st.Store.ApplyProjection(ctx, models.Action{
		ID: id, Title: "Late checkout", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "alice",
		TeamID: "frontdesk", DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 1,
	}, nil))

	// The action's workflow: the service refuses the completion of the workflow task that takes
	// its first note, which aborts the Update unapplied; the task's next attempt runs without it.
	var notes atomic.Int32
	flaky := func(ctx workflow.Context) error {
		state := workflows.State{ID: id, Title: "Late checkout", Category: "request", Priority: "normal",
			Status: workflows.StatusAssigned, OwnerID: "alice", TeamID: "frontdesk", Version: 1}
		if err := workflow.SetUpdateHandler(ctx, workflows.UpdateNote, func(ctx workflow.Context, in workflows.NoteInput, _ workflows.Idempotency) (workflows.State, error) {
			if notes.Add(1) == 1 {
				// A search attribute the namespace does not have: the service refuses the task's
				// completion, as it does one that closes the run while changes came in.
				if err := workflow.UpsertTypedSearchAttributes(ctx, temporal.NewSearchAttributeKeyKeyword("NoSuchAttribute").ValueSet("x")); err != nil {
					return state, err
				}
			}
			state.Version++
			return state, nil
		}); err != nil {
			return err
		}
		return workflow.Await(ctx, func() bool { return false })
	}
	queue := "flaky-" + uuid.NewString()
	w := sdkworker.New(st.Client, queue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(flaky, workflow.RegisterOptions{Name: "FlakyAction"})
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	run, err := st.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(id), TaskQueue: queue}, "FlakyAction")
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = st.Client.TerminateWorkflow(context.Background(), run.GetID(), run.GetRunID(), "test over")
	})

	var got action
	status := as(t, st, "alice").call(http.MethodPost, "/api/v1/actions/"+id+"/notes", map[string]any{"text": "guest asked twice"}, &got)
	require.Equal(t, http.StatusCreated, status, "sent again once the task failed, and applied")
	require.Equal(t, int64(2), got.Version, "once")
	require.Equal(t, int32(2), notes.Load(), "the aborted attempt, then the one that applied")
}
