package workflows_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// acceptedByBob is an action of the revision handed over to bob, who accepted it at now: its
// message to the customer is entry 4, its notifications taken.
func acceptedByBob(revision int, now time.Time) workflows.State {
	in := startInput("r22")
	in.Revision, in.DueAt = revision, now.Add(2*time.Hour)
	s, _ := workflows.NewState(in, now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now)
	s.TakeOutbox()
	return s
}

// From revision 22 a message to the customer that the integration could not send is given to the
// owner to tell by hand, once, with a message_undelivered entry; to the team's supervisors when
// nobody owns the action. Revision 21 leaves it (the customer was never told), and so does a
// message already told or found not needed.
func TestRevision22UndeliveredMessageGivenToTellByHand(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	accepted := func(revision int) workflows.State { return acceptedByBob(revision, now) }
	s := accepted(22)
	require.Len(t, s.Messages, 1)
	seq := s.Messages[0].Seq
	require.Empty(t, s.MessageUndelivered(now, seq+1), "no message there")
	events := s.MessageUndelivered(now.Add(24*time.Hour), seq)
	require.Len(t, events, 1)
	require.Equal(t, workflows.EventMessageUndelivered, events[0].Type)
	require.Equal(t, workflows.SystemActor, events[0].ActorID)
	require.Equal(t, map[string]any{"message_seq": seq}, events[0].Data)
	require.Equal(t, seq, s.Changed, "no change a decision is to see")
	notes := s.TakeOutbox()
	require.Len(t, notes, 1)
	n := notes[0]
	require.Equal(t, workflows.NotifyCustomerMessage, n.Kind)
	require.True(t, n.ByHand)
	require.Equal(t, seq, n.Seq, "the task is the message's, at its entry")
	require.Equal(t, []string{"bob"}, n.To)
	require.Equal(t, `The integration could not send the customer of "Late checkout" the message of entry 4 of its timeline: tell them yourself, and record how.`, n.Message)
	require.Equal(t, workflows.CustomerMessage{Seq: seq, AskedID: "bob", Undelivered: true}, s.Messages[0])
	require.Empty(t, s.MessageUndelivered(now, seq), "given once")

	require.Empty(t, func() []workflows.Event { s := accepted(21); return s.MessageUndelivered(now, seq) }(), "revision 21 keeps its ways")
	told := accepted(22)
	workflows.ApplyTold(&told, workflows.ToldInput{Actor: bob, MessageSeq: seq, Method: "phone"}, now)
	require.Empty(t, told.MessageUndelivered(now, seq), "told already, by hand")
	unowned := accepted(22)
	unowned.OwnerID, unowned.Status = "", workflows.StatusUnassigned
	unowned.MessageUndelivered(now, seq)
	notes = unowned.TakeOutbox()
	require.Len(t, notes, 1)
	require.Empty(t, notes[0].To)
	require.Equal(t, workflows.RoleSupervisor, notes[0].ToRole)
}

// With a webhook that refuses the message to the customer, the workflow gives it to the owner by
// hand: the inbox lists it (the read model has the task, a webhook configured or not), the
// timeline has message_undelivered, and the task goes to no webhook.
func TestRevision22RefusedMessageListedInTheInbox(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	kinds := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Type string `json:"type"`
		}
		_ = json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		kinds[ev.Type]++
		mu.Unlock()
		if ev.Type == "action."+workflows.NotifyCustomerMessage {
			http.Error(w, "no contact for this guest", http.StatusUnprocessableEntity)
		}
	}))
	t.Cleanup(hook.Close)
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	b := bundleWith(t, &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: hook.URL, Secret: "s"}})
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}}
	state := probe(time.Hour)
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "told him at the desk"}, at: 2 * time.Hour}
	b.run(t, startInput("a-undelivered"), create, handover, accept, state, complete)

	require.True(t, state.state.Messages[0].Undelivered)
	events, err := store.ListEvents(t.Context(), "a-undelivered")
	require.NoError(t, err)
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	// Still untold a day before the records close (revision 23): named again.
	require.Equal(t, "created handover_requested handover_accepted customer_told message_undelivered completed messages_untold", strings.Join(types, " "))
	require.JSONEq(t, `{"message_seq": 4}`, events[4].Data)
	tasks, err := store.CustomersToTell(t.Context(), models.InboxOf{StaffID: "bob", AllTeams: true}, time.Now().AddDate(0, 0, -1))
	require.NoError(t, err)
	require.Len(t, tasks, 1, "bob is to tell the customer himself")
	require.EqualValues(t, 4, tasks[0].Seq)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 1, kinds["action."+workflows.NotifyCustomerMessage], "sent once, refused, and not sent again")
	require.Equal(t, 1, kinds["action."+workflows.EventMessageUndelivered], "the change itself goes to the integration")
}

// From revision 22 whoever was asked to tell the customer a message hears when someone else
// records it told or not needed: the task leaves their inbox, and they might still call. Not of
// their own record, nor of a try; revision 21 says nothing.
func TestRevision22AskedHearOfAColleaguesRecord(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	accepted := func(revision int) workflows.State { return acceptedByBob(revision, now) }
	erin := workflows.Actor{ID: "erin", Role: workflows.RoleAgent, Name: "Erin Evans"}
	recorded := func(s workflows.State, in workflows.ToldInput) []workflows.Notification {
		require.NoError(t, workflows.CheckTold(&s, in))
		workflows.ApplyTold(&s, in, now)
		return takeOutbox(&s, workflows.NotifyMessageRecorded)
	}
	told := recorded(accepted(22), workflows.ToldInput{Actor: erin, MessageSeq: 4, Method: "face_to_face"})
	require.Len(t, told, 1)
	require.Equal(t, []string{"bob"}, told[0].To)
	require.Equal(t, `Erin Evans told the customer of "Late checkout" the message of entry 4 (face to face): it is no longer yours to tell.`, told[0].Message)
	notNeeded := recorded(accepted(22), workflows.ToldInput{Actor: erin, MessageSeq: 4, Outcome: workflows.MessageNotNeeded, Note: "she knew"})
	require.Len(t, notNeeded, 1)
	require.Equal(t, `Erin Evans recorded that the customer of "Late checkout" need not be told the message of entry 4: it is no longer yours to tell.`, notNeeded[0].Message)
	require.Empty(t, recorded(accepted(22), workflows.ToldInput{Actor: erin, MessageSeq: 4, Outcome: workflows.MessageNotReached, Method: "phone"}), "a try leaves it theirs")
	require.Empty(t, recorded(accepted(22), workflows.ToldInput{Actor: bob, MessageSeq: 4, Method: "phone"}), "their own record")
	require.Empty(t, recorded(accepted(21), workflows.ToldInput{Actor: erin, MessageSeq: 4, Method: "phone"}), "revision 21 keeps its ways")
}
