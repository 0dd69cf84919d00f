package workflows

import (
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names of the shift handover workflow.
const (
	ShiftWorkflowName        = "ShiftHandoverWorkflow"
	ShiftWorkflowIDPrefix    = "shift/"
	HandOverForShiftActivity = "HandOverForShift"
	// ShiftLeftoversActivity tells the team's supervisors which actions a shift handover left
	// with the outgoing person.
	ShiftLeftoversActivity = "NotifyShiftLeftovers"
	QueryShiftProgress     = "progress"
	// SignalShiftItem tells a shift handover how one of its actions' handovers ended.
	SignalShiftItem = "shift-item"
)

// ShiftHandOverHeartbeatTimeout is how long a hand-over activity may go without a heartbeat before
// Temporal takes its worker for dead and tries it again.
const ShiftHandOverHeartbeatTimeout = 10 * time.Second

// ShiftWorkflowID is the workflow ID of a shift handover.
func ShiftWorkflowID(id string) string { return ShiftWorkflowIDPrefix + id }

// Progress of one action in a shift handover.
const (
	ShiftItemRequested = "requested" // the handover is being made
	ShiftItemPending   = "pending"   // awaiting the recipient
	ShiftItemAccepted  = "accepted"
	ShiftItemDeclined  = "declined"
	ShiftItemExpired   = "expired"
	ShiftItemWithdrawn = "withdrawn"
	ShiftItemSkipped   = "skipped" // could not be handed over (completed meanwhile, nobody eligible...)
	// ShiftItemReassigned: an action that cannot be handed over (at its due time, escalated) was
	// reassigned to the recipient at once, by the supervisor who started the shift handover.
	ShiftItemReassigned = "reassigned"
)

// ShiftItem is one action of a shift handover and how far it has got.
type ShiftItem struct {
	ActionID   string    `json:"action_id"`
	To         Recipient `json:"to"`
	Status     string    `json:"status"`
	HandoverID string    `json:"handover_id"`
	Reason     string    `json:"reason"`
	// Reassign passes the action on by a reassignment instead of a handover, and Why says why
	// (empty in shift handovers started before it was said).
	Reassign bool   `json:"reassign,omitempty"`
	Why      string `json:"reassign_why,omitempty"`
	// DueIn, when positive, is the reassigned action's new due time, counted on its clock from
	// the reassignment: one past its due time (or nearly) would be at its check at once
	// otherwise, with its new owner, who cannot extend it, able only to answer done or escalate.
	DueIn time.Duration `json:"due_in,omitempty"`
	// InShift is the other shift handover whose handover of the action (made first, the two
	// started one after the other) waits for its answer: skipped here, it does not stay with the
	// outgoing person.
	InShift string `json:"in_shift,omitempty"`
}

// ShiftInput starts a shift handover: every open action of one person, each to its recipient.
type ShiftInput struct {
	ID     string `json:"id"`
	FromID string `json:"from_id"`
	// TeamID is the outgoing person's team when it started: whose shift handover it is, whoever
	// moves team later (empty for shift handovers started before it was recorded).
	TeamID    string      `json:"team_id,omitempty"`
	Actor     Actor       `json:"actor"`
	Notes     string      `json:"notes"`
	Situation string      `json:"situation"`
	Items     []ShiftItem `json:"items"`
	StartedAt time.Time   `json:"started_at"`
	// AcceptWithin overrides each action's policy for these handovers; zero keeps it.
	AcceptWithin time.Duration `json:"accept_within"`
	// RequestHash identifies the request that started it, so that its Idempotency-Key cannot be
	// used again with a different one.
	RequestHash string `json:"request_hash,omitempty"`
	// ActionNotes are the notes of each action's own, by its ID, beside the shift's one text: what
	// only that action's recipient needs (its next steps, its risks, its policy's fields).
	ActionNotes map[string]HandoverNotes `json:"action_notes,omitempty"`
}

// NotesFor is the handover notes of one action of the shift: its own notes, with the shift's
// text as the summary after its own summary, if it has one.
func (in ShiftInput) NotesFor(actionID string) HandoverNotes {
	n, own := in.ActionNotes[actionID]
	if !own {
		return HandoverNotes{Summary: in.Notes} // as every shift handover's before notes of their own
	}
	n.Summary = strings.Join(slices.DeleteFunc([]string{strings.TrimSpace(n.Summary), strings.TrimSpace(in.Notes)}, blank), "\n\n")
	n.CustomerContext = "" // a shift's notes carry no customer's personal data
	return n
}

// ReassignReason is the reason the shift gives an action it reassigns (one at its due time,
// escalated, or whose handover waits for someone gone): the summary its handover would have (the
// action's own summary, then the shift's notes), then its other notes, each under its name. A
// reassignment has no notes of its own; without this, notes given for the action went nowhere.
func (in ShiftInput) ReassignReason(actionID string) string {
	n := in.NotesFor(actionID)
	parts := []string{"shift handover: " + n.Summary}
	for _, f := range []struct{ name, text string }{{"Done so far", n.DoneSoFar}, {"Next steps", n.NextSteps}, {"Risks", n.Risks}} {
		if !blank(f.text) {
			parts = append(parts, f.name+": "+strings.TrimSpace(f.text))
		}
	}
	for _, name := range workflow.DeterministicKeys(n.Fields) {
		if !blank(n.Fields[name]) {
			parts = append(parts, name+": "+strings.TrimSpace(n.Fields[name]))
		}
	}
	return strings.Join(parts, "\n\n")
}

// ShiftProgress is the live state of a shift handover.
type ShiftProgress struct {
	ID        string      `json:"id"`
	FromID    string      `json:"from_id"`
	TeamID    string      `json:"team_id,omitempty"`
	Actor     string      `json:"actor_id"`
	Situation string      `json:"situation"`
	Notes     string      `json:"notes"`
	Items     []ShiftItem `json:"items"`
	Done      bool        `json:"done"`
	StartedAt time.Time   `json:"started_at"`
	// RequestHash is the starting request's (the API does not show it).
	RequestHash string `json:"request_hash,omitempty"`
}

// ShiftItemResult is what the action workflow signals, or the hand-over activity returns.
type ShiftItemResult struct {
	ActionID   string `json:"action_id"`
	HandoverID string `json:"handover_id"`
	Status     string `json:"status"`
	Reason     string `json:"reason"`
	InShift    string `json:"in_shift,omitempty"`
}

// ShiftLeftovers is what a finished shift handover left with the outgoing person: its actions
// skipped, declined, expired or withdrawn.
type ShiftLeftovers struct {
	ShiftID   string      `json:"shift_id"`
	FromID    string      `json:"from_id"`
	StartedBy string      `json:"started_by"`
	Items     []ShiftItem `json:"items"`
}

// versionShiftLeftovers guards the notice of what a shift handover left behind: shift handovers
// that ended before it send none on replay.
const versionShiftLeftovers = "shift-leftovers-notified"

// versionShiftLeftoversAtOnce tells each leftover as soon as it is left over, where shift
// handovers started before waited for every handover to be answered and told them together.
const versionShiftLeftoversAtOnce = "shift-leftovers-at-once"

// LeftOver reports whether the shift handover did not pass the item on: skipped, declined, expired
// or withdrawn (one that another shift handover is passing on is not left over).
func (it ShiftItem) LeftOver() bool {
	if it.InShift != "" {
		return false
	}
	switch it.Status {
	case ShiftItemSkipped, ShiftItemDeclined, ShiftItemExpired, ShiftItemWithdrawn:
		return true
	}
	return false
}

// leftovers are the items not passed on.
func (p *ShiftProgress) leftovers() []ShiftItem {
	var out []ShiftItem
	for _, it := range p.Items {
		if it.LeftOver() {
			out = append(out, it)
		}
	}
	return out
}

// ShiftHandoverRequest is the hand-over activity's input for one action: a handover, or a
// reassignment when Reassign is set.
type ShiftHandoverRequest struct {
	ShiftID  string         `json:"shift_id"`
	ActionID string         `json:"action_id"`
	Handover HandoverInput  `json:"handover"`
	Reassign *ReassignInput `json:"reassign,omitempty"`
}

func (p *ShiftProgress) settle(r ShiftItemResult) {
	for i := range p.Items {
		it := &p.Items[i]
		if it.ActionID != r.ActionID {
			continue
		}
		// A late "pending" never overrides an outcome the action already signalled; nor does a
		// "skipped" from a retried attempt (its handover refused as the first attempt's was made)
		// override how that handover ended.
		if r.Status == ShiftItemPending && it.Status != ShiftItemRequested {
			return
		}
		if r.Status == ShiftItemSkipped && it.Status != ShiftItemRequested && it.Status != ShiftItemPending {
			return
		}
		it.Status, it.Reason, it.InShift = r.Status, r.Reason, r.InShift
		if r.HandoverID != "" {
			it.HandoverID = r.HandoverID
		}
	}
}

func (p *ShiftProgress) finished() bool {
	for _, it := range p.Items {
		if it.Status == ShiftItemRequested || it.Status == ShiftItemPending {
			return false
		}
	}
	return true
}

// Progress is a shift handover's plan as it starts: every item as planned, none settled.
func (in ShiftInput) Progress() ShiftProgress {
	return ShiftProgress{
		ID: in.ID, FromID: in.FromID, TeamID: in.TeamID, Actor: in.Actor.ID, Situation: in.Situation, Notes: in.Notes,
		Items: append([]ShiftItem(nil), in.Items...), StartedAt: in.StartedAt, RequestHash: in.RequestHash,
	}
}

// ShiftHandoverWorkflow hands over every action of a shift, each through that action's own
// handover (with the shift's notes), and follows each to acceptance, decline, expiry or skip.
// Re-running it is safe: each action's handover carries an Update ID made from the shift and the
// action, and an action that can no longer be handed over is skipped, not failed.
func ShiftHandoverWorkflow(ctx workflow.Context, in ShiftInput) (ShiftProgress, error) {
	p := in.Progress()
	if err := workflow.SetQueryHandler(ctx, QueryShiftProgress, func() (ShiftProgress, error) {
		out := p
		out.Items = append([]ShiftItem(nil), p.Items...)
		out.Done = p.finished()
		return out, nil
	}); err != nil {
		return p, err
	}
	signals := workflow.GetSignalChannel(ctx, SignalShiftItem)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var r ShiftItemResult
			if !signals.Receive(ctx, &r) {
				return
			}
			p.settle(r)
		}
	})

	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		// The activity heartbeats while it waits for the action's Update: one whose worker died
		// (a kill -9 of `handover dev`) is tried again after this, not after the whole minute, with
		// every later action of the shift waiting behind it. The timeout changes no command.
		HeartbeatTimeout: ShiftHandOverHeartbeatTimeout,
		RetryPolicy:      &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	for _, it := range in.Items {
		if it.Status == ShiftItemSkipped {
			continue
		}
		req := ShiftHandoverRequest{ShiftID: in.ID, ActionID: it.ActionID, Handover: HandoverInput{
			Actor: Actor{ID: in.FromID, Role: RoleAgent}, To: it.To, Reason: "shift handover",
			Method: "report", Situation: in.Situation, AcceptWithin: in.AcceptWithin, ShiftHandoverID: in.ID,
			StartedBy: in.Actor.ID, StartedByName: in.Actor.Name, Notes: in.NotesFor(it.ActionID),
		}}
		if it.Reassign {
			req.Reassign = &ReassignInput{Actor: in.Actor, To: it.To, Reason: in.ReassignReason(it.ActionID), ShiftHandoverID: in.ID, From: in.FromID, DueIn: it.DueIn}
		}
		var r ShiftItemResult
		if err := workflow.ExecuteActivity(actx, HandOverForShiftActivity, req).Get(ctx, &r); err != nil {
			r = ShiftItemResult{ActionID: it.ActionID, Status: ShiftItemSkipped, Reason: err.Error()}
		}
		p.settle(r)
	}
	// Nobody else hears of what is left with the outgoing person: they are going home, and a
	// skipped action notified nobody at all. The supervisors see what still needs a new owner.
	tell := func(left []ShiftItem) {
		in := ShiftLeftovers{ShiftID: in.ID, FromID: in.FromID, StartedBy: in.Actor.ID, Items: left}
		tell := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: time.Hour, // the read model back within the hour
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		})
		if err := workflow.ExecuteActivity(tell, ShiftLeftoversActivity, in).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("shift leftovers not told", "error", err, "shift_id", in.ShiftID)
		}
	}
	if workflow.GetVersion(ctx, versionShiftLeftoversAtOnce, workflow.DefaultVersion, 1) >= 1 {
		// Each as soon as it is left over: a skipped one now, a declined or expired one when it
		// is, not when the last handover is answered (one of a paused action may wait for days).
		told := map[string]bool{}
		for {
			var left []ShiftItem
			if err := workflow.Await(ctx, func() bool {
				left = p.untold(told)
				return len(left) > 0 || p.finished()
			}); err != nil {
				return p, err
			}
			if len(left) == 0 {
				break
			}
			for _, it := range left {
				told[it.ActionID] = true
			}
			tell(left)
		}
	} else {
		if err := workflow.Await(ctx, p.finished); err != nil {
			return p, err
		}
		if left := p.leftovers(); len(left) > 0 && workflow.GetVersion(ctx, versionShiftLeftovers, workflow.DefaultVersion, 1) >= 1 {
			tell(left)
		}
	}
	p.Done = true
	return p, nil
}

// untold are the items left over that told does not hold yet.
func (p *ShiftProgress) untold(told map[string]bool) []ShiftItem {
	return slices.DeleteFunc(p.leftovers(), func(it ShiftItem) bool { return told[it.ActionID] })
}
