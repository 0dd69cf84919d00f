package workflows_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// From revision 25 an action paused without an end reminds its owner once a day that it waits on
// the customer, on the timeline and in the owner's inbox, until someone resumes it; nothing else
// changes: its clocks stand still, and a resume by hand stops the reminders.
func TestRevision25RemindsAPauseWithoutAnEnd(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	team := "frontdesk"
	// Off shift, the owner is reminded all the same: they find it when back.
	require.NoError(t, b.store.SaveStaff(context.Background(), models.Staff{ID: "alice", Role: "agent", TeamID: &team, Active: true}))
	in := b.dueIn("r25a", 2*time.Hour)
	start := b.env.Now()
	pause := &step{name: workflows.UpdatePause, at: 30 * time.Minute, arg: workflows.PauseInput{
		Actor: alice, Reason: "waiting for the guest's booking reference.",
	}}
	beforeFirst := probe(24*time.Hour + 20*time.Minute)
	afterFirst := probe(24*time.Hour + 40*time.Minute)
	afterSecond := probe(48*time.Hour + 40*time.Minute)
	resume := &step{name: workflows.UpdateResume, at: 50 * time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "the guest rang back"}}
	complete := &step{name: workflows.UpdateComplete, at: 50*time.Hour + 10*time.Minute, arg: workflows.CompleteInput{Actor: alice, Outcome: "booked"}}
	b.run(t, in, pause, beforeFirst, afterFirst, afterSecond, resume, complete)

	require.NoError(t, pause.err)
	pausedAt := start.Add(30 * time.Minute).UTC().Truncate(time.Microsecond)
	first := pausedAt.Add(24 * time.Hour)
	require.Nil(t, pause.state.ResumeAt)
	require.NotNil(t, pause.state.PauseRemindAt)
	require.True(t, pause.state.PauseRemindAt.Equal(first), "first reminder %s, a day after the pause", pause.state.PauseRemindAt)
	require.True(t, beforeFirst.state.PauseRemindAt.Equal(first), "none before a day")
	require.True(t, afterFirst.state.Paused, "a reminder does not resume it")
	require.True(t, afterFirst.state.PauseRemindAt.Equal(first.Add(24*time.Hour)), "the next a day on: %s", afterFirst.state.PauseRemindAt)
	require.True(t, afterFirst.state.DueAt.Equal(in.DueAt.UTC().Truncate(time.Microsecond)), "the due time waits with the pause")
	require.True(t, afterSecond.state.PauseRemindAt.Equal(first.Add(48*time.Hour)), "and the third a day after the second: %s", afterSecond.state.PauseRemindAt)
	require.Equal(t, pause.state.Changed, afterSecond.state.Changed, "a reminder is no change a form open since the pause is refused for (If-Match)")
	require.NoError(t, resume.err)
	require.Nil(t, resume.state.PauseRemindAt)
	require.NoError(t, complete.err)

	types := b.eventTypes(t, "r25a")
	require.Equal(t, 2, count(types, workflows.EventPauseReminder), "one a day while paused, none after the resume: %v", types)
	events, err := b.store.ListEvents(context.Background(), "r25a")
	require.NoError(t, err)
	var reminder map[string]any
	for _, e := range events {
		if e.Type == workflows.EventPauseReminder {
			require.Equal(t, workflows.SystemActor, e.ActorID)
			require.Equal(t, workflows.CauseTimer, e.Cause)
			reminder = eventData(t, e)
			break
		}
	}
	require.Equal(t, "alice", reminder["owner_id"])
	require.Equal(t, pausedAt.Format(time.RFC3339Nano), reminder["paused_since"])
	require.Equal(t, "waiting for the guest's booking reference.", reminder["reason"])
	require.Equal(t, first.Format(time.RFC3339Nano), eventData(t, events[1])["remind_at"], "the pause records its first reminder")
	require.Equal(t, first.Add(24*time.Hour).Format(time.RFC3339Nano), reminder["next_at"])

	notes, err := b.store.ListNotifications(context.Background(), "alice", 100)
	require.NoError(t, err)
	var told []string
	for _, n := range notes {
		if n.Kind == workflows.NotifyPauseReminder {
			told = append(told, n.Message)
		}
	}
	carolNotes, err := b.store.ListNotifications(context.Background(), "carol", 100)
	require.NoError(t, err)
	for _, n := range carolNotes {
		require.NotEqual(t, workflows.NotifyPauseReminder, n.Kind, "the owner is there to resume it: %s", n.Message)
	}
	require.ElementsMatch(t, []string{
		"“Late checkout” has been paused for 1 day: waiting for the guest's booking reference. Resume it once the customer answers.",
		"“Late checkout” has been paused for 2 days: waiting for the guest's booking reference. Resume it once the customer answers.",
	}, told)
}

// A pause given an end reminds nobody: its end brings the action back. An action started before
// revision 25 is paused as it was, without reminders.
func TestRevision25NoReminderWithAnEndOrBefore(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	// Alice's own, never handed over: no follow-up reminder to come.
	owned := func(revision int) workflows.State {
		in := startInput("r25b")
		in.Revision, in.DueAt = revision, now.Add(2*time.Hour)
		s, _ := workflows.NewState(in, now)
		return s
	}
	s := owned(25)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting", ResumeIn: 72 * time.Hour}, now)
	require.Nil(t, s.PauseRemindAt)
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlineResume, kind, "its end, and nothing before it")
	require.True(t, at.Equal(now.Add(72*time.Hour)))

	old := owned(24)
	workflows.ApplyPause(&old, workflows.PauseInput{Actor: alice, Reason: "waiting"}, now)
	require.Nil(t, old.PauseRemindAt)
	at, _ = old.NextDeadline()
	require.True(t, at.IsZero(), "revision 24: a pause without an end waits for someone")

	ended := acceptedByBob(25, now)
	workflows.ApplyPause(&ended, workflows.PauseInput{Actor: bob, Reason: "waiting"}, now)
	require.NotNil(t, ended.PauseRemindAt)
	workflows.ApplyCancel(&ended, workflows.CancelInput{Actor: carol, Reason: "guest left"}, now.Add(time.Hour))
	require.Nil(t, ended.PauseRemindAt, "cancelled, nothing to remind of")
	at, _ = ended.NextDeadline()
	require.True(t, at.IsZero())
}

// On a team's calendar a reminder that would fall while the desk is closed comes at its next
// opening: paused on a Friday afternoon, the owner hears of it on Monday morning, then on Tuesday
// morning (or, as a category's policy says, every 4 hours: Monday at 08:00, then 12:00). An
// action nobody owns reminds the team's supervisors.
func TestRevision25ReminderInOpeningHoursAndToSupervisors(t *testing.T) {
	t.Parallel()
	friday := londonTime(t, 2026, 12, 4, 16, 0)
	in := startInput("r25c")
	in.Revision, in.DueAt, in.DueIn, in.Calendar = 25, friday.Add(time.Hour), time.Hour, officeHours()
	s, _ := workflows.NewState(in, friday)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, friday)
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlinePauseReminder, kind)
	monday := londonTime(t, 2026, 12, 7, 8, 0)
	require.True(t, at.Equal(monday), "Saturday 16:00 is closed: Monday's opening, not %s", at)
	s.TakeOutbox()
	s.Fire(kind, at)
	notes := s.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, workflows.NotifyPauseReminder, notes[0].Kind)
	require.Equal(t, []string{"alice"}, notes[0].To)
	require.Equal(t, "“Late checkout” has been paused for 2 days 16 h: waiting on the guest. Resume it once the customer answers.", notes[0].Message)
	require.True(t, s.PauseRemindAt.Equal(londonTime(t, 2026, 12, 8, 8, 0)), "a day after the last reminder, open then: %s", s.PauseRemindAt)

	// A category's policy sets its own interval: every 4 hours, in opening hours.
	often := startInput("r25e")
	often.Revision, often.DueAt, often.DueIn, often.Calendar = 25, friday.Add(time.Hour), time.Hour, officeHours()
	often.Policy.PauseRemindEvery = 4 * time.Hour
	o, _ := workflows.NewState(often, friday)
	workflows.ApplyPause(&o, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, friday)
	require.True(t, o.PauseRemindAt.Equal(monday), "Friday 20:00 is closed: Monday's opening, not %s", o.PauseRemindAt)
	o.Fire(workflows.DeadlinePauseReminder, monday)
	require.True(t, o.PauseRemindAt.Equal(londonTime(t, 2026, 12, 7, 12, 0)), "then 4 hours on: %s", o.PauseRemindAt)

	unowned := startInput("r25d")
	unowned.Revision, unowned.OwnerID, unowned.DueAt = 25, "", friday.Add(2*time.Hour)
	u, _ := workflows.NewState(unowned, friday)
	workflows.ApplyPause(&u, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest"}, friday)
	u.TakeOutbox()
	at, kind = u.NextDeadline()
	require.Equal(t, workflows.DeadlinePauseReminder, kind)
	require.True(t, at.Equal(friday.Add(24*time.Hour)), "around the clock: a day on, %s", at)
	u.Fire(kind, at)
	notes = u.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, workflows.RoleSupervisor, notes[0].ToRole)
	require.Empty(t, notes[0].To)
	require.Equal(t, "“Late checkout”, which nobody owns, has been paused for 1 day: waiting on the guest. Resume it once the customer answers, or give it to someone.", notes[0].Message)
}

// A pause without an end that someone else makes tells the owner the reminders are theirs, and a
// paused action reassigned tells its new owner that it is paused, why, and that it is theirs to
// resume. Paused while escalated (by a supervisor: the owner may not), the level it is escalated
// to is reminded with its owner.
func TestRevision25PausedByOthersReassignedEscalated(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s := acceptedByBob(25, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest's flight number."}, now)
	notes := takeOutbox(&s, workflows.NotifyAssigned)
	require.Len(t, notes, 1)
	require.Equal(t, []string{"bob"}, notes[0].To)
	require.Equal(t, "“Late checkout” is paused by carol, waiting on the customer: waiting on the guest's flight number. Resume it once they answer; you are reminded of it once a day meanwhile, first at 2029-06-02T09:00:00Z.", notes[0].Message)

	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "Bob is off sick"}, now.Add(time.Hour))
	var erin, bobTold []string
	for _, n := range takeOutbox(&s, workflows.NotifyAssigned) {
		if slices.Contains(n.To, "erin") {
			erin = append(erin, n.Message)
		}
		if slices.Contains(n.To, "bob") {
			bobTold = append(bobTold, n.Message)
		}
	}
	require.Equal(t, []string{"“Late checkout” is now yours (reassigned by carol): Bob is off sick. It is paused, waiting on the customer: waiting on the guest's flight number. Resume it once they answer; you are reminded of it once a day meanwhile."}, erin)
	require.Equal(t, []string{"“Late checkout” was reassigned to erin by carol: Bob is off sick."}, bobTold, "the owner it left hears by whom, in a sentence")
	require.True(t, s.PauseRemindAt.Equal(now.Add(24*time.Hour)), "the reminders go on, now to erin")
	s.TakeOutbox()
	s.Fire(workflows.DeadlinePauseReminder, *s.PauseRemindAt)
	notes = s.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, []string{"erin"}, notes[0].To)

	esc := acceptedByBob(25, now)
	workflows.ApplyEscalate(&esc, workflows.EscalateInput{Actor: carol, Reason: "VIP complaint"}, now)
	workflows.ApplyPause(&esc, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest"}, now)
	esc.TakeOutbox()
	at, kind := esc.NextDeadline()
	require.Equal(t, workflows.DeadlinePauseReminder, kind, "escalated, its climb stands still: only the reminder")
	esc.Fire(kind, at)
	notes = esc.TakeOutbox()
	require.Len(t, notes, 2, "the level and the owner, each told apart: an owner gone has the supervisors told in their place")
	require.Empty(t, notes[0].To)
	require.Equal(t, workflows.RoleManager, notes[0].ToRole, "a supervisor's escalation goes to the managers, who are reminded")
	require.Equal(t, "“Late checkout”, escalated to manager (level 2), has been paused for 1 day: waiting on the guest. Resume it once the customer answers.", notes[0].Message)
	require.Equal(t, []string{"bob"}, notes[1].To)
	require.Empty(t, notes[1].ToRole)
	require.Equal(t, "“Late checkout” has been paused for 1 day: waiting on the guest. Resume it once the customer answers.", notes[1].Message)

	// Nobody owning it, the level alone, told so.
	in := startInput("r25f")
	in.Revision, in.OwnerID, in.DueAt = 25, "", now.Add(2*time.Hour)
	u, _ := workflows.NewState(in, now)
	workflows.ApplyEscalate(&u, workflows.EscalateInput{Actor: carol, Reason: "VIP complaint"}, now)
	workflows.ApplyPause(&u, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest"}, now)
	u.TakeOutbox()
	u.Fire(workflows.DeadlinePauseReminder, *u.PauseRemindAt)
	notes = u.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, "“Late checkout”, which nobody owns, escalated to manager (level 2), has been paused for 1 day: waiting on the guest. Resume it once the customer answers.", notes[0].Message)

	// Paused with an end by someone else, and resumed by someone else: the owner hears by whom.
	byOthers := acceptedByBob(25, now)
	workflows.ApplyPause(&byOthers, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest", ResumeIn: 3 * time.Hour}, now)
	require.Equal(t, "“Late checkout” is paused by carol until 2029-06-01T12:00:00Z, waiting on the customer: waiting on the guest.", takeOutbox(&byOthers, workflows.NotifyAssigned)[0].Message)
	workflows.ApplyResume(&byOthers, workflows.ResumeInput{Actor: carol, Reason: "the guest rang"}, now.Add(time.Hour))
	require.Equal(t, "“Late checkout” is running again (resumed by carol), due 2029-06-01T12:00:00Z: the guest rang", takeOutbox(&byOthers, workflows.NotifyAssigned)[0].Message)
	old := acceptedByBob(24, now)
	workflows.ApplyPause(&old, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest", ResumeIn: 3 * time.Hour}, now)
	require.Equal(t, "“Late checkout” is paused until 2029-06-01T12:00:00Z, waiting on the customer: waiting on the guest", takeOutbox(&old, workflows.NotifyAssigned)[0].Message, "revision 24 as it was")

	// Reassigned while paused with an end, or under a policy that reminds more often.
	ended := acceptedByBob(25, now)
	ended.Policy.PauseRemindEvery = 4 * time.Hour
	workflows.ApplyPause(&ended, workflows.PauseInput{Actor: bob, Reason: "waiting on the guest", ResumeIn: 3 * time.Hour}, now)
	workflows.ApplyReassign(&ended, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "Bob is off sick"}, now)
	require.Contains(t, takeOutbox(&ended, workflows.NotifyAssigned)[0].Message, "Resume it once they answer, or it resumes by itself at 2029-06-01T12:00:00Z.")
	often := acceptedByBob(25, now)
	often.Policy.PauseRemindEvery = 4 * time.Hour
	workflows.ApplyPause(&often, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest"}, now)
	require.Contains(t, takeOutbox(&often, workflows.NotifyAssigned)[0].Message, "you are reminded of it every 4 h meanwhile, first at 2029-06-01T13:00:00Z.")
}

// A supervisor who reassigns their own action is not told of it; a reason that ends a sentence of
// its own ("going home?") gets no full stop after it. Revision 24 words a resume by someone else
// as it did, without who.
func TestRevision25ReassignOwnAndSentences(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("r25g")
	in.Revision, in.OwnerID, in.DueAt = 25, "carol", now.Add(2*time.Hour)
	s, _ := workflows.NewState(in, now)
	s.TakeOutbox()
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "going home?"}, now)
	for _, n := range takeOutbox(&s, workflows.NotifyAssigned) {
		require.NotContains(t, n.To, "carol", "she reassigned it herself: %s", n.Message)
	}
	other := acceptedByBob(25, now)
	workflows.ApplyReassign(&other, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "Bob going home?"}, now)
	var told []string
	for _, n := range takeOutbox(&other, workflows.NotifyAssigned) {
		if slices.Contains(n.To, "bob") {
			told = append(told, n.Message)
		}
	}
	require.Equal(t, []string{"“Late checkout” was reassigned to erin by carol: Bob going home?"}, told)

	old := acceptedByBob(24, now)
	workflows.ApplyPause(&old, workflows.PauseInput{Actor: bob, Reason: "waiting on the guest"}, now)
	old.TakeOutbox()
	workflows.ApplyResume(&old, workflows.ResumeInput{Actor: carol, Reason: "the guest rang"}, now.Add(time.Hour))
	require.Equal(t, "“Late checkout” is running again, due 2029-06-01T12:00:00Z: the guest rang", takeOutbox(&old, workflows.NotifyAssigned)[0].Message, "revision 24 as it was")
}
