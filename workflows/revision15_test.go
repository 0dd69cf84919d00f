package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 15 the customer's default message on acceptance leaves out the action's title,
// which is the team's own text ("VIP complaint: guest threatening a bad review"), not written for
// the customer; revision 14 keeps it.
func TestRevision15CustomerMessageWithoutTheTitle(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	told := func(revision int) string {
		in := startInput("m15")
		in.Revision, in.Title = revision, "VIP complaint: guest threatening a bad review"
		s, _ := workflows.NewState(in, now)
		to := onShift("bob", 1)
		to.Name = "Bob Martin"
		workflows.ApplyHandover(&s, handoverTo(to), now)
		events := workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I call the guest back"}, now)
		last := events[len(events)-1]
		require.Equal(t, workflows.EventCustomerTold, last.Type)
		return last.Data["message"].(string)
	}
	require.Equal(t, "Your request has been passed to Bob Martin, who is looking after it now, so that it is looked after without delay while we are busy.", told(15))
	require.Equal(t, "Your request “VIP complaint: guest threatening a bad review” has been passed to Bob Martin, who is looking after it now, so that it is looked after without delay while we are busy.", told(14))
}

// From revision 15 a check's "not done, escalate" goes at least to the level above the person
// checking, as an escalation by hand does: a supervisor's check to the managers (level 2), where
// it went to the supervisors (level 1), the one checking among them. The owner's check still goes
// to the supervisors.
func TestRevision15CheckEscalatesAboveTheChecker(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	carol := workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}
	level := func(revision int, by workflows.Actor) int {
		in := startInput("c15")
		in.Revision = revision
		s, _ := workflows.NewState(in, now)
		s.Fire(workflows.DeadlineDue, s.DueAt)
		require.Equal(t, workflows.StatusChecking, s.Status)
		check := workflows.CheckInput{Actor: by, Result: workflows.CheckNotDone, Next: workflows.NextEscalate, Notes: "permit office closed"}
		require.NoError(t, workflows.CheckCheck(&s, check))
		workflows.ApplyCheck(&s, check, s.DueAt.Add(time.Minute))
		require.Equal(t, workflows.StatusEscalated, s.Status)
		return s.EscalationLevel
	}
	require.Equal(t, 2, level(15, carol), "a supervisor's check: the managers")
	require.Equal(t, 1, level(15, alice), "the owner's check: the supervisors")
	require.Equal(t, 1, level(14, carol), "revision 14 keeps its ladder")
}
