package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// checking is an action alice handed to bob, who accepted it, at its due time: checking, with
// four hours for the check and a reminder every hour.
func checking(t *testing.T, revision int, handed bool) workflows.State {
	t.Helper()
	in := startInput("r16")
	in.Revision = revision
	in.Policy = workflows.Policy{CheckWithin: 4 * time.Hour, FollowUpEvery: time.Hour, Clock: workflows.Clock247}
	s, _ := workflows.NewState(in, in.DueAt.Add(-3*time.Hour))
	if handed {
		workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), in.DueAt.Add(-2*time.Hour))
		workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "late checkout at 2pm"}, in.DueAt.Add(-2*time.Hour))
		// The follow-up reminders before the due time are not what this test is about.
		s.FollowUp = nil
	}
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlineDue, kind)
	s.Fire(kind, at)
	require.Equal(t, workflows.StatusChecking, s.Status)
	s.TakeOutbox()
	return s
}

// From revision 16 the person who handed the action over is reminded, every follow_up_every,
// that it waits for their check, until the check is made or check_within passes and it escalates;
// revision 15 asks them once, at the due time.
func TestRevision16RemindsTheHanderUntilTheCheck(t *testing.T) {
	t.Parallel()
	s := checking(t, 16, true)
	due := s.DueAt
	for i := 1; i <= 3; i++ {
		at, kind := s.NextDeadline()
		require.Equal(t, workflows.DeadlineCheckReminder, kind, "reminder %d", i)
		require.Equal(t, due.Add(time.Duration(i)*time.Hour), at, "reminder %d", i)
		events := s.Fire(kind, at)
		require.Len(t, events, 1)
		require.Equal(t, workflows.EventFollowUpReminder, events[0].Type)
		require.Equal(t, "alice", events[0].Data["hander_id"])
		require.Equal(t, "bob", events[0].Data["owner_id"])
		require.Equal(t, workflows.StatusChecking, s.Status)
		told := s.TakeOutbox()
		require.Len(t, told, 1)
		require.Equal(t, workflows.NotifyCheckAsked, told[0].Kind, "asked again, as at the due time: the supervisors in the place of a hander gone")
		require.Equal(t, []string{"alice"}, told[0].To)
		require.Contains(t, told[0].Message, "still waits for your check")
	}
	// Four hours after the due time the check deadline and the fourth reminder fall together:
	// the action escalates, and nobody is reminded of a check that can no longer be made.
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlineCheck, kind)
	require.Equal(t, due.Add(4*time.Hour), at)
	s.Fire(kind, at)
	require.Equal(t, workflows.StatusEscalated, s.Status)
	_, kind = s.NextDeadline()
	require.Equal(t, workflows.DeadlineEscalate, kind)

	old := checking(t, 15, true)
	at, kind = old.NextDeadline()
	require.Equal(t, workflows.DeadlineCheck, kind, "revision 15 asks once")
	require.Equal(t, due.Add(4*time.Hour), at)
}

// The check ends the reminders; an action nobody handed over has nobody to remind (the
// supervisors were asked at the due time).
func TestRevision16CheckEndsTheReminders(t *testing.T) {
	t.Parallel()
	s := checking(t, 16, true)
	at, kind := s.NextDeadline()
	s.Fire(kind, at)
	check := workflows.CheckInput{Actor: alice, Result: workflows.CheckNotDone, Next: workflows.NextExtend, DueIn: 2 * time.Hour, Notes: "guest asked for 3pm"}
	require.NoError(t, workflows.CheckCheck(&s, check))
	workflows.ApplyCheck(&s, check, at.Add(10*time.Minute))
	require.Equal(t, workflows.StatusAssigned, s.Status)
	at, kind = s.NextDeadline()
	require.NotEqual(t, workflows.DeadlineCheckReminder, kind)
	require.Equal(t, workflows.DeadlineFollowUp, kind, "the new due time brings the follow-up reminders back, halfway there")

	alone := checking(t, 16, false)
	at, kind = alone.NextDeadline()
	require.Equal(t, workflows.DeadlineCheck, kind)
	require.Equal(t, alone.DueAt.Add(4*time.Hour), at)
	// A reminder nobody is left to receive (one kept in a state from elsewhere) tells nobody.
	soon := alone.DueAt.Add(time.Hour)
	alone.CheckRemindAt = &soon
	at, kind = alone.NextDeadline()
	require.Equal(t, workflows.DeadlineCheckReminder, kind)
	require.Empty(t, alone.Fire(kind, at))
	require.Empty(t, alone.TakeOutbox())
	_, kind = alone.NextDeadline()
	require.Equal(t, workflows.DeadlineCheck, kind)
}

// A pause stops the reminders with the check's clock; the resume moves them on by the pause.
func TestRevision16PauseHoldsTheReminders(t *testing.T) {
	t.Parallel()
	s := checking(t, 16, true)
	due := s.DueAt
	pause := workflows.PauseInput{Actor: bob, Reason: "guest calls back at noon"}
	require.NoError(t, workflows.CheckPause(&s, pause))
	workflows.ApplyPause(&s, pause, due.Add(30*time.Minute))
	at, kind := s.NextDeadline()
	require.Empty(t, kind, "nothing runs while paused")
	require.True(t, at.IsZero())
	resume := workflows.ResumeInput{Actor: bob, Reason: "guest called"}
	require.NoError(t, workflows.CheckResume(&s, resume))
	workflows.ApplyResume(&s, resume, due.Add(2*time.Hour))
	at, kind = s.NextDeadline()
	require.Equal(t, workflows.DeadlineCheckReminder, kind)
	require.Equal(t, due.Add(2*time.Hour+30*time.Minute), at, "an hour after the due time, plus the 90 minutes' pause")
}
