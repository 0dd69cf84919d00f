// Package worker builds the Temporal worker that runs the handover workflows and activities.
package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/workflows"
)

// New builds a worker on the handover task queue with every workflow and activity registered.
// onFatal, when set, hears of an error that stopped the worker for good (its namespace gone, its
// permission withdrawn): it polls no more.
func New(c client.Client, acts *activities.Activities, onFatal func(error)) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// On shutdown, activities in flight (a projection, a webhook) get this long to finish
		// before the worker gives them up for another worker to retry.
		WorkerStopTimeout: 20 * time.Second,
		OnFatalError:      onFatal,
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
	r.RegisterWorkflowWithOptions(workflows.ShiftHandoverWorkflow, workflow.RegisterOptions{Name: workflows.ShiftWorkflowName})
	r.RegisterActivityWithOptions(acts.HandOverForShift, activity.RegisterOptions{Name: workflows.HandOverForShiftActivity})
	r.RegisterActivityWithOptions(acts.NotifyShiftLeftovers, activity.RegisterOptions{Name: workflows.ShiftLeftoversActivity})
	r.RegisterWorkflowWithOptions(workflows.WeeklyReportWorkflow, workflow.RegisterOptions{Name: workflows.WeeklyReportWorkflowName})
	r.RegisterActivityWithOptions(acts.SaveWeeklyReports, activity.RegisterOptions{Name: workflows.WeeklyReportActivityName})
}

// EnsureSchedules creates the weekly report's schedule (Mondays 06:00 UTC) unless it exists.
func EnsureSchedules(ctx context.Context, c client.Client) error {
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: workflows.WeeklyReportScheduleID,
		Spec: client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{
			DayOfWeek: []client.ScheduleRange{{Start: 1}},
			Hour:      []client.ScheduleRange{{Start: 6}},
		}}},
		Action: &client.ScheduleWorkflowAction{
			ID: "weekly-handover-report", Workflow: workflows.WeeklyReportWorkflowName, TaskQueue: workflows.TaskQueue,
		},
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating the weekly report schedule: %w", err)
	}
	return nil
}

// Run runs the worker until ctx is done, then stops it, letting tasks in flight finish. A fatal
// error ends it early and is returned, so that the process exits and is restarted rather than
// running on without polling.
func Run(ctx context.Context, c client.Client, acts *activities.Activities) error {
	if err := EnsureSchedules(ctx, c); err != nil {
		return err
	}
	stop := make(chan any)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if err := New(c, acts, nil).Run(stop); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	return nil
}
