package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names of the notice that someone went off shift still owning open actions.
const (
	OwnerAwayWorkflowName = "OwnerAwayNoticeWorkflow"
	OwnerAwayActivityName = "NotifyOwnerAway"
)

// OwnerAway is someone gone off shift while they still own open actions: who, who took them off
// shift (themselves, or a supervisor, manager or administrator) and when the change was made.
type OwnerAway struct {
	StaffID string    `json:"staff_id"`
	ActorID string    `json:"actor_id"`
	At      time.Time `json:"at"`
}

// OwnerAwayWorkflowID is the notice's workflow: "away/", the person and the time of the change, so
// that a request sent again for one change starts no second notice.
func OwnerAwayWorkflowID(a OwnerAway) string {
	return "away/" + a.StaffID + "/" + a.At.UTC().Format(time.RFC3339Nano)
}

// OwnerAwayNoticeWorkflow tells the team's supervisors (the managers when none is on shift) of each
// open action someone went off shift still owning: the away lists of their inbox hold them too,
// but nobody looks there until told. Its one activity is retried, as a delivery is, for up to a
// day: the read model may be down when the shift ends.
func OwnerAwayNoticeWorkflow(ctx workflow.Context, a OwnerAway) error {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
		},
	})
	return workflow.ExecuteActivity(actx, OwnerAwayActivityName, a).Get(ctx, nil)
}
