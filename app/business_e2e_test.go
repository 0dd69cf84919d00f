package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

type businessAction struct {
	ID            string     `json:"id"`
	Status        string     `json:"status"`
	DueAt         time.Time  `json:"due_at"`
	Paused        bool       `json:"paused"`
	PausedAt      *time.Time `json:"paused_at"`
	PauseReason   *string    `json:"pause_reason"`
	DueLeft       *string    `json:"due_left"`
	ResumeAt      *time.Time `json:"resume_at"`
	PauseRemindAt *time.Time `json:"pause_remind_at"`
	PolicyVersion int        `json:"policy_version"`
	Policy        *struct {
		AcceptWithin     string   `json:"accept_within"`
		CheckWithin      string   `json:"check_within"`
		PauseRemindEvery string   `json:"pause_remind_every"`
		Clock            string   `json:"clock"`
		RequiredFields   []string `json:"required_fields"`
	} `json:"policy"`
	Handovers []struct {
		Notes struct {
			Fields map[string]string `json:"fields"`
		} `json:"notes"`
	} `json:"handovers"`
}

type policyView struct {
	Version        int      `json:"version"`
	Clock          string   `json:"clock"`
	RequiredFields []string `json:"required_fields"`
}

func fieldsOf(p problem) []string {
	out := make([]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = e.Field
	}
	return out
}

// A team whose calendar is closed now and for at least a day: an action on a business-time
// policy falls due at the next opening, while one on a 24/7 policy beside it falls due at once. A
// paused action stays put past its due time and resumes with the time it had left. A category's
// policy names the note fields its handovers must carry, and a running action keeps the policy
// version it started with.
func testBusinessTimeAndPause(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	owner, other, sup, ownerID, otherID := teamOf3(t, st)
	var me struct {
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/me", nil, &me))
	team := me.TeamID
	calPath := "/api/v1/teams/" + team + "/calendar"

	// Without a calendar the team is open around the clock.
	var cal struct {
		TimeZone       string `json:"time_zone"`
		AroundTheClock bool   `json:"around_the_clock"`
		Hours          []struct {
			Day, Open, Close string
		} `json:"hours"`
		Holidays []string `json:"holidays"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", calPath, nil, &cal))
	require.True(t, cal.AroundTheClock)

	// Open only on the day after tomorrow (UTC), all day: closed now and for at least 24 hours.
	now := time.Now().UTC()
	openDay := time.Date(now.Year(), now.Month(), now.Day()+2, 0, 0, 0, 0, time.UTC)
	day := strings.ToLower(openDay.Weekday().String()[:3])
	body := map[string]any{
		"time_zone": "UTC", "hours": []map[string]any{{"day": day, "open": "00:00", "close": "24:00"}},
		"holidays": []string{"2026-12-25"},
	}
	var p problem
	require.Equal(t, http.StatusForbidden, sup.call("PUT", calPath, body, &p), "only administrators set calendars")
	require.Equal(t, http.StatusNotFound, root.call("PUT", "/api/v1/teams/no-such-team/calendar", body, &p))
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", calPath, map[string]any{"time_zone": "Mars/Olympus", "hours": []map[string]any{}}, &p))
	require.ElementsMatch(t, []string{"time_zone", "hours"}, fieldsOf(p), "an unknown zone and the empty week, each named in one answer")
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", calPath, map[string]any{"time_zone": "UTC", "hours": []map[string]any{}}, &p))
	require.Equal(t, []string{"hours"}, fieldsOf(p), "a calendar with no open hours is refused")
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", calPath, map[string]any{"time_zone": "UTC", "hours": []map[string]any{{"day": "mon", "open": "18:00", "close": "08:00"}}, "holidays": []string{"25/12/2026"}}, &p))
	require.ElementsMatch(t, []string{"hours[0].close", "holidays[0]"}, fieldsOf(p))
	require.Equal(t, http.StatusOK, owner.call("GET", calPath, nil, &cal))
	require.True(t, cal.AroundTheClock, "refused calendars change nothing")
	require.Equal(t, http.StatusOK, root.call("PUT", calPath, body, &cal))
	require.Equal(t, http.StatusOK, owner.call("GET", calPath, nil, &cal))
	require.False(t, cal.AroundTheClock)
	require.Equal(t, "UTC", cal.TimeZone)
	require.Len(t, cal.Hours, 1)
	require.Equal(t, day, cal.Hours[0].Day)
	require.Equal(t, []string{"2026-12-25"}, cal.Holidays)

	// Two categories: refunds on business time needing two note fields, urgent ones 24/7.
	refund, urgent := modelstest.Name("refund"), modelstest.Name("urgent")
	var v1, v2, u policyView
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", "/api/v1/policies/"+refund, map[string]any{"clock": "sometimes"}, &p))
	require.Equal(t, []string{"clock"}, fieldsOf(p))
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", "/api/v1/policies/"+refund, map[string]any{"required_fields": []string{"amount", "Amount!", "amount"}}, &p))
	require.Equal(t, []string{"required_fields[1]", "required_fields[2]"}, fieldsOf(p))
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/policies/"+refund, map[string]any{"required_fields": []string{"amount", "payment_reference"}}, &v1))
	require.Equal(t, "business", v1.Clock)
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/policies/"+urgent, map[string]any{"clock": "24/7", "pause_remind_every": "6h"}, &u))
	require.Equal(t, "24/7", u.Clock)

	create := func(category, dueIn string) businessAction {
		t.Helper()
		var a businessAction
		req := map[string]any{"title": "Refund a double charge", "category": category, "owner_id": ownerID, "due_in": dueIn,
			"customer": map[string]any{"ref": "G-77"}}
		require.Equal(t, http.StatusCreated, owner.call("POST", "/api/v1/actions", req, &a))
		return a
	}
	biz := create(refund, "1s")
	require.True(t, biz.DueAt.Equal(openDay.Add(time.Second)), "due at the next opening plus a second, got %s", biz.DueAt)
	require.Equal(t, v1.Version, biz.PolicyVersion)
	fast := create(urgent, "1s")
	require.WithinDuration(t, time.Now().Add(time.Second), fast.DueAt, 5*time.Second, "24/7 counts around the clock")
	paused := create(urgent, "1s")

	// Pause: only the owner or a supervisor, with a reason, not twice.
	act := "/api/v1/actions/" + paused.ID
	require.Equal(t, http.StatusForbidden, other.call("POST", act+"/pause", map[string]any{"reason": "x"}, &p))
	require.Equal(t, http.StatusUnprocessableEntity, owner.call("POST", act+"/pause", map[string]any{}, &p))
	require.Equal(t, []string{"reason"}, fieldsOf(p))
	require.Equal(t, http.StatusOK, owner.call("POST", act+"/pause", map[string]any{"reason": "waiting for the bank statement"}, &paused))
	require.True(t, paused.Paused)
	require.Equal(t, http.StatusConflict, owner.call("POST", act+"/pause", map[string]any{"reason": "again"}, &p))
	require.NotNil(t, paused.PausedAt)
	require.WithinDuration(t, time.Now(), *paused.PausedAt, 5*time.Second)
	require.NotNil(t, paused.PauseRemindAt, "without an end, its owner is reminded")
	require.WithinDuration(t, paused.PausedAt.Add(6*time.Hour), *paused.PauseRemindAt, time.Millisecond, "as its category's policy says, around the clock")
	// One action may set its own.
	var own businessAction
	require.Equal(t, http.StatusCreated, owner.call("POST", "/api/v1/actions", map[string]any{"title": "Lost luggage", "category": urgent, "owner_id": ownerID,
		"due_in": "1h", "pause_remind_every": "2h", "customer": map[string]any{"ref": "G-78"}}, &own))
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+own.ID+"/pause", map[string]any{"reason": "waiting for the airline"}, &own))
	require.WithinDuration(t, own.PausedAt.Add(2*time.Hour), *own.PauseRemindAt, time.Millisecond, "its own interval")
	// The action says the policy it counts: its category's, with what it was given of its own.
	require.NotNil(t, own.Policy, "the answer says it")
	require.Equal(t, "2h0m0s", own.Policy.PauseRemindEvery)
	require.Equal(t, "24/7", own.Policy.Clock)
	require.Equal(t, "30m0s", own.Policy.AcceptWithin, "the default, the category not saying")
	var kept businessAction
	require.Eventually(t, func() bool {
		return owner.call("GET", "/api/v1/actions/"+own.ID, nil, &kept) == http.StatusOK && kept.Paused
	}, 10*time.Second, 20*time.Millisecond)
	require.NotNil(t, kept.Policy, "the read model keeps it")
	require.Equal(t, *own.Policy, *kept.Policy)
	var refunds struct {
		Items []businessAction `json:"items"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions?customer_ref=G-77&limit=200", nil, &refunds))
	sawRefund := false
	for _, r := range refunds.Items {
		if r.ID == biz.ID {
			sawRefund = true
			require.NotNil(t, r.Policy, "a list says it too")
			require.Equal(t, []string{"amount", "payment_reference"}, r.Policy.RequiredFields)
			require.Equal(t, "business", r.Policy.Clock)
			require.Equal(t, "24h0m0s", r.Policy.PauseRemindEvery, "the default")
		}
	}
	require.True(t, sawRefund)
	// An action started before a pause reminded (revision 24) says none, from the read model, the
	// workflow, or a command's answer; a row written before the read model kept the policy says
	// nothing of it until the action changes.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET revision = 24 WHERE id = ?", own.ID).Error)
	for _, path := range []string{"/api/v1/actions/" + own.ID, "/api/v1/actions/" + own.ID + "?consistent=true"} {
		require.Equal(t, http.StatusOK, owner.call("GET", path, nil, &kept))
		require.Empty(t, kept.Policy.PauseRemindEvery, path)
		require.Equal(t, "30m0s", kept.Policy.AcceptWithin, path)
	}
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+own.ID+"/resume", map[string]any{"reason": "the airline called"}, &kept))
	require.Empty(t, kept.Policy.PauseRemindEvery, "a command's answer")
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET revision = NULL, policy = NULL WHERE id = ?", own.ID).Error)
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+own.ID, nil, &kept))
	require.Nil(t, kept.Policy, "not known")
	require.Equal(t, http.StatusCreated, owner.call("POST", "/api/v1/actions/"+own.ID+"/notes", map[string]any{"text": "airline called back"}, nil))
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+own.ID, nil, &kept))
	require.NotNil(t, kept.Policy, "written again with the change")
	require.Equal(t, "2h0m0s", kept.Policy.PauseRemindEvery)
	require.NotNil(t, paused.DueLeft, "a paused action says how much time it has once resumed")
	require.Regexp(t, `^\d+s$`, *paused.DueLeft, "in whole seconds, as the read model keeps it")
	// On business time what is left is business time: a refund due 90 minutes into the next
	// opening, paused now (the desk closed), has 90 minutes left, not the day and more until then.
	waiting := create(refund, "90m")
	require.Nil(t, waiting.PausedAt)
	require.Nil(t, waiting.PauseReason)
	require.Nil(t, waiting.DueLeft, "a running action has its due time instead")
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+waiting.ID+"/pause", map[string]any{"reason": "waiting on the guest"}, &waiting))
	require.Equal(t, "waiting on the guest", *waiting.PauseReason, "the answer says why it waits")
	require.Equal(t, "1h30m0s", *waiting.DueLeft)
	require.NotNil(t, waiting.PauseRemindAt)
	require.True(t, waiting.PauseRemindAt.Equal(openDay), "a day on the desk is closed: reminded at its next opening, not %s", waiting.PauseRemindAt)
	var back businessAction
	require.Eventually(t, func() bool {
		return owner.call("GET", "/api/v1/actions/"+waiting.ID, nil, &back) == http.StatusOK && back.Paused
	}, 10*time.Second, 20*time.Millisecond)
	require.NotNil(t, back.DueLeft, "the read model keeps it")
	require.Equal(t, "1h30m0s", *back.DueLeft, "as the workflow counted it, on the calendar")
	require.NotNil(t, back.PauseReason, "and why it waits")
	require.Equal(t, "waiting on the guest", *back.PauseReason)
	require.True(t, back.PausedAt.Equal(*waiting.PausedAt))
	require.NotNil(t, back.PauseRemindAt, "the read model keeps the next reminder")
	require.True(t, back.PauseRemindAt.Equal(openDay))
	// A row paused before the read model kept the time left (an older release's) has none, and
	// reads as a due time that stays put; the workflow, asked, says the time left all the same.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET due_left_seconds = NULL WHERE id = ?", waiting.ID).Error)
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+waiting.ID, nil, &back))
	require.Nil(t, back.DueLeft, "the row's")
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+waiting.ID+"?consistent=true", nil, &back))
	require.NotNil(t, back.DueLeft, "the workflow's")
	require.Equal(t, "1h30m0s", *back.DueLeft)
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+waiting.ID+"/resume", map[string]any{"reason": "the guest answered"}, &back))
	require.Nil(t, back.PausedAt)
	require.Nil(t, back.PauseReason)
	require.Nil(t, back.DueLeft)
	require.Nil(t, back.PauseRemindAt, "running again: no reminder")
	// A supervisor can still escalate a paused action by hand; it stays paused.
	vip := create(urgent, "1h")
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+vip.ID+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
	var escalated struct {
		Status          string `json:"status"`
		EscalationLevel int    `json:"escalation_level"`
		Paused          bool   `json:"paused"`
	}
	require.Equal(t, http.StatusOK, sup.call("POST", "/api/v1/actions/"+vip.ID+"/escalate", map[string]any{"reason": "VIP complaint"}, &escalated))
	require.Equal(t, "escalated", escalated.Status)
	require.Equal(t, 2, escalated.EscalationLevel, "a supervisor's escalation goes to the managers")
	require.True(t, escalated.Paused)
	// The list keeps the actions paused now.
	var list struct {
		Items []businessAction `json:"items"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions?paused=true&team_id="+team, nil, &list))
	var pausedIDs []string
	for _, it := range list.Items {
		require.True(t, it.Paused, it.ID)
		pausedIDs = append(pausedIDs, it.ID)
	}
	require.Contains(t, pausedIDs, vip.ID)
	require.Contains(t, pausedIDs, paused.ID)
	require.NotContains(t, pausedIDs, biz.ID)
	require.Equal(t, http.StatusUnprocessableEntity, owner.call("GET", "/api/v1/actions?paused=maybe", nil, &p))
	// false is as if left out: no filter, the paused among the rest.
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions?paused=false&team_id="+team, nil, &list))
	var all []string
	for _, it := range list.Items {
		all = append(all, it.ID)
	}
	require.Contains(t, all, vip.ID)
	require.Contains(t, all, biz.ID)
	require.Equal(t, []string{"paused"}, fieldsOf(p))

	// A pause given an end resumes by itself then, by the system, its clocks moved on; a bad end
	// is refused, naming its field, and pauses nothing.
	ends := create(urgent, "1h")
	var e businessAction
	endsAt := "/api/v1/actions/" + ends.ID
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"reason": "waiting", "resume_in": "2s", "resume_at": time.Now().Add(time.Hour).Format(time.RFC3339)}, "resume_in"},
		{map[string]any{"reason": "waiting", "resume_at": time.Now().Add(-time.Hour).Format(time.RFC3339)}, "resume_at"},
		{map[string]any{"reason": "waiting", "resume_in": "2d"}, "resume_in"},
		{map[string]any{"reason": "waiting", "resume_in": "9000h"}, "resume_in"},
	} {
		require.Equal(t, http.StatusUnprocessableEntity, owner.call("POST", endsAt+"/pause", bad.body, &p), "%v", bad.body)
		require.Equal(t, []string{bad.field}, fieldsOf(p), "%v", bad.body)
	}
	require.Equal(t, http.StatusOK, owner.call("GET", endsAt, nil, &e))
	require.False(t, e.Paused, "refused pauses change nothing")
	require.Equal(t, http.StatusOK, owner.call("POST", endsAt+"/pause", map[string]any{"reason": "waiting for the guest's flight number", "resume_in": "2s"}, &e))
	require.True(t, e.Paused)
	require.NotNil(t, e.ResumeAt, "the answer says when it resumes")
	require.Nil(t, e.PauseRemindAt, "its end brings it back: no reminder")
	require.WithinDuration(t, e.PausedAt.Add(2*time.Second), *e.ResumeAt, time.Millisecond)
	require.Eventually(t, func() bool {
		return owner.call("GET", endsAt, nil, &e) == http.StatusOK && !e.Paused
	}, 20*time.Second, 50*time.Millisecond, "resumed by itself")
	require.Nil(t, e.ResumeAt)
	require.Nil(t, e.PausedAt)
	require.True(t, e.DueAt.After(ends.DueAt), "the due time moved on by the pause")
	var timeline struct {
		Items []struct {
			Type    string         `json:"type"`
			ActorID string         `json:"actor_id"`
			Data    map[string]any `json:"data"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", endsAt+"/events", nil, &timeline))
	require.Len(t, timeline.Items, 3)
	require.Equal(t, "paused", timeline.Items[1].Type)
	require.NotEmpty(t, timeline.Items[1].Data["resume_at"])
	require.Equal(t, "resumed", timeline.Items[2].Type)
	require.Equal(t, "system", timeline.Items[2].ActorID)
	require.Equal(t, "its pause ran out at the time set (paused: waiting for the guest's flight number)", timeline.Items[2].Data["reason"])

	// The 24/7 action falls due; the business-time one and the paused one, due as early, do not.
	waitStatus(t, owner, fast.ID, "checking", 0)
	time.Sleep(500 * time.Millisecond)
	var got businessAction
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+biz.ID, nil, &got))
	require.Equal(t, "assigned", got.Status, "the desk is closed: nothing is due")
	require.Equal(t, http.StatusOK, owner.call("GET", act, nil, &got))
	require.Equal(t, "assigned", got.Status, "a paused action does not fall due")
	require.True(t, got.Paused)

	// Resume restarts the clock with the time that was left, and it falls due.
	require.Equal(t, http.StatusOK, sup.call("POST", act+"/resume", map[string]any{"reason": "the statement came"}, &got))
	require.False(t, got.Paused)
	require.True(t, got.DueAt.After(paused.DueAt), "the due time moved on by the pause")
	require.Equal(t, http.StatusConflict, owner.call("POST", act+"/resume", map[string]any{"reason": "again"}, &p))
	waitStatus(t, owner, paused.ID, "checking", 0)
	var events struct {
		Items []struct {
			Type string `json:"type"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, owner.call("GET", act+"/events", nil, &events))
	var types []string
	for _, e := range events.Items {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"created", "paused", "resumed", "due"}, types)

	// A new policy version applies to new actions; the running one keeps its own, with both fields.
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/policies/"+refund, map[string]any{"required_fields": []string{"amount"}}, &v2))
	require.Equal(t, v1.Version+1, v2.Version)
	var read policyView
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/policies/"+refund, nil, &read))
	require.Equal(t, []string{"amount"}, read.RequiredFields)
	// The version the running action started under is there to read, by its policy_version: an
	// integration learns which note fields its handovers must carry.
	require.Equal(t, http.StatusOK, owner.call("GET", fmt.Sprintf("/api/v1/policies/%s?version=%d", refund, biz.PolicyVersion), nil, &read))
	require.Equal(t, policyView{Version: v1.Version, Clock: "business", RequiredFields: []string{"amount", "payment_reference"}}, read)
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/policies/"+refund+"?version=0", nil, &read))
	require.Equal(t, policyView{Version: 0, Clock: "business", RequiredFields: []string{}}, read, "version 0: the defaults")
	require.Equal(t, http.StatusNotFound, owner.call("GET", fmt.Sprintf("/api/v1/policies/%s?version=%d", refund, v2.Version+1), nil, &p))
	for _, bad := range []string{"two", "-1", "1.5", "99999999999"} {
		require.Equal(t, http.StatusUnprocessableEntity, owner.call("GET", "/api/v1/policies/"+refund+"?version="+bad, nil, &p), bad)
		require.Equal(t, []string{"version"}, fieldsOf(p), bad)
	}
	handover := map[string]any{
		"to_id": otherID, "reason": "my shift ends", "method": "written", "situation": "routine",
		"notes": map[string]any{"summary": "Refund the second charge"},
	}
	require.Equal(t, http.StatusUnprocessableEntity, owner.call("POST", "/api/v1/actions/"+biz.ID+"/handover", handover, &p))
	require.Equal(t, []string{"notes.fields.amount", "notes.fields.payment_reference"}, fieldsOf(p), "every missing field at once")
	handover["notes"].(map[string]any)["fields"] = map[string]any{"amount": "49.90"}
	require.Equal(t, http.StatusUnprocessableEntity, owner.call("POST", "/api/v1/actions/"+biz.ID+"/handover", handover, &p))
	require.Equal(t, []string{"notes.fields.payment_reference"}, fieldsOf(p))
	handover["notes"].(map[string]any)["fields"] = map[string]any{"Payment Reference": "PAY-1", "amount": strings.Repeat("9", 1001)}
	require.Equal(t, http.StatusUnprocessableEntity, owner.call("POST", "/api/v1/actions/"+biz.ID+"/handover", handover, &p))
	require.ElementsMatch(t, []string{"notes.fields", "notes.fields.amount"}, fieldsOf(p))
	handover["notes"].(map[string]any)["fields"] = map[string]any{"amount": "49.90", "payment_reference": "PAY-2026-0042"}
	require.Equal(t, http.StatusOK, owner.call("POST", "/api/v1/actions/"+biz.ID+"/handover", handover, &got))
	require.Equal(t, v1.Version, got.PolicyVersion)
	require.Equal(t, http.StatusOK, other.call("GET", "/api/v1/actions/"+biz.ID, nil, &got))
	require.Equal(t, "PAY-2026-0042", got.Handovers[0].Notes.Fields["payment_reference"])
	require.Equal(t, v1.Version, got.PolicyVersion, "the read model shows the version it runs under")
	newer := create(refund, "1h")
	require.Equal(t, v2.Version, newer.PolicyVersion)

	// A calendar change reaches new actions only: the running one keeps the calendar it started
	// with, so its deadlines (and its workflow's replay) do not move under it.
	allWeek := []map[string]any{}
	for _, d := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		allWeek = append(allWeek, map[string]any{"day": d, "open": "00:00", "close": "24:00"})
	}
	require.Equal(t, http.StatusOK, root.call("PUT", calPath, map[string]any{"time_zone": "Europe/London", "hours": allWeek}, nil))
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+biz.ID+"?consistent=true", nil, &got))
	require.True(t, got.DueAt.Equal(openDay.Add(time.Second)), "the running action keeps its calendar: due %s", got.DueAt)
	open := create(refund, "1s")
	require.WithinDuration(t, time.Now().Add(time.Second), open.DueAt, 5*time.Second, "a new action counts on the new calendar")

	// Removed, the team is open around the clock again; the running action keeps its calendar.
	require.Equal(t, http.StatusForbidden, sup.call("DELETE", calPath, nil, &p), "only administrators remove calendars")
	require.Equal(t, http.StatusNotFound, root.call("DELETE", "/api/v1/teams/no-such-team/calendar", nil, &p))
	require.Equal(t, http.StatusOK, root.call("DELETE", calPath, nil, &cal))
	require.True(t, cal.AroundTheClock)
	require.Equal(t, http.StatusOK, root.call("GET", calPath, nil, &cal))
	require.True(t, cal.AroundTheClock)
	require.Equal(t, http.StatusOK, root.call("DELETE", calPath, nil, &cal), "removing none is no change")
	var trail struct {
		Items []struct {
			Kind   string          `json:"kind"`
			Detail json.RawMessage `json:"detail"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, root.call("GET", "/api/v1/audit?subject_type=team&subject="+team+"&kind=calendar_removed", nil, &trail))
	require.Len(t, trail.Items, 1, "one removal recorded, the second removed nothing")
	require.Contains(t, string(trail.Items[0].Detail), `"time_zone":"Europe/London"`, "the calendar removed")
	require.Equal(t, http.StatusOK, owner.call("GET", "/api/v1/actions/"+biz.ID+"?consistent=true", nil, &got))
	require.True(t, got.DueAt.Equal(openDay.Add(time.Second)), "the running action still keeps its calendar: due %s", got.DueAt)
}
