package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

type shiftProgress struct {
	ID    string `json:"id"`
	Done  bool   `json:"done"`
	Items []struct {
		ActionID   string `json:"action_id"`
		Status     string `json:"status"`
		HandoverID string `json:"handover_id"`
		Reason     string `json:"reason"`
	} `json:"items"`
}

func (p shiftProgress) statuses() map[string]string {
	out := map[string]string{}
	for _, it := range p.Items {
		out[it.ActionID] = it.Status
	}
	return out
}

// A supervisor hands over erin's shift to bob: bob accepts one action, declines one and lets one
// expire; one more, already at its due time, is skipped. The progress view follows each.
func testShiftHandover(t *testing.T, st *app.Stack) {
	erin, bob, carol := as(t, st, "erin"), as(t, st, "bob"), as(t, st, "carol")
	var ids []string
	for range 3 {
		var a action
		require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", newAction("erin"), &a))
		ids = append(ids, a.ID)
	}
	var due action
	require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", merge(newAction("erin"), "due_in", "1s"), &due))
	waitStatus(t, erin, due.ID, "checking", 0)

	var p problem
	require.Equal(t, http.StatusForbidden, bob.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": "erin", "notes": "n", "situation": "busy"}, &p), "an agent cannot hand over a colleague's shift")
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": "erin", "situation": "busy"}, &p))

	body := map[string]any{"from_id": "erin", "to_id": "bob", "notes": "Quiet night; room 12 waits on a plumber.", "situation": "routine", "accept_within": "4s"}
	key := modelstest.Name("shift")
	var started, again shiftProgress
	require.Equal(t, http.StatusAccepted, carol.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.Equal(t, http.StatusAccepted, carol.call("POST", "/api/v1/shift-handovers", body, &again, "Idempotency-Key", key))
	require.Equal(t, started.ID, again.ID, "re-running it is the same shift handover")

	var progress shiftProgress
	require.Eventually(t, func() bool {
		carol.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		s := progress.statuses()
		return s[ids[0]] == "pending" && s[ids[1]] == "pending" && s[ids[2]] == "pending"
	}, 10*time.Second, 50*time.Millisecond, "each action's handover is made")
	require.Equal(t, "skipped", progress.statuses()[due.ID], "an action at its due time is skipped, not failed")

	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+ids[0]+"/accept", map[string]any{"summary": "taking the plumber visit"}, nil))
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+ids[1]+"/decline", map[string]any{"reason": "needs authority I lack"}, nil))
	require.Eventually(t, func() bool {
		carol.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		return progress.Done
	}, 15*time.Second, 50*time.Millisecond, "the third handover expires after 4 s and the shift handover ends")
	s := progress.statuses()
	require.Equal(t, "accepted", s[ids[0]])
	require.Equal(t, "declined", s[ids[1]])
	require.Equal(t, "expired", s[ids[2]])

	var a action
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+ids[0], nil, &a))
	require.Equal(t, "bob", a.OwnerID)
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions/"+ids[1], nil, &a))
	require.Equal(t, "erin", a.OwnerID, "a declined handover leaves the owner")
	require.Equal(t, http.StatusNotFound, as(t, st, "crm").call("GET", "/api/v1/shift-handovers/"+modelstest.Name("x"), nil, &p))
}
