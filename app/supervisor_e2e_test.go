package app_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

// An action taken over in a shift handover comes to its due time: the workflow asks the
// supervisors to check it (its hander has gone off shift), and the supervisor's inbox lists it
// among the checks due, as the notification says.
func testShiftTakeoverChecked(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	var a action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "due_in", "6s"), &a))
	// Answered within 3s, before its due time: handed over (due sooner than that, a supervisor's
	// shift handover would reassign it).
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "Leaving early", "situation": "routine", "accept_within": "3s"}, nil))
	require.Eventually(t, func() bool {
		var now action
		in.call("GET", "/api/v1/actions/"+a.ID, nil, &now)
		return now.PendingHandover != nil
	}, 10*time.Second, 25*time.Millisecond, "the shift handover asks the incoming person")
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I take the checkout on"}, nil))
	waitStatus(t, sup, a.ID, "checking", 0)
	var box inbox
	require.Eventually(t, func() bool {
		box = inbox{}
		sup.call("GET", "/api/v1/me/inbox", nil, &box)
		return slices.Contains(ids(box.ChecksDue), a.ID)
	}, 10*time.Second, 25*time.Millisecond, "the supervisor is asked to check it, and their inbox lists it")
}

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
