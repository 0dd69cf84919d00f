package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"

	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// awayStatuses are the statuses of an open action the notice of its owner's end of shift tells of,
// as the away lists of the supervisors' inbox hold them: an escalated one has alerted its level
// already, and an unassigned one has no owner.
var awayStatuses = []workflows.Status{workflows.StatusAssigned, workflows.StatusHandoverPending, workflows.StatusChecking}

// NotifyOwnerAway tells the team's supervisors (the managers, when no supervisor is on shift) of
// each open action someone went off shift still owning, one notice each, all with one negative
// seq, so that the inbox tells them together: nobody at work looks after those until they are
// reassigned or their owner is back. Whoever took them off shift is not told (they were answered
// how many actions the person still owns), nor is the person. Told again (a retry), it writes
// nothing twice; someone back on shift by then leaves nothing to tell. A supervisor whose change
// left their team with none at work has the managers told of its work whose owners are away too
// (tellTeamLeft). It answers the webhook's
// deliveries of the notices, for DeliverWebhook to send (none without a webhook).
func (a *Activities) NotifyOwnerAway(ctx context.Context, in workflows.OwnerAway) ([]json.RawMessage, error) {
	st, err := a.Store.GetStaff(ctx, in.StaffID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	name, by := cmp.Or(st.Name, st.ID), cmp.Or(st.Name, st.ID)
	if in.ActorID != in.StaffID {
		by = in.ActorID
		if actor, err := a.Store.GetStaff(ctx, in.ActorID); err == nil {
			by = cmp.Or(actor.Name, actor.ID)
		} else if !errors.Is(err, models.ErrNotFound) {
			return nil, err
		}
	}
	var records []models.Notification
	var events []WebhookEvent
	// tell puts a notice of row in the inbox of the team's supervisors (the managers, when none
	// is at work), but the person's, and makes its webhook deliveries ready.
	tell := func(row models.Action, seq int64, message string) error {
		n := workflows.Notification{
			ActionID: row.ID, Seq: seq, Kind: workflows.NotifyOwnerOffShift, ToRole: workflows.RoleSupervisor,
			TeamID: row.TeamID, ActorID: in.ActorID, Cause: workflows.CauseRequest, At: in.At, Message: message,
		}
		rs, _, err := a.inboxRecords(ctx, n)
		if err != nil {
			return err
		}
		// Not the person gone, a supervisor among the team's: they know.
		rs = slices.DeleteFunc(rs, func(r models.Notification) bool { return r.RecipientID == in.StaffID })
		records = append(records, rs...)
		if len(rs) > 0 {
			n.Title, n.OwnerID, n.Status, n.Version, n.CustomerRef = row.Title, row.OwnerID, workflows.Status(row.Status), row.Version, row.CustomerRef
			events = append(events, webhookEvents(n, "action."+n.Kind, rs)...)
		}
		return nil
	}
	if !st.OnShift { // back at work: their actions are looked after
		went := name + " went off shift still owning"
		if in.ActorID != in.StaffID {
			went = by + " took " + name + " off shift while they still own"
		}
		owned, err := a.Store.OwnedOpenActions(ctx, in.StaffID)
		if err != nil {
			return nil, err
		}
		seq := awaySeq(workflows.OwnerAwayWorkflowID(in))
		for _, row := range owned {
			status := workflows.Status(row.Status)
			if !slices.Contains(awayStatuses, status) {
				continue
			}
			handover, waits := awayWaits(status)
			message := fmt.Sprintf("%s “%s”: it %s", went, row.Title, waits)
			if handover {
				message = fmt.Sprintf("%s “%s”, whose handover %s", went, row.Title, waits)
			}
			if err := tell(row, seq, message); err != nil {
				return nil, err
			}
		}
	}
	if err := a.tellTeamLeft(ctx, in, st, name, by, tell); err != nil {
		return nil, err
	}
	if err := a.Store.AddNotifications(ctx, records); err != nil {
		return nil, err
	}
	if a.Webhook == nil || a.Webhook.URL == "" {
		return nil, nil
	}
	// Each sent by an activity of its own, retried on its own: one receiver that is down holds
	// up neither the inbox nor the others.
	deliveries := make([]json.RawMessage, len(events))
	for i, ev := range events {
		raw, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("encoding webhook %s: %w", ev.ID, err)
		}
		deliveries[i] = raw
	}
	return deliveries, nil
}

// tellTeamLeft tells, when the person was a supervisor at work of a team (in.LeftTeamID) that the
// change leaves without one, whoever stands in for its supervisors (the managers) of each of its
// open actions whose owner is away: those were told to the supervisor who has gone, and nobody at
// work would hear of them. Their own actions were told of above.
func (a *Activities) tellTeamLeft(ctx context.Context, in workflows.OwnerAway, st models.Staff, name, by string,
	tell func(models.Action, int64, string) error) error {
	if in.LeftTeamID == "" {
		return nil
	}
	var how string
	switch {
	case !st.Active:
		how = by + " deactivated " + name
	case st.TeamID == nil || *st.TeamID != in.LeftTeamID:
		how = name + " left the team"
	case workflows.Role(st.Role) != workflows.RoleSupervisor:
		how = name + " is no longer one of its supervisors"
	case !st.OnShift && in.ActorID != in.StaffID:
		how = by + " took " + name + " off shift"
	case !st.OnShift:
		how = name + " went off shift"
	default:
		return nil // a supervisor at work again
	}
	left, err := a.Store.LeftWithoutSupervisor(ctx, in.LeftTeamID)
	if err != nil || len(left) == 0 {
		return err
	}
	team := in.LeftTeamID
	if t, err := a.Store.GetTeam(ctx, team); err == nil {
		team = cmp.Or(t.Name, t.ID)
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	type ownerOf struct {
		name string
		// later: they went off shift after the change, whose own notice tells of their actions
		// (to the managers, with no supervisor at work).
		later bool
	}
	owners := map[string]ownerOf{}
	seq := awaySeq(workflows.OwnerAwayWorkflowID(in) + "/team")
	for _, row := range left {
		if row.OwnerID == in.StaffID {
			continue // told of above, as theirs
		}
		o, known := owners[row.OwnerID]
		if !known {
			o.name = row.OwnerID
			if st, err := a.Store.GetStaff(ctx, row.OwnerID); err == nil {
				o.name = cmp.Or(st.Name, st.ID)
				o.later = !st.OnShift && st.ChangedAt != nil && st.ChangedAt.After(in.At)
			} else if !errors.Is(err, models.ErrNotFound) {
				return err
			}
			owners[row.OwnerID] = o
		}
		if o.later {
			continue
		}
		handover, waits := awayWaits(workflows.Status(row.Status))
		if handover {
			waits = "its handover " + waits
		}
		message := fmt.Sprintf("%s, leaving %s with no supervisor at work: “%s” is %s's, who is away, and %s", how, team, row.Title, o.name, waits)
		if err := tell(row, seq, message); err != nil {
			return err
		}
	}
	return nil
}

// awayWaits says what an action whose owner is away waits for, as its status stands, after its
// subject ("it waits ..."); of one whose handover waits for an answer (handover), the words are of
// the handover, as its recipient may still take it on.
func awayWaits(status workflows.Status) (handover bool, words string) {
	switch status {
	case workflows.StatusHandoverPending:
		return true, "waits for an answer: unless it is accepted, it waits for their return or a reassignment."
	case workflows.StatusChecking:
		return false, "waits for their return unless someone reassigns it. It is at its due time, waiting for its check."
	}
	return false, "waits for their return unless someone reassigns it."
}

// awaySeq is the one negative seq of the notices of one change, so that the inbox tells them
// together: 53 bits of a hash of what names it, so that a JavaScript client reads it exactly (JSON
// numbers are doubles there).
func awaySeq(of string) int64 {
	h := fnv.New64a()
	h.Write([]byte(of))
	return -int64(h.Sum64() >> 11)
}

// DeliverWebhook sends one delivery another activity made ready (its personal data sealed), and
// keeps account of it as every delivery is kept (deliver); its error is the delivery's, so that the
// workflow retries it, but for one refused for what it is.
func (a *Activities) DeliverWebhook(ctx context.Context, raw json.RawMessage) error {
	var ev WebhookEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return temporal.NewNonRetryableApplicationError("a webhook delivery that cannot be read: "+err.Error(), "BadDelivery", nil)
	}
	if a.Webhook == nil || a.Webhook.URL == "" {
		// Made ready by a worker with webhook settings: sent by one that has them.
		return fmt.Errorf("webhook %s: this worker has no webhook settings (HANDOVER_WEBHOOK_URL)", ev.ID)
	}
	sent, unrecorded := a.deliver(ctx, ev)
	if unrecorded != nil {
		logger(ctx).Warn("webhook delivery not recorded", "webhook_id", ev.ID, "error", unrecorded)
	}
	if sent == nil {
		return nil
	}
	var app *temporal.ApplicationError
	return failedTry(ctx, sent, !(errors.As(sent, &app) && app.NonRetryable()))
}
