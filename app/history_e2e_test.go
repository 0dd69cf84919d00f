package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	enums "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/handover/handover/app"
	"github.com/handover/handover/workflows"
)

// testEngineWork drives one lifecycle (create, handover, accept, complete) and checks what it cost
// the engine: an action of the current revision records no workflow-version markers and no
// search-attribute upserts, and leaves no deadline timer behind to wake it after it ended; the
// only timer still running is the one that keeps the ended action open for notes.
func testEngineWork(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "confirmed"}, nil))

	events := actionHistory(t, st, a.ID)
	running := map[string]bool{}
	started := 0
	for _, e := range events {
		switch e.GetEventType() {
		case enums.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			t.Errorf("event %d: search attributes upserted", e.GetEventId())
		case enums.EVENT_TYPE_MARKER_RECORDED:
			require.NotEqual(t, "Version", e.GetMarkerRecordedEventAttributes().GetMarkerName(), "event %d: a workflow-version marker", e.GetEventId())
		case enums.EVENT_TYPE_TIMER_STARTED:
			running[e.GetTimerStartedEventAttributes().GetTimerId()] = true
			started++
		case enums.EVENT_TYPE_TIMER_CANCELED:
			delete(running, e.GetTimerCanceledEventAttributes().GetTimerId())
		case enums.EVENT_TYPE_TIMER_FIRED:
			delete(running, e.GetTimerFiredEventAttributes().GetTimerId())
		}
	}
	require.Len(t, running, 1, "only the keep-open timer runs after the action ended")
	// The due time at the start, the acceptance deadline, the keep-open sleep: accepting moves the
	// next deadline later, which keeps the acceptance timer.
	require.Equal(t, 3, started)
	t.Logf("one lifecycle: %d history events", len(events))
}

// actionHistory reads the whole Temporal history of an action's workflow (its current run).
func actionHistory(t *testing.T, st *app.Stack, actionID string) []*historypb.HistoryEvent {
	t.Helper()
	var events []*historypb.HistoryEvent
	iter := st.Client.GetWorkflowHistory(context.Background(), workflows.ActionWorkflowID(actionID), "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		e, err := iter.Next()
		require.NoError(t, err)
		events = append(events, e)
	}
	return events
}
