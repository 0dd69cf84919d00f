package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/app"
)

// While the webhook secret is changed, a worker given the new secret and the previous one signs
// with both: a receiver that has only the old secret (hookSecret) accepts every delivery, none
// failing on its signature. The worker's start says it signs with a previous secret, naming no
// secret, so an operator sees which workers still do.
func TestWebhookSecretChangedWithoutAFailedDelivery(t *testing.T) {
	t.Parallel()
	const newSecret = "the-new-secret-0123456789"
	hooks := newHookReceiver(t)
	var logged syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := app.StartDev(ctx, app.DevConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", Demo: true, NoTemporalUI: true,
		Webhook: &activities.Webhook{URL: hooks.server.URL, Secret: newSecret, PreviousSecret: hookSecret},
		Log:     slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Stop(context.Background()) })
	require.Contains(t, logged.String(), `msg="worker running" webhook=`+hooks.server.URL+` webhook_previous_secret=true`)
	require.NotContains(t, logged.String(), hookSecret)
	require.NotContains(t, logged.String(), newSecret)

	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, nil))
	hooks.waitFor(t, a.ID, "action.created")
	hooks.waitFor(t, a.ID, "action.handover_requested")
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	require.Zero(t, hooks.forged, "no delivery failed on its signature")
}
