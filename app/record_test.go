package app_test

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

var (
	recordHistories = flag.Bool("record-histories", false, "write the histories the replay tests in workflows/testdata use")
	recordOnly      = flag.String("record-only", "", "with -record-histories, write only the histories whose name matches this regular expression (a scenario added without a workflow change)")
)

// historyPrefix names the workflow version the recorded histories come from. Histories of older
// versions stay in testdata: running actions of those versions must still replay.
const historyPrefix = "v34-"

// TestRecordHistories drives actions through the real stack and saves their workflow histories, so
// that workflows' replay tests fail on any change that would break running actions. Run it with
// -record-histories only when a deliberate, versioned workflow change needs new histories; keep the
// old files too.
func TestRecordHistories(t *testing.T) {
	if !*recordHistories {
		t.Skip("pass -record-histories to write new histories into workflows/testdata")
	}
	// With a webhook, the histories hold the Notify activities it is sent through (v6 on: one for
	// every change, notified or not).
	hooks := newHookReceiver(t)
	st := startStack(t, t.TempDir(), "", hooks.webhook())
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	only := regexp.MustCompile(*recordOnly)
	// save writes the history of action id as it stands.
	save := func(name, id string) {
		history := &historypb.History{Events: actionHistory(t, st, id)}
		// Saved in plain JSON, as the replayer (with the SDK's own converter) reads it.
		decode := &codec.PayloadCodec{Keys: st.Keys}
		require.NoError(t, proxy.VisitPayloads(context.Background(), history, proxy.VisitPayloadsOptions{
			Visitor: func(_ *proxy.VisitPayloadsContext, p []*commonpb.Payload) ([]*commonpb.Payload, error) {
				return decode.Decode(p)
			},
		}))
		raw, err := protojson.MarshalOptions{Indent: "  "}.Marshal(history)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("..", "workflows", "testdata", historyPrefix+name+".json"), raw, 0o644))
	}
	recordFrom := func(name string, body map[string]any, steps func(id string)) {
		if !only.MatchString(name) {
			return
		}
		var a action
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a))
		steps(a.ID)
		save(name, a.ID)
	}
	record := func(name string, steps func(id string)) { recordFrom(name, newAction("alice"), steps) }
	record("handover_accept_complete", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusCreated, bob.call("POST", "/api/v1/actions/"+id+"/notes", map[string]any{"text": "done soon"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// Revision 20: the customer of a let-down handover hears that what went wrong is put right.
	record("let_down_accepted", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", merge(handoverBody, "situation", "let_down"), nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I put the booking right"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "rebooked"}, nil))
	})
	carol := as(t, st, "carol")
	// Revision 21: a reassignment tells the customer, here in the supervisor's own words.
	record("reassigned_customer_told", func(id string) {
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/reassign",
			map[string]any{"to_id": "bob", "reason": "alice went home ill", "customer_message": "Bob will call you before 3pm."}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "called back"}, nil))
	})
	// Revision 29: a reassignment that brings the due time forward tells the new owner so.
	record("reassigned_due_sooner", func(id string) {
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/reassign",
			map[string]any{"to_id": "bob", "reason": "alice went home ill", "due_in": "30m"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "called back"}, nil))
	})
	// acceptedWithMessage hands the action to bob, who accepts it: the entry of its message to the
	// customer.
	acceptedWithMessage := func(id string) int {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		seq := 0
		for i, e := range timelineOf(t, bob, id) {
			if e.Type == "customer_told" {
				seq = i + 1
			}
		}
		return seq
	}
	// The owner records telling the customer an accepted handover's message (no revision: a
	// command of its own).
	record("message_delivered", func(id string) {
		seq := acceptedWithMessage(id)
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "phone"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// A record of telling the customer made in error, undone by a supervisor, and the message told
	// after all (no revision: the told command's own outcome).
	record("message_record_undone", func(id string) {
		seq := acceptedWithMessage(id)
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "phone"}, nil))
		require.Equal(t, http.StatusOK, as(t, st, "carol").call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "outcome": "undo", "note": "rang the wrong room"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "email", "note": "sent at 10:05"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// startDirectly starts alice's action of the current revision as the API would, with what the
	// API never sets (times shortened to seconds) set by tweak, and waits for the read model.
	startDirectly := func(id string, tweak func(*workflows.StartInput)) {
		in := workflows.StartInput{
			ActionID: id, Title: "Late checkout for room 214", Category: "request", Priority: "normal", OwnerID: "alice",
			TeamID: "frontdesk", DueAt: time.Now().Add(4 * time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent, Name: "Alice Adams"},
			Customer: workflows.Customer{Ref: "G-214"}, Revision: workflows.CurrentRevision,
		}
		tweak(&in)
		_, err := st.Client.ExecuteWorkflow(t.Context(), client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(id), TaskQueue: workflows.TaskQueue},
			workflows.ActionWorkflowName, in)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return alice.call("GET", "/api/v1/actions/"+id, nil, nil) == http.StatusOK }, 10*time.Second, 20*time.Millisecond)
	}
	// Revision 23: an ended action with a message still to tell (the integration refused it, so
	// bob was given it by hand) names it a moment before its records close, here within seconds,
	// and the workflow ends: its whole history.
	if only.MatchString("messages_untold") {
		id := uuid.NewString()
		hooks.mu.Lock()
		hooks.refuse[id] = true
		hooks.mu.Unlock()
		startDirectly(id, func(in *workflows.StartInput) { in.KeepOpenFor = 3 * time.Second })
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Eventually(t, func() bool { return len(tasksOf(t, bob, id)) == 1 }, 10*time.Second, 50*time.Millisecond)
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
		require.NoError(t, st.Client.GetWorkflow(t.Context(), workflows.ActionWorkflowID(id), "").Get(t.Context(), nil))
		types := []string{}
		for _, e := range timelineOf(t, bob, id) {
			types = append(types, e.Type)
		}
		require.Equal(t, "messages_untold", types[len(types)-1])
		save("messages_untold", id)
	}
	// Revision 23: a colleague's try that did not reach the customer is told to bob, who was asked
	// to tell the message, and who then tells it.
	record("message_tried_by_colleague", func(id string) {
		seq := acceptedWithMessage(id)
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "outcome": "not_reached", "method": "phone", "note": "no answer"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "email"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// A try that did not reach the customer, a message found not needed and one told, each with a
	// note (no revision: the told command's own outcomes).
	record("message_not_reached_not_needed", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed", "customer_message": "Your late checkout is confirmed."}, nil))
		var told []int
		for i, e := range timelineOf(t, bob, id) {
			if e.Type == "customer_told" {
				told = append(told, i+1)
			}
		}
		require.Len(t, told, 2)
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": told[1], "outcome": "not_reached", "method": "phone", "note": "voicemail"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": told[0], "outcome": "not_needed", "note": "the later message says it all"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": told[1], "method": "email", "note": "sent at 10:05"}, nil))
	})
	// Revision 22: the integration refuses the message to the customer, which the owner is then
	// given to tell by hand, and does.
	record("message_undelivered", func(id string) {
		hooks.mu.Lock()
		hooks.refuse[id] = true
		hooks.mu.Unlock()
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Eventually(t, func() bool { return len(tasksOf(t, bob, id)) == 1 }, 10*time.Second, 50*time.Millisecond)
		seq := tasksOf(t, bob, id)[0].MessageSeq
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "phone"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// Revision 22: a colleague records telling the customer, and the person asked hears of it.
	record("message_told_by_colleague", func(id string) {
		seq := acceptedWithMessage(id)
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/told", map[string]any{"message_seq": seq, "method": "face_to_face"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	dueSoon := func(in string) map[string]any { return merge(newAction("alice"), "due_in", in) }
	recordFrom("due_escalated_reassigned", dueSoon("1s"), func(id string) {
		waitStatus(t, alice, id, "checking", 0)
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/escalate", map[string]any{"reason": "stuck"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/reassign", map[string]any{"to_id": "bob", "reason": "alice is away"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done"}, nil))
	})
	// Revision 13: a supervisor completes alice's action, and alice is told.
	recordFrom("completed_by_supervisor", newAction("alice"), func(id string) {
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done at the desk"}, nil))
	})
	recordFrom("check_reassigned_with_due", dueSoon("1s"), func(id string) {
		waitStatus(t, alice, id, "checking", 0)
		var a action
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/check",
			map[string]any{"result": "not_done", "next": "reassign", "to_id": "bob", "due_in": "2h", "notes": "alice is away"}, &a))
		require.Equal(t, "assigned", a.Status, "revision 3: bob has the new due time")
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done"}, nil))
	})
	// Revision 15: a supervisor's check escalates to the managers.
	recordFrom("check_escalated_by_supervisor", dueSoon("1s"), func(id string) {
		waitStatus(t, alice, id, "checking", 0)
		var a action
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/check",
			map[string]any{"result": "not_done", "next": "escalate", "notes": "permit office closed"}, &a))
		require.Equal(t, 2, a.EscalationLevel, "revision 15: the managers")
		require.Equal(t, http.StatusOK, as(t, st, "dave").call("POST", "/api/v1/actions/"+id+"/cancel", map[string]any{"reason": "guest left"}, nil))
	})
	record("handover_declined_refused", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusForbidden, alice.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I take it on"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/decline", map[string]any{"reason": "Off shift soon."}, nil))
	})
	// Corrections: a supervisor's while a handover waits (the owner and the recipient told, the
	// customer's contact sealed), the creator's once the action is someone else's, then completed.
	record("corrected_while_handed_over", func(id string) {
		path := "/api/v1/actions/" + id
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", path+"/correct", map[string]any{"title": "Late checkout for room 241", "customer": map[string]any{"contact": "+44 7700 900999"}, "reason": "The guest is in 241."}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout for 241, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/correct", map[string]any{"priority": "urgent", "details": "The guest flies at 6pm."}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// An internal action: its handover accepted and its reassignment tell no customer.
	internal := merge(newAction("alice"), "internal", true)
	delete(internal, "customer")
	recordFrom("internal_handed_over_reassigned", internal, func(id string) {
		path := "/api/v1/actions/" + id
		quiet := merge(handoverBody, "customer_message", "")
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", quiet, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "I restock floor 3"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", path+"/reassign", map[string]any{"to_id": "erin", "reason": "Bob is at the desk"}, nil))
		require.Equal(t, http.StatusOK, as(t, st, "erin").call("POST", path+"/complete", map[string]any{"outcome": "restocked"}, nil))
	})
	recordFrom("pause_resume", dueSoon("2s"), func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
		time.Sleep(3 * time.Second)
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/resume", map[string]any{"reason": "the guest answered"}, nil))
		waitStatus(t, alice, id, "checking", 0)
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/check", map[string]any{"result": "done", "notes": "the guest answered"}, nil))
	})
	// Revision 24: a pause given an end resumes by itself, and the action falls due after it.
	recordFrom("pause_ended_by_itself", dueSoon("2s"), func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest", "resume_in": "2s"}, nil))
		waitStatus(t, alice, id, "checking", 0)
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/check", map[string]any{"result": "done", "notes": "the guest answered"}, nil))
	})
	// Revision 24: an action nobody owns (nobody has the authority it needs), paused by a
	// supervisor until a time; it resumes by itself then, telling the supervisors.
	unowned := merge(merge(merge(newAction("alice"), "owner_id", ""), "team_id", "frontdesk"), "required_authority", 9)
	recordFrom("pause_ended_unowned", unowned, func(id string) {
		end := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest", "resume_at": end}, nil))
		require.Eventually(t, func() bool {
			var a struct {
				Paused bool `json:"paused"`
			}
			return carol.call("GET", "/api/v1/actions/"+id, nil, &a) == http.StatusOK && !a.Paused
		}, 20*time.Second, 50*time.Millisecond, "resumed by itself")
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/cancel", map[string]any{"reason": "the guest left"}, nil))
	})
	// Revision 25: a pause without an end reminds the owner, here every 2 s (a day in production),
	// twice before the guest answers; then the action is completed.
	if only.MatchString("pause_reminded") {
		id := uuid.NewString()
		startDirectly(id, func(in *workflows.StartInput) { in.Policy.PauseRemindEvery = 2 * time.Second })
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
		reminders := func() int {
			n := 0
			for _, e := range timelineOf(t, alice, id) {
				if e.Type == workflows.EventPauseReminder {
					n++
				}
			}
			return n
		}
		require.Eventually(t, func() bool { return reminders() == 2 }, 20*time.Second, 50*time.Millisecond, "reminded twice")
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/resume", map[string]any{"reason": "the guest answered"}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
		save("pause_reminded", id)
	}
	// Revision 29: an action nobody owns is escalated at its due time (here 2 s), which comes
	// before assign_within; a supervisor reassigns it.
	if only.MatchString("unassigned_escalated_at_due") {
		id := uuid.NewString()
		startDirectly(id, func(in *workflows.StartInput) { in.OwnerID, in.DueAt = "", time.Now().Add(2*time.Second) })
		require.Eventually(t, func() bool {
			var a action
			return carol.call("GET", "/api/v1/actions/"+id, nil, &a) == http.StatusOK && a.Status == "escalated"
		}, 20*time.Second, 50*time.Millisecond, "escalated at its due time")
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/reassign", map[string]any{"to_id": "bob", "reason": "bob is at the desk", "due_in": "10m"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "woke the guest"}, nil))
		save("unassigned_escalated_at_due", id)
	}
	record("paused_due_at_then_reassigned", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
		dueAt := time.Now().Add(5 * time.Hour).UTC().Truncate(time.Second) // later: an extension while paused cannot shorten it
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/extend", map[string]any{"due_at": dueAt.Format(time.RFC3339), "reason": "the guest flies later"}, nil))
		var a action
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/resume", map[string]any{"reason": "answered"}, &a))
		require.True(t, a.DueAt.Equal(dueAt), "revision 5: a due time given while paused stays: %s", a.DueAt)
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/reassign", map[string]any{"to_id": "alice", "reason": "bob went home"}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done"}, nil))
	})
	record("withdrawn_followed_up", func(id string) {
		path := "/api/v1/actions/" + id
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "to_id", "erin"), nil))
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover/withdraw", map[string]any{"reason": "Meant for bob.\nHe has the booking."}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1s"), nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Eventually(t, func() bool {
			var events struct {
				Items []struct{ Type string } `json:"items"`
			}
			alice.call("GET", path+"/events", nil, &events)
			return slices.ContainsFunc(events.Items, func(e struct{ Type string }) bool { return e.Type == "follow_up_reminder" })
		}, 15*time.Second, 25*time.Millisecond, "the hander is reminded to follow up")
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/follow-up", map[string]any{"note": "bob waits on housekeeping", "again_in": "2h"}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/follow-up", map[string]any{"note": "housekeeping agreed"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// Revision 14: a supervisor's withdrawal tells the hander and the recipient each in their own
	// words; the follow-up reminders end at the due time; an extension while paused tells the
	// owner the time it has once resumed.
	recordFrom("followed_up_until_due", dueSoon("4s"), func(id string) {
		path := "/api/v1/actions/" + id
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "to_id", "erin"), nil))
		require.Equal(t, http.StatusOK, carol.call("POST", path+"/handover/withdraw", map[string]any{"reason": "erin is needed at the bar"}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", merge(handoverBody, "follow_up_in", "1s"), nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		waitStatus(t, alice, id, "checking", 0)
		var a struct {
			FollowUp *struct{} `json:"follow_up"`
		}
		require.Equal(t, http.StatusOK, alice.call("GET", path+"?consistent=true", nil, &a))
		require.Nil(t, a.FollowUp, "revision 14: no follow-up asked at the check")
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", path+"/extend", map[string]any{"due_in": "2h", "reason": "the guest flies later"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", path+"/cancel", map[string]any{"reason": "the guest left"}, nil))
	})
	// Revision 16: the hander is reminded, every follow_up_every, until the check is made.
	remind := modelstest.Name("remind")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+remind, map[string]any{"follow_up_every": "1s", "check_within": "1h"}, nil))
	recordFrom("check_reminded", merge(dueSoon("3s"), "category", remind), func(id string) {
		path := "/api/v1/actions/" + id
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		waitStatus(t, alice, id, "checking", 0)
		require.Eventually(t, func() bool {
			var events struct {
				Items []struct {
					Type string
					Data map[string]any
				} `json:"items"`
			}
			alice.call("GET", path+"/events", nil, &events)
			return slices.ContainsFunc(events.Items, func(e struct {
				Type string
				Data map[string]any
			}) bool {
				return e.Type == "follow_up_reminder" && e.Data["check_by"] != nil
			})
		}, 15*time.Second, 25*time.Millisecond, "revision 16: the hander is reminded of the check")
		require.Equal(t, http.StatusOK, alice.call("POST", path+"/check", map[string]any{"result": "done", "notes": "bob confirmed it"}, nil))
	})
	dave := as(t, st, "dave")
	// One action may not repeat escalations within a minute: an administrator's policy may.
	fast := modelstest.Name("fast")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+fast, map[string]any{"escalate_within": "1s"}, nil))
	recordFrom("escalated_reminded_extended", merge(newAction("alice"), "category", fast), func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/escalate", map[string]any{"reason": "guest complained"}, nil))
		waitStatus(t, alice, id, "escalated", 2)
		require.Eventually(t, func() bool {
			var events struct {
				Items []struct{ Type string } `json:"items"`
			}
			alice.call("GET", "/api/v1/actions/"+id+"/events", nil, &events)
			return slices.ContainsFunc(events.Items, func(e struct{ Type string }) bool { return e.Type == "escalation_reminder" })
		}, 15*time.Second, 25*time.Millisecond, "revision 7: the top of the ladder is reminded")
		require.Equal(t, http.StatusOK, dave.call("POST", "/api/v1/actions/"+id+"/extend", map[string]any{"due_in": "5h", "reason": "the guest agreed"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done"}, nil))
	})
	// Revision 28: Bob's check, which nobody made, climbs from the supervisors to the managers; a
	// manager extends it, and Alice, who handed it over, and the supervisors hear how it ended.
	lapse := modelstest.Name("lapse")
	require.Equal(t, http.StatusOK, as(t, st, "root").call("PUT", "/api/v1/policies/"+lapse, map[string]any{"check_within": "1s", "escalate_within": "1s"}, nil))
	recordFrom("check_lapsed_climbed_extended", merge(dueSoon("3s"), "category", lapse), func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		waitStatus(t, alice, id, "escalated", 2)
		require.Equal(t, http.StatusOK, dave.call("POST", "/api/v1/actions/"+id+"/extend", map[string]any{"due_in": "5h", "reason": "the guest agreed"}, nil))
		require.Eventually(t, func() bool {
			return slices.ContainsFunc(toldOfAction(t, alice, id), func(n notificationItem) bool { return n.Kind == "escalation_handled" })
		}, 10*time.Second, 20*time.Millisecond, "revision 28: the hander hears how the escalation ended")
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done"}, nil))
	})
	// Revision 26: a supervisor's shift handover of Erin's action, accepted and rated, which tells
	// the supervisor the read-back and the rating as well.
	recordFrom("shift_handover_by_supervisor", newAction("erin"), func(id string) {
		require.Equal(t, http.StatusAccepted, carol.call("POST", "/api/v1/shift-handovers",
			map[string]any{"from_id": "erin", "to_id": "bob", "notes": "Erin went home ill; the plumber comes at 10.", "situation": "routine"}, nil))
		waitStatus(t, alice, id, "handover_pending", 0)
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I meet the plumber at 10"}, nil))
		require.Equal(t, http.StatusCreated, bob.call("POST", "/api/v1/actions/"+id+"/handovers/h1/feedback", map[string]any{"rating": 4, "comment": "the room number was missing"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "fixed"}, nil))
	})
	// Revision 27: a supervisor who passes Erin's action to themselves in the shift handover they
	// run is asked in their own words and not told of their own read-back and rating; a handover
	// withdrawn because its recipient was taken off shift tells them so in their own words.
	erin := as(t, st, "erin")
	require.Equal(t, http.StatusOK, erin.call("POST", "/api/v1/shifts/start", nil, nil), "the shift handover before ended her shift")
	recordFrom("shift_handover_to_the_supervisor", newAction("erin"), func(id string) {
		require.Equal(t, http.StatusAccepted, carol.call("POST", "/api/v1/shift-handovers",
			map[string]any{"from_id": "erin", "to_id": "carol", "notes": "Erin went home ill.", "situation": "routine"}, nil))
		waitStatus(t, alice, id, "handover_pending", 0)
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "I meet the plumber at 10"}, nil))
		require.Equal(t, http.StatusCreated, carol.call("POST", "/api/v1/actions/"+id+"/handovers/h1/feedback", map[string]any{"rating": 3}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "fixed"}, nil))
	})
	record("withdrawn_off_shift", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", handoverBody, nil))
		require.Equal(t, http.StatusOK, carol.call("PATCH", "/api/v1/staff/bob", map[string]any{"on_shift": false}, nil))
		waitStatus(t, alice, id, "assigned", 0)
		require.Equal(t, http.StatusOK, carol.call("PATCH", "/api/v1/staff/bob", map[string]any{"on_shift": true}, nil))
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
	// The last one: the team's calendar applies to every action created after it.
	root := as(t, st, "root")
	calendar := map[string]any{"time_zone": "Europe/London", "holidays": []string{"2026-12-25"}, "hours": []map[string]any{
		{"day": "mon", "open": "08:00", "close": "18:00"}, {"day": "tue", "open": "08:00", "close": "18:00"},
		{"day": "wed", "open": "08:00", "close": "18:00"}, {"day": "thu", "open": "08:00", "close": "18:00"},
		{"day": "fri", "open": "08:00", "close": "18:00"},
	}}
	require.Equal(t, http.StatusOK, root.call("PUT", "/api/v1/teams/frontdesk/calendar", calendar, nil))
	record("business_time_handover", func(id string) {
		require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/handover", merge(handoverBody, "follow_up_in", "30m"), nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/pause", map[string]any{"reason": "waiting on the guest"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/resume", map[string]any{"reason": "answered"}, nil))
		require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+id+"/extend", map[string]any{"due_in": "6h", "reason": "more time"}, nil))
		require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "confirmed"}, nil))
	})
}
