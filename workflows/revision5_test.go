package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// A recipient who could no longer be handed the action (moved to another team, lower authority,
// off shift) cannot accept it: 403 naming why, and the handover stays pending for someone who can.
func TestAcceptByARecipientNoLongerEligible(t *testing.T) {
	b := setup(t)
	moved := onShift("bob", 1)
	moved.TeamID = "kitchen"
	offShift := onShift("bob", 1)
	offShift.OnShift = false
	in := startInput("a5")
	in.RequiredAuthority = 1
	lowered := onShift("bob", 0)
	eligible := onShift("bob", 1)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	refusedTeam := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "mine", Acceptor: &moved}}
	refusedShift := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "mine", Acceptor: &offShift}}
	refusedAuthority := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "mine", Acceptor: &lowered}}
	still := probe(0)
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "mine", Acceptor: &eligible}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "done"}}
	b.run(t, in, handover, refusedTeam, refusedShift, refusedAuthority, still, accept, complete)

	requireRefused(t, refusedTeam, workflows.ErrForbidden)
	require.Contains(t, refusedTeam.err.Error(), "you are not in team frontdesk")
	requireRefused(t, refusedShift, workflows.ErrForbidden)
	require.Contains(t, refusedShift.err.Error(), "you are not on shift")
	requireRefused(t, refusedAuthority, workflows.ErrForbidden)
	require.Contains(t, refusedAuthority.err.Error(), "you have authority 0, this action needs 1")
	require.Equal(t, workflows.StatusHandoverPending, still.state.Status, "the refusals changed nothing")
	require.Equal(t, "alice", still.state.OwnerID)
	require.Equal(t, int64(2), still.state.Version)
	require.NoError(t, accept.err)
	require.Equal(t, "bob", accept.state.OwnerID)
}

// The hander's follow-up reminders stop when the action is reassigned to someone else or
// escalated: the hander can no longer check it (revision 5). Revision 4 went on reminding them.
func TestFollowUpsStopWhenReassignedOrEscalated(t *testing.T) {
	for _, rev := range []int{4, workflows.CurrentRevision} {
		for _, next := range []string{"reassign", "escalate"} {
			t.Run(fmt.Sprintf("revision %d, %s", rev, next), func(t *testing.T) {
				b := setup(t)
				b.seedSupervisors(t)
				in := b.dueIn("f"+next, 4*time.Hour)
				in.Revision = rev
				handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
				accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
				var change *step
				if next == "reassign" {
					change = &step{name: workflows.UpdateReassign, at: 10 * time.Minute, arg: workflows.ReassignInput{Actor: carol, To: onShift("erin", 2), Reason: "bob went home ill"}}
				} else {
					change = &step{name: workflows.UpdateEscalate, at: 10 * time.Minute, arg: workflows.EscalateInput{Actor: carol, Reason: "guest complained"}}
				}
				later := probe(3 * time.Hour) // the first reminder was due halfway, at about 2 h
				cancel := &step{name: workflows.UpdateCancel, at: 3*time.Hour + time.Minute, arg: workflows.CancelInput{Actor: carol, Reason: "guest left"}}
				b.run(t, in, handover, accept, change, later, cancel)

				require.NoError(t, change.err)
				reminders := count(b.eventTypes(t, in.ActionID), workflows.EventFollowUpReminder)
				if rev >= 5 {
					require.Nil(t, change.state.FollowUp, "the follow-up ends with the %s", next)
					require.Zero(t, reminders)
					require.NotContains(t, b.inboxKinds(t, "alice"), workflows.NotifyFollowUp)
				} else {
					require.NotNil(t, change.state.FollowUp)
					require.Positive(t, reminders, "revision 4 replays as it ran")
				}
			})
		}
	}
}

// A due time given as a time while the action is paused stays where it was given when the action
// resumes; one given as a duration counts from the pause and moves on with it.
func TestDueGivenWhilePaused(t *testing.T) {
	for _, absolute := range []bool{true, false} {
		t.Run(fmt.Sprintf("absolute %v", absolute), func(t *testing.T) {
			b := setup(t)
			b.seedSupervisors(t)
			in := b.dueIn("dp", 2*time.Hour)
			start := b.env.Now().UTC().Truncate(time.Microsecond) // as the state keeps times
			extend := workflows.ExtendInput{Actor: carol, Reason: "guest flies later"}
			if absolute {
				extend.DueAt = start.Add(5 * time.Hour)
			} else {
				extend.DueIn = 4 * time.Hour
			}
			pause := &step{name: workflows.UpdatePause, at: time.Hour, arg: workflows.PauseInput{Actor: alice, Reason: "waiting for the flight time"}}
			extended := &step{name: workflows.UpdateExtend, at: time.Hour + time.Minute, arg: extend}
			resume := &step{name: workflows.UpdateResume, at: 3 * time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "the guest answered"}}
			complete := &step{name: workflows.UpdateComplete, at: 3*time.Hour + time.Minute, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
			b.run(t, in, pause, extended, resume, complete)

			require.NoError(t, extended.err)
			require.NoError(t, resume.err)
			if absolute {
				require.True(t, resume.state.DueAt.Equal(start.Add(5*time.Hour)), "kept as given: %s", resume.state.DueAt)
			} else {
				// Four hours counted from the pause (1 h), moved on by the two hours paused.
				require.True(t, resume.state.DueAt.Equal(start.Add(7*time.Hour)), "moved with the pause: %s", resume.state.DueAt)
			}
			require.False(t, resume.state.DueFixed)
		})
	}
}

// A handover that lapses after a pause is escalated naming the time the recipient was given, not
// that time plus the pause.
func TestExpiryAfterAPauseNamesTheTimeGiven(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	pause := &step{name: workflows.UpdatePause, at: 10 * time.Minute, arg: workflows.PauseInput{Actor: alice, Reason: "waiting on the customer"}}
	resume := &step{name: workflows.UpdateResume, at: 2 * time.Hour, arg: workflows.ResumeInput{Actor: alice, Reason: "answered"}}
	expired := probe(3 * time.Hour)
	cancel := &step{name: workflows.UpdateCancel, arg: workflows.CancelInput{Actor: carol, Reason: "done"}}
	b.run(t, b.dueIn("xp", 10*time.Hour), handover, pause, resume, expired, cancel)

	require.Equal(t, workflows.StatusEscalated, expired.state.Status)
	require.Equal(t, "handover to bob not accepted within 30 min", expired.state.EscalationReason)
}
