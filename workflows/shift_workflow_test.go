package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/workflows"
)

// The shift workflow follows each action to its end, keeps an outcome that arrives before the
// hand-over activity's own answer, does not hand over skipped actions, and ends when all have ended.
func TestShiftHandoverWorkflowFollowsEachAction(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
	var handedOver []string
	env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
		handedOver = append(handedOver, req.ActionID)
		require.Equal(t, "s1", req.Handover.ShiftHandoverID)
		require.Equal(t, "alice", req.Handover.Actor.ID, "made in the outgoing person's name")
		require.Equal(t, "Night notes", req.Handover.Notes.Summary)
		if req.ActionID == "gone" {
			return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: "the action has ended"}, nil
		}
		return workflows.ShiftItemResult{ActionID: req.ActionID, HandoverID: "h1", Status: workflows.ShiftItemPending}, nil
	}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})

	in := workflows.ShiftInput{
		ID: "s1", FromID: "alice", Actor: carol, Notes: "Night notes", Situation: "quiet",
		Items: []workflows.ShiftItem{
			{ActionID: "a", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "b", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "gone", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "late", Status: workflows.ShiftItemSkipped, Reason: "the action is checking"},
		},
	}
	signal := func(at time.Duration, action, status string) {
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: action, HandoverID: "h1", Status: status})
		}, at)
	}
	var midway workflows.ShiftProgress
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(workflows.QueryShiftProgress)
		require.NoError(t, err)
		require.NoError(t, v.Get(&midway))
	}, 30*time.Second)
	signal(time.Minute, "a", workflows.ShiftItemAccepted)
	signal(2*time.Minute, "b", workflows.ShiftItemExpired)
	env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, in)

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var final workflows.ShiftProgress
	require.NoError(t, env.GetWorkflowResult(&final))
	require.True(t, final.Done)
	status := map[string]string{}
	for _, it := range final.Items {
		status[it.ActionID] = it.Status
	}
	require.Equal(t, map[string]string{"a": "accepted", "b": "expired", "gone": "skipped", "late": "skipped"}, status)
	require.Equal(t, []string{"a", "b", "gone"}, handedOver, "a skipped action is not handed over")
	require.False(t, midway.Done, "not done while handovers are pending")
}

// A late "pending" never overwrites an outcome the action already signalled.
func TestShiftProgressKeepsOutcomeOverLatePending(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
	env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
		// The action's acceptance signal is delivered before this answer is recorded.
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemPending}, nil
	}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "a", Status: workflows.ShiftItemAccepted})
	}, 0)
	env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, workflows.ShiftInput{
		ID: "s2", FromID: "alice", Items: []workflows.ShiftItem{{ActionID: "a", Status: workflows.ShiftItemRequested}},
	})
	require.True(t, env.IsWorkflowCompleted())
	var final workflows.ShiftProgress
	require.NoError(t, env.GetWorkflowResult(&final))
	require.Equal(t, workflows.ShiftItemAccepted, final.Items[0].Status)
}
