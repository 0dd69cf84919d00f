package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/workflows"
)

// The notice of someone gone off shift still owning actions is tried until the read model takes
// it (here a database down twice), with the change as it was given; then each of its webhook
// deliveries is sent on its own, retried until it gets through (here one, twice), and one refused
// ends the workflow all the same. Its ID names the person and the time of the change: one notice
// for one change.
func TestOwnerAwayNoticeIsRetriedUntilWritten(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.OwnerAwayNoticeWorkflow, workflowOptions(workflows.OwnerAwayWorkflowName))
	at := time.Date(2026, 12, 7, 17, 5, 0, 123456000, time.FixedZone("CET", 3600))
	a := workflows.OwnerAway{StaffID: "alice", ActorID: "carol", At: at}
	var tried []workflows.OwnerAway
	env.RegisterActivityWithOptions(func(_ context.Context, got workflows.OwnerAway) ([]json.RawMessage, error) {
		tried = append(tried, got)
		if len(tried) < 3 {
			return nil, errors.New("read model unavailable")
		}
		return []json.RawMessage{json.RawMessage(`{"id":"a"}`), json.RawMessage(`{"id":"b"}`), json.RawMessage(`{"id":"c"}`)}, nil
	}, activity.RegisterOptions{Name: workflows.OwnerAwayActivityName})
	var mu sync.Mutex
	sent := map[string]int{}
	env.RegisterActivityWithOptions(func(_ context.Context, raw json.RawMessage) error {
		var d struct{ ID string }
		require.NoError(t, json.Unmarshal(raw, &d))
		mu.Lock()
		defer mu.Unlock()
		sent[d.ID]++
		switch {
		case d.ID == "b" && sent[d.ID] < 3:
			return errors.New("webhook answered 503 Service Unavailable")
		case d.ID == "c":
			return temporal.NewNonRetryableApplicationError("webhook c refused: 422", "WebhookRefused", nil)
		}
		return nil
	}, activity.RegisterOptions{Name: workflows.DeliverActivityName})
	env.ExecuteWorkflow(workflows.OwnerAwayWorkflowName, a)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Len(t, tried, 3)
	for _, got := range tried {
		require.True(t, got.At.Equal(at))
		require.Equal(t, [2]string{"alice", "carol"}, [2]string{got.StaffID, got.ActorID})
	}
	require.Equal(t, map[string]int{"a": 1, "b": 3, "c": 1}, sent, "each on its own; a refused one not again")
	require.Equal(t, "away/alice/2026-12-07T16:05:00.123456Z", workflows.OwnerAwayWorkflowID(a), "in UTC, whatever zone it was given in")
}
