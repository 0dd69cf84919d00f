package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// carolClark, the supervisor, and bobBrown, an agent on shift, as the messages name them.
var (
	carolClark = workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}
	bobBrown   = workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: "frontdesk", Authority: 1, OnShift: true, Active: true}
)

// From revision 28 everyone an escalation alerted hears how it ended: each level it went through
// below the one it reached (AlsoRoles), and who set it going (To): the hander whose check was not
// made in time, or whoever escalated it by hand or by a check that found it not done. Revision 27
// told the level reached alone, and an escalation by the clock alone names nobody.
func TestRevision28TellsEveryoneTheEscalationAlerted(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	handled := func(s *workflows.State, at time.Time) workflows.Notification {
		t.Helper()
		workflows.ApplyExtend(s, workflows.ExtendInput{Actor: dave, DueIn: 2 * time.Hour, Reason: "guest agreed"}, at)
		told := takeOutbox(s, workflows.NotifyEscalationHandled)
		require.Len(t, told, 1)
		return told[0]
	}
	for _, rev := range []int{27, 28} {
		t.Run(fmt.Sprint("revision ", rev), func(t *testing.T) {
			// Alice hands it to Bob; at the due time nobody checks it, and it climbs from the
			// supervisors to the managers.
			in := startInput(fmt.Sprintf("r28-check-%d", rev))
			in.Revision, in.DueAt = rev, now.Add(time.Hour)
			s, _ := workflows.NewState(in, now)
			workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
			workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
			var went []string // the deadlines fired, reminders to follow up left out
			for i := 0; i < 20 && s.EscalationLevel < 2; i++ {
				at, kind := s.NextDeadline()
				s.Fire(kind, at)
				if kind != workflows.DeadlineFollowUp && kind != workflows.DeadlineCheckReminder {
					went = append(went, kind)
				}
			}
			require.Equal(t, []string{workflows.DeadlineDue, workflows.DeadlineCheck, workflows.DeadlineEscalate}, went)
			require.Equal(t, 2, s.EscalationLevel)
			alerts := takeOutbox(&s, workflows.NotifyEscalated)
			require.Len(t, alerts, 2)
			if rev >= 28 {
				// The hander is told it went to the ladder for want of their check; the managers
				// read why it was escalated first.
				require.Equal(t, []string{"bob", "alice"}, alerts[0].To)
				require.Equal(t, []string{"bob"}, alerts[1].To)
				require.Contains(t, alerts[1].Message, "(level 2): no action within 1 h of the escalation (escalated first: no check was made within 1 h of the due time)")
				require.Equal(t, "no check was made within 1 h of the due time; then no action within 1 h of the escalation", s.EscalationWhy(), "what the lists say")
			} else {
				require.Equal(t, []string{"bob"}, alerts[0].To)
				require.NotContains(t, alerts[1].Message, "escalated first")
			}
			n := handled(&s, now.Add(4*time.Hour))
			require.Equal(t, workflows.RoleManager, n.ToRole)
			require.Equal(t, "bob", n.EscalatedOwner)
			if rev == 27 {
				require.Empty(t, n.To, "the managers alone")
				require.Empty(t, n.AlsoRoles)
				return
			}
			require.Equal(t, []string{"alice"}, n.To, "the hander, whose check it escalated for want of")
			require.Equal(t, []workflows.Role{workflows.RoleSupervisor}, n.AlsoRoles, "the level it climbed from")

			// Carol escalates an action by hand, straight to the managers: she hears how it
			// ends, and the supervisors, whom it never reached, do not.
			in = startInput("r28-hand")
			s, _ = workflows.NewState(in, now)
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carolClark, Reason: "VIP complaint"}, now)
			require.Equal(t, 2, s.EscalationLevel)
			s.TakeOutbox()
			n = handled(&s, now.Add(time.Minute))
			require.Equal(t, []string{"carol"}, n.To)
			require.Empty(t, n.AlsoRoles)

			// Nobody took it on in time: the clock alone escalated it, and nobody is named, nor
			// when a manager raises it on to the managers.
			in = startInput("r28-clock")
			in.OwnerID = ""
			s, _ = workflows.NewState(in, now)
			at, kind := s.NextDeadline()
			s.Fire(kind, at)
			require.Equal(t, workflows.StatusEscalated, s.Status)
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: dave, Reason: "still nobody"}, at.Add(time.Minute))
			require.Equal(t, 2, s.EscalationLevel)
			s.TakeOutbox()
			n = handled(&s, at.Add(2*time.Minute))
			require.Empty(t, n.To)
			require.Equal(t, []workflows.Role{workflows.RoleSupervisor}, n.AlsoRoles)

			// The next escalation starts afresh: Carol set it going, and it began at the managers.
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carolClark, Reason: "nobody again"}, at.Add(3*time.Minute))
			s.TakeOutbox()
			n = handled(&s, at.Add(4*time.Minute))
			require.Equal(t, []string{"carol"}, n.To)
			require.Empty(t, n.AlsoRoles)
		})
	}
}

// From revision 28 a handover withdrawn by another change (the action escalated, completed,
// reassigned, cancelled, or at its due time) tells its hander and its recipient each in their own
// words, and an owner told of an extension reads who gave the time, and that it ended an
// escalation. Revision 27 named both to each, and the extension said neither.
func TestRevision28WordsOfWithdrawalAndExtension(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, rev := range []int{27, 28} {
		t.Run(fmt.Sprint("revision ", rev), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r28-words-%d", rev))
			in.Revision, in.OwnerName = rev, "Alice Adams"
			s, _ := workflows.NewState(in, now)
			h := handoverTo(bobBrown)
			workflows.ApplyHandover(&s, h, now)
			s.TakeOutbox()
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carolClark, Reason: "VIP complaint"}, now.Add(time.Minute))
			told := map[string]string{}
			for _, n := range takeOutbox(&s, workflows.NotifyHandoverWithdrawn) {
				for _, who := range n.To {
					told[who] = n.Message
				}
			}
			workflows.ApplyExtend(&s, workflows.ExtendInput{Actor: dave, DueIn: 2 * time.Hour, Reason: "guest agreed"}, now.Add(2*time.Minute))
			extended := takeOutbox(&s, workflows.NotifyAssigned)
			require.Len(t, extended, 1)
			if rev == 27 {
				both := "The handover of “Late checkout” from Alice Adams to Bob Brown was withdrawn: the action was escalated"
				require.Equal(t, map[string]string{"alice": both, "bob": both}, told)
				require.Equal(t, "“Late checkout” is now due 2029-06-01T11:02:00Z: guest agreed", extended[0].Message)
				return
			}
			require.Equal(t, map[string]string{
				"alice": "Your handover of “Late checkout” to Bob Brown was withdrawn: the action was escalated by Carol Clark.",
				"bob":   "Alice Adams's handover of “Late checkout” to you was withdrawn: the action was escalated by Carol Clark. You need do nothing with it.",
			}, told)
			require.Equal(t, "“Late checkout” is now due 2029-06-01T11:02:00Z, given by dave, which ends its escalation: guest agreed", extended[0].Message)
		})
	}
}

// From revision 28 the reminders to follow up an action handed over in a shift handover that a
// supervisor ran for the hander go to that supervisor too, in their own words; revision 27
// reminded the hander alone, often gone home by then.
func TestRevision28FollowUpRemindsWhoRanTheShiftHandover(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, rev := range []int{27, 28} {
		t.Run(fmt.Sprint("revision ", rev), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r28-follow-%d", rev))
			in.Revision, in.OwnerName, in.DueAt = rev, "Alice Adams", now.Add(4*time.Hour)
			s, _ := workflows.NewState(in, now)
			h := handoverTo(bobBrown)
			h.Actor, h.ShiftHandoverID, h.StartedBy = carolClark, "sh-1", "carol"
			workflows.ApplyHandover(&s, h, now)
			workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
			s.TakeOutbox()
			at, kind := s.NextDeadline()
			require.Equal(t, workflows.DeadlineFollowUp, kind)
			s.Fire(kind, at)
			told := map[string]string{}
			for _, n := range takeOutbox(&s, workflows.NotifyFollowUp) {
				told[n.To[0]] = n.Message
			}
			want := map[string]string{"alice": "Follow up with Bob Brown on “Late checkout”, which you handed over."}
			if rev >= 28 {
				want["carol"] = "Follow up with Bob Brown on “Late checkout”, which you handed over for Alice Adams in the shift handover you ran."
			}
			require.Equal(t, want, told)
		})
	}
}

// From revision 28 whoever set an escalation going hears how it ended once: not again when the
// change tells them already (reassigned to them, say).
func TestRevision28EscalatorToldOnce(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("r28-once")
	in.DueAt = now.Add(time.Hour)
	s, _ := workflows.NewState(in, now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
	for s.Status != workflows.StatusChecking {
		at, kind := s.NextDeadline()
		s.Fire(kind, at)
	}
	check := workflows.CheckInput{Actor: alice, Result: workflows.CheckNotDone, Next: workflows.NextEscalate, Notes: "housekeeping never confirmed"}
	require.NoError(t, workflows.CheckCheck(&s, check))
	workflows.ApplyCheck(&s, check, now.Add(time.Hour))
	require.Equal(t, workflows.StatusEscalated, s.Status)
	require.Equal(t, "alice", s.EscalatedBy)
	s.TakeOutbox()
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: dave, To: onShift("alice", 1), Reason: "she knows the guest"}, now.Add(2*time.Hour))
	handled := takeOutbox(&s, workflows.NotifyEscalationHandled)
	require.Len(t, handled, 1)
	require.Empty(t, handled[0].To, "Alice is told it is hers by the reassignment")
}
