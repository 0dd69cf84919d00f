package workflows_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

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
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", EndedSeq: 5, EndedBy: "bob", DeliveredHow: "phone"}}, byOwner.state.Messages)
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

// A try that did not reach the customer is recorded and leaves the message to tell, counting the
// tries, the inbox showing the last; a message the customer need not be told is recorded with why,
// and ends it as telling it would. A not needed takes a reason and no method, a try a method.
func TestToldRecordsTriesAndMessagesNotNeeded(t *testing.T) {
	b := setup(t)
	record := func(by workflows.Actor, seq int64, outcome, method, note string) *step {
		return &step{name: workflows.UpdateTold, arg: workflows.ToldInput{Actor: by, MessageSeq: seq, Outcome: outcome, Method: method, Note: note}}
	}
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout, tell housekeeping"}}
	// created 1, handover_requested 2, handover_accepted 3, customer_told 4.
	noWayTried := record(bob, 4, workflows.MessageNotReached, "", "")
	unknown := record(bob, 4, "lost", "phone", "")
	first := record(bob, 4, workflows.MessageNotReached, "phone", "no answer")
	second := record(carol, 4, workflows.MessageNotReached, "email", "")
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm", CustomerMessage: "Enjoy your trip"}}
	// completed 7, customer_told 8.
	withMethod := record(bob, 4, workflows.MessageNotNeeded, "phone", "the later message says it all")
	noReason := record(bob, 4, workflows.MessageNotNeeded, "", "  ")
	notNeeded := record(bob, 4, workflows.MessageNotNeeded, "", "the later message says it all")
	toldAfter := record(carol, 4, workflows.MessageTold, "phone", "")
	triedAfter := record(carol, 4, workflows.MessageNotReached, "phone", "")
	told := record(carol, 8, "", "face_to_face", "at the door")
	b.run(t, startInput("a-tries"), create, handover, accept, noWayTried, unknown, first, second, complete, withMethod, noReason, notNeeded, toldAfter, triedAfter, told)

	requireRefused(t, noWayTried, workflows.ErrInvalid)
	require.ErrorContains(t, noWayTried.err, "method: say how you tried to reach the customer: one of phone, email")
	requireRefused(t, unknown, workflows.ErrInvalid)
	require.ErrorContains(t, unknown.err, "outcome: one of told, not_reached, not_needed")
	require.NoError(t, first.err)
	require.NoError(t, second.err)
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", Tries: 2, TriedSeq: 6}}, second.state.Messages)
	require.EqualValues(t, 4, second.state.Changed, "a try is no change a decision is to see")
	requireRefused(t, withMethod, workflows.ErrInvalid)
	require.ErrorContains(t, withMethod.err, "method: leave it out")
	requireRefused(t, noReason, workflows.ErrInvalid)
	require.ErrorContains(t, noReason.err, "note: say why the customer need not be told")
	require.NoError(t, notNeeded.err)
	require.Equal(t, workflows.CustomerMessage{Seq: 4, AskedID: "bob", Tries: 2, TriedSeq: 6, EndedSeq: 9, EndedBy: "bob", NotNeeded: true}, notNeeded.state.Messages[0])
	for _, after := range []*step{toldAfter, triedAfter} {
		requireRefused(t, after, workflows.ErrConflict)
		var refusal *temporal.ApplicationError
		require.True(t, errors.As(after.err, &refusal))
		require.Equal(t, "bob recorded that the customer need not be told the message of entry 4 (entry 9)", refusal.Message())
	}
	require.NoError(t, told.err)

	events, err := b.store.ListEvents(t.Context(), "a-tries")
	require.NoError(t, err)
	data := map[string]string{}
	for _, e := range events {
		switch e.Type {
		case workflows.EventMessageNotReached, workflows.EventMessageNotNeeded, workflows.EventMessageDelivered:
			data[fmt.Sprintf("%d %s %s", e.Seq, e.Type, e.ActorID)] = e.Data
		}
	}
	require.Len(t, data, 4)
	require.JSONEq(t, `{"message_seq": 4, "method": "phone", "try": 1, "note": "no answer"}`, data["5 message_not_reached bob"])
	require.JSONEq(t, `{"message_seq": 4, "method": "email", "try": 2}`, data["6 message_not_reached carol"])
	require.JSONEq(t, `{"message_seq": 4, "note": "the later message says it all"}`, data["9 message_not_needed bob"])
	require.JSONEq(t, `{"message_seq": 8, "method": "face_to_face", "note": "at the door"}`, data["10 message_delivered carol"])

	// Both tasks are done: one not needed, one told.
	open, err := b.store.OpenTellTasks(t.Context(), "a-tries")
	require.NoError(t, err)
	require.Empty(t, open)
	records, err := b.store.ListNotifications(t.Context(), "bob", 50)
	require.NoError(t, err)
	done := map[int64]int64{}
	for _, n := range records {
		if n.Kind == models.KindTellCustomer {
			require.NotNil(t, n.DoneSeq, "task at %d", n.Seq)
			done[n.Seq] = *n.DoneSeq
		}
	}
	require.Equal(t, map[int64]int64{4: 9, 8: 10}, done)
}

// While a message is still to tell, the inbox lists it with its last try that did not reach the
// customer (after the action ends too).
func TestToldTriesShowInTheInbox(t *testing.T) {
	b := setup(t)
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	tried := &step{name: workflows.UpdateTold, arg: workflows.ToldInput{Actor: carol, MessageSeq: 4, Outcome: workflows.MessageNotReached, Method: "phone", Note: "voicemail left"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm"}}
	b.run(t, startInput("a-tried"), create, handover, accept, tried, complete)
	require.NoError(t, tried.err)

	tasks, err := b.store.CustomersToTell(t.Context(), models.InboxOf{StaffID: "bob", AllTeams: true}, time.Now().AddDate(0, 0, -1))
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	task := tasks[0]
	require.EqualValues(t, 4, task.Seq)
	require.NotNil(t, task.TriedSeq)
	require.EqualValues(t, 5, *task.TriedSeq)
	require.Equal(t, "carol", task.TriedBy)
	require.NotNil(t, task.TriedAt)
	require.Equal(t, tried.state.UpdatedAt, *task.TriedAt)
	require.JSONEq(t, `{"message_seq": 4, "method": "phone", "try": 1, "note": "voicemail left"}`, task.TriedData)
}
