package activities_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/activities"
)

// A delivery the receiver refuses for what it is (400, 410, 413, 415, 422) is not sent again; any
// other answer but 2xx is retried: a 401 while the secret is being changed, a 404 during a
// deployment, a 503, a 429.
func TestWebhookRetriesAllButRefusals(t *testing.T) {
	for code, retried := range map[int]bool{
		200: false, 204: false,
		400: false, 410: false, 413: false, 415: false, 422: false,
		401: true, 403: true, 404: true, 408: true, 429: true, 500: true, 503: true,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }))
		hook := &activities.Webhook{URL: srv.URL, Secret: "s"}
		err := hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
		srv.Close()
		if code < 300 {
			require.NoError(t, err, "%d", code)
			continue
		}
		require.Error(t, err, "%d", code)
		var app *temporal.ApplicationError
		nonRetryable := errors.As(err, &app) && app.NonRetryable()
		require.Equal(t, !retried, nonRetryable, "%d retried: %v", code, retried)
	}
}

// A delivery that cannot connect is an error naming the receiver's scheme and host, never the
// whole URL: a token in its query would be logged at every retry.
func TestWebhookErrorLeavesTheURLsSecretsOut(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close() // nothing listens there now
	hook := &activities.Webhook{URL: "http://" + addr + "/hook?token=s3cret-token", Secret: "s"}
	err := hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
	require.Error(t, err)
	require.Contains(t, err.Error(), "sending webhook e1 to http://"+addr+": ")
	require.NotContains(t, err.Error(), "s3cret-token")
	require.NotContains(t, err.Error(), "/hook")
}
