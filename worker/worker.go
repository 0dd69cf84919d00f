// Package worker builds the Temporal worker that runs the handover workflows and activities.
package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/workflows"
)

// New builds a worker on the handover task queue with every workflow and activity registered.
// onFatal, when set, hears of an error that stopped the worker for good (its namespace gone, its
// permission withdrawn): it polls no more. A gate, when given, holds the activities back until it
// opens.
func New(c client.Client, acts *activities.Activities, onFatal func(error), gate ...*Gate) sdkworker.Worker {
	var icpts []interceptor.WorkerInterceptor
	for _, g := range gate {
		if g != nil {
			icpts = append(icpts, g)
		}
	}
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// On shutdown, activities in flight (a projection, a webhook) get this long to finish
		// before the worker gives them up for another worker to retry.
		WorkerStopTimeout: 20 * time.Second,
		OnFatalError:      onFatal,
		Interceptors:      icpts,
	})
	Register(w, acts)
	return w
}

// Register adds the handover workflows and activities to any registry: a worker, a replayer or a
// test environment.
func Register(r interface {
	RegisterWorkflowWithOptions(any, workflow.RegisterOptions)
	RegisterActivityWithOptions(any, activity.RegisterOptions)
}, acts *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.ActionWorkflow, workflow.RegisterOptions{Name: workflows.ActionWorkflowName})
	r.RegisterActivityWithOptions(acts.ProjectAction, activity.RegisterOptions{Name: workflows.ProjectActivityName})
	r.RegisterActivityWithOptions(acts.Notify, activity.RegisterOptions{Name: workflows.NotifyActivityName})
	r.RegisterActivityWithOptions(acts.UntoldMessages, activity.RegisterOptions{Name: workflows.UntoldActivityName})
	r.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflow.RegisterOptions{Name: workflows.ShiftWorkflowName})
	r.RegisterActivityWithOptions(acts.HandOverForShift, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	r.RegisterActivityWithOptions(acts.NotifyShiftLeftovers, activity.RegisterOptions{Name: workflows.ShiftLeftoversActivity})
	r.RegisterWorkflowWithOptions(workflows.WeeklyReportWorkflow, workflow.RegisterOptions{Name: workflows.WeeklyReportWorkflowName})
	r.RegisterActivityWithOptions(acts.SaveWeeklyReports, activity.RegisterOptions{Name: workflows.WeeklyReportActivityName})
	r.RegisterWorkflowWithOptions(workflows.ErasureNoticeWorkflow, workflow.RegisterOptions{Name: workflows.ErasureWorkflowName})
	r.RegisterActivityWithOptions(acts.NotifyErasure, activity.RegisterOptions{Name: workflows.ErasureActivityName})
	r.RegisterWorkflowWithOptions(workflows.OwnerAwayNoticeWorkflow, workflow.RegisterOptions{Name: workflows.OwnerAwayWorkflowName})
	r.RegisterActivityWithOptions(acts.NotifyOwnerAway, activity.RegisterOptions{Name: workflows.OwnerAwayActivityName})
	r.RegisterActivityWithOptions(acts.DeliverWebhook, activity.RegisterOptions{Name: workflows.DeliverActivityName})
}

// reviewSpec runs the weekly review every hour, on the hour: each team's week ends on Monday
// 06:00 in its own time zone, and is kept at the first run after that (SaveWeeklyReports).
func reviewSpec() client.ScheduleSpec {
	return client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}}
}

// EnsureSchedules creates the weekly review's schedule unless it exists, and brings one made by an
// earlier version (Mondays 06:00 UTC, every team's week cut in UTC) to reviewSpec.
func EnsureSchedules(ctx context.Context, c client.Client) error {
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   workflows.WeeklyReportScheduleID,
		Spec: reviewSpec(),
		Action: &client.ScheduleWorkflowAction{
			ID: "weekly-handover-report", Workflow: workflows.WeeklyReportWorkflowName, TaskQueue: workflows.TaskQueue,
		},
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return updateReviewSpec(ctx, c.ScheduleClient().GetHandle(ctx, workflows.WeeklyReportScheduleID))
	}
	if err != nil {
		return fmt.Errorf("creating the weekly report schedule: %w", err)
	}
	return nil
}

// updateReviewSpec gives the schedule reviewSpec when it has another.
func updateReviewSpec(ctx context.Context, h client.ScheduleHandle) error {
	desc, err := h.Describe(ctx)
	if err != nil {
		return fmt.Errorf("reading the weekly report schedule: %w", err)
	}
	want := reviewSpec()
	if spec := desc.Schedule.Spec; spec != nil && len(spec.Calendars) == 0 && len(spec.CronExpressions) == 0 &&
		slices.Equal(spec.Intervals, want.Intervals) {
		return nil
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		sched := in.Description.Schedule
		sched.Spec = &want
		return &client.ScheduleUpdate{Schedule: &sched}, nil
	}})
	if err != nil {
		return fmt.Errorf("updating the weekly report schedule: %w", err)
	}
	return nil
}

// Run runs the worker until ctx is done, then stops it, letting tasks in flight finish. A fatal
// error ends it early and is returned, so that the process exits and is restarted rather than
// running on without polling. A gate, when not nil, holds the activities back until it opens.
func Run(ctx context.Context, c client.Client, acts *activities.Activities, gate *Gate) error {
	if err := EnsureSchedules(ctx, c); err != nil {
		return err
	}
	stop := make(chan any)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if err := New(c, acts, nil, gate).Run(stop); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	return nil
}
