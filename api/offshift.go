package api

import (
	"context"
	"fmt"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Handovers waiting for someone who goes off shift: off shift they cannot accept them (every new
// owner is on shift), and unanswered each would wait for its expiry and then be escalated, while
// the person who handed it over, who still owns it, heard nothing. Going off shift answers them at
// once instead: the person's own end of shift declines them, a supervisor's or manager's taking
// them off shift withdraws them, and either way whoever handed each over is told and keeps the
// action, to pass it to someone at work.
const (
	offShiftDeclined  = "went off shift before accepting it"
	offShiftWithdrawn = "off shift now, so it could not be accepted"
)

// waitingHandovers is what going off shift did with the handovers waiting for the person: the
// actions whose handover went back to whoever made it, and those whose handover still waits
// (the change was an administrator's, who answers no handover, or the engine did not take it):
// those expire and are escalated as before.
type waitingHandovers struct {
	Returned     []string `json:"handovers_returned,omitempty"`
	StillWaiting []string `json:"handovers_still_waiting,omitempty"`
}

// returnWaiting answers the handovers waiting for off, who has just gone off shift, as by: their
// own decline, or a supervisor's or manager's withdrawal. A handover answered meanwhile (accepted
// a moment before, say) is left as it is.
func (s *server) returnWaiting(ctx context.Context, by, off models.Staff) waitingHandovers {
	var out waitingHandovers
	waiting, err := s.Store.HandoversWaitingFor(ctx, off.ID)
	if err != nil {
		s.Log.WarnContext(ctx, "the handovers waiting for someone gone off shift could not be listed: they wait to expire", "staff_id", off.ID, "error", err)
		return out
	}
	for _, h := range waiting {
		var update string
		var arg any
		switch {
		case by.ID == off.ID:
			update, arg = workflows.UpdateDecline, workflows.DeclineInput{Actor: actorOf(by), Reason: offShiftDeclined}
		case workflows.Role(by.Role).SupervisorOrAbove():
			update, arg = workflows.UpdateWithdraw, workflows.WithdrawInput{Actor: actorOf(by), Reason: offShiftWithdrawn}
		default:
			out.StillWaiting = append(out.StillWaiting, h.ActionID)
			continue
		}
		// One ID per handover: a request sent again answers it once.
		_, err := s.update(ctx, h.ActionID, update, arg, workflows.Idempotency{}, "off-shift/"+h.ID)
		if refusal, ok := classify(err); err != nil && ok && refusal.kind == kindConflict {
			continue // answered, withdrawn or closed since it was listed
		}
		if err != nil {
			s.Log.WarnContext(ctx, "a handover waiting for someone gone off shift could not be answered: it waits to expire",
				"staff_id", off.ID, "action_id", h.ActionID, "handover_id", h.ID, "error", err)
			out.StillWaiting = append(out.StillWaiting, h.ActionID)
			continue
		}
		out.Returned = append(out.Returned, h.ActionID)
	}
	return out
}

// said is what a page adds after someone went off shift (for "you" or "them"): the handovers
// declined or withdrawn (done), and those still waiting for them.
func (w waitingHandovers) said(whom, done string) string {
	out := ""
	if n := len(w.Returned); n == 1 {
		out += fmt.Sprintf(" The handover waiting for %s was %s: whoever made it is told and keeps the action.", whom, done)
	} else if n > 1 {
		out += fmt.Sprintf(" The %d handovers waiting for %s were %s: whoever made each is told and keeps the action.", n, whom, done)
	}
	if n := len(w.StillWaiting); n > 0 {
		out += fmt.Sprintf(" %s still %s for %s: unanswered, %s escalated when %s.",
			plural(n, "handover"), pick(n, "waits", "wait"), whom, pick(n, "it is", "they are"), pick(n, "it expires", "they expire"))
	}
	return out
}
