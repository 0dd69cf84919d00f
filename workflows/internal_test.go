package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// eventTypes lists the types of events, in order.
func eventTypes(events []workflows.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Type
	}
	return out
}

// An internal action, the team's own work, has no customer: accepting a handover of it or
// reassigning it tells nobody anything and gives nobody a message to tell, and a message to the
// customer, or a customer's name or contact to correct, is refused by its field. An action with a
// customer still tells them, as before.
func TestInternalActionTellsNoCustomer(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("internal")
	in.Customer, in.Internal = workflows.Customer{}, true
	s, created := workflows.NewState(in, now)
	require.True(t, s.Internal)
	require.Equal(t, true, created.Data["internal"], "the timeline's first entry says so")
	_, customer := workflows.NewState(startInput("customer"), now)
	require.NotContains(t, customer.Data, "internal", "said only of an internal action")

	withMessage := handoverTo(onShift("bob", 1))
	withMessage.CustomerMessage = "Bob will see to it"
	kind, says := refusalOf(t, workflows.CheckHandover(&s, withMessage, now))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Equal(t, "customer_message: this action is internal: it has no customer to tell; leave it out", says)
	kind, says = refusalOf(t, workflows.CheckComplete(&s, workflows.CompleteInput{Actor: alice, Outcome: "done", CustomerMessage: "All done"}))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Contains(t, says, "customer_message: this action is internal")
	kind, says = refusalOf(t, workflows.CheckReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "rota", CustomerMessage: "Bob now"}))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Contains(t, says, "customer_message: this action is internal")
	kind, says = refusalOf(t, workflows.CheckCorrect(&s, workflows.CorrectInput{Actor: alice, CustomerName: ptr("Ms Patel")}))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Equal(t, "customer: this action is internal: it has no customer", says)

	handover := handoverTo(onShift("bob", 1))
	require.NoError(t, workflows.CheckHandover(&s, handover, now))
	workflows.ApplyHandover(&s, handover, now)
	accept := workflows.AcceptInput{Actor: bob, Summary: "I restock floor 3"}
	require.NoError(t, workflows.CheckAccept(&s, accept))
	require.Equal(t, []string{workflows.EventHandoverAccepted}, eventTypes(workflows.ApplyAccept(&s, accept, now.Add(time.Minute))))
	reassign := workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "rota"}
	require.NoError(t, workflows.CheckReassign(&s, reassign))
	require.Equal(t, []string{workflows.EventReassigned}, eventTypes(workflows.ApplyReassign(&s, reassign, now.Add(2*time.Minute))))
	require.Empty(t, s.Messages, "nobody is to tell anyone anything")
	require.Empty(t, takeOutbox(&s, workflows.NotifyCustomerMessage))

	// The same with a customer: each tells them.
	c, _ := workflows.NewState(startInput("customer"), now)
	workflows.ApplyHandover(&c, handover, now)
	require.Equal(t, []string{workflows.EventHandoverAccepted, workflows.EventCustomerTold}, eventTypes(workflows.ApplyAccept(&c, accept, now.Add(time.Minute))))
	require.Equal(t, []string{workflows.EventReassigned, workflows.EventCustomerTold}, eventTypes(workflows.ApplyReassign(&c, reassign, now.Add(2*time.Minute))))
	require.Len(t, c.Messages, 2)
}

// Someone without the authority an action needs is refused with what to do instead: an agent
// handing it over may ask a supervisor, but a supervisor reassigning it is not told to ask one.
func TestAuthorityRefusalSpeaksToTheChooser(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("refund")
	in.RequiredAuthority = 2
	s, _ := workflows.NewState(in, now)
	kind, says := refusalOf(t, workflows.CheckHandover(&s, handoverTo(onShift("bob", 1)), now))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Equal(t, "to_id: bob has authority 1, this action needs 2: choose someone with authority 2 or more, or ask a supervisor", says)
	_, says = refusalOf(t, workflows.CheckReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "rota"}))
	require.Equal(t, "to_id: bob has authority 1, this action needs 2: choose someone with authority 2 or more", says)
}
