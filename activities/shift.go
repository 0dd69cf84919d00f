package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/workflows"
)

// HandOverForShift makes one action's handover for a shift handover, through the action's own
// handover Update (or its reassign Update, for an action only a reassignment can pass on). The
// Update ID is made from the shift and the action, so a retry or a re-run of the shift handover
// never hands the action over twice. An action that can no longer be handed over (completed
// meanwhile, already pending, recipient ineligible) is reported skipped, with why.
func (a *Activities) HandOverForShift(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
	if a.Temporal == nil {
		return workflows.ShiftItemResult{}, temporal.NewNonRetryableApplicationError("no Temporal client", "Misconfigured", nil)
	}
	update, arg := workflows.UpdateHandover, any(req.Handover)
	if req.Reassign != nil {
		update, arg = workflows.UpdateReassign, *req.Reassign
	}
	handle, err := a.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.ActionWorkflowID(req.ActionID),
		UpdateID:     "shift/" + req.ShiftID + "/" + req.ActionID,
		UpdateName:   update,
		Args:         []any{arg, workflows.Idempotency{}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var state workflows.State
	if err == nil {
		err = handle.Get(ctx, &state)
	}
	var (
		appErr   *temporal.ApplicationError
		notFound *serviceerror.NotFound
	)
	switch {
	case err == nil && req.Reassign != nil:
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemReassigned}, nil
	case err == nil:
		h := state.PendingHandover()
		if h == nil || h.ShiftHandoverID != req.ShiftID {
			// Answered from a first attempt whose handover has since ended: the action workflow
			// has signalled (or will signal) the outcome.
			return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemPending}, nil
		}
		return workflows.ShiftItemResult{ActionID: req.ActionID, HandoverID: h.ID, Status: workflows.ShiftItemPending}, nil
	case errors.As(err, &appErr):
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: appErr.Message()}, nil
	case errors.As(err, &notFound):
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: "the action has ended"}, nil
	}
	return workflows.ShiftItemResult{}, fmt.Errorf("handing over action %s for shift %s: %w", req.ActionID, req.ShiftID, err)
}
