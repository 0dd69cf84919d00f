package workflows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// Row "escalate with reason (supervisor, manager)" (revision 8): a supervisor's escalation goes to
// the level above them, the managers, who are alerted at once; it went to level 1, the supervisors,
// the one escalating among them, and reached a manager only an escalate_within later.
func TestSupervisorEscalatesToTheManagers(t *testing.T) {
	b := setup(t)
	b.seedSupervisors(t)
	escalate := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: carol, Reason: "guest threatens to leave a review"}}
	// At the top of the ladder there is nobody higher: escalating again is refused and records nothing.
	again := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: dave, Reason: "still angry"}}
	cancel := &step{name: workflows.UpdateCancel, at: 30 * time.Minute, arg: workflows.CancelInput{Actor: dave, Reason: "settled"}}
	b.run(t, b.dueIn("e8", 10*time.Hour), escalate, again, cancel)
	require.NoError(t, escalate.err)
	require.Equal(t, 2, escalate.state.EscalationLevel, "level 2: the managers")
	require.Equal(t, 1, count(b.inboxKinds(t, "dave"), workflows.NotifyEscalated), "the manager is told at once")
	require.Zero(t, count(b.inboxKinds(t, "carol"), workflows.NotifyEscalated), "not the supervisor who escalated")
	requireRefused(t, again, workflows.ErrConflict)
	require.Contains(t, again.err.Error(), "already escalated to the top of its ladder (manager, level 2)")
	require.Equal(t, 1, count(b.eventTypes(t, "e8"), workflows.EventEscalated), "one escalation on the timeline")
}

// Revision 7 kept the old ladder: a supervisor's escalation at level 1, the supervisors.
func TestRevision7SupervisorEscalatesToLevel1(t *testing.T) {
	b7 := setup(t)
	b7.seedSupervisors(t)
	in := b7.dueIn("e7", 10*time.Hour)
	in.Revision = 7
	old := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: carol, Reason: "guest threatens to leave a review"}}
	b7.run(t, in, old, &step{name: workflows.UpdateCancel, at: 30 * time.Minute, arg: workflows.CancelInput{Actor: dave, Reason: "settled"}})
	require.Equal(t, 1, old.state.EscalationLevel)
}

// A manager's escalation is at the top of the ladder; an agent's first level stays the supervisors
// (levelAbove by the ladder, whatever the policy's ladder holds).
func TestEscalationFloorFollowsTheLadder(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ladder []workflows.Role
		actor  workflows.Actor
		level  int
	}{
		{workflows.DefaultLadder, dave, 2},
		{workflows.DefaultLadder, carol, 2},
		{[]workflows.Role{workflows.RoleSupervisor, workflows.RoleSupervisor, workflows.RoleManager}, carol, 3},
		{[]workflows.Role{workflows.RoleManager}, carol, 1},
	} {
		in := startInput("f1")
		in.Ladder = tc.ladder
		s, _ := workflows.NewState(in, now)
		workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: tc.actor, Reason: "r"}, now)
		require.Equal(t, tc.level, s.EscalationLevel, "%v by %s", tc.ladder, tc.actor.Role)
	}
}

// A shift handover a supervisor started asks each recipient in the supervisor's name, naming whose
// action it was (revision 8): the request said the outgoing person asked, who may have gone home.
func TestShiftHandoverRequestNamesWhoStartedIt(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for rev, want := range map[int]string{
		8: `carol passes you alice's "Late checkout" in a shift handover: shift ends.`,
		7: `alice asks you to take over "Late checkout": shift ends.`,
	} {
		in := startInput("s8")
		in.Revision = rev
		s, _ := workflows.NewState(in, now)
		h := handoverTo(onShift("bob", 1))
		h.ShiftHandoverID, h.StartedBy = "sh1", "carol"
		workflows.ApplyHandover(&s, h, now)
		out := s.TakeOutbox()
		require.Len(t, out, 1)
		require.True(t, strings.HasPrefix(out[0].Message, want), "revision %d: %s", rev, out[0].Message)
	}
}
