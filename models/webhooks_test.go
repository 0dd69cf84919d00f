package models_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// A failed webhook delivery is kept with its event until one gets through: later failures count and
// keep the newest error (the event as first recorded), a delivery marks it, a failure after that
// leaves it delivered, and the undelivered ones list action by action in timeline order, page by
// page.
func TestWebhookDeliveriesAreKeptUntilDelivered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		fail := func(id, action, errText string, at time.Time) {
			t.Helper()
			seq, err := strconv.ParseInt(strings.Split(id, "/")[1], 10, 64)
			require.NoError(t, err)
			require.NoError(t, store.WebhookFailed(ctx, models.WebhookDelivery{
				ID: id, ActionID: action, Seq: seq, Event: `{"id":"` + id + `"}`, LastError: errText, LastAttemptAt: at,
			}))
		}
		ids := func(ds []models.WebhookDelivery) []string {
			out := make([]string, len(ds))
			for i, d := range ds {
				out[i] = d.ID
			}
			return out
		}
		// Deliveries of one change set run at once: a later change's may fail first.
		fail("a1/3/escalated/sue", "a1", "refused", t0.Add(-time.Minute))
		fail("a1/2/assigned/bob", "a1", "503", t0)
		fail("a2/1/assigned/ann", "a2", "timeout", t0.Add(time.Minute))
		fail("a1/10/assigned/bob", "a1", "refused", t0.Add(2*time.Minute))
		fail("a1/2/assigned/bob", "a1", "connection refused", t0.Add(time.Hour))

		all, err := store.UndeliveredWebhooks(ctx, "", nil, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1/2/assigned/bob", "a1/3/escalated/sue", "a1/10/assigned/bob", "a2/1/assigned/ann"}, ids(all),
			"action by action, each in its timeline's order")
		first := all[0]
		require.Equal(t, 2, first.Attempts)
		require.Equal(t, "connection refused", first.LastError)
		require.True(t, first.FailedAt.Equal(t0), "first failed at %s", first.FailedAt)
		require.True(t, first.LastAttemptAt.Equal(t0.Add(time.Hour)), "last attempt at %s", first.LastAttemptAt)
		require.Equal(t, `{"id":"a1/2/assigned/bob"}`, first.Event)
		require.Nil(t, first.DeliveredAt)

		page, err := store.UndeliveredWebhooks(ctx, "", nil, 2)
		require.NoError(t, err)
		require.Len(t, page, 2)
		rest, err := store.UndeliveredWebhooks(ctx, "", &page[1], 2)
		require.NoError(t, err)
		require.Equal(t, []string{"a1/10/assigned/bob", "a2/1/assigned/ann"}, ids(rest), "the next page starts after the last one")
		of, err := store.UndeliveredWebhooks(ctx, "a1", nil, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1/2/assigned/bob", "a1/3/escalated/sue", "a1/10/assigned/bob"}, ids(of))

		require.NoError(t, store.WebhookDelivered(ctx, "a1/2/assigned/bob", t0.Add(2*time.Hour)))
		require.NoError(t, store.WebhookDelivered(ctx, "never-failed", t0.Add(2*time.Hour)), "nothing to mark")
		fail("a1/2/assigned/bob", "a1", "late retry failed", t0.Add(3*time.Hour))
		all, err = store.UndeliveredWebhooks(ctx, "", nil, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1/3/escalated/sue", "a1/10/assigned/bob", "a2/1/assigned/ann"}, ids(all), "delivered once is delivered")

		f, err := store.Figures(ctx, t0, t0)
		require.NoError(t, err)
		require.EqualValues(t, 3, f.WebhooksUndelivered)

		// A delivery marked later removes those delivered more than 30 days before it, and only those.
		require.NoError(t, store.WebhookDelivered(ctx, "a2/1/assigned/ann", t0.Add(3*time.Hour+models.KeepDeliveredWebhooks)))
		var left []string
		require.NoError(t, store.DB().Model(&models.WebhookDelivery{}).Order("id").Pluck("id", &left).Error)
		require.Equal(t, []string{"a1/10/assigned/bob", "a1/3/escalated/sue", "a2/1/assigned/ann"}, left, "bob's, delivered 30 days and an hour before, is gone")
	})
}

// EachUndeliveredWebhook walks every undelivered delivery once, in order, over several pages,
// also while the walk marks them delivered; a walk after that finds none.
func TestEachUndeliveredWebhookWalksEveryPage(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		const n = 203 // three pages
		var want []string
		for i := range n {
			id := fmt.Sprintf("a%03d/1/created/role:@desk", i)
			want = append(want, id)
			require.NoError(t, store.WebhookFailed(ctx, models.WebhookDelivery{
				ID: id, ActionID: id[:4], Event: "{}", LastError: "503", LastAttemptAt: t0.Add(time.Duration(i) * time.Second),
			}))
		}
		var got []string
		require.NoError(t, store.EachUndeliveredWebhook(ctx, "", func(d models.WebhookDelivery) error {
			got = append(got, d.ID)
			return store.WebhookDelivered(ctx, d.ID, t0.Add(time.Hour))
		}))
		require.Equal(t, want, got)
		require.NoError(t, store.EachUndeliveredWebhook(ctx, "", func(d models.WebhookDelivery) error {
			return fmt.Errorf("%s is still undelivered", d.ID)
		}))
	})
}
