package workflows_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Where no integration sends customers messages, the owner is asked to tell the customer an
// accepted handover's message; recording that they did (told) takes the task off their inbox and
// puts on the timeline how the customer was told. It is refused for an entry that is no message,
// without a way of telling, from an administrator and a second time.
func TestToldRecordsTheMessageDelivered(t *testing.T) {
	b := setup(t)
	root := workflows.Actor{ID: "root", Role: workflows.RoleAdmin}
	told := func(by workflows.Actor, seq int64, method string) *step {
		return &step{name: workflows.UpdateTold, arg: workflows.ToldInput{Actor: by, MessageSeq: seq, Method: method}}
	}
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout, tell housekeeping"}}
	// created 1, handover_requested 2, handover_accepted 3, customer_told 4.
	stranger := told(root, 4, "phone")
	notMessage := told(bob, 3, "phone")
	noEntry := told(bob, 99, "phone")
	noSeq := told(bob, 0, "phone")
	noWay := told(bob, 4, "pigeon")
	byOwner := told(bob, 4, "phone")
	again := told(carol, 4, "email")
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm", CustomerMessage: "Enjoy your trip"}}
	// completed 6, customer_told 7: told once the action is completed, by the supervisor.
	afterClose := told(carol, 7, "email")
	b.run(t, startInput("a-told"), create, handover, accept, stranger, notMessage, noEntry, noSeq, noWay, byOwner, again, complete, afterClose)

	requireRefused(t, stranger, workflows.ErrForbidden)
	requireRefused(t, notMessage, workflows.ErrInvalid)
	require.ErrorContains(t, notMessage.err, "message_seq: entry 3 of the timeline is not a message to the customer")
	requireRefused(t, noEntry, workflows.ErrInvalid)
	require.ErrorContains(t, noEntry.err, "message_seq: the timeline has no entry 99: it has 4")
	requireRefused(t, noSeq, workflows.ErrInvalid)
	requireRefused(t, noWay, workflows.ErrInvalid)
	require.ErrorContains(t, noWay.err, "method: say how you told the customer: one of phone, email, text_message, chat, face_to_face, letter")
	require.NoError(t, byOwner.err)
	require.EqualValues(t, 5, byOwner.state.Version)
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", DeliveredSeq: 5, DeliveredBy: "bob", DeliveredHow: "phone"}}, byOwner.state.Messages)
	requireRefused(t, again, workflows.ErrConflict)
	var refusal *temporal.ApplicationError
	require.True(t, errors.As(again.err, &refusal))
	require.Equal(t, "bob recorded telling the customer the message of entry 4 already by phone (entry 5)", refusal.Message())
	require.NoError(t, afterClose.err)
	require.Equal(t, workflows.StatusCompleted, afterClose.state.Status)
	require.EqualValues(t, 8, afterClose.state.Version)
	require.EqualValues(t, 7, afterClose.state.Changed, "telling the customer is no change a decision is to see")

	events, err := b.store.ListEvents(t.Context(), "a-told")
	require.NoError(t, err)
	var delivered []models.ActionEvent
	for _, e := range events {
		if e.Type == workflows.EventMessageDelivered {
			delivered = append(delivered, e)
		}
	}
	require.Len(t, delivered, 2)
	require.Equal(t, "bob", delivered[0].ActorID)
	require.JSONEq(t, `{"message_seq": 4, "method": "phone"}`, delivered[0].Data)
	require.Equal(t, "carol", delivered[1].ActorID)
	require.JSONEq(t, `{"message_seq": 7, "method": "email"}`, delivered[1].Data)

	// Without a webhook each message was a task in the owner's inbox: both are done.
	records, err := b.store.ListNotifications(t.Context(), "bob", 50)
	require.NoError(t, err)
	done := map[int64]bool{}
	for _, n := range records {
		if n.Kind == models.KindTellCustomer {
			done[n.Seq] = n.ReadAt != nil
		}
	}
	require.Equal(t, map[int64]bool{4: true, 7: true}, done)
	tasks, err := b.store.CustomersToTell(t.Context(), models.InboxOf{StaffID: "bob", AllTeams: true}, delivered[0].At.AddDate(0, 0, -1))
	require.NoError(t, err)
	require.Empty(t, tasks)
	open, err := b.store.OpenTellTasks(t.Context(), "a-told")
	require.NoError(t, err)
	require.Empty(t, open)
}
