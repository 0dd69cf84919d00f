package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// The shift workflow follows each action to its end, keeps an outcome that arrives before the
// hand-over activity's own answer, does not hand over skipped actions, reassigns (as whoever started
// it) the actions marked so, and ends when all have ended.
func TestShiftHandoverWorkflowFollowsEachAction(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
	var handedOver, reassigned []string
	env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
		if req.Reassign != nil {
			reassigned = append(reassigned, req.ActionID)
			require.Equal(t, carol, req.Reassign.Actor, "reassigned by whoever started the shift handover")
			require.Equal(t, "bob", req.Reassign.To.ID)
			require.Equal(t, "s1", req.Reassign.ShiftHandoverID)
			require.Equal(t, 90*time.Minute, req.Reassign.DueIn, "past its due time, it is given the new one the plan says")
			return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemReassigned}, nil
		}
		handedOver = append(handedOver, req.ActionID)
		require.Equal(t, "s1", req.Handover.ShiftHandoverID)
		require.Equal(t, "alice", req.Handover.Actor.ID, "made in the outgoing person's name")
		require.Equal(t, "Night notes", req.Handover.Notes.Summary)
		if req.ActionID == "gone" {
			return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: "the action has ended"}, nil
		}
		return workflows.ShiftItemResult{ActionID: req.ActionID, HandoverID: "h1", Status: workflows.ShiftItemPending}, nil
	}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	told := recordLeftovers(t, env)

	in := workflows.ShiftInput{
		ID: "s1", FromID: "alice", Actor: carol, Notes: "Night notes", Situation: "quiet",
		Items: []workflows.ShiftItem{
			{ActionID: "a", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "b", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "gone", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "late", Status: workflows.ShiftItemSkipped, Reason: "the action is checking"},
			{ActionID: "overdue", To: onShift("bob", 1), Status: workflows.ShiftItemRequested, Reassign: true, DueIn: 90 * time.Minute},
		},
	}
	signal := func(at time.Duration, action, status string) {
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: action, HandoverID: "h1", Status: status})
		}, at)
	}
	var midway workflows.ShiftProgress
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(workflows.QueryShiftProgress)
		require.NoError(t, err)
		require.NoError(t, v.Get(&midway))
	}, 30*time.Second)
	signal(time.Minute, "a", workflows.ShiftItemAccepted)
	signal(2*time.Minute, "b", workflows.ShiftItemExpired)
	env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, in)

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var final workflows.ShiftProgress
	require.NoError(t, env.GetWorkflowResult(&final))
	require.True(t, final.Done)
	status := map[string]string{}
	for _, it := range final.Items {
		status[it.ActionID] = it.Status
	}
	require.Equal(t, map[string]string{"a": "accepted", "b": "expired", "gone": "skipped", "late": "skipped", "overdue": "reassigned"}, status)
	require.Equal(t, []string{"a", "b", "gone"}, handedOver, "a skipped action is not handed over")
	require.Equal(t, []string{"overdue"}, reassigned)
	require.Equal(t, [][]string{{"gone", "late"}, {"b"}}, told.items, "what stays with alice, each told once, as soon as it is left over")
	require.Less(t, told.after[0], time.Minute, "the skipped ones at once, not when the last handover is answered")
	require.GreaterOrEqual(t, told.after[1], 2*time.Minute, "the expired one when it expired")
	require.False(t, midway.Done, "not done while handovers are pending")
}

// A late "pending" never overwrites an outcome the action already signalled.
func TestShiftProgressKeepsOutcomeOverLatePending(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
	env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
		// The action's acceptance signal is delivered before this answer is recorded.
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemPending}, nil
	}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "a", Status: workflows.ShiftItemAccepted})
	}, 0)
	env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, workflows.ShiftInput{
		ID: "s2", FromID: "alice", Items: []workflows.ShiftItem{{ActionID: "a", Status: workflows.ShiftItemRequested}},
	})
	require.True(t, env.IsWorkflowCompleted())
	var final workflows.ShiftProgress
	require.NoError(t, env.GetWorkflowResult(&final))
	require.Equal(t, workflows.ShiftItemAccepted, final.Items[0].Status)
}

// A handover or a reassignment made by a shift handover is caused by it, and says which one; the
// same commands made by a person are requests.
func TestShiftHandoverIsTheCause(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("a1"), now)
	h := handoverTo(onShift("bob", 1))
	h.ShiftHandoverID, h.StartedBy = "s1", "carol"
	events := workflows.ApplyHandover(&s, h, now)
	require.Len(t, events, 1)
	require.Equal(t, workflows.CauseShiftHandover, events[0].Cause)
	require.Equal(t, "alice", events[0].ActorID, "the outgoing owner hands over")
	require.Equal(t, "s1", events[0].Data["shift_handover_id"])
	require.Equal(t, "carol", events[0].Data["started_by"])
	for _, n := range s.TakeOutbox() {
		require.Equal(t, workflows.CauseShiftHandover, n.Cause, "its notifications name the same cause")
	}

	s, _ = workflows.NewState(startInput("a2"), now)
	events = workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "shift handover", ShiftHandoverID: "s2"}, now)
	require.NotEmpty(t, events)
	for _, e := range events {
		require.Equal(t, workflows.CauseShiftHandover, e.Cause)
		require.Equal(t, "s2", e.Data["shift_handover_id"])
	}
	events = workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "back"}, now.Add(time.Minute))
	require.Equal(t, workflows.CauseRequest, events[len(events)-1].Cause, "a supervisor's own reassignment is a request")
}

// What a shift handover leaves with the outgoing person (skipped, declined, expired, withdrawn) is
// put in the inbox of the team's supervisors when it ends: the outgoing person is going home, and a
// skipped action notified nobody. Each shift handover says so once, however often it is retried.
func TestShiftLeftoversReachTheSupervisors(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	team := "frontdesk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	for _, st := range []models.Staff{
		{ID: "alice", Role: "agent", TeamID: &team, Active: true},
		{ID: "carol", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
	} {
		require.NoError(t, store.SaveStaff(ctx, st))
	}
	now := time.Now().UTC()
	// Its handover declined, as the read model holds it when the shift handover hears of it (the
	// decline told alice alone: she was on shift).
	require.NoError(t, store.ApplyProjection(ctx, models.Action{
		ID: "b", Title: "Airport taxi", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "alice",
		TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 2,
	}, []models.ActionEvent{{Seq: 2, Type: "handover_declined", ActorID: "bob", Cause: "request", At: now, Data: `{"handover_id": "h1", "from_id": "alice", "reason": "too busy"}`}},
		models.Notification{RecipientID: "alice", ActionID: "b", Seq: 2, Kind: "handover_declined", ActorID: "bob", Cause: "request", Message: "bob declined it", CreatedAt: now}))
	acts := &activities.Activities{Store: store}
	run := func(id string) {
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
		env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
			if req.ActionID == "gone" {
				return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: "the action has ended"}, nil
			}
			return workflows.ShiftItemResult{ActionID: req.ActionID, HandoverID: "h1", Status: workflows.ShiftItemPending}, nil
		}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
		env.RegisterActivityWithOptions(acts.NotifyShiftLeftovers, activity.RegisterOptions{Name: workflows.ShiftLeftoversActivity})
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "a", HandoverID: "h1", Status: workflows.ShiftItemAccepted})
			env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "b", HandoverID: "h1", Status: workflows.ShiftItemDeclined, Reason: "too busy"})
		}, time.Minute)
		env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, workflows.ShiftInput{
			ID: id, FromID: "alice", Actor: alice, Notes: "Night notes", Situation: "quiet",
			Items: []workflows.ShiftItem{
				{ActionID: "a", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
				{ActionID: "b", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
				{ActionID: "gone", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			},
		})
		require.True(t, env.IsWorkflowCompleted())
		require.NoError(t, env.GetWorkflowError())
	}
	run("s1")
	told, err := store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	var messages []string
	for _, n := range told {
		require.Equal(t, workflows.NotifyShiftLeftOver, n.Kind)
		require.Negative(t, n.Seq, "no event of the action")
		messages = append(messages, n.Message)
	}
	require.ElementsMatch(t, []string{
		`“Airport taxi” stays with alice after their shift handover: bob declined it (too busy).`,
		`“gone” stays with alice after their shift handover: not handed over (the action has ended).`,
	}, messages, "the accepted one is not a leftover; one gone from the read model is named by its ID")
	mine, err := store.ListNotifications(ctx, "alice", 10)
	require.NoError(t, err)
	for _, n := range mine {
		require.NotEqual(t, workflows.NotifyShiftLeftOver, n.Kind, "alice started it herself and knows")
	}

	run("s2") // another shift handover leaving the same actions: told again, as its own notice
	told, err = store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 4)
}

// Each action of a shift handover is handed over with the shift's text, after the action's own
// summary when it has notes of its own; an action without them gets the shift's text as it was
// given, as before there were any, and no customer's context goes with a shift's notes.
func TestShiftNotesForEachAction(t *testing.T) {
	t.Parallel()
	in := workflows.ShiftInput{Notes: "Quiet night; the lift is out. ", ActionNotes: map[string]workflows.HandoverNotes{
		"a1": {Summary: "Cot for 214", NextSteps: "Bring it by 8", Fields: map[string]string{"room_number": "214"}},
		"a2": {Summary: "  ", Risks: "Guest is upset", CustomerContext: "not for a shift's notes"},
	}}
	require.Equal(t, workflows.HandoverNotes{Summary: "Quiet night; the lift is out. "}, in.NotesFor("a0"))
	require.Equal(t, workflows.HandoverNotes{Summary: "Cot for 214\n\nQuiet night; the lift is out.", NextSteps: "Bring it by 8",
		Fields: map[string]string{"room_number": "214"}}, in.NotesFor("a1"))
	require.Equal(t, workflows.HandoverNotes{Summary: "Quiet night; the lift is out.", Risks: "Guest is upset"}, in.NotesFor("a2"))
	require.Equal(t, []string{"risks", "amount"}, in.NotesFor("a1").Lacks([]string{"summary", "next_steps", "risks", "room_number", "amount"}))

	// An action the shift reassigns (at its due time, or escalated) carries its notes in the
	// reassignment's reason, which is all a reassignment has.
	require.Equal(t, "shift handover: Quiet night; the lift is out. ", in.ReassignReason("a0"), "the shift's text as it was given")
	require.Equal(t, "shift handover: Cot for 214\n\nQuiet night; the lift is out.\n\nNext steps: Bring it by 8\n\nroom_number: 214", in.ReassignReason("a1"))
	require.Equal(t, "shift handover: Quiet night; the lift is out.\n\nRisks: Guest is upset", in.ReassignReason("a2"), "no customer's context")
}

// A shift handover started before the version marker shift-leftovers-at-once tells what it left
// with the outgoing person once, together, when the last handover is answered, as it did.
func TestShiftLeftoversTogetherBeforeTheMarker(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflowOptions(workflows.ShiftWorkflowName))
	env.OnGetVersion("shift-leftovers-at-once", workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	env.RegisterActivityWithOptions(func(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
		return workflows.ShiftItemResult{ActionID: req.ActionID, HandoverID: "h1", Status: workflows.ShiftItemPending}, nil
	}, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	told := recordLeftovers(t, env)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "b", HandoverID: "h1", Status: workflows.ShiftItemDeclined, Reason: "too busy"})
	}, time.Minute)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(workflows.SignalShiftItem, workflows.ShiftItemResult{ActionID: "a", HandoverID: "h1", Status: workflows.ShiftItemAccepted})
	}, 10*time.Minute)
	env.ExecuteWorkflow(workflows.ShiftHandoverWorkflow, workflows.ShiftInput{
		ID: "s1", FromID: "alice", Actor: carol, Notes: "Night notes", Situation: "quiet",
		Items: []workflows.ShiftItem{
			{ActionID: "a", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "b", To: onShift("bob", 1), Status: workflows.ShiftItemRequested},
			{ActionID: "late", Status: workflows.ShiftItemSkipped, Reason: "the action is checking"},
		},
	})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, [][]string{{"b", "late"}}, told.items, "once, together")
	require.GreaterOrEqual(t, told.after[0], 10*time.Minute, "when the last handover was answered")
}

// leftoversTold is what a shift handover's leftovers activity was asked to tell: the actions of
// each call, and how long after the start each came.
type leftoversTold struct {
	items [][]string
	after []time.Duration
}

// recordLeftovers registers a leftovers activity in env that records each call (the shift
// handover is started by carol).
func recordLeftovers(t *testing.T, env *testsuite.TestWorkflowEnvironment) *leftoversTold {
	told := &leftoversTold{}
	started := env.Now()
	env.RegisterActivityWithOptions(func(ctx context.Context, in workflows.ShiftLeftovers) error {
		require.Equal(t, "carol", in.StartedBy)
		var ids []string
		for _, it := range in.Items {
			ids = append(ids, it.ActionID)
		}
		told.items = append(told.items, ids)
		told.after = append(told.after, env.Now().Sub(started))
		return nil
	}, activity.RegisterOptions{Name: workflows.ShiftLeftoversActivity})
	return told
}
