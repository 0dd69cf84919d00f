package workflows_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// timelineAway takes the read model's timeline table away (gone) or brings it back: every
// projection fails meanwhile, as in an outage.
func timelineAway(t *testing.T, store *models.Store, gone bool) {
	from, to := "action_events", "action_events_away"
	if !gone {
		from, to = to, from
	}
	require.NoError(t, store.DB().Exec("ALTER TABLE "+from+" RENAME TO "+to).Error)
}

// A long read-model outage (revision 6): the action keeps taking commands, and when its history is
// full it continues as new without waiting for the read model, handing the events not yet written
// to the next run. That run's deadline fires while the read model is still away, and once it is
// back the timeline is whole: every event once, in order.
func TestReadModelOutageContinuesAsNew(t *testing.T) {
	b := setup(t)
	b.env.SetTestTimeout(time.Minute) // before revision 6 it never continues as new: fail, not hang
	in := b.dueIn("o1", 2*time.Hour)
	in.ContinueAsNewAfter = 40
	away := func(gone bool) { timelineAway(t, b.store, gone) }
	note := func(at time.Duration, text string, then func()) {
		b.env.RegisterDelayedCallback(func() {
			if then != nil {
				then()
			}
			b.env.UpdateWorkflowNoRejection(workflows.UpdateNote, "", t, workflows.NoteInput{Actor: alice, Text: text})
		}, at)
	}
	note(time.Minute, "before the outage", nil)
	note(2*time.Minute, "during the outage", func() { away(true) })
	note(5*time.Minute, "still during the outage", nil)
	start := b.env.Now()
	b.env.RegisterDelayedCallback(func() {
		// The projection's retries fill the history (the test environment keeps none: report what
		// a server would by now); no command comes to wake the workflow.
		b.env.SetCurrentHistoryLength(in.ContinueAsNewAfter + 1)
	}, 10*time.Minute)
	next := b.continuedAsNew(t, in)
	require.Less(t, b.env.Now().Sub(start), 12*time.Minute, "continued as new at the projection's next retry")
	require.EqualValues(t, 4, next.Resume.Version, "created and three notes")
	require.Len(t, next.Unprojected, 2, "the two notes the read model never got go with the next run")
	require.EqualValues(t, 3, next.Unprojected[0].Seq)
	require.EqualValues(t, 4, next.Unprojected[1].Seq)

	// The next run: its due time passes while the read model is still away; the check is answered;
	// then the read model comes back and gets everything.
	b2 := newBundle(t, b.store)
	due := probe(2*time.Hour + time.Minute)
	check := &step{name: workflows.UpdateCheck, at: 2*time.Hour + 2*time.Minute, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckDone, Notes: "guest confirmed"}}
	b2.env.RegisterDelayedCallback(func() { away(false) }, 2*time.Hour+3*time.Minute)
	b2.run(t, next, due, check)
	require.Equal(t, workflows.StatusChecking, due.state.Status, "the due time fired during the outage")
	require.NoError(t, check.err)
	require.Equal(t, workflows.StatusCompleted, check.state.Status)
	events := b.eventTypes(t, "o1")
	require.Len(t, events, int(check.state.Version), "every event once: %v", events)
	require.Equal(t, []string{workflows.EventCreated, workflows.EventNoteAdded, workflows.EventNoteAdded, workflows.EventNoteAdded,
		workflows.EventDue, workflows.EventChecked, workflows.EventCompleted}, events)
}

// Row "complete: hander notified" holds for a completion at the check too (revision 6): the owner
// checks it done, and the person who handed it over hears so.
func TestCheckDoneTellsTheHander(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	check := &step{name: workflows.UpdateCheck, at: 130 * time.Minute, arg: workflows.CheckInput{Actor: bob, Result: workflows.CheckDone, Notes: "guest left at 2pm"}}
	b.run(t, b.dueIn("k1", 2*time.Hour), handover, accept, check)
	require.NoError(t, check.err)
	require.Equal(t, workflows.StatusCompleted, check.state.Status)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyCompleted, "the hander is told")
	require.NotContains(t, b.inboxKinds(t, "bob"), workflows.NotifyCompleted, "not the one who checked")
}

// The hander is who handed the action to its current owner in the latest change of owner
// (revision 6): alice hands it to bob; a supervisor reassigns it to erin and back to bob. Nobody
// handed it to bob this time, so at the due time the supervisors are asked to check, not alice,
// and the read model names no hander.
func TestHanderIsTheLatestChangeOfOwner(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	away := &step{name: workflows.UpdateReassign, arg: workflows.ReassignInput{Actor: carol, To: onShift("erin", 2), Reason: "bob is busy"}}
	back := &step{name: workflows.UpdateReassign, arg: workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "bob is free again"}}
	atDue := probe(121 * time.Minute)
	check := &step{name: workflows.UpdateCheck, at: 130 * time.Minute, arg: workflows.CheckInput{Actor: carol, Result: workflows.CheckDone, Notes: "bob confirmed it"}}
	b.run(t, b.dueIn("h1", 2*time.Hour), handover, accept, away, back, atDue, check)
	require.NoError(t, back.err)
	require.Equal(t, "bob", back.state.OwnerID)
	require.Empty(t, back.state.HandedBy)
	require.Equal(t, workflows.StatusChecking, atDue.state.Status)
	require.NotContains(t, b.inboxKinds(t, "alice"), workflows.NotifyCheckAsked, "alice did not hand it to bob this time")
	require.Contains(t, b.inboxKinds(t, "carol"), workflows.NotifyCheckAsked, "the supervisors are asked")
	require.NotContains(t, b.inboxKinds(t, "alice"), workflows.NotifyCompleted)
	require.NoError(t, check.err)
	row, err := b.store.GetAction(context.Background(), "h1")
	require.NoError(t, err)
	require.Empty(t, row.HanderID, "the read model names no hander either")
}

// A handover made while the action is paused (revision 6) tells its recipient how long they will
// have once it resumes, not a time counted from the pause; resuming tells them the time.
func TestHandoverWhilePausedSaysWhenToAnswer(t *testing.T) {
	b := setup(t)
	pause := &step{name: workflows.UpdatePause, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}}
	handover := &step{name: workflows.UpdateHandover, at: 3 * time.Hour, arg: handoverTo(onShift("bob", 1))}
	resume := &step{name: workflows.UpdateResume, at: 4 * time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "the guest called back"}}
	accept := &step{name: workflows.UpdateAccept, at: 4*time.Hour + 10*time.Minute, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}}
	b.run(t, b.dueIn("p1", 2*time.Hour), pause, handover, resume, accept, complete)
	require.NoError(t, accept.err, "the time to answer ran from the resumption")
	ns, err := b.store.ListNotifications(context.Background(), "bob", 10)
	require.NoError(t, err)
	var told []string
	for _, n := range ns {
		if n.Kind == workflows.NotifyHandoverRequested {
			told = append(told, n.Message)
		}
	}
	require.Len(t, told, 2, "asked, then told the time once it resumed: %v", told)
	require.Contains(t, told[1], "Accept or decline within 30 min of the action resuming (it is paused: waiting on the guest)", "newest first: the request is the older")
	require.Contains(t, told[0], "is running again: accept or decline alice's handover by ")
}

// The same once the action has ended: the read model is away when the keep-open time runs out, so
// the end waits for it, and when the history fills meanwhile the workflow continues as new with
// nothing left to wait for but the projection (revision 6).
func TestReadModelOutageAfterTheEnd(t *testing.T) {
	b := setup(t)
	b.env.SetTestTimeout(time.Minute)
	in := b.dueIn("o2", 2*time.Hour)
	in.ContinueAsNewAfter, in.KeepOpenFor = 40, 10*time.Minute
	away := func(gone bool) { timelineAway(t, b.store, gone) }
	b.env.RegisterDelayedCallback(func() {
		b.env.UpdateWorkflowNoRejection(workflows.UpdateComplete, "", t, workflows.CompleteInput{Actor: alice, Outcome: "done"})
	}, time.Minute)
	b.env.RegisterDelayedCallback(func() {
		away(true)
		b.env.UpdateWorkflowNoRejection(workflows.UpdateNote, "", t, workflows.NoteInput{Actor: alice, Text: "after the end, during the outage"})
	}, 5*time.Minute)
	b.env.RegisterDelayedCallback(func() { b.env.SetCurrentHistoryLength(in.ContinueAsNewAfter + 1) }, 20*time.Minute)
	next := b.continuedAsNew(t, in)
	require.Equal(t, workflows.StatusCompleted, next.Resume.Status)
	require.Len(t, next.Unprojected, 1, "the note goes with the next run")
	require.LessOrEqual(t, next.KeepOpenFor, time.Millisecond, "no time left to stay open")

	away(false)
	b2 := newBundle(t, b.store)
	b2.env.ExecuteWorkflow(workflows.ActionWorkflow, next)
	require.True(t, b2.env.IsWorkflowCompleted())
	require.NoError(t, b2.env.GetWorkflowError(), "the next run writes the note and ends")
	require.Equal(t, []string{workflows.EventCreated, workflows.EventCompleted, workflows.EventNoteAdded}, b.eventTypes(t, "o2"))
}

// The customer is told of an accepted handover without a message of the sender's own in words fit
// for them (revision 6): no staff ID, no internal reason, and (revision 15) not the action's title.
func TestDefaultCustomerMessageSaysNothingInternal(t *testing.T) {
	b := setup(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}}
	b.run(t, b.dueIn("m1", 2*time.Hour), handover, accept, complete)
	events, err := b.store.ListEvents(context.Background(), "m1")
	require.NoError(t, err)
	var told []string
	for _, e := range events {
		if e.Type == workflows.EventCustomerTold {
			told = append(told, e.Data)
		}
	}
	require.Len(t, told, 1)
	require.Contains(t, told[0], "Your request has been passed to a colleague")
	require.NotContains(t, told[0], "Late checkout", "the title is the team's own text (revision 15)")
	require.NotContains(t, told[0], "bob")
	require.NotContains(t, told[0], "shift ends", "the team's own reason stays inside")
}
