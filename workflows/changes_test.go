package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// hookLog receives webhooks and keeps them.
type hookLog struct {
	mu  sync.Mutex
	got []activities.WebhookEvent
}

func (h *hookLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var ev activities.WebhookEvent
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, ev)
	h.mu.Unlock()
}

func (h *hookLog) bySeq() map[int64][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[int64][]string{}
	for _, ev := range h.got {
		out[ev.Seq] = append(out[ev.Seq], fmt.Sprintf("%s(%s) %v %s/%s", ev.Type, ev.Event, ev.Recipients, ev.ActorID, ev.Cause))
	}
	return out
}

// webhookBundle is a test environment whose activities send webhooks to a hookLog.
func webhookBundle(t *testing.T) (*testBundle, *hookLog) {
	hooks := &hookLog{}
	return bundleWith(t, webhookActivities(t, hooks)), hooks
}

// webhookActivities are activities over a fresh read model that send webhooks to receiver.
func webhookActivities(t *testing.T, receiver http.Handler) *activities.Activities {
	server := httptest.NewServer(receiver)
	t.Cleanup(server.Close)
	return &activities.Activities{
		Store:   modelstest.Open(t, modelstest.SQLiteURL(t)),
		Webhook: &activities.Webhook{URL: server.URL, Secret: "a secret of sixteen"},
	}
}

// An action that its owner creates, notes and completes notifies nobody: from revision 2 the
// webhook still hears of each change, once, with no recipients; revision 1 sent it nothing.
func TestEveryChangeReachesTheWebhook(t *testing.T) {
	t.Parallel()
	for _, rev := range []int{1, 2} {
		t.Run(fmt.Sprintf("revision %d", rev), func(t *testing.T) {
			b, hooks := webhookBundle(t)
			// Each is given to Notify marked for the webhook, so that a worker without one does not
			// take it as sent.
			var marked []bool
			b.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, args converter.EncodedValues) {
				if info.ActivityType.Name == workflows.NotifyActivityName {
					var n workflows.Notification
					require.NoError(t, args.Get(&n))
					marked = append(marked, n.Webhook)
				}
			})
			in := startInput(fmt.Sprintf("w%d", rev))
			in.Revision = rev
			create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
			note := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: "guest called again"}}
			complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "checkout moved"}}
			b.run(t, in, create, note, complete)
			require.NoError(t, complete.err)

			if rev < 2 {
				require.Empty(t, hooks.bySeq(), "revision 1 tells the webhook only of notifications")
				return
			}
			require.Equal(t, []bool{true, true, true}, marked)
			require.Equal(t, map[int64][]string{
				1: {"action.created(created) [] alice/request"},
				2: {"action.note_added(note_added) [] alice/request"},
				3: {"action.completed(completed) [] alice/request"},
			}, hooks.bySeq())
			hooks.mu.Lock()
			defer hooks.mu.Unlock()
			for _, ev := range hooks.got {
				require.Equal(t, "Late checkout", ev.Title)
				// Each says how the action stood after it: its owner, status and version.
				require.Equal(t, "alice", ev.OwnerID)
				require.Equal(t, ev.Seq, ev.Version)
				if ev.Type == "action.completed" {
					require.Equal(t, `"Late checkout" was completed by alice: checkout moved`, ev.Message)
					require.Equal(t, "completed", ev.Status)
				} else {
					require.Equal(t, "assigned", ev.Status)
				}
			}
		})
	}
}

// A change that notified someone reaches the webhook as that notification, not a second time.
func TestNotifiedChangesReachTheWebhookOnce(t *testing.T) {
	t.Parallel()
	b, hooks := webhookBundle(t)
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	accept := &step{name: workflows.UpdateAccept, arg: workflows.AcceptInput{Actor: bob, Summary: "on it"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: bob, Outcome: "checkout moved"}}
	b.run(t, startInput("w3"), create, handover, accept, complete)
	require.NoError(t, complete.err)
	require.Equal(t, map[int64][]string{
		1: {"action.created(created) [] alice/request"},
		2: {"action.handover_requested(handover_requested) [bob] alice/request"},
		3: {"action.handover_accepted(handover_accepted) [alice] bob/request"},
		4: {"action.customer_message(customer_told) [] bob/request"}, // acceptance tells the customer who has it now
		5: {"action.completed(completed) [alice] bob/request"},
	}, hooks.bySeq())
}

// A change that told someone reaches the webhook as what it told them, once: its other
// notifications, told nobody in the end, send nothing, whether they come first (a supervisor
// reassigning an escalated action to herself is not told of her own change) or after it (the
// level it was escalated to, where nobody but the actor would read it: the read model here has
// no managers).
func TestAChangeThatToldSomeoneIsNotAlsoSentAsItself(t *testing.T) {
	t.Parallel()
	b, hooks := webhookBundle(t)
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	escalate := &step{name: workflows.UpdateEscalate, arg: workflows.EscalateInput{Actor: carol, Reason: "VIP complaint"}}
	self := workflows.Recipient{ID: "carol", Role: workflows.RoleSupervisor, TeamID: "frontdesk", Authority: 3, OnShift: true, Active: true}
	reassign := &step{name: workflows.UpdateReassign, arg: workflows.ReassignInput{Actor: carol, To: self, Reason: "I will call the guest"}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: carol, Outcome: "guest called"}}
	b.run(t, startInput("w5"), create, escalate, reassign, complete)
	require.NoError(t, reassign.err)
	require.Equal(t, []string{"action.assigned(reassigned) [alice] carol/request"}, hooks.bySeq()[3],
		"alice is told her action is carol's now; carol's own notice and the managers' told nobody")
}

// A handover overtaken by a completion is withdrawn, and both sides are told so under that name.
func TestWithdrawnHandoverIsToldAsWithdrawn(t *testing.T) {
	t.Parallel()
	b, hooks := webhookBundle(t)
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: alice}}
	handover := &step{name: workflows.UpdateHandover, arg: handoverTo(onShift("bob", 1))}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "done before bob answered"}}
	b.run(t, startInput("w4"), create, handover, complete)
	require.NoError(t, complete.err)
	got := hooks.bySeq()
	require.Equal(t, []string{"action.handover_withdrawn(handover_withdrawn) [bob] alice/request"}, got[3], "alice, who completed it, is not told of her own change")
	require.Equal(t, []string{"action.completed(completed) [] alice/request"}, got[4], "nobody handed it over")
	require.Contains(t, b.inboxKinds(t, "bob"), workflows.NotifyHandoverWithdrawn)
}

// A webhook receiver that is down does not hold up the action: when the history is full the
// workflow continues as new at once (revision 4), handing the deliveries still being retried to the
// next run, which makes them again. (Revision 3 waited for every delivery to end, for up to a day,
// and its deadline loop with it.)
func TestContinueAsNewDoesNotWaitForAWebhookThatIsDown(t *testing.T) {
	t.Parallel()
	var up sync.Mutex
	down := true
	hooks := &hookLog{}
	acts := webhookActivities(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up.Lock()
		failing := down
		up.Unlock()
		if failing {
			http.Error(w, "receiver down", http.StatusInternalServerError)
			return
		}
		hooks.ServeHTTP(w, r)
	}))
	b := bundleWith(t, acts)
	start := b.env.Now()
	in := b.dueIn("wd", 2*time.Hour)
	in.ContinueAsNewAfter = 40
	for i := range 3 {
		at := time.Duration(i+1) * time.Minute
		b.env.RegisterDelayedCallback(func() {
			if i == 2 {
				b.env.SetCurrentHistoryLength(in.ContinueAsNewAfter + 1)
			}
			b.env.UpdateWorkflowNoRejection(workflows.UpdateNote, "", t, workflows.NoteInput{Actor: alice, Text: fmt.Sprintf("call %d", i+1)})
		}, at)
	}
	next := b.continuedAsNew(t, in)
	require.Less(t, b.env.Now().Sub(start), 5*time.Minute, "continued as new at once, not after the deliveries' day of retries")
	var pending []string
	for _, n := range next.Webhooks {
		pending = append(pending, fmt.Sprintf("%d %s", n.Seq, n.Kind))
	}
	require.ElementsMatch(t, []string{"1 created", "2 note_added", "3 note_added", "4 note_added"}, pending,
		"the deliveries still being retried go to the next run")

	// The receiver is back: the next run delivers them.
	up.Lock()
	down = false
	up.Unlock()
	b2 := bundleWith(t, acts)
	check := &step{name: workflows.UpdateComplete, at: 5 * time.Minute, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
	b2.run(t, next, check)
	require.NoError(t, check.err)
	// Each is delivered (an attempt the first run had in flight may land too: the same id, which a
	// receiver de-duplicates by).
	got := hooks.bySeq()
	for seq := int64(1); seq <= 4; seq++ {
		require.NotEmpty(t, got[seq], "seq %d delivered by the next run: %v", seq, got)
	}
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	ids := map[int64]map[string]bool{}
	for _, ev := range hooks.got {
		if ids[ev.Seq] == nil {
			ids[ev.Seq] = map[string]bool{}
		}
		ids[ev.Seq][ev.ID] = true
	}
	for seq, set := range ids {
		require.Len(t, set, 1, "every delivery of seq %d has one id", seq)
	}
}

// A receiver that refuses a delivery (a 4xx such as 410 Gone) is not sent it again; one that is
// unavailable (5xx, 408, 429) is.
func TestRefusedWebhookIsNotRetried(t *testing.T) {
	t.Parallel()
	for code, retried := range map[int]bool{http.StatusGone: false, http.StatusBadRequest: false, http.StatusServiceUnavailable: true, http.StatusTooManyRequests: true} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			var mu sync.Mutex
			attempts := map[string]int{}
			b := bundleWith(t, webhookActivities(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				attempts[r.Header.Get(activities.HeaderEventID)]++
				n := attempts[r.Header.Get(activities.HeaderEventID)]
				mu.Unlock()
				if n <= 2 {
					w.WriteHeader(code)
				}
			})))
			in := startInput(fmt.Sprintf("r%d", code))
			note := &step{name: workflows.UpdateNote, arg: workflows.NoteInput{Actor: alice, Text: "guest called"}}
			complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "done"}}
			b.run(t, in, note, complete)
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, attempts)
			for id, n := range attempts {
				if retried {
					require.Equal(t, 3, n, "%s: tried until the receiver took it", id)
				} else {
					require.Equal(t, 1, n, "%s: sent once, refused, not sent again", id)
				}
			}
		})
	}
}
