package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/keyuse"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/reproject"
	"github.com/handover/handover/worker"
	"github.com/handover/handover/workflows"
)

// Losing the read model is recoverable: rebuilt from the workflows (open ones, closed ones and
// runs that continued as new) into an empty database, every action and every event comes back
// exactly as it was.
func TestReprojectRebuildsReadModel(t *testing.T) {
	for _, backend := range modelstest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			st := startStack(t, t.TempDir(), backendURL(t, backend))
			ctx := context.Background()
			alice, bob := as(t, st, "alice"), as(t, st, "bob")

			// Open actions in several states, through the API.
			var ids []string
			for i := range 4 {
				var a action
				require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
				ids = append(ids, a.ID)
				if i >= 1 {
					require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, nil))
				}
				if i >= 2 {
					require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+a.ID+"/accept", map[string]any{"summary": "I take it on"}, nil))
				}
			}
			// One that continues as new after a few notes and closes soon after completion.
			long := uuid.NewString()
			run, err := st.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
				ID: workflows.ActionWorkflowID(long), TaskQueue: workflows.TaskQueue,
			}, workflows.ActionWorkflowName, workflows.StartInput{
				ActionID: long, Title: "Long one", Category: "request", Priority: "normal", OwnerID: "alice",
				TeamID: "frontdesk", DueAt: time.Now().Add(4 * time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent},
				KeepOpenFor: time.Second, ContinueAsNewAfter: 25,
			})
			require.NoError(t, err)
			for i := range 12 {
				for {
					if alice.call("GET", "/api/v1/actions/"+long, nil, nil) == http.StatusOK {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+long+"/notes", map[string]any{"text": fmt.Sprint("note ", i)}, nil))
			}
			require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+long+"/complete", map[string]any{"outcome": "done"}, nil))
			require.NoError(t, st.Client.GetWorkflow(ctx, workflows.ActionWorkflowID(long), "").Get(ctx, nil))
			require.NotEqual(t, run.GetRunID(), st.Client.GetWorkflow(ctx, workflows.ActionWorkflowID(long), "").GetRunID(), "the action should have continued as new")
			ids = append(ids, long)

			// Rebuild into an empty read model and compare with the one the stack kept.
			fresh := modelstest.Open(t, freshURL(t, backend))
			res, err := reproject.Run(ctx, st.Client, st.Temporal.Namespace(), st.Keys, fresh, nil)
			require.NoError(t, err)
			require.GreaterOrEqual(t, res.Actions, len(ids))
			checked := 0
			for _, id := range ids {
				want, err := st.Store.GetAction(ctx, id)
				require.NoError(t, err)
				got, err := fresh.GetAction(ctx, id)
				require.NoError(t, err)
				normalise(&want)
				normalise(&got)
				require.Equal(t, want, got, id)
				wantEvents, err := st.Store.ListEvents(ctx, id)
				require.NoError(t, err)
				gotEvents, err := fresh.ListEvents(ctx, id)
				require.NoError(t, err)
				require.Len(t, gotEvents, len(wantEvents), id)
				for i := range wantEvents {
					require.Equal(t, int64(i+1), gotEvents[i].Seq, id)
					require.Equal(t, wantEvents[i].Type, gotEvents[i].Type, id)
					require.Equal(t, wantEvents[i].Data, gotEvents[i].Data, id)
					require.True(t, wantEvents[i].At.Equal(gotEvents[i].At), id)
				}
				checked += len(gotEvents)
			}
			t.Logf("rebuilt %d runs, %d actions, %d events; %d events of %d actions compared, 0 lost", res.Runs, res.Actions, res.Events, checked, len(ids))

			// Running it again over a full read model changes nothing.
			_, err = reproject.Run(ctx, st.Client, st.Temporal.Namespace(), st.Keys, fresh, nil)
			require.NoError(t, err)
			again, err := fresh.ListEvents(ctx, long)
			require.NoError(t, err)
			wantLong, err := st.Store.ListEvents(ctx, long)
			require.NoError(t, err)
			require.Len(t, again, len(wantLong))
		})
	}
}

// freshURL is an empty read model of the backend's kind.
func freshURL(t *testing.T, b modelstest.Backend) string {
	if b.Name == "sqlite" {
		return modelstest.SQLiteURL(t)
	}
	return b.URL(t)
}

func normalise(a *models.Action) {
	a.DueAt, a.CreatedAt, a.UpdatedAt = a.DueAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	// When the row was written is the rebuild's own time, not part of what the workflows hold.
	a.WrittenAt = time.Time{}
	if a.FollowUpAt != nil {
		u := a.FollowUpAt.UTC()
		a.FollowUpAt = &u
	}
	for i := range a.Handovers {
		h := &a.Handovers[i]
		h.RequestedAt = h.RequestedAt.UTC()
		for _, p := range []**time.Time{&h.FollowUpAt, &h.RespondedAt} {
			if *p != nil {
				u := (**p).UTC()
				*p = &u
			}
		}
	}
}

var _ = app.DemoToken

// A run whose history the process cannot read (its payloads encrypted with a key it does not
// have) is named and left out; every other action is still rebuilt.
func TestReprojectGoesOnPastAnUnreadableRun(t *testing.T) {
	t.Parallel()
	st := startStack(t, t.TempDir(), "")
	ctx := context.Background()
	alice := as(t, st, "alice")
	var ids []string
	for range 2 {
		var a action
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
		ids = append(ids, a.ID)
	}
	stranger, run, _ := runUnderAnotherKey(t, st)

	fresh := modelstest.Open(t, modelstest.SQLiteURL(t))
	res, err := reproject.Run(ctx, st.Client, st.Temporal.Namespace(), st.Keys, fresh, nil)
	require.ErrorContains(t, err, "1 workflow run(s) could not be replayed and were left out (the others were written); the first, "+workflows.ActionWorkflowID(stranger))
	require.Len(t, res.Failed, 1)
	require.Equal(t, run.GetRunID(), res.Failed[0].RunID)
	for _, id := range ids {
		got, err := fresh.GetAction(ctx, id)
		require.NoError(t, err, "rebuilt despite the unreadable run")
		require.Equal(t, id, got.ID)
	}
	_, err = fresh.GetAction(ctx, stranger)
	require.ErrorIs(t, err, models.ErrNotFound)
}

// runUnderAnotherKey starts an action under a key of its own (a key since retired, say), whose
// history then holds payloads nothing of the stack can open, and answers the action's ID, its run
// and the key. The run is terminated when the test ends.
func runUnderAnotherKey(t *testing.T, st *app.Stack) (string, client.WorkflowRun, *codec.Keyring) {
	t.Helper()
	ctx := context.Background()
	other, err := codec.NewKeyring(codec.NewKey())
	require.NoError(t, err)
	foreign, err := client.DialContext(ctx, other.ClientOptions(client.Options{HostPort: st.Temporal.HostPort(), Namespace: st.Temporal.Namespace()}))
	require.NoError(t, err)
	t.Cleanup(foreign.Close)
	queue := "sealed-elsewhere-" + uuid.NewString()
	w := sdkworker.New(foreign, queue, sdkworker.Options{})
	worker.Register(w, &activities.Activities{Store: st.Store})
	require.NoError(t, w.Start())
	defer w.Stop()
	stranger := uuid.NewString()
	run, err := foreign.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(stranger), TaskQueue: queue},
		workflows.ActionWorkflowName, workflows.StartInput{ActionID: stranger, Title: "Sealed", Category: "request", Priority: "normal",
			OwnerID: "alice", TeamID: "frontdesk", DueAt: time.Now().Add(time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = foreign.TerminateWorkflow(context.Background(), run.GetID(), run.GetRunID(), "test over") })
	require.Eventually(t, func() bool {
		_, err := st.Store.GetAction(ctx, stranger)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond, "the foreign worker ran the action")
	return stranger, run, other
}

// A key scan names, for each key, the open runs whose histories hold payloads under it, and once
// such a run closes, until when its history is kept: an earlier key is needed until then.
func TestKeyUsageNamesTheRunsUnderEachKey(t *testing.T) {
	t.Parallel()
	st := startStack(t, t.TempDir(), "")
	ctx := context.Background()
	var a action
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call("POST", "/api/v1/actions", newAction("alice"), &a))
	stranger, run, other := runUnderAnotherKey(t, st)

	u, err := keyuse.Scan(ctx, st.Client, st.Temporal.Namespace())
	require.NoError(t, err)
	require.Positive(t, u.Retention)
	require.Equal(t, keyuse.Key{ID: other.CurrentKeyID(), OpenRuns: 1, Open: []string{workflows.ActionWorkflowID(stranger)}}, u.Key(other.CurrentKeyID()),
		"the one run under the other key")
	mine := u.Key(st.Keys.CurrentKeyID())
	require.GreaterOrEqual(t, mine.OpenRuns, 1, "the stack's own action")
	require.GreaterOrEqual(t, u.Open, mine.OpenRuns+1)

	require.NoError(t, st.Client.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "closed for the scan"))
	closedAt := time.Now()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		u, err := keyuse.Scan(ctx, st.Client, st.Temporal.Namespace())
		require.NoError(c, err)
		k := u.Key(other.CurrentKeyID())
		require.Equal(c, []int{0, 1}, []int{k.OpenRuns, k.ClosedRuns}, "closed: kept for the retention")
		require.WithinDuration(c, closedAt, k.LastClosed, 10*time.Second)
	}, 10*time.Second, 100*time.Millisecond)
}
