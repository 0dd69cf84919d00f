package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

type shiftRequest struct {
	FromID       string `json:"from_id" binding:"required,max=64"`
	ToID         string `json:"to_id" binding:"max=64"`
	Notes        string `json:"notes" binding:"required,notblank,max=4000"`
	Situation    string `json:"situation" binding:"required,oneof=routine busy quiet let_down"`
	AcceptWithin string `json:"accept_within" binding:"max=32"`
	// ActionNotes are notes of each action's own, by its ID (left out of the request's hash when
	// not sent).
	ActionNotes map[string]*shiftNotesRequest `json:"action_notes,omitempty" binding:"max=1000,dive"`
	// EndShift takes the outgoing person off shift once the shift handover has started (left out
	// of the request's hash when false, as requests before it were).
	EndShift bool `json:"end_shift,omitempty"`
	// ReassignDueIn is the new due time of each action the shift handover reassigns that has less
	// time than that left (past its due time, or nearly), counted on the action's clock
	// (defaultReassignDueIn when not sent, and then left out of the request's hash).
	ReassignDueIn string `json:"reassign_due_in,omitempty" binding:"max=32"`
}

// timeLeft is how long an action has until its due time: for a paused one, what it will have once
// resumed (State.DueLeft; one whose due time was given as a time while paused keeps that time).
func timeLeft(a models.Action, now time.Time) time.Duration {
	st := stateFromRow(a)
	if left, ok := st.DueLeft(); ok {
		return left
	}
	return a.DueAt.Sub(now)
}

// dueBeforeAnAnswer reports whether a running action falls due before its handover would have to
// be answered (within, the shift handover's accept_within, or else the action's policy's): the
// recipient is asked to answer by its due time then, and unanswered it is withdrawn there and goes
// to its check still owned by the person who is going home. A supervisor's shift handover
// reassigns it instead, with time before its check (reassign_due_in). A paused action's time to
// answer waits with it.
func dueBeforeAnAnswer(a models.Action, within time.Duration, now time.Time) bool {
	if a.Status != string(workflows.StatusAssigned) || a.Paused {
		return false
	}
	if within <= 0 {
		within = cmp.Or(stateFromRow(a).Policy.AcceptWithin, workflows.DefaultPolicy.AcceptWithin)
	}
	return timeLeft(a, now) < within
}

// parseReassignDue reads reassign_due_in: a Go duration of at least a minute, or 0 when not given.
func parseReassignDue(v string) (time.Duration, error) {
	d, err := parseWithin("reassign_due_in", v)
	if err == nil && d > 0 && d < time.Minute {
		return 0, invalidFields(FieldError{Field: "reassign_due_in", Message: "must be at least 1m: the new owner needs time before the check"})
	}
	return d, err
}

// defaultReassignDueIn is the time a supervisor's shift handover gives an action past its due time
// that it reassigns: its new owner has that long before its check.
const defaultReassignDueIn = time.Hour

// shiftNotesRequest is one action's own notes in a shift handover: those of a handover, but for
// the customer's context, which is the customer's personal data, sealed with their key: a
// handover of its own carries it.
type shiftNotesRequest struct {
	Summary   string            `json:"summary" binding:"max=4000"`
	DoneSoFar string            `json:"done_so_far" binding:"max=4000"`
	NextSteps string            `json:"next_steps" binding:"max=4000"`
	Risks     string            `json:"risks" binding:"max=4000"`
	Fields    map[string]string `json:"fields" binding:"max=20"`
}

func (n shiftNotesRequest) notes() workflows.HandoverNotes {
	return workflows.HandoverNotes{Summary: n.Summary, DoneSoFar: n.DoneSoFar, NextSteps: n.NextSteps, Risks: n.Risks, Fields: n.Fields}
}

func (r *shiftRequest) references(ctx context.Context, s *server, known []FieldError) ([]FieldError, error) {
	from, err := s.staffReference(ctx, "from_id", r.FromID, known)
	if err != nil {
		return nil, err
	}
	to, err := s.staffReference(ctx, "to_id", r.ToID, known)
	return append(from, to...), err
}

func (r *shiftRequest) checkFields() []FieldError {
	_, err := parseWithin("accept_within", r.AcceptWithin)
	problems := fieldsOf(err)
	_, err = parseReassignDue(r.ReassignDueIn)
	problems = append(problems, fieldsOf(err)...)
	for _, id := range slices.Sorted(maps.Keys(r.ActionNotes)) {
		if r.ActionNotes[id] == nil {
			problems = append(problems, FieldError{Field: "action_notes." + id, Message: "must be an object of notes (summary, done_so_far, next_steps, risks, fields)"})
			continue
		}
		problems = append(problems, fieldsOf(checkNoteFields("action_notes."+id, r.ActionNotes[id].Fields))...)
	}
	return problems
}

// startShiftHandover hands over every open action of the outgoing person (to one colleague, or
// each to the least loaded eligible agent of the team) and answers 202 with the plan; progress is
// at GET /shift-handovers/{id}.
func (s *server) startShiftHandover(c *gin.Context) (int, any, error) {
	ctx := c.Request.Context()
	caller := principal(c)
	var req shiftRequest
	problems, err := fieldProblems(s.decoder.decode(c, &req))
	if err != nil {
		return 0, nil, err
	}
	if len(problems) > 0 {
		// One answer lists everything wrong with the body: its form, and the people it names.
		return 0, nil, withReferences(ctx, s, &req, invalidFields(problems...))
	}
	from, err := s.Store.GetStaff(ctx, req.FromID)
	if errors.Is(err, models.ErrNotFound) {
		return 0, nil, invalidFields(FieldError{Field: "from_id", Message: "is not a member of staff"})
	}
	if err != nil {
		return 0, nil, err
	}
	switch {
	case caller.ID == from.ID:
	case !workflows.Role(caller.Role).SupervisorOrAbove():
		return 0, nil, errorf(kindForbidden, "a shift handover is started by the outgoing person or their supervisor")
	case workflows.Role(caller.Role) == workflows.RoleSupervisor && workflows.Role(from.Role) == workflows.RoleManager:
		// As for taking them off shift: a manager's work is passed on by themselves or a manager,
		// whatever team they are in.
		return 0, nil, errorf(kindForbidden, "%s is a manager: a manager's shift is handed over by themselves or another manager", cmp.Or(from.Name, from.ID))
	case !inScope(caller, teamOf(from)):
		// A person the body names who cannot be handed over by this caller: the field is wrong, as
		// a create's team or a handover's recipient outside the team is.
		return 0, nil, invalidFields(FieldError{Field: "from_id", Message: fmt.Sprintf("%s is not in your team: a shift handover is started by the outgoing person, a supervisor of their team or a manager", cmp.Or(from.Name, from.ID))})
	}
	within, err := parseWithin("accept_within", req.AcceptWithin)
	if err != nil {
		return 0, nil, err
	}
	reassignDue, err := parseReassignDue(req.ReassignDueIn)
	if err != nil {
		return 0, nil, err
	}
	if reassignDue == 0 {
		reassignDue = defaultReassignDueIn
	}
	hash, err := requestHash("shift", req)
	if err != nil {
		return 0, nil, err
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return 0, nil, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	if key != "" {
		id = uuid.NewSHA1(idempotencyNamespace, []byte(caller.ID+"\x00shift\x00"+key)).String()
		// A retry answers with the shift handover the key started, as it stands, not a new plan.
		if status, body, found, err := s.startedShift(c, id, hash); found || err != nil {
			return status, s.endShiftAsked(c, req, from, body, true), err
		}
	}
	var fixed *workflows.Recipient
	if req.ToID != "" {
		if req.ToID == from.ID {
			return 0, nil, invalidFields(FieldError{Field: "to_id", Message: "the outgoing person cannot take over their own shift"})
		}
		to, err := s.recipient(c, "to_id", req.ToID)
		if err != nil {
			return 0, nil, err
		}
		// Someone who could take none of the shift's actions is refused now, not planned for and
		// then skipped action by action.
		if err := workflows.CheckRecipient(teamOf(from), "to_id", to); err != nil {
			return 0, nil, err
		}
		fixed = &to
	}
	actions, err := s.Store.OwnedOpenActions(ctx, from.ID)
	if err != nil {
		return 0, nil, err
	}
	// An action handed over in a shift handover still waiting for its answer is that one's to see
	// through: planned again it would only be skipped, and reported as left with the person.
	ids := make([]string, len(actions))
	for i, a := range actions {
		ids[i] = a.ID
	}
	inShift, err := s.Store.PendingInShiftHandovers(ctx, ids)
	if err != nil {
		return 0, nil, err
	}
	// A supervisor passes on what a handover cannot (an action at its due time, or escalated, or
	// one whose handover waits for someone who can no longer answer it) by reassigning it; the
	// outgoing person alone cannot.
	supervisor := workflows.Role(caller.Role).SupervisorOrAbove()
	if req.ReassignDueIn != "" && !supervisor {
		return 0, nil, invalidFields(FieldError{Field: "reassign_due_in", Message: "only a supervisor's or manager's shift handover reassigns actions: yours leaves those at their due time or escalated to them"})
	}
	stranded := map[string]bool{} // actions whose handover waits for someone gone
	if supervisor {
		if stranded, err = s.strandedHandovers(ctx, ids, teamOf(from)); err != nil {
			return 0, nil, err
		}
	}
	leftToOther := func(id string) bool { return inShift[id] != "" && !stranded[id] }
	if len(actions) > 0 && !slices.ContainsFunc(actions, func(a models.Action) bool { return !leftToOther(a.ID) }) {
		// A twin of this request with its key (sent at the same moment), started since the look
		// above, is what hands these over: answered as a retry would be, with that shift handover
		// or, for another request, 422 on the key.
		if key != "" {
			if status, body, found, err := s.startedShift(c, id, hash); found || err != nil {
				return status, s.endShiftAsked(c, req, from, body, true), err
			}
		}
		shift := inShift[actions[0].ID]
		return 0, nil, errorf(kindConflict, "every open action of %s is being handed over in shift handover %s (/api/v1/shift-handovers/%s): its recipients have yet to answer",
			cmp.Or(from.Name, from.ID), shift, shift)
	}
	actions = slices.DeleteFunc(actions, func(a models.Action) bool { return leftToOther(a.ID) })
	if len(actions) == 0 {
		// Nothing would be handed over: a record saying "every action is settled" would mislead.
		return 0, nil, invalidFields(FieldError{Field: "from_id", Message: fmt.Sprintf("%s owns no open action: there is nothing to hand over", cmp.Or(from.Name, from.ID))})
	}
	// Notes of an action's own are for an action this shift handover hands over.
	var strays []FieldError
	for _, id := range slices.Sorted(maps.Keys(req.ActionNotes)) {
		switch {
		case leftToOther(id):
			strays = append(strays, FieldError{Field: "action_notes." + id, Message: fmt.Sprintf(
				"is being handed over in shift handover %s, which waits for its answer: this one leaves it to that one", inShift[id])})
		case !slices.ContainsFunc(actions, func(a models.Action) bool { return a.ID == id }):
			strays = append(strays, FieldError{Field: "action_notes." + id, Message: fmt.Sprintf(
				"is not an open action of %s that this shift handover hands over", cmp.Or(from.Name, from.ID))})
		}
	}
	if len(strays) > 0 {
		return 0, nil, invalidFields(strays...)
	}
	plan := workflows.ShiftInput{Notes: req.Notes, ActionNotes: map[string]workflows.HandoverNotes{}}
	for id, n := range req.ActionNotes {
		plan.ActionNotes[id] = n.notes()
	}
	items := make([]workflows.ShiftItem, 0, len(actions))
	var routes []models.Route // the actions routing finds recipients for, by their items' places
	var routed []int
	notes := policyNotes{}
	for _, a := range actions {
		it := workflows.ShiftItem{ActionID: a.ID, Status: workflows.ShiftItemRequested}
		// Why no handover can pass it on, so that a supervisor's shift handover reassigns it.
		why := ""
		switch {
		case a.Status == string(workflows.StatusChecking):
			why = "it was at its due time, where no handover passes it on"
		case a.Status == string(workflows.StatusEscalated):
			why = "it was escalated, and no handover passes on an escalated action"
		case stranded[a.ID]:
			why = "its handover waited for someone who can no longer answer it"
		case supervisor && dueBeforeAnAnswer(a, within, s.Now()):
			why = "it falls due before a handover of it would have to be answered"
		}
		reassignable := why != ""
		var required []string
		if a.Status == string(workflows.StatusAssigned) && !reassignable { // a reassignment asks for no notes
			if required, err = notes.required(ctx, s, a); err != nil {
				return 0, nil, err
			}
			required = plan.NotesFor(a.ID).Lacks(required)
		}
		cannot := "" // why the person named cannot own this action
		if fixed != nil {
			cannot = workflows.IneligibleNow(stateFromRow(a), *fixed)
		}
		switch {
		case reassignable && !supervisor:
			it.Status, it.Reason = workflows.ShiftItemSkipped, "it was "+statusWords(a.Status)+": a supervisor's shift handover reassigns it"
		case a.Status != string(workflows.StatusAssigned) && !reassignable:
			it.Status, it.Reason = workflows.ShiftItemSkipped, "it was "+statusWords(a.Status)
		case len(required) > 0:
			// Its handover would be refused for notes neither the shift's text nor the action's
			// own notes give: said now, not shown as requested and then skipped. A supervisor, who
			// cannot hand over another's action, can reassign it: a reassignment asks for no notes.
			how := "give them in its own notes (action_notes), or "
			if slices.Contains(required, "customer_context") {
				how = "a shift handover carries no customer's context: "
			}
			how += "hand it over from its own page"
			if supervisor {
				how = strings.Replace(how, "hand it over", "its owner hands it over", 1) + ", or a supervisor reassigns it there"
			}
			it.Status, it.Reason = workflows.ShiftItemSkipped, fmt.Sprintf(
				"its %s policy asks every handover for %s, which this shift handover does not give: %s",
				a.Category, spokenList(required), how)
		case cannot != "":
			// Said now, where the plan counted it requested and its handover was then refused.
			it.Status, it.Reason = workflows.ShiftItemSkipped, cannot
		case fixed != nil:
			it.To = *fixed
		default:
			routes, routed = append(routes, models.Route{ActionID: a.ID, TeamID: a.TeamID, Authority: a.RequiredAuthority}), append(routed, len(items))
		}
		it.Reassign = reassignable && it.Status == workflows.ShiftItemRequested
		if it.Reassign {
			it.Why = why
		}
		if it.Reassign && timeLeft(a, s.Now()) < reassignDue {
			// Never less time than the new owner is given: past its due time (or nearly), it
			// would be at its check at once.
			it.DueIn = reassignDue
		}
		items = append(items, it)
	}
	// Each routed action's recipient is claimed, as this shift handover's, until its handover
	// waits for them (the shift's workflow takes the claim back then), so shift handovers started
	// at once, here or at another API process, do not all go to the same least loaded colleague.
	var claimed []string
	if len(routes) > 0 {
		to, err := s.Store.ClaimRecipients(ctx, id, from.ID, routes)
		if err != nil {
			return 0, nil, err
		}
		for i, at := range routed {
			it := &items[at]
			if to[i].ID == "" {
				it.Status, it.Reason, it.Reassign, it.DueIn = workflows.ShiftItemSkipped, nobodyToRoute(routes[i].Authority), false, 0
				continue
			}
			it.To = recipientOf(to[i])
			claimed = append(claimed, it.ActionID)
		}
	}
	if fixed != nil {
		held, err := s.claimShiftRecipient(ctx, id, teamOf(from), fixed.ID, items)
		if err != nil {
			return 0, nil, err
		}
		claimed = append(claimed, held...)
	}

	in := workflows.ShiftInput{
		ID: id, FromID: from.ID, TeamID: teamOf(from), Actor: actorOf(caller), Notes: req.Notes, Situation: req.Situation,
		Items: items, StartedAt: s.Now().UTC(), AcceptWithin: within, RequestHash: hash,
	}
	for _, it := range items {
		if n, ok := plan.ActionNotes[it.ActionID]; ok && it.Status == workflows.ShiftItemRequested {
			if in.ActionNotes == nil {
				in.ActionNotes = map[string]workflows.HandoverNotes{}
			}
			in.ActionNotes[it.ActionID] = n
		}
	}
	wctx, unwatch := s.engine.watch(ctx)
	_, err = s.Temporal.ExecuteWorkflow(wctx, client.StartWorkflowOptions{
		ID: workflows.ShiftWorkflowID(id), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.ShiftWorkflowName, in)
	err = unwatch(err)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &already) {
		// Nothing will hand these over: the claims end here. (Those of a shift handover the key
		// started a moment ago are that one's, under the same ID: its workflow takes them back.)
		for _, action := range claimed {
			s.releaseHandoverClaim(ctx, action, id)
		}
	}
	if errors.As(err, &already) {
		// A request with the same key started it a moment ago: answer with that one.
		status, body, found, err := s.startedShift(c, id, hash)
		if !found && err == nil {
			err = fmt.Errorf("shift handover %s was started but cannot be read", id)
		}
		return status, s.endShiftAsked(c, req, from, body, true), err
	}
	if err != nil {
		return 0, nil, err
	}
	c.Header("Location", "/api/v1/shift-handovers/"+id)
	return http.StatusAccepted, s.endShiftAsked(c, req, from, renderShift(in.Progress()), false), nil
}

// endShiftAsked takes the outgoing person off shift when the request asks it (end_shift), once
// their shift handover has started (a retry too, for one cut short before it), as POST
// /shifts/end or PATCH /staff would for the caller: whoever may start their shift handover may
// take them off shift. The answer says how they stand (from_on_shift); one the read model could
// not take is logged and answered as still on shift, since the shift handover has started either
// way. A retry (the same key) leaves a person changed since the shift handover started (back on
// shift, say) as they are: a request sent again days later does not end a later shift. One's own
// shift handover that hands over none of their actions (every one skipped) leaves them on shift,
// saying why (from_kept_on_shift): they are there to read it and pass the actions on, where ended
// it would leave all of them with someone gone home. A supervisor's or manager's ends it as asked:
// the person may be gone already.
func (s *server) endShiftAsked(c *gin.Context, req shiftRequest, from models.Staff, body any, retry bool) any {
	out, ok := body.(shiftJSON)
	if !ok || !req.EndShift {
		return body
	}
	if retry && from.ChangedAt != nil && from.ChangedAt.After(out.StartedAt) {
		on := from.OnShift
		out.FromOnShift = &on
		return out
	}
	ctx, caller := c.Request.Context(), principal(c)
	if caller.ID == from.ID && !slices.ContainsFunc(out.Items, func(it shiftItemJSON) bool { return it.Status != workflows.ShiftItemSkipped }) {
		on := true
		out.FromOnShift, out.FromKeptOnShift = &on, keptOnShift
		return out
	}
	var err error
	if caller.ID == from.ID {
		_, err = s.Store.SetOnShift(ctx, from.ID, from.ID, false)
	} else {
		off := from
		off.OnShift = false
		err = s.Store.UpdateStaff(ctx, caller.ID, off, []string{"on_shift"}, false)
	}
	onShift := err != nil
	if err != nil {
		s.Log.WarnContext(ctx, "a shift handover started, but its outgoing person could not be taken off shift", "shift_handover_id", out.ID, "staff_id", from.ID, "error", err)
	} else {
		s.ui.names.forget() // the pages say who is off shift
		from.OnShift = false
		w := s.returnWaiting(ctx, caller, from)
		out.waitingHandovers = &w
	}
	out.FromOnShift = &onShift
	return out
}

// keptOnShift is why one's own shift handover that handed over none of their actions did not end
// their shift.
const keptOnShift = "none of your actions could be handed over (each item says why), so your shift goes on: they stay yours, and your supervisors are told of each; hand them over one by one, or end your shift all the same (POST /shifts/end)"

// strandedHandovers are the actions whose pending handover waits for someone who can no longer
// answer it (off shift, deactivated, gone from team or from the directory): a supervisor's shift
// handover reassigns such an action, which withdraws the handover, rather than leave it waiting
// until it expires with its owner gone home.
func (s *server) strandedHandovers(ctx context.Context, actionIDs []string, team string) (map[string]bool, error) {
	to, err := s.Store.PendingRecipients(ctx, actionIDs)
	if err != nil {
		return nil, err
	}
	gone := map[string]bool{} // by person
	out := map[string]bool{}
	for action, id := range to {
		away, seen := gone[id]
		if !seen {
			st, err := s.Store.GetStaff(ctx, id)
			if err != nil && !errors.Is(err, models.ErrNotFound) {
				return nil, err
			}
			away = err != nil || !st.Active || !st.OnShift || teamOf(st) != team // a recipient without a team, of an outgoing person without one, is there
			gone[id] = away
		}
		out[action] = away
	}
	return out, nil
}

// claimShiftRecipient claims the person a shift handover names (to_id) for each action handed or
// reassigned to them, as the shift handover's (id), until that action's handover waits for them
// (the shift's workflow takes each claim back then): a deactivation or a move of the person in
// the meantime is refused, as for a handover of one action, where it left them holding the
// shift's handovers. The person is checked again as the claim read them, under the lock a change
// to them takes; each item is given them as they are now.
func (s *server) claimShiftRecipient(ctx context.Context, id, team, toID string, items []workflows.ShiftItem) ([]string, error) {
	var actions []string
	for _, it := range items {
		if it.Status == workflows.ShiftItemRequested {
			actions = append(actions, it.ActionID)
		}
	}
	if len(actions) == 0 {
		return nil, nil
	}
	st, err := s.Store.ClaimStaffFor(ctx, actions, toID, id)
	to, err := recipientFound("to_id", st, err)
	if err == nil {
		err = workflows.CheckRecipient(team, "to_id", to)
	}
	if err != nil {
		for _, action := range actions {
			s.releaseHandoverClaim(ctx, action, id)
		}
		return nil, err
	}
	for i := range items {
		if items[i].Status == workflows.ShiftItemRequested {
			items[i].To = to
		}
	}
	return actions, nil
}

// nobodyToRoute is the reason of an item spread over the team that found nobody: spreading gives
// actions to the team's agents on shift (not supervisors or managers, whom a shift handover names),
// with the authority the action needs.
func nobodyToRoute(authority int) string {
	if authority > 0 {
		return fmt.Sprintf("no other agent of the team on shift has authority %d, which it needs: name a colleague to take it", authority)
	}
	return "no other agent of the team is on shift: name a colleague to take it"
}

// statusWords says an action's status as a skipped item's reason reads it, to people ("it was
// ...": the page shows the reason after the offer or the check has been answered, too).
func statusWords(status string) string {
	switch workflows.Status(status) {
	case workflows.StatusHandoverPending:
		return "offered to a colleague, waiting for their answer"
	case workflows.StatusChecking:
		return "at its due time, waiting for its check"
	}
	return strings.ReplaceAll(status, "_", " ")
}

// shiftJSON is a shift handover as the API shows it: each action's recipient by ID and name, or
// null for an action nobody was found for.
type shiftJSON struct {
	ID        string          `json:"id"`
	FromID    string          `json:"from_id"`
	TeamID    string          `json:"team_id,omitempty"`
	Actor     string          `json:"actor_id"`
	Situation string          `json:"situation"`
	Notes     string          `json:"notes"`
	Items     []shiftItemJSON `json:"items"`
	Done      bool            `json:"done"`
	StartedAt time.Time       `json:"started_at"`
	// FromOnShift says, in the answer to a start that asked end_shift, whether the outgoing
	// person is still on shift (false: taken off it).
	FromOnShift *bool `json:"from_on_shift,omitempty"`
	// FromKeptOnShift says why their shift was not ended: their own shift handover handed over
	// none of their actions.
	FromKeptOnShift string `json:"from_kept_on_shift,omitempty"`
	// And, having taken them off shift, what that did with the handovers waiting for them.
	*waitingHandovers
}

type shiftItemJSON struct {
	ActionID   string      `json:"action_id"`
	To         *personJSON `json:"to"`
	Status     string      `json:"status"`
	HandoverID string      `json:"handover_id"`
	Reason     string      `json:"reason"`
	Reassign   bool        `json:"reassign,omitempty"`
	// Why says why an action is reassigned rather than handed over.
	Why string `json:"reassign_why,omitempty"`
	// DueIn is the new due time a reassignment gives an action past its due time (Go duration).
	DueIn   string `json:"due_in,omitempty"`
	InShift string `json:"in_shift,omitempty"`
}

type personJSON struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

func renderShift(p workflows.ShiftProgress) shiftJSON {
	out := shiftJSON{ID: p.ID, FromID: p.FromID, TeamID: p.TeamID, Actor: p.Actor, Situation: p.Situation, Notes: p.Notes,
		Items: make([]shiftItemJSON, len(p.Items)), Done: p.Done, StartedAt: p.StartedAt}
	for i, it := range p.Items {
		out.Items[i] = shiftItemJSON{ActionID: it.ActionID, Status: it.Status, HandoverID: it.HandoverID, Reason: it.Reason, Reassign: it.Reassign, Why: it.Why, InShift: it.InShift}
		if it.To.ID != "" {
			out.Items[i].To = &personJSON{ID: it.To.ID, Name: it.To.Name}
		}
		if it.DueIn > 0 {
			out.Items[i].DueIn = it.DueIn.String()
		}
	}
	return out
}

// getShiftHandover answers the live progress of a shift handover, from its workflow.
func (s *server) getShiftHandover(c *gin.Context) (int, any, error) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return 0, nil, errorf(kindNotFound, "no shift handover %q", id)
	}
	p, found, err := s.shiftProgress(c.Request.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, errorf(kindNotFound, "no shift handover %q", id)
	}
	team, err := s.shiftTeam(c.Request.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	if caller := principal(c); !inScope(caller, team) || !involvedIn(caller, p) && !workflows.Role(caller.Role).SupervisorOrAbove() {
		return 0, nil, errorf(kindNotFound, "no shift handover %q", id)
	}
	return http.StatusOK, renderShift(p), nil
}

// shiftTeam is the team a shift handover belongs to: the outgoing person's when it started, or,
// for one started before that was recorded, their team now.
func (s *server) shiftTeam(ctx context.Context, p workflows.ShiftProgress) (string, error) {
	if p.TeamID != "" {
		return p.TeamID, nil
	}
	from, err := s.Store.GetStaff(ctx, p.FromID)
	if err != nil {
		return "", err
	}
	return teamOf(from), nil
}

// involvedIn reports whether the caller is one of the people of a shift handover: the outgoing
// person, who started it, or a recipient of one of its actions. Its notes are for them and for the
// team's supervisors, not for everyone who can see the team's actions; and for them only while they
// are in its team (a shift handover, like an action, stays with the team it was made in).
func involvedIn(caller models.Staff, p workflows.ShiftProgress) bool {
	return caller.ID == p.FromID || caller.ID == p.Actor ||
		slices.ContainsFunc(p.Items, func(it workflows.ShiftItem) bool { return it.To.ID == caller.ID })
}

// startedShift answers a request with the Idempotency-Key of a shift handover already started:
// with its progress, or 422 when the key was used for a different request. found is false when
// the key has started nothing yet.
func (s *server) startedShift(c *gin.Context, id, hash string) (status int, body any, found bool, err error) {
	p, found, err := s.shiftProgress(c.Request.Context(), id)
	if err != nil || !found {
		return 0, nil, false, err
	}
	if p.RequestHash != "" && p.RequestHash != hash {
		return 0, nil, true, keyReused()
	}
	if p.TeamID != "" && !inScope(principal(c), p.TeamID) {
		return 0, nil, true, keyUsedFor("for a shift handover outside your teams")
	}
	c.Header("Location", "/api/v1/shift-handovers/"+id)
	return http.StatusAccepted, renderShift(p), true, nil
}

// shiftProgress asks a shift handover's workflow how it stands; found is false when there is no
// such workflow.
func (s *server) shiftProgress(ctx context.Context, id string) (p workflows.ShiftProgress, found bool, err error) {
	wctx, unwatch := s.engine.watch(ctx)
	v, err := queryWorkflow(wctx, s.Temporal, workflows.ShiftWorkflowID(id), workflows.QueryShiftProgress)
	err = unwatch(err)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return p, false, nil
	}
	if err == nil {
		err = v.Get(&p)
	}
	if err != nil {
		return p, false, fmt.Errorf("asking shift handover %s: %w", id, err)
	}
	return p, true, nil
}

// releaseHandoverClaim takes back request's routing claim for a handover of actionID: the handover
// has answered, or will not be made. A claim not taken back counts until the read model shows the
// handover, or for models.RoutingClaimTTL.
func (s *server) releaseHandoverClaim(ctx context.Context, actionID, request string) {
	if err := s.Store.ReleaseHandoverClaim(context.WithoutCancel(ctx), actionID, request); err != nil {
		s.Log.WarnContext(ctx, "releasing a routing claim", "action_id", actionID, "error", err)
	}
}

// policyNotes reads, once per policy version, the notes a category's policy asks every handover
// of its actions for besides the summary, which the shift's notes are.
type policyNotes map[string][]string

// required lists the notes the policy version a runs under asks of its handovers (requiredNotes),
// the summary left out.
func (p policyNotes) required(ctx context.Context, s *server, a models.Action) ([]string, error) {
	key := fmt.Sprintf("%s\x00%d", a.Category, a.PolicyVersion)
	if fields, ok := p[key]; ok {
		return fields, nil
	}
	fields, err := s.requiredNotes(ctx, a.Category, a.PolicyVersion)
	if err != nil {
		return nil, err
	}
	fields = slices.DeleteFunc(fields, func(f string) bool { return f == "summary" })
	p[key] = fields
	return fields, nil
}

// spokenList names note fields as words: "room number and next steps".
func spokenList(fields []string) string {
	words := make([]string, len(fields))
	for i, f := range fields {
		words[i] = strings.ReplaceAll(f, "_", " ")
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
