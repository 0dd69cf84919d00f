package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names of the weekly report.
const (
	WeeklyReportWorkflowName = "WeeklyReportWorkflow"
	WeeklyReportActivityName = "SaveWeeklyReports"
	WeeklyReportScheduleID   = "weekly-handover-report"
)

// WeeklyReportWorkflow keeps the handover review of the week that ends now; a Temporal Schedule
// runs it every week.
func WeeklyReportWorkflow(ctx workflow.Context) (int, error) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 10 * time.Second, MaximumInterval: 10 * time.Minute},
	})
	var saved int
	err := workflow.ExecuteActivity(actx, WeeklyReportActivityName, workflow.Now(ctx)).Get(ctx, &saved)
	return saved, err
}
