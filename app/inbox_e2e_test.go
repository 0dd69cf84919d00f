package app_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

type inbox struct {
	Owned              []action `json:"owned"`
	AwaitingAcceptance []action `json:"awaiting_acceptance"`
	FollowUpsDue       []action `json:"follow_ups_due"`
	ChecksDue          []action `json:"checks_due"`
}

func ids(actions []action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.ID
	}
	return out
}

// The inbox follows one action through a handover: waiting for the recipient, then owned by them
// and due for the hander's follow-up, then to be checked by the hander at the due time. Shifts
// gate who can receive it, and the recipient rates the handover once.
func testInboxShiftsFeedback(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "due_in", "3s"), &a))
	path := "/api/v1/actions/" + a.ID

	var me struct {
		OnShift bool `json:"on_shift"`
	}
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/shifts/end", nil, &me))
	require.False(t, me.OnShift)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path+"/handover", handoverBody, &p), "bob is off shift")
	require.Contains(t, p.Detail, "not on shift")
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/shifts/start", nil, &me))
	require.True(t, me.OnShift)
	require.Equal(t, http.StatusForbidden, as(t, st, "crm").call("POST", "/api/v1/shifts/start", nil, &p))

	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1s"), &a))
	var box inbox
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me/inbox", nil, &box))
	require.Contains(t, ids(box.AwaitingAcceptance), a.ID)
	require.NotContains(t, ids(box.Owned), a.ID)

	require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout"}, &a))
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me/inbox", nil, &box))
	require.Contains(t, ids(box.Owned), a.ID)
	require.NotContains(t, ids(box.AwaitingAcceptance), a.ID)
	require.Eventually(t, func() bool {
		alice.call("GET", "/api/v1/me/inbox", nil, &box)
		return slices.Contains(ids(box.FollowUpsDue), a.ID)
	}, 10*time.Second, 50*time.Millisecond, "alice's follow-up comes due after 1 s")
	require.Eventually(t, func() bool {
		alice.call("GET", "/api/v1/me/inbox", nil, &box)
		return slices.Contains(ids(box.ChecksDue), a.ID)
	}, 10*time.Second, 50*time.Millisecond, "at the due time alice must check")
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/check", map[string]any{"result": "done", "notes": "guest confirmed"}, &a))
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me/inbox", nil, &box))
	require.NotContains(t, ids(box.ChecksDue), a.ID)
	require.NotContains(t, ids(box.FollowUpsDue), a.ID, "the check ends the follow-ups")

	hid := a.Handovers[0].ID
	feedback := path + "/handovers/" + hid + "/feedback"
	require.Equal(t, http.StatusForbidden, alice.call("POST", feedback, map[string]any{"rating": 4}, &p), "only the recipient rates")
	require.Equal(t, http.StatusUnprocessableEntity, bob.call("POST", feedback, map[string]any{"rating": 6}, &p))
	// Each refusal says what is wrong with what was sent.
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{}, "rating: is required"},
		{map[string]any{"rating": 0}, "rating: must be at least 1"},
		{map[string]any{"rating": 2.5}, "rating: must be a whole number"},
		{map[string]any{"rating": 6}, "rating: must be at most 5"},
	} {
		require.Equal(t, http.StatusUnprocessableEntity, bob.call("POST", feedback, c.body, &p))
		require.Equal(t, c.want, p.Detail, "%v", c.body)
	}
	require.Equal(t, http.StatusNotFound, bob.call("POST", path+"/handovers/h9/feedback", map[string]any{"rating": 3}, &p), "an unknown handover")
	require.Contains(t, p.Detail, `no handover "h9"`)
	var rated struct {
		Handovers []struct {
			FeedbackRating  int    `json:"feedback_rating"`
			FeedbackComment string `json:"feedback_comment"`
		} `json:"handovers"`
	}
	require.Equal(t, http.StatusCreated, bob.call("POST", feedback, map[string]any{"rating": 4, "comment": "clear notes, missing the room number"}, &rated), "feedback after completion")
	require.Equal(t, 4, rated.Handovers[0].FeedbackRating)
	require.Equal(t, http.StatusConflict, bob.call("POST", feedback, map[string]any{"rating": 5}, &p), "rated once")
	require.Eventually(t, func() bool {
		var n struct {
			Items []struct {
				ActionID string `json:"action_id"`
				Kind     string `json:"kind"`
			} `json:"items"`
		}
		alice.call("GET", "/api/v1/me/notifications", nil, &n)
		return slices.ContainsFunc(n.Items, func(i struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
		}) bool {
			return i.ActionID == a.ID && i.Kind == "feedback"
		})
	}, 10*time.Second, 50*time.Millisecond, "the hander hears the feedback")
}
