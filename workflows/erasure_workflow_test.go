package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/workflows"
)

// The erasure notice is sent until the integration takes it: a delivery that fails is tried
// again (here twice), with the erasure as it was given, and the workflow ends once one got
// through. Its ID is one per erasure, naming the customer or, for one without a reference, the
// action.
func TestErasureNoticeIsRetriedUntilSent(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ErasureNoticeWorkflow, workflowOptions(workflows.ErasureWorkflowName))
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	e := workflows.Erasure{CustomerRef: "G-1001", ActorID: "root", At: at}
	var tried []workflows.Erasure
	env.RegisterActivityWithOptions(func(_ context.Context, got workflows.Erasure) error {
		tried = append(tried, got)
		if len(tried) < 3 {
			return errors.New("webhook answered 503 Service Unavailable")
		}
		return nil
	}, activity.RegisterOptions{Name: workflows.ErasureActivityName})
	env.ExecuteWorkflow(workflows.ErasureWorkflowName, e)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Len(t, tried, 3)
	for _, got := range tried {
		require.Equal(t, e, got)
	}
	// A notice started by an earlier release names the customer by a digest of the reference, as
	// its running activity's deliveries still do.
	id := workflows.ErasureWorkflowID(e)
	require.Regexp(t, `^erasure/[0-9a-f]{16}/2026-12-05T09:30:00Z$`, id, "a digest of the reference, not the reference")
	require.NotContains(t, id, "G-1001")
	walkIn := workflows.ErasureWorkflowID(workflows.Erasure{ActionID: "a1", At: at})
	require.NotEqual(t, id, walkIn)
	require.Regexp(t, `^erasure/[0-9a-f]{16}/`, workflows.ErasureWorkflowID(workflows.Erasure{CustomerRef: "Müller/7 ü", At: at}), "any reference")
	// One started now carries its own random ID: nothing of the customer's, not even a digest.
	e.Notice = "0b4c7a52-31d2-4f0e-9a57-f1de2c9b8e61"
	require.Equal(t, "erasure/0b4c7a52-31d2-4f0e-9a57-f1de2c9b8e61", workflows.ErasureWorkflowID(e))
}
