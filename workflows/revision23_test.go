package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// From revision 23, a day before an ended action's records close, the messages to the customer
// the read model still gives someone to tell, and the state knows untold, are recorded once as
// messages_untold, and those asked and the team's supervisors are told: a message recorded since
// the read model was read is left out, and with none untold nothing is recorded.
func TestRevision23WarnUntoldNamesTheMessagesStillToTell(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	closeAt := now.Add(24 * time.Hour)
	s := acceptedByBob(23, now)
	workflows.ApplyComplete(&s, workflows.CompleteInput{Actor: bob, Outcome: "done", CustomerMessage: "See you soon"}, now)
	s.TakeOutbox()
	require.Len(t, s.Messages, 2)
	first, second := s.Messages[0].Seq, s.Messages[1].Seq
	tasks := []workflows.UntoldTask{{Seq: first, RecipientID: "bob"}, {Seq: second, RecipientID: "bob"}, {Seq: second, RecipientID: "erin"}}

	events := s.WarnUntold(now, closeAt, tasks)
	require.Len(t, events, 1)
	ev := events[0]
	require.Equal(t, workflows.EventMessagesUntold, ev.Type)
	require.Equal(t, workflows.SystemActor, ev.ActorID)
	require.Equal(t, map[string]any{"message_seqs": []int64{first, second}, "records_close_at": closeAt}, ev.Data)
	require.Equal(t, second, s.Changed, "no change a decision is to see")
	notes := s.TakeOutbox()
	require.Len(t, notes, 1)
	require.Equal(t, workflows.NotifyMessagesUntold, notes[0].Kind)
	require.Equal(t, []string{"bob", "erin"}, notes[0].To)
	require.Equal(t, workflows.RoleSupervisor, notes[0].ToRole)
	require.Equal(t, `The customer of "Late checkout" has still not been told the messages of entries 4 and 6, and the action's records close at 2029-06-02T09:00:00Z: tell them and record it, or record that they need not be told. After that nobody can.`, notes[0].Message)
	require.Empty(t, s.WarnUntold(now, closeAt, tasks), "once")

	told := acceptedByBob(23, now)
	workflows.ApplyTold(&told, workflows.ToldInput{Actor: bob, MessageSeq: first, Method: "phone"}, now)
	told.TakeOutbox()
	require.Empty(t, told.WarnUntold(now, closeAt, tasks[:1]), "told since the read model was read")
	require.True(t, told.UntoldWarned, "looked at, once")
	require.Empty(t, told.TakeOutbox())
}

// An ended action with a message still to tell records messages_untold a day before its records
// close (revision 23), and those asked are told in the inbox; revision 22 closes without a word,
// and so does an action whose messages were all told.
func TestRevision23UntoldMessagesBeforeTheRecordsClose(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		revision int
		tell     bool
		warned   bool
	}{
		{"revision 23", 23, false, true},
		{"revision 22", 22, false, false},
		{"all told", 23, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := setup(t)
			in := startInput("a-untold")
			in.Revision = tc.revision
			steps := []*step{
				{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}},
				{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))},
				{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}},
			}
			// created 1, handover_requested 2, handover_accepted 3, customer_told 4.
			if tc.tell {
				steps = append(steps, &step{name: workflows.UpdateTold, arg: workflows.ToldInput{Actor: bob, MessageSeq: 4, Method: "phone"}})
			}
			complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm"}}
			b.run(t, in, append(steps, complete)...)
			require.NoError(t, complete.err)

			events, err := b.store.ListEvents(t.Context(), "a-untold")
			require.NoError(t, err)
			var untold []models.ActionEvent
			for _, e := range events {
				if e.Type == workflows.EventMessagesUntold {
					untold = append(untold, e)
				}
			}
			records, err := b.store.ListNotifications(t.Context(), "bob", 50)
			require.NoError(t, err)
			var told []models.Notification
			for _, n := range records {
				if n.Kind == workflows.NotifyMessagesUntold {
					told = append(told, n)
				}
			}
			if !tc.warned {
				require.Empty(t, untold)
				require.Empty(t, told)
				return
			}
			require.Len(t, untold, 1)
			closeAt := complete.state.UpdatedAt.Add(workflows.DefaultKeepOpenFor)
			require.Equal(t, closeAt.Add(-workflows.UntoldWarning).UTC(), untold[0].At.UTC(), "a day before the records close")
			require.JSONEq(t, `{"message_seqs": [4], "records_close_at": "`+closeAt.Format(time.RFC3339Nano)+`"}`, untold[0].Data)
			require.Len(t, told, 1)
			require.Equal(t, untold[0].Seq, told[0].Seq)
			require.Contains(t, told[0].Message, `The customer of "Late checkout" has still not been told the message of entry 4, and the action's records close at `+closeAt.Format(time.RFC3339))
		})
	}
}

// The look for messages still to tell keeps its time when the ended action's run continues as new
// while it takes records: the next run, given the time left, looks when the first would have, not
// a day (or half the time) before the end of what is left.
func TestRevision23WarningKeepsItsTimeAcrossContinueAsNew(t *testing.T) {
	b := setup(t)
	in := startInput("a-resumed")
	in.Revision = 22 // the first run leaves the read model its task, and records no warning
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checked out at 2pm"}}
	b.run(t, in,
		&step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}},
		&step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))},
		&step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}},
		complete)
	require.NoError(t, complete.err)

	resumed := complete.state
	start := resumed.UpdatedAt.Add(8 * 24 * time.Hour).Truncate(time.Second)
	resumed.UntoldWarnAt = start.Add(time.Hour) // as the run before set it
	next := newBundle(t, b.store)
	next.env.SetStartTime(start)
	again := startInput("a-resumed")
	again.Resume, again.KeepOpenFor = &resumed, 5*time.Hour
	next.env.ExecuteWorkflow(workflows.ActionWorkflow, again)
	require.True(t, next.env.IsWorkflowCompleted())
	require.NoError(t, next.env.GetWorkflowError())

	events, err := b.store.ListEvents(t.Context(), "a-resumed")
	require.NoError(t, err)
	last := events[len(events)-1]
	require.Equal(t, workflows.EventMessagesUntold, last.Type)
	require.Equal(t, start.Add(time.Hour).UTC(), last.At.UTC(), "when the first run would have looked")
	require.JSONEq(t, `{"message_seqs": [4], "records_close_at": "`+start.Add(5*time.Hour).UTC().Format(time.RFC3339Nano)+`"}`, last.Data)
}
