package workflows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 27 a supervisor who passes an action to themselves in a shift handover they run
// is asked in their own words, and is not told of their own read-back or rating; revision 26
// named them to themselves ("carol passes you alice's ...") and told them both.
func TestRevision27SupervisorPassingToThemselves(t *testing.T) {
	t.Parallel()
	for _, rev := range []int{26, 27} {
		t.Run(fmt.Sprint("revision ", rev), func(t *testing.T) {
			now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
			in := startInput(fmt.Sprintf("r27-self-%d", rev))
			in.Revision, in.DueAt = rev, now.Add(8*time.Hour)
			s, _ := workflows.NewState(in, now)
			h := handoverTo(workflows.Recipient{ID: "carol", Role: workflows.RoleSupervisor, TeamID: "frontdesk", Authority: 3, OnShift: true, Active: true})
			h.Actor, h.Reason, h.Method = carol, "shift handover", "report"
			h.ShiftHandoverID, h.StartedBy = "sh-1", "carol"
			workflows.ApplyHandover(&s, h, now.Add(time.Minute))
			asked := takeOutbox(&s, workflows.NotifyHandoverRequested)
			require.Len(t, asked, 1)
			require.Equal(t, []string{"carol"}, asked[0].To)
			accept := workflows.AcceptInput{Actor: carol, Summary: "I call the guest at 10"}
			require.NoError(t, workflows.CheckAccept(&s, accept))
			workflows.ApplyAccept(&s, accept, now.Add(2*time.Minute))
			workflows.ApplyFeedback(&s, workflows.FeedbackInput{Actor: carol, HandoverID: "h1", Rating: 3}, now.Add(3*time.Minute))
			var told []string
			for _, n := range s.TakeOutbox() {
				if n.Kind == workflows.NotifyHandoverAccepted || n.Kind == workflows.NotifyFeedback {
					told = append(told, strings.Join(n.To, ",")+" "+n.Kind)
				}
			}
			if rev == 26 {
				require.True(t, strings.HasPrefix(asked[0].Message, "carol passes you alice's “Late checkout” in a shift handover: shift notes: Guest wants a 2pm checkout."), asked[0].Message)
				require.Equal(t, []string{"alice handover_accepted", "carol handover_accepted", "alice feedback", "carol feedback"}, told)
				return
			}
			require.True(t, strings.HasPrefix(asked[0].Message, "In the shift handover you ran for alice, you pass “Late checkout” to yourself: shift notes: Guest wants a 2pm checkout. Accept or decline by "), asked[0].Message)
			require.Equal(t, []string{"alice handover_accepted", "alice feedback"}, told, "the outgoing person only: carol made the read-back and the rating")
		})
	}
}

// From revision 27 the recipient of a handover withdrawn because they went off shift is told so
// in their own words; the hander still reads the reason, which names them. Revision 26 told the
// recipient the reason as it was.
func TestRevision27WithdrawnForGoingOffShift(t *testing.T) {
	t.Parallel()
	for _, rev := range []int{26, 27} {
		t.Run(fmt.Sprint("revision ", rev), func(t *testing.T) {
			now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
			in := startInput(fmt.Sprintf("r27-off-%d", rev))
			in.Revision, in.DueAt = rev, now.Add(8*time.Hour)
			s, _ := workflows.NewState(in, now)
			workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now.Add(time.Minute))
			s.TakeOutbox()
			w := workflows.WithdrawInput{Actor: carol, Reason: "bob is off shift now, so cannot accept it", HandoverID: "h1", OffShift: true}
			require.NoError(t, workflows.CheckWithdraw(&s, w))
			workflows.ApplyWithdraw(&s, w, now.Add(2*time.Minute))
			told := map[string]string{}
			for _, n := range takeOutbox(&s, workflows.NotifyHandoverWithdrawn) {
				told[strings.Join(n.To, ",")] = n.Message
			}
			toBob := "carol withdrew alice's handover of “Late checkout” to you, as you are off shift now. alice keeps it."
			if rev == 26 {
				toBob = "carol withdrew alice's handover of “Late checkout” to you: bob is off shift now, so cannot accept it. alice keeps it."
			}
			require.Equal(t, map[string]string{
				"bob":   toBob,
				"alice": "carol withdrew your handover of “Late checkout” to bob: bob is off shift now, so cannot accept it. You keep it.",
			}, told)
		})
	}
}
