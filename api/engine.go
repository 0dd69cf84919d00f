package api

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// engineWatch tells a Temporal service that does not answer from one that is slow to: the SDK
// retries a call to a service it cannot reach until the caller's deadline, so without it every
// command waits the whole command timeout (30 s by default) while Temporal is down. A call still
// running after probeAfter asks the service's health; when that fails too, the call ends at once
// with 503. A service that answers the probe (a command waiting for a worker, a busy history
// service) leaves the call to run to its timeout as before.
type engineWatch struct {
	temporal     client.Client
	probeAfter   time.Duration
	probeTimeout time.Duration
	// reuse is how long one probe's answer serves every call that asks: a burst of commands
	// during an outage makes one probe, not one each.
	reuse time.Duration

	mu      sync.Mutex
	probed  time.Time
	lastErr error
}

func newEngineWatch(tc client.Client) *engineWatch {
	return &engineWatch{temporal: tc, probeAfter: 2 * time.Second, probeTimeout: 2 * time.Second, reuse: time.Second}
}

// errEngineDown is the cause of a call the watch ended: the service did not answer its probe.
var errEngineDown = serviceerror.NewUnavailable("the workflow engine does not answer")

// watch returns a context for one call to Temporal and the function that ends the watch, which
// turns the call's error into errEngineDown when the watch cut the call short.
func (w *engineWatch) watch(parent context.Context) (context.Context, func(error) error) {
	if w == nil {
		return parent, func(err error) error { return err }
	}
	ctx, cancel := context.WithCancelCause(parent)
	timer := time.AfterFunc(w.probeAfter, func() {
		if err := w.health(); err != nil {
			cancel(errEngineDown)
		}
	})
	return ctx, func(err error) error {
		timer.Stop()
		cut := errors.Is(context.Cause(ctx), errEngineDown)
		cancel(nil)
		if err != nil && cut {
			return errEngineDown
		}
		return err
	}
}

// health asks the Temporal service whether it answers, at most once per reuse.
func (w *engineWatch) health() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.probed.IsZero() && time.Since(w.probed) < w.reuse {
		return w.lastErr
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.probeTimeout)
	defer cancel()
	_, w.lastErr = w.temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
	w.probed = time.Now()
	return w.lastErr
}
