package app_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

// An action escalated to the top of the ladder cannot be escalated again: the refusal says why
// and the timeline keeps one escalation; a retry of the escalation that took it there still gets
// its first answer.
func testNoEscalationAboveTheTop(t *testing.T, st *app.Stack) {
	carol, dave := as(t, st, "carol"), as(t, st, "dave")
	var a escalatedAction
	require.Equal(t, http.StatusCreated, carol.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID + "/escalate"
	body := map[string]any{"reason": "the guest threatens to leave"}
	require.Equal(t, http.StatusOK, dave.call("POST", path, body, &a, "Idempotency-Key", "esc-top-1"))
	require.Equal(t, "escalated", a.Status)
	require.Equal(t, 2, a.EscalationLevel, "a manager's escalation goes to the top")
	require.Equal(t, http.StatusOK, dave.call("POST", path, body, &a, "Idempotency-Key", "esc-top-1"), "a retry is answered as the first time")
	require.Equal(t, 2, a.EscalationLevel)
	for _, who := range []caller{dave, carol} {
		var p problem
		require.Equal(t, http.StatusConflict, who.call("POST", path, map[string]any{"reason": "still nobody on it"}, &p))
		require.Contains(t, p.Detail, "already escalated to the top of its ladder (manager, level 2)")
	}
	escalations := 0
	for _, e := range timelineOf(t, carol, a.ID) {
		if e.Type == "escalated" {
			escalations++
		}
	}
	require.Equal(t, 1, escalations, "nothing recorded twice")
}
