package app_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

type inbox struct {
	Owned              []action `json:"owned"`
	AwaitingAcceptance []action `json:"awaiting_acceptance"`
	FollowUpsDue       []action `json:"follow_ups_due"`
	ChecksDue          []action `json:"checks_due"`
	Escalated          []action `json:"escalated"`
	OwnedByPeopleAway  []action `json:"owned_by_people_away"`
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
	require.Equal(t, http.StatusUnprocessableEntity, bob.call("POST", "/api/v1/shifts/start", map[string]any{"on_shift": true}, &p),
		"it takes no body: a field sent is refused by name")
	require.Equal(t, []string{"on_shift"}, fieldsOf(p))
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/shifts/start", nil, &me))
	require.True(t, me.OnShift)
	require.Equal(t, http.StatusForbidden, as(t, st, "crm").call("POST", "/api/v1/shifts/start", nil, &p))

	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1h"), &p),
		"a follow-up after the due time would never come before the check")
	require.Equal(t, []string{"follow_up_in"}, fieldsOf(p))
	require.Contains(t, p.Detail, "not before the action's due time")
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1s"), &a))
	// The request names the sender as people know them, not by staff ID.
	var told struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
			Message  string `json:"message"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me/notifications", nil, &told))
	var asked []string
	for _, n := range told.Items {
		if n.ActionID == a.ID && n.Kind == "handover_requested" {
			asked = append(asked, n.Message)
		}
	}
	require.Len(t, asked, 1)
	require.True(t, strings.HasPrefix(asked[0], `Alice Adams asks you to take over “Late checkout for room 214”: `), asked[0])
	var box inbox
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me/inbox", nil, &box))
	require.Contains(t, ids(box.AwaitingAcceptance), a.ID)
	require.NotContains(t, ids(box.Owned), a.ID)

	require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, &a))
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
		{map[string]any{"rating": 2}, "comment: say what was missing: a rating of 1 or 2 needs a comment"},
		{map[string]any{"rating": 1, "comment": "  "}, "comment: say what was missing: a rating of 1 or 2 needs a comment"},
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
	rating := map[string]any{"rating": 4, "comment": "clear notes, missing the room number"}
	require.Equal(t, http.StatusCreated, bob.call("POST", feedback, rating, &rated, "Idempotency-Key", "rate-1"), "feedback after completion")
	require.Equal(t, 4, rated.Handovers[0].FeedbackRating)
	// The key names the request with its handover: the same body about another handover is not a retry.
	require.Equal(t, http.StatusUnprocessableEntity, bob.call("POST", path+"/handovers/h9/feedback", rating, &p, "Idempotency-Key", "rate-1"))
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
	require.Equal(t, http.StatusCreated, bob.call("POST", feedback, rating, &rated, "Idempotency-Key", "rate-1"), "a retry of the first gets its answer")
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

// A person's work stays with someone who can act on it: nobody is moved to another team or
// deactivated while they own open actions or have handovers to accept; a recipient who could no
// longer be handed the action (here, off shift) cannot accept it; and someone moved to another team
// no longer sees the old team's actions in their inbox.
func testWorkStaysWithSomeoneWhoCanAct(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	team, mo, pat := modelstest.Name("laundry"), modelstest.Name("mo"), modelstest.Name("pat")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Laundry"}, nil))
	person := func(id string) caller {
		require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": id, "name": id, "role": "agent", "team_id": "frontdesk", "authority": 1, "on_shift": true}, nil))
		token, err := st.Store.IssueToken(context.Background(), "test-admin", id, "test")
		require.NoError(t, err)
		return caller{t: t, base: st.URL, token: token}
	}
	moCalls, patCalls := person(mo), person(pat)

	var a action
	require.Equal(t, http.StatusCreated, moCalls.call("POST", "/api/v1/actions", newAction(mo), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, moCalls.call("POST", path+"/handover", merge(merge(handoverBody, "to_id", pat), "follow_up_in", "1s"), &a))

	var p problem
	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"team_id": team}, &p))
	require.Equal(t, "1 handover waits for "+pat+"'s answer: "+pat+" accepts or declines it, or whoever sent it withdraws it; then "+pat+" moves to another team", p.Detail)
	var staff struct {
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusOK, root.call("GET", "/api/v1/staff/"+pat, nil, &staff))
	require.Equal(t, "frontdesk", staff.TeamID, "the refusal changed nothing")

	// Taken off shift by an administrator, which leaves the handover waiting (their own end of
	// shift would decline it).
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"on_shift": false}, nil))
	require.Equal(t, http.StatusForbidden, patCalls.call("POST", path+"/accept", map[string]any{"summary": "I take it on"}, &p))
	require.Equal(t, "you cannot take this action on: you are not on shift", p.Detail, "said to them, not of them")
	require.Equal(t, http.StatusOK, patCalls.call("POST", "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, patCalls.call("POST", path+"/accept", map[string]any{"summary": "I take it on"}, &a))
	require.Equal(t, pat, a.OwnerID)

	var box inbox
	require.Eventually(t, func() bool {
		moCalls.call("GET", "/api/v1/me/inbox", nil, &box)
		return slices.Contains(ids(box.FollowUpsDue), a.ID)
	}, 10*time.Second, 50*time.Millisecond, "mo's follow-up comes due after 1 s")
	// Mo holds nothing now (pat owns it), so mo can move; the old team's action leaves mo's inbox.
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+mo, map[string]any{"team_id": team}, nil))
	require.Equal(t, http.StatusOK, moCalls.call("GET", "/api/v1/me/inbox", nil, &box))
	require.Empty(t, box.FollowUpsDue, "frontdesk's action is out of mo's scope now")
	require.Equal(t, http.StatusNotFound, moCalls.call("GET", path, nil, &p))

	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"active": false}, &p))
	require.Contains(t, p.Detail, pat+" owns 1 open action: a supervisor of Front desk or a manager passes it on")
	// Nor made a role that cannot own actions, nor given less authority than an action of theirs
	// needs; a refused change changes nothing it carried.
	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"role": "service"}, &p))
	require.Equal(t, pat+" owns 1 open action: a supervisor of Front desk or a manager passes it on (a shift handover from the board, or a reassignment); then "+pat+" becomes service, who cannot own actions", p.Detail)
	var high action
	require.Equal(t, http.StatusCreated, patCalls.call("POST", "/api/v1/actions", merge(newAction(pat), "required_authority", 1), &high))
	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"authority": 0, "name": "Pat Renamed"}, &p))
	require.Equal(t, pat+" owns 1 open action that needs more than authority 0: a supervisor of Front desk or a manager passes it on (a shift handover from the board, or a reassignment); then "+pat+" has authority 0", p.Detail)
	var who struct {
		Name      string `json:"name"`
		Authority int    `json:"authority"`
	}
	require.Equal(t, http.StatusOK, root.call("GET", "/api/v1/staff/"+pat, nil, &who))
	require.Equal(t, pat, who.Name)
	require.Equal(t, 1, who.Authority)
	require.Equal(t, http.StatusOK, patCalls.call("POST", "/api/v1/actions/"+high.ID+"/complete", map[string]any{"outcome": "done"}, nil))
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"authority": 0}, nil), "what pat still owns needs no authority")
	require.Equal(t, http.StatusOK, patCalls.call("POST", path+"/complete", map[string]any{"outcome": "done"}, nil))
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+pat, map[string]any{"active": false}, nil), "nothing held any more")
}

// The hander records their follow-up: only they may, with a note; it leaves their inbox's
// follow-ups due (or comes back when they asked to be reminded again), and is on the timeline.
func testFollowUpRecorded(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1s"), nil))
	var p problem
	require.Equal(t, http.StatusConflict, alice.call("POST", path+"/follow-up", map[string]any{"note": "too early"}, &p), "nothing to follow up before acceptance")
	require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
	var box inbox
	require.Eventually(t, func() bool {
		alice.call("GET", "/api/v1/me/inbox", nil, &box)
		return slices.Contains(ids(box.FollowUpsDue), a.ID)
	}, 10*time.Second, 50*time.Millisecond, "alice's follow-up comes due after 1 s")

	require.Equal(t, http.StatusForbidden, bob.call("POST", path+"/follow-up", map[string]any{"note": "fine"}, &p))
	require.Contains(t, p.Detail, "only Alice Adams, who handed this action over")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path+"/follow-up", map[string]any{"note": "ok", "again_in": "soon"}, &p))
	require.Equal(t, "again_in", p.Errors[0].Field)
	// A reminder again after the due time is refused, as a handover's follow-up is: the check is
	// asked then anyway. Nothing changes: the follow-up is still due.
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path+"/follow-up", map[string]any{"note": "ok", "again_in": "48h"}, &p))
	require.Equal(t, "again_in", p.Errors[0].Field)
	require.Contains(t, p.Detail, "not before the action's due time")
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me/inbox", nil, &box))
	require.Contains(t, ids(box.FollowUpsDue), a.ID, "refused: still due")

	var got struct {
		action
		FollowUp *struct {
			HanderID string    `json:"hander_id"`
			DueAt    time.Time `json:"due_at"`
		} `json:"follow_up"`
	}
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/follow-up", map[string]any{"note": "bob waits on housekeeping", "again_in": "2h"}, &got))
	require.NotNil(t, got.FollowUp)
	require.Equal(t, "alice", got.FollowUp.HanderID)
	require.WithinDuration(t, time.Now().Add(2*time.Hour), got.FollowUp.DueAt, time.Minute)
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me/inbox", nil, &box))
	require.NotContains(t, ids(box.FollowUpsDue), a.ID, "not due again for 2h")

	require.Equal(t, http.StatusOK, alice.call("POST", path+"/follow-up", map[string]any{"note": "housekeeping agreed"}, &got))
	require.Nil(t, got.FollowUp, "no more reminders")
	var events struct {
		Items []struct {
			Type    string         `json:"type"`
			ActorID string         `json:"actor_id"`
			Data    map[string]any `json:"data"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, bob.call("GET", path+"/events", nil, &events))
	var notes []any
	for _, e := range events.Items {
		if e.Type == "followed_up" {
			require.Equal(t, "alice", e.ActorID)
			notes = append(notes, e.Data["note"])
		}
	}
	require.Equal(t, []any{"bob waits on housekeeping", "housekeeping agreed"}, notes)
}

// The hander asked to check at the due time is reminded again every follow_up_every until they
// make the check; the check ends it.
func testRemindedUntilTheCheck(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	category := modelstest.Name("remindcheck")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+category,
		map[string]any{"follow_up_every": "1s", "check_within": "1h", "clock": "24/7"}, nil))
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(merge(newAction("alice"), "due_in", "2s"), "category", category), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
	waitStatus(t, alice, a.ID, "checking", 0)
	reminders := func() int {
		var told notificationsPage
		require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me/notifications", nil, &told))
		n := 0
		for _, m := range told.Items {
			if m.ActionID == a.ID && m.Kind == "check_asked" && strings.Contains(m.Message, "still waits for your check") {
				n++
			}
		}
		return n
	}
	require.Eventually(t, func() bool { return reminders() >= 2 }, 15*time.Second, 50*time.Millisecond,
		"alice is reminded of the check every second")
	var got action
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/check", map[string]any{"result": "done", "notes": "bob confirmed"}, &got))
	require.Equal(t, "completed", got.Status)
	var events struct {
		Items []struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", path+"/events", nil, &events))
	checkReminders := 0
	for _, e := range events.Items {
		if e.Type == "follow_up_reminder" && e.Data["check_by"] != nil {
			checkReminders++
			require.Equal(t, "alice", e.Data["hander_id"])
		}
	}
	require.GreaterOrEqual(t, checkReminders, 2, "each reminder is on the timeline with the check_by it has")
}
