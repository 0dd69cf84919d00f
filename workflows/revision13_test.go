package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 13 the owner is told when a supervisor completes their action, or checks it done
// at its due time; the owner completing it themselves is told nothing. Revision 12 tells only the
// hander, as before.
func TestRevision13OwnerToldOfCompletion(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	carol := workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}
	told := func(revision int, finish func(s *workflows.State)) map[string]string {
		in := startInput(fmt.Sprintf("r13-%d", revision))
		in.Revision = revision
		s, _ := workflows.NewState(in, now)
		s.TakeOutbox()
		finish(&s)
		require.Equal(t, workflows.StatusCompleted, s.Status)
		out := map[string]string{}
		for _, n := range s.TakeOutbox() {
			if n.Kind == workflows.NotifyCompleted {
				for _, to := range n.To {
					out[to] = n.Message
				}
			}
		}
		return out
	}
	complete := func(by workflows.Actor) func(s *workflows.State) {
		return func(s *workflows.State) {
			in := workflows.CompleteInput{Actor: by, Outcome: "room changed"}
			require.NoError(t, workflows.CheckComplete(s, in))
			workflows.ApplyComplete(s, in, now.Add(time.Minute))
		}
	}
	checkDone := func(s *workflows.State) {
		s.Fire(workflows.DeadlineDue, s.DueAt) // at its due time: the check
		require.Equal(t, workflows.StatusChecking, s.Status)
		in := workflows.CheckInput{Actor: carol, Result: workflows.CheckDone, Notes: "room changed"}
		require.NoError(t, workflows.CheckCheck(s, in))
		workflows.ApplyCheck(s, in, s.DueAt.Add(time.Minute))
	}
	require.Equal(t, map[string]string{"alice": `Carol Clark completed "Late checkout", which was yours: room changed`}, told(13, complete(carol)))
	require.Equal(t, map[string]string{"alice": `Carol Clark checked "Late checkout" done, which was yours: room changed`}, told(13, checkDone))
	require.Empty(t, told(13, complete(alice)), "the owner made the change")
	require.Empty(t, told(12, complete(carol)), "revision 12 keeps its notifications")
	require.Empty(t, told(12, checkDone))
}
