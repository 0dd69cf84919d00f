package workflows

import (
	"encoding/json"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Names of the notice that someone went off shift still owning open actions.
const (
	OwnerAwayWorkflowName = "OwnerAwayNoticeWorkflow"
	OwnerAwayActivityName = "NotifyOwnerAway"
	// DeliverActivityName sends one webhook delivery that an activity made ready, as it made it.
	DeliverActivityName = "DeliverWebhook"
)

// OwnerAway is someone gone off shift while they still own open actions: who, who took them off
// shift (themselves, or a supervisor, manager or administrator) and when the change was made.
type OwnerAway struct {
	StaffID string    `json:"staff_id"`
	ActorID string    `json:"actor_id"`
	At      time.Time `json:"at"`
	// LeftTeamID is the team the person was a supervisor at work of, when the change took them
	// away from it (off shift, deactivated, moved or no longer a supervisor): if it leaves the team
	// with no supervisor at work, the managers are told of its actions whose owners are away.
	LeftTeamID string `json:"left_team_id,omitempty"`
}

// OwnerAwayWorkflowID is the notice's workflow: "away/", the person and the time of the change, so
// that a request sent again for one change starts no second notice.
func OwnerAwayWorkflowID(a OwnerAway) string {
	return "away/" + a.StaffID + "/" + a.At.UTC().Format(time.RFC3339Nano)
}

// OwnerAwayNoticeWorkflow tells the team's supervisors (the managers when none is on shift) of each
// open action someone went off shift still owning: the away lists of their inbox hold them too,
// but nobody looks there until told. Its first activity writes the inbox's notices and gives the
// webhook's deliveries, each then sent by an activity of its own, every one retried for up to a
// day, as the action's own notifications are: the read model may be down when the shift ends, and
// the integration's receiver too. A delivery given up on is logged at ERROR and counted, as theirs.
func OwnerAwayNoticeWorkflow(ctx workflow.Context, a OwnerAway) error {
	actx := aDayOfRetries(ctx)
	var deliveries []json.RawMessage
	if err := workflow.ExecuteActivity(actx, OwnerAwayActivityName, a).Get(ctx, &deliveries); err != nil {
		return err
	}
	futures := make([]workflow.Future, len(deliveries))
	for i, d := range deliveries {
		futures[i] = workflow.ExecuteActivity(actx, DeliverActivityName, d)
	}
	for _, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("notification not delivered", "error", err, "kind", NotifyOwnerOffShift, "staff_id", a.StaffID)
			workflow.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": NotifyOwnerOffShift}).
				Counter(MetricWebhooksUndelivered).Inc(1)
		}
	}
	return nil
}
