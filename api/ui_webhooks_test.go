package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// The people page lists the integration's failing webhook deliveries, the oldest ten first, says
// when there are more and how to send them again, and says so when there are none.
func TestAdminPageListsFailingWebhooks(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		ctx := context.Background()
		require.NoError(t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: "ada", Name: "Ada", Role: "admin", Active: true}))
		require.NoError(t, u.store.AddToken(ctx, "ada", "token-ada", "test"))

		status, page := u.get("ada", "/admin")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, `<p class="empty">None: no delivery to the integration is failing.</p>`)

		at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		// The action IDs run the other way from the times they failed at, as a UUID tells nothing
		// of its time: the oldest ten are by time.
		for i := range 12 {
			id := fmt.Sprintf("0192a1f0-0000-7000-8000-0000000000%02d", 11-i)
			require.NoError(t, u.store.WebhookFailed(ctx, models.WebhookDelivery{
				ID: id + "/2/handover_requested/ben", ActionID: id, Event: "{}",
				LastError: "webhook answered 503 Service Unavailable", LastAttemptAt: at.Add(time.Duration(i) * time.Minute),
			}))
		}
		status, page = u.get("ada", "/admin")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, `<h2 id="h-webhooks">Webhook deliveries failing</h2>`)
		require.Equal(t, 10, strings.Count(page, `/2/handover_requested/ben</th>`), "the oldest ten")
		require.Contains(t, page, `<tr><th scope="row">0192a1f0-0000-7000-8000-000000000011/2/handover_requested/ben</th><td><a href="/actions/0192a1f0-0000-7000-8000-000000000011">0192a1f0-0000-7000-8000-000000000011</a></td><td>1</td>`)
		require.Less(t, strings.Index(page, "000000000011/2/"), strings.Index(page, "000000000002/2/"), "the first to fail first")
		require.NotContains(t, page, "0192a1f0-0000-7000-8000-000000000000/2", "the newest is past the ten")
		require.NotContains(t, page, "0192a1f0-0000-7000-8000-000000000001/2", "and the one before it")
		require.Contains(t, page, "webhook answered 503 Service Unavailable")
		require.Contains(t, page, "Only the oldest 10 are shown: <code>handover admin webhooks list</code> lists them all.")
		require.Contains(t, page, "<code>handover admin webhooks redeliver</code> sends them again")

		for i := range 11 {
			require.NoError(t, u.store.WebhookDelivered(ctx, fmt.Sprintf("0192a1f0-0000-7000-8000-0000000000%02d/2/handover_requested/ben", i), at.Add(time.Hour)))
		}
		_, page = u.get("ada", "/admin")
		require.Equal(t, 1, strings.Count(page, `/2/handover_requested/ben</th>`), "the one still failing")
		require.NotContains(t, page, "Only the oldest")
	})
}
