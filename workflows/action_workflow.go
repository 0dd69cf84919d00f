package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// projectionRetryDelay is how long the workflow waits before trying a failed projection again.
// Commands keep working meanwhile; the read model catches up when the database is back.
const projectionRetryDelay = 5 * time.Second

// actionWorkflow is the running instance: the state, and the timeline events the read model has
// not yet been given.
type actionWorkflow struct {
	state        State
	unprojected  []Event
	projectedSeq int64
	// projectionStalled is true while the read model cannot be written: command handlers then
	// answer without waiting for it.
	projectionStalled bool
}

// ActionWorkflow runs one customer service action from creation to completion.
func ActionWorkflow(ctx workflow.Context, in StartInput) error {
	state, created := NewState(in, workflow.Now(ctx))
	w := &actionWorkflow{state: state, unprojected: []Event{created}}
	if err := w.registerHandlers(ctx); err != nil {
		return err
	}
	workflow.Go(ctx, w.project)

	if err := workflow.Await(ctx, func() bool { return w.state.Status.Final() }); err != nil {
		return err
	}
	// An ended action still takes notes for a while; then the workflow closes once every handler
	// has answered and the read model holds the whole timeline.
	keepOpen := in.KeepOpenFor
	if keepOpen <= 0 {
		keepOpen = DefaultKeepOpenFor
	}
	if err := workflow.Sleep(ctx, keepOpen); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool {
		return len(w.unprojected) == 0 && workflow.AllHandlersFinished(ctx)
	})
}

func (w *actionWorkflow) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (State, error) {
		return w.state.Clone(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateCreate, func(ctx workflow.Context, _ CreateInput) (State, error) {
		return w.awaitProjection(ctx, 1)
	}); err != nil {
		return err
	}
	handlers := []struct {
		name string
		err  error
	}{
		{UpdateHandover, setCommand(ctx, w, UpdateHandover, CheckHandover, ApplyHandover)},
		{UpdateAccept, setCommand(ctx, w, UpdateAccept, CheckAccept, ApplyAccept)},
		{UpdateDecline, setCommand(ctx, w, UpdateDecline, CheckDecline, ApplyDecline)},
		{UpdateComplete, setCommand(ctx, w, UpdateComplete, CheckComplete, ApplyComplete)},
		{UpdateNote, setCommand(ctx, w, UpdateNote, CheckNote, ApplyNote)},
	}
	for _, h := range handlers {
		if h.err != nil {
			return h.err
		}
	}
	return nil
}

// setCommand registers one command as an Update: the validator refuses what the state does not
// allow (nothing is recorded then), the handler applies it and answers once the read model shows it.
func setCommand[In any](
	ctx workflow.Context, w *actionWorkflow, name string,
	check func(*State, In) error, apply func(*State, In, time.Time) []Event,
) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name,
		func(ctx workflow.Context, in In) (State, error) {
			events := apply(&w.state, in, workflow.Now(ctx))
			w.unprojected = append(w.unprojected, events...)
			return w.awaitProjection(ctx, w.state.Version)
		},
		workflow.UpdateHandlerOptions{Validator: func(in In) error {
			s := w.state.Clone()
			return check(&s, in)
		}},
	)
}

// awaitProjection waits until the read model holds the timeline up to seq, so the caller reads its
// own write, unless the read model is unavailable.
func (w *actionWorkflow) awaitProjection(ctx workflow.Context, seq int64) (State, error) {
	if err := workflow.Await(ctx, func() bool { return w.projectedSeq >= seq || w.projectionStalled }); err != nil {
		return State{}, err
	}
	return w.state.Clone(), nil
}

// project writes the timeline to the read model in order, one batch at a time, for as long as the
// workflow runs.
func (w *actionWorkflow) project(ctx workflow.Context) {
	actx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    100 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    2 * time.Second,
			MaximumAttempts:    5,
		},
	})
	logger := workflow.GetLogger(ctx)
	for {
		if err := workflow.Await(ctx, func() bool { return len(w.unprojected) > 0 }); err != nil {
			return
		}
		batch := Projection{State: w.state.Clone(), Events: append([]Event(nil), w.unprojected...)}
		err := workflow.ExecuteLocalActivity(actx, ProjectActivityName, batch).Get(ctx, nil)
		if err != nil {
			logger.Warn("read model projection failed; retrying", "error", err, "action_id", w.state.ID)
			w.projectionStalled = true
			if err := workflow.Sleep(ctx, projectionRetryDelay); err != nil {
				return
			}
			continue
		}
		w.projectionStalled = false
		w.unprojected = w.unprojected[len(batch.Events):]
		w.projectedSeq = batch.Events[len(batch.Events)-1].Seq
	}
}
