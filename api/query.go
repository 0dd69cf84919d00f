package api

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// queryWorkflow asks a workflow one of its queries, and asks again, twice at most, when the worker
// failed to answer (QueryFailed). The product's query handlers never fail, so such a failure is
// the worker's own: the Go SDK can fail a query it answers by replaying the workflow from a
// history that grew while it read it (temporalio/sdk-go#755, seen right after a kill -9 restart,
// "invalid state transition"). The next try replays afresh and is answered.
func queryWorkflow(ctx context.Context, tc client.Client, workflowID, name string) (converter.EncodedValue, error) {
	return askAgain(ctx, func() (converter.EncodedValue, error) {
		return tc.QueryWorkflow(ctx, workflowID, "", name)
	})
}

// askAgain calls ask, and calls it again after a short wait while it fails with QueryFailed and
// ctx lasts: three calls in all at most, about 300 ms apart from the first to the last.
func askAgain[T any](ctx context.Context, ask func() (T, error)) (T, error) {
	v, err := ask()
	for _, wait := range [...]time.Duration{50 * time.Millisecond, 250 * time.Millisecond} {
		var failed *serviceerror.QueryFailed
		if !errors.As(err, &failed) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(wait):
		}
		v, err = ask()
	}
	return v, err
}
