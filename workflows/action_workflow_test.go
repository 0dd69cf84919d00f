package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/worker"
	"github.com/handover/handover/workflows"
)

var (
	alice = workflows.Actor{ID: "alice", Role: workflows.RoleAgent}
	bob   = workflows.Actor{ID: "bob", Role: workflows.RoleAgent}
	carol = workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor}
)

func onShift(id string, authority int) workflows.Recipient {
	return workflows.Recipient{ID: id, Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: authority, OnShift: true, Active: true}
}

// takeOutbox takes the state's outbox and returns its notifications of one kind.
func takeOutbox(s *workflows.State, kind string) []workflows.Notification {
	return slices.DeleteFunc(s.TakeOutbox(), func(n workflows.Notification) bool { return n.Kind != kind })
}

func startInput(id string) workflows.StartInput {
	return workflows.StartInput{
		ActionID: id, Title: "Late checkout", Category: "request", Priority: "normal",
		Customer: workflows.Customer{Ref: "G-1", Name: "Ms Patel"}, OwnerID: "alice", TeamID: "frontdesk",
		DueAt: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC), CreatedBy: alice,
		Revision: workflows.CurrentRevision,
	}
}

func handoverTo(to workflows.Recipient) workflows.HandoverInput {
	return workflows.HandoverInput{
		Actor: alice, To: to, Reason: "shift ends", Method: "face_to_face", Situation: "busy",
		Notes: workflows.HandoverNotes{Summary: "Guest wants a 2pm checkout"},
	}
}

// step is one update sent to the workflow (or, with no name, a query of its state), and what
// came of it. at is the time since the start it is sent; zero means one minute after the
// previous step.
type step struct {
	name  string
	arg   any
	idem  workflows.Idempotency // the Update's second argument
	at    time.Duration
	state workflows.State
	err   error
	done  bool
}

func probe(at time.Duration) *step { return &step{at: at} }

// testBundle runs one action workflow in the time-skipping test environment, with the real
// projection activity writing to a SQLite read model.
type testBundle struct {
	env   *testsuite.TestWorkflowEnvironment
	store *models.Store
}

func setup(t *testing.T) *testBundle {
	t.Parallel()
	return newBundle(t, modelstest.Open(t, modelstest.SQLiteURL(t)))
}

// newBundle is a fresh test environment over an existing read model.
func newBundle(t *testing.T, store *models.Store) *testBundle {
	return bundleWith(t, &activities.Activities{Store: store})
}

// bundleWith is a fresh test environment running the given activities.
func bundleWith(t *testing.T, acts *activities.Activities) *testBundle {
	store := acts.Store
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	worker.Register(env, acts)
	return &testBundle{env: env, store: store}
}

// run starts the workflow and sends the steps one simulated minute apart. The workflow must end
// (every scenario closes the action), so the test environment returns.
func (b *testBundle) run(t *testing.T, in workflows.StartInput, steps ...*step) {
	t.Helper()
	var at time.Duration
	for _, s := range steps {
		if s.at == 0 {
			s.at = at + time.Minute
		}
		at = s.at
		b.env.RegisterDelayedCallback(func() {
			if s.name == "" {
				v, err := b.env.QueryWorkflow(workflows.QueryState)
				require.NoError(t, err)
				require.NoError(t, v.Get(&s.state))
				s.done = true
				return
			}
			b.env.UpdateWorkflow(s.name, "", &testsuite.TestUpdateCallback{
				OnReject: func(err error) { s.err, s.done = err, true },
				OnComplete: func(result any, err error) {
					s.err, s.done = err, true
					if err == nil {
						raw, merr := json.Marshal(result)
						require.NoError(t, merr)
						require.NoError(t, json.Unmarshal(raw, &s.state))
					}
				},
			}, s.arg, s.idem)
		}, s.at)
	}
	b.env.ExecuteWorkflow(workflows.ActionWorkflow, in)
	require.True(t, b.env.IsWorkflowCompleted())
	require.NoError(t, b.env.GetWorkflowError())
	for _, s := range steps {
		require.True(t, s.done, "update %s never answered", s.name)
	}
}

// continuedAsNew runs the workflow, which must continue as new, and returns the next run's input.
func (b *testBundle) continuedAsNew(t *testing.T, in workflows.StartInput) workflows.StartInput {
	t.Helper()
	b.env.ExecuteWorkflow(workflows.ActionWorkflow, in)
	var can *workflow.ContinueAsNewError
	require.True(t, errors.As(b.env.GetWorkflowError(), &can), "expected continue-as-new, got %v", b.env.GetWorkflowError())
	var next workflows.StartInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Resume)
	return next
}

func requireRefused(t *testing.T, s *step, kind string) {
	t.Helper()
	require.Error(t, s.err, "%s should have been refused", s.name)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(s.err, &appErr), "refusal is an application error: %v", s.err)
	require.Equal(t, kind, appErr.Type(), appErr.Message())
}

// A command for a version of the action other than its own (If-Match) is refused, saying how the
// action stands now, and changes nothing; sent again for its version, with the same key (the
// refusal was not remembered), it applies; a retry of it is answered as it was, whatever version
// the retry names.
func TestCommandForAnotherVersionIsRefused(t *testing.T) {
	b := setup(t)
	reassign := workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "bob knows the guest"}
	key := func(version int64) workflows.Idempotency {
		return workflows.Idempotency{Key: "carol/k1", Hash: "h1", IfVersion: version}
	}
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	note := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: "guest called"}}
	stale := &step{name: workflows.UpdateReassign, arg: reassign, idem: key(1)}
	current := &step{name: workflows.UpdateReassign, arg: reassign, idem: key(2)}
	retry := &step{name: workflows.UpdateReassign, arg: reassign, idem: key(1)}
	unkeyed := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: bob, Text: "on it"}, idem: workflows.Idempotency{IfVersion: 2}}
	// The reassignment's two events (reassigned, and customer_told) make version 4.
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}, idem: workflows.Idempotency{IfVersion: 4}}
	b.run(t, startInput("a-if"), create, note, stale, current, retry, unkeyed, complete)

	require.NoError(t, note.err)
	require.EqualValues(t, 2, note.state.Version)
	requireRefused(t, stale, workflows.ErrChanged)
	var refusal *temporal.ApplicationError
	require.True(t, errors.As(stale.err, &refusal))
	require.Equal(t, "the action has changed since version 1: it is at version 2, alice owns it, assigned; the last change: note added by alice", refusal.Message())
	require.NoError(t, current.err)
	require.Equal(t, "bob", current.state.OwnerID)
	require.EqualValues(t, 4, current.state.Version)
	require.NoError(t, retry.err, "a retry of an applied request is answered as it was")
	require.EqualValues(t, 4, retry.state.Version, "and changes nothing")
	requireRefused(t, unkeyed, workflows.ErrChanged)
	require.NoError(t, complete.err)
	require.Equal(t, workflows.StatusCompleted, complete.state.Status)
	require.Equal(t, []workflows.Idempotency{{Key: "carol/k1", Hash: "h1"}}, complete.state.RecentRequests, "the request's identity, not the version it was for")
}

func TestHandoverAcceptComplete(t *testing.T) {
	b := setup(t)
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout, tell housekeeping"}}
	note := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: bob, Text: "housekeeping agreed"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checkout moved", CustomerMessage: "Your checkout is at 2pm."}}
	lateNote := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: "guest thanked us"}}
	b.run(t, startInput("a1"), create, handover, accept, note, complete, lateNote)

	require.NoError(t, create.err)
	require.Equal(t, workflows.StatusAssigned, create.state.Status)
	require.EqualValues(t, 1, create.state.Version)

	require.NoError(t, handover.err)
	require.Equal(t, workflows.StatusHandoverPending, handover.state.Status)
	require.Equal(t, "alice", handover.state.OwnerID, "the owner stays accountable until acceptance")
	require.Equal(t, "h1", handover.state.PendingHandoverID)

	require.NoError(t, accept.err)
	require.Equal(t, workflows.StatusAssigned, accept.state.Status)
	require.Equal(t, "bob", accept.state.OwnerID)
	require.Empty(t, accept.state.PendingHandoverID)
	require.Equal(t, workflows.HandoverAccepted, accept.state.Handovers[0].Status)
	require.Equal(t, "2pm checkout, tell housekeeping", accept.state.Handovers[0].AcceptSummary)

	require.NoError(t, note.err)
	require.NoError(t, complete.err)
	require.Equal(t, workflows.StatusCompleted, complete.state.Status)
	require.Equal(t, "checkout moved", complete.state.Outcome)
	require.NoError(t, lateNote.err, "an ended action still takes notes")

	// The read model holds the whole timeline, in order, once each.
	events, err := b.store.ListEvents(context.Background(), "a1")
	require.NoError(t, err)
	var types []string
	for i, e := range events {
		require.EqualValues(t, i+1, e.Seq)
		types = append(types, e.Type)
	}
	require.Equal(t, []string{
		workflows.EventCreated, workflows.EventHandoverRequested, workflows.EventHandoverAccepted,
		workflows.EventCustomerTold, workflows.EventNoteAdded, workflows.EventCompleted, workflows.EventCustomerTold,
		workflows.EventNoteAdded, workflows.EventMessagesUntold, // neither message recorded told
	}, types)
	row, err := b.store.GetAction(context.Background(), "a1")
	require.NoError(t, err)
	require.Equal(t, "completed", row.Status)
	require.Equal(t, "bob", row.OwnerID)
	require.EqualValues(t, 9, row.Version)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyCompleted, "the hander hears of the completion")
	require.Len(t, row.Handovers, 1)
	require.Equal(t, "accepted", row.Handovers[0].Status)
}

func TestDeclineKeepsOwner(t *testing.T) {
	b := setup(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	decline := &step{name: workflows.UpdateDecline, arg: workflows.DeclineInput{Actor: bob, Reason: "I am off in ten minutes"}}
	again := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("erin", 2))}
	bobAgain := &step{name: workflows.UpdateDecline, arg: workflows.DeclineInput{Actor: bob, Reason: "still off"}}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Summary: "on it"}}
	acceptTwice := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Summary: "on it, again"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: carol, Outcome: "done by erin"}}
	afterEnd := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Summary: "on it, once more"}}
	b.run(t, startInput("a2"), handover, decline, again, bobAgain, accept, acceptTwice, complete, afterEnd)

	require.NoError(t, decline.err)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyHandoverDeclined, "the hander is told")
	require.Equal(t, workflows.StatusAssigned, decline.state.Status)
	require.Equal(t, "alice", decline.state.OwnerID)
	require.Equal(t, workflows.HandoverDeclined, decline.state.Handovers[0].Status)
	require.Equal(t, "I am off in ten minutes", decline.state.Handovers[0].DeclineReason)

	require.NoError(t, again.err)
	require.Equal(t, "h2", again.state.PendingHandoverID)
	requireRefused(t, bobAgain, workflows.ErrConflict)
	require.Regexp(t, `^you declined this handover at \S+Z \(type: Conflict`, bobAgain.err.Error(), "the handover pending now is another's")
	require.NoError(t, accept.err)
	require.Equal(t, "erin", accept.state.OwnerID)
	requireRefused(t, acceptTwice, workflows.ErrConflict)
	require.Regexp(t, `^you accepted this handover at \S+Z: the action is yours \(type: Conflict`, acceptTwice.err.Error())
	require.NoError(t, complete.err, "a supervisor may complete an action they do not own")
	requireRefused(t, afterEnd, workflows.ErrConflict)
	require.Regexp(t, `^you accepted this handover at \S+Z: the action is completed \(type: Conflict`, afterEnd.err.Error(), "not yours: it has ended")
}

// The hander takes a handover back (sent to the wrong person, or no longer needed): the owner keeps
// the action, the recipient is told and can no longer accept, and its acceptance deadline is gone.
// A supervisor may withdraw it too, and then the hander is told as well.
func TestWithdrawKeepsOwner(t *testing.T) {
	b := setup(t)
	erin := workflows.Actor{ID: "erin", Role: workflows.RoleAgent}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	byRecipient := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: bob, Reason: "not mine"}}
	noReason := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: alice, Reason: " "}}
	withdraw := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: alice, Reason: "meant for erin"}}
	acceptLate := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "ok"}}
	again := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: alice, Reason: "twice"}}
	afterExpiry := probe(3 * time.Hour) // the default accept_within is 30m
	toErin := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("erin", 2))}
	byOther := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: erin, Reason: "no"}}
	bySupervisor := &step{name: workflows.UpdateWithdraw, arg: workflows.WithdrawInput{Actor: carol, Reason: "erin is needed at the desk"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "sorted"}}
	b.run(t, startInput("a3w"), handover, byRecipient, noReason, withdraw, acceptLate, again, afterExpiry, toErin, byOther, bySupervisor, complete)

	requireRefused(t, byRecipient, workflows.ErrForbidden)
	requireRefused(t, noReason, workflows.ErrInvalid)
	require.NoError(t, withdraw.err)
	require.Equal(t, workflows.StatusAssigned, withdraw.state.Status)
	require.Equal(t, "alice", withdraw.state.OwnerID)
	require.Empty(t, withdraw.state.PendingHandoverID)
	require.Equal(t, workflows.HandoverWithdrawn, withdraw.state.Handovers[0].Status)
	requireRefused(t, acceptLate, workflows.ErrConflict)
	require.Regexp(t, `the handover to you was withdrawn at \S+Z \(the timeline says why\): alice owns the action`, acceptLate.err.Error(),
		"the recipient whose page still offered it is told what happened, not that the action is assigned")
	requireRefused(t, again, workflows.ErrConflict)
	require.Equal(t, workflows.StatusAssigned, afterExpiry.state.Status, "a withdrawn handover does not expire")
	require.Zero(t, afterExpiry.state.EscalationLevel)

	require.NoError(t, toErin.err)
	requireRefused(t, byOther, workflows.ErrForbidden)
	require.NoError(t, bySupervisor.err)
	require.Equal(t, "alice", bySupervisor.state.OwnerID)
	require.Equal(t, workflows.HandoverWithdrawn, bySupervisor.state.Handovers[1].Status)

	kinds := func(who string) int { return count(b.inboxKinds(t, who), workflows.NotifyHandoverWithdrawn) }
	require.Equal(t, 1, kinds("bob"), "the recipient is told")
	require.Equal(t, 1, kinds("erin"), "the second recipient is told")
	require.Equal(t, 1, kinds("alice"), "the hander is told only when a supervisor withdrew it")
	require.Equal(t, []string{
		workflows.EventHandoverRequested, workflows.EventHandoverWithdrawn,
		workflows.EventHandoverRequested, workflows.EventHandoverWithdrawn, workflows.EventCompleted,
	}, b.eventTypes(t, "a3w")[1:])
}

// The hander records their follow-up with the new owner: it is on the timeline, and it ends the
// reminders, or sets the next one when asked. Only the hander may, with a note, while one is set.
func TestFollowUpRecordedEndsReminders(t *testing.T) {
	b := setup(t)
	ho := handoverTo(onShift("bob", 1))
	ho.FollowUpIn = 30 * time.Minute
	handover := &step{name: workflows.UpdateHandover, arg: ho}
	early := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: alice, Note: "before acceptance"}}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	reminded := probe(40 * time.Minute)
	byOwner := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: bob, Note: "all fine"}}
	blankNote := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: alice, Note: " "}}
	again := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: alice, Note: "bob is waiting on housekeeping", AgainIn: 2 * time.Hour}}
	remindedAgain := probe(3 * time.Hour)
	stop := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: alice, Note: "housekeeping agreed"}}
	quiet := probe(8 * time.Hour)
	late := &step{name: workflows.UpdateFollowUp, arg: workflows.FollowUpInput{Actor: alice, Note: "once more"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "late checkout given"}}
	b.run(t, startInput("a3f"), handover, early, accept, reminded, byOwner, blankNote, again, remindedAgain, stop, quiet, late, complete)

	requireRefused(t, early, workflows.ErrConflict)
	require.NotNil(t, reminded.state.FollowUp)
	requireRefused(t, byOwner, workflows.ErrForbidden)
	requireRefused(t, blankNote, workflows.ErrInvalid)
	require.NoError(t, again.err)
	require.NotNil(t, again.state.FollowUp)
	require.Equal(t, again.state.UpdatedAt.Add(2*time.Hour), again.state.FollowUp.At, "reminded again in 2h")
	require.NoError(t, stop.err)
	require.Nil(t, stop.state.FollowUp, "no more reminders")
	require.Nil(t, quiet.state.FollowUp)
	requireRefused(t, late, workflows.ErrConflict)

	types := b.eventTypes(t, "a3f")
	require.Equal(t, 2, count(types, workflows.EventFollowUpReminder), "at 31m and at 2h43m, none after the last follow-up: %v", types)
	require.Equal(t, 2, count(types, workflows.EventFollowedUp))
	events, err := b.store.ListEvents(context.Background(), "a3f")
	require.NoError(t, err)
	for _, e := range events {
		if e.Type == workflows.EventFollowedUp {
			require.Equal(t, "alice", e.ActorID)
			require.Contains(t, e.Data, "bob")
		}
	}
}

func TestCompleteWithdrawsPendingHandover(t *testing.T) {
	b := setup(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "sorted it myself"}}
	acceptLate := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "ok"}}
	b.run(t, startInput("a3"), handover, complete, acceptLate)

	require.NoError(t, complete.err)
	require.Equal(t, workflows.HandoverWithdrawn, complete.state.Handovers[0].Status)
	require.Empty(t, complete.state.PendingHandoverID)
	requireRefused(t, acceptLate, workflows.ErrConflict)
}

// Every refusal leaves the state as it was: no event, no version change.
func TestRefusalsChangeNothing(t *testing.T) {
	b := setup(t)
	notOwner := handoverTo(onShift("erin", 2))
	notOwner.Actor = bob
	lowAuthority := startInput("a4")
	lowAuthority.RequiredAuthority = 2

	steps := []struct {
		s    *step
		kind string
	}{
		{&step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "x"}}, workflows.ErrConflict},
		{&step{name: workflows.UpdateHandover, arg: notOwner}, workflows.ErrForbidden},
		{&step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}, workflows.ErrInvalid},
		{&step{name: workflows.UpdateHandover, arg: handoverTo(workflows.Recipient{ID: "erin", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 2, OnShift: false, Active: true})}, workflows.ErrInvalid},
		{&step{name: workflows.UpdateHandover, arg: handoverTo(workflows.Recipient{ID: "erin", Role: workflows.RoleAgent, TeamID: "kitchen", Authority: 2, OnShift: true, Active: true})}, workflows.ErrInvalid},
		{&step{name: workflows.UpdateHandover, arg: handoverTo(onShift("alice", 2))}, workflows.ErrInvalid},
		{&step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "x"}}, workflows.ErrForbidden},
		{&step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: " "}}, workflows.ErrInvalid},
		{&step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: bob, Text: "not mine"}}, workflows.ErrForbidden},
		{&step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: ""}}, workflows.ErrInvalid},
	}
	all := make([]*step, 0, len(steps)+1)
	for _, s := range steps {
		all = append(all, s.s)
	}
	final := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	all = append(all, final)
	b.run(t, lowAuthority, all...)

	for _, s := range steps {
		requireRefused(t, s.s, s.kind)
	}
	require.NoError(t, final.err)
	require.EqualValues(t, 2, final.state.Version, "only created and completed were recorded")
	events, err := b.store.ListEvents(context.Background(), "a4")
	require.NoError(t, err)
	require.Len(t, events, 2)
}

func workflowOptions(name string) workflow.RegisterOptions {
	return workflow.RegisterOptions{Name: name}
}
