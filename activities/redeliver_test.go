package activities_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// receiver is a webhook endpoint that answers with the status it is set to and keeps what it got.
type receiver struct {
	mu     sync.Mutex
	status int
	got    []activities.WebhookEvent
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	var ev activities.WebhookEvent
	if json.Unmarshal(body, &ev) == nil && r.status < 300 {
		r.got = append(r.got, ev)
	}
	w.WriteHeader(r.status)
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

func (r *receiver) received() []activities.WebhookEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]activities.WebhookEvent(nil), r.got...)
}

// A delivery that fails is kept, its personal data sealed, until one gets through; Redeliver sends
// the ones still undelivered, opened as the workflow's deliveries are, marks them delivered, and
// counts those that fail again (which stay, with one attempt more).
func TestFailedWebhooksAreKeptAndRedelivered(t *testing.T) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := modelstest.Open(t, b.URL(t))
			keys, err := codec.NewKeyring(codec.NewKey())
			require.NoError(t, err)
			sealer := &pii.Sealer{Keys: keys, Store: store}
			hook := &receiver{status: http.StatusServiceUnavailable}
			srv := httptest.NewServer(hook)
			t.Cleanup(srv.Close)
			acts := &activities.Activities{Store: store, Sealer: sealer, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}

			message, name, contact := "Tell Ms Patel her room is ready", "Ms Patel", "+44 7700 900123"
			require.NoError(t, sealer.Seal(ctx, "G-1", &message, &name, &contact))
			at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			notes := []workflows.Notification{
				{ActionID: "a1", Seq: 2, Kind: workflows.NotifyCustomerMessage, To: []string{"ann"}, ActorID: "bob", Cause: "request",
					Title: "Late checkout", Message: message, At: at, Customer: &workflows.Customer{Ref: "G-1", Name: name, Contact: contact}},
				{ActionID: "a2", Seq: 3, Kind: workflows.NotifyHandoverRequested, To: []string{"cat"}, ActorID: "bob", Cause: "request", Title: "Spa", Message: "take it", At: at},
			}
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			env.RegisterActivity(acts)
			for _, n := range notes {
				_, err := env.ExecuteActivity(acts.Notify, n)
				require.Error(t, err, "the receiver is down")
			}
			_, err = env.ExecuteActivity(acts.Notify, notes[0])
			require.Error(t, err, "a retry fails too")

			waiting, err := store.UndeliveredWebhooks(ctx, "", nil, 10)
			require.NoError(t, err)
			require.Len(t, waiting, 2)
			require.Equal(t, "a1", waiting[0].ActionID)
			require.Equal(t, 2, waiting[0].Attempts)
			require.Contains(t, waiting[0].LastError, "503")
			require.NotContains(t, waiting[0].Event, "Patel", "kept sealed")
			require.NotContains(t, waiting[0].Event, "7700")

			// The integration is back: one is delivered by the workflow's own retry, the rest by
			// a redelivery.
			hook.answer(http.StatusOK)
			_, err = env.ExecuteActivity(acts.Notify, notes[1])
			require.NoError(t, err)
			waiting, err = store.UndeliveredWebhooks(ctx, "", nil, 10)
			require.NoError(t, err)
			require.Len(t, waiting, 1, "the retry that got through is no longer waiting")

			res, err := acts.Redeliver(ctx, "")
			require.NoError(t, err)
			require.Equal(t, activities.Redelivery{Sent: 1}, res)
			got := hook.received()
			require.Len(t, got, 2)
			redelivered := got[1]
			require.Equal(t, waiting[0].ID, redelivered.ID, "the same event ID, for the receiver to drop it if it had it")
			require.Equal(t, "Tell Ms Patel her room is ready", redelivered.Message, "opened as the workflow's deliveries are")
			require.Equal(t, "Ms Patel", redelivered.Customer.Name)
			require.Equal(t, []string{"ann"}, redelivered.Recipients)
			res, err = acts.Redeliver(ctx, "")
			require.NoError(t, err)
			require.Equal(t, activities.Redelivery{}, res, "nothing left to send")

			// Failing again, it stays, one attempt more, and the later ones of its action wait
			// behind it (an action's later change never reaches the receiver before an earlier
			// one); without a webhook nothing is sent.
			hook.answer(http.StatusServiceUnavailable)
			for seq := int64(1); seq <= 3; seq++ {
				_, err = env.ExecuteActivity(acts.Notify, workflows.Notification{ActionID: "a3", Seq: seq, Kind: workflows.NotifyHandoverRequested, To: []string{"cat"}, ActorID: "bob", At: at})
				require.Error(t, err)
			}
			res, err = acts.Redeliver(ctx, "a3")
			require.NoError(t, err)
			require.Equal(t, 1, res.Failed)
			require.Equal(t, 2, res.HeldBack)
			require.Contains(t, res.LastError, "503")
			waiting, err = store.UndeliveredWebhooks(ctx, "a3", nil, 10)
			require.NoError(t, err)
			require.Len(t, waiting, 3)
			require.Equal(t, []int{2, 1, 1}, []int{waiting[0].Attempts, waiting[1].Attempts, waiting[2].Attempts}, "only the first was tried again")
			_, err = (&activities.Activities{Store: store}).Redeliver(ctx, "")
			require.ErrorContains(t, err, "no webhook is configured")
		})
	}
}

// A shift handover's leftover that fails again (a negative seq, no event of the timeline) holds
// back none of its action's timeline deliveries, which sort after it.
func TestRedeliverALeftoverHoldsBackNothing(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev activities.WebhookEvent
		body, _ := io.ReadAll(r.Body)
		require.NoError(t, json.Unmarshal(body, &ev))
		if ev.Type == "action."+workflows.NotifyShiftLeftOver {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		mu.Lock()
		got = append(got, ev.ID)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	at := time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)
	for _, ev := range []activities.WebhookEvent{
		{ID: "x/-77/shift_left_over/carol", Type: "action." + workflows.NotifyShiftLeftOver, ActionID: "x", Seq: -77, Message: "stays with Alice", OccurredAt: at},
		{ID: "x/4/assigned/bob", Type: "action.assigned", ActionID: "x", Seq: 4, Message: "yours now", OccurredAt: at},
	} {
		body, err := json.Marshal(ev)
		require.NoError(t, err)
		require.NoError(t, store.WebhookFailed(ctx, models.WebhookDelivery{ID: ev.ID, ActionID: ev.ActionID, Seq: ev.Seq, Event: string(body), LastError: "503", LastAttemptAt: at}))
	}
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	res, err := acts.Redeliver(ctx, "")
	require.NoError(t, err)
	require.Equal(t, activities.Redelivery{Sent: 1, Failed: 1, LastError: res.LastError}, res)
	require.Equal(t, []string{"x/4/assigned/bob"}, got)
}
