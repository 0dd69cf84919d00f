package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 21 a reassignment tells the customer to whom their request went, as an accepted
// handover does (unit 214 3.1): by hand, at the check and in a shift handover, each in the
// product's words, or in the supervisor's own when given. Revision 20 told only the new owner and
// the old: a message for such an action is refused, and one a worker of an earlier release took
// (which ignored it) is not told on replay.
func TestRevision21ReassignmentTellsTheCustomer(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	erin := onShift("erin", 2)
	erin.Name = "Erin Evans"
	// told is what the customer heard of a reassignment of an action of the revision, and the
	// notifications of it that reached them.
	told := func(revision int, reassign func(s *workflows.State) []workflows.Event) []string {
		t.Helper()
		in := startInput("r21")
		in.Revision, in.DueAt = revision, now.Add(2*time.Hour)
		s, _ := workflows.NewState(in, now)
		s.TakeOutbox()
		var out []string
		for _, e := range reassign(&s) {
			if e.Type == workflows.EventCustomerTold {
				out = append(out, e.Data["message"].(string))
			}
		}
		messages := takeOutbox(&s, workflows.NotifyCustomerMessage)
		require.Len(t, messages, len(out), "each told is sent to the customer")
		for i, n := range messages {
			require.Equal(t, out[i], n.Message)
			require.NotNil(t, n.Customer)
			require.Equal(t, "G-1", n.Customer.Ref)
		}
		return out
	}
	byHand := func(message string) func(s *workflows.State) []workflows.Event {
		return func(s *workflows.State) []workflows.Event {
			in := workflows.ReassignInput{Actor: carol, To: erin, Reason: "alice went home ill", CustomerMessage: message}
			require.NoError(t, workflows.CheckReassign(s, in))
			return workflows.ApplyReassign(s, in, now)
		}
	}
	const passed = "Your request has been passed to Erin Evans, who is looking after it now, so that it is seen through without delay."
	require.Equal(t, []string{passed}, told(21, byHand("")), "not the team's own reason, which the customer should not read")
	require.Empty(t, told(20, byHand("")), "revision 20 keeps its ways")
	require.Equal(t, []string{"Erin will call you before noon."}, told(21, byHand("Erin will call you before noon.")))
	asBefore := func(s *workflows.State) []workflows.Event {
		in := workflows.ReassignInput{Actor: carol, To: erin, Reason: "alice went home ill", CustomerMessage: "Erin will call you before noon."}
		require.ErrorContains(t, workflows.CheckReassign(s, in), "customer_message: this action was created before reassignments told the customer")
		return workflows.ApplyReassign(s, in, now) // as a worker of an earlier release took it, replayed
	}
	require.Empty(t, told(20, asBefore))

	// Nobody had taken it on: not passed from anyone, but looked after now.
	unassigned := func(s *workflows.State) []workflows.Event {
		s.OwnerID, s.Status = "", workflows.StatusUnassigned
		return workflows.ApplyReassign(s, workflows.ReassignInput{Actor: carol, To: erin, Reason: "nobody was free"}, now)
	}
	require.Equal(t, []string{"Erin Evans is looking after your request now, so that it is seen through without delay."}, told(21, unassigned))

	// With a handover to bob waiting, withdrawn by it: the customer hears of erin only.
	pending := func(s *workflows.State) []workflows.Event {
		workflows.ApplyHandover(s, handoverTo(onShift("bob", 1)), now)
		return byHand("")(s)
	}
	require.Equal(t, []string{passed}, told(21, pending))

	// At the check, by the supervisor.
	atCheck := func(s *workflows.State) []workflows.Event {
		s.Fire(workflows.DeadlineDue, s.DueAt)
		check := workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextReassign, To: &erin, DueIn: time.Hour, Notes: "alice is stuck"}
		require.NoError(t, workflows.CheckCheck(s, check))
		return workflows.ApplyCheck(s, check, s.DueAt)
	}
	require.Equal(t, []string{passed}, told(21, atCheck))
	require.Empty(t, told(20, atCheck))
	require.Equal(t, []string{"Erin calls you at ten."}, told(21, func(s *workflows.State) []workflows.Event {
		s.Fire(workflows.DeadlineDue, s.DueAt)
		check := workflows.CheckInput{Actor: carol, Result: workflows.CheckNotDone, Next: workflows.NextReassign, To: &erin, DueIn: time.Hour, Notes: "alice is stuck", CustomerMessage: "Erin calls you at ten."}
		require.NoError(t, workflows.CheckCheck(s, check))
		return workflows.ApplyCheck(s, check, s.DueAt)
	}), "in the supervisor's own words")

	// In a shift handover: the shift changed, in the words an accepted one of its handovers has.
	inShift := func(s *workflows.State) []workflows.Event {
		return workflows.ApplyReassign(s, workflows.ReassignInput{Actor: carol, To: erin, Reason: "shift handover", ShiftHandoverID: "s1", From: "alice"}, now)
	}
	require.Equal(t, []string{"Your request has been passed to Erin Evans, who is looking after it now, as our shift changed, so that someone on duty now sees it through."},
		told(21, inShift))
}
