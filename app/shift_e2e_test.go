package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

type shiftProgress struct {
	ID    string      `json:"id"`
	Done  bool        `json:"done"`
	Items []shiftItem `json:"items"`
}

type shiftItem struct {
	ActionID   string `json:"action_id"`
	Status     string `json:"status"`
	HandoverID string `json:"handover_id"`
	Reason     string `json:"reason"`
	InShift    string `json:"in_shift"`
	Reassign   bool   `json:"reassign"`
	Why        string `json:"reassign_why"`
	DueIn      string `json:"due_in"`
}

func (p shiftProgress) statuses() map[string]string {
	out := map[string]string{}
	for _, it := range p.Items {
		out[it.ActionID] = it.Status
	}
	return out
}

// teamOf3 makes a team of its own with an outgoing agent, a recipient agent and a supervisor, and
// returns callers for them: scenarios there are not disturbed by other subtests.
func teamOf3(t *testing.T, st *app.Stack) (out, in, sup caller, outID, inID string) {
	ctx := context.Background()
	root := as(t, st, "root")
	team := modelstest.Name("eve")
	outID, inID = modelstest.Name("out"), modelstest.Name("in")
	supID := modelstest.Name("sup")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Evening"}, nil))
	for id, role := range map[string]string{outID: "agent", inID: "agent", supID: "supervisor"} {
		require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": id, "name": id, "role": role, "team_id": team, "authority": 1}, nil))
	}
	who := func(id string) caller {
		token, err := st.Store.IssueToken(ctx, "test-admin", id, "test")
		require.NoError(t, err)
		return caller{t: t, base: st.URL, token: token}
	}
	return who(outID), who(inID), who(supID), outID, inID
}

// createOwned has c create n actions owned by ownerID, and returns their IDs.
func createOwned(t *testing.T, c caller, ownerID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		var a action
		require.Equal(t, http.StatusCreated, c.call("POST", "/api/v1/actions", newAction(ownerID), &a))
		ids[i] = a.ID
	}
	return ids
}

// A supervisor hands over a shift of four actions: the recipient accepts one (and rates it),
// declines one and lets one expire; one more, already at its due time, cannot be handed over and
// is reassigned to the recipient (a supervisor started the shift handover). The progress
// view, both people's inboxes and every figure of the team's report follow, against the numbers
// worked out by hand.
func testShiftHandover(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	since := time.Now().UTC().Add(-time.Second)
	made := createOwned(t, out, outID, 3)
	var due action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "due_in", "1s"), &due))
	waitStatus(t, out, due.ID, "checking", 0)

	var p problem
	require.Equal(t, http.StatusForbidden, in.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "notes": "n", "situation": "busy"}, &p), "an agent cannot hand over a colleague's shift")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, as(t, st, "carol").call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "notes": "n", "situation": "busy"}, &p),
		"another team's supervisor names someone who is not theirs")
	require.Equal(t, "from_id", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "situation": "busy"}, &p))
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": "alice", "notes": "n", "situation": "busy"}, &p), "a recipient of another team takes none of them")
	require.Contains(t, p.Detail, "to_id: Alice Adams is not in team", "named as the workflows name people")

	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "n", "situation": "busy", "reassign_due_in": "soon"}, &p))
	require.Equal(t, []string{"reassign_due_in"}, fieldsOf(p))
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "n", "situation": "busy", "reassign_due_in": "10s"}, &p))
	require.Contains(t, p.Detail, "reassign_due_in: must be at least 1m")
	require.Equal(t, http.StatusUnprocessableEntity, out.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "n", "situation": "busy", "reassign_due_in": "2h"}, &p), "the outgoing person's own reassigns nothing")
	require.Equal(t, []string{"reassign_due_in"}, fieldsOf(p))

	body := map[string]any{"from_id": outID, "to_id": inID, "notes": "Quiet night; room 12 waits on a plumber.", "situation": "routine", "accept_within": "4s"}
	key := modelstest.Name("shift")
	var started, again shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &again, "Idempotency-Key", key))
	require.Equal(t, started.ID, again.ID, "re-running it is the same shift handover")

	var progress shiftProgress
	require.Eventually(t, func() bool {
		sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		s := progress.statuses()
		return s[made[0]] == "pending" && s[made[1]] == "pending" && s[made[2]] == "pending"
	}, 10*time.Second, 50*time.Millisecond, "each action's handover is made")
	require.Eventually(t, func() bool {
		sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		return progress.statuses()[due.ID] == "reassigned"
	}, 10*time.Second, 50*time.Millisecond, "an action at its due time is reassigned by the supervisor's shift handover")
	// With a new due time, an hour on by default: its new owner, who cannot extend it, is not at
	// its check at once.
	for _, it := range progress.Items {
		if it.ActionID == due.ID {
			require.Equal(t, "1h0m0s", it.DueIn)
		} else {
			require.Empty(t, it.DueIn, "only an action past its due time is given a new one")
		}
	}
	var reassignedDue action
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+due.ID+"?consistent=true", nil, &reassignedDue))
	require.Equal(t, "assigned", reassignedDue.Status)
	require.Equal(t, inID, reassignedDue.OwnerID)
	require.WithinDuration(t, time.Now().Add(time.Hour), reassignedDue.DueAt, time.Minute)
	web := newWebClient(t, st.URL)
	web.signIn(sup.token)
	_, page := web.do(http.MethodGet, "/shift-handovers/"+started.ID, nil)
	require.Contains(t, page, `<span class="status">reassigned</span></td><td>reassigned, as a supervisor started the shift handover: it was at its due time, where no handover passes it on; it was given a new due time, 1h 0m from the reassignment</td>`,
		"the page says why it was reassigned, not handed over, and that it has a new due time")
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &again, "Idempotency-Key", key))
	require.Equal(t, started.ID, again.ID)
	require.Equal(t, "pending", again.statuses()[made[0]], "a retry answers with the shift handover as it stands, not a new plan")
	// Started again without the key, there is nothing for it: every open action is in this one.
	require.Eventually(t, func() bool {
		p = problem{}
		return sup.call("POST", "/api/v1/shift-handovers", merge(body, "notes", "again"), &p) == http.StatusConflict
	}, 10*time.Second, 50*time.Millisecond, "a second shift handover while the first waits for answers")
	require.Contains(t, p.Detail, "/api/v1/shift-handovers/"+started.ID)
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", merge(body, "situation", "busy"), &p, "Idempotency-Key", key))
	require.Contains(t, p.Detail, "Idempotency-Key", "the key cannot start a different shift handover")

	// Each handover is the outgoing owner's, caused by the shift handover, which it names with
	// whoever started it.
	var me struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/me", nil, &me))
	var timeline struct {
		Items []struct {
			Type    string         `json:"type"`
			ActorID string         `json:"actor_id"`
			Cause   string         `json:"cause"`
			Data    map[string]any `json:"data"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+made[0]+"/events", nil, &timeline))
	last := timeline.Items[len(timeline.Items)-1]
	require.Equal(t, "handover_requested", last.Type)
	require.Equal(t, outID, last.ActorID)
	require.Equal(t, "shift_handover", last.Cause)
	require.Equal(t, started.ID, last.Data["shift_handover_id"])
	require.Equal(t, me.ID, last.Data["started_by"])
	var box inbox
	require.Equal(t, http.StatusOK, in.call("GET", "/api/v1/me/inbox", nil, &box))
	require.ElementsMatch(t, made, ids(box.AwaitingAcceptance), "the recipient's inbox holds the three handovers")

	inWeb := newWebClient(t, st.URL)
	inWeb.signIn(in.token)
	_, page = inWeb.do(http.MethodGet, "/actions/"+made[0], nil)
	require.Contains(t, page, outID+" and "+me.ID+", who ran the shift handover, read it, so a misunderstanding shows now", "the accept form says who reads the read-back")
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+made[0]+"/accept", map[string]any{"summary": "taking the plumber visit"}, nil))
	require.Equal(t, http.StatusCreated, in.call("POST", "/api/v1/actions/"+made[0]+"/handovers/h1/feedback", map[string]any{"rating": 5, "comment": "all I needed"}, nil))
	// Its read-back and its rating go to the supervisor who ran it as well as to the outgoing
	// person, who may have gone home.
	for who, want := range map[caller][]string{
		out: {
			"handover_accepted: " + inID + " accepted “Late checkout for room 214”: taking the plumber visit",
			"feedback: " + inID + " rated your handover of “Late checkout for room 214” 5/5: all I needed",
		},
		sup: {
			"handover_accepted: " + inID + " accepted “Late checkout for room 214”, which you passed on for " + outID + " in a shift handover: taking the plumber visit",
			"feedback: " + inID + " rated the handover of “Late checkout for room 214” you passed on for " + outID + " in a shift handover 5/5: all I needed",
		},
	} {
		var told []string
		for _, n := range toldOfAction(t, who, made[0]) {
			told = append(told, n.Kind+": "+n.Message)
		}
		require.Subset(t, told, want)
	}
	var acceptedOne action
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+made[0], nil, &acceptedOne))
	require.Equal(t, me.ID, acceptedOne.Handovers[0].StartedBy)
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+made[0]+"?consistent=true", nil, &acceptedOne))
	require.Equal(t, me.ID, acceptedOne.Handovers[0].StartedBy, "the workflow's own state says it too")
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+made[1]+"/decline", map[string]any{"reason": "needs authority I lack"}, nil))
	require.Eventually(t, func() bool {
		sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		return progress.Done
	}, 15*time.Second, 50*time.Millisecond, "the third handover expires after 4 s and the shift handover ends")
	// Its people and the team's supervisors read it; a colleague who is not in it, or an
	// integration that sees every team's actions, does not.
	path := "/api/v1/shift-handovers/" + started.ID
	require.Equal(t, http.StatusOK, in.call("GET", path, nil, nil), "the recipient")
	require.Equal(t, http.StatusOK, out.call("GET", path, nil, nil), "the outgoing person")
	var outgoing struct {
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/staff/"+outID, nil, &outgoing))
	colleagueID := modelstest.Name("colleague")
	require.Equal(t, http.StatusCreated, as(t, st, "root").call("POST", "/api/v1/staff", map[string]any{"id": colleagueID, "name": "C", "role": "agent", "team_id": outgoing.TeamID, "authority": 1}, nil))
	token, err := st.Store.IssueToken(context.Background(), "test-admin", colleagueID, "test")
	require.NoError(t, err)
	colleague := caller{t: t, base: st.URL, token: token}
	require.Equal(t, http.StatusNotFound, colleague.call("GET", path, nil, &p), "a colleague not in it")
	require.Equal(t, http.StatusNotFound, as(t, st, "crm").call("GET", path, nil, &p), "an integration")
	require.Equal(t, http.StatusOK, as(t, st, "dave").call("GET", path, nil, nil), "a manager")

	s := progress.statuses()
	require.Equal(t, "accepted", s[made[0]])
	require.Equal(t, "declined", s[made[1]])
	require.Equal(t, "expired", s[made[2]])
	// The supervisor hears of the declined one as left over with the outgoing person; of the
	// expired one once, by its escalation, not again as left over.
	toldOf := func(id string) []string {
		var kinds []string
		for _, n := range toldOfAction(t, sup, id) {
			kinds = append(kinds, n.Kind)
		}
		return kinds
	}
	require.Eventually(t, func() bool { return slices.Contains(toldOf(made[1]), "shift_left_over") }, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, []string{"shift_left_over"}, toldOf(made[1]), "the outgoing person on shift: told of the decline themselves")
	require.Equal(t, []string{"escalated"}, toldOf(made[2]))

	require.Equal(t, http.StatusOK, in.call("GET", "/api/v1/me/inbox", nil, &box))
	require.ElementsMatch(t, []string{made[0], due.ID}, ids(box.Owned), "the accepted one and the reassigned one")
	require.Empty(t, box.AwaitingAcceptance)
	require.Equal(t, http.StatusOK, out.call("GET", "/api/v1/me/inbox", nil, &box))
	require.ElementsMatch(t, []string{made[1], made[2]}, ids(box.Owned), "declined and expired handovers leave the actions with their owner")
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+due.ID+"/events", nil, &timeline))
	var reassigned bool
	for _, e := range timeline.Items {
		if e.Type == "reassigned" {
			reassigned = true
			require.Equal(t, me.ID, e.ActorID, "reassigned by the supervisor who started the shift handover")
			require.Equal(t, "shift_handover", e.Cause)
			require.Equal(t, started.ID, e.Data["shift_handover_id"])
			require.Equal(t, inID, e.Data["owner_id"])
		}
	}
	require.True(t, reassigned, "the timeline records the reassignment")

	var report struct {
		Overall     figures            `json:"overall"`
		BySituation map[string]figures `json:"by_situation"`
	}
	until := time.Now().UTC().Add(time.Second)
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/reports/handovers?since="+since.Format(time.RFC3339Nano)+"&until="+until.Format(time.RFC3339Nano), nil, &report))
	o := report.Overall
	require.Equal(t, 3, o.Made, "the reassigned action made no handover")
	require.Equal(t, 1, o.Accepted)
	require.Equal(t, 1, o.Declined)
	require.Equal(t, 1, o.Expired)
	require.Equal(t, 0, o.Pending)
	require.Equal(t, 1, o.FeedbackCount)
	require.InDelta(t, 5.0, *o.FeedbackAvg, 1e-9)
	require.Equal(t, 0, o.Bounces)
	require.Equal(t, 0, o.Completed)
	require.Nil(t, o.OnTimeRate, "nothing was completed")
	require.Equal(t, map[string]int{"not_accepted": 1}, o.Escalations)
	require.Equal(t, o.Made, report.BySituation["routine"].Made, "the shift was routine")
	require.Len(t, report.BySituation, 1)
	require.Equal(t, http.StatusNotFound, as(t, st, "crm").call("GET", "/api/v1/shift-handovers/"+modelstest.Name("x"), nil, &p))
}

// Without to_id, a shift is spread over the eligible agents by their open work: in a team of its
// own, two idle agents take two actions each. One that needs more authority than either has is
// skipped, saying so and what to do.
func testRoutedShiftSpreads(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	root := as(t, st, "root")
	team, out, r1, r2 := modelstest.Name("night"), modelstest.Name("out"), modelstest.Name("r1"), modelstest.Name("r2")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Night"}, nil))
	for id, authority := range map[string]int{out: 2, r1: 1, r2: 1} {
		require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": id, "name": id, "role": "agent", "team_id": team, "authority": authority}, nil))
	}
	token, err := st.Store.IssueToken(ctx, "test-admin", out, "test")
	require.NoError(t, err)
	outgoing := caller{t: t, base: st.URL, token: token}
	for range 4 {
		require.Equal(t, http.StatusCreated, outgoing.call("POST", "/api/v1/actions", newAction(out), nil))
	}
	var needs2 action
	require.Equal(t, http.StatusCreated, outgoing.call("POST", "/api/v1/actions", merge(newAction(out), "required_authority", 2), &needs2))
	var started struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Status   string `json:"status"`
			Reason   string `json:"reason"`
			To       struct {
				ID string `json:"id"`
			} `json:"to"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusAccepted, outgoing.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": out, "notes": "n", "situation": "quiet"}, &started), "the outgoing person starts their own")
	to := map[string]int{}
	for _, it := range started.Items {
		if it.ActionID == needs2.ID {
			require.Equal(t, "skipped", it.Status)
			require.Equal(t, "no other agent of the team on shift has authority 2, which it needs: name a colleague to take it", it.Reason)
			continue
		}
		require.Equal(t, "requested", it.Status)
		to[it.To.ID]++
	}
	require.Equal(t, map[string]int{r1: 2, r2: 2}, to)
}

// Handovers routed at the same moment (two `route: true` handovers, then two shift handovers
// started together) go to different idle colleagues, not both to the first: each request claims
// its recipients before the next one routes. Once a handover has answered, its claim is gone.
func testRoutedAtOnce(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	root := as(t, st, "root")
	team := modelstest.Name("late")
	o1, o2, r1, r2 := modelstest.Name("o1"), modelstest.Name("o2"), modelstest.Name("r1"), modelstest.Name("r2")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Late"}, nil))
	for _, id := range []string{o1, o2, r1, r2} {
		require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": id, "name": id, "role": "agent", "team_id": team, "authority": 1}, nil))
	}
	outgoing := map[string]caller{}
	for _, id := range []string{o1, o2} {
		token, err := st.Store.IssueToken(ctx, "test-admin", id, "test")
		require.NoError(t, err)
		outgoing[id] = caller{t: t, base: st.URL, token: token}
	}
	claimsLeft := func(ids ...string) int64 {
		var n int64
		require.NoError(t, st.Store.DB().Model(&models.RoutingClaim{}).Where("action_id IN ?", ids).Count(&n).Error)
		return n
	}
	// o1 and o2 hold one action each, r1 and r2 nothing: each routed handover goes to one of them.
	made := map[string]action{}
	for _, id := range []string{o1, o2} {
		var a action
		require.Equal(t, http.StatusCreated, outgoing[id].call("POST", "/api/v1/actions", newAction(id), &a))
		made[id] = a
	}
	routed := merge(without(handoverBody, "to_id"), "route", true)
	answers := map[string]*action{o1: {}, o2: {}}
	var wg sync.WaitGroup
	for id, a := range made {
		wg.Go(func() {
			assert.Equal(t, http.StatusOK, outgoing[id].call("POST", "/api/v1/actions/"+a.ID+"/handover", routed, answers[id]))
		})
	}
	wg.Wait()
	require.NotNil(t, answers[o1].PendingHandover)
	require.NotNil(t, answers[o2].PendingHandover)
	require.ElementsMatch(t, []string{r1, r2}, []string{answers[o1].PendingHandover.ToID, answers[o2].PendingHandover.ToID})
	require.Zero(t, claimsLeft(made[o1].ID, made[o2].ID), "taken back once answered")

	// Now r1 and r2 have one handover waiting each, o1 and o2 the action they offered and one
	// more: two shift handovers at once spread those two over r1 and r2.
	more := map[string]string{}
	for _, id := range []string{o1, o2} {
		var a action
		require.Equal(t, http.StatusCreated, outgoing[id].call("POST", "/api/v1/actions", newAction(id), &a))
		more[id] = a.ID
	}
	type started struct {
		ID    string `json:"id"`
		Items []struct {
			ActionID string `json:"action_id"`
			To       *struct {
				ID string `json:"id"`
			} `json:"to"`
		} `json:"items"`
	}
	shifts := map[string]*started{o1: {}, o2: {}}
	for id := range shifts {
		wg.Go(func() {
			assert.Equal(t, http.StatusAccepted, outgoing[id].call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": id, "notes": "Going home.", "situation": "busy"}, shifts[id]))
		})
	}
	wg.Wait()
	var to []string
	for id, sh := range shifts {
		for _, it := range sh.Items {
			if it.ActionID == more[id] {
				require.NotNil(t, it.To, "routed")
				to = append(to, it.To.ID)
			}
		}
	}
	require.ElementsMatch(t, []string{r1, r2}, to)
	for id, sh := range shifts {
		require.Eventually(t, func() bool {
			var p shiftProgress
			outgoing[id].call("GET", "/api/v1/shift-handovers/"+sh.ID, nil, &p)
			return p.statuses()[more[id]] == "pending"
		}, 10*time.Second, 50*time.Millisecond)
	}
	require.Zero(t, claimsLeft(more[o1], more[o2]), "taken back by the shift handover once each handover waits")
}

// An action whose category's policy asks every handover for notes of its own is skipped by a
// shift handover from the start, saying which notes and where to give them, since the shift's one
// text cannot: never shown requested and then refused. (The summary, which the shift's notes are,
// is not one of them.)
func testShiftSkipsRequiredNotes(t *testing.T, st *app.Stack) {
	out, _, sup, outID, inID := teamOf3(t, st)
	complaint := modelstest.Name("complaint")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+complaint, map[string]any{"required_fields": []string{"summary", "room_number", "next_steps"}}, nil))
	var plain, strict action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &plain))
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "category", complaint), &strict))
	var started shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "to_id": inID, "notes": "Going home.", "situation": "routine"}, &started))
	got := map[string][2]string{}
	for _, it := range started.Items {
		got[it.ActionID] = [2]string{it.Status, it.Reason}
	}
	require.Equal(t, map[string][2]string{
		plain.ID:  {"requested", ""},
		strict.ID: {"skipped", "its " + complaint + " policy asks every handover for room number and next steps, which this shift handover does not give: give them in its own notes (action_notes), or its owner hands it over from its own page, or a supervisor reassigns it there"},
	}, got)
	// The page says where to give them in its own words.
	_, page := signedIn(t, st, sup.token).do(http.MethodGet, "/shift-handovers/"+started.ID, nil)
	require.Contains(t, page, "which this shift handover does not give: give them in its own notes (Hand over my shift in the outgoing person&#39;s inbox, or Hand over shift beside them on the board, has a field for each), or its owner hands it over",
		"the page points to the form that has notes for each action: the board's, for another's shift, has none")

	// Given in the action's own notes, they go with its handover, the shift's text after its own
	// summary. Notes for an action this shift handover does not hand over (plain, in the first
	// one), or a customer's context, are refused, and nothing is started.
	shift := func(actionNotes map[string]any) map[string]any {
		return map[string]any{"from_id": outID, "to_id": inID, "notes": "Going home.", "situation": "routine", "action_notes": actionNotes}
	}
	waitStatus(t, out, plain.ID, "handover_pending", 0)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{plain.ID: map[string]any{"next_steps": "x"}}), &p))
	require.Equal(t, "action_notes."+plain.ID, p.Errors[0].Field)
	require.Contains(t, p.Detail, "is being handed over in shift handover "+started.ID+", which waits for its answer")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{"no-such-action": map[string]any{"next_steps": "x"}}), &p))
	require.Contains(t, p.Detail, "is not an open action of")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{strict.ID: map[string]any{"customer_context": "Flight at 6pm"}}), &p))
	require.Contains(t, p.Errors[0].Field, "customer_context", "the customer's context goes in a handover of its own")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{strict.ID: map[string]any{"fields": map[string]any{"Room": "214"}}}), &p))
	require.Equal(t, "action_notes."+strict.ID+".fields", p.Errors[0].Field)
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{strict.ID: nil}), &p))
	require.Equal(t, "action_notes."+strict.ID, p.Errors[0].Field, "null is no notes")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{strict.ID: map[string]any{"risks": strings.Repeat("r", 4001)}}), &p))
	require.Equal(t, "action_notes."+strict.ID+".risks", p.Errors[0].Field, "named as the other fields of action_notes are")
	var second shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", shift(map[string]any{strict.ID: map[string]any{
		"summary": "Guest in 214 complained about noise", "next_steps": "Offer a room change at 9", "risks": "Guest is a regular",
		"fields": map[string]any{"room_number": "214"},
	}}), &second))
	require.Len(t, second.Items, 1, "plain is the first one's")
	require.Equal(t, "requested", second.Items[0].Status, second.Items[0].Reason)
	var handed struct {
		Handovers []struct {
			ToID  string `json:"to_id"`
			Notes struct {
				Summary   string            `json:"summary"`
				NextSteps string            `json:"next_steps"`
				Risks     string            `json:"risks"`
				Fields    map[string]string `json:"fields"`
			} `json:"notes"`
		} `json:"handovers"`
	}
	require.Eventually(t, func() bool {
		handed.Handovers = nil
		return out.call("GET", "/api/v1/actions/"+strict.ID, nil, &handed) == http.StatusOK && len(handed.Handovers) == 1
	}, 10*time.Second, 50*time.Millisecond)
	n := handed.Handovers[0].Notes
	require.Equal(t, inID, handed.Handovers[0].ToID)
	require.Equal(t, "Guest in 214 complained about noise\n\nGoing home.", n.Summary)
	require.Equal(t, "Offer a room change at 9", n.NextSteps)
	require.Equal(t, "Guest is a regular", n.Risks)
	require.Equal(t, map[string]string{"room_number": "214"}, n.Fields)
}

// The person a shift handover names (to_id) is held for it from its 202 until each action's
// handover waits for them: deactivating them at once is refused (it left them holding the shift's
// handovers, which nobody could answer), and once they have declined every one the change goes
// through, no claim left behind.
func testShiftHoldsItsNamedRecipient(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	root := as(t, st, "root")
	made := createOwned(t, out, outID, 2)
	// One needs more authority than the person named holds: the plan says so at once, where its
	// 202 counted it requested and its handover was refused a moment later.
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+outID, map[string]any{"authority": 2}, nil))
	var needs2 action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "required_authority", 2), &needs2))
	var started shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "Two late arrivals.", "situation": "routine"}, &started))
	planned := map[string]shiftItem{}
	for _, it := range started.Items {
		planned[it.ActionID] = it
	}
	require.Equal(t, "requested", planned[made[0]].Status)
	require.Equal(t, "skipped", planned[needs2.ID].Status)
	require.Equal(t, inID+" has authority 1, this action needs 2", planned[needs2.ID].Reason)
	var p problem
	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+inID, map[string]any{"active": false}, &p),
		"deactivated the moment a shift handover to them started")
	require.Contains(t, p.Detail, inID)
	require.Eventually(t, func() bool {
		var progress shiftProgress
		sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		s := progress.statuses()
		return s[made[0]] == "pending" && s[made[1]] == "pending"
	}, 10*time.Second, 50*time.Millisecond, "each action's handover is made, to the person named")
	require.Equal(t, http.StatusConflict, root.call("PATCH", "/api/v1/staff/"+inID, map[string]any{"active": false}, &p), "their handovers wait for them")
	for _, id := range made {
		require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+id+"/decline", map[string]any{"reason": "off sick tomorrow"}, nil))
	}
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+inID, map[string]any{"active": false}, nil),
		"nothing waits for them once they have declined: the shift's claims were taken back")
}

// The same shift handover sent twice at the same moment, with one Idempotency-Key, starts one: both
// answers are that one, neither a plan of its own; the key with another request is refused.
func testShiftSentTwice(t *testing.T, st *app.Stack) {
	out, _, sup, outID, inID := teamOf3(t, st)
	var a action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &a))
	body := map[string]any{"from_id": outID, "to_id": inID, "notes": "Handing over at once.", "situation": "busy"}
	key := modelstest.Name("shift")
	answers := make([]shiftProgress, 2)
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			codes[i] = sup.call("POST", "/api/v1/shift-handovers", body, &answers[i], "Idempotency-Key", key)
		})
	}
	wg.Wait()
	require.Equal(t, []int{http.StatusAccepted, http.StatusAccepted}, codes)
	require.Equal(t, answers[0].ID, answers[1].ID, "one shift handover")
	require.Eventually(t, func() bool {
		var p shiftProgress
		sup.call("GET", "/api/v1/shift-handovers/"+answers[0].ID, nil, &p)
		return p.statuses()[a.ID] == "pending"
	}, 10*time.Second, 50*time.Millisecond)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", merge(body, "notes", "Other notes."), &p, "Idempotency-Key", key))
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)

	// Two different requests with one key at the same moment: one starts, the other is refused.
	key = modelstest.Name("shift")
	var b action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &b))
	for i, notes := range []string{"First notes.", "Second notes."} {
		wg.Go(func() {
			codes[i] = sup.call("POST", "/api/v1/shift-handovers", merge(body, "notes", notes), &answers[i], "Idempotency-Key", key)
		})
	}
	wg.Wait()
	require.ElementsMatch(t, []int{http.StatusAccepted, http.StatusUnprocessableEntity}, codes)
	var handovers struct {
		Handovers []struct {
			ToID string `json:"to_id"`
		} `json:"handovers"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+a.ID, nil, &handovers))
	require.Len(t, handovers.Handovers, 1, "handed over once")
}

// end_shift takes the outgoing person off shift once their shift handover has started, whether a
// supervisor starts it or they do themselves, and the answer says so (from_on_shift); without it
// they stay on shift and the answer has no such field. Their own that hands over none of their
// actions leaves them on shift, saying why (from_kept_on_shift).
func testShiftEndsTheOutgoingShift(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	onShift := func(id string) bool {
		var person struct {
			OnShift bool `json:"on_shift"`
		}
		require.Equal(t, http.StatusOK, as(t, st, "root").call("GET", "/api/v1/staff/"+id, nil, &person))
		return person.OnShift
	}
	var started struct {
		ID          string `json:"id"`
		FromOnShift *bool  `json:"from_on_shift"`
		Kept        string `json:"from_kept_on_shift"`
		Items       []struct {
			Status string `json:"status"`
		} `json:"items"`
	}
	createOwned(t, out, outID, 1)
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "to_id": inID, "notes": "Stays on for the night audit.", "situation": "routine"}, &started))
	require.Nil(t, started.FromOnShift, "not asked: not said")
	require.True(t, onShift(outID))

	createOwned(t, out, outID, 1)
	started.FromOnShift = nil
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "to_id": inID, "notes": "Went home ill.", "situation": "let_down", "end_shift": true}, &started))
	require.NotNil(t, started.FromOnShift)
	require.False(t, *started.FromOnShift, "taken off shift by their supervisor")
	require.False(t, onShift(outID))

	// The incoming person, on shift, hands over their own shift: nobody else of the team is on
	// shift to take their action (the other agent has just gone), so it is skipped, and their
	// shift goes on, saying why.
	createOwned(t, in, inID, 1)
	require.True(t, onShift(inID))
	started.FromOnShift = nil
	require.Equal(t, http.StatusAccepted, in.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": inID, "notes": "Off home.", "situation": "routine", "end_shift": true}, &started))
	require.Len(t, started.Items, 1)
	require.Equal(t, "skipped", started.Items[0].Status)
	require.NotNil(t, started.FromOnShift)
	require.True(t, *started.FromOnShift, "nothing handed over: kept on shift")
	require.Contains(t, started.Kept, "none of your actions could be handed over")
	require.True(t, onShift(inID))
	// With a colleague back to take it, they hand it over and their shift ends.
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/shifts/start", map[string]any{}, nil))
	started.FromOnShift, started.Kept = nil, ""
	require.Equal(t, http.StatusAccepted, in.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": inID, "notes": "Off home.", "situation": "routine", "end_shift": true}, &started))
	require.NotNil(t, started.FromOnShift)
	require.False(t, *started.FromOnShift)
	require.Empty(t, started.Kept)
	require.False(t, onShift(inID))

	// Sent again with its key, once the person is back on shift, it leaves them on shift: a retry
	// does not end a later shift. Sent again while they are still off, it says so.
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/start", map[string]any{}, nil))
	createOwned(t, out, outID, 1)
	key := modelstest.Name("shift")
	body := map[string]any{"from_id": outID, "to_id": inID, "notes": "Gone for the day.", "situation": "routine", "end_shift": true}
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.False(t, onShift(outID))
	started.FromOnShift = nil
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.NotNil(t, started.FromOnShift)
	require.False(t, *started.FromOnShift, "still off shift")
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/shifts/start", map[string]any{}, nil))
	started.FromOnShift = nil
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.NotNil(t, started.FromOnShift)
	require.True(t, *started.FromOnShift, "back on shift since: left so")
	require.True(t, onShift(outID))
}

// A handover of a shift handover declined once the outgoing person is off shift tells the team's
// supervisors once, in the outgoing person's place ("see that someone takes it on"), not again as
// left over with them; whoever started it, a supervisor among them, once too.
func testShiftDeclineToldOnce(t *testing.T, st *app.Stack) {
	for _, bySupervisor := range []bool{false, true} {
		out, in, sup, outID, inID := teamOf3(t, st)
		starter := out
		if bySupervisor {
			starter = sup
		}
		id := createOwned(t, out, outID, 1)[0]
		var started shiftProgress
		require.Equal(t, http.StatusAccepted, starter.call("POST", "/api/v1/shift-handovers",
			map[string]any{"from_id": outID, "to_id": inID, "notes": "Off home.", "situation": "routine", "end_shift": true}, &started))
		require.Eventually(t, func() bool {
			var p shiftProgress
			sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &p)
			return p.statuses()[id] == "pending"
		}, 10*time.Second, 50*time.Millisecond)
		require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+id+"/decline", map[string]any{"reason": "not my desk"}, nil))
		require.Eventually(t, func() bool {
			var p shiftProgress
			sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &p)
			return p.Done
		}, 30*time.Second, 50*time.Millisecond, "the shift handover ends once its leftovers are told")
		var kinds []string
		for _, n := range toldOfAction(t, sup, id) {
			kinds = append(kinds, n.Kind)
		}
		require.Equal(t, []string{"handover_declined"}, kinds, "once, in the outgoing person's place")
	}
}

// A second shift handover of the same person started straight after the first, before the read
// model shows the first one's handovers, plans actions the first is handing over. Whichever of the
// two makes an action's handover first has it; the other says so by naming it, and neither tells
// the supervisors that the action stayed with the outgoing person (it did not).
func testShiftStartedTwiceInARow(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	ids := map[string]bool{}
	for range 3 {
		var a action
		require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &a))
		ids[a.ID] = true
	}
	body := map[string]any{"from_id": outID, "to_id": inID, "notes": "Going home.", "situation": "routine"}
	var first, second shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", body, &first))
	code := sup.call("POST", "/api/v1/shift-handovers", merge(body, "notes", "Going home (again)."), &second)
	shifts := []*shiftProgress{&first}
	t.Logf("the second shift handover answered %d", code)
	switch code {
	case http.StatusAccepted:
		shifts = append(shifts, &second)
	case http.StatusConflict: // the read model showed every handover of the first one already
	default:
		require.Failf(t, "second shift handover", "answered %d", code)
	}
	// Every action is handed over once, by one of the two; the recipient accepts each.
	for id := range ids {
		var a struct {
			Status          string `json:"status"`
			PendingHandover *struct {
				ToID string `json:"to_id"`
			} `json:"pending_handover"`
		}
		require.Eventually(t, func() bool {
			return in.call("GET", "/api/v1/actions/"+id, nil, &a) == http.StatusOK && a.Status == "handover_pending"
		}, 15*time.Second, 50*time.Millisecond)
		require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I take this over now"}, nil))
	}
	for i, s := range shifts {
		require.Eventually(t, func() bool {
			return sup.call("GET", "/api/v1/shift-handovers/"+s.ID, nil, s) == http.StatusOK && s.Done
		}, 15*time.Second, 50*time.Millisecond)
		other := shifts[len(shifts)-1-i].ID
		for _, it := range s.Items {
			require.True(t, ids[it.ActionID])
			if it.Status == "skipped" {
				// Its handover waits for the recipient's answer, or (accepted at once here) did
				// when this one asked.
				require.Contains(t, []string{"it is being handed over in shift handover " + other + ", which waits for its answer",
					"it was handed over in shift handover " + other + " first"}, it.Reason)
				require.Equal(t, other, it.InShift)
			} else {
				require.Equal(t, "accepted", it.Status)
			}
		}
	}
	// Its page says that every action it passed on is settled, and where the ones it skipped went.
	w := newWebClient(t, st.URL)
	w.signIn(sup.token)
	for i, s := range shifts {
		_, page := w.do(http.MethodGet, "/shift-handovers/"+s.ID, nil)
		require.Contains(t, page, "Every action it passed on is settled")
		require.NotContains(t, page, "Done, but")
		if slices.ContainsFunc(s.Items, func(it shiftItem) bool { return it.Status == "skipped" }) {
			require.Contains(t, page, `it is being handed over in <a href="/shift-handovers/`+shifts[len(shifts)-1-i].ID+`">another shift handover</a>`)
		}
	}
	var told notificationsPage
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/me/notifications", nil, &told))
	for _, n := range told.Items {
		require.False(t, ids[n.ActionID] && n.Kind == "shift_left_over", "the supervisor is told %q", n.Message)
	}
}

// A shift handover stays with the team it was made in: once the outgoing person has moved to
// another team, the new team's supervisor cannot read its notes and the old team's still can; the
// person who moved reads it no more than the team's actions, and cannot replay its key.
func testShiftStaysWithItsTeam(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	out, in, sup, outID, inID := teamOf3(t, st)
	root := as(t, st, "root")
	var me struct {
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/me", nil, &me))
	var a action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &a))
	body := map[string]any{"from_id": outID, "to_id": inID, "notes": "VIP in 214 wants a quiet room", "situation": "routine"}
	key := modelstest.Name("shift")
	var started struct {
		ID     string `json:"id"`
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusAccepted, out.call("POST", "/api/v1/shift-handovers", body, &started, "Idempotency-Key", key))
	require.Equal(t, me.TeamID, started.TeamID, "the shift handover names its team")
	var progress shiftProgress
	require.Eventually(t, func() bool {
		in.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		return progress.statuses()[a.ID] == "pending"
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I take the quiet room on"}, nil))

	// The outgoing person, who now owns nothing, moves to a team with a supervisor of its own.
	other, otherSup := modelstest.Name("day"), modelstest.Name("sup")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": other, "name": "Day"}, nil))
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": otherSup, "name": otherSup, "role": "supervisor", "team_id": other, "authority": 1}, nil))
	token, err := st.Store.IssueToken(ctx, "test-admin", otherSup, "test")
	require.NoError(t, err)
	newSup := caller{t: t, base: st.URL, token: token}
	path := "/api/v1/shift-handovers/" + started.ID
	require.Equal(t, http.StatusNotFound, newSup.call("GET", path, nil, nil), "before the move: another team's")
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+outID, map[string]any{"team_id": other}, nil))

	var p problem
	require.Equal(t, http.StatusNotFound, newSup.call("GET", path, nil, &p), "the new team's supervisor does not read the old team's shift notes")
	require.NotContains(t, p.Detail, "VIP")
	require.Equal(t, http.StatusOK, sup.call("GET", path, nil, nil), "the team's own supervisor still does")
	require.Equal(t, http.StatusOK, in.call("GET", path, nil, nil), "and so does its recipient, still in the team")
	require.Equal(t, http.StatusNotFound, out.call("GET", path, nil, nil), "the person who moved, as for the team's actions")
	require.Equal(t, http.StatusNotFound, out.call("GET", "/api/v1/actions/"+a.ID, nil, nil))
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, out.call("POST", "/api/v1/shift-handovers", body, &p, "Idempotency-Key", key), "a replay of its key shows no more than a read")
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
	require.NotContains(t, p.Detail, "VIP")
}

// A supervisor takes a member of their team off shift (one gone home ill) and on again: on_shift
// alone, in their own team, recorded in the audit trail as theirs; a routed create then passes
// the person by. Other changes, other teams' people and people who own no actions are refused,
// and an agent may not.
func testSupervisorSetsShift(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	path := "/api/v1/staff/" + outID
	var p problem
	require.Equal(t, http.StatusForbidden, in.call("PATCH", path, map[string]any{"on_shift": false}, &p), "an agent manages nobody's shift but their own")
	p = problem{}
	require.Equal(t, http.StatusForbidden, sup.call("PATCH", path, map[string]any{"on_shift": false, "authority": 5}, &p))
	require.Contains(t, p.Detail, "changes only on_shift")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("PATCH", path, map[string]any{}, &p))
	require.Equal(t, []string{"on_shift"}, fieldsOf(p))
	p = problem{}
	require.Equal(t, http.StatusForbidden, sup.call("PATCH", "/api/v1/staff/bob", map[string]any{"on_shift": false}, &p), "bob is in another team")
	require.Contains(t, p.Detail, "is not in your team")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": "bob", "notes": "n", "situation": "quiet"}, &p))
	require.Contains(t, p.Detail, "is not in your team: a shift handover is started by the outgoing person, a supervisor of their team or a manager",
		"a team without a supervisor has its shift handovers started by a manager")
	p = problem{}
	require.Equal(t, http.StatusForbidden, as(t, st, "carol").call("PATCH", "/api/v1/staff/dave", map[string]any{"on_shift": false}, &p), "a supervisor does not manage a manager's shift")
	require.Contains(t, p.Detail, "is a manager")
	p = problem{}
	require.Equal(t, http.StatusForbidden, as(t, st, "carol").call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": "dave", "notes": "going home", "situation": "routine"}, &p), "nor hands over a manager's shift")
	require.Contains(t, p.Detail, "is a manager")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, as(t, st, "dave").call("PATCH", "/api/v1/staff/crm", map[string]any{"on_shift": false}, &p))
	require.Contains(t, p.Detail, "works no shifts")
	// Nor does an administrator, whom a supervisor is not told is outside her team; nor does an
	// administrator give an integration a shift.
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, as(t, st, "carol").call("PATCH", "/api/v1/staff/root", map[string]any{"on_shift": false}, &p))
	require.Contains(t, p.Detail, "works no shifts")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, as(t, st, "root").call("PATCH", "/api/v1/staff/crm", map[string]any{"on_shift": false}, &p))
	require.Equal(t, []string{"on_shift"}, fieldsOf(p))
	var bob struct {
		OnShift bool `json:"on_shift"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "root").call("GET", "/api/v1/staff/bob", nil, &bob))
	require.True(t, bob.OnShift, "nothing refused changed anything")

	var got struct {
		OnShift bool `json:"on_shift"`
	}
	require.Equal(t, http.StatusOK, sup.call("PATCH", path, map[string]any{"on_shift": false}, &got))
	require.False(t, got.OnShift)
	// Routed within the team, a new action passes the person off shift by.
	team := func() string {
		var me struct {
			TeamID string `json:"team_id"`
		}
		require.Equal(t, http.StatusOK, out.call("GET", "/api/v1/me", nil, &me))
		return me.TeamID
	}()
	for range 3 {
		var a action
		require.Equal(t, http.StatusCreated, sup.call("POST", "/api/v1/actions", merge(without(newAction(""), "owner_id"), "team_id", team), &a))
		require.Equal(t, inID, a.OwnerID, "routed to the one on shift")
	}
	var trail struct {
		Items []struct {
			ActorID string          `json:"actor_id"`
			Detail  json.RawMessage `json:"detail"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "root").call("GET", "/api/v1/audit?subject_type=staff&subject="+outID+"&kind=staff_changed", nil, &trail))
	require.Len(t, trail.Items, 1)
	require.Contains(t, trail.Items[0].ActorID, "sup", "recorded as the supervisor's")
	require.JSONEq(t, `{"changes":{"on_shift":{"from":true,"to":false}}}`, string(trail.Items[0].Detail))
	require.Equal(t, http.StatusOK, sup.call("PATCH", path, map[string]any{"on_shift": true}, &got))
	require.True(t, got.OnShift)
}

// Someone who goes off shift still owning open actions leaves them with nobody at work: the team's
// supervisors are told of each at once, in one line of their inbox, and the managers too when no
// supervisor is on shift. Neither the person nor whoever took them off shift is told, and a
// request sent again, which changes nothing, tells nobody again.
func testOffShiftOwningTellsSupervisors(t *testing.T, st *app.Stack) {
	out, _, sup, outID, _ := teamOf3(t, st)
	ids := createOwned(t, sup, outID, 2)
	awayNotices := func(c caller) []notificationItem {
		var got []notificationItem
		for _, id := range ids {
			for _, n := range toldOfAction(t, c, id) {
				if n.Kind == "owner_off_shift" {
					got = append(got, n)
				}
			}
		}
		return got
	}
	waitFor := func(c caller, n int) []notificationItem {
		t.Helper()
		var got []notificationItem
		require.Eventually(t, func() bool { got = awayNotices(c); return len(got) >= n }, 20*time.Second, 50*time.Millisecond)
		require.Len(t, got, n)
		return got
	}

	var off offShiftAnswer
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, &off))
	require.Equal(t, int64(2), *off.StillOwned)
	told := waitFor(sup, 2)
	require.Equal(t, told[0].Seq, told[1].Seq, "one end of shift: one line of the inbox")
	require.Negative(t, told[0].Seq, "no entry of the timeline")
	require.Contains(t, told[0].Message, outID+" went off shift still owning “Late checkout for room 214”: it waits for their return unless someone reassigns it.")
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, nil), "sent again: it changes nothing")

	// Back, and off again with the team's only supervisor off shift: the managers are told, and
	// so is the supervisor, for when she is back.
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	dave := as(t, st, "dave")
	told = waitFor(dave, 2)
	require.Contains(t, told[0].Message, "(It comes to you because no supervisor of the team is on shift.)")
	require.Len(t, waitFor(sup, 4), 4, "nothing for the request sent again")
	require.Empty(t, awayNotices(out), "not the person who went")

	// Taken off shift by the supervisor, who is not told of her own change: nor is anyone else,
	// with her on shift. Their own end of shift after it tells her two more, not four.
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, sup.call(http.MethodPatch, "/api/v1/staff/"+outID, map[string]any{"on_shift": false}, &off))
	require.Equal(t, int64(2), *off.StillOwned)
	require.Equal(t, http.StatusOK, sup.call(http.MethodPatch, "/api/v1/staff/"+outID, map[string]any{"on_shift": false}, nil), "sent again")
	require.Equal(t, http.StatusOK, as(t, st, "root").call(http.MethodPatch, "/api/v1/staff/"+outID, map[string]any{"on_shift": false}, nil), "an administrator's, sent again")
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	require.Len(t, waitFor(sup, 6), 6)
	require.Len(t, awayNotices(dave), 2)

	// Taken off shift by a manager, the supervisor is told, at the time of the change: not when
	// the person last started their shift, a minute before here.
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	time.Sleep(50 * time.Millisecond)
	patched := time.Now().Truncate(time.Microsecond)
	require.Equal(t, http.StatusOK, dave.call(http.MethodPatch, "/api/v1/staff/"+outID, map[string]any{"on_shift": false}, nil))
	waitFor(sup, 8)
	var latest notificationsPage
	require.Equal(t, http.StatusOK, sup.call(http.MethodGet, "/api/v1/me/notifications?limit=2", nil, &latest))
	require.Len(t, latest.Items, 2)
	for _, n := range latest.Items {
		require.Equal(t, "owner_off_shift", n.Kind)
		require.Contains(t, n.Message, "Dave Davies took "+outID+" off shift while they still own")
		require.False(t, n.CreatedAt.Before(patched), "told at %s, the change made after %s", n.CreatedAt, patched)
	}

	// The web inbox tells the two of one end of shift in one line, led by who went and how.
	_, page := signedIn(t, st, sup.token).do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, "Dave Davies took "+outID+" off shift while they still own 2 actions that nobody at work looks after:",
		"the ones nobody at work looks after (an escalated one is with those it is escalated to)")
	require.Contains(t, page, `<small>(supervisor, Evening)</small>`, "her team by its name")
	require.Contains(t, page, ">“Late checkout for room 214”: it waits for their return unless someone reassigns it.</a>")

	// The team's only supervisor deactivated while its work waits for someone away: the managers,
	// who stand in for her now, are told of it, which only she had been.
	var me struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, sup.call(http.MethodGet, "/api/v1/me", nil, &me))
	require.Equal(t, http.StatusOK, as(t, st, "root").call(http.MethodPatch, "/api/v1/staff/"+me.ID, map[string]any{"active": false}, nil))
	told = waitFor(dave, 4)
	left := 0
	for _, n := range told {
		if strings.Contains(n.Message, "leaving Evening with no supervisor at work: “Late checkout for room 214” is "+outID+"'s, who is away") {
			left++
			require.Contains(t, n.Message, " deactivated ")
		}
	}
	require.Equal(t, 2, left, "each of the two actions")
}

// A shift handover's handovers wait for a recipient who then goes off shift too: the outgoing
// person's own second shift handover leaves them to the first (409), while their supervisor's
// reassigns them, which withdraws the stranded handovers, rather than leave them to expire with
// nobody on shift to answer.
func testShiftTakesOverStrandedHandovers(t *testing.T, st *app.Stack) {
	out, _, sup, outID, inID := teamOf3(t, st)
	made := createOwned(t, out, outID, 2)
	var first shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "to_id": inID, "notes": "Going home.", "situation": "routine"}, &first))
	require.Eventually(t, func() bool {
		var rows struct {
			Items []action `json:"items"`
		}
		sup.call("GET", "/api/v1/actions?owner_id="+outID+"&status=handover_pending", nil, &rows)
		return len(rows.Items) == 2
	}, 10*time.Second, 50*time.Millisecond, "both wait for their recipient")
	// The recipient goes home ill, taken off shift by an administrator, which leaves the handovers
	// waiting for them (a supervisor's switch would withdraw them).
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PATCH", "/api/v1/staff/"+inID, map[string]any{"on_shift": false}, nil))
	// The board's shift form for the outgoing person offers notes for each, to go with its
	// reassignment.
	_, page := signedIn(t, st, sup.token).do(http.MethodGet, "/board?shift_from="+outID, nil)
	require.Equal(t, 2, strings.Count(formOf(t, page, "form-shift"), `<p class="hint">It is waiting for `+inID+`, who can no longer answer it: the shift handover reassigns it, with these notes in the reason.</p>`))

	body := map[string]any{"from_id": outID, "notes": "Both of us gone.", "situation": "let_down"}
	var p problem
	require.Equal(t, http.StatusConflict, out.call("POST", "/api/v1/shift-handovers", body, &p), "the outgoing person cannot reassign")
	require.Contains(t, p.Detail, "is being handed over in shift handover "+first.ID)

	var me struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/me", nil, &me))
	var second shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers", merge(body, "to_id", me.ID), &second))
	require.Len(t, second.Items, 2)
	for _, it := range second.Items {
		require.True(t, it.Reassign, "%s is reassigned, its handover withdrawn", it.ActionID)
	}
	require.Eventually(t, func() bool {
		var p shiftProgress
		sup.call("GET", "/api/v1/shift-handovers/"+second.ID, nil, &p)
		return p.statuses()[made[0]] == "reassigned" && p.statuses()[made[1]] == "reassigned"
	}, 10*time.Second, 50*time.Millisecond)
	for _, id := range made {
		var a action
		require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+id+"?consistent=true", nil, &a))
		require.Equal(t, []string{"assigned", me.ID}, []string{a.Status, a.OwnerID})
	}
	require.Eventually(t, func() bool {
		var p shiftProgress
		sup.call("GET", "/api/v1/shift-handovers/"+first.ID, nil, &p)
		return p.statuses()[made[0]] == "withdrawn" && p.statuses()[made[1]] == "withdrawn"
	}, 10*time.Second, 50*time.Millisecond, "the first shift handover's handovers are withdrawn")
}

// Someone going off shift is left no handover waiting for them that they cannot accept: the
// recipient of a shift handover who ends their shift right after it starts (its handovers still
// being sent) finds each of them either not made (skipped: they are off shift now) or made and
// answered by their end of shift, which waits for those on their way; and a handover on its way
// to them when they go (claimed for them, not yet in the read model) is answered once it arrives.
func testOffShiftWhileHandoversAreOnTheirWay(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	out, in, _, outID, inID := teamOf3(t, st)
	ids := createOwned(t, out, outID, 6)
	var started shiftProgress
	require.Equal(t, http.StatusAccepted, out.call("POST", "/api/v1/shift-handovers", map[string]any{"from_id": outID, "to_id": inID, "notes": "Off home.", "situation": "routine"}, &started))
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/end", map[string]any{}, nil))
	require.Eventually(t, func() bool {
		var p shiftProgress
		return out.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &p) == http.StatusOK && p.Done
	}, 20*time.Second, 100*time.Millisecond, "every item settled: none waits for someone off shift")
	for _, id := range ids {
		var a action
		require.Equal(t, http.StatusOK, out.call("GET", "/api/v1/actions/"+id+"?consistent=true", nil, &a))
		require.Nil(t, a.PendingHandover, "nothing waits for %s, off shift", inID)
		require.Equal(t, outID, a.OwnerID)
	}

	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/start", map[string]any{}, nil))
	id := createOwned(t, out, outID, 1)[0]
	var handed action
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/actions/"+id+"/handover", merge(handoverBody, "to_id", inID), &handed))
	require.NotNil(t, handed.PendingHandover)
	// The read model as it stands before the handover's write reaches it, its claim still held.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET pending_handover_id = '' WHERE id = ?", id).Error)
	_, err := st.Store.ClaimStaff(ctx, id, inID, "on-its-way")
	require.NoError(t, err)
	arrived := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		err := st.Store.DB().Exec("UPDATE actions SET pending_handover_id = ? WHERE id = ?", handed.PendingHandover.ID, id).Error
		arrived <- errors.Join(err, st.Store.ReleaseHandoverClaim(ctx, id, "on-its-way"))
	}()
	var off struct {
		Returned     []string `json:"handovers_returned"`
		StillWaiting []string `json:"handovers_still_waiting"`
	}
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/end", map[string]any{}, &off))
	require.NoError(t, <-arrived)
	require.Equal(t, []string{id}, off.Returned, "declined once it arrived")
	require.Empty(t, off.StillWaiting)
	var a action
	require.Equal(t, http.StatusOK, out.call("GET", "/api/v1/actions/"+id+"?consistent=true", nil, &a))
	require.Nil(t, a.PendingHandover)

	// A claim never taken back (its process stopped) does not hold up what waits: that is
	// answered first, and the wait for the claim ends in bounded time, the claim named nowhere.
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/start", map[string]any{}, nil))
	id = createOwned(t, out, outID, 1)[0]
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/actions/"+id+"/handover", merge(handoverBody, "to_id", inID), nil))
	_, err = st.Store.ClaimStaff(ctx, "stopped-"+id, inID, "a-process-that-stopped")
	require.NoError(t, err)
	off.Returned, off.StillWaiting = nil, nil
	require.Equal(t, http.StatusOK, in.call("POST", "/api/v1/shifts/end", map[string]any{}, &off))
	require.Equal(t, []string{id}, off.Returned)
	require.Empty(t, off.StillWaiting, "a claim is not a handover")
	require.NoError(t, st.Store.ReleaseHandoverClaim(ctx, "stopped-"+id, "a-process-that-stopped"))
}

// An action due before a handover of it would have to be answered (sooner than its policy's
// accept_within, or the shift handover's) is reassigned by a supervisor's shift handover, with an
// hour before its check: handed over, its recipient would have to answer by its due time, and
// unanswered it would go to its check still owned by the person going home. One with more time
// is handed over, as is a paused one (its time to answer waits with it).
func testShiftReassignsWhatFallsDueFirst(t *testing.T, st *app.Stack) {
	out, _, sup, outID, inID := teamOf3(t, st)
	var soon, later, paused action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "due_in", "10m"), &soon))
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &later))
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", merge(newAction(outID), "due_in", "10m"), &paused))
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/actions/"+paused.ID+"/pause", map[string]any{"reason": "guest at the pool"}, nil))
	var started, progress shiftProgress
	require.Equal(t, http.StatusAccepted, sup.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": outID, "to_id": inID, "notes": "Busy evening; the spa closes at nine.", "situation": "busy"}, &started))
	require.Eventually(t, func() bool {
		sup.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		s := progress.statuses()
		return s[soon.ID] == "reassigned" && s[later.ID] == "pending" && s[paused.ID] == "pending"
	}, 10*time.Second, 50*time.Millisecond, "due in 10 minutes, under the default 30 to answer: reassigned; the others handed over")
	for _, it := range progress.Items {
		if it.ActionID == soon.ID {
			require.Equal(t, "1h0m0s", it.DueIn, "not at its check at once")
			require.Equal(t, "it falls due before a handover of it would have to be answered", it.Why)
		} else {
			require.Empty(t, it.Why, "handed over")
		}
	}
	var now action
	require.Equal(t, http.StatusOK, sup.call("GET", "/api/v1/actions/"+soon.ID+"?consistent=true", nil, &now))
	require.Equal(t, inID, now.OwnerID)
	require.Equal(t, "assigned", now.Status)
	require.WithinDuration(t, time.Now().Add(time.Hour), now.DueAt, time.Minute)

	// The outgoing person's own shift handover, which reassigns nothing, hands it over still.
	out2, _, _, out2ID, in2ID := teamOf3(t, st)
	var own action
	require.Equal(t, http.StatusCreated, out2.call("POST", "/api/v1/actions", merge(newAction(out2ID), "due_in", "10m"), &own))
	require.Equal(t, http.StatusAccepted, out2.call("POST", "/api/v1/shift-handovers",
		map[string]any{"from_id": out2ID, "to_id": in2ID, "notes": "Busy evening; the spa closes at nine.", "situation": "busy"}, &started))
	require.Eventually(t, func() bool {
		out2.call("GET", "/api/v1/shift-handovers/"+started.ID, nil, &progress)
		return progress.statuses()[own.ID] == "pending"
	}, 10*time.Second, 50*time.Millisecond)
}
