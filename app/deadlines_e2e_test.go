package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

const hookSecret = "test-secret-0123456789"

// hookReceiver is an integration's endpoint on loopback: it verifies every signature and keeps
// the events whose signature holds.
type hookReceiver struct {
	server *httptest.Server
	mu     sync.Mutex
	events []activities.WebhookEvent
	forged int
	// refuse holds actions whose events are answered 410 Gone, as an integration that no longer
	// knows them would.
	refuse map[string]bool
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{refuse: map[string]bool{}}
	h.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if !activities.Verify(hookSecret, r.Header.Get(activities.HeaderTimestamp), body, r.Header.Get(activities.HeaderSignature)) {
			h.forged++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var ev activities.WebhookEvent
		if err := json.Unmarshal(body, &ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if h.refuse[ev.ActionID] {
			http.Error(w, "no such booking", http.StatusGone)
			return
		}
		h.events = append(h.events, ev)
	}))
	t.Cleanup(h.server.Close)
	return h
}

func (h *hookReceiver) webhook() *activities.Webhook {
	return &activities.Webhook{URL: h.server.URL, Secret: hookSecret}
}

// waitFor returns the first event of that type for the action, waiting up to 10 s.
func (h *hookReceiver) waitFor(t *testing.T, actionID, typ string) activities.WebhookEvent {
	t.Helper()
	return h.waitMatching(t, actionID, typ, func(activities.WebhookEvent) bool { return true })
}

// waitMatching returns the first event of that type for the action that matches, waiting up to 10 s.
func (h *hookReceiver) waitMatching(t *testing.T, actionID, typ string, match func(activities.WebhookEvent) bool) activities.WebhookEvent {
	t.Helper()
	var found activities.WebhookEvent
	require.Eventually(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, ev := range h.events {
			if ev.ActionID == actionID && ev.Type == typ && match(ev) {
				found = ev
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "no %s webhook for %s", typ, actionID)
	return found
}

type escalatedAction struct {
	action
	EscalationLevel int `json:"escalation_level"`
}

// waitStatus polls the read model until the action reaches the status and escalation level.
func waitStatus(t *testing.T, c caller, id, status string, level int) escalatedAction {
	t.Helper()
	var a escalatedAction
	require.Eventually(t, func() bool {
		a = escalatedAction{}
		c.call("GET", "/api/v1/actions/"+id, nil, &a)
		return a.Status == status && a.EscalationLevel == level
	}, 15*time.Second, 25*time.Millisecond, "action %s never reached %s level %d", id, status, level)
	return a
}

// Rows "due time passes -> checking", "check_within passes -> escalated" and "escalate_within
// passes -> level+1", with second-scale durations against the real server, and the webhooks they
// send: signed, naming the system timer as the cause.
func testDeadlines(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, carol := as(t, st, "alice"), as(t, st, "carol")
	body := newAction("alice")
	// An action may not repeat escalations faster than once a minute; an administrator's policy may.
	body["due_in"], body["check_within"], body["escalate_within"] = "2s", "3s", "2s"
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", body, nil))
	category := modelstest.Name("fast")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+category, map[string]any{"escalate_within": "2s"}, nil))
	body["category"] = category
	delete(body, "escalate_within")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a))

	waitStatus(t, alice, a.ID, "checking", 0)
	asked := hooks.waitFor(t, a.ID, "action.outcome_asked")
	require.Equal(t, "system", asked.ActorID)
	require.Equal(t, "timer", asked.Cause)
	require.Contains(t, asked.Recipients, "alice")

	waitStatus(t, alice, a.ID, "escalated", 1)
	level1 := hooks.waitFor(t, a.ID, "action.escalated")
	require.Contains(t, level1.Recipients, "carol", "level 1 alerts the supervisor")
	waitStatus(t, alice, a.ID, "escalated", 2)

	var inbox struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
			Cause    string `json:"cause"`
		} `json:"items"`
	}
	// Notifications are sent beside the state change, so the inbox may trail the read model.
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, as(t, st, "dave").call("GET", "/api/v1/me/notifications", nil, &inbox))
		for _, n := range inbox.Items {
			if n.ActionID == a.ID && n.Kind == "escalated" && n.Cause == "timer" {
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "level 2 reaches the manager's inbox")

	require.Equal(t, http.StatusOK, as(t, st, "dave").call("POST", "/api/v1/actions/"+a.ID+"/extend", map[string]any{"due_in": "1h", "reason": "guest delayed"}, &a))
	require.Equal(t, "assigned", a.Status)
	// The supervisors, whom it alerted first, hear how it ended as well as the managers.
	require.Eventually(t, func() bool {
		return slices.ContainsFunc(toldOfAction(t, carol, a.ID), func(n notificationItem) bool {
			return n.Kind == "escalation_handled" && strings.Contains(n.Message, "escalated to manager (level 2), was given until ")
		})
	}, 10*time.Second, 20*time.Millisecond, "the supervisor is told the escalation she was alerted of ended")
	hooks.mu.Lock()
	require.Zero(t, hooks.forged)
	hooks.mu.Unlock()
}

// Rows "accept_within passes -> escalated" (the owner keeps the action) and "accept: customer
// told to whom and why", the latter as a webhook of its own kind.
func testExpiryAndCustomerMessage(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", merge(handoverBody, "accept_within", "2s"), &a))
	expired := waitStatus(t, alice, a.ID, "escalated", 1)
	require.Equal(t, "alice", expired.OwnerID)
	require.Equal(t, "expired", expired.Handovers[0].Status)
	hooks.waitFor(t, a.ID, "action.handover_expired")

	var b action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &b))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+b.ID+"/handover", handoverBody, &b))
	var inbox struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
		} `json:"items"`
	}
	require.Eventually(t, func() bool {
		bob.call("GET", "/api/v1/me/notifications", nil, &inbox)
		for _, n := range inbox.Items {
			if n.ActionID == b.ID && n.Kind == "handover_requested" {
				return true
			}
		}
		return false
	}, 10*time.Second, 20*time.Millisecond, "the recipient's inbox shows the handover")
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+b.ID+"/accept", map[string]any{"summary": "I take it on"}, &b))
	told := hooks.waitFor(t, b.ID, "action.customer_message")
	require.Equal(t, "Bob will confirm your late checkout.", told.Message)
	require.NotNil(t, told.Customer)
	require.Equal(t, "G-1001", told.Customer.Ref)
	require.Equal(t, "bob", told.ActorID)
	require.Equal(t, "request", told.Cause)
}

// A handover sent to the wrong person is taken back by its hander: only the hander (or a
// supervisor) may, with a reason; the owner keeps the action, the recipient is told and can no
// longer accept it.
func testWithdraw(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))
	path := "/api/v1/actions/" + a.ID + "/handover/withdraw"

	var p problem
	require.Equal(t, http.StatusForbidden, bob.call("POST", path, map[string]any{"reason": "not mine"}, &p))
	require.Contains(t, p.Detail, "recipient: decline it")
	require.Equal(t, http.StatusForbidden, as(t, st, "erin").call("POST", path, map[string]any{"reason": "not mine"}, &p))
	require.Contains(t, p.Detail, "only the person who made the handover")
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path, map[string]any{}, &p))
	require.Len(t, p.Errors, 1)
	require.Equal(t, "reason", p.Errors[0].Field)

	require.Equal(t, http.StatusOK, alice.call("POST", path, map[string]any{"reason": "meant for erin"}, &a))
	require.Equal(t, "assigned", a.Status)
	require.Equal(t, "alice", a.OwnerID)
	require.Nil(t, a.PendingHandover)
	require.Equal(t, "withdrawn", a.Handovers[0].Status)
	var read action
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+a.ID, nil, &read))
	require.Equal(t, a.Version, read.Version, "the read model shows the withdrawal before it answers")
	require.Equal(t, "withdrawn", read.Handovers[0].Status)

	require.Equal(t, http.StatusConflict, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I take it on"}, nil))
	require.Equal(t, http.StatusConflict, alice.call("POST", path, map[string]any{"reason": "again"}, nil))
	told := hooks.waitFor(t, a.ID, "action.handover_withdrawn")
	require.Equal(t, []string{"bob"}, told.Recipients)
	require.Equal(t, "alice", told.ActorID)
	require.Equal(t, "request", told.Cause)
	require.Contains(t, told.Message, "meant for erin")
}

// A handover with route instead of to_id goes to the least loaded colleague of the team who could
// take it now; with nobody such, or with both, it is refused under its field and nothing changes.
func testRoutedHandover(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID + "/handover"
	routed := merge(without(handoverBody, "to_id"), "route", true)

	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path, merge(routed, "to_id", "bob"), &p))
	require.Equal(t, "to_id", p.Errors[0].Field)
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", path, without(handoverBody, "to_id"), &p))
	require.Equal(t, "to_id", p.Errors[0].Field)

	require.Equal(t, http.StatusOK, alice.call("POST", path, routed, &a))
	require.Equal(t, "handover_pending", a.Status)
	require.NotNil(t, a.PendingHandover)
	require.Contains(t, []string{"bob", "erin"}, a.PendingHandover.ToID, "an agent of the team on shift, not alice herself")

	// Nobody else holds authority 5: refused, saying why.
	var high action
	root := as(t, st, "root")
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/alice", map[string]any{"authority": 5}, nil))
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "required_authority", 5), &high))
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions/"+high.ID+"/handover", routed, &p))
	require.Equal(t, "route", p.Errors[0].Field)
	require.Contains(t, p.Detail, "nobody else in the team can take it now")
	// Back as the other tests know alice (her authority cannot drop below an action she holds).
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+high.ID+"/complete", map[string]any{"outcome": "done myself"}, nil))
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/alice", map[string]any{"authority": 1}, nil))
}

// The supervisors' rows: reassign, extend, escalate, cancel, each refused to an agent (403) and
// to an invalid target (422), and claim of an unowned action.
func testSupervisorCommands(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, carol, dave := as(t, st, "alice"), as(t, st, "carol"), as(t, st, "dave")
	var a escalatedAction
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID
	var p problem
	for _, cmd := range []struct {
		path string
		body map[string]any
	}{
		{"/reassign", map[string]any{"to_id": "bob", "reason": "x"}},
		{"/extend", map[string]any{"due_in": "1h", "reason": "x"}},
		{"/escalate", map[string]any{"reason": "x"}},
		{"/cancel", map[string]any{"reason": "x"}},
	} {
		require.Equal(t, http.StatusForbidden, alice.call("POST", path+cmd.path, cmd.body, &p), cmd.path)
	}
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", path+"/reassign", map[string]any{"to_id": "crm", "reason": "x"}, &p))
	require.Equal(t, "to_id", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", path+"/escalate", map[string]any{}, &p), "a reason is required")
	require.Equal(t, http.StatusConflict, carol.call("POST", path+"/check", map[string]any{"result": "done"}, &p), "nothing to check before the due time")

	require.Equal(t, http.StatusOK, carol.call("POST", path+"/reassign", map[string]any{"to_id": "bob", "reason": "alice is at lunch"}, &a))
	require.Equal(t, "bob", a.OwnerID)
	// The reassignment tells bob and alice, each in words of their own: two webhooks, two IDs.
	// (Its event is the one before the last: the last tells the customer.)
	reassigned := a.Version - 1
	require.Eventually(t, func() bool {
		hooks.mu.Lock()
		defer hooks.mu.Unlock()
		ids := map[string]bool{}
		for _, ev := range hooks.events {
			if ev.ActionID == a.ID && ev.Type == "action.assigned" && ev.Seq == reassigned {
				ids[ev.ID] = true
			}
		}
		return len(ids) == 2
	}, 10*time.Second, 20*time.Millisecond, "one webhook ID per person told")
	// Both carry the action as it stands after it, whichever arrives last: bob owns it.
	hooks.mu.Lock()
	for _, ev := range hooks.events {
		if ev.ActionID == a.ID && ev.Type == "action.assigned" && ev.Seq == reassigned {
			require.Equal(t, "bob", ev.OwnerID)
			require.Equal(t, "assigned", ev.Status)
			require.Equal(t, a.Version, ev.Version)
		}
	}
	hooks.mu.Unlock()
	require.Equal(t, http.StatusOK, dave.call("POST", path+"/escalate", map[string]any{"reason": "VIP complaint"}, &a))
	require.Equal(t, "escalated", a.Status)
	require.Equal(t, 2, a.EscalationLevel, "a manager's escalation is at the managers' level, the top")
	require.Equal(t, http.StatusConflict, dave.call("POST", path+"/escalate", map[string]any{"reason": "still angry"}, &p), "nothing above the top")
	require.Contains(t, p.Detail, "already escalated to the top of its ladder")
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", path+"/extend", map[string]any{"due_in": "2h", "reason": "waiting on the guest"}, &p))
	require.Equal(t, "due_in", p.Errors[0].Field, "2h from now is before the due time: %s", p.Detail)
	require.Equal(t, http.StatusOK, carol.call("POST", path+"/extend", map[string]any{"due_in": "6h", "reason": "waiting on the guest"}, &a))
	require.Equal(t, "assigned", a.Status)
	require.Equal(t, http.StatusOK, carol.call("POST", path+"/cancel", map[string]any{"reason": "guest withdrew the request"}, &a))
	require.Equal(t, "cancelled", a.Status)
	require.Equal(t, http.StatusConflict, carol.call("POST", path+"/cancel", map[string]any{"reason": "again"}, &p))

	// Nobody below authority 4 may own this one, and routing only picks agents: unassigned.
	body := newAction("")
	delete(body, "owner_id")
	body["team_id"], body["required_authority"] = "frontdesk", 4
	var u action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &u))
	require.Equal(t, "unassigned", u.Status)
	require.Equal(t, http.StatusForbidden, carol.call("POST", "/api/v1/actions/"+u.ID+"/claim", nil, &p), "carol's authority is 3")
	require.Contains(t, p.Detail, "you cannot take this action on: you have authority 3")
	require.Equal(t, http.StatusOK, dave.call("POST", "/api/v1/actions/"+u.ID+"/claim", nil, &u))
	require.Equal(t, "dave", u.OwnerID)
	require.Equal(t, "assigned", u.Status)

	// The same, with its own assign_within: nobody takes it within a second, so it escalates.
	var quick action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(body, "assign_within", "1s"), &quick))
	require.Equal(t, "unassigned", quick.Status)
	waitStatus(t, alice, quick.ID, "escalated", 1)
	timeline := timelineOf(t, alice, quick.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "escalated", last.Type)
	require.Equal(t, "nobody took the action on within 1 s", last.Data["reason"], "its own assign_within, not the policy's")
}

// Routing picks an eligible agent when no owner is named; a category's policy is versioned and
// a new action records the version it runs under.
func testRoutingAndPolicies(t *testing.T, st *app.Stack) {
	alice, root, carol := as(t, st, "alice"), as(t, st, "root"), as(t, st, "carol")
	body := newAction("")
	delete(body, "owner_id")
	body["team_id"], body["required_authority"] = "frontdesk", 2
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a))
	require.Equal(t, "erin", a.OwnerID, "erin is the only agent with authority 2")
	require.Equal(t, "assigned", a.Status)

	var p problem
	require.Equal(t, http.StatusForbidden, carol.call("PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "10m"}, &p))
	require.Equal(t, http.StatusUnprocessableEntity, root.call("PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "soon"}, &p))
	type policy struct {
		Version      int    `json:"version"`
		AcceptWithin string `json:"accept_within"`
		CheckWithin  string `json:"check_within"`
	}
	var before, v1, v2 policy
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/policies/refund", nil, &before))
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "10m"}, &v1))
	require.Equal(t, before.Version+1, v1.Version)
	require.Equal(t, "10m0s", v1.AcceptWithin)
	require.Equal(t, "1h0m0s", v1.CheckWithin, "unset durations keep the defaults")

	refund := merge(newAction("alice"), "category", "refund")
	var r action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", refund, &r))
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "20m"}, &v2))
	require.Equal(t, v1.Version+1, v2.Version)

	events := timelineOf(t, alice, r.ID)
	require.Equal(t, "created", events[0].Type)
	require.EqualValues(t, v1.Version, events[0].Data["policy_version"], "the action keeps the version it started with")
}

// An integration hears of every change to an action it created, including those that notify
// nobody: the owner's own note and completion come as webhooks with no recipients, naming her.
func testEveryChangeReachesTheIntegration(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	crm, alice := as(t, st, "crm"), as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", newAction("alice"), &a))
	assigned := hooks.waitFor(t, a.ID, "action.assigned")
	require.Equal(t, "crm", assigned.ActorID, "the integration can tell its own change")
	require.Equal(t, []string{"alice"}, assigned.Recipients)
	require.Equal(t, "created", assigned.Event)
	require.Equal(t, "frontdesk", assigned.TeamID, "whose action it is, without reading it back")
	require.Equal(t, "G-1001", assigned.CustomerRef)
	// It finds the actions it created among every team's, and only those.
	var other action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &other))
	var own struct{ Items []action }
	require.Equal(t, http.StatusOK, crm.call("GET", "/api/v1/actions?created_by=crm&limit=200", nil, &own))
	var ownIDs []string
	for _, o := range own.Items {
		require.Equal(t, "crm", o.CreatedBy)
		ownIDs = append(ownIDs, o.ID)
	}
	require.Contains(t, ownIDs, a.ID)
	require.NotContains(t, ownIDs, other.ID)

	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "guest called again"}, nil))
	noted := hooks.waitFor(t, a.ID, "action.note_added")
	require.Equal(t, "alice", noted.ActorID)
	require.Empty(t, noted.Recipients)
	require.Equal(t, "G-1001", noted.CustomerRef, "on a change that notified nobody too")
	require.Equal(t, "frontdesk", noted.TeamID)

	// A supervisor's pause tells the owner (a notification of kind "assigned"); the event names it.
	require.Equal(t, http.StatusOK, as(t, st, "carol").call("POST", "/api/v1/actions/"+a.ID+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
	paused := hooks.waitMatching(t, a.ID, "action.assigned", func(ev activities.WebhookEvent) bool { return ev.Event == "paused" })
	require.Equal(t, []string{"alice"}, paused.Recipients)
	require.Equal(t, "carol", paused.ActorID)
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "late checkout booked"}, &a))
	done := hooks.waitFor(t, a.ID, "action.completed")
	require.Equal(t, "completed", done.Event)
	require.Equal(t, "alice", done.ActorID)
	require.Equal(t, "request", done.Cause)
	require.Empty(t, done.Recipients, "nobody handed it over, so nobody is notified")
	require.Contains(t, done.Message, "late checkout booked")
	require.Equal(t, a.Version, done.Seq)
}

var undelivered = regexp.MustCompile(`(?m)^handover_webhooks_undelivered_total\{[^}]*kind="handover_requested"[^}]*\} ([0-9.e+]+)$`)

// A webhook the integration refuses (410 Gone: not retried) is given up at once, and counted on
// /metrics for alerting; the action goes on, and the message to the customer it refused is given
// to the owner to tell by hand.
func testUndeliveredWebhook(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	count := func() float64 {
		resp, err := http.Get(st.URL + "/metrics")
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		m := undelivered.FindSubmatch(raw)
		if m == nil {
			return 0
		}
		v, err := strconv.ParseFloat(string(m[1]), 64)
		require.NoError(t, err)
		return v
	}
	before := count()
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	hooks.mu.Lock()
	hooks.refuse[a.ID] = true
	hooks.mu.Unlock()
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))
	require.Eventually(t, func() bool { return count() >= before+1 }, 10*time.Second, 50*time.Millisecond,
		"the refused delivery is counted")
	bob := as(t, st, "bob")
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I call the guest back."}, &a))
	require.Equal(t, "assigned", a.Status)
	// The message to the customer refused, Bob is to tell the guest himself.
	require.Eventually(t, func() bool { return len(tasksOf(t, bob, a.ID)) == 1 }, 10*time.Second, 50*time.Millisecond,
		"the refused message is bob's to tell by hand")
	task := tasksOf(t, bob, a.ID)[0]
	require.Equal(t, "Bob will confirm your late checkout.", task.Message)
	timeline := timelineOf(t, bob, a.ID)
	require.Equal(t, "message_undelivered", timeline[task.MessageSeq].Type, "the entry after the message")

	// The delivery given up on is kept, shown by the API's gauge, and sent again once the
	// integration knows the action: nothing given up is lost.
	ctx := context.Background()
	// (The create's own delivery may have gone before the action was refused, or not.)
	refused := []string{a.ID + "/2/handover_requested/bob", a.ID + "/3/handover_accepted/alice", a.ID + "/4/customer_message/role:@frontdesk"}
	var kept []models.WebhookDelivery
	require.Eventually(t, func() bool {
		var err error
		kept, err = st.Store.UndeliveredWebhooks(ctx, a.ID, nil, 10)
		require.NoError(t, err)
		ids := map[string]bool{}
		for _, d := range kept {
			ids[d.ID] = true
		}
		return ids[refused[0]] && ids[refused[1]] && ids[refused[2]]
	}, 10*time.Second, 20*time.Millisecond, "the request, the acceptance and the message to the customer, all refused")
	for _, d := range kept {
		require.Equal(t, 1, d.Attempts, "refused, so not retried")
		require.Contains(t, d.LastError, "410 Gone")
	}
	resp, err := http.Get(st.URL + "/metrics")
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.GreaterOrEqual(t, metricValue(t, string(raw), "handover_webhooks_failing"), 1.0)
	hooks.mu.Lock()
	delete(hooks.refuse, a.ID)
	hooks.mu.Unlock()
	res, err := (&activities.Activities{Store: st.Store, Webhook: hooks.webhook(), Sealer: st.Sealer}).Redeliver(ctx, a.ID)
	require.NoError(t, err)
	require.Zero(t, res.Failed)
	require.Equal(t, 1, res.ByHand, "the message to the customer is bob's to tell now: not sent twice")
	require.GreaterOrEqual(t, res.Sent+res.ByHand, len(kept), "every one kept (and the create's, refused or not by then)")
	got := hooks.waitFor(t, a.ID, "action.handover_requested")
	require.Equal(t, a.ID+"/2/handover_requested/bob", got.ID)
	require.Equal(t, []string{"bob"}, got.Recipients)
	hooks.waitFor(t, a.ID, "action.handover_accepted")
	hooks.waitFor(t, a.ID, "action.message_undelivered")
	kept, err = st.Store.UndeliveredWebhooks(ctx, a.ID, nil, 10)
	require.NoError(t, err)
	require.Empty(t, kept)
	hooks.mu.Lock()
	for _, ev := range hooks.events {
		require.False(t, ev.ActionID == a.ID && ev.Type == "action.customer_message", "not sent: %s", ev.ID)
	}
	hooks.mu.Unlock()
}

// Nobody is told of their own change: the owner (a supervisor, who may) who records "not done,
// extend" at the check is not notified that the action is due later (an integrator saw it, with
// an empty clause), while what the system asked of them stays in their inbox.
func testOwnChangesNotTold(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	carol := as(t, st, "carol")
	var a action
	require.Equal(t, http.StatusCreated, carol.call("POST", "/api/v1/actions", merge(newAction("carol"), "due_in", "1s"), &a))
	waitStatus(t, carol, a.ID, "checking", 0)
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/check",
		map[string]any{"result": "not_done", "next": "extend", "due_in": "2h", "notes": "waiting on parts"}, &a))
	require.Equal(t, "assigned", a.Status)
	extended := hooks.waitFor(t, a.ID, "action.extended")
	require.Equal(t, "carol", extended.ActorID)
	require.Empty(t, extended.Recipients, "the webhook says nobody was told: the change itself, not an action.assigned")
	var inbox struct {
		Items []struct {
			ActionID string `json:"action_id"`
			Kind     string `json:"kind"`
			ActorID  string `json:"actor_id"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, carol.call("GET", "/api/v1/me/notifications", nil, &inbox))
	kinds := []string{}
	for _, n := range inbox.Items {
		if n.ActionID == a.ID {
			require.NotEqual(t, "carol", n.ActorID, "carol is not told of her own change: %+v", n)
			kinds = append(kinds, n.Kind)
		}
	}
	require.Contains(t, kinds, "outcome_asked", "what the system asked of her stays")
}

// notificationsPage is an answer of GET /me/notifications, as far as the tests read it.
type notificationsPage struct {
	Items []notificationItem `json:"items"`
}

type notificationItem struct {
	ActionID  string    `json:"action_id"`
	Seq       int64     `json:"seq"`
	Kind      string    `json:"kind"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// toldOfAction is what c has been told of one action (of their latest 100 notices), newest first.
func toldOfAction(t *testing.T, c caller, actionID string) []notificationItem {
	t.Helper()
	var inbox notificationsPage
	require.Equal(t, http.StatusOK, c.call("GET", "/api/v1/me/notifications?limit=100", nil, &inbox))
	return slices.DeleteFunc(inbox.Items, func(n notificationItem) bool { return n.ActionID != actionID })
}

// notificationsOf is the messages of what c has been told of one action, newest first.
func notificationsOf(t *testing.T, c caller, actionID string) []string {
	t.Helper()
	var out []string
	for _, n := range toldOfAction(t, c, actionID) {
		out = append(out, n.Message)
	}
	return out
}

// An owner is told when a supervisor completes their action, in the inbox and through the
// webhook: they would otherwise go on working on an action that is closed.
func testOwnerToldOfCompletion(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, carol := as(t, st, "alice"), as(t, st, "carol")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "the guest called the desk"}, nil))
	told := hooks.waitMatching(t, a.ID, "action.completed", func(e activities.WebhookEvent) bool { return slices.Contains(e.Recipients, "alice") })
	require.Equal(t, "carol", told.ActorID)
	var inbox notificationsPage
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/me/notifications", nil, &inbox))
		return slices.ContainsFunc(inbox.Items, func(n notificationItem) bool {
			return n.ActionID == a.ID && n.Kind == "completed" && strings.HasPrefix(n.Message, "Carol Clark completed ") && strings.HasSuffix(n.Message, ", which was yours: the guest called the desk")
		})
	}, 10*time.Second, 20*time.Millisecond, "alice hears that carol completed her action: %+v", inbox.Items)
}

// A reassignment tells the customer to whom their request went, as an acceptance does: in the
// product's words, naming the new owner and not the supervisor's reason, or in the supervisor's
// own; through the webhook, and on the timeline.
func testReassignmentToldToCustomer(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, carol := as(t, st, "alice"), as(t, st, "carol")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	// A message of spaces alone says nothing (sealed, it was told as it was): the product's words.
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/reassign", map[string]any{"to_id": "bob", "reason": "alice went home ill", "customer_message": "   "}, nil))
	told := hooks.waitFor(t, a.ID, "action.customer_message")
	require.Equal(t, "Your request has been passed to Bob Brown, who is looking after it now, so that it is seen through without delay.", told.Message)
	require.Equal(t, "carol", told.ActorID)
	require.Equal(t, "bob", told.OwnerID)

	const own = "Alice is back tomorrow: she will call you at 9."
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/reassign", map[string]any{"to_id": "alice", "reason": "back from sick leave", "customer_message": own}, nil))
	told = hooks.waitMatching(t, a.ID, "action.customer_message", func(e activities.WebhookEvent) bool { return e.OwnerID == "alice" })
	require.Equal(t, own, told.Message, "opened for the integration")
	var timeline struct {
		Items []struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, carol.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &timeline))
	var messages []any
	for _, e := range timeline.Items {
		if e.Type == "customer_told" {
			messages = append(messages, e.Data["message"])
		}
	}
	require.Equal(t, []any{"Your request has been passed to Bob Brown, who is looking after it now, so that it is seen through without delay.", own}, messages,
		"the supervisor's own words opened for staff, as the customer's data are")

	// At the check, too: a message only with next reassign.
	var due action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "due_in", "1s"), &due))
	waitStatus(t, carol, due.ID, "checking", 0)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, carol.call("POST", "/api/v1/actions/"+due.ID+"/check",
		map[string]any{"result": "not_done", "next": "extend", "due_in": "1h", "customer_message": "We need another hour."}, &p))
	require.Equal(t, []string{"customer_message"}, fieldsOf(p))
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+due.ID+"/check",
		map[string]any{"result": "not_done", "next": "reassign", "to_id": "bob", "due_in": "1h", "notes": "alice is off sick", "customer_message": "Bob calls you within the hour."}, nil))
	told = hooks.waitFor(t, due.ID, "action.customer_message")
	require.Equal(t, "Bob calls you within the hour.", told.Message)
}

// Routed creates that arrive together are spread out: the read model shows a new action only once
// its create has answered, so each create in flight counts as its owner's open work (three to a
// team of three idle agents went to one of them).
func testRoutedCreatesSpread(t *testing.T, st *app.Stack) {
	root, crm := as(t, st, "root"), as(t, st, "crm")
	team := modelstest.Name("spa")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": team, "name": "Spa"}, nil))
	var agents []string
	for _, n := range []string{"sam", "sid", "sue"} {
		id := modelstest.Name(n)
		agents = append(agents, id)
		require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff", map[string]any{"id": id, "name": n, "role": "agent", "team_id": team, "authority": 1, "on_shift": true}, nil))
	}
	body := merge(without(newAction(""), "owner_id"), "team_id", team)
	owners, made := make([]string, len(agents)), make([]string, len(agents))
	var wg sync.WaitGroup
	for i := range agents {
		wg.Go(func() {
			var a action
			if status := crm.call("POST", "/api/v1/actions", body, &a); status != http.StatusCreated {
				t.Errorf("create %d: %d", i, status)
			}
			owners[i], made[i] = a.OwnerID, a.ID
		})
	}
	wg.Wait()
	require.ElementsMatch(t, agents, owners, "one each")
	// The action knows its routed owner by name: its refusals name them so.
	var p problem
	name := []string{"sam", "sid", "sue"}[slices.Index(agents, owners[0])]
	var issued struct {
		Token string `json:"token"`
	}
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/staff/"+owners[1]+"/tokens", map[string]any{"label": "spa tablet"}, &issued))
	colleague := caller{t: t, base: st.URL, token: issued.Token}
	require.Equal(t, http.StatusForbidden, colleague.call("POST", "/api/v1/actions/"+made[0]+"/handover", merge(handoverBody, "to_id", owners[1]), &p))
	require.Contains(t, p.Detail, "only the owner ("+name+") can hand this action over")
}

// Erasing a customer tells the integration, so that it erases the copies it keeps (the names and
// contacts of customer messages): a customer.erased delivery naming them by their reference, or
// a walk-in by their action. Erasing again tells it nothing more.
func testErasureToldToTheIntegration(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	crm, root := as(t, st, "crm"), as(t, st, "root")
	ref := modelstest.Name("G-ERASE")
	body := newAction("alice")
	body["customer"] = map[string]any{"ref": ref, "name": "Ms Lindqvist", "contact": "+46 70 123 45 67"}
	var a action
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", body, &a))
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, nil))
	erased := hooks.waitMatching(t, "", "customer.erased", func(ev activities.WebhookEvent) bool { return ev.CustomerRef == ref })
	require.Equal(t, "root", erased.ActorID)
	require.Equal(t, "request", erased.Cause)
	require.Contains(t, erased.Message, "customer "+ref+" was erased")
	require.NotContains(t, erased.Message, "Lindqvist")
	require.Nil(t, erased.Customer)
	require.Regexp(t, `^erasure/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, erased.ID, "its own random ID, nothing of the customer's")
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, nil))

	// A reference of any characters.
	accented := "Müller/7 ü " + ref
	body["customer"] = map[string]any{"ref": accented, "name": "Herr Müller"}
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", body, nil))
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+url.PathEscape(accented), nil, nil))
	hooks.waitMatching(t, "", "customer.erased", func(ev activities.WebhookEvent) bool { return ev.CustomerRef == accented })

	// A walk-in, erased through their action.
	delete(body, "customer")
	body["customer"] = map[string]any{"name": "A walk-in guest"}
	var walkIn action
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", body, &walkIn))
	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/actions/"+walkIn.ID+"/customer", nil, nil))
	gone := hooks.waitFor(t, walkIn.ID, "customer.erased")
	require.Empty(t, gone.CustomerRef)
	require.Contains(t, gone.Message, "the customer of action "+walkIn.ID)

	// Once told, not again: the second erasure of ref changed nothing.
	time.Sleep(300 * time.Millisecond)
	hooks.mu.Lock()
	told := 0
	for _, ev := range hooks.events {
		if ev.Type == "customer.erased" && ev.CustomerRef == ref {
			told++
		}
	}
	hooks.mu.Unlock()
	require.Equal(t, 1, told)
}
