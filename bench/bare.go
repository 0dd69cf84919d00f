package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The bare engine: a workflow that takes the same three commands as an action's lifecycle, as
// Updates on the same Temporal server, with no API, no read model and no notifications. It is the
// baseline the product is measured against.
const (
	// BareTaskQueue is served only by the bench's own worker.
	BareTaskQueue    = "handover-bench-bare"
	BareWorkflowName = "HandoverBenchBare"
	bareHandover     = "handover"
	bareAccept       = "accept"
	bareComplete     = "complete"
)

// bareState is the little the bare workflow keeps: a status and a version, like an action.
type bareState struct {
	Status  string `json:"status"`
	Owner   string `json:"owner"`
	Version int64  `json:"version"`
}

// BareWorkflow moves a status through handover, accept and complete, each an Update with a
// validator, and ends when the last one has answered.
func BareWorkflow(ctx workflow.Context, owner string) (bareState, error) {
	st := bareState{Status: "assigned", Owner: owner, Version: 1}
	set := func(name, from, to string) error {
		return workflow.SetUpdateHandlerWithOptions(ctx, name,
			func(_ workflow.Context, who string) (bareState, error) {
				st.Status, st.Version = to, st.Version+1
				if name == bareAccept {
					st.Owner = who
				}
				return st, nil
			},
			workflow.UpdateHandlerOptions{Validator: func(string) error {
				if st.Status != from {
					return fmt.Errorf("%s is not allowed in %s", name, st.Status)
				}
				return nil
			}})
	}
	for _, u := range []struct{ name, from, to string }{
		{bareHandover, "assigned", "handover_pending"},
		{bareAccept, "handover_pending", "assigned_accepted"},
		{bareComplete, "assigned_accepted", "completed"},
	} {
		if err := set(u.name, u.from, u.to); err != nil {
			return st, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return st.Status == "completed" && workflow.AllHandlersFinished(ctx) }); err != nil {
		return st, err
	}
	return st, nil
}

// startBareWorker serves the bare workflow on its own task queue with the given client.
func startBareWorker(c client.Client) (sdkworker.Worker, error) {
	w := sdkworker.New(c, BareTaskQueue, sdkworker.Options{})
	w.RegisterWorkflowWithOptions(BareWorkflow, workflow.RegisterOptions{Name: BareWorkflowName})
	if err := w.Start(); err != nil {
		return nil, fmt.Errorf("starting the bare-engine worker: %w", err)
	}
	return w, nil
}

// bareLifecycle runs one lifecycle of the bare workflow: a start and three Updates, each waited
// for until it has completed, as the API waits.
func bareLifecycle(ctx context.Context, c client.Client, id string, lat *latencies) error {
	begin := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: BareTaskQueue}, BareWorkflowName, "alice")
	if err != nil {
		return fmt.Errorf("starting bare workflow %s: %w", id, err)
	}
	lat.add(time.Since(begin))
	for _, u := range []struct{ name, who string }{{bareHandover, "alice"}, {bareAccept, "bob"}, {bareComplete, "bob"}} {
		begin := time.Now()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, RunID: run.GetRunID(), UpdateName: u.name, Args: []any{u.who},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		var st bareState
		if err == nil {
			err = h.Get(ctx, &st)
		}
		if err != nil {
			return fmt.Errorf("bare workflow %s: %s: %w", id, u.name, err)
		}
		lat.add(time.Since(begin))
	}
	return nil
}
