package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// A row keeps when an action at its check is escalated and when an escalated one goes on, as its
// workflow gives them; migration 53 gives the actions already at their check the check_by of their
// latest due entry, and leaves the others' empty until their next change.
func TestNextStepTimesKeptAndBackfilled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		checkBy := t0.Add(5 * time.Hour)
		atCheck := actionAt("ns-check", 2, "checking", "alice")
		due := event(2, "due")
		due.ActorID, due.Data = "system", `{"check_by":"`+checkBy.Format(time.RFC3339)+`"}`
		require.NoError(t, store.ApplyProjection(ctx, atCheck, []models.ActionEvent{event(1, "created"), due}))
		escalateBy := t0.Add(6 * time.Hour)
		escalated := actionAt("ns-escalated", 1, "escalated", "alice")
		escalated.EscalateBy = &escalateBy
		require.NoError(t, store.ApplyProjection(ctx, escalated, []models.ActionEvent{event(1, "created")}))

		got, err := store.GetAction(ctx, "ns-escalated")
		require.NoError(t, err)
		require.NotNil(t, got.EscalateBy)
		require.True(t, escalateBy.Equal(*got.EscalateBy))
		require.Nil(t, got.CheckBy)

		migrateAgainFrom(t, store, 52)
		got, err = store.GetAction(ctx, "ns-check")
		require.NoError(t, err)
		require.NotNil(t, got.CheckBy, "taken from its due entry")
		require.True(t, checkBy.Equal(*got.CheckBy), "%s", got.CheckBy)
		got, err = store.GetAction(ctx, "ns-escalated")
		require.NoError(t, err)
		require.Nil(t, got.EscalateBy, "gone with the column, and back at its next change")
	})
}
