package workflows_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

var dave = workflows.Actor{ID: "dave", Role: workflows.RoleManager}

// dueIn is the start input of an action due d after the test environment's start.
func (b *testBundle) dueIn(id string, d time.Duration) workflows.StartInput {
	in := startInput(id)
	in.DueAt = b.env.Now().Add(d)
	return in
}

// seedSupervisors puts a supervisor and a manager in the read model, so role notifications reach
// someone.
func (b *testBundle) seedSupervisors(t *testing.T) {
	ctx := context.Background()
	team := "frontdesk"
	require.NoError(t, b.store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, b.store.SaveStaff(ctx, models.Staff{ID: "carol", Role: "supervisor", TeamID: &team, Active: true, OnShift: true}))
	require.NoError(t, b.store.SaveStaff(ctx, models.Staff{ID: "dave", Role: "manager", TeamID: &team, Active: true, OnShift: true}))
}

func (b *testBundle) eventTypes(t *testing.T, id string) []string {
	events, err := b.store.ListEvents(context.Background(), id)
	require.NoError(t, err)
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

func (b *testBundle) inboxKinds(t *testing.T, who string) []string {
	ns, err := b.store.ListNotifications(context.Background(), who, 100)
	require.NoError(t, err)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Kind
	}
	return out
}

func count(items []string, v string) int {
	n := 0
	for _, it := range items {
		if it == v {
			n++
		}
	}
	return n
}

// Row "due time passes -> checking", "follow-up time", and "check: done -> completed": the hander
// is reminded halfway to the due time and every hour after until the due time, when they are asked
// to check instead (revision 14: the reminder due just after it is not sent).
func TestDueTimeAsksForCheckAndFollowUpsRepeat(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	// Alice, the hander, is in the team: her reminders are hers (one gone would have them go to
	// the supervisors).
	team := "frontdesk"
	require.NoError(t, b.store.SaveStaff(context.Background(), models.Staff{ID: "alice", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true}))
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	beforeDue := probe(119 * time.Minute)
	atDue := probe(121 * time.Minute)
	check := &step{name: workflows.UpdateCheck, at: 130 * time.Minute, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckDone, Notes: "Bob confirmed it"}}
	b.run(t, b.dueIn("d1", 2*time.Hour), handover, accept, beforeDue, atDue, check)

	require.Equal(t, workflows.StatusAssigned, beforeDue.state.Status)
	require.Equal(t, workflows.StatusChecking, atDue.state.Status)
	require.NotNil(t, atDue.state.CheckBy)
	require.NotNil(t, beforeDue.state.FollowUp)
	require.Nil(t, atDue.state.FollowUp, "at its check the hander is asked to check, not to follow up")
	require.NoError(t, check.err)
	require.Equal(t, workflows.StatusCompleted, check.state.Status)
	require.Equal(t, "Bob confirmed it", check.state.Outcome)
	require.Nil(t, check.state.FollowUp, "the check stops the reminders")

	types := b.eventTypes(t, "d1")
	require.Equal(t, 1, count(types, workflows.EventFollowUpReminder), "reminded at about 61m; the next, at about 121m, comes after the due time: %v", types)
	require.Equal(t, 1, count(types, workflows.EventDue))
	// Then, its accepted handover's message to the customer untold, a day before the records close.
	require.Equal(t, []string{workflows.EventCompleted, workflows.EventMessagesUntold}, types[len(types)-2:])
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyFollowUp)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyCheckAsked, "the hander is asked to check")
	require.Contains(t, b.inboxKinds(t, "bob"), workflows.NotifyOutcomeAsked, "the owner is asked for the outcome")
}

// Rows "check_within passes -> escalated" and "escalate_within passes -> level+1": the action
// climbs the ladder to the manager and stops at the top (where it is reminded, revision 7).
func TestEscalationLadder(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	checking := probe(11 * time.Minute)
	level1 := probe(71 * time.Minute)
	level2 := probe(131 * time.Minute)
	later := probe(600 * time.Minute)
	cancel := &step{name: workflows.UpdateCancel, at: 601 * time.Minute, arg: workflows.CancelInput{Actor: dave, Reason: "guest left"}}
	b.run(t, b.dueIn("e1", 10*time.Minute), checking, level1, level2, later, cancel)

	require.Equal(t, workflows.StatusChecking, checking.state.Status)
	require.Equal(t, workflows.StatusEscalated, level1.state.Status)
	require.Equal(t, 1, level1.state.EscalationLevel)
	require.Contains(t, level1.state.EscalationReason, "no check")
	require.Equal(t, 2, level2.state.EscalationLevel)
	require.Equal(t, 2, later.state.EscalationLevel, "the top of the ladder is not passed")
	require.NotNil(t, later.state.EscalateBy, "its next reminder (revision 7)")
	require.NoError(t, cancel.err)
	require.Equal(t, workflows.StatusCancelled, cancel.state.Status)

	require.Contains(t, b.inboxKinds(t, "carol"), workflows.NotifyEscalated, "level 1 alerts the team's supervisor")
	require.Contains(t, b.inboxKinds(t, "dave"), workflows.NotifyEscalated, "level 2 alerts the manager")
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyCancelled)
}

// Row "accept_within passes -> escalated": the handover expires, the owner keeps the action, and a
// supervisor's reassignment (row "reassign") gives it a new owner with the timers reset.
func TestUnansweredHandoverExpires(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	expired := probe(32 * time.Minute)
	lateAccept := &step{name: workflows.UpdateAccept, at: 33 * time.Minute, arg: workflows.AcceptInput{Actor: bob, Summary: "too late"}}
	reassign := &step{name: workflows.UpdateReassign, arg: workflows.ReassignInput{Actor: carol, To: onShift("erin", 2), Reason: "bob did not answer"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Outcome: "done"}}
	b.run(t, b.dueIn("x1", 4*time.Hour), handover, expired, lateAccept, reassign, complete)

	require.Equal(t, workflows.StatusEscalated, expired.state.Status)
	require.Equal(t, "alice", expired.state.OwnerID, "the owner keeps the action")
	require.Equal(t, workflows.HandoverExpired, expired.state.Handovers[0].Status)
	require.Equal(t, 1, expired.state.EscalationLevel)
	requireRefused(t, lateAccept, workflows.ErrConflict)
	require.Regexp(t, `the handover to you expired at \S+Z, unanswered: alice owns the action`, lateAccept.err.Error())
	require.NoError(t, reassign.err)
	require.Equal(t, "erin", reassign.state.OwnerID)
	require.Equal(t, workflows.StatusAssigned, reassign.state.Status)
	require.Equal(t, 0, reassign.state.EscalationLevel)
	require.Nil(t, reassign.state.EscalateBy)
	require.NoError(t, complete.err)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyHandoverExpired)
	require.Contains(t, b.inboxKinds(t, "erin"), workflows.NotifyAssigned)
}

// Rows "create: nobody eligible -> unassigned", "assign_within passes -> escalated" and "claim".
func TestUnassignedEscalatesThenIsClaimed(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("u1", 4*time.Hour)
	in.OwnerID = ""
	start := probe(time.Minute)
	escalated := probe(31 * time.Minute)
	offShift := onShift("bob", 1)
	offShift.OnShift = false
	refused := &step{name: workflows.UpdateClaim, arg: workflows.ClaimInput{Actor: bob, Claimant: offShift}}
	forOther := &step{name: workflows.UpdateClaim, arg: workflows.ClaimInput{Actor: alice, Claimant: onShift("bob", 1)}}
	integration := onShift("crm", 0)
	integration.Role = workflows.RoleService
	byService := &step{name: workflows.UpdateClaim, arg: workflows.ClaimInput{Actor: workflows.Actor{ID: "crm", Role: workflows.RoleService}, Claimant: integration}}
	claim := &step{name: workflows.UpdateClaim, arg: workflows.ClaimInput{Actor: bob, Claimant: onShift("bob", 1)}}
	again := &step{name: workflows.UpdateClaim, arg: workflows.ClaimInput{Actor: alice, Claimant: onShift("alice", 1)}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}}
	b.run(t, in, start, escalated, refused, forOther, byService, claim, again, complete)

	require.Equal(t, workflows.StatusUnassigned, start.state.Status)
	require.Equal(t, workflows.StatusEscalated, escalated.state.Status)
	require.Empty(t, escalated.state.OwnerID)
	requireRefused(t, refused, workflows.ErrForbidden) // who the caller is, not a field they sent
	require.Contains(t, refused.err.Error(), "you cannot take this action on: you are not on shift")
	requireRefused(t, forOther, workflows.ErrForbidden)
	requireRefused(t, byService, workflows.ErrForbidden)
	require.Contains(t, byService.err.Error(), "your role (service) cannot own actions")
	require.NoError(t, claim.err)
	require.Equal(t, "bob", claim.state.OwnerID)
	require.Equal(t, workflows.StatusAssigned, claim.state.Status)
	requireRefused(t, again, workflows.ErrConflict)
	require.NoError(t, complete.err)
	require.Contains(t, b.inboxKinds(t, "carol"), workflows.NotifyUnassigned)
	require.Contains(t, b.inboxKinds(t, "carol"), workflows.NotifyEscalated)
}

// Row "check: not done + next step", each next step, and the supervisors' rows "escalate" and
// "extend". An owner who is an agent answers their own check with done or escalate only.
func TestCheckNotDoneNextSteps(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("n1", 10*time.Minute)
	checking := probe(11 * time.Minute)
	incomplete := &step{name: workflows.UpdateCheck, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckNotDone}}
	newDue := b.env.Now().Add(3 * time.Hour)
	ownExtend := &step{name: workflows.UpdateCheck, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckNotDone, Next: workflows.NextExtend, DueAt: &newDue, Notes: "waiting on parts"}}
	extend := &step{name: workflows.UpdateCheck, arg: workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextExtend, DueAt: &newDue, Notes: "waiting on parts"}}
	dueAgain := probe(3*time.Hour + time.Minute)
	bobRecipient := onShift("bob", 1)
	reassignNoDue := &step{name: workflows.UpdateCheck, arg: workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextReassign, To: &bobRecipient}}
	reassign := &step{name: workflows.UpdateCheck, arg: workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextReassign, To: &bobRecipient, DueIn: time.Hour}}
	agentEscalates := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: bob, Reason: "help"}}
	escalate := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: dave, Reason: "VIP guest"}}
	extendDue := b.env.Now().Add(8 * time.Hour)
	agentExtends := &step{name: workflows.UpdateExtend, arg: workflows.ExtendInput{Actor: bob, DueAt: extendDue, Reason: "x"}}
	earlier := &step{name: workflows.UpdateExtend, arg: workflows.ExtendInput{Actor: carol, DueIn: 10 * time.Minute, Reason: "sooner"}}
	supExtend := &step{name: workflows.UpdateExtend, arg: workflows.ExtendInput{Actor: carol, DueAt: extendDue, Reason: "parts arrive tomorrow"}}
	checkEscalate := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "fixed"}}
	b.run(t, in, checking, incomplete, ownExtend, extend, dueAgain, reassignNoDue, reassign, agentEscalates, escalate, agentExtends, earlier, supExtend, checkEscalate)

	require.Equal(t, workflows.StatusChecking, checking.state.Status)
	requireRefused(t, incomplete, workflows.ErrInvalid)
	// The owner, an agent, gives themselves no more time at their own check: /extend would refuse
	// them too.
	requireRefused(t, ownExtend, workflows.ErrInvalid)
	require.Contains(t, ownExtend.err.Error(), "next: you own this action: at its check you complete it if it is done, or escalate it; an extension or a reassignment is for a supervisor")
	require.NoError(t, extend.err)
	require.Equal(t, workflows.StatusAssigned, extend.state.Status)
	require.True(t, extend.state.DueAt.Equal(newDue.UTC().Truncate(time.Microsecond)))
	require.Equal(t, workflows.StatusChecking, dueAgain.state.Status, "the new due time is checked too")
	requireRefused(t, reassignNoDue, workflows.ErrInvalid)
	require.Contains(t, reassignNoDue.err.Error(), "due_in: give the new owner a due time")
	require.NoError(t, reassign.err)
	require.Equal(t, "bob", reassign.state.OwnerID)
	requireRefused(t, agentEscalates, workflows.ErrForbidden)
	require.NoError(t, escalate.err)
	require.Equal(t, workflows.StatusEscalated, escalate.state.Status)
	require.Equal(t, "VIP guest", escalate.state.EscalationReason)
	requireRefused(t, agentExtends, workflows.ErrForbidden)
	requireRefused(t, earlier, workflows.ErrInvalid)
	require.Regexp(t, `due_in: that is \S+Z, before the action's due time \S+Z: an extension only gives more time`, earlier.err.Error())
	require.NoError(t, supExtend.err)
	require.Equal(t, workflows.StatusAssigned, supExtend.state.Status)
	require.Equal(t, 0, supExtend.state.EscalationLevel)
	require.NoError(t, checkEscalate.err)
}

// "Not done, reassign" at a check gives the new owner the due time sent with it, so the action is
// assigned again rather than at its check at once (revision 3); an action of revision 2 keeps the
// due time that had passed, as its histories recorded.
func TestCheckReassignGivesTheNewOwnerTheNewDueTime(t *testing.T) {
	for _, rev := range []int{2, workflows.CurrentRevision} {
		t.Run(fmt.Sprintf("revision %d", rev), func(t *testing.T) {
			b := setup(t)
			b.seedSupervisors(t)
			start := b.env.Now().UTC()
			in := b.dueIn("r1", 10*time.Minute)
			in.Revision = rev
			bobRecipient := onShift("bob", 1)
			reassign := &step{at: 11 * time.Minute, name: workflows.UpdateCheck, arg: workflows.CheckInput{
				Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextReassign, To: &bobRecipient, DueIn: 2 * time.Hour, Notes: "alice is off sick",
			}}
			later := probe(11*time.Minute + time.Second)
			done := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "sorted"}}
			b.run(t, in, reassign, later, done)

			require.NoError(t, reassign.err)
			require.Equal(t, "bob", later.state.OwnerID)
			if rev < 3 {
				require.Equal(t, workflows.StatusChecking, later.state.Status, "revision 2 keeps the past due time")
				require.True(t, later.state.DueAt.Equal(in.DueAt.UTC().Truncate(time.Microsecond)))
				return
			}
			require.Equal(t, workflows.StatusAssigned, later.state.Status)
			require.WithinDuration(t, start.Add(11*time.Minute+2*time.Hour), later.state.DueAt, time.Second, "two hours from the check")
			require.NotContains(t, b.eventTypes(t, "r1")[3:], workflows.EventDue, "no second check at once: %v", b.eventTypes(t, "r1"))
		})
	}
}

// A long-lived action continues as new before its history grows large, carrying its state and its
// deadlines; the new run goes on where the old one stopped.
func TestContinueAsNewCarriesStateAndDeadlines(t *testing.T) {
	b := setup(t)
	in := b.dueIn("c1", 2*time.Hour)
	in.ContinueAsNewAfter = 40
	var steps []*step
	for range 12 {
		steps = append(steps, &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: "still waiting"}})
	}
	for i, s := range steps {
		s.at = time.Duration(i+1) * time.Minute
	}
	for i, s := range steps {
		b.env.RegisterDelayedCallback(func() {
			if i == len(steps)-1 {
				// The test environment keeps no history; report what a server would by now.
				b.env.SetCurrentHistoryLength(in.ContinueAsNewAfter + 1)
			}
			b.env.UpdateWorkflowNoRejection(s.name, "", t, s.arg)
		}, s.at)
	}
	next := b.continuedAsNew(t, in)
	require.Equal(t, "c1", next.Resume.ID)
	require.True(t, next.Resume.DueAt.Equal(in.DueAt.UTC().Truncate(time.Microsecond)), "the due time carries over")
	require.Greater(t, next.Resume.Version, int64(1))
	events := b.eventTypes(t, "c1")
	require.Len(t, events, int(next.Resume.Version), "everything was projected before continuing")

	// The next run picks up: the due timer still fires, and the timeline numbering continues.
	b2 := newBundle(t, b.store)
	resumed := probe(time.Minute)
	check := &step{name: workflows.UpdateCheck, at: 2*time.Hour + 5*time.Minute, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckDone, Notes: "guest confirmed"}}
	b2.run(t, next, resumed, check)
	require.Equal(t, next.Resume.Version, resumed.state.Version)
	require.Equal(t, workflows.StatusAssigned, resumed.state.Status)
	require.NoError(t, check.err)
	require.Equal(t, workflows.StatusCompleted, check.state.Status)
	all := b.eventTypes(t, "c1")
	require.Equal(t, []string{workflows.EventDue, workflows.EventChecked, workflows.EventCompleted}, all[len(events):])
}

// Row "extend due" on an action whose handover awaits acceptance: the due time moves and the
// handover stays pending, so the recipient can still accept it.
func TestExtendKeepsAPendingHandoverPending(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("x1", 2*time.Hour)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	newDue := b.env.Now().Add(6 * time.Hour)
	extend := &step{name: workflows.UpdateExtend, arg: workflows.ExtendInput{Actor: carol, DueAt: newDue, Reason: "the part arrives tomorrow"}}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "part tomorrow, then fit it"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "fitted"}}
	b.run(t, in, handover, extend, accept, complete)

	require.NoError(t, extend.err)
	require.Equal(t, workflows.StatusHandoverPending, extend.state.Status)
	require.Equal(t, handover.state.PendingHandoverID, extend.state.PendingHandoverID)
	require.True(t, extend.state.DueAt.Equal(newDue.UTC().Truncate(time.Microsecond)))
	require.NoError(t, accept.err, "the recipient can still accept")
	require.Equal(t, "bob", accept.state.OwnerID)
	require.True(t, accept.state.DueAt.Equal(newDue.UTC().Truncate(time.Microsecond)), "with the new due time")
}

// An alert for a role nobody holds goes up the ladder's roles: a team without a supervisor has its
// level-1 escalation (and its due check) told to the managers, not to nobody.
func TestAlertForARoleNobodyHoldsGoesUp(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	team := "frontdesk"
	require.NoError(t, b.store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, b.store.SaveStaff(ctx, models.Staff{ID: "dave", Role: "manager", TeamID: &team, Active: true, OnShift: true}))
	level1 := probe(71 * time.Minute)
	cancel := &step{name: workflows.UpdateCancel, at: 75 * time.Minute, arg: workflows.CancelInput{Actor: dave, Reason: "guest left"}}
	b.run(t, b.dueIn("g1", 10*time.Minute), level1, cancel)
	require.Equal(t, 1, level1.state.EscalationLevel)
	kinds := b.inboxKinds(t, "dave")
	require.Equal(t, 1, count(kinds, workflows.NotifyEscalated), "level 1, meant for the supervisors: %v", kinds)
	require.Equal(t, 1, count(kinds, workflows.NotifyCheckAsked), "the due check, meant for the supervisors")
}
