package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 17 the level an escalated action had reached is told when someone acts on it
// (reassigns, extends, completes or cancels it): it leaves their list of escalated actions. An
// action that was not escalated tells nobody so, and revision 16 tells nobody either. Who owned the
// action while it was escalated goes with it, so that it reaches whom the escalation reached.
func TestRevision17TellsTheLevelTheEscalationWasHandled(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	carol := workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}
	acts := map[string]func(s *workflows.State, at time.Time) []workflows.Event{
		"was reassigned to bob": func(s *workflows.State, at time.Time) []workflows.Event {
			return workflows.ApplyReassign(s, workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "alice went home"}, at)
		},
		"was given until 2029-06-01T11:01:00Z by Carol Clark": func(s *workflows.State, at time.Time) []workflows.Event {
			return workflows.ApplyExtend(s, workflows.ExtendInput{Actor: carol, DueIn: 2 * time.Hour, Reason: "guest agreed"}, at)
		},
		"was completed by Carol Clark: refund made": func(s *workflows.State, at time.Time) []workflows.Event {
			return workflows.ApplyComplete(s, workflows.CompleteInput{Actor: carol, Outcome: "refund made"}, at)
		},
		"was cancelled by Carol Clark: guest left": func(s *workflows.State, at time.Time) []workflows.Event {
			return workflows.ApplyCancel(s, workflows.CancelInput{Actor: carol, Reason: "guest left"}, at)
		},
	}
	handled := func(revision int, escalate bool, act func(s *workflows.State, at time.Time) []workflows.Event) []workflows.Notification {
		in := startInput("e17")
		in.Revision = revision
		s, _ := workflows.NewState(in, now)
		if escalate {
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carol, Reason: "VIP complaint"}, now) // to the managers
			require.Equal(t, 2, s.EscalationLevel)
		}
		s.TakeOutbox()
		act(&s, now.Add(time.Minute))
		return takeOutbox(&s, workflows.NotifyEscalationHandled)
	}
	// An action nobody could be given, escalated to the supervisors, is claimed by an agent.
	in := startInput("c17")
	in.OwnerID = ""
	s, _ := workflows.NewState(in, now)
	require.Equal(t, workflows.StatusUnassigned, s.Status)
	at, kind := s.NextDeadline()
	s.Fire(kind, at)
	require.Equal(t, workflows.StatusEscalated, s.Status)
	s.TakeOutbox()
	claim := workflows.ClaimInput{Actor: alice, Claimant: onShift("alice", 1)}
	require.NoError(t, workflows.CheckClaim(&s, claim))
	workflows.ApplyClaim(&s, claim, at.Add(time.Minute))
	told := s.TakeOutbox()
	require.Len(t, told, 1)
	require.Equal(t, workflows.NotifyEscalationHandled, told[0].Kind)
	require.Equal(t, workflows.RoleSupervisor, told[0].ToRole)
	require.Equal(t, `“Late checkout”, escalated to supervisor (level 1), was claimed by alice`, told[0].Message)
	require.Empty(t, told[0].EscalatedOwner, "nobody owned it while it was escalated")

	for what, act := range acts {
		told := handled(17, true, act)
		require.Len(t, told, 1, what)
		require.Equal(t, workflows.RoleManager, told[0].ToRole, what)
		require.Contains(t, told[0].Message, `"Late checkout", escalated to manager (level 2), `+what, what)
		require.Equal(t, "carol", told[0].ActorID, "the one who acted, whom the inbox skips")
		require.Equal(t, "alice", told[0].EscalatedOwner, "%s: who owned it while it was escalated, before the change", what)
		require.Empty(t, handled(17, false, act), "%s: nothing was escalated", what)
		require.Empty(t, handled(16, true, act), "%s: revision 16 tells nobody", what)
	}
}
