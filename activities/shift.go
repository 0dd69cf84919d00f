package activities

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// HandOverForShift makes one action's handover for a shift handover, through the action's own
// handover Update (or its reassign Update, for an action only a reassignment can pass on). The
// Update ID is made from the shift and the action, so a retry or a re-run of the shift handover
// never hands the action over twice. An action that can no longer be handed over (completed
// meanwhile, already pending, recipient ineligible) is reported skipped, with why.
func (a *Activities) HandOverForShift(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
	if a.Store != nil {
		// The shift's claims of the recipients still to come stay counted while it goes on.
		if err := a.Store.RenewHandoverClaims(ctx, req.ShiftID); err != nil {
			logger(ctx).Warn("renewing routing claims", "shift_id", req.ShiftID, "error", err)
		}
	}
	r, err := a.handOverForShift(ctx, req)
	if err == nil && a.Store != nil {
		// Answered: the handover waits for its recipient in the read model now, or will never be
		// made. Routing's claim of the recipient (if routing chose them) has done its work.
		if err := a.Store.ReleaseHandoverClaim(ctx, req.ActionID, req.ShiftID); err != nil {
			logger(ctx).Warn("releasing a routing claim", "action_id", req.ActionID, "error", err)
		}
	}
	return r, err
}

func (a *Activities) handOverForShift(ctx context.Context, req workflows.ShiftHandoverRequest) (workflows.ShiftItemResult, error) {
	if a.Temporal == nil {
		return workflows.ShiftItemResult{}, temporal.NewNonRetryableApplicationError("no Temporal client", "Misconfigured", nil)
	}
	defer heartbeat(ctx, workflows.ShiftHandOverHeartbeatTimeout/4)()
	if err := a.recipientNow(ctx, &req); err != nil {
		return workflows.ShiftItemResult{}, err
	}
	update, arg := workflows.UpdateHandover, any(req.Handover)
	if req.Reassign != nil {
		update, arg = workflows.UpdateReassign, *req.Reassign
	}
	asked := time.Now()
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
		// The refusal names the field of the Update's input ("to_id: ..."), which the shift
		// handover's reader never sent: the recipient is the item's own.
		reason := strings.TrimPrefix(appErr.Message(), "to_id: ")
		other, waits := a.otherShift(ctx, req, asked)
		switch {
		case other != "" && waits:
			// Another shift handover, started while this one was planned, handed it over first.
			reason = "it is being handed over in shift handover " + other + ", which waits for its answer"
		case other != "":
			reason = "it was handed over in shift handover " + other + " first"
		}
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: reason, InShift: other}, nil
	case errors.As(err, &notFound):
		return workflows.ShiftItemResult{ActionID: req.ActionID, Status: workflows.ShiftItemSkipped, Reason: "the action has ended"}, nil
	}
	return workflows.ShiftItemResult{}, fmt.Errorf("handing over action %s for shift %s: %w", req.ActionID, req.ShiftID, err)
}

// recipientNow makes req's recipient the person as they are now, not as the shift handover's plan
// read them: one gone off shift since (or moved to another team, or deactivated) is refused by
// the action's own checks, and the item skipped saying why, rather than a handover left waiting
// for someone who cannot accept it. Their claim, taken when the plan was made, stays until the
// item is answered: going off shift waits for it (so a handover sent before the change is answered
// with the others once it waits).
func (a *Activities) recipientNow(ctx context.Context, req *workflows.ShiftHandoverRequest) error {
	to := &req.Handover.To
	if req.Reassign != nil {
		to = &req.Reassign.To
	}
	if a.Store == nil || to.ID == "" {
		return nil
	}
	st, err := a.Store.GetStaff(ctx, to.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil // the action's checks refuse whom nobody knows, as the plan read them
	} else if err != nil {
		return fmt.Errorf("reading the recipient %s: %w", to.ID, err)
	}
	team := ""
	if st.TeamID != nil {
		team = *st.TeamID
	}
	to.Role, to.TeamID, to.Authority = workflows.Role(st.Role), team, st.Authority
	to.OnShift, to.Active = st.OnShift, st.Active
	return nil
}

// otherShift is the shift handover other than req's whose handover of req's action was waiting for
// its answer when req's was asked for (at asked), or ""; waits tells whether it still does. The
// action's workflow says so: its handover may not have reached the read model yet (the refusal can
// come while the other's Update still writes it), or may have been answered since. The read model
// answers when the workflow cannot.
func (a *Activities) otherShift(ctx context.Context, req workflows.ShiftHandoverRequest, asked time.Time) (other string, waits bool) {
	if a.Temporal != nil {
		v, err := a.Temporal.QueryWorkflow(ctx, workflows.ActionWorkflowID(req.ActionID), "", workflows.QueryState)
		var state workflows.State
		if err == nil && v.Get(&state) == nil {
			for _, h := range slices.Backward(state.Handovers) {
				if h.ShiftHandoverID == "" || h.ShiftHandoverID == req.ShiftID {
					continue
				}
				// Pending when asked: still, or answered since (a second's leeway for the clocks
				// of the worker and the Temporal service).
				if h.Status == workflows.HandoverPending {
					return h.ShiftHandoverID, true
				}
				if h.RespondedAt != nil && h.RespondedAt.After(asked.Add(-time.Second)) {
					return h.ShiftHandoverID, false
				}
				break
			}
			return "", false
		}
	}
	if a.Store == nil {
		return "", false
	}
	inShift, err := a.Store.PendingInShiftHandovers(ctx, []string{req.ActionID})
	if err != nil || inShift[req.ActionID] == req.ShiftID {
		return "", false
	}
	return inShift[req.ActionID], inShift[req.ActionID] != ""
}

// heartbeat records the activity's heartbeat every period until the returned stop is called, so that
// Temporal learns soon when the worker running it has died.
func heartbeat(ctx context.Context, every time.Duration) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}

// NotifyShiftLeftovers puts in the inbox of each action's team's supervisors (and of whoever
// started the shift handover, if someone else) each action the shift handover left with the
// outgoing person, and why. One whose handover expired is not told to the supervisors again: the
// expiry escalated the action, which alerted them (and the outgoing person, its owner) that very
// moment; whoever else started the shift handover (a manager) is told. The records are keyed by
// the shift handover (a negative seq, as they are no event of the action's), so a retry writes
// nothing twice.
func (a *Activities) NotifyShiftLeftovers(ctx context.Context, in workflows.ShiftLeftovers) error {
	// An action gone from the read model is its team's all the same: the outgoing person's.
	// The inbox is read by people: it names them, by ID only when the directory has no name.
	fromTeam, fromName := "", in.FromID
	if from, err := a.Store.GetStaff(ctx, in.FromID); err == nil {
		if from.TeamID != nil {
			fromTeam = *from.TeamID
		}
		fromName = cmp.Or(from.Name, in.FromID)
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	var to []string
	starterAlerted := true // by an expiry's escalation: the outgoing person, or a supervisor
	if in.StartedBy != in.FromID {
		to = []string{in.StartedBy}
		starter, err := a.Store.GetStaff(ctx, in.StartedBy)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		starterAlerted = err == nil && workflows.Role(starter.Role) == workflows.RoleSupervisor
	}
	h := fnv.New64a()
	h.Write([]byte(in.ShiftID))
	// 53 bits, so that a JavaScript client reads it exactly (JSON numbers are doubles there).
	seq := -int64(h.Sum64() >> 11)
	ids := make([]string, len(in.Items))
	for i, it := range in.Items {
		ids[i] = it.ActionID
	}
	// An action that another shift handover is handing over (started while this one was making
	// its handovers, so that this one's was refused) does not stay with the outgoing person.
	elsewhere, err := a.Store.PendingInShiftHandovers(ctx, ids)
	if err != nil {
		return err
	}
	var records []models.Notification
	var events []WebhookEvent // one a leftover told someone of, for the webhook
	for _, it := range in.Items {
		if other := elsewhere[it.ActionID]; other != "" && other != in.ShiftID {
			continue
		}
		// The action's own team's supervisors; an action gone from the read model is named by
		// its ID.
		row, err := a.Store.GetActionRow(ctx, it.ActionID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if err == nil && (row.OwnerID != in.FromID || workflows.Status(row.Status).Final()) {
			// Passed on meanwhile (reassigned, or taken over in another shift handover), or
			// completed or cancelled since (a leftover of a shift handover told when its last
			// handover is answered, as those started before that release are): it did not stay
			// with them.
			continue
		}
		role, recipients := workflows.RoleSupervisor, to
		switch {
		case it.Status == workflows.ShiftItemExpired:
			// Its escalation told the supervisors, and the outgoing person, when it expired.
			if starterAlerted {
				continue
			}
			role = ""
		case it.Status == workflows.ShiftItemDeclined && err == nil:
			// The decline told the supervisors in the outgoing person's place when they were off
			// shift (see that someone takes it on): not again as left over, nor the starter if
			// they were among them. Its notice is written a moment after the shift handover
			// hears of it: this waits for it a few seconds, then tells them all the same.
			told, err := a.declineTold(ctx, it.ActionID, it.HandoverID)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(told, func(id string) bool { return id != in.FromID }) {
				role = ""
				recipients = slices.DeleteFunc(slices.Clone(to), func(id string) bool { return slices.Contains(told, id) })
				if len(recipients) == 0 {
					continue
				}
			}
		}
		title := cmp.Or(row.Title, it.ActionID)
		n := workflows.Notification{
			ActionID: it.ActionID, Seq: seq, Kind: workflows.NotifyShiftLeftOver, To: recipients, ToRole: role,
			TeamID: cmp.Or(row.TeamID, fromTeam), ActorID: in.FromID, Cause: workflows.CauseShiftHandover, At: a.now(),
			Message: fmt.Sprintf("“%s” stays with %s after their shift handover: %s.", title, fromName, leftBecause(it)),
		}
		rs, _, err := a.inboxRecords(ctx, n)
		if err != nil {
			return err
		}
		records = append(records, rs...)
		if len(rs) > 0 {
			n.Title, n.OwnerID, n.Status, n.Version, n.CustomerRef = title, row.OwnerID, workflows.Status(row.Status), row.Version, row.CustomerRef
			events = append(events, webhookEvents(n, "action."+n.Kind, rs)...)
		}
	}
	if err := a.Store.AddNotifications(ctx, records); err != nil {
		return err
	}
	if a.Webhook == nil || a.Webhook.URL == "" {
		return nil
	}
	// Once the inbox records are written, each tried once: the shift handover waits on this to
	// tell the supervisors of its next leftover, which a webhook that is down must not hold up.
	a.deliverOnce(ctx, events)
	return nil
}

// declineWait is how long the telling of a declined leftover waits for the decline to be in the
// read model: its projection is written a moment after the shift handover hears of it.
const declineWait = 5 * time.Second

// declineTold is who the notice of the decline of an action's handover reached, once the read
// model holds the decline (its entry and notices are written together); nobody when it does not
// within declineWait (the leftover is told all the same), nor for an item that names no handover.
func (a *Activities) declineTold(ctx context.Context, actionID, handoverID string) ([]string, error) {
	if handoverID == "" {
		return nil, nil
	}
	deadline := a.now().Add(declineWait)
	for {
		told, written, err := a.Store.DeclineTold(ctx, actionID, handoverID)
		if err != nil || written || !a.now().Before(deadline) {
			return told, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// leftBecause says why a shift handover left an action where it was, naming its recipient.
func leftBecause(it workflows.ShiftItem) string {
	to := cmp.Or(it.To.Name, it.To.ID)
	switch it.Status {
	case workflows.ShiftItemDeclined:
		return fmt.Sprintf("%s declined it (%s)", to, it.Reason)
	case workflows.ShiftItemExpired:
		return fmt.Sprintf("%s did not accept it in time", to)
	case workflows.ShiftItemWithdrawn:
		return "its handover was withdrawn (" + it.Reason + ")"
	}
	return "not handed over (" + it.Reason + ")"
}
