package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Handovers waiting for someone who goes off shift: off shift they cannot accept them (every new
// owner is on shift), and unanswered each would wait for its expiry and then be escalated, while
// the person who handed it over, who still owns it, heard nothing. Going off shift answers them at
// once instead: the person's own end of shift declines them, a supervisor's or manager's taking
// them off shift withdraws them, and either way whoever handed each over is told and keeps the
// action, to pass it to someone at work.
const offShiftDeclined = "went off shift before accepting it"

// offShiftWithdrawn is the reason of a withdrawal for the person gone off shift: it names them, for
// the person who made the handover and for the timeline.
func offShiftWithdrawn(off models.Staff) string {
	return cmp.Or(off.Name, off.ID) + " is off shift now, so cannot accept it"
}

// offShiftAnswersAtOnce is how many of the handovers waiting for someone gone off shift are
// answered at once.
const offShiftAnswersAtOnce = 8

// offShiftWaitsOnTheirWay is how long going off shift waits for the handovers to the person on
// their way (made before the change, their actions' workflows still taking them, or a shift
// handover's still being sent), so that each waits in the read model to be answered with the
// others; offShiftLooksEvery how often it looks whether they have arrived.
const (
	offShiftWaitsOnTheirWay = 10 * time.Second
	offShiftLooksEvery      = 50 * time.Millisecond
)

// waitingHandovers is what going off shift did with the handovers waiting for the person: the
// actions whose handover went back to whoever made it, and those whose handover still waits
// (the change was an administrator's, who answers no handover, or the engine did not take it):
// those expire and are escalated as before.
type waitingHandovers struct {
	Returned     []string `json:"handovers_returned"`
	StillWaiting []string `json:"handovers_still_waiting"`
}

// returnWaiting answers the handovers waiting for off, who has just gone off shift, as by: their
// own decline, or a supervisor's or manager's withdrawal. A handover answered meanwhile (accepted
// a moment before, say) is left as it is. A supervisor's leaves waiting one whose owner is not at
// work either (off shift, or gone from the team): withdrawn, it would go back to someone who has
// gone home, told in an inbox nobody reads until then; waiting, it expires and is escalated to the
// supervisors, or their shift handover reassigns it. Once the engine does not answer, the rest
// are left waiting without asking it again.
func (s *server) returnWaiting(ctx context.Context, by, off models.Staff) waitingHandovers {
	out := waitingHandovers{Returned: []string{}, StillWaiting: []string{}} // lists, empty or not
	// A handover made a moment before the change (the person seen on shift) may still be on its
	// way: answered only once it waits, or it would wait for someone who cannot accept it.
	onTheirWay := s.awaitOnTheirWay(ctx, off.ID)
	waiting, err := s.Store.HandoversWaitingFor(ctx, off.ID)
	if err != nil {
		s.Log.WarnContext(ctx, "the handovers waiting for someone gone off shift could not be listed: they wait to expire", "staff_id", off.ID, "error", err)
		return out
	}
	own, supervises := by.ID == off.ID, workflows.Role(by.Role).SupervisorOrAbove()
	atWork := map[string]bool{} // by owner: a shift handover's many handovers have one
	ownerAtWork := func(id string) bool {
		at, seen := atWork[id]
		if !seen {
			st, err := s.Store.GetStaff(ctx, id)
			at = err == nil && st.AtWorkIn(teamOf(off)) // unreadable: the handover is left as it was
			atWork[id] = at
		}
		return at
	}
	// Each answer is an Update of its own action's workflow: a few at once, so that someone with
	// hundreds of handovers waiting is not taken off shift one answer after the other. The lists
	// keep the order the handovers were listed in.
	const (
		stillWaiting = iota // not asked, or not answered: it waits to expire
		returned
		settled // answered, withdrawn or closed since it was listed: in neither list
	)
	outcome := make([]int, len(waiting))
	var down atomic.Bool // once the engine does not answer, the rest wait without asking it again
	var g errgroup.Group
	g.SetLimit(offShiftAnswersAtOnce)
	for i, h := range waiting {
		if (!own && !supervises) || (!own && !ownerAtWork(h.FromID)) {
			continue
		}
		g.Go(func() error {
			if down.Load() {
				return nil
			}
			update, arg := workflows.UpdateDecline, any(workflows.DeclineInput{Actor: actorOf(by), Reason: offShiftDeclined})
			if !own {
				update, arg = workflows.UpdateWithdraw, workflows.WithdrawInput{Actor: actorOf(by), Reason: offShiftWithdrawn(off), HandoverID: h.ID}
			}
			// One ID per handover: a request sent again answers it once. (A decline needs no
			// handover named: only the recipient may send it, and any handover waiting for them
			// is theirs.)
			_, err := s.update(ctx, h.ActionID, update, arg, workflows.Idempotency{}, "off-shift/"+h.ID)
			if refusal, ok := classify(err); err != nil && ok && refusal.kind == kindConflict {
				outcome[i] = settled
				return nil
			}
			if err != nil {
				s.Log.WarnContext(ctx, "a handover waiting for someone gone off shift could not be answered: it waits to expire",
					"staff_id", off.ID, "action_id", h.ActionID, "handover_id", h.ID, "error", err)
				if errors.Is(err, errEngineDown) || ctx.Err() != nil {
					down.Store(true)
				}
				return nil
			}
			outcome[i] = returned
			return nil
		})
	}
	_ = g.Wait() // each answer's error is its own, logged above
	for i, h := range waiting {
		switch outcome[i] {
		case returned:
			out.Returned = append(out.Returned, h.ActionID)
		case stillWaiting:
			out.StillWaiting = append(out.StillWaiting, h.ActionID)
		}
	}
	for _, id := range onTheirWay {
		// Still on its way after the wait: it will wait for them, to expire, as those not answered.
		if !slices.Contains(out.Returned, id) && !slices.Contains(out.StillWaiting, id) {
			out.StillWaiting = append(out.StillWaiting, id)
		}
	}
	return out
}

// awaitOnTheirWay waits, at most offShiftWaitsOnTheirWay, until no handover to staffID is on its
// way, and answers the actions of those still on their way then (none, once all have arrived or
// been refused). Made after the person went off shift, no new one can start: a command naming them
// reads them off shift, under the lock the change took.
func (s *server) awaitOnTheirWay(ctx context.Context, staffID string) []string {
	ctx, cancel := context.WithTimeout(ctx, offShiftWaitsOnTheirWay)
	defer cancel()
	tick := time.NewTicker(offShiftLooksEvery)
	defer tick.Stop()
	var last []string
	for {
		ids, err := s.Store.HandoversOnTheirWay(ctx, staffID)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.WarnContext(ctx, "the handovers on their way to someone gone off shift could not be listed", "staff_id", staffID, "error", err)
			}
			return last
		}
		if len(ids) == 0 {
			return nil
		}
		last = ids
		select {
		case <-ctx.Done():
			return last
		case <-tick.C:
		}
	}
}

// said is what a page adds after someone went off shift: the handovers declined (their own end of
// shift, said to them: mine) or withdrawn (someone else's change), and those still waiting.
func (w waitingHandovers) said(mine bool) string {
	whom, done := "them", "withdrawn"
	if mine {
		whom, done = "you", "declined"
	}
	out := ""
	if n := len(w.Returned); n == 1 {
		out += fmt.Sprintf(" The handover waiting for %s was %s: whoever made it is told and keeps the action.", whom, done)
	} else if n > 1 {
		out += fmt.Sprintf(" The %d handovers waiting for %s were %s: whoever made each is told and keeps the action.", n, whom, done)
	}
	if n := len(w.StillWaiting); n > 0 {
		next := "the board withdraws or reassigns " + pick(n, "it", "them")
		if mine {
			next = "decline " + pick(n, "it", "each") + " from your inbox"
		}
		out += fmt.Sprintf(" %s still %s for %s, unanswered: %s.", plural(n, "handover"), pick(n, "waits", "wait"), whom, next)
	}
	return out
}
