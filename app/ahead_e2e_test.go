package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/reproject"
)

// A projection written inside a workflow task that never took effect (the process stopped before
// Temporal recorded it) leaves the read model ahead of the workflow: here, an action shown
// completed that its workflow still has open. At a worker's start, reproject.Ahead finds it
// among the latest writes and puts it back to the workflow's state; an action whose read model
// is not ahead is left as it is. The action then takes commands as ever.
func testReadModelAheadPutBack(t *testing.T, st *app.Stack) {
	ctx := context.Background()
	alice, carol := as(t, st, "alice"), as(t, st, "carol")
	var a, other action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &other))
	row, err := st.Store.GetAction(ctx, a.ID)
	require.NoError(t, err)

	ahead := row
	ahead.Status, ahead.Outcome, ahead.Version, ahead.UpdatedAt = "completed", "done", row.Version+1, row.UpdatedAt.Add(time.Second)
	require.NoError(t, st.Store.ApplyProjection(ctx, ahead, []models.ActionEvent{{Seq: row.Version + 1, Type: "completed", ActorID: "carol",
		Cause: "request", At: ahead.UpdatedAt, Data: `{"outcome":"done"}`}}))
	var shown action
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &shown))
	require.Equal(t, "completed", shown.Status, "the read model ahead of its workflow")

	rolled, err := reproject.Ahead(ctx, st.Client, st.Store, nil)
	require.NoError(t, err)
	require.Equal(t, 1, rolled, "the one ahead, not the other")
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &shown))
	require.Equal(t, "assigned", shown.Status)
	require.Equal(t, row.Version, shown.Version)
	require.Empty(t, shown.Outcome)
	timeline := timelineOf(t, alice, a.ID)
	require.Equal(t, "created", timeline[len(timeline)-1].Type, "the entry of the change never made is withdrawn")

	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "Checkout moved to 2pm"}, &shown))
	require.Equal(t, "completed", shown.Status)
	timeline = timelineOf(t, alice, a.ID)
	require.Equal(t, "completed", timeline[len(timeline)-1].Type)
	require.Equal(t, "carol", timeline[len(timeline)-1].ActorID)
	rolled, err = reproject.Ahead(ctx, st.Client, st.Store, nil)
	require.NoError(t, err)
	require.Zero(t, rolled, "nothing ahead now")
}
