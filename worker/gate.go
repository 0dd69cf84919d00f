package worker

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
)

// Gate holds a worker's activities back until what they write to (the read model) has been
// reached and checked, while its workflows run: a worker started during a read-model outage fires
// deadlines and takes commands as one that was running when the outage began does. Until the gate
// opens, each activity fails, to be retried as it would be against a database that is away (at
// once once the read model has been tried, else after waiting gateWait for the first try).
type Gate struct {
	interceptor.WorkerInterceptorBase
	open, tried        chan struct{}
	opening, triedOnce sync.Once
}

// NewGate is a closed gate.
func NewGate() *Gate { return &Gate{open: make(chan struct{}), tried: make(chan struct{})} }

// Open lets every activity run from now on.
func (g *Gate) Open() { g.opening.Do(func() { close(g.open) }) }

// Opened is closed once the gate opens.
func (g *Gate) Opened() <-chan struct{} { return g.open }

// Tried says the read model has been tried once: from now on an activity at the closed gate
// fails at once, as against a database that is away, rather than waiting for the first answer
// (a local activity waiting its 5 attempts would hold its workflow's task, and the commands and
// timers behind it, for its 10 s).
func (g *Gate) Tried() { g.triedOnce.Do(func() { close(g.tried) }) }

// InterceptActivity holds an activity back while the gate is closed.
func (g *Gate) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &gated{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, g: g}
}

type gated struct {
	interceptor.ActivityInboundInterceptorBase
	g *Gate
}

// gateWait is how long an activity waits at a closed gate for the read model's first try to end:
// long enough for the checks of a read model that answers (a worker's usual start), short against
// an activity's timeouts.
const gateWait = 2 * time.Second

func (a *gated) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case <-a.g.open:
		return a.Next.ExecuteActivity(ctx, in)
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-a.g.tried:
		select {
		case <-a.g.open: // opened by that try
			return a.Next.ExecuteActivity(ctx, in)
		default:
		}
	case <-t.C:
	}
	return nil, temporal.NewApplicationError("the read model has not been reached since this worker started: retried until it is", "ReadModelNotReached")
}
