package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// Row "escalate_within passes -> level+1" at the top of the ladder (revision 7): there is no level
// above the managers, so they (and the owner) are alerted again every escalate_within until someone
// acts, and the action is never left escalated with nobody reminded of it.
func TestTopOfTheLadderIsRemindedUntilSomeoneActs(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	level2 := probe(131 * time.Minute)
	later := probe(320 * time.Minute)
	reassign := &step{name: workflows.UpdateReassign, at: 321 * time.Minute, arg: workflows.ReassignInput{Actor: dave, To: onShift("bob", 1), Reason: "bob takes it", DueIn: time.Hour}}
	afterwards := probe(360 * time.Minute)
	cancel := &step{name: workflows.UpdateCancel, at: 361 * time.Minute, arg: workflows.CancelInput{Actor: dave, Reason: "guest left"}}
	b.run(t, b.dueIn("r1", 10*time.Minute), level2, later, reassign, afterwards, cancel)

	require.Equal(t, 2, level2.state.EscalationLevel)
	require.NotNil(t, level2.state.EscalateBy, "the top level has a next alert too")
	require.Equal(t, 2, later.state.EscalationLevel, "the ladder is not passed")
	require.Equal(t, workflows.StatusEscalated, later.state.Status)
	require.NoError(t, reassign.err)
	require.Nil(t, reassign.state.EscalateBy, "someone acted: no more reminders")

	types := b.eventTypes(t, "r1")
	// Level 2 at 130 min; reminders at 190, 250 and 310 min; none after the reassignment at 321.
	require.Equal(t, 3, count(types, workflows.EventEscalationReminder), "%v", types)
	require.Equal(t, 2, count(types, workflows.EventEscalated), "levels 1 and 2 only: reports count escalations, not reminders")
	require.Equal(t, 4, count(b.inboxKinds(t, "dave"), workflows.NotifyEscalated), "the manager: level 2 and three reminders")
	require.Equal(t, 5, count(b.inboxKinds(t, "alice"), workflows.NotifyEscalated), "the owner hears of each as well: levels 1 and 2, three reminders")
}

// The same for an action nobody owns (revision 7): unassigned with nobody taking it, it climbs to
// the managers, who are reminded again and again until one of them gives it an owner.
func TestUnownedActionAtTheTopIsReminded(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("r2", 24*time.Hour)
	in.OwnerID = ""
	later := probe(250 * time.Minute)
	cancel := &step{name: workflows.UpdateCancel, arg: workflows.CancelInput{Actor: dave, Reason: "duplicate"}}
	b.run(t, in, later, cancel)
	require.Equal(t, workflows.StatusEscalated, later.state.Status)
	require.Equal(t, 2, later.state.EscalationLevel)
	require.Empty(t, later.state.OwnerID)
	// Not assigned at 30 min (level 1), level 2 at 90 min, reminders at 150 and 210 min.
	require.Equal(t, 2, count(b.eventTypes(t, "r2"), workflows.EventEscalationReminder))
	require.Equal(t, 3, count(b.inboxKinds(t, "dave"), workflows.NotifyEscalated))
}

// Before revision 7 the top of the ladder is alerted once (recorded histories replay so).
func TestRevision6StopsAtTheTop(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("r3", 10*time.Minute)
	in.Revision = 6
	later := probe(600 * time.Minute)
	cancel := &step{name: workflows.UpdateCancel, arg: workflows.CancelInput{Actor: dave, Reason: "guest left"}}
	b.run(t, in, later, cancel)
	require.Equal(t, 2, later.state.EscalationLevel)
	require.Nil(t, later.state.EscalateBy)
	require.Zero(t, count(b.eventTypes(t, "r3"), workflows.EventEscalationReminder))
}

// Row "follow-up time ... repeat until the check is made" after a check that extends (revision
// 7): bob still owns what alice handed him, with a new due time, so alice's reminders start again,
// halfway to it. An extension of an action reassigned away from bob gives her none.
func TestExtensionGivesTheHanderFollowUpsBack(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("f1")
	in.DueAt = now.Add(2 * time.Hour)
	s, _ := workflows.NewState(in, now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
	require.NotNil(t, s.FollowUp)
	s.Fire(workflows.DeadlineDue, in.DueAt)
	check := workflows.CheckInput{Actor: alice, Result: workflows.CheckNotDone, Next: workflows.NextExtend, DueIn: 4 * time.Hour, Notes: "parts late"}
	require.NoError(t, workflows.CheckCheck(&s, check))
	workflows.ApplyCheck(&s, check, in.DueAt)
	require.Equal(t, workflows.StatusAssigned, s.Status)
	require.NotNil(t, s.FollowUp, "alice is reminded again")
	require.Equal(t, "alice", s.FollowUp.HanderID)
	require.Equal(t, in.DueAt.Add(2*time.Hour), s.FollowUp.At, "halfway to the new due time")

	// Escalated, then extended by a supervisor: the same.
	s.Fire(workflows.DeadlineDue, s.DueAt)
	escalate := workflows.EscalateInput{Actor: carol, Reason: "guest complained"}
	workflows.ApplyEscalate(&s, escalate, s.DueAt)
	require.Nil(t, s.FollowUp, "escalated: the ladder's, not the hander's")
	at := s.DueAt.Add(time.Minute)
	workflows.ApplyExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: 2 * time.Hour, Reason: "guest agreed"}, at)
	require.NotNil(t, s.FollowUp)
	require.Equal(t, at.Add(time.Hour), s.FollowUp.At)

	// Reassigned away from bob: alice handed it to nobody who has it now.
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("erin", 2), Reason: "bob is off"}, at)
	workflows.ApplyExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: 2 * time.Hour, Reason: "later"}, at.Add(time.Minute))
	require.Nil(t, s.FollowUp)
}

// Row "due time passes -> checking" for an action taken over at a shift change (revision 7): the
// hander has gone off shift, so the supervisors are asked to check as well as the hander. A
// handover of the owner's own is checked by its hander alone.
func TestShiftChangeCheckAlsoAsksTheSupervisors(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	checkAsked := func(shift string) []workflows.Notification {
		in := startInput("c1")
		in.DueAt = now.Add(2 * time.Hour)
		s, _ := workflows.NewState(in, now)
		h := handoverTo(onShift("bob", 1))
		h.ShiftHandoverID = shift
		workflows.ApplyHandover(&s, h, now)
		workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
		s.TakeOutbox()
		s.Fire(workflows.DeadlineDue, in.DueAt)
		return takeOutbox(&s, workflows.NotifyCheckAsked)
	}
	asked := checkAsked("s1")
	require.Len(t, asked, 2)
	require.Equal(t, []string{"alice"}, asked[0].To)
	require.Equal(t, workflows.RoleSupervisor, asked[1].ToRole)
	require.Contains(t, asked[1].Message, "at alice's shift change")

	asked = checkAsked("")
	require.Len(t, asked, 1)
	require.Equal(t, []string{"alice"}, asked[0].To)
}

// Row "accept: customer told to whom and why" without a message of the sender's own (revision 7):
// the customer hears the recipient's name, not their staff ID, and a why fit for them, from the
// handover's situation or its shift change, never the team's own reason.
func TestCustomerIsToldToWhomAndWhy(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	told := func(name, situation, shift string) string {
		s, _ := workflows.NewState(startInput("m1"), now)
		to := onShift("bob", 1)
		to.Name = name
		h := handoverTo(to)
		h.Situation, h.ShiftHandoverID, h.Reason = situation, shift, "alice is fed up with this guest"
		workflows.ApplyHandover(&s, h, now)
		events := workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
		last := events[len(events)-1]
		require.Equal(t, workflows.EventCustomerTold, last.Type)
		message := last.Data["message"].(string)
		require.NotContains(t, message, "fed up", "the team's reason stays inside")
		require.NotContains(t, message, "bob", "no staff ID")
		return message
	}
	require.Equal(t, "Your request has been passed to Bob Martin, who is looking after it now, so that it is looked after without delay while we are busy.",
		told("Bob Martin", "busy", ""))
	require.Contains(t, told("Bob Martin", "routine", "s1"), "passed to Bob Martin, who is looking after it now, as our shift changed")
	require.Contains(t, told("Bob Martin", "let_down", ""), "so that what went wrong for you is put right.")
	require.Contains(t, told("", "quiet", ""), "passed to a colleague, who is looking after it now, so that it is seen through without delay")
}

// A message to the customer with no integration to deliver it (no webhook) is the owner's to pass
// on: their inbox says so, without the message (it is sealed on the timeline). With a webhook, the
// integration delivers it and the owner's inbox has no such task.
func TestCustomerMessageWithoutIntegrationGoesToTheOwner(t *testing.T) {
	steps := func() []*step {
		return []*step{
			{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))},
			{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}},
			{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done", CustomerMessage: "Your checkout is at 2pm."}},
		}
	}
	b := setup(t)
	b.run(t, b.dueIn("t1", 2*time.Hour), steps()...)
	ns, err := b.store.ListNotifications(context.Background(), "bob", 20)
	require.NoError(t, err)
	var tasks []string
	for _, n := range ns {
		if n.Kind == workflows.NotifyCustomerMessage {
			tasks = append(tasks, n.Message)
		}
	}
	// One task for each message (the acceptance's and the completion's), each naming its entry.
	events, err := b.store.ListEvents(context.Background(), "t1")
	require.NoError(t, err)
	var want []string
	for _, e := range events {
		if e.Type == workflows.EventCustomerTold {
			want = append(want, fmt.Sprintf(`Tell the customer of “Late checkout” what the timeline's message to them says (entry %d): no integration sends customers messages here.`, e.Seq))
		}
	}
	require.Len(t, want, 2)
	require.ElementsMatch(t, want, tasks)

	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(hook.Close)
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	withHook := bundleWith(t, &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: hook.URL, Secret: "s"}})
	withHook.run(t, withHook.dueIn("t2", 2*time.Hour), steps()...)
	require.NotContains(t, withHook.inboxKinds(t, "bob"), workflows.NotifyCustomerMessage, "the integration tells the customer")
}

// Each webhook delivery carries the action as its own change left it, even when the read model was
// away and several changes are written in one batch: the handover asked at version 2 (pending),
// the decline at version 3 (assigned again), so a receiver can order them.
func TestDeliveriesCarryTheStateOfTheirOwnChange(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]activities.WebhookEvent{}
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev activities.WebhookEvent
		require.NoError(t, json.NewDecoder(r.Body).Decode(&ev))
		mu.Lock()
		defer mu.Unlock()
		seen[ev.Type] = ev
	}))
	t.Cleanup(hook.Close)
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	b := bundleWith(t, &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: hook.URL, Secret: "s"}})
	away := func(gone bool) { timelineAway(t, store, gone) }
	b.env.RegisterDelayedCallback(func() { away(true) }, 30*time.Second)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	decline := &step{name: workflows.UpdateDecline, arg: workflows.DeclineInput{Actor: bob, Reason: "off in ten minutes"}}
	b.env.RegisterDelayedCallback(func() { away(false) }, 3*time.Minute)
	complete := &step{name: workflows.UpdateComplete, at: 10 * time.Minute, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b.run(t, b.dueIn("w1", 2*time.Hour), handover, decline, complete)
	mu.Lock()
	defer mu.Unlock()
	requested, declined := seen["action."+workflows.NotifyHandoverRequested], seen["action."+workflows.NotifyHandoverDeclined]
	require.EqualValues(t, 2, requested.Version, "%+v", requested)
	require.Equal(t, string(workflows.StatusHandoverPending), requested.Status)
	require.EqualValues(t, 3, declined.Version, "%+v", declined)
	require.Equal(t, string(workflows.StatusAssigned), declined.Status)
}
