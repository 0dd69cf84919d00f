package workflows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/workflows"
)

// From revision 29 the new owner of a reassignment that gives a due time reads when it is due, and
// that it is sooner than the action had when it was brought forward; one that gives none, or an
// earlier revision, says only that it is theirs.
func TestRevision29SaysTheReassignedDueTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rev   int
		dueIn time.Duration
		want  string
	}{
		{28, 30 * time.Minute, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill"},
		{29, 30 * time.Minute, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill. It is due 2029-06-01T09:30:00Z, sooner than the 2029-06-01T13:00:00Z it had."},
		{29, 6 * time.Hour, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill. It is due 2029-06-01T15:00:00Z."},
		{29, 0, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill"},
	} {
		t.Run(fmt.Sprint(c.rev, " ", c.dueIn), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r29-%d-%s", c.rev, c.dueIn))
			in.Revision, in.DueAt, in.Title = c.rev, now.Add(4*time.Hour), "Late checkout"
			s, _ := workflows.NewState(in, now)
			takeOutbox(&s, workflows.NotifyAssigned)
			workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carolClark, To: bobBrown, Reason: "Alice went home ill", DueIn: c.dueIn}, now)
			require.Equal(t, []string{c.want}, toldBob(&s))
		})
	}
}

// From revision 29 an action nobody owns is escalated at its due time when that comes before
// assign_within runs out, saying so; one due later is escalated at assign_within as before, and an
// earlier revision waits for assign_within whatever its due time.
func TestRevision29EscalatesTheUnassignedAtTheirDueTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rev    int
		dueIn  time.Duration
		at     time.Duration
		reason string
	}{
		{28, 3 * time.Minute, 30 * time.Minute, "nobody took the action on within 30 min"},
		{29, 3 * time.Minute, 3 * time.Minute, "nobody took the action on before its due time"},
		{29, 2 * time.Hour, 30 * time.Minute, "nobody took the action on within 30 min"},
	} {
		t.Run(fmt.Sprint(c.rev, " ", c.dueIn), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r29u-%d-%s", c.rev, c.dueIn))
			in.Revision, in.DueAt, in.OwnerID = c.rev, now.Add(c.dueIn), ""
			s, _ := workflows.NewState(in, now)
			require.Equal(t, workflows.StatusUnassigned, s.Status)
			at, kind := s.NextDeadline()
			require.Equal(t, workflows.DeadlineAssign, kind)
			require.Equal(t, now.Add(c.at), at)
			s.Fire(kind, at)
			require.Equal(t, workflows.StatusEscalated, s.Status)
			require.Equal(t, c.reason, s.EscalationReason)
			alerts := takeOutbox(&s, workflows.NotifyEscalated)
			require.Len(t, alerts, 1)
			require.Equal(t, workflows.RoleSupervisor, alerts[0].ToRole)
		})
	}
}

// An action started by a newer release than the worker's is not run by it: its rules would not be
// the ones it was started with. Its workflow task fails, to be taken by a worker of its release.
func TestANewerRevisionWaitsForItsWorker(t *testing.T) {
	t.Parallel()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ActionWorkflow, workflowOptions(workflows.ActionWorkflowName))
	in := startInput("r-newer")
	in.Revision = workflows.CurrentRevision + 1
	env.ExecuteWorkflow(workflows.ActionWorkflowName, in)
	require.True(t, env.IsWorkflowCompleted())
	var panicked *temporal.PanicError
	require.ErrorAs(t, env.GetWorkflowError(), &panicked)
	require.Contains(t, panicked.Error(), fmt.Sprintf("runs workflow revision %d, newer than this worker's %d: it waits for a worker of the release that started it", workflows.CurrentRevision+1, workflows.CurrentRevision))
}

// A paused action reassigned with a due time: one counted from now waits with the pause, so the
// new owner reads how long they will have once it is resumed; one given as a time stays where it
// was given, resumed or not.
func TestRevision29SaysThePausedReassignedDueTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	sixLater := now.Add(6 * time.Hour)
	for _, c := range []struct {
		in   workflows.ReassignInput
		want string
	}{
		{workflows.ReassignInput{DueIn: 30 * time.Minute}, " Once resumed, it is due 30 min later."},
		{workflows.ReassignInput{DueAt: &sixLater}, " It is due 2029-06-01T15:00:00Z, resumed or not."},
	} {
		in := startInput(fmt.Sprintf("r29p-%s", c.in.DueIn))
		in.Revision, in.DueAt, in.Title = 29, now.Add(4*time.Hour), "Late checkout"
		s, _ := workflows.NewState(in, now)
		workflows.ApplyPause(&s, workflows.PauseInput{Actor: carolClark, Reason: "waiting on the guest"}, now)
		takeOutbox(&s, workflows.NotifyAssigned)
		c.in.Actor, c.in.To, c.in.Reason = carolClark, bobBrown, "Alice went home ill"
		workflows.ApplyReassign(&s, c.in, now.Add(time.Minute))
		bobs := toldBob(&s)
		require.Len(t, bobs, 1)
		require.True(t, strings.HasSuffix(bobs[0], c.want), bobs[0])
	}
}

// toldBob takes the assigned notices out of the state's outbox and answers those to bob.
func toldBob(s *workflows.State) []string {
	var bobs []string
	for _, n := range takeOutbox(s, workflows.NotifyAssigned) {
		if n.To[0] == "bob" {
			bobs = append(bobs, n.Message)
		}
	}
	return bobs
}
