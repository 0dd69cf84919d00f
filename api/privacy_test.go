package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// An administrator erases by retention: each customer none of whose actions is open or changed
// since the time given, and each action without a reference ended before it, as one by one; the
// rest is kept. Sent again it erases nothing more; only administrators may, and only up to a time
// in the past.
func TestEraseByRetention(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.addAdmin()
		ctx := context.Background()
		cutoff := u.now.Add(-30 * 24 * time.Hour)
		put := func(id, ref, status string, updated time.Time, key bool) {
			a := models.Action{ID: id, Title: "Action " + id, Category: "request", Priority: "normal", Status: status, OwnerID: "ann",
				TeamID: "desk", CustomerRef: ref, CustomerName: "sealed-name-" + id, DueAt: updated, CreatedBy: "ann",
				CreatedAt: updated.Add(-time.Hour), UpdatedAt: updated, Version: 2}
			require.NoError(t, u.store.ApplyProjection(ctx, a, nil))
			if key {
				w := "wrapped"
				_, err := u.store.CreateCustomerKey(ctx, models.CustomerKey{ID: "key-" + id, CustomerRef: pii.KeyRef(ref, id), WrapKeyID: "w", Wrapped: &w})
				require.NoError(t, err)
				// Made with the action's first data, as the API makes it.
				require.NoError(t, u.store.DB().Exec("UPDATE customer_keys SET created_at = ?, last_used_at = ? WHERE id = ?", a.CreatedAt, a.CreatedAt, "key-"+id).Error)
			}
		}
		long := cutoff.Add(-time.Hour)
		put("old-1", "G-OLD", "completed", long, true)
		put("old-2", "G-OLD", "cancelled", long.Add(-time.Hour), false)
		put("open-1", "G-OPEN", "assigned", long, true)   // still open: kept
		put("open-2", "G-OPEN", "completed", long, false) // with an ended one
		put("recent-1", "G-RECENT", "completed", cutoff.Add(time.Hour), true)
		put("walk-old", "", "completed", long, true)
		put("walk-new", "", "completed", cutoff.Add(time.Minute), true)
		put("walk-open", "", "escalated", long, true)
		// A key made just now for an action not yet written (its create in flight) is kept; so is
		// the old key of a customer come back, used again for an action not yet written.
		w := "wrapped"
		_, err := u.store.CreateCustomerKey(ctx, models.CustomerKey{ID: "key-new", CustomerRef: "G-NEW", WrapKeyID: "w", Wrapped: &w})
		require.NoError(t, err)
		put("back-1", "G-BACK", "completed", long, true)
		require.NoError(t, u.store.DB().Exec("UPDATE customer_keys SET last_used_at = NULL WHERE id = ?", "key-back-1").Error)
		require.NoError(t, u.store.TouchCustomerKey(ctx, "key-back-1", u.now))

		var out RetentionErasure
		var p struct{ Detail string }
		body := map[string]any{"ended_before": cutoff.Format(time.RFC3339)}
		require.Equal(t, http.StatusForbidden, u.send("ann", http.MethodPost, "/api/v1/erasures", body, &p))
		for _, at := range []time.Time{u.now.Add(time.Minute), u.now.Add(-time.Hour)} {
			require.Equal(t, http.StatusUnprocessableEntity, u.send("root", http.MethodPost, "/api/v1/erasures", map[string]any{"ended_before": at.Format(time.RFC3339)}, &p))
			require.Contains(t, p.Detail, "must be a day ago or earlier")
		}
		require.Equal(t, http.StatusUnprocessableEntity, u.send("root", http.MethodPost, "/api/v1/erasures", map[string]any{"ended_before": "last year"}, &p))
		require.Contains(t, p.Detail, "ended_before: must be an RFC 3339 time from 1970 to 9999, such as 2026-12-01T17:00:00Z", "in the product's words, not the parser's")
		require.NotContains(t, p.Detail, "LAST YEAR")
		require.Equal(t, http.StatusUnprocessableEntity, u.send("root", http.MethodPost, "/api/v1/erasures", map[string]any{}, &p))
		for _, id := range []string{"old-1", "walk-old"} {
			a, err := u.store.GetAction(ctx, id)
			require.NoError(t, err)
			require.NotEqual(t, models.Erased, a.CustomerName, "refused: nothing erased")
		}

		require.Equal(t, http.StatusOK, u.send("root", http.MethodPost, "/api/v1/erasures", body, &out))
		require.Equal(t, int64(2), out.Customers, "G-OLD and the old walk-in")
		require.Equal(t, int64(3), out.Actions)
		require.Equal(t, int64(2), out.KeysDestroyed)
		require.False(t, out.More)
		for id, erased := range map[string]bool{"old-1": true, "old-2": true, "walk-old": true, "open-1": false, "open-2": false,
			"recent-1": false, "walk-new": false, "walk-open": false, "back-1": false} {
			a, err := u.store.GetAction(ctx, id)
			require.NoError(t, err)
			require.Equal(t, erased, a.CustomerName == models.Erased, id)
		}
		audit, _, err := u.store.AuditTrail(ctx, models.AuditFilter{SubjectType: models.SubjectCustomer, Limit: 10})
		require.NoError(t, err)
		require.Len(t, audit, 2, "an audit entry per customer")
		_, err = u.store.LiveCustomerKey(ctx, "G-NEW")
		require.NoError(t, err, "a key made since the time given is kept")
		_, err = u.store.LiveCustomerKey(ctx, "G-BACK")
		require.NoError(t, err, "a key used since is kept")

		require.Equal(t, http.StatusOK, u.send("root", http.MethodPost, "/api/v1/erasures", body, &out))
		require.Zero(t, out.Customers+out.Actions+out.KeysDestroyed, "sent again: nothing more")
	})
}

// Retention erases at most retentionBatch customers a request, saying more while there are: sent
// again, it goes on with the rest.
func TestEraseByRetentionInBatches(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.addAdmin()
	ctx := context.Background()
	w := "wrapped"
	for i := range retentionBatch + 1 {
		_, err := u.store.CreateCustomerKey(ctx, models.CustomerKey{ID: fmt.Sprintf("key-%03d", i), CustomerRef: fmt.Sprintf("G-%03d", i), WrapKeyID: "w", Wrapped: &w})
		require.NoError(t, err)
	}
	long := u.now.Add(-400 * 24 * time.Hour)
	require.NoError(t, u.store.DB().Exec("UPDATE customer_keys SET created_at = ?, last_used_at = ?", long, long).Error)
	body := map[string]any{"ended_before": u.now.Add(-365 * 24 * time.Hour).Format(time.RFC3339)}
	var out RetentionErasure
	require.Equal(t, http.StatusOK, u.send("root", http.MethodPost, "/api/v1/erasures", body, &out))
	require.Equal(t, int64(retentionBatch), out.KeysDestroyed)
	require.True(t, out.More)
	out = RetentionErasure{}
	require.Equal(t, http.StatusOK, u.send("root", http.MethodPost, "/api/v1/erasures", body, &out))
	require.Equal(t, int64(1), out.KeysDestroyed, "the rest")
	require.False(t, out.More)
}
