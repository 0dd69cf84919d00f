package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/telemetry"
	"github.com/handover/handover/workflows"
)

// startStack starts the whole product in-process, as `handover dev --demo` does, on a fresh data
// directory and read model, and stops it when the test ends.
func startStack(t *testing.T, dataDir, dbURL string, webhook ...*activities.Webhook) *app.Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The Temporal Web UI is left out: only the browser test, which starts its own stack, uses it.
	cfg := app.DevConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, Demo: true, NoTemporalUI: true}
	if len(webhook) > 0 {
		cfg.Webhook = webhook[0]
	}
	st, err := app.StartDev(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Stop(context.Background()) })
	return st
}

// caller is one demo user talking to the API.
type caller struct {
	t     *testing.T
	base  string
	token string
}

func as(t *testing.T, st *app.Stack, id string) caller {
	return caller{t: t, base: st.URL, token: app.DemoToken(id)}
}

// timelineEvent is one item of an action's timeline, as GET /actions/{id}/events gives it.
type timelineEvent struct {
	At      time.Time      `json:"at"`
	Type    string         `json:"type"`
	ActorID string         `json:"actor_id"`
	Cause   string         `json:"cause"`
	Data    map[string]any `json:"data"`
}

// timelineOf reads an action's timeline as c sees it.
func timelineOf(t *testing.T, c caller, id string) []timelineEvent {
	t.Helper()
	var page struct {
		Items []timelineEvent `json:"items"`
	}
	require.Equal(t, http.StatusOK, c.call("GET", "/api/v1/actions/"+id+"/events", nil, &page))
	return page.Items
}

// call sends a request and decodes the JSON answer into out (when not nil); it returns the status.
func (c caller) call(method, path string, body any, out any, headers ...string) int {
	c.t.Helper()
	status, _ := c.callHeader(method, path, body, out, headers...)
	return status
}

// callHeader is call that also returns the answer's headers.
func (c caller) callHeader(method, path string, body any, out any, headers ...string) (int, http.Header) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	require.NoError(c.t, err)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := contractClient(c.t).Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	if resp.StatusCode >= 400 {
		require.Equal(c.t, "application/problem+json", resp.Header.Get("Content-Type"), string(raw))
	}
	if text, ok := out.(*string); ok {
		*text = string(raw) // an answer that is not JSON (the CSV export)
	} else if out != nil && len(raw) > 0 {
		require.NoError(c.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, resp.Header
}

type action struct {
	ID        string    `json:"id"`
	CreatedBy string    `json:"created_by"`
	Status    string    `json:"status"`
	OwnerID   string    `json:"owner_id"`
	TeamID    string    `json:"team_id"`
	Version   int64     `json:"version"`
	Outcome   string    `json:"outcome"`
	DueAt     time.Time `json:"due_at"`
	// EscalationLevel is the rung of the ladder an escalated action is at.
	EscalationLevel int `json:"escalation_level"`
	// RequiredAuthority is the authority an owner needs.
	RequiredAuthority int `json:"required_authority"`
	PendingHandover   *struct {
		ID          string     `json:"id"`
		ToID        string     `json:"to_id"`
		RequestedAt time.Time  `json:"requested_at"`
		ExpiresAt   *time.Time `json:"expires_at"`
	} `json:"pending_handover"`
	Handovers []struct {
		ID        string `json:"id"`
		Status    string `json:"status"`
		StartedBy string `json:"started_by"`
	} `json:"handovers"`
	Customer struct {
		Ref string `json:"ref"`
	} `json:"customer"`
}

type problem struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field string `json:"field"`
	} `json:"errors"`
	ActionID string `json:"action_id"`
}

func newAction(owner string) map[string]any {
	return map[string]any{
		"title": "Late checkout for room 214", "category": "request", "priority": "high",
		"customer": map[string]any{"ref": "G-1001", "name": "Ms Patel", "contact": "+44 7700 900123"},
		"owner_id": owner, "due_in": "4h",
	}
}

var handoverBody = map[string]any{
	"to_id": "bob", "reason": "my shift ends", "method": "face_to_face", "situation": "busy",
	"notes":            map[string]any{"summary": "Guest wants a 2pm checkout", "next_steps": "confirm with housekeeping"},
	"customer_message": "Bob will confirm your late checkout.",
}

func TestEndToEnd(t *testing.T) {
	for _, backend := range modelstest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			hooks := newHookReceiver(t)
			st := startStack(t, t.TempDir(), backendURL(t, backend), hooks.webhook())
			t.Run("lifecycle", func(t *testing.T) { testLifecycle(t, st) })
			t.Run("deadlines", func(t *testing.T) { testDeadlines(t, st, hooks) })
			t.Run("own changes not told", func(t *testing.T) { testOwnChangesNotTold(t, st, hooks) })
			t.Run("owner told of completion", func(t *testing.T) { testOwnerToldOfCompletion(t, st, hooks) })
			t.Run("reassignment told to the customer", func(t *testing.T) { testReassignmentToldToCustomer(t, st, hooks) })
			t.Run("handover expiry and customer message", func(t *testing.T) { testExpiryAndCustomerMessage(t, st, hooks) })
			t.Run("withdrawn handover", func(t *testing.T) { testWithdraw(t, st, hooks) })
			t.Run("routed handover", func(t *testing.T) { testRoutedHandover(t, st) })
			t.Run("supervisor commands", func(t *testing.T) { testSupervisorCommands(t, st, hooks) })
			t.Run("corrections", func(t *testing.T) { testCorrections(t, st, hooks) })
			t.Run("find a customer", func(t *testing.T) { testFindCustomer(t, st) })
			t.Run("every change reaches the integration", func(t *testing.T) { testEveryChangeReachesTheIntegration(t, st, hooks) })
			t.Run("erasure told to the integration", func(t *testing.T) { testErasureToldToTheIntegration(t, st, hooks) })
			t.Run("undelivered webhook counted", func(t *testing.T) { testUndeliveredWebhook(t, st, hooks) })
			t.Run("routing and policies", func(t *testing.T) { testRoutingAndPolicies(t, st) })
			t.Run("routed creates spread", func(t *testing.T) { testRoutedCreatesSpread(t, st) })
			t.Run("refusals", func(t *testing.T) { testRefusals(t, st) })
			t.Run("auth and scope", func(t *testing.T) { testAuth(t, st) })
			t.Run("idempotent create", func(t *testing.T) { testIdempotentCreate(t, st) })
			t.Run("listing", func(t *testing.T) { testListing(t, st) })
			t.Run("validation rules", func(t *testing.T) { testValidationRules(t, st) })
			t.Run("roles and routes", func(t *testing.T) { testRolesAndRoutes(t, st) })
			t.Run("idempotent commands", func(t *testing.T) { testIdempotentCommands(t, st) })
			t.Run("decisions on a version", func(t *testing.T) { testDecisionsOnAVersion(t, st) })
			t.Run("problem codes", func(t *testing.T) { testProblemCodes(t, st) })
			t.Run("many commands on one action", func(t *testing.T) { testManyCommandsOnOneAction(t, st) })
			t.Run("other team's scope", func(t *testing.T) { testOtherTeamScope(t, st) })
			t.Run("paging with inserts", func(t *testing.T) { testPagingWithInserts(t, st) })
			t.Run("inbox, shifts and feedback", func(t *testing.T) { testInboxShiftsFeedback(t, st) })
			t.Run("follow-up recorded", func(t *testing.T) { testFollowUpRecorded(t, st) })
			t.Run("reminded until the check", func(t *testing.T) { testRemindedUntilTheCheck(t, st) })
			t.Run("work stays with someone who can act", func(t *testing.T) { testWorkStaysWithSomeoneWhoCanAct(t, st) })
			t.Run("shift handover", func(t *testing.T) { testShiftHandover(t, st) })
			t.Run("shift reassigns what falls due first", func(t *testing.T) { testShiftReassignsWhatFallsDueFirst(t, st) })
			t.Run("shift decline told once", func(t *testing.T) { testShiftDeclineToldOnce(t, st) })
			t.Run("supervisor sets shift", func(t *testing.T) { testSupervisorSetsShift(t, st) })
			t.Run("off shift owning actions tells the supervisors", func(t *testing.T) { testOffShiftOwningTellsSupervisors(t, st) })
			t.Run("shift holds its named recipient", func(t *testing.T) { testShiftHoldsItsNamedRecipient(t, st) })
			t.Run("routed shift spreads", func(t *testing.T) { testRoutedShiftSpreads(t, st) })
			t.Run("read model ahead of its workflow put back", func(t *testing.T) { testReadModelAheadPutBack(t, st) })
			t.Run("shift handover sent twice at once", func(t *testing.T) { testShiftSentTwice(t, st) })
			t.Run("shift handover ends the outgoing shift", func(t *testing.T) { testShiftEndsTheOutgoingShift(t, st) })
			t.Run("off shift while handovers are on their way", func(t *testing.T) { testOffShiftWhileHandoversAreOnTheirWay(t, st) })
			t.Run("shift handover started twice in a row", func(t *testing.T) { testShiftStartedTwiceInARow(t, st) })
			t.Run("handovers routed at once", func(t *testing.T) { testRoutedAtOnce(t, st) })
			t.Run("shift skips actions needing notes", func(t *testing.T) { testShiftSkipsRequiredNotes(t, st) })
			t.Run("shift stays with its team", func(t *testing.T) { testShiftStaysWithItsTeam(t, st) })
			t.Run("shift takes over stranded handovers", func(t *testing.T) { testShiftTakesOverStrandedHandovers(t, st) })
			t.Run("refused after changing hands", func(t *testing.T) { testRefusedAfterChangingHands(t, st) })
			t.Run("shift takeover checked by supervisors", func(t *testing.T) { testShiftTakeoverChecked(t, st) })
			t.Run("no escalation above the top", func(t *testing.T) { testNoEscalationAboveTheTop(t, st) })
			t.Run("handover report", func(t *testing.T) { testHandoverReport(t, st) })
			t.Run("weekly report", func(t *testing.T) { testWeeklyReport(t, st) })
			t.Run("metrics", func(t *testing.T) { testMetrics(t, st) })
			t.Run("business time and pause", func(t *testing.T) { testBusinessTimeAndPause(t, st) })
			t.Run("engine work per lifecycle", func(t *testing.T) { testEngineWork(t, st) })
			t.Run("unknown namespace", func(t *testing.T) { testUnknownNamespace(t, st) })
			t.Run("tls to a plain server", func(t *testing.T) { testTLSToPlainServer(t, st) })
		})
	}
}

// backendURL is empty for SQLite: the stack then keeps its read model in its data directory, as
// `handover dev` does.
func backendURL(t *testing.T, b modelstest.Backend) string {
	if b.Name == "sqlite" {
		return ""
	}
	return b.URL(t)
}

func testLifecycle(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, "assigned", a.Status)
	require.Equal(t, "alice", a.OwnerID)
	require.Equal(t, "frontdesk", a.TeamID)

	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))
	require.Equal(t, "handover_pending", a.Status)
	require.Equal(t, "alice", a.OwnerID)
	require.NotNil(t, a.PendingHandover)
	require.Equal(t, "bob", a.PendingHandover.ToID)

	// The read model follows the write before the write answers.
	var read action
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+a.ID, nil, &read))
	require.Equal(t, "handover_pending", read.Status)
	require.Equal(t, a.Version, read.Version)
	// The recipient sees by when to answer: the default policy's 30 minutes to accept.
	require.NotNil(t, a.PendingHandover.ExpiresAt)
	require.Equal(t, 30*time.Minute, a.PendingHandover.ExpiresAt.Sub(a.PendingHandover.RequestedAt))
	require.NotNil(t, read.PendingHandover)
	require.True(t, a.PendingHandover.ExpiresAt.Equal(*read.PendingHandover.ExpiresAt), "the read model shows the same deadline")

	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "2pm checkout, tell housekeeping"}, &a))
	require.Equal(t, "assigned", a.Status)
	require.Equal(t, "bob", a.OwnerID)
	require.Nil(t, a.PendingHandover)

	require.Equal(t, http.StatusCreated, bob.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "housekeeping agreed"}, &a))
	require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "late checkout confirmed"}, &a))
	require.Equal(t, "completed", a.Status)
	require.Equal(t, "late checkout confirmed", a.Outcome)

	var consistent action
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &consistent))
	require.Equal(t, a.Version, consistent.Version)

	var events struct {
		Items []struct {
			Seq     int64  `json:"seq"`
			Type    string `json:"type"`
			ActorID string `json:"actor_id"`
			Cause   string `json:"cause"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &events))
	var got []string
	for i, e := range events.Items {
		require.EqualValues(t, i+1, e.Seq)
		require.Equal(t, "request", e.Cause)
		got = append(got, e.Type+":"+e.ActorID)
	}
	require.Equal(t, []string{"created:alice", "handover_requested:alice", "handover_accepted:bob", "customer_told:bob", "note_added:bob", "completed:bob"}, got)

	var me struct {
		ID     string `json:"id"`
		Role   string `json:"role"`
		TeamID string `json:"team_id"`
	}
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me", nil, &me))
	require.Equal(t, "bob", me.ID)
	require.Equal(t, "agent", me.Role)
	require.Equal(t, "frontdesk", me.TeamID)

	// Once Temporal has dropped the workflow (past its retention; deleted here), a consistent
	// read answers with the read model's copy, which the workflow kept to its end.
	_, err := st.Client.WorkflowService().DeleteWorkflowExecution(context.Background(), &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace: st.Temporal.Namespace(), WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflows.ActionWorkflowID(a.ID)},
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := st.Client.DescribeWorkflowExecution(context.Background(), workflows.ActionWorkflowID(a.ID), "")
		var gone *serviceerror.NotFound
		return errors.As(err, &gone)
	}, 10*time.Second, 50*time.Millisecond, "the workflow is deleted")
	var final action
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &final))
	require.Equal(t, a.Version, final.Version)
	require.Equal(t, "completed", final.Status)
}

func testRefusals(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID

	cases := []struct {
		name   string
		who    caller
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"accept with nothing pending", bob, "/accept", map[string]any{"summary": "I take it on"}, http.StatusConflict, "conflict", ""},
		{"handover by someone else", bob, "/handover", handoverBody, http.StatusForbidden, "forbidden", ""},
		{"handover to an unknown person", alice, "/handover", merge(handoverBody, "to_id", "zoe"), http.StatusUnprocessableEntity, "invalid", "to_id"},
		{"handover to the owner", alice, "/handover", merge(handoverBody, "to_id", "alice"), http.StatusUnprocessableEntity, "invalid", "to_id"},
		{"handover with a bad method", alice, "/handover", merge(handoverBody, "method", "pigeon"), http.StatusUnprocessableEntity, "invalid", "method"},
		{"handover without a summary", alice, "/handover", merge(handoverBody, "notes", map[string]any{}), http.StatusUnprocessableEntity, "invalid", "notes.summary"},
		{"malformed JSON", alice, "/handover", `{"to_id":`, http.StatusBadRequest, "malformed", ""},
		{"complete by a colleague", bob, "/complete", map[string]any{"outcome": "done"}, http.StatusForbidden, "forbidden", ""},
		{"complete without outcome", alice, "/complete", map[string]any{}, http.StatusUnprocessableEntity, "invalid", "outcome"},
	}
	for _, tc := range cases {
		var p problem
		require.Equal(t, tc.status, tc.who.call("POST", path+tc.path, tc.body, &p), tc.name)
		require.Equal(t, tc.status, p.Status, tc.name)
		require.Equal(t, tc.code, p.Code, tc.name)
		require.NotEmpty(t, p.Detail, tc.name)
		if tc.field != "" {
			require.NotEmpty(t, p.Errors, tc.name)
			require.Equal(t, tc.field, p.Errors[0].Field, tc.name)
		}
	}
	var after action
	require.Equal(t, http.StatusOK, alice.call("GET", path+"?consistent=true", nil, &after))
	require.EqualValues(t, 1, after.Version, "refusals changed nothing")
	require.Equal(t, "assigned", after.Status)

	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "due_in", "-1h"), &p))
	require.Equal(t, "due_in", p.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("POST", "/api/v1/actions", merge(newAction("zoe"), "priority", "whenever"), &p))
	require.Equal(t, []string{"priority", "owner_id"}, fieldsOf(p), "the binding rules and the staff look-ups in one answer")

	// Of two who complete an action, the one refused learns who did: while its workflow stays open
	// (a week, for notes), and once it has closed (here closed at once).
	carol := as(t, st, "carol")
	require.Equal(t, http.StatusOK, alice.call("POST", path+"/complete", map[string]any{"outcome": "late checkout granted"}, nil))
	require.Equal(t, http.StatusConflict, carol.call("POST", path+"/complete", map[string]any{"outcome": "granted"}, &p))
	require.Equal(t, "cannot complete an action that is completed; the last change: completed by Alice Adams", p.Detail)
	require.Equal(t, "action_closed", p.Code, "a program tells a closed action from other conflicts without reading the detail")
	// A note after it is the last change now: who closed it is still said.
	require.Equal(t, http.StatusCreated, alice.call("POST", path+"/notes", map[string]any{"text": "folio closed"}, nil))
	require.Equal(t, http.StatusConflict, carol.call("POST", path+"/cancel", map[string]any{"reason": "guest left"}, &p))
	require.Equal(t, "cannot cancel an action that is completed; it was completed by Alice Adams", p.Detail)
	require.Equal(t, "action_closed", p.Code)
	require.NoError(t, st.Client.TerminateWorkflow(context.Background(), workflows.ActionWorkflowID(a.ID), "", "closed for the test"))
	require.Equal(t, http.StatusConflict, carol.call("POST", path+"/complete", map[string]any{"outcome": "granted"}, &p))
	require.Equal(t, "the action is completed and can no longer change; it was completed by Alice Adams", p.Detail)
	require.Equal(t, "action_closed", p.Code, "also once its workflow has closed")
}

func testAuth(t *testing.T, st *app.Stack) {
	anon := caller{t: t, base: st.URL}
	var p problem
	require.Equal(t, http.StatusUnauthorized, anon.call("GET", "/api/v1/me", nil, &p))
	bad := caller{t: t, base: st.URL, token: "not-a-token"}
	require.Equal(t, http.StatusUnauthorized, bad.call("GET", "/api/v1/me", nil, &p))
	require.Equal(t, http.StatusForbidden, as(t, st, "root").call("POST", "/api/v1/actions", newAction("alice"), &p))
	require.Equal(t, http.StatusNotFound, as(t, st, "alice").call("GET", "/api/v1/actions/00000000-0000-0000-0000-000000000000", nil, &p))
	require.Equal(t, http.StatusNotFound, as(t, st, "alice").call("GET", "/api/v1/actions/not-an-id", nil, &p))

	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "crm").call("POST", "/api/v1/actions", newAction("erin"), &a), "an integration creates actions")
	require.Equal(t, http.StatusOK, as(t, st, "dave").call("GET", "/api/v1/actions/"+a.ID, nil, &a), "a manager sees every team")
	// The integration adds notes to the actions it created (the guest called the PMS again), under
	// its own name on the timeline; it takes no other step, and notes on no other action.
	crm := as(t, st, "crm")
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "PMS: guest called again"}, nil))
	var b action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call("POST", "/api/v1/actions", newAction("alice"), &b))
	require.Equal(t, http.StatusForbidden, crm.call("POST", "/api/v1/actions/"+b.ID+"/notes", map[string]any{"text": "PMS: not ours"}, &p))
	for cmd, body := range map[string]map[string]any{
		"complete": {"outcome": "done"}, "cancel": {"reason": "booking cancelled"}, "pause": {"reason": "guest away"},
	} {
		require.Equal(t, http.StatusForbidden, crm.call("POST", "/api/v1/actions/"+a.ID+"/"+cmd, body, &p), cmd)
	}

	for _, path := range []string{"/healthz", "/readyz"} {
		require.Equal(t, http.StatusOK, anon.call("GET", path, nil, nil), path)
	}
}

func testIdempotentCreate(t *testing.T, st *app.Stack) {
	crm := as(t, st, "crm")
	key := modelstest.Name("key")
	var first, second action
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", newAction("bob"), &first, "Idempotency-Key", key))
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", newAction("bob"), &second, "Idempotency-Key", key))
	require.Equal(t, first.ID, second.ID)
	// Once the action is in the read model, a retry is marked; a first create is not.
	replayed := func(key string) string {
		t.Helper()
		status, header := crm.callHeader("POST", "/api/v1/actions", newAction("bob"), nil, "Idempotency-Key", key)
		require.Equal(t, http.StatusCreated, status)
		return header.Get("Idempotent-Replayed")
	}
	fresh := modelstest.Name("key")
	require.Empty(t, replayed(fresh), "a first create")
	require.Eventually(t, func() bool { return replayed(fresh) == "true" }, 10*time.Second, 20*time.Millisecond, "a retry")

	// The same instant in another offset is the same request.
	offsetKey := modelstest.Name("key")
	at := time.Now().Add(3 * time.Hour).Truncate(time.Second)
	var inIndia, inUTC action
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", merge(without(newAction("bob"), "due_in"), "due_at", at.In(time.FixedZone("IST", 5*3600+1800)).Format(time.RFC3339)), &inIndia, "Idempotency-Key", offsetKey))
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", merge(without(newAction("bob"), "due_in"), "due_at", at.UTC().Format("2006-01-02T15:04:05.000Z07:00")), &inUTC, "Idempotency-Key", offsetKey))
	require.Equal(t, inIndia.ID, inUTC.ID)

	// Ten at once with one new key: one action, every answer naming it.
	concurrent := modelstest.Name("key")
	ids := make([]string, 10)
	codes := make([]int, 10)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			var a action
			codes[i] = crm.call("POST", "/api/v1/actions", newAction("bob"), &a, "Idempotency-Key", concurrent)
			ids[i] = a.ID
		})
	}
	wg.Wait()
	for i := range ids {
		require.Equal(t, http.StatusCreated, codes[i])
		require.Equal(t, ids[0], ids[i], "one action for one key sent ten times at once")
	}

	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, crm.call("POST", "/api/v1/actions", newAction("erin"), &p, "Idempotency-Key", key))
	require.Contains(t, p.Detail, "Idempotency-Key")
	require.Len(t, p.Errors, 1, "the same refusal as a command's reused key")
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
	// Another customer with the key is another request too, not a customer erased: the request is
	// compared under the key of the action's customer, not of the one it names now.
	p = problem{}
	require.Equal(t, http.StatusUnprocessableEntity, crm.call("POST", "/api/v1/actions",
		merge(newAction("bob"), "customer", map[string]any{"ref": modelstest.Name("G"), "name": "Ms Other"}), &p, "Idempotency-Key", key))
	require.Equal(t, "idempotency_key_reused", p.Code, p.Detail)
	require.Empty(t, p.ActionID)

	// A retry still gets its action when the request would no longer be accepted as a new one:
	// here its due_at has passed since.
	key = modelstest.Name("key")
	body := merge(newAction("bob"), "due_at", time.Now().Add(1500*time.Millisecond).UTC().Format(time.RFC3339Nano))
	delete(body, "due_in")
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", body, &first, "Idempotency-Key", key))
	time.Sleep(time.Until(first.DueAt) + 100*time.Millisecond)
	require.Equal(t, http.StatusUnprocessableEntity, crm.call("POST", "/api/v1/actions", body, &p), "as a new action it is refused")
	require.Equal(t, http.StatusCreated, crm.call("POST", "/api/v1/actions", body, &second, "Idempotency-Key", key))
	require.Equal(t, first.ID, second.ID)
	require.Equal(t, http.StatusUnprocessableEntity, crm.call("POST", "/api/v1/actions", merge(body, "title", "another"), &p, "Idempotency-Key", key))
	require.Contains(t, p.Detail, "Idempotency-Key", "a different request with the key is still refused")

	// Someone moved to another team since does not get the action back through a retry: it is
	// outside their scope now, as a GET says.
	out, _, _, outID, _ := teamOf3(t, st)
	key = modelstest.Name("key")
	var mine action
	require.Equal(t, http.StatusCreated, out.call("POST", "/api/v1/actions", newAction(outID), &mine, "Idempotency-Key", key))
	// (Nobody moves while holding open work: the action is done first.)
	require.Equal(t, http.StatusOK, out.call("POST", "/api/v1/actions/"+mine.ID+"/complete", map[string]any{"outcome": "done"}, nil))
	root, elsewhere := as(t, st, "root"), modelstest.Name("elsewhere")
	require.Equal(t, http.StatusCreated, root.call("POST", "/api/v1/teams", map[string]any{"id": elsewhere, "name": "Elsewhere"}, nil))
	require.Equal(t, http.StatusOK, root.call("PATCH", "/api/v1/staff/"+outID, map[string]any{"team_id": elsewhere}, nil))
	require.Equal(t, http.StatusNotFound, out.call("GET", "/api/v1/actions/"+mine.ID, nil, &p))
	require.Equal(t, http.StatusUnprocessableEntity, out.call("POST", "/api/v1/actions", newAction(outID), &p, "Idempotency-Key", key), "the retry does not show the action")
	require.Contains(t, p.Detail, "outside your teams")
}

func testListing(t *testing.T, st *app.Stack) {
	erin := as(t, st, "erin")
	ref := modelstest.Name("cust")
	ids := map[string]bool{}
	for range 5 {
		var a action
		body := newAction("erin")
		body["customer"] = map[string]any{"ref": ref, "name": "Mr Jones"}
		require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", body, &a))
		ids[a.ID] = true
	}
	type page struct {
		Items      []action `json:"items"`
		NextCursor *string  `json:"next_cursor"`
	}
	seen := map[string]bool{}
	path := "/api/v1/actions?limit=2&customer_ref=" + ref
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		var p page
		require.Equal(t, http.StatusOK, erin.call("GET", path, nil, &p))
		for _, a := range p.Items {
			require.False(t, seen[a.ID], "no action twice")
			require.Equal(t, ref, a.Customer.Ref)
			seen[a.ID] = true
		}
		if p.NextCursor == nil {
			break
		}
		path = "/api/v1/actions?limit=2&customer_ref=" + ref + "&cursor=" + *p.NextCursor
	}
	require.Equal(t, ids, seen)

	// The same list as CSV, every one at once, the customer's sealed name opened as in the JSON.
	var export string
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions.csv?customer_ref="+ref, nil, &export))
	exported, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	require.NoError(t, err)
	require.Len(t, exported, 1+len(ids))
	for _, row := range exported[1:] {
		require.True(t, ids[row[0]], row[0])
		require.Equal(t, []string{ref, "Mr Jones"}, row[8:10], "customer_ref and customer_name")
	}

	var p page
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?status=completed&customer_ref="+ref, nil, &p))
	require.Empty(t, p.Items)

	// overdue=true: open actions past their due time, and only those.
	var late action
	body := newAction("erin")
	body["customer"], body["due_in"] = map[string]any{"ref": ref, "name": "Mr Jones"}, "1s"
	require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", body, &late))
	waitStatus(t, erin, late.ID, "checking", 0)
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?overdue=true&customer_ref="+ref, nil, &p))
	require.Len(t, p.Items, 1, "the five due in 4h are not overdue")
	require.Equal(t, late.ID, p.Items[0].ID)

	// updated_since: what changed since a moment, as an integration catching up sweeps it.
	since := time.Now().UTC()
	var fresh action
	require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions", merge(newAction("erin"), "customer", map[string]any{"ref": ref, "name": "Mr Jones"}), &fresh))
	var noted string
	for id := range ids {
		noted = id
		break
	}
	require.Equal(t, http.StatusCreated, erin.call("POST", "/api/v1/actions/"+noted+"/notes", map[string]any{"text": "called back"}, nil))
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?customer_ref="+ref+"&updated_since="+url.QueryEscape(since.Format(time.RFC3339Nano)), nil, &p))
	var changed []string
	for _, a := range p.Items {
		changed = append(changed, a.ID)
	}
	require.ElementsMatch(t, []string{fresh.ID, noted}, changed, "the new one and the noted one, not the four untouched nor the late one")
	var bad problem
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?updated_since=yesterday", nil, &bad))
	require.Equal(t, "updated_since", bad.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?updated_since=", nil, &bad), "an empty time does not list everything")
	require.Equal(t, "updated_since", bad.Errors[0].Field)
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?updated_since=2026-12-03T09:13:58+01:00", nil, &bad))
	require.Contains(t, bad.Detail, "a + in the time is sent as %2B", "an unescaped + arrives as a space: the refusal says so")
	var prob problem
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?status=done", nil, &prob))
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?limit=500", nil, &prob))
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?customerRef="+ref, nil, &prob), "a misspelt filter does not list everything")
	require.Equal(t, "customerRef", prob.Errors[0].Field)
	// An empty filter or cursor (a lookup whose value was missing, a null next_cursor sent as
	// text) is refused, where it listed every customer's actions or began the sweep again.
	for _, name := range []string{"customer_ref", "owner_id", "team_id", "cursor", "overdue"} {
		prob = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?limit=5&"+name+"=", nil, &prob), name)
		require.Len(t, prob.Errors, 1, name)
		require.Equal(t, name, prob.Errors[0].Field)
		require.Contains(t, prob.Detail, name+": is empty: give a value, or leave it out")
	}
	for path, who := range map[string]string{"/api/v1/staff?cursor=": "root", "/api/v1/audit?before=": "root", "/api/v1/reports/handovers?team_id=": "dave"} {
		prob = problem{}
		require.Equal(t, http.StatusUnprocessableEntity, as(t, st, who).call("GET", path, nil, &prob), path)
		require.Contains(t, prob.Detail, "is empty", path)
	}
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?customer_ref="+ref+"&customer_ref=other", nil, &prob), "a filter given twice")
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?status=assigned&status=checking&customer_ref="+ref, nil, &p), "status repeats")

	// Named actions: those in scope, none other; at most 200 names.
	var two []string
	for id := range ids {
		if len(two) < 2 {
			two = append(two, id)
		}
	}
	named := url.Values{"id": append(slices.Clone(two), "no-such-action")}
	require.Equal(t, http.StatusOK, erin.call("GET", "/api/v1/actions?"+named.Encode(), nil, &p))
	var got []string
	for _, a := range p.Items {
		got = append(got, a.ID)
	}
	require.ElementsMatch(t, two, got)
	many := url.Values{}
	for i := range 201 {
		many.Add("id", fmt.Sprintf("a-%d", i))
	}
	require.Equal(t, http.StatusUnprocessableEntity, erin.call("GET", "/api/v1/actions?"+many.Encode(), nil, &prob))
	require.Equal(t, "id", prob.Errors[0].Field)
}

func merge(base map[string]any, key string, value any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	out[key] = value
	return out
}

// An action mid-handover survives a full stop of the product and is accepted after the restart.
func TestRestartMidHandover(t *testing.T) {
	for _, backend := range modelstest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			dataDir, dbURL := t.TempDir(), backendURL(t, backend)
			st := startStack(t, dataDir, dbURL)
			alice := as(t, st, "alice")
			var a action
			require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
			require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))
			// An administrator's change to demo staff stands across the restart (the demo seeded
			// them anew: the audit trail said one thing and the directory another).
			require.Equal(t, http.StatusOK, as(t, st, "root").call("PATCH", "/api/v1/staff/erin", map[string]any{"name": "Erin Evans-Ward", "authority": 3}, nil))
			require.NoError(t, st.Stop(context.Background()))

			st = startStack(t, dataDir, dbURL)
			var erin struct {
				Name      string `json:"name"`
				Authority int    `json:"authority"`
			}
			require.Equal(t, http.StatusOK, as(t, st, "root").call("GET", "/api/v1/staff/erin", nil, &erin))
			require.Equal(t, "Erin Evans-Ward", erin.Name)
			require.Equal(t, 3, erin.Authority)
			bob := as(t, st, "bob")
			var read action
			require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &read))
			require.Equal(t, "handover_pending", read.Status)
			require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "taking over after the restart"}, &read))
			require.Equal(t, "bob", read.OwnerID)
			require.Equal(t, "assigned", read.Status)
			require.EqualValues(t, 4, read.Version, "accepting records the acceptance and the message to the customer")
			require.NoError(t, st.Stop(context.Background()))

			// Demo tokens exist only while the product runs with --demo: the same data without it
			// refuses them, and --demo makes them live again.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// It also asks for more free space than any disk has: it starts, serves what it holds,
			// and is not ready, naming the data directory; /metrics tells how much is free.
			plain, err := app.StartDev(ctx, app.DevConfig{DataDir: dataDir, HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, NoTemporalUI: true,
				MinFreeDiskMB: 1 << 40})
			require.NoError(t, err)
			var notReady problem
			require.Equal(t, http.StatusServiceUnavailable, caller{t: t, base: plain.URL}.call("GET", "/readyz", nil, &notReady))
			require.Equal(t, "not ready: data directory", notReady.Detail)
			resp, err := http.Get(plain.URL + "/metrics")
			require.NoError(t, err)
			metrics, err := io.ReadAll(resp.Body)
			require.NoError(t, resp.Body.Close())
			require.NoError(t, err)
			free := regexp.MustCompile(`(?m)^handover_data_dir_free_bytes (\S+)$`).FindSubmatch(metrics)
			require.NotNil(t, free, "the free space of the data directory is a metric")
			bytesFree, err := strconv.ParseFloat(string(free[1]), 64)
			require.NoError(t, err)
			require.Greater(t, bytesFree, 0.0)
			require.Equal(t, http.StatusUnauthorized, as(t, plain, "bob").call("GET", "/api/v1/actions/"+a.ID, nil, nil))
			require.Equal(t, http.StatusUnauthorized, as(t, plain, "root").call("GET", "/api/v1/staff", nil, nil))
			require.NoError(t, plain.Stop(context.Background()))
			st = startStack(t, dataDir, dbURL)
			require.Equal(t, http.StatusOK, as(t, st, "bob").call("GET", "/api/v1/actions/"+a.ID, nil, &read))
			require.Equal(t, "bob", read.OwnerID)
		})
	}
}

// A process configured with a namespace the Temporal server does not have stops at start, saying
// so, instead of answering every request with 500.
func testUnknownNamespace(t *testing.T, st *app.Stack) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tel, err := telemetry.New(ctx, telemetry.Config{Service: "test"})
	require.NoError(t, err)
	defer func() { _ = tel.Shutdown(context.Background()) }()
	_, err = app.DialTemporal(ctx, client.Options{HostPort: st.Temporal.HostPort(), Namespace: "no-such-namespace"}, slog.New(slog.DiscardHandler), tel, st.Keys)
	require.ErrorContains(t, err, `temporal namespace "no-such-namespace"`)
	c, err := app.DialTemporal(ctx, client.Options{HostPort: st.Temporal.HostPort(), Namespace: st.Temporal.Namespace()}, slog.New(slog.DiscardHandler), tel, st.Keys)
	require.NoError(t, err)
	c.Close()
}

// A process set to use TLS against a Temporal server that speaks plain gRPC (the embedded one)
// stops at start with an error, instead of waiting for a handshake that never comes.
func testTLSToPlainServer(t *testing.T, st *app.Stack) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tel, err := telemetry.New(ctx, telemetry.Config{Service: "test"})
	require.NoError(t, err)
	defer func() { _ = tel.Shutdown(context.Background()) }()
	cfg := app.Config{TemporalAddress: st.Temporal.HostPort(), TemporalNamespace: st.Temporal.Namespace(), TemporalTLS: true}
	opts, err := cfg.TemporalOptions()
	require.NoError(t, err)
	began := time.Now()
	_, err = app.DialTemporal(ctx, opts, slog.New(slog.DiscardHandler), tel, st.Keys)
	require.ErrorContains(t, err, "connecting to temporal at "+st.Temporal.HostPort())
	require.ErrorContains(t, err, "handshake")
	require.NoError(t, ctx.Err(), "the dial gave up on its own, in %s", time.Since(began))
}
