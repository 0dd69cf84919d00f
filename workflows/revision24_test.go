package workflows_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// From revision 24 a pause given an end resumes by itself then, as a resume by hand would: the
// clocks move on by the time paused, the timeline says the system resumed it and why, and the
// owner is told; the action then falls due as any other.
func TestRevision24PauseEndsAtTheTimeGiven(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("r24a", 2*time.Hour)
	start := b.env.Now()
	pause := &step{name: workflows.UpdatePause, at: 30 * time.Minute, arg: workflows.PauseInput{
		Actor: alice, Reason: "waiting for the guest's booking reference", ResumeIn: 3 * time.Hour,
	}}
	before := probe(3*time.Hour + 20*time.Minute)
	after := probe(3*time.Hour + 40*time.Minute)
	due := probe(5*time.Hour + time.Minute)
	complete := &step{name: workflows.UpdateCheck, at: 5*time.Hour + 10*time.Minute, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckDone, Notes: "guest confirmed"}}
	b.run(t, in, pause, before, after, due, complete)

	require.NoError(t, pause.err)
	resumeAt := start.Add(3*time.Hour + 30*time.Minute).UTC().Truncate(time.Microsecond)
	require.NotNil(t, pause.state.ResumeAt)
	require.True(t, pause.state.ResumeAt.Equal(resumeAt), "resumes at %s, not %s (paused %s)", pause.state.ResumeAt, resumeAt, pause.state.PausedAt)
	require.True(t, before.state.Paused, "still paused before its end")
	require.False(t, after.state.Paused, "resumed by itself at its end")
	require.Nil(t, after.state.ResumeAt)
	require.True(t, after.state.DueAt.Equal(in.DueAt.Add(3*time.Hour).UTC().Truncate(time.Microsecond)), "the 90 minutes left run from the resume: due %s", after.state.DueAt)
	require.Equal(t, workflows.StatusChecking, due.state.Status, "and it falls due then")
	require.NoError(t, complete.err)

	events, err := b.store.ListEvents(context.Background(), "r24a")
	require.NoError(t, err)
	require.Equal(t, []string{
		workflows.EventCreated, workflows.EventPaused, workflows.EventResumed, workflows.EventDue,
		workflows.EventChecked, workflows.EventCompleted,
	}, b.eventTypes(t, "r24a"))
	paused, resumed := eventData(t, events[1]), eventData(t, events[2])
	require.Equal(t, resumeAt.Format(time.RFC3339Nano), paused["resume_at"], "the pause records its end")
	require.Equal(t, workflows.SystemActor, events[2].ActorID)
	require.Equal(t, workflows.CauseTimer, events[2].Cause)
	require.Equal(t, "its pause ran out at the time set (paused: waiting for the guest's booking reference)", resumed["reason"])
	require.Equal(t, "3h0m0s", resumed["paused_for"])

	notes, err := b.store.ListNotifications(context.Background(), "alice", 100)
	require.NoError(t, err)
	var told []string
	for _, n := range notes {
		if n.Kind == workflows.NotifyAssigned {
			told = append(told, n.Message)
		}
	}
	require.Equal(t, []string{`“Late checkout” is running again, due ` + in.DueAt.Add(3*time.Hour).UTC().Truncate(time.Microsecond).Format(time.RFC3339) +
		`: its pause ran out at the time set (paused: waiting for the guest's booking reference)`}, told, "the owner, who paused it, is told it runs again")
}

// A pause's end given as a time is kept; a resume by hand before it ends the pause there, and
// nothing resumes it again at the time it was given; a second pause without an end waits.
func TestRevision24ResumeByHandBeforeTheEnd(t *testing.T) {
	b := setup(t)
	in := b.dueIn("r24b", 2*time.Hour)
	end := b.env.Now().Add(4 * time.Hour).UTC().Truncate(time.Microsecond)
	pause := &step{name: workflows.UpdatePause, at: 10 * time.Minute, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the guest", ResumeAt: &end}}
	resume := &step{name: workflows.UpdateResume, at: time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "the guest rang back"}}
	again := &step{name: workflows.UpdatePause, at: time.Hour + time.Minute, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the guest again"}}
	later := probe(10 * time.Hour)
	cancel := &step{name: workflows.UpdateCancel, at: 11 * time.Hour, arg: workflows.CancelInput{Actor: carol, Reason: "guest left"}}
	b.run(t, in, pause, resume, again, later, cancel)

	require.NoError(t, pause.err)
	require.True(t, pause.state.ResumeAt.Equal(end))
	require.NoError(t, resume.err)
	require.Nil(t, resume.state.ResumeAt)
	require.NoError(t, again.err)
	require.Nil(t, again.state.ResumeAt, "a pause without an end has none")
	require.True(t, later.state.Paused, "past the first pause's end, the second pause waits")
	require.Equal(t, 1, count(b.eventTypes(t, "r24b"), workflows.EventResumed))
	require.NoError(t, cancel.err)
	require.Nil(t, cancel.state.ResumeAt)
}

// An action started before revision 24 refuses a pause given an end, naming the field, and
// changes nothing; paused without one, it waits as it did.
func TestRevision23RefusesAPauseWithAnEnd(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	at := now.Add(time.Hour)
	for _, in := range []workflows.PauseInput{
		{Actor: alice, Reason: "waiting", ResumeIn: time.Hour},
		{Actor: alice, Reason: "waiting", ResumeAt: &at},
	} {
		s := acceptedByBob(23, now)
		in.Actor = bob
		err := workflows.CheckPause(&s, in)
		field := "resume_in"
		if in.ResumeAt != nil {
			field = "resume_at"
		}
		var refusal *temporal.ApplicationError
		require.ErrorAs(t, err, &refusal)
		require.Equal(t, workflows.ErrInvalid, refusal.Type())
		var named []workflows.FieldRefusal
		require.NoError(t, refusal.Details(&named))
		require.Equal(t, []workflows.FieldRefusal{{Field: field, Message: "this action was started before a pause could end by itself: pause it without one, and resume it when the customer answers"}}, named)
	}
	s := acceptedByBob(23, now)
	require.NoError(t, workflows.CheckPause(&s, workflows.PauseInput{Actor: bob, Reason: "waiting"}))
	// One asked anyway, by an API of revision 24 and taken by a worker of the release before
	// (whose validator knew no end), replays as that worker recorded it: without an end.
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: bob, Reason: "waiting", ResumeIn: time.Hour}, now)
	require.Nil(t, s.ResumeAt)
	_, kind := s.NextDeadline()
	require.NotEqual(t, workflows.DeadlineResume, kind, "no end: the pause waits")
}

// Completing or cancelling ends a pause with its end: nothing resumes the ended action. An action
// nobody owns that resumes by itself tells the team's supervisors, as nobody else would hear.
func TestRevision24EndedPauseAndNobodyToTell(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s := acceptedByBob(24, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: bob, Reason: "waiting", ResumeIn: time.Hour}, now)
	require.NotNil(t, s.ResumeAt)
	workflows.ApplyComplete(&s, workflows.CompleteInput{Actor: bob, Outcome: "the guest came by"}, now.Add(time.Minute))
	require.Nil(t, s.ResumeAt)
	at, _ := s.NextDeadline()
	require.True(t, at.IsZero(), "nothing fires once it is completed")

	in := startInput("r24-unowned")
	in.OwnerID, in.DueAt = "", now.Add(2*time.Hour)
	s, _ = workflows.NewState(in, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: carol, Reason: "waiting on the guest", ResumeIn: time.Hour}, now)
	s.TakeOutbox()
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlineResume, kind)
	s.Fire(kind, at)
	notes := s.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, workflows.NotifyAssigned, notes[0].Kind)
	require.Equal(t, workflows.RoleSupervisor, notes[0].ToRole)
	require.Empty(t, notes[0].To)
	require.Equal(t, "“Late checkout”, which nobody owns, is running again, due 2029-06-01T12:00:00Z: its pause ran out at the time set (paused: waiting on the guest)", notes[0].Message)
}

func eventData(t *testing.T, e models.ActionEvent) map[string]any {
	t.Helper()
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(e.Data), &data))
	return data
}

// A pause's end that fires late (no worker ran meanwhile) ends the pause at its end all the same:
// the clocks run again from there, not from the late resume, and the pause took only its own
// time. An action resumed past its due time says so, not "due" a time gone.
func TestRevision24LateEndResumesFromTheEnd(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s := acceptedByBob(24, now) // due at 11:00
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: bob, Reason: "waiting on the guest", ResumeIn: 15 * time.Minute}, now)
	at, kind := s.NextDeadline()
	require.Equal(t, workflows.DeadlineResume, kind)
	events := s.Fire(kind, at.Add(30*time.Minute))
	require.Len(t, events, 1)
	require.True(t, events[0].At.Equal(at.Add(30*time.Minute)), "recorded when it happened")
	require.Equal(t, "15m0s", events[0].Data["paused_for"])
	require.ErrorContains(t, workflows.CheckResume(&s, workflows.ResumeInput{Actor: bob, Reason: "the guest rang"}),
		"the action is not paused: it resumed by itself when its pause ran out", "a resume by hand just after says why")
	require.True(t, s.DueAt.Equal(now.Add(2*time.Hour+15*time.Minute)), "due %s: moved by the pause alone", s.DueAt)

	// Resumed by hand after its end, before the late timer: the same.
	byHand := acceptedByBob(24, now)
	workflows.ApplyPause(&byHand, workflows.PauseInput{Actor: bob, Reason: "waiting on the guest", ResumeIn: 15 * time.Minute}, now)
	resumed := workflows.ApplyResume(&byHand, workflows.ResumeInput{Actor: bob, Reason: "the guest rang"}, now.Add(45*time.Minute))
	require.Equal(t, "15m0s", resumed[0].Data["paused_for"])
	require.True(t, byHand.DueAt.Equal(now.Add(2*time.Hour+15*time.Minute)), "due %s", byHand.DueAt)

	checking := acceptedByBob(24, now)
	checking.Fire(workflows.DeadlineDue, now.Add(2*time.Hour))
	checking.TakeOutbox()
	workflows.ApplyPause(&checking, workflows.PauseInput{Actor: bob, Reason: "waiting on the guest", ResumeIn: 10 * time.Minute}, now.Add(2*time.Hour+time.Minute))
	at, kind = checking.NextDeadline()
	require.Equal(t, workflows.DeadlineResume, kind)
	checking.Fire(kind, at)
	notes := takeOutbox(&checking, workflows.NotifyAssigned)
	require.Len(t, notes, 1)
	require.Equal(t, "“Late checkout” is running again, its due time 2029-06-01T11:00:00Z passed: its pause ran out at the time set (paused: waiting on the guest)", notes[0].Message)
}
