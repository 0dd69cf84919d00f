package workflows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 20 each reminder of an escalation at the top of the ladder says how long the
// action has waited there, which grows with each one; revision 19 said "within" the same
// escalate_within every time, as if nobody had been told before.
func TestRevision20RemindersSayHowLongItHasWaited(t *testing.T) {
	t.Parallel()
	reminders := func(revision int) []string {
		in := startInput("r20")
		in.Revision = revision
		in.Policy = workflows.Policy{CheckWithin: time.Minute, EscalateWithin: 2 * time.Minute, Clock: workflows.Clock247}
		s, _ := workflows.NewState(in, in.DueAt.Add(-time.Minute))
		var out []string
		for i := 0; len(out) < 3; i++ {
			require.Less(t, i, 20, "three reminders within 20 deadlines: %q", out)
			at, kind := s.NextDeadline()
			require.NotEmpty(t, kind, "a deadline is left")
			s.Fire(kind, at)
			for _, n := range s.TakeOutbox() {
				if n.Kind == workflows.NotifyEscalated && strings.Contains(n.Message, "still escalated") {
					out = append(out, n.Message)
				}
			}
		}
		return out
	}
	got := reminders(20)
	require.Equal(t, []string{
		`"Late checkout" is still escalated to manager (level 2): nobody has acted on it for 2 min.`,
		`"Late checkout" is still escalated to manager (level 2): nobody has acted on it for 4 min.`,
		`"Late checkout" is still escalated to manager (level 2): nobody has acted on it for 6 min.`,
	}, got)
	old := reminders(19)
	require.Equal(t, old[0], old[2], "revision 19 as its histories recorded")
	require.Contains(t, old[2], "nobody has acted on it within 2 min.")
}

// The time an escalated action stood paused is not time it waited: its clocks stood still. Paused
// a minute after reaching the top of the ladder for 3 hours, its next reminder, 2 minutes of its
// time after the escalation, says 2 minutes.
func TestRevision20ReminderLeavesOutThePause(t *testing.T) {
	t.Parallel()
	in := startInput("r20-paused")
	in.Policy = workflows.Policy{CheckWithin: time.Minute, EscalateWithin: 2 * time.Minute, Clock: workflows.Clock247}
	s, _ := workflows.NewState(in, in.DueAt.Add(-time.Minute))
	var at time.Time
	for i := 0; s.Status != workflows.StatusEscalated || s.EscalationLevel < 2; i++ {
		require.Less(t, i, 10)
		var kind string
		at, kind = s.NextDeadline()
		s.Fire(kind, at)
	}
	s.TakeOutbox()
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "guest calls back at 3"}, at.Add(time.Minute))
	workflows.ApplyResume(&s, workflows.ResumeInput{Actor: alice, Reason: "guest called"}, at.Add(3*time.Hour+time.Minute))
	next, kind := s.NextDeadline()
	require.Equal(t, at.Add(3*time.Hour+2*time.Minute), next, "the reminder moved on with the pause")
	s.Fire(kind, next)
	var reminders []string
	for _, n := range s.TakeOutbox() {
		if strings.Contains(n.Message, "still escalated") {
			reminders = append(reminders, n.Message)
		}
	}
	require.NotEmpty(t, reminders)
	require.Contains(t, reminders[0], "nobody has acted on it for 2 min.")
}

// From revision 20 the customer of a let-down handover hears that what went wrong is put right;
// revision 19 blamed "one of our systems", which the handover's situation does not say (people and
// resources let customers down too).
func TestRevision20LetDownCustomerMessage(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	told := func(revision int) string {
		in := startInput("r20-let-down")
		in.Revision = revision
		s, _ := workflows.NewState(in, now)
		to := onShift("bob", 1)
		to.Name = "Bob Martin"
		h := handoverTo(to)
		h.Situation = "let_down"
		workflows.ApplyHandover(&s, h, now)
		events := workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
		return events[len(events)-1].Data["message"].(string)
	}
	require.Equal(t, "Your request has been passed to Bob Martin, who is looking after it now, so that what went wrong for you is put right.", told(20))
	require.Contains(t, told(19), "after one of our systems let us down", "revision 19 keeps its words")
}

// From revision 20 the owner of an action someone else created is told by whom, and the hander of
// one completed is told who completed it; revision 19 keeps its words.
func TestRevision20SaysWho(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	told := func(revision int) []string {
		in := startInput("r20-who")
		in.Revision, in.OwnerID = revision, "bob"
		in.CreatedBy = workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}
		s, _ := workflows.NewState(in, now)
		var out []string
		for _, n := range s.TakeOutbox() {
			out = append(out, n.Message)
		}
		to := onShift("erin", 2)
		h := handoverTo(to)
		h.Actor = bob
		workflows.ApplyHandover(&s, h, now)
		workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent, Name: "Erin Evans"}, Summary: "mine"}, now)
		s.TakeOutbox()
		workflows.ApplyComplete(&s, workflows.CompleteInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent, Name: "Erin Evans"}, Outcome: "room moved"}, now)
		for _, n := range s.TakeOutbox() {
			if n.Kind == workflows.NotifyCompleted {
				out = append(out, n.Message)
			}
		}
		return out
	}
	require.Equal(t, []string{"You own a new action from Carol Clark: Late checkout", `"Late checkout" was completed by Erin Evans: room moved`}, told(20))
	require.Equal(t, []string{"You own a new action: Late checkout", `"Late checkout" was completed: room moved`}, told(19))
	// From revision 24 every notification gives the title in curly quotes, the create's too.
	require.Equal(t, []string{"You own a new action from Carol Clark: “Late checkout”", "“Late checkout” was completed by Erin Evans: room moved"}, told(workflows.CurrentRevision))
	in := startInput("r24-nobody")
	in.OwnerID = ""
	s, _ := workflows.NewState(in, now)
	out := s.TakeOutbox()
	require.Len(t, out, 1)
	require.Equal(t, "New action with nobody eligible to own it: “Late checkout”", out[0].Message)
}
