package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Redelivery is what one redelivery did.
type Redelivery struct {
	// Sent counts the deliveries that got through, Failed those that failed again (recorded again,
	// to be sent by a later redelivery).
	Sent, Failed int
	// HeldBack counts the deliveries not sent because an earlier one of the same action failed
	// again: a receiver is never sent an action's later change before an earlier one.
	HeldBack int
	// ByHand counts the messages to customers not sent because someone was given them to tell
	// by hand meanwhile (the integration could not send them): sent now, they would be told twice.
	ByHand int
	// LastError is the error of the last delivery that failed, if any did.
	LastError string
}

// Redeliver sends again, one by one and oldest first, every webhook delivery that failed and has
// not got through since (those of one action when actionID is set): the ones the workflow gave up
// on after a day of retries, and any still being retried. Each goes with its own event ID, so a
// receiver that got it after all drops it; once one fails again, the later ones of its action wait
// for the next redelivery. The read model keeps account as the workflow's deliveries do.
func (a *Activities) Redeliver(ctx context.Context, actionID string) (Redelivery, error) {
	var out Redelivery
	if a.Webhook == nil || a.Webhook.URL == "" {
		return out, errors.New("no webhook is configured (HANDOVER_WEBHOOK_URL and HANDOVER_WEBHOOK_SECRET, as the workers have)")
	}
	failed := map[string]bool{} // actions with a delivery that failed in this redelivery
	err := a.Store.EachUndeliveredWebhook(ctx, actionID, func(d models.WebhookDelivery) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		// A shift handover's leftover (a negative seq) is no event of the action's timeline: it
		// holds back none of them, nor is it held back.
		if failed[d.ActionID] && d.Seq >= 0 {
			out.HeldBack++
			return nil
		}
		var ev WebhookEvent
		if err := json.Unmarshal([]byte(d.Event), &ev); err != nil {
			return fmt.Errorf("webhook %s as recorded: %w", d.ID, err)
		}
		if ev.Type == "action."+workflows.NotifyCustomerMessage && d.Seq > 0 {
			given, err := a.Store.MessageGivenByHand(ctx, d.ActionID, d.Seq)
			if err != nil {
				return err
			}
			if given {
				if err := a.Store.WebhookSettled(ctx, d.ID, a.now(), "not sent again: someone at the desk was given it to tell the customer"); err != nil {
					return err
				}
				out.ByHand++
				return nil
			}
		}
		sent, unrecorded := a.deliver(ctx, ev)
		if unrecorded != nil {
			return unrecorded
		}
		if sent != nil {
			failed[d.ActionID] = failed[d.ActionID] || d.Seq >= 0
			out.Failed++
			out.LastError = sent.Error()
			return nil
		}
		out.Sent++
		return nil
	})
	return out, err
}
