package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
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
// are left waiting without asking it again. Those waiting are answered first; then, when some
// were on their way to the person as they went (made a moment before, the person seen on shift,
// or a shift handover's still being sent), it waits for those to arrive (awaitOnTheirWay) and
// answers the ones that did.
func (s *server) returnWaiting(ctx context.Context, by, off models.Staff) waitingHandovers {
	out := waitingHandovers{Returned: []string{}, StillWaiting: []string{}} // lists, empty or not
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
	var down atomic.Bool // once the engine does not answer, the rest wait without asking it again
	answered := map[string]bool{}
	for round := range 2 {
		if round == 1 && (down.Load() || (!own && !supervises) || !s.awaitOnTheirWay(ctx, off.ID)) {
			break // an administrator's change answers none; nothing was on its way
		}
		waiting, err := s.Store.HandoversWaitingFor(ctx, off.ID)
		if err != nil {
			s.Log.WarnContext(ctx, "the handovers waiting for someone gone off shift could not be listed: they wait to expire", "staff_id", off.ID, "error", err)
			break
		}
		waiting = slices.DeleteFunc(waiting, func(h models.Handover) bool { return answered[h.ID] })
		for _, h := range waiting {
			answered[h.ID] = true
		}
		returned, still := s.answerWaiting(ctx, by, off, waiting, func(h models.Handover) bool {
			return own || (supervises && ownerAtWork(h.FromID))
		}, &down)
		out.Returned, out.StillWaiting = append(out.Returned, returned...), append(out.StillWaiting, still...)
	}
	return out
}

// answerWaiting answers each of the handovers waiting for off that answers allows, a few at once,
// as returnWaiting says; it lists the actions whose handover went back and those whose handover
// still waits (not asked, or not answered), in the order given.
func (s *server) answerWaiting(ctx context.Context, by, off models.Staff, waiting []models.Handover, answers func(models.Handover) bool, down *atomic.Bool) (returned, still []string) {
	own := by.ID == off.ID
	// Each answer is an Update of its own action's workflow: a few at once, so that someone with
	// hundreds of handovers waiting is not taken off shift one answer after the other. The lists
	// keep the order the handovers were listed in.
	const (
		stillWaiting = iota // not asked, or not answered: it waits to expire
		wentBack
		settled // answered, withdrawn or closed since it was listed: in neither list
	)
	outcome := make([]int, len(waiting))
	var g errgroup.Group
	g.SetLimit(offShiftAnswersAtOnce)
	for i, h := range waiting {
		if !answers(h) {
			continue
		}
		g.Go(func() error {
			if down.Load() {
				return nil
			}
			update, arg := workflows.UpdateDecline, any(workflows.DeclineInput{Actor: actorOf(by), Reason: offShiftDeclined})
			if !own {
				update, arg = workflows.UpdateWithdraw, workflows.WithdrawInput{Actor: actorOf(by), Reason: offShiftWithdrawn(off), HandoverID: h.ID, OffShift: true}
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
			outcome[i] = wentBack
			return nil
		})
	}
	_ = g.Wait() // each answer's error is its own, logged above
	returned, still = []string{}, []string{}
	for i, h := range waiting {
		switch outcome[i] {
		case wentBack:
			returned = append(returned, h.ActionID)
		case stillWaiting:
			still = append(still, h.ActionID)
		}
	}
	return returned, still
}

// awaitOnTheirWay waits until no handover to staffID is on its way (claimed for them: see
// models.Store.HandoversOnTheirWay), for at most offShiftWaitsOnTheirWay and a third of the time
// the request has left (the answers of those that arrive need the rest), and says whether any
// was on its way. Made after the person went off shift, no new one can start: a command naming
// them reads them off shift, under the lock the change took; and a shift handover's not yet sent
// are skipped, their claims taken back as they are. One still on its way at the end (a process
// that stopped without taking its claim back leaves it for models.RoutingClaimTTL) is left: made,
// it waits to expire, as one not answered.
func (s *server) awaitOnTheirWay(ctx context.Context, staffID string) bool {
	wait := offShiftWaitsOnTheirWay
	if deadline, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(deadline)/3)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(offShiftLooksEvery)
	defer tick.Stop()
	some := false
	for {
		ids, err := s.Store.HandoversOnTheirWay(ctx, staffID)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.WarnContext(ctx, "the handovers on their way to someone gone off shift could not be listed", "staff_id", staffID, "error", err)
			}
			return some
		}
		if len(ids) == 0 {
			return some
		}
		some = true
		select {
		case <-ctx.Done():
			s.Log.InfoContext(ctx, "handovers were still on their way to someone gone off shift: made, they wait to expire",
				"staff_id", staffID, "action_ids", ids)
			return some
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

// tellAway starts the notice that tells the team's supervisors (the managers, when none is on
// shift) of each open action off still owns, now that by took them off shift (at): the inbox's away
// list holds those, but nobody reads it until told. The change stands whether or not the notice
// could be started (Temporal unreachable): the log says so, and the away list still holds them.
//
// left is the team off was a supervisor at work of, when the change took them from it
// (leftAsSupervisor): if that leaves it with no supervisor at work, the managers are told of its
// actions whose owners are away too.
func (s *server) tellAway(ctx context.Context, by, off models.Staff, at time.Time, left string) {
	if s.Temporal == nil {
		return
	}
	a := workflows.OwnerAway{StaffID: off.ID, ActorID: by.ID, At: at.UTC(), LeftTeamID: left}
	_, err := s.Temporal.ExecuteWorkflow(context.WithoutCancel(ctx), client.StartWorkflowOptions{
		ID: workflows.OwnerAwayWorkflowID(a), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.OwnerAwayWorkflowName, a)
	if err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		s.Log.ErrorContext(ctx, "the supervisors could not be told that someone went off shift still owning open actions: their inbox's away list holds them",
			"error", err, "staff_id", off.ID, "actor_id", by.ID)
	}
}

// leftAsSupervisor is the team was, a supervisor at work of it, is no longer one at work of as st
// (the same person after a change: off shift, deactivated, moved, or given another role); "" when
// they were not one, or still are.
func leftAsSupervisor(was, st models.Staff) string {
	if workflows.Role(was.Role) != workflows.RoleSupervisor || !was.Active || !was.OnShift || was.TeamID == nil {
		return ""
	}
	if workflows.Role(st.Role) == workflows.RoleSupervisor && st.Active && st.OnShift && st.TeamID != nil && *st.TeamID == *was.TeamID {
		return ""
	}
	return *was.TeamID
}
