package workflows_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/workflows"
)

// officeHours is Mon-Fri 08:00-18:00 in London, with the zone's rules captured as the API
// captures them when an action starts.
func officeHours() *calendar.Calendar {
	c := calendar.Calendar{TimeZone: "Europe/London", Holidays: []string{"2026-12-25"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		c.Hours = append(c.Hours, calendar.Hours{Day: d, Open: "08:00", Close: "18:00"})
	}
	snap, err := c.Snapshot(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 366*24*time.Hour)
	if err != nil {
		panic(err)
	}
	return &snap
}

func londonTime(t *testing.T, y int, m time.Month, d, h, min int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	require.NoError(t, err)
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// businessStart is an action on the office-hours calendar, due dueIn of business time after a
// start at the given time.
func (b *testBundle) businessStart(id string, start time.Time, dueIn time.Duration) workflows.StartInput {
	b.env.SetStartTime(start)
	in := startInput(id)
	in.DueAt = start.Add(dueIn)
	in.DueIn = dueIn
	in.Calendar = officeHours()
	return in
}

// The "done when": an action created on Friday evening, due in 2h on a Mon-Fri 08:00-18:00
// calendar, falls due on Monday at 10:00 London time; the timer fires then and not before, and the
// check that follows counts business time too, so nothing escalates during the night.
func TestFridayEveningDueInTwoHoursFallsDueMondayAtTen(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	friday := londonTime(t, 2026, 11, 20, 19, 30)
	monday10 := londonTime(t, 2026, 11, 23, 10, 0)
	sinceStart := func(at time.Time) time.Duration { return at.Sub(friday) }

	create := probe(time.Minute)
	saturday := probe(sinceStart(londonTime(t, 2026, 11, 21, 12, 0)))
	justBefore := probe(sinceStart(monday10) - time.Minute)
	justAfter := probe(sinceStart(monday10) + time.Minute)
	// Due at 10:00 with check_within 9h: the check runs out at 09:00 on Tuesday, after 8 hours on
	// Monday and one on Tuesday morning, not at 19:00 on Monday evening.
	night := probe(sinceStart(londonTime(t, 2026, 11, 23, 23, 0)))
	escalated := probe(sinceStart(londonTime(t, 2026, 11, 24, 9, 1)))
	complete := &step{name: workflows.UpdateComplete, at: sinceStart(londonTime(t, 2026, 11, 24, 9, 30)), arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	in := b.businessStart("b1", friday, 2*time.Hour)
	in.Policy.CheckWithin = 9 * time.Hour
	b.run(t, in, create, saturday, justBefore, justAfter, night, escalated, complete)

	require.True(t, create.state.DueAt.Equal(monday10), "due %s", create.state.DueAt)
	require.Equal(t, workflows.StatusAssigned, saturday.state.Status)
	require.Equal(t, workflows.StatusAssigned, justBefore.state.Status)
	require.Equal(t, workflows.StatusChecking, justAfter.state.Status)
	require.True(t, justAfter.state.CheckBy.Equal(londonTime(t, 2026, 11, 24, 9, 0)), "check by %s", justAfter.state.CheckBy)
	require.Equal(t, workflows.StatusChecking, night.state.Status, "nobody is escalated at night")
	require.Equal(t, workflows.StatusEscalated, escalated.state.Status)
	require.Equal(t, 1, escalated.state.EscalationLevel)
	require.True(t, escalated.state.EscalateBy.Equal(londonTime(t, 2026, 11, 24, 10, 0)))
	require.NoError(t, complete.err)

	// Every escalation happened while the desk was open.
	events, err := b.store.ListEvents(t.Context(), "b1")
	require.NoError(t, err)
	k, err := officeHours().Compile()
	require.NoError(t, err)
	var escalations int
	for _, e := range events {
		if e.Type == workflows.EventEscalated || e.Type == workflows.EventDue {
			escalations++
			require.True(t, k.IsOpen(e.At) || k.IsOpen(e.At.Add(-time.Nanosecond)), "%s at %s is outside opening hours", e.Type, e.At)
		}
	}
	require.Equal(t, 2, escalations)
}

// A 24/7 policy on a team with a calendar counts around the clock.
func TestTwentyFourSevenPolicyIgnoresTheCalendar(t *testing.T) {
	b := setup(t)
	friday := londonTime(t, 2026, 11, 20, 19, 30)
	in := b.businessStart("b2", friday, 2*time.Hour)
	in.Policy.Clock = workflows.Clock247
	create := probe(time.Minute)
	due := probe(2*time.Hour + time.Minute)
	complete := &step{name: workflows.UpdateComplete, at: 3 * time.Hour, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b.run(t, in, create, due, complete)
	require.True(t, create.state.DueAt.Equal(friday.Add(2*time.Hour)))
	require.Equal(t, workflows.StatusChecking, due.state.Status)
	require.True(t, due.state.CheckBy.Equal(friday.Add(3*time.Hour)), "check within counts around the clock")
}

// A pause across the due time stops it: nothing falls due or escalates while paused, however long;
// resume restarts the clock with the time that was left, and the timeline shows both.
func TestPauseAcrossTheDueTime(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	in := b.dueIn("p1", 2*time.Hour)
	pause := &step{name: workflows.UpdatePause, at: time.Hour, arg: workflows.PauseInput{Actor: alice, Reason: "waiting for the guest's flight time"}}
	again := &step{name: workflows.UpdatePause, at: time.Hour + time.Minute, arg: workflows.PauseInput{Actor: alice, Reason: "again"}}
	wrongPerson := &step{name: workflows.UpdateResume, at: time.Hour + 3*time.Minute, arg: workflows.ResumeInput{Actor: bob, Reason: "x"}}
	noReason := &step{name: workflows.UpdateResume, at: time.Hour + 4*time.Minute, arg: workflows.ResumeInput{Actor: alice, Reason: " "}}
	longAfter := probe(30 * time.Hour)
	resume := &step{name: workflows.UpdateResume, at: 48 * time.Hour, arg: workflows.ResumeInput{Actor: carol, Reason: "the guest answered"}}
	resumeAgain := &step{name: workflows.UpdateResume, at: 48*time.Hour + time.Minute, arg: workflows.ResumeInput{Actor: alice, Reason: "again"}}
	beforeDue := probe(49*time.Hour - time.Minute)
	afterDue := probe(49*time.Hour + time.Minute)
	complete := &step{name: workflows.UpdateCheck, at: 49*time.Hour + 10*time.Minute, arg: workflows.CheckInput{Actor: alice, Result: workflows.CheckDone, Notes: "guest confirmed"}}
	b.run(t, in, pause, again, wrongPerson, noReason, longAfter, resume, resumeAgain, beforeDue, afterDue, complete)

	require.NoError(t, pause.err)
	require.True(t, pause.state.Paused)
	requireRefused(t, again, workflows.ErrConflict)
	requireRefused(t, wrongPerson, workflows.ErrForbidden)
	requireRefused(t, noReason, workflows.ErrInvalid)
	require.Equal(t, workflows.StatusAssigned, longAfter.state.Status, "a paused action never falls due")
	require.True(t, longAfter.state.Paused)
	require.Zero(t, longAfter.state.EscalationLevel)

	require.NoError(t, resume.err)
	require.False(t, resume.state.Paused)
	require.True(t, resume.state.DueAt.Equal(in.DueAt.Add(47*time.Hour).UTC().Truncate(time.Microsecond)), "an hour was left: due %s", resume.state.DueAt)
	requireRefused(t, resumeAgain, workflows.ErrConflict)
	require.Equal(t, workflows.StatusAssigned, beforeDue.state.Status)
	require.Equal(t, workflows.StatusChecking, afterDue.state.Status)
	require.NoError(t, complete.err)

	require.Equal(t, []string{
		workflows.EventCreated, workflows.EventPaused, workflows.EventPauseReminder, workflows.EventResumed, workflows.EventDue,
		workflows.EventChecked, workflows.EventCompleted,
	}, b.eventTypes(t, "p1"), "paused 47 hours without an end: its owner reminded once, a day on")
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyAssigned, "the owner hears the supervisor resumed it")
}

// Every clock that leads to an escalation stops while paused: an escalated action does not climb,
// a pending handover does not lapse, an unassigned one does not escalate; follow-up reminders go on,
// and a supervisor or manager can still escalate by hand (the next level waits for the resume).
func TestPausedActionNeverEscalates(t *testing.T) {
	t.Run("escalated", func(t *testing.T) {
		b := setup(t)
		b.seedSupervisors(t)
		escalate := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: carol, Reason: "customer angry"}}
		pause := &step{name: workflows.UpdatePause, at: 30 * time.Minute, arg: workflows.PauseInput{Actor: carol, Reason: "waiting on the customer"}}
		later := probe(20 * time.Hour)
		cancel := &step{name: workflows.UpdateCancel, at: 21 * time.Hour, arg: workflows.CancelInput{Actor: carol, Reason: "customer withdrew"}}
		in := b.dueIn("p2", 100*time.Hour)
		in.Revision = 7 // a supervisor's escalation at level 1, so that there is a level to climb to
		b.run(t, in, escalate, pause, later, cancel)
		require.Equal(t, 1, later.state.EscalationLevel, "the ladder stops while paused")
		require.NoError(t, cancel.err)
		require.False(t, cancel.state.Paused, "an ended action is not paused")
	})
	t.Run("escalated by hand while paused", func(t *testing.T) {
		b := setup(t)
		b.seedSupervisors(t)
		pause := &step{name: workflows.UpdatePause, at: 10 * time.Minute, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}}
		escalate := &step{name: workflows.UpdateEscalate, at: 30 * time.Minute, arg: workflows.EscalateInput{Actor: dave, Reason: "VIP complaint"}}
		later := probe(20 * time.Hour)
		resume := &step{name: workflows.UpdateResume, at: 21 * time.Hour, arg: workflows.ResumeInput{Actor: carol, Reason: "the customer answered"}}
		climbed := probe(23 * time.Hour)
		cancel := &step{name: workflows.UpdateCancel, at: 24 * time.Hour, arg: workflows.CancelInput{Actor: carol, Reason: "done"}}
		in := b.dueIn("p5", 100*time.Hour)
		in.Revision = 7 // a manager's escalation at level 1, so that there is a level to climb to
		b.run(t, in, pause, escalate, later, resume, climbed, cancel)
		require.NoError(t, escalate.err, "a manager's escalation is taken while paused")
		require.Equal(t, 1, escalate.state.EscalationLevel)
		require.True(t, escalate.state.Paused, "and the action stays paused")
		require.Equal(t, 1, later.state.EscalationLevel, "the ladder's next level waits for the resume")
		require.True(t, resume.state.EscalateBy.Equal(resume.state.UpdatedAt.Add(time.Hour)), "with all of escalate_within left: %v", resume.state.EscalateBy)
		require.Equal(t, 2, climbed.state.EscalationLevel, "and climbs once it has run after the resume")
	})
	t.Run("handover pending, follow-ups go on", func(t *testing.T) {
		b := setup(t)
		b.seedSupervisors(t)
		pause := &step{name: workflows.UpdatePause, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}}
		handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
		later := probe(5 * time.Hour)
		accept := &step{name: workflows.UpdateAccept, at: 6 * time.Hour, arg: workflows.AcceptInput{Actor: bob, Summary: "I wait for the guest"}}
		reminded := probe(12 * time.Hour)
		complete := &step{name: workflows.UpdateComplete, at: 13 * time.Hour, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}}
		b.run(t, b.dueIn("p3", 10*time.Hour), pause, handover, later, accept, reminded, complete)
		require.NoError(t, handover.err, "a paused action can still be handed over")
		require.Equal(t, workflows.StatusHandoverPending, later.state.Status, "the handover does not lapse while paused")
		require.Zero(t, later.state.EscalationLevel)
		require.NoError(t, accept.err)
		require.True(t, accept.state.Paused)
		require.Equal(t, workflows.StatusAssigned, reminded.state.Status)
		require.Contains(t, b.eventTypes(t, "p3"), workflows.EventFollowUpReminder, "follow-up reminders go on while paused")
		require.NotContains(t, b.eventTypes(t, "p3"), workflows.EventEscalated)
	})
	t.Run("unassigned", func(t *testing.T) {
		b := setup(t)
		b.seedSupervisors(t)
		in := b.dueIn("p4", 100*time.Hour)
		in.OwnerID = ""
		pause := &step{name: workflows.UpdatePause, at: 10 * time.Minute, arg: workflows.PauseInput{Actor: carol, Reason: "waiting on the customer"}}
		later := probe(10 * time.Hour)
		resume := &step{name: workflows.UpdateResume, at: 11 * time.Hour, arg: workflows.ResumeInput{Actor: carol, Reason: "answered"}}
		escalated := probe(11*time.Hour + 21*time.Minute)
		cancel := &step{name: workflows.UpdateCancel, at: 12 * time.Hour, arg: workflows.CancelInput{Actor: carol, Reason: "done"}}
		b.run(t, in, pause, later, resume, escalated, cancel)
		require.Equal(t, workflows.StatusUnassigned, later.state.Status)
		require.True(t, resume.state.AssignBy.Equal(resume.state.UpdatedAt.Add(20*time.Minute)), "20 of the 30 minutes were left")
		require.Equal(t, workflows.StatusEscalated, escalated.state.Status)
	})
}

// On a calendar, a pause keeps the business time left: paused at Friday 17:00 with 90 minutes to
// go, resumed on Saturday, the action falls due at 09:30 on Monday.
func TestPauseKeepsBusinessTimeLeft(t *testing.T) {
	b := setup(t)
	start := londonTime(t, 2026, 11, 20, 16, 0)
	pause := &step{name: workflows.UpdatePause, at: time.Hour, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}}
	resume := &step{name: workflows.UpdateResume, at: 18 * time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "the customer answered"}}
	complete := &step{name: workflows.UpdateComplete, at: 19 * time.Hour, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b.run(t, b.businessStart("p5", start, 150*time.Minute), pause, resume, complete)
	require.True(t, pause.state.DueAt.Equal(londonTime(t, 2026, 11, 23, 8, 30)))
	left, ok := pause.state.DueLeft()
	require.True(t, ok, "a paused action has its time left to say")
	require.Equal(t, 90*time.Minute, left, "17:00-18:00 on Friday and 08:00-08:30 on Monday")
	_, ok = resume.state.DueLeft()
	require.False(t, ok, "a running action has a due time instead")
	require.NoError(t, resume.err)
	require.True(t, resume.state.DueAt.Equal(londonTime(t, 2026, 11, 23, 9, 30)), "due %s", resume.state.DueAt)
}

// A deadline past the forty years of days the maths walks (a year of business time on a desk open
// Saturday mornings) keeps its time exact at a pause: paused an hour in, the action has the year
// less that hour left.
func TestPauseFarFromALongDeadlineKeepsItsTimeLeft(t *testing.T) {
	b := setup(t)
	start := londonTime(t, 2026, 10, 3, 10, 0) // a Saturday
	snap, err := calendar.Calendar{TimeZone: "Europe/London", Hours: []calendar.Hours{{Day: "sat", Open: "09:00", Close: "13:00"}}}.Snapshot(start, 3*366*24*time.Hour)
	require.NoError(t, err)
	in := b.businessStart("p-long", start, 8760*time.Hour)
	in.Calendar = &snap
	pause := &step{name: workflows.UpdatePause, at: time.Hour, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}}
	complete := &step{name: workflows.UpdateComplete, at: 2 * time.Hour, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b.run(t, in, pause, complete)
	require.True(t, pause.state.DueAt.After(start.AddDate(39, 0, 0)), "past the walk: due %s", pause.state.DueAt)
	left, ok := pause.state.DueLeft()
	require.True(t, ok)
	require.Equal(t, 8759*time.Hour, left)
	require.NoError(t, complete.err)
}

// A category's policy names the note fields a handover must fill; one missing is refused naming it,
// and several missing are refused naming each (in the message and, field by field, in the details).
func TestRequiredNoteFields(t *testing.T) {
	b := setup(t)
	in := b.dueIn("r1", 10*time.Hour)
	in.Policy = workflows.Policy{Version: 3, RequiredFields: []string{"amount", "payment_reference"}}
	in.Category = "refund"
	missing := handoverTo(onShift("bob", 1))
	missing.Notes.Fields = map[string]string{"amount": "12.50"}
	complete := handoverTo(onShift("bob", 1))
	complete.Notes.Fields = map[string]string{"amount": "12.50", "payment_reference": "PAY-991"}
	refused := &step{name: workflows.UpdateHandover, arg: missing}
	bare := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	made := &step{name: workflows.UpdateHandover, arg: complete}
	done := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "refunded"}}
	b.run(t, in, refused, bare, made, done)

	requireRefused(t, bare, workflows.ErrInvalid)
	var both *temporal.ApplicationError
	require.True(t, errors.As(bare.err, &both))
	why := "the refund policy (version 3) requires it in every handover"
	require.Equal(t, "notes.fields.amount: "+why+"; notes.fields.payment_reference: "+why, both.Message())
	var named []workflows.FieldRefusal
	require.NoError(t, both.Details(&named))
	require.Equal(t, []workflows.FieldRefusal{{Field: "notes.fields.amount", Message: why}, {Field: "notes.fields.payment_reference", Message: why}}, named)

	requireRefused(t, refused, workflows.ErrInvalid)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(refused.err, &appErr))
	require.True(t, strings.HasPrefix(appErr.Message(), "notes.fields.payment_reference: "), appErr.Message())
	require.NoError(t, made.err)
	require.Equal(t, "PAY-991", made.state.Handovers[0].Notes.Fields["payment_reference"])
	require.Equal(t, 3, made.state.Policy.Version)
	row, err := b.store.GetAction(t.Context(), "r1")
	require.NoError(t, err)
	require.Equal(t, 3, row.PolicyVersion)
	require.JSONEq(t, `{"amount":"12.50","payment_reference":"PAY-991"}`, row.Handovers[0].NoteFields)
}

// Continue-as-new carries the policy version, the calendar snapshot and the pause.
func TestContinueAsNewCarriesCalendarPolicyAndPause(t *testing.T) {
	b := setup(t)
	friday := londonTime(t, 2026, 11, 20, 19, 30)
	in := b.businessStart("c2", friday, 2*time.Hour)
	in.Policy = workflows.Policy{Version: 7, RequiredFields: []string{"amount"}}
	in.ContinueAsNewAfter = 40
	b.env.RegisterDelayedCallback(func() {
		b.env.UpdateWorkflowNoRejection(workflows.UpdatePause, "", t, workflows.PauseInput{Actor: alice, Reason: "waiting", ResumeIn: 30 * time.Hour})
	}, time.Minute)
	b.env.RegisterDelayedCallback(func() {
		b.env.SetCurrentHistoryLength(in.ContinueAsNewAfter + 1)
		b.env.UpdateWorkflowNoRejection(workflows.UpdateNote, "", t, workflows.NoteInput{Actor: alice, Text: "still waiting"})
	}, 2*time.Minute)
	next := b.continuedAsNew(t, in)
	require.Equal(t, officeHours(), next.Resume.Calendar)
	require.Equal(t, 7, next.Resume.Policy.Version)
	require.Equal(t, []string{"amount"}, next.Resume.Policy.RequiredFields)
	require.True(t, next.Resume.Paused)
	require.NotNil(t, next.Resume.ResumeAt, "and the pause's end")
	require.True(t, next.Resume.ResumeAt.After(next.Resume.UpdatedAt))

	// The next run resumes on the same calendar: 2h of business time left from Monday 08:00.
	b2 := newBundle(t, b.store)
	b2.env.SetStartTime(londonTime(t, 2026, 11, 21, 10, 0))
	resume := &step{name: workflows.UpdateResume, arg: workflows.ResumeInput{Actor: alice, Reason: "answered"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b2.run(t, next, resume, complete)
	require.NoError(t, resume.err)
	require.True(t, resume.state.DueAt.Equal(londonTime(t, 2026, 11, 23, 10, 0)), "due %s", resume.state.DueAt)
}

// Whatever the status and whichever deadlines are set, a paused action's next deadline is a
// follow-up reminder or none: nothing that escalates.
func TestPausedStateHasNoEscalatingDeadline(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	soon := at.Add(time.Minute)
	for _, status := range []workflows.Status{
		workflows.StatusUnassigned, workflows.StatusAssigned, workflows.StatusHandoverPending,
		workflows.StatusChecking, workflows.StatusEscalated,
	} {
		for _, followUp := range []bool{false, true} {
			s := workflows.State{
				Status: status, DueAt: soon, AssignBy: &soon, CheckBy: &soon, EscalateBy: &soon,
				Handovers: []workflows.Handover{{ID: "h1", Status: workflows.HandoverPending, ExpiresAt: &soon}},
				Paused:    true, PausedAt: &at,
			}
			if status == workflows.StatusHandoverPending {
				s.PendingHandoverID = "h1"
			}
			if followUp {
				s.FollowUp = &workflows.FollowUp{HanderID: "alice", At: at.Add(time.Hour), Every: time.Hour}
			}
			next, kind := s.NextDeadline()
			if followUp {
				require.Equal(t, workflows.DeadlineFollowUp, kind, status)
				require.True(t, next.Equal(at.Add(time.Hour)))
			} else {
				require.True(t, next.IsZero(), "%s has deadline %s", status, kind)
			}
			s.Paused = false
			_, kind = s.NextDeadline()
			require.NotEqual(t, workflows.DeadlineFollowUp, kind, "unpaused, %s has an escalating deadline first", status)
		}
	}
}

// A policy may require the notes every handover has a place for (next steps, risks) as well as
// fields of its own: a handover without them is refused naming the note, and none is asked for
// as an extra field.
func TestPolicyRequiresCoreNotes(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("n1")
	in.Policy = workflows.Policy{Version: 2, RequiredFields: []string{"next_steps", "amount"}}
	s, _ := workflows.NewState(in, now)
	h := handoverTo(onShift("bob", 1))
	h.Notes.Fields = map[string]string{"amount": "12.50 EUR"}
	err := workflows.CheckHandover(&s, h, time.Time{})
	require.ErrorContains(t, err, "notes.next_steps: the request policy (version 2) requires it in every handover")
	h.Notes.NextSteps = "Call the guest at 10"
	require.NoError(t, workflows.CheckHandover(&s, h, time.Time{}), "next steps given; amount as a field of the policy's own")
}

// An action bounced between two people is refused its 21st handover (its state, which carries every
// handover's notes, would otherwise outgrow Temporal's payload limit and stop the action), and
// changes nothing; the supervisor's reassignment still moves it on.
func TestHandoversPerActionAreBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("b1"), now)
	for i := range workflows.MaxHandovers {
		h := handoverTo(onShift("bob", 1))
		require.NoError(t, workflows.CheckHandover(&s, h, time.Time{}), "handover %d", i+1)
		workflows.ApplyHandover(&s, h, now)
		d := workflows.DeclineInput{Actor: bob, Reason: "not mine"}
		require.NoError(t, workflows.CheckDecline(&s, d))
		workflows.ApplyDecline(&s, d, now)
	}
	require.Len(t, s.Handovers, workflows.MaxHandovers)
	before := s.Clone()
	err := workflows.CheckHandover(&s, handoverTo(onShift("bob", 1)), time.Time{})
	require.ErrorContains(t, err, "the action has been handed over 20 times: ask a supervisor to reassign it")
	require.Equal(t, before, s)
	r := workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "bob takes it for good"}
	require.NoError(t, workflows.CheckReassign(&s, r))
}

// While paused the due time waits: what is left of it is what the action has when resumed; a due
// time given as a time while paused stays where it was given, so nothing is counted for it, and a
// due time already passed at the pause has nothing left.
func TestDueLeftWhilePaused(t *testing.T) {
	paused := time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)
	s := workflows.State{Paused: true, PausedAt: &paused, DueAt: paused.Add(2 * time.Minute)}
	left, ok := s.DueLeft()
	require.True(t, ok)
	require.Equal(t, 2*time.Minute, left, "around the clock: the plain time to the due time")
	s.DueAt = paused.Add(2*time.Minute + 400*time.Millisecond)
	left, _ = s.DueLeft()
	require.Equal(t, 2*time.Minute, left, "in whole seconds, as the read model keeps it")
	s.DueAt = paused.Add(-time.Minute)
	left, ok = s.DueLeft()
	require.True(t, ok)
	require.Zero(t, left, "due before the pause")
	s.DueFixed = true
	_, ok = s.DueLeft()
	require.False(t, ok, "a due time given as a time while paused is not counted")
	s = workflows.State{DueAt: paused}
	_, ok = s.DueLeft()
	require.False(t, ok, "not paused")
}

// A follow-up asked for at or after the due time would never remind the hander before the check
// (which asks them anyway): refused naming the field it came in, and changing nothing. One before
// the due time is taken; so is any on a paused action, whose due time moves on when it resumes.
func TestFollowUpComesBeforeTheDueTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 12, 31, 12, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("f1"), now) // due 2030-01-01 12:00, in 24h
	h := handoverTo(onShift("bob", 1))
	h.FollowUpIn = 25 * time.Hour
	before := s.Clone()
	require.ErrorContains(t, workflows.CheckHandover(&s, h, now),
		"follow_up_in: that is 2030-01-01T13:00:00Z, not before the action's due time 2030-01-01T12:00:00Z")
	require.Equal(t, before, s)
	h.FollowUpIn, h.FollowUpAt = 0, &s.DueAt
	require.ErrorContains(t, workflows.CheckHandover(&s, h, now), "follow_up_at: that is 2030-01-01T12:00:00Z")
	h.FollowUpIn, h.FollowUpAt = 23*time.Hour, nil
	require.NoError(t, workflows.CheckHandover(&s, h, now))
	h.FollowUpIn = 25 * time.Hour
	require.NoError(t, workflows.CheckHandover(&s, h, time.Time{}), "without a time, as a screen asks which commands it may offer")
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, now)
	require.NoError(t, workflows.CheckHandover(&s, h, now), "paused: the due time moves on when resumed")
}

// Whoever sent the pending handover cannot answer it: told so, and that they can withdraw it,
// not how an earlier handover of the action to them ended (bob accepted alice's, then handed the
// action on to erin: his decline was answered "you accepted this handover").
func TestSenderCannotAnswerTheirOwnHandover(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 12, 31, 12, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("s1"), now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I call the guest at ten"}, now)
	on := handoverTo(onShift("erin", 2))
	on.Actor = bob
	require.NoError(t, workflows.CheckHandover(&s, on, now))
	workflows.ApplyHandover(&s, on, now)
	before := s.Clone()
	for _, err := range []error{
		workflows.CheckDecline(&s, workflows.DeclineInput{Actor: bob, Reason: "no"}),
		workflows.CheckAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I take it back"}),
	} {
		var app *temporal.ApplicationError
		require.ErrorAs(t, err, &app)
		require.Equal(t, "Forbidden", app.Type())
		require.Contains(t, app.Message(), "only erin, to whom you handed the action over, can")
		require.Contains(t, app.Message(), "you can withdraw it instead")
	}
	require.Equal(t, before, s)
	require.NoError(t, workflows.CheckDecline(&s, workflows.DeclineInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Reason: "not my desk"}))
}

// On a team's calendar a span of open time is said in hours, as the policy gives it: 48 h of a
// desk open ten hours on weekdays is nearly five working days, not "2 days".
func TestBusinessSpansAreSaidInHours(t *testing.T) {
	now := londonTime(t, 2026, 12, 1, 10, 0)
	in := startInput("business-words")
	in.DueIn, in.DueAt, in.Calendar = 2*time.Hour, now.Add(2*time.Hour), officeHours()
	s, _ := workflows.NewState(in, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, now)
	s.TakeOutbox()
	workflows.ApplyExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: 48 * time.Hour, Reason: "the guest is away"}, now.Add(time.Minute))
	var told []string
	for _, n := range s.TakeOutbox() {
		told = append(told, n.Message)
	}
	require.Contains(t, strings.Join(told, "\n"), "is now due 48 h after it resumes (it is paused)")
}

// "Remind me again in" is counted on the action's clock, as a handover's follow_up_in is: on
// office hours, 4 hours from Monday 16:30 is Tuesday 10:30, after a due time of Tuesday 10:00, and
// is refused, though it is only 20:30 on Monday in elapsed time; 3 hours (Tuesday 09:30) is taken.
func TestFollowUpAgainInCountsBusinessTime(t *testing.T) {
	t.Parallel()
	start := londonTime(t, 2026, 11, 23, 16, 0)
	in := startInput("b-again")
	in.Calendar = officeHours()
	in.DueAt = londonTime(t, 2026, 11, 24, 10, 0)
	s, _ := workflows.NewState(in, start)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), start)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, start.Add(time.Minute))
	require.NotNil(t, s.FollowUp, "alice is to follow up")

	now := londonTime(t, 2026, 11, 23, 16, 30)
	err := workflows.CheckFollowUp(&s, workflows.FollowUpInput{Actor: alice, Note: "bob is on it", AgainIn: 4 * time.Hour}, now)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "refused: %v", err)
	require.Equal(t, workflows.ErrInvalid, appErr.Type())
	require.Equal(t, "again_in: that is 2026-11-24T10:30:00Z, not before the action's due time 2026-11-24T10:00:00Z, when its check asks for the outcome anyway: choose a shorter time, or leave it out", appErr.Message())
	require.NoError(t, workflows.CheckFollowUp(&s, workflows.FollowUpInput{Actor: alice, Note: "bob is on it", AgainIn: 3 * time.Hour}, now))
	require.NoError(t, workflows.CheckFollowUp(&s, workflows.FollowUpInput{Actor: alice, Note: "bob is on it", AgainIn: 4 * time.Hour}, time.Time{}),
		"without a time only the state and the actor are checked")
}
