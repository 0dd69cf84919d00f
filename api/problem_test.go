package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
)

// A consistent read of an action with no worker polling fails with Temporal's FailedPrecondition
// ("no poller seen"): answered 503 with a retry hint, not 500.
func TestNoWorkerIsUnavailableNotInternal(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("querying action a1: %w", serviceerror.NewFailedPrecondition("no poller seen for task queue recently, worker may be down"))
	ae, ok := classify(err)
	require.True(t, ok)
	require.Equal(t, kindUnavailable, ae.kind)
	require.Equal(t, http.StatusServiceUnavailable, statusOfKind[ae.kind])
	require.Contains(t, ae.detail, "no worker is running it")
}
