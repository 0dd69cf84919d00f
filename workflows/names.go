// Package workflows holds the durable lifecycle of a customer service action: its states, the
// commands that move it, the timeline events it records and the Temporal workflow that runs it.
// The lifecycle here does no I/O and knows no transport; the read model is written by activities.
package workflows

// TaskQueue is the Temporal task queue served by every handover worker.
const TaskQueue = "handover"

// Workflow and activity names, registered by the worker and used by the API.
const (
	ActionWorkflowName  = "ActionWorkflow"
	ProjectActivityName = "ProjectAction"
	NotifyActivityName  = "Notify"
	// UntoldActivityName reads which messages to customers of an action are still given to
	// someone to tell (revision 23).
	UntoldActivityName     = "UntoldMessages"
	ActionWorkflowIDPrefix = "action/"
)

// Update names: one per command of the lifecycle.
const (
	UpdateCreate   = "create"
	UpdateHandover = "handover"
	UpdateAccept   = "accept"
	UpdateDecline  = "decline"
	UpdateWithdraw = "withdraw"
	UpdateFollowUp = "follow_up"
	UpdateComplete = "complete"
	UpdateNote     = "note"
	UpdateCheck    = "check"
	UpdateEscalate = "escalate"
	UpdateReassign = "reassign"
	UpdateExtend   = "extend"
	UpdateCancel   = "cancel"
	// CommandCancelDuplicate is the cancel an action's owner or creator may make of it as a
	// duplicate of another (UpdateCancel with CancelInput.DuplicateOf): a name for the screens'
	// forms (Available), not an Update of its own.
	CommandCancelDuplicate = "cancel-duplicate"
	UpdateClaim            = "claim"
	UpdateFeedback         = "feedback"
	UpdatePause            = "pause"
	UpdateResume           = "resume"
	// UpdateTold records that someone told the customer a message the action sent them.
	UpdateTold = "told"
	// UpdateCorrect puts right what the action says: its title, details, priority, or its
	// customer's name or contact.
	UpdateCorrect = "correct"
)

// MetricWebhooksUndelivered counts the webhook deliveries the workflow gave up on (after a day of
// retries, or at once when the integration refused one), by notification kind. It is served on
// /metrics as the counter handover_webhooks_undelivered_total{kind} (with the SDK's own labels),
// like the SDK's counters.
const MetricWebhooksUndelivered = "handover_webhooks_undelivered"

// MetricProjectionFailures counts the read-model projections that failed and will be retried: a
// rising count is a read model that is down or refusing writes, while commands go on.
const MetricProjectionFailures = "handover_projection_failures"

// QueryState answers the action's live state.
const QueryState = "state"

// ActionWorkflowID is the workflow ID of the action with the given ID.
func ActionWorkflowID(actionID string) string { return ActionWorkflowIDPrefix + actionID }
