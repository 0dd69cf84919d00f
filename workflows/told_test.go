package workflows_test

import (
	"errors"
	"fmt"
	"strings"
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

// A record that ended a message's task in error (told, where the customer was not reached after
// all) is undone by who made it or a supervisor, saying what was wrong: the task is open again,
// whoever was asked to tell it and whoever made the record are told, and it can be recorded anew.
// An undo is refused from anyone else, with a method, without a note, and with no record to undo.
func TestToldUndoReopensTheMessage(t *testing.T) {
	b := setup(t)
	record := func(by workflows.Actor, outcome, method, note string) *step {
		return &step{name: workflows.UpdateTold, arg: workflows.ToldInput{Actor: by, MessageSeq: 4, Outcome: outcome, Method: method, Note: note}}
	}
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	// created 1, handover_requested 2, handover_accepted 3, customer_told 4 (bob is asked).
	nothingYet := record(carol, workflows.MessageUndo, "", "not told")
	byAlice := record(alice, workflows.MessageTold, "phone", "")                         // 5
	notHers := record(bob, workflows.MessageUndo, "", "I never called")                  // an agent, not who recorded it
	noNote := record(alice, workflows.MessageUndo, "", " ")                              //
	withMethod := record(alice, workflows.MessageUndo, "phone", "wrong guest")           //
	bySupervisor := record(carol, workflows.MessageUndo, "", "it was the wrong guest")   // 6
	again := record(carol, workflows.MessageUndo, "", "twice")                           //
	notNeeded := record(bob, workflows.MessageNotNeeded, "", "they checked out already") // 7
	ownUndo := record(bob, workflows.MessageUndo, "", "they are still here")             // 8
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm"}}
	b.run(t, startInput("a-undo"), create, handover, accept, nothingYet, byAlice, notHers, noNote, withMethod, bySupervisor, again, notNeeded, ownUndo, complete)

	requireRefused(t, nothingYet, workflows.ErrConflict)
	require.ErrorContains(t, nothingYet.err, "nobody has recorded the message of entry 4 told, or not needed: there is no record to undo")
	require.NoError(t, byAlice.err)
	requireRefused(t, notHers, workflows.ErrForbidden)
	require.ErrorContains(t, notHers.err, "only alice, who made the record of entry 5, or a supervisor or manager may undo it")
	requireRefused(t, noNote, workflows.ErrInvalid)
	require.ErrorContains(t, noNote.err, "note: say what was wrong with the record of entry 5")
	requireRefused(t, withMethod, workflows.ErrInvalid)
	require.ErrorContains(t, withMethod.err, "method: leave it out")
	require.NoError(t, bySupervisor.err)
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", UndoneSeq: 6}}, bySupervisor.state.Messages)
	require.EqualValues(t, 4, bySupervisor.state.Changed, "an undo is no change a decision is to see")
	requireRefused(t, again, workflows.ErrConflict)
	require.NoError(t, notNeeded.err)
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", EndedSeq: 7, EndedBy: "bob", NotNeeded: true, UndoneSeq: 6}}, notNeeded.state.Messages)
	require.NoError(t, ownUndo.err)
	require.Equal(t, []workflows.CustomerMessage{{Seq: 4, AskedID: "bob", UndoneSeq: 8}}, ownUndo.state.Messages)

	events, err := b.store.ListEvents(t.Context(), "a-undo")
	require.NoError(t, err)
	undone := map[string]string{}
	for _, e := range events {
		if e.Type == workflows.EventMessageRecordUndone {
			undone[fmt.Sprintf("%d %s", e.Seq, e.ActorID)] = e.Data
		}
	}
	require.Len(t, undone, 2)
	require.JSONEq(t, `{"message_seq": 4, "undone_seq": 5, "note": "it was the wrong guest"}`, undone["6 carol"])
	require.JSONEq(t, `{"message_seq": 4, "undone_seq": 7, "note": "they are still here"}`, undone["8 bob"])

	// The task is bob's to do again; the tells of each record and undo went to those it was not.
	open, err := b.store.OpenTellTasks(t.Context(), "a-undo")
	require.NoError(t, err)
	require.Len(t, open, 1)
	require.Equal(t, "bob", open[0].RecipientID)
	require.EqualValues(t, 4, open[0].Seq)
	recorded := func(staff string) map[int64]string {
		records, err := b.store.ListNotifications(t.Context(), staff, 50)
		require.NoError(t, err)
		got := map[int64]string{}
		for _, n := range records {
			if n.Kind == workflows.NotifyMessageRecorded {
				got[n.Seq] = n.Message
			}
		}
		return got
	}
	require.Equal(t, map[int64]string{
		5: `alice told the customer of “Late checkout” the message of entry 4 (phone): it is no longer yours to tell.`,
		6: `carol undid the record of entry 5 (told, phone) of “Late checkout”: the customer is still to be told the message of entry 4, and it is yours to tell again.`,
	}, recorded("bob"))
	require.Equal(t, map[int64]string{
		6: `carol undid your record of entry 5 (told, phone) of “Late checkout”: the customer is still to be told the message of entry 4.`,
	}, recorded("alice"))
	require.Empty(t, recorded("carol"))
}

// An undo tells whoever sees the task again: the owner the action was reassigned to since the
// message was sent (their inbox lists it while it is theirs) besides who was asked; and the team's
// supervisors for a message nobody was asked to tell by name (the action had no owner).
func TestToldUndoTellsWhoeverSeesTheTaskAgain(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s := acceptedByBob(workflows.CurrentRevision, now)
	seq := s.Messages[0].Seq
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "bob went home"}, now)
	workflows.ApplyTold(&s, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}, now)
	s.TakeOutbox()
	undo := workflows.ToldInput{Actor: carol, MessageSeq: seq, Outcome: workflows.MessageUndo, Note: "wrong guest"}
	require.NoError(t, workflows.CheckTold(&s, undo))
	workflows.ApplyTold(&s, undo, now)
	to := map[string]string{}
	for _, n := range s.TakeOutbox() {
		require.Equal(t, workflows.NotifyMessageRecorded, n.Kind)
		to[strings.Join(n.To, ",")+"|"+string(n.ToRole)] = n.Message
	}
	require.Equal(t, map[string]string{
		"bob|":  `carol undid the record of entry 7 (told, phone) of “Late checkout”: the customer is still to be told the message of entry 4, and it is yours to tell again.`,
		"erin|": `carol undid the record of entry 7 (told, phone) of “Late checkout”: the customer is still to be told the message of entry 4, which your inbox lists while the action is yours.`,
	}, to)

	// Revision 22 (an undo as the release before made it) tells who was asked alone.
	older := acceptedByBob(22, now)
	workflows.ApplyReassign(&older, workflows.ReassignInput{Actor: carol, To: onShift("erin", 1), Reason: "bob went home"}, now)
	workflows.ApplyTold(&older, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}, now)
	older.TakeOutbox()
	workflows.ApplyTold(&older, undo, now)
	notes := older.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, []string{"bob"}, notes[0].To)

	unowned := acceptedByBob(workflows.CurrentRevision, now)
	workflows.ApplyTold(&unowned, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}, now)
	unowned.Messages[0].AskedID, unowned.OwnerID, unowned.Status = "", "", workflows.StatusUnassigned
	unowned.TakeOutbox()
	workflows.ApplyTold(&unowned, workflows.ToldInput{Actor: bob, MessageSeq: seq, Outcome: workflows.MessageUndo, Note: "wrong guest"}, now)
	notes = unowned.TakeOutbox()
	require.Len(t, notes, 1)
	require.Empty(t, notes[0].To)
	require.Equal(t, workflows.RoleSupervisor, notes[0].ToRole)
	require.Equal(t, `bob undid the record of entry 5 (told, phone) of “Late checkout”: the customer is still to be told the message of entry 4.`, notes[0].Message)
	// Revision 22 names nobody then, and has no role to tell: no notice to nobody.
	older = acceptedByBob(22, now)
	workflows.ApplyTold(&older, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}, now)
	older.Messages[0].AskedID, older.OwnerID, older.Status = "", "", workflows.StatusUnassigned
	older.TakeOutbox()
	workflows.ApplyTold(&older, workflows.ToldInput{Actor: bob, MessageSeq: seq, Outcome: workflows.MessageUndo, Note: "wrong guest"}, now)
	require.Empty(t, older.TakeOutbox(), "nobody named, no role: no notice to nobody")
}

// From revision 23 whoever was asked to tell a message hears of a colleague's try that did not
// reach the customer (not of their own); revision 22 says nothing.
func TestToldColleaguesTryTellsWhoeverWasAsked(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, revision := range []int{22, 23} {
		s := acceptedByBob(revision, now)
		seq := s.Messages[0].Seq
		workflows.ApplyTold(&s, workflows.ToldInput{Actor: bob, MessageSeq: seq, Outcome: workflows.MessageNotReached, Method: "phone"}, now)
		require.Empty(t, s.TakeOutbox(), "their own try")
		workflows.ApplyTold(&s, workflows.ToldInput{Actor: carol, MessageSeq: seq, Outcome: workflows.MessageNotReached, Method: "text_message", Note: "no answer"}, now)
		notes := s.TakeOutbox()
		if revision == 22 {
			require.Empty(t, notes)
			continue
		}
		require.Len(t, notes, 1)
		require.Equal(t, workflows.NotifyMessageRecorded, notes[0].Kind)
		require.Equal(t, []string{"bob"}, notes[0].To)
		require.Equal(t, `carol tried to tell the customer of "Late checkout" the message of entry 4 (text message) and could not reach them (try 2): it is still yours to tell.`, notes[0].Message)
	}
}
