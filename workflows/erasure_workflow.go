package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.temporal.io/sdk/workflow"
)

// Names of the erasure notice.
const (
	ErasureWorkflowName = "ErasureNoticeWorkflow"
	ErasureActivityName = "NotifyErasure"
	// ErasureWebhookType is the type of the webhook delivery that tells of an erasure.
	ErasureWebhookType = "customer.erased"
)

// Erasure is a customer's personal data erased: which customer (their reference, or for a
// customer given without one, their action), by whom and when. It carries no personal data.
type Erasure struct {
	CustomerRef string    `json:"customer_ref"`
	ActionID    string    `json:"action_id,omitempty"`
	ActorID     string    `json:"actor_id"`
	At          time.Time `json:"at"`
	// Notice is the notice's own random ID, given when the erasure is made: its workflow's and
	// its delivery's ID carry nothing of the customer's. Empty in notices started by an earlier
	// release, which named the customer by a digest of their reference.
	Notice string `json:"notice,omitempty"`
}

// ErasureWorkflowID is the erasure notice's workflow, one per erasure, and the ID of its webhook
// delivery: "erasure/" and the notice's random ID. Workflow IDs are kept in the clear in
// Temporal's visibility (its UI lists them) and in logs, and an unkeyed digest of a reference,
// which notices started by an earlier release carry, is found again by hashing references.
func ErasureWorkflowID(e Erasure) string {
	if e.Notice != "" {
		return "erasure/" + e.Notice
	}
	who := e.CustomerRef
	if who == "" {
		who = "action:" + e.ActionID
	}
	sum := sha256.Sum256([]byte(who))
	return "erasure/" + hex.EncodeToString(sum[:8]) + "/" + e.At.UTC().Format(time.RFC3339Nano)
}

// ErasureNoticeWorkflow tells the integration that a customer's personal data was erased, so that
// it erases the copies it keeps (names and contacts of customer messages): the webhook delivery
// is retried as every other is, for up to a day.
func ErasureNoticeWorkflow(ctx workflow.Context, e Erasure) error {
	return workflow.ExecuteActivity(aDayOfRetries(ctx), ErasureActivityName, e).Get(ctx, nil)
}
