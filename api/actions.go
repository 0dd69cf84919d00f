package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// idempotencyNamespace derives action IDs from Idempotency-Keys, so the same key gives the same
// workflow ID and Temporal itself refuses a second action.
var idempotencyNamespace = uuid.MustParse("5b0e3a52-4f0c-4d38-9a6e-2f5d8f3c9a11")

type customerRequest struct {
	Ref     string `json:"ref" binding:"max=100"`
	Name    string `json:"name" binding:"max=200"`
	Contact string `json:"contact" binding:"max=200"`
}

type createActionRequest struct {
	Title             string          `json:"title" binding:"required,notblank,max=200"`
	Customer          customerRequest `json:"customer"`
	Details           string          `json:"details" binding:"max=10000"`
	Category          string          `json:"category" binding:"required,notblank,max=64"`
	Priority          string          `json:"priority" binding:"omitempty,oneof=low normal high urgent"`
	OwnerID           string          `json:"owner_id" binding:"max=64"`
	TeamID            string          `json:"team_id" binding:"max=64"`
	DueIn             string          `json:"due_in" binding:"max=32"`
	DueAt             string          `json:"due_at" binding:"max=64"`
	RequiredAuthority int             `json:"required_authority" binding:"gte=0,lte=10"`
	AcceptWithin      string          `json:"accept_within" binding:"max=32"`
	CheckWithin       string          `json:"check_within" binding:"max=32"`
	EscalateWithin    string          `json:"escalate_within" binding:"max=32"`
	// Left out of a request's hash when not sent (omitempty), so a retry made before they existed
	// still matches its first request.
	AssignWithin     string `json:"assign_within,omitempty" binding:"max=32"`
	FollowUpEvery    string `json:"follow_up_every,omitempty" binding:"max=32"`
	PauseRemindEvery string `json:"pause_remind_every,omitempty" binding:"max=32"`
	// Internal: the team's own work, with no customer to tell (workflows.State.Internal).
	Internal bool `json:"internal,omitempty"`
}

// personalData are the customer's data a create carries, sealed before they reach the workflow.
func (r createActionRequest) personalData() []string {
	return []string{r.Customer.Name, r.Customer.Contact}
}

// checkFields reports the fields whose form is wrong, all at once (whether a due_at is still in
// the future, and the team and owner, are checked after).
func (r *createActionRequest) checkFields() []FieldError {
	var fields []FieldError
	_, _, err := dueSpec(time.Time{}, r.DueIn, r.DueAt, "due_in", "due_at")
	fields = append(fields, fieldsOf(err)...)
	if r.Category != "" && !categoryPattern.MatchString(r.Category) {
		fields = append(fields, FieldError{Field: "category", Message: categoryRule})
	}
	if r.Internal && r.Customer != (customerRequest{}) {
		fields = append(fields, FieldError{Field: "customer", Message: "an internal action has no customer: leave the customer out, or do not mark the action internal"})
	}
	if r.Customer.Ref != strings.TrimSpace(r.Customer.Ref) {
		// " 1042" would be a customer of its own, whom a look-up or an erasure of 1042 misses, and
		// a blank one every blank guest's: their data could be erased only all together.
		fields = append(fields, FieldError{Field: "customer.ref", Message: "must not begin or end with a space (leave it out for a customer who gave none)"})
	}
	if strings.HasPrefix(r.Customer.Ref, pii.ActionKeyPrefix) {
		// The customer of an action without a reference has that name for their key: a reference
		// of the same form would share it, and an erasure of one would erase the other.
		fields = append(fields, FieldError{Field: "customer.ref", Message: "must not begin with " + pii.ActionKeyPrefix + " (it names the customers who gave no reference)"})
	}
	for _, o := range []struct{ field, value string }{
		{"accept_within", r.AcceptWithin}, {"check_within", r.CheckWithin}, {"escalate_within", r.EscalateWithin},
		{"assign_within", r.AssignWithin}, {"follow_up_every", r.FollowUpEvery}, {"pause_remind_every", r.PauseRemindEvery},
	} {
		_, err := parseOverride(o.field, o.value)
		fields = append(fields, fieldsOf(err)...)
	}
	return fields
}

// parseDuration reads an optional Go duration field; it must be positive and at most a year.
// maxAhead is how far ahead a deadline may be set: a duration at most, a time within it.
const maxAhead = 366 * 24 * time.Hour

func parseDuration(field, v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	v = spokenDuration(v)
	d, err := time.ParseDuration(v)
	switch {
	case err != nil && strings.ContainsAny(v, "dDwW"):
		// Days are not a unit: on a team's calendar a day of open time is not 24 hours, so the
		// hours are said outright.
		return 0, invalidFields(FieldError{Field: field, Message: "must be a duration in hours, minutes or seconds (days are not a unit: write 24h or 48h), such as 90m or 4h"})
	case err != nil:
		return 0, invalidFields(FieldError{Field: field, Message: "must be a duration such as 90m or 4h"})
	case !unitsOnceLargestFirst(v):
		// "4h2h" is 6h to Go: a field's suggested 4h with 2h typed after it, not what was meant.
		return 0, invalidFields(FieldError{Field: field, Message: "must give each unit once, the largest first, such as 1h30m"})
	case d <= 0:
		return 0, invalidFields(FieldError{Field: field, Message: "must be positive"})
	case d < time.Second:
		// "1ms" is more likely a month meant than a deadline a millisecond away.
		return 0, invalidFields(FieldError{Field: field, Message: "must be at least 1s (ms is milliseconds: for months, write hours)"})
	case d > maxAhead:
		return 0, invalidFields(FieldError{Field: field, Message: "must be at most a year"})
	}
	return d, nil
}

// durationPart is one number and its unit of a duration as people type it: "1h", "30 min",
// "2 Hours", "1.5h".
var durationPart = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-zµμ]+)\s*,?`)

// spokenDuration writes a duration as people type it ("1h 30m", "90 min", "2 Hours", "45mins", as
// the pages show durations) in Go's form ("1h30m", "90m", "2h", "45m"); anything else, Go's form
// among it, is left as it is for time.ParseDuration to read or refuse (days stay refused).
func spokenDuration(v string) string {
	units := map[string]string{"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
		"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
		"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s"}
	var out strings.Builder
	for rest := v; strings.TrimSpace(rest) != ""; {
		part := durationPart.FindStringSubmatch(rest)
		if part == nil {
			return v
		}
		unit, ok := units[strings.ToLower(part[2])]
		if !ok {
			return v // ms, ns and the like are Go's own: time.ParseDuration reads them as typed
		}
		out.WriteString(part[1] + unit)
		rest = rest[len(part[0]):]
	}
	return out.String()
}

// unitsOnceLargestFirst says whether a Go duration names each of its units once, from hours down
// to nanoseconds: "1h30m", not "4h2h" or "30m1h".
func unitsOnceLargestFirst(v string) bool {
	rank := map[string]int{"h": 0, "m": 1, "s": 2, "ms": 3, "us": 4, "µs": 4, "μs": 4, "ns": 5}
	last := -1
	for _, unit := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '+' || r == '-' || unicode.IsDigit(r) }) {
		r, ok := rank[unit]
		if !ok || r <= last {
			return false
		}
		last = r
	}
	return true
}

// parseWithin reads an optional time allowed (accept_within, follow_up_every...): a duration from
// a second to a year. Less than a second is no time to act in, and a follow-up repeated more often
// would only flood the person with reminders.
func parseWithin(field, v string) (time.Duration, error) {
	d, err := parseDuration(field, v)
	if err == nil && d > 0 && d < time.Second {
		return 0, invalidFields(FieldError{Field: field, Message: "must be at least 1s"})
	}
	return d, err
}

// minRepeatOverride is the shortest repeating interval one action may set for itself. Past the top
// of the escalation ladder the managers are reminded every escalate_within, and the hander every
// follow_up_every, until someone acts: any creator (an agent, an integration) could otherwise page
// every manager once a second. An administrator's policy may go lower.
const minRepeatOverride = time.Minute

// parseOverride reads one of an action's own times allowed (parseWithin), holding the repeating
// ones to minRepeatOverride.
func parseOverride(field, v string) (time.Duration, error) {
	d, err := parseWithin(field, v)
	if err == nil && d > 0 && d < minRepeatOverride && (field == "escalate_within" || field == "follow_up_every" || field == "pause_remind_every") {
		return 0, invalidFields(FieldError{Field: field, Message: "must be at least 1m on one action: it repeats (an administrator's policy may set less)"})
	}
	return d, err
}

// notATime is the refusal of a time the API cannot read. The pages say it in their own words
// (formWords): their fields take a date and a time of day, not RFC 3339.
const notATime = "must be an RFC 3339 time from 1970 to 9999, such as 2026-12-01T17:00:00Z"

// notAQueryTime is the refusal of a time given in a query string (v as it arrived), which says
// what to do of a + left unescaped there: it arrives as a space.
func notAQueryTime(v string) string {
	if strings.Contains(v, " ") {
		return notATime + " (a + in the time is sent as %2B)"
	}
	return notATime
}

// dueSpec resolves due_in or due_at (exactly one): due_in is a duration the workflow counts on
// the action's clock (business time on its team's calendar unless its policy says 24/7), returned
// with the time it would be around the clock; due_at is a time in the future.
func dueSpec(now time.Time, dueIn, dueAt, inField, atField string) (time.Duration, time.Time, error) {
	switch {
	case dueIn != "" && dueAt != "":
		return 0, time.Time{}, invalidFields(FieldError{Field: inField, Message: "give " + inField + " or " + atField + ", not both"})
	case dueIn != "":
		d, err := parseDuration(inField, dueIn)
		if err != nil {
			return 0, time.Time{}, err
		}
		return d, now.Add(d), nil
	case dueAt != "":
		t, err := parseTime(dueAt)
		if err != nil {
			return 0, time.Time{}, invalidFields(FieldError{Field: atField, Message: notATime})
		}
		if !t.After(now) {
			return 0, time.Time{}, invalidFields(FieldError{Field: atField, Message: "must be in the future"})
		}
		if !now.IsZero() && t.After(now.Add(maxAhead)) {
			return 0, time.Time{}, invalidFields(FieldError{Field: atField, Message: "must be within a year"})
		}
		return 0, t, nil
	}
	return 0, time.Time{}, invalidFields(FieldError{Field: inField, Message: inField + " or " + atField + " is required"})
}

func (s *server) createAction(c *gin.Context) {
	ctx := c.Request.Context() // bounded by the command timeout
	caller := principal(c)
	if workflows.Role(caller.Role) == workflows.RoleAdmin {
		writeError(c, s.Log, errorf(kindForbidden, "administrators manage staff and teams; they do not create actions"))
		return
	}
	var req createActionRequest
	problems, err := fieldProblems(s.decoder.decode(c, &req))
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	if len(problems) > 0 {
		// One answer lists everything wrong: the body's form, a due time already past (which
		// the form's own checks cannot tell), and the team and owner it names.
		if _, _, err := dueSpec(s.Now(), req.DueIn, req.DueAt, "due_in", "due_at"); fieldsOf(err) != nil {
			problems = append(problems, fieldsOf(err)...)
		}
		_, _, placed, err := s.placement(ctx, caller, req, problems, s.Store.GetStaff)
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		writeError(c, s.Log, invalidFields(append(problems, outside(problems, placed)...)...))
		return
	}
	if req.Priority == "" {
		req.Priority = "normal"
	}
	// A due_in is relative to the request, so a retry would differ by its clock: hash the request
	// as sent, not the resolved due time.
	hashed := req
	if t, err := parseTime(req.DueAt); err == nil {
		// The same instant written in another offset (a client re-serialising it on a retry) is
		// the same request.
		hashed.DueAt = t.UTC().Format(time.RFC3339Nano)
	}
	id, keyed, err := createID(c, caller)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Set(createdIDKey, id)
	// Only a create with an Idempotency-Key is hashed: nothing is compared with the hash of one
	// without, and a hash of the customer's data is one more copy of it.
	if keyed {
		// A retry of a create that has landed gets the action, before the checks of a new one: its
		// due_at may have passed or its owner left since, and the retry must still be answered.
		row, err := s.Store.GetAction(ctx, id)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			writeError(c, s.Log, err)
			return
		}
		if err == nil {
			// Compared under the key of the action's customer as it is (not of the customer the
			// retry names, which may be another's: another request): with one erased since, the
			// request cannot be told from another (and gets them no new key).
			hash, keyLives, err := s.requestDigestIfKeyed(c, row.CustomerRef, id, "create", hashed)
			if err == nil && !keyLives {
				err = &apiError{kind: kindConflict, code: codeCustomerErased, actionID: id, detail: fmt.Sprintf("Idempotency-Key: this key made action %s, whose customer's personal data has since been erased: "+
					"a retry of that request cannot be told from another one, so none is answered with it; read the action instead, and make a new action with a new key", id)}
			}
			if err != nil {
				writeError(c, s.Log, err)
				return
			}
			s.answerCreated(c, caller, stateFromRow(row), hash, true)
			return
		}
	}
	in, release, err := s.buildStart(c, caller, req, id, "")
	defer release()
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	if keyed {
		// Hashed once the create passed its checks: a refused one gives the customer no key.
		if in.RequestHash, err = s.requestDigest(c, hashed.Customer.Ref, id, "create", hashed); err != nil {
			writeError(c, s.Log, err)
			return
		}
	}
	startOp := s.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.ActionWorkflowID(in.ActionID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.ActionWorkflowName, in)
	wctx, unwatch := s.engine.watch(ctx)
	handle, err := s.Temporal.UpdateWithStartWorkflow(wctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: startOp,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     workflows.UpdateCreate,
			UpdateName:   workflows.UpdateCreate,
			Args:         []any{workflows.CreateInput{Actor: actorOf(caller)}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var state workflows.State
	if err == nil {
		err = handle.Get(wctx, &state)
	}
	err = unwatch(err)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	replayed := errors.As(err, &started)
	if replayed {
		// The key was used for an action whose workflow has already closed: answer with it.
		row, rerr := s.Store.GetAction(ctx, in.ActionID)
		if rerr != nil {
			writeError(c, s.Log, rerr)
			return
		}
		state, err = stateFromRow(row), nil
	}
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	// A retry the engine de-duplicated (the first create still being made, or made an instant
	// before, not yet in the read model) cannot be told from the first: it is not marked.
	s.answerCreated(c, caller, state, in.RequestHash, replayed)
}

// answerCreated answers a create with the action, unless its Idempotency-Key was first used with
// a different request, or for an action now outside the caller's scope (they have moved team
// since): a retry shows no more than a GET would. replayed marks the answer to a retry of a
// create made before (Idempotent-Replayed), as a command's is.
func (s *server) answerCreated(c *gin.Context, caller models.Staff, state workflows.State, hash string, replayed bool) {
	if state.RequestHash != hash {
		writeError(c, s.Log, keyReused())
		return
	}
	if !inScope(caller, state.TeamID) {
		writeError(c, s.Log, keyUsedFor("for an action outside your teams"))
		return
	}
	body, err := s.renderOpen(c.Request.Context(), state)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	c.Header("Location", "/api/v1/actions/"+state.ID)
	if replayed {
		c.Header(replayedHeader, "true")
	}
	setETag(c, body.Version)
	c.JSON(http.StatusCreated, body)
}

// createID is the ID of a new action: derived from the caller and their Idempotency-Key when
// there is one (keyed), so that a retry names the same action, and new otherwise.
func createID(c *gin.Context, caller models.Staff) (id string, keyed bool, err error) {
	key, err := idempotencyKey(c)
	if err != nil || key == "" {
		return uuid.Must(uuid.NewV7()).String(), false, err
	}
	return uuid.NewSHA1(idempotencyNamespace, []byte(caller.ID+"\x00"+key)).String(), true, nil
}

// buildStart checks the owner and team of a new action with the given ID and request hash. A
// routed owner stays claimed (models.ClaimRoutedOwner) until release is called, once the create
// has answered.
func (s *server) buildStart(c *gin.Context, caller models.Staff, req createActionRequest, id, hash string) (in workflows.StartInput, release func(), err error) {
	ctx := c.Request.Context()
	now := s.Now()
	// The due time's place in time (now past, or over a year ahead) is told with the team and owner.
	dueIn, due, err := dueSpec(now, req.DueIn, req.DueAt, "due_in", "due_at")
	problems, err := fieldProblems(err)
	if err != nil {
		return workflows.StartInput{}, noRelease, err
	}
	if !categoryPattern.MatchString(req.Category) {
		return workflows.StartInput{}, noRelease, invalidFields(FieldError{Field: "category", Message: categoryRule})
	}
	policy, err := s.resolvePolicy(ctx, req.Category)
	if err != nil {
		return workflows.StartInput{}, noRelease, err
	}
	overrides := []struct {
		field, value string
		dst          *time.Duration
	}{
		{"accept_within", req.AcceptWithin, &policy.AcceptWithin},
		{"check_within", req.CheckWithin, &policy.CheckWithin},
		{"escalate_within", req.EscalateWithin, &policy.EscalateWithin},
		{"assign_within", req.AssignWithin, &policy.AssignWithin},
		{"follow_up_every", req.FollowUpEvery, &policy.FollowUpEvery},
		{"pause_remind_every", req.PauseRemindEvery, &policy.PauseRemindEvery},
	}
	for _, o := range overrides {
		d, err := parseOverride(o.field, o.value)
		if err != nil {
			return workflows.StartInput{}, noRelease, err
		}
		if d > 0 {
			*o.dst = d
		}
	}
	// The owner named is claimed until the create has answered, under the lock a change to them
	// takes: placement checks them as they are after a change made first, and a change made after
	// waits for the action to show as theirs (or is refused).
	request, ownerClaimed := "create:"+id, false
	claimOwner := func(ctx context.Context, staffID string) (models.Staff, error) {
		st, err := s.Store.ClaimStaff(ctx, id, staffID, request)
		ownerClaimed = ownerClaimed || err == nil
		return st, err
	}
	releaseOwner := func() {
		if ownerClaimed {
			s.releaseHandoverClaim(ctx, id, request)
		}
	}
	defer func() {
		if err != nil {
			releaseOwner() // nothing is created: the claim ends here
		}
	}()
	teamID, ownerName, placed, err := s.placement(ctx, caller, req, problems, claimOwner)
	if err != nil {
		return workflows.StartInput{}, noRelease, err
	}
	if problems = append(problems, placed...); len(problems) > 0 {
		return workflows.StartInput{}, noRelease, invalidFields(problems...)
	}
	if !inScope(caller, teamID) {
		// A field the body got wrong for this caller, named as the API names the others: the
		// team (or the owner it came from) cannot take an action from them.
		field := "team_id"
		if req.TeamID == "" && req.OwnerID != "" {
			field = "owner_id"
		}
		return workflows.StartInput{}, noRelease, invalidFields(FieldError{Field: field, Message: fmt.Sprintf("you cannot create actions for team %s, only for your own", teamID)})
	}

	owner, routed, claim := req.OwnerID, false, releaseOwner
	if owner == "" {
		// Routing: the least loaded eligible agent of the team, claimed for this action until the
		// create has answered; nobody eligible leaves it unassigned.
		var routedTo models.Staff
		if routedTo, err = s.Store.ClaimRoutedOwner(ctx, teamID, req.RequiredAuthority, id); err != nil {
			return workflows.StartInput{}, noRelease, err
		}
		owner, ownerName = routedTo.ID, routedTo.Name
		if routed = owner != ""; routed {
			claim = func() {
				// Once the create has answered, the read model shows the action and the claim
				// no longer counts; without this it would be deleted by a claim minutes later.
				if err := s.Store.ReleaseRoutingClaim(context.WithoutCancel(ctx), id); err != nil {
					s.Log.WarnContext(ctx, "releasing a routing claim", "action_id", id, "error", err)
				}
			}
		}
		defer func() {
			if err != nil {
				claim() // nothing is created: the claim ends here
			}
		}()
	}

	// The team's calendar as it is now travels with the action, with its zone's rules captured, so
	// its deadlines count on it and replay to the same instants whatever changes later.
	cal, _, err := s.teamCalendar(ctx, teamID)
	if err != nil {
		return workflows.StartInput{}, noRelease, err
	}
	if cal != nil {
		snap, err := cal.Snapshot(now, calendarSnapshotSpan)
		if err != nil {
			return workflows.StartInput{}, noRelease, fmt.Errorf("calendar of team %s: %w", teamID, err)
		}
		cal = &snap
	}

	customer := workflows.Customer(req.Customer)
	if err := s.seal(c, customer.Ref, id, &customer.Name, &customer.Contact); err != nil {
		return workflows.StartInput{}, noRelease, err
	}
	return workflows.StartInput{
		ActionID: id, Title: strings.TrimSpace(req.Title), Details: req.Details, Category: req.Category,
		Priority: req.Priority, Customer: customer, Internal: req.Internal, OwnerID: owner, OwnerName: ownerName, TeamID: teamID,
		RequiredAuthority: req.RequiredAuthority, DueAt: due.UTC(), CreatedBy: actorOf(caller),
		RequestHash: hash, Policy: policy, Routed: routed, DueIn: dueIn, Calendar: cal,
		Revision: workflows.CurrentRevision,
	}, claim, nil
}

// noRelease is the release of a create that claimed nobody for routing.
func noRelease() {}

// placement checks the team_id and owner_id of a create against the directory, and answers the
// team the action belongs to (the owner's, else the one named, else the caller's) and the name of
// the owner named, which the workflow's messages give. known are
// the fields already found wrong: those are not looked up, so that a body wrong in its form is
// told in the same answer which of the people and teams it names do not fit. staff looks the owner
// named up (a create about to be made claims them as it does).
func (s *server) placement(ctx context.Context, caller models.Staff, req createActionRequest, known []FieldError, staff func(context.Context, string) (models.Staff, error)) (string, string, []FieldError, error) {
	var fields []FieldError
	wrong := func(field string) bool {
		return covered(known, field) || covered(fields, field)
	}
	lookup := func(field, value string) bool {
		return value != "" && !strings.ContainsRune(value, 0) && !wrong(field)
	}
	teamID, ownerName := req.TeamID, ""
	if lookup("team_id", teamID) {
		if _, err := s.Store.GetTeam(ctx, teamID); errors.Is(err, models.ErrNotFound) {
			fields = append(fields, FieldError{Field: "team_id", Message: "is not a team"})
		} else if err != nil {
			return "", "", nil, err
		}
	}
	if wrong("team_id") {
		teamID = "" // whether the owner is in it cannot be said
	}
	if lookup("owner_id", req.OwnerID) {
		owner, err := staff(ctx, req.OwnerID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return "", "", nil, err
		}
		var refusal string
		who := cmp.Or(owner.Name, owner.ID) // as the workflow's refusals name people
		switch {
		case err != nil || !owner.Active:
			refusal = "is not an active member of staff: choose someone who works here now, or leave the owner out to route it to the team"
		case !workflows.Role(owner.Role).CanOwn():
			refusal = who + " has role " + owner.Role + " and cannot own actions: choose an agent, a supervisor or a manager"
		case owner.Authority < req.RequiredAuthority && !wrong("required_authority"):
			refusal = fmt.Sprintf("%s has authority %d, this action needs %d: choose someone with authority %d or more, or leave the owner out to route it to someone who has", who, owner.Authority, req.RequiredAuthority, req.RequiredAuthority)
		case teamID != "" && teamOf(owner) != teamID:
			refusal = who + " is not in team " + teamID + ": choose someone of that team, or leave team_id out to make it " + who + "'s team's"
		case !owner.OnShift && owner.ID != caller.ID:
			// As for a handover or routing: nobody is given work while off shift (unless they
			// record it for themselves).
			refusal = who + " is off shift: choose someone on shift, or leave the owner out to route it to the team"
		}
		if refusal != "" {
			fields = append(fields, FieldError{Field: "owner_id", Message: refusal})
		} else {
			teamID, ownerName = teamOf(owner), owner.Name
		}
	}
	if teamID == "" {
		teamID = teamOf(caller)
	}
	if teamID == "" && !wrong("team_id") && !wrong("owner_id") {
		fields = append(fields, FieldError{Field: "team_id", Message: "give owner_id or team_id"})
	}
	return teamID, ownerName, fields, nil
}

// calendarSnapshotSpan is how far ahead an action's calendar captures its zone's rules, in plain
// time and in the calendar's open time (see calendar.Snapshot): past a year's due time, counted
// in business time, and its follow-ups.
const calendarSnapshotSpan = 3 * 366 * 24 * time.Hour

// emptyParameter is the refusal of a query parameter given empty.
const emptyParameter = "is empty: give a value, or leave it out"

// queryFields refuses the query parameters a route does not take (what says what they are not),
// those given twice but the repeatable ones, and those given empty, in the order of their names.
func queryFields(c *gin.Context, what string, known []string, repeatable ...string) []FieldError {
	var fields []FieldError
	for name, values := range c.Request.URL.Query() {
		switch {
		case !slices.Contains(known, name) && len(known) == 0:
			fields = append(fields, FieldError{Field: name, Message: what + " (it takes none)"})
		case !slices.Contains(known, name):
			fields = append(fields, FieldError{Field: name, Message: what + " (" + strings.Join(known, ", ") + ")"})
		case len(values) > 1 && !slices.Contains(repeatable, name):
			fields = append(fields, FieldError{Field: name, Message: "give it once"})
		case slices.Contains(values, ""):
			// An empty filter read as no filter would list everything (every customer's actions for
			// customer_ref=), and an empty cursor would start a sweep again from its first page.
			fields = append(fields, FieldError{Field: name, Message: emptyParameter})
		}
	}
	slices.SortFunc(fields, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return fields
}

// loadScoped loads an action the caller may see; anything else is 404, exactly as an unknown ID.
func (s *server) loadScoped(c *gin.Context) (models.Action, error) {
	return s.loadScopedWith(c, s.Store.GetActionRow)
}

// loadScopedWithHandovers is loadScoped with the action's handovers, for showing the action.
func (s *server) loadScopedWithHandovers(c *gin.Context) (models.Action, error) {
	return s.loadScopedWith(c, s.Store.GetAction)
}

func (s *server) loadScopedWith(c *gin.Context, load func(context.Context, string) (models.Action, error)) (models.Action, error) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return models.Action{}, errorf(kindNotFound, "no action %q", id)
	}
	a, err := load(c.Request.Context(), id)
	switch {
	case err == nil && inScope(principal(c), a.TeamID):
		return a, nil
	case err == nil:
		return models.Action{}, errorf(kindNotFound, "no action %q", id)
	}
	if live, ok := s.liveAction(c, id); ok {
		if !errors.Is(err, models.ErrNotFound) {
			s.Log.WarnContext(c.Request.Context(), "read model unavailable; action loaded from its workflow", "action_id", id, "error", err)
		}
		return live, nil
	}
	if errors.Is(err, models.ErrNotFound) {
		return models.Action{}, errorf(kindNotFound, "no action %q", id)
	}
	return models.Action{}, err
}

// lowerID writes an action's ID in lower case, as actions are named: a client that keeps UUIDs
// in upper case (as some databases give them back) finds the action. Anything but a UUID is left
// as it is, to match nothing.
func lowerID(id string) string {
	if len(id) == 36 && uuid.Validate(id) == nil {
		return strings.ToLower(id)
	}
	return id
}

// lowerIDs is lowerID of each of ids, in a slice of its own (the request's query values stay as
// sent).
func lowerIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = lowerID(id)
	}
	return out
}

func (s *server) getAction(c *gin.Context) (int, any, error) {
	// A misspelt consistent=true would otherwise be an ordinary read of the read model.
	if fields := queryFields(c, "is not a parameter of this read", []string{"consistent"}); len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	switch c.Query("consistent") {
	case "", "true", "false":
	default:
		return 0, nil, invalidFields(FieldError{Field: "consistent", Message: "must be true or false"})
	}
	a, err := s.loadScopedWithHandovers(c)
	if err != nil {
		return 0, nil, err
	}
	state := stateFromRow(a)
	if live, ok := c.Get(liveStateKey); ok {
		// The read model could not answer: the workflow's state is the action as it stands.
		state = live.(workflows.State)
	}
	if c.Query("consistent") == "true" {
		// The workflow answers through a worker, as a command does; the request is bounded alike.
		ctx, unwatch := s.engine.watch(c.Request.Context())
		v, err := queryWorkflow(ctx, s.Temporal, workflows.ActionWorkflowID(a.ID), workflows.QueryState)
		if err == nil {
			// Into a state of its own: read into the row's, what the answer leaves out (a time
			// left the read model stored, a due time it took as fixed) stayed the row's.
			var live workflows.State
			if err = v.Get(&live); err == nil {
				state = countedFor(c, live, a)
			}
		}
		err = unwatch(err)
		var gone *serviceerror.NotFound
		if errors.As(err, &gone) {
			// The workflow has passed Temporal's retention: it projected its last state before it
			// closed, so the read model's copy is the action's final state.
			state, err = stateFromRow(a), nil
		}
		if err != nil {
			return 0, nil, fmt.Errorf("querying action %s: %w", a.ID, err)
		}
	}
	body, err := s.renderOpen(c.Request.Context(), state)
	if err != nil {
		return 0, nil, err
	}
	setETag(c, body.Version)
	return http.StatusOK, body, nil
}

// maxEventsPage is the largest page of a timeline.
const maxEventsPage = 1000

func (s *server) listEvents(c *gin.Context) (int, any, error) {
	a, err := s.loadScoped(c)
	if err != nil {
		return 0, nil, err
	}
	// Without limit, before or after, the whole timeline; with limit or before, its last events
	// (before a seq), a page at a time: a timeline a long-ignored escalation reminds about grows
	// without end; with after, the events after a seq, in order, for a reader catching up.
	// A parameter the timeline does not take (since=) would otherwise read all of it.
	fields := queryFields(c, "is not a parameter of the timeline", []string{"limit", "before", "after"})
	if len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	limit, fields := pageLimit(c, 0, maxEventsPage) // 0: the whole timeline
	before, after := int64(0), int64(-1)
	if v := c.Query("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			fields = append(fields, FieldError{Field: "before", Message: "must be the seq of an event (a whole number from 1)"})
		}
	}
	if v, given := c.GetQuery("after"); given {
		switch after, err = strconv.ParseInt(v, 10, 64); {
		case err != nil || after < 0:
			fields = append(fields, FieldError{Field: "after", Message: "must be the seq of an event (a whole number from 0: 0 for the first)"})
		case c.Query("before") != "":
			fields = append(fields, FieldError{Field: "after", Message: "give before or after, not both"})
		}
	}
	if len(fields) > 0 {
		return 0, nil, invalidFields(fields...)
	}
	var rows []models.ActionEvent
	var nextBefore, nextAfter *int64
	var more bool
	switch {
	case after >= 0:
		rows, more, err = s.Store.ListEventsAfter(c.Request.Context(), a.ID, after, cmp.Or(limit, maxEventsPage))
		if more && len(rows) > 0 {
			nextAfter = &rows[len(rows)-1].Seq
		}
	case limit == 0 && before == 0:
		rows, err = s.Store.ListEvents(c.Request.Context(), a.ID)
	default:
		rows, more, err = s.Store.ListEventsBefore(c.Request.Context(), a.ID, before, cmp.Or(limit, maxEventsPage))
		if more && len(rows) > 0 {
			nextBefore = &rows[0].Seq
		}
	}
	if err != nil {
		return 0, nil, err
	}
	items := make([]eventJSON, len(rows))
	for i, r := range rows {
		items[i] = eventJSON{Seq: r.Seq, Type: r.Type, ActorID: r.ActorID, Cause: r.Cause, At: r.At.UTC()}
		if err := json.Unmarshal([]byte(r.Data), &items[i].Data); err != nil {
			return 0, nil, fmt.Errorf("decoding event %d of action %s: %w", r.Seq, a.ID, err)
		}
	}
	if err := s.revealEvents(c.Request.Context(), items); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"items": items, "next_before": nextBefore, "next_after": nextAfter}, nil
}

var validStatuses = []string{
	string(workflows.StatusUnassigned), string(workflows.StatusAssigned), string(workflows.StatusHandoverPending),
	string(workflows.StatusChecking), string(workflows.StatusEscalated), string(workflows.StatusCompleted),
	string(workflows.StatusCancelled),
}

type cursor struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"i"`
}

const (
	// maxPage is the largest page of a list.
	maxPage = 200
	// maxListIDs is how many actions one list may name with id: as many as its largest page.
	maxListIDs = maxPage
)

// listParams are the query parameters GET /actions takes.
var listParams = []string{"status", "owner_id", "team_id", "customer_ref", "customer", "created_by", "q", "overdue", "escalated", "paused", "updated_since", "id", "limit", "cursor"}

// maxSearchText is the longest text GET /actions?q= (or customer=) looks for.
const maxSearchText = 100

// searchRule is what a text looked for must be (searchable): its refusal.
var searchRule = fmt.Sprintf("must be 1 to %d characters, not only spaces, and no control characters", maxSearchText)

// searchable reports whether a text looked for, trimmed, is one to look for.
func searchable(v string) bool {
	return v != "" && utf8.RuneCountInString(v) <= maxSearchText && !strings.ContainsFunc(v, unicode.IsControl)
}

// actionFilter reads the filters of a list of actions (GET /actions and its export) from the query,
// its team held to the caller's scope; a 422 lists what is wrong with them. known are the
// parameters the route takes; a page's limit and cursor are read only when it takes them.
func (s *server) actionFilter(c *gin.Context, known []string) (models.ActionFilter, error) {
	f := models.ActionFilter{
		IDs: lowerIDs(c.QueryArray("id")), Statuses: c.QueryArray("status"), OwnerID: c.Query("owner_id"), TeamID: c.Query("team_id"),
		CustomerRef: c.Query("customer_ref"), CreatedBy: c.Query("created_by"), Text: strings.TrimSpace(c.Query("q")), Now: s.Now(), Limit: 50,
	}
	// A misspelt filter would otherwise list everything; a filter given twice, use only the first.
	fields := queryFields(c, "is not a filter of this list", known, "id", "status")
	if len(f.IDs) > maxListIDs {
		fields = append(fields, FieldError{Field: "id", Message: fmt.Sprintf("at most %d actions at once", maxListIDs)})
	}
	// Each status once: a status given over and over would outgrow the database's parameters.
	slices.Sort(f.Statuses)
	f.Statuses = slices.Compact(f.Statuses)
	for _, st := range f.Statuses {
		if !workflows.Valid(validStatuses, st) {
			fields = append(fields, FieldError{Field: "status", Message: st + " is not one of " + strings.Join(validStatuses, ", ")})
			break
		}
	}
	if _, given := c.GetQuery("q"); given && !covered(fields, "q") && !searchable(f.Text) {
		fields = append(fields, FieldError{Field: "q", Message: searchRule})
	}
	if v, given := c.GetQuery("customer"); given && !covered(fields, "customer") {
		// The customer's name and contact are sealed: they are found by their blind indexes.
		if v = strings.TrimSpace(v); !searchable(v) {
			fields = append(fields, FieldError{Field: "customer", Message: searchRule})
		} else if problem := pii.QueryProblem(v); problem != "" {
			fields = append(fields, FieldError{Field: "customer", Message: problem})
		} else if f.Customer = s.customerQuery(v); len(f.Customer) == 0 {
			fields = append(fields, FieldError{Field: "customer", Message: "must hold a word of the customer's name, their email address or a phone number (at least 6 digits, its end or all of it)"})
		}
	}
	if slices.Contains(known, "limit") {
		limit, bad := pageLimit(c, f.Limit, maxPage)
		f.Limit, fields = limit, append(fields, bad...)
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"overdue", &f.Overdue}, {"escalated", &f.Escalated}, {"paused", &f.Paused}} {
		switch c.Query(b.name) {
		case "", "false":
		case "true":
			*b.dst = true
		default:
			fields = append(fields, FieldError{Field: b.name, Message: "must be true or false"})
		}
	}
	if v, given := c.GetQuery("updated_since"); given && !covered(fields, "updated_since") {
		// How an integration catches up on changes it may have missed (a webhook given up, a
		// stream closed): every action changed since its last sweep began.
		t, err := parseTime(v)
		if err != nil {
			fields = append(fields, FieldError{Field: "updated_since", Message: notAQueryTime(v)})
		}
		f.UpdatedSince = t
	}
	if v := c.Query("cursor"); v != "" && slices.Contains(known, "cursor") {
		var cur cursor
		// Only the API's own cursors: an action's ID and time (a made-up one could start nowhere).
		if !decodeCursor(v, &cur) || uuid.Validate(cur.ID) != nil || cur.CreatedAt.IsZero() {
			fields = append(fields, FieldError{Field: "cursor", Message: "is not a cursor this API gave out"})
		}
		f.After = &models.Position{CreatedAt: cur.CreatedAt, ID: cur.ID}
	}
	if len(fields) > 0 {
		return f, invalidFields(fields...)
	}
	team, err := s.scopedTeam(c, f.TeamID)
	f.TeamID = team
	return f, err
}

func (s *server) listActions(c *gin.Context) {
	f, err := s.actionFilter(c, listParams)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	rows, next, err := s.Store.ListActions(c.Request.Context(), f)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	items, err := s.renderOpenRows(c.Request.Context(), rows)
	if err != nil {
		writeError(c, s.Log, err)
		return
	}
	var nextCursor *string
	if next != nil {
		enc := encodeCursor(cursor{CreatedAt: next.CreatedAt, ID: next.ID})
		nextCursor = &enc
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": nextCursor})
}
