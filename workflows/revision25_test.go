package workflows_test

import (
	"context"
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
	require.Equal(t, "24h0m0s", reminder["paused_for"])
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
		"“Late checkout” has been paused for 1 day, waiting on the customer: waiting for the guest's booking reference. Resume it once they answer.",
		"“Late checkout” has been paused for 2 days, waiting on the customer: waiting for the guest's booking reference. Resume it once they answer.",
	}, told)
}

// A pause given an end reminds nobody: its end brings the action back. An action started before
// revision 25 is paused as it was, without reminders.
func TestRevision25NoReminderWithAnEndOrBefore(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s := acceptedByBob(25, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: bob, Reason: "waiting", ResumeIn: 72 * time.Hour}, now)
	require.Nil(t, s.PauseRemindAt)
	require.NotNil(t, s.ResumeAt)
	_, kind := s.NextDeadline()
	require.NotEqual(t, workflows.DeadlinePauseReminder, kind)

	old := acceptedByBob(24, now)
	workflows.ApplyPause(&old, workflows.PauseInput{Actor: bob, Reason: "waiting"}, now)
	require.Nil(t, old.PauseRemindAt)
	_, kind = old.NextDeadline()
	require.NotEqual(t, workflows.DeadlinePauseReminder, kind, "revision 24: a pause without an end waits for someone")

	ended := acceptedByBob(25, now)
	workflows.ApplyPause(&ended, workflows.PauseInput{Actor: bob, Reason: "waiting"}, now)
	require.NotNil(t, ended.PauseRemindAt)
	workflows.ApplyCancel(&ended, workflows.CancelInput{Actor: carol, Reason: "guest left"}, now.Add(time.Hour))
	require.Nil(t, ended.PauseRemindAt, "cancelled, nothing to remind of")
	at, _ := ended.NextDeadline()
	require.True(t, at.IsZero())
}

// On a team's calendar a reminder that would fall while the desk is closed comes at its next
// opening: paused on a Friday afternoon, the owner hears of it on Monday morning, then on Tuesday
// morning. An action nobody owns reminds the team's supervisors.
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
	require.Equal(t, "“Late checkout” has been paused for 2 days 16 h, waiting on the customer: waiting on the guest. Resume it once they answer.", notes[0].Message)
	require.True(t, s.PauseRemindAt.Equal(londonTime(t, 2026, 12, 8, 8, 0)), "a day after the last reminder, open then: %s", s.PauseRemindAt)

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
	require.Equal(t, "“Late checkout”, which nobody owns, has been paused for 1 day, waiting on the customer: waiting on the guest. Resume it once they answer, or give it to someone.", notes[0].Message)
}
