package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// sendCommand delivers one command to the action's workflow as an Update and answers with the
// workflow's new state. A repeated Idempotency-Key is de-duplicated by Temporal.
func (s *server) sendCommand(c *gin.Context, a models.Action, update string, arg any, idem workflows.Idempotency, status int) {
	updateID := uuid.NewString() // one for every attempt of this request
	if idem.Key != "" {
		// The same key and body make the same Update ID, which Temporal de-duplicates; another
		// body makes another update, which the workflow refuses for reusing the key.
		updateID = idem.Key + "/" + idem.Hash
	}
	state, err := s.update(c.Request.Context(), a.ID, update, arg, idem, updateID)
	var body actionJSON
	if err == nil {
		body, err = s.renderOpen(c.Request.Context(), countedFor(c, state, a))
	}
	if err != nil {
		writeError(c, s.Log, s.changedMeanwhile(c, a, update, err))
		return
	}
	if idem.Key != "" && state.Version <= a.Version {
		// Temporal answered with the outcome of the Update this key made before: no change was
		// made now (a change always moves the version past the one read before sending).
		c.Header(replayedHeader, "true")
	}
	setETag(c, body.Version)
	c.JSON(status, body)
}

// replayedHeader marks the answer of a command sent again with its Idempotency-Key: the answer as
// it was when the command was first made, the action as it stood then; nothing was changed now.
const replayedHeader = "Idempotent-Replayed"

// update sends one Update to the action's workflow and waits for its new state, within the
// command timeout (the engine watch ends it with 503 when Temporal does not answer).
func (s *server) update(ctx context.Context, actionID, update string, arg any, idem workflows.Idempotency, updateID string) (workflows.State, error) {
	release, err := s.turns.take(ctx, actionID)
	if err != nil {
		return workflows.State{}, err // the command's time ran out waiting its turn: 503, as too slow
	}
	defer release()
	wctx, unwatch := s.engine.watch(ctx) // bounded by the command timeout
	opts := client.UpdateWorkflowOptions{
		WorkflowID:   workflows.ActionWorkflowID(actionID),
		UpdateName:   update,
		Args:         []any{arg, idem},
		WaitForStage: client.WorkflowUpdateStageCompleted,
		UpdateID:     updateID,
	}
	var state workflows.State
	for wait := notReadyWait; ; wait *= 2 {
		var handle client.WorkflowUpdateHandle
		if handle, err = s.Temporal.UpdateWorkflow(wctx, opts); err == nil {
			err = handle.Get(wctx, &state)
		}
		// The workflow task that was to take the Update failed, which aborts it unapplied: most
		// often one that found another change come in as the run continued as new, whose next
		// task takes it. A task that keeps failing (a worker that cannot run the workflow) is
		// refused at once again, and the last refusal stands.
		var notReady *serviceerror.WorkflowNotReady
		if !errors.As(err, &notReady) || wait > notReadyWaitMost || !sleepCtx(wctx, wait) {
			break
		}
	}
	return state, unwatch(err) // which ends wctx
}

// How long a command waits before sending its Update again after a workflow task failed to take
// it: notReadyWait, doubling, up to notReadyWaitMost (about 1.5 s in all).
const (
	notReadyWait     = 100 * time.Millisecond
	notReadyWaitMost = 800 * time.Millisecond
)

// sleepCtx waits d, and reports false when ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// setETag names the version of the action an answer holds, for a command's If-Match.
func setETag(c *gin.Context, version int64) {
	c.Header("ETag", `"`+strconv.FormatInt(version, 10)+`"`)
}

// ifMatch reads a command's If-Match header: the ETag of the version of the action the command
// was decided on (as GET /actions/{id} and every command answered it), which the workflow holds
// it to; 0 without one, or with "*" (any version).
func ifMatch(c *gin.Context) (int64, error) {
	values := c.Request.Header.Values("If-Match")
	if len(values) == 0 {
		return 0, nil
	}
	if len(values) > 1 {
		return 0, invalidFields(FieldError{Field: "If-Match", Message: "is given more than once: send one"})
	}
	v := strings.TrimSpace(values[0])
	if v == "*" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(v, `"`), `"`), 10, 64)
	if err != nil || n < 1 || len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return 0, invalidFields(FieldError{Field: "If-Match", Message: `must be the ETag of the action as answered, quotes included, such as "7"`})
	}
	return n, nil
}

// heldThenNotNow reports whether the caller held the action (its owner, or the recipient of its
// pending handover) as the API read it, and no longer does: what a refusal of their right to it
// comes of when someone else changed it a moment before.
func (s *server) heldThenNotNow(c *gin.Context, a models.Action, now workflows.State) bool {
	me := principal(c).ID
	held := a.OwnerID == me
	if !held && a.PendingHandoverID != "" {
		if row, err := s.Store.GetAction(c.Request.Context(), a.ID); err == nil {
			held = slices.ContainsFunc(row.Handovers, func(h models.Handover) bool {
				return h.ID == a.PendingHandoverID && h.ToID == me
			})
		}
	}
	holds := now.OwnerID == me
	if h := now.PendingHandover(); h != nil && h.ToID == me {
		holds = true
	}
	return held && !holds
}

// allowedThen reports whether the caller could make the command on the action as the API read it
// (the checks the pages offer it by): a refusal of their right to it now comes of a change made a
// moment before, such as an escalation that leaves an owner's pause to the supervisors.
func allowedThen(c *gin.Context, a models.Action, update string) bool {
	then, me := stateFromRow(a), principal(c)
	return slices.Contains(workflows.Available(&then, actorOf(me), recipientOf(me)), update)
}

// changedMeanwhile answers a command the workflow refused (403 or 409) when the action had changed
// hands after the API read it (its owner, status or pending handover): someone else took it, or
// answered the handover, a moment before, and the refusal comes of that. It is 409 saying how the
// action stands now, so the caller looks again rather than asks for a right they had when they
// sent it, or wonders who won. Any other error, a refusal of an unchanged action, or a 403 for a
// right the caller did not have on the action as they saw it either (neither held it nor could
// make the command then: allowedThen), is as it was.
func (s *server) changedMeanwhile(c *gin.Context, a models.Action, update string, err error) error {
	refusal, ok := classify(err)
	if !ok || (refusal.kind != kindForbidden && refusal.kind != kindConflict) || s.Temporal == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	v, qerr := queryWorkflow(ctx, s.Temporal, workflows.ActionWorkflowID(a.ID), workflows.QueryState)
	var state workflows.State
	if qerr == nil {
		qerr = v.Get(&state)
	}
	var closed *serviceerror.NotFound
	if how := state.ClosedWords(); qerr == nil && errors.As(err, &closed) && how != "" {
		// The workflow has ended: say how, as a refusal of the workflow's own would.
		return codedf(kindConflict, workflows.CodeActionClosed, "the action is %s and can no longer change%s", state.Status, how)
	}
	if qerr != nil || state.Version <= a.Version {
		return err
	}
	pending := ""
	if h := state.PendingHandover(); h != nil {
		pending = h.ID
	}
	if state.OwnerID == a.OwnerID && string(state.Status) == a.Status && pending == a.PendingHandoverID {
		return err
	}
	if refusal.kind == kindForbidden && !s.heldThenNotNow(c, a, state) && !allowedThen(c, a, update) {
		// A right the caller did not have on the action as they saw it either (an agent's
		// cancel, a colleague's complete): the refusal stands, whatever else changed.
		return err
	}
	now := "it is now " + strings.ReplaceAll(string(state.Status), "_", " ")
	switch {
	case state.OwnerID != "":
		now += ", owned by " + cmp.Or(state.Names[state.OwnerID], state.OwnerID)
	default:
		now += ", owned by nobody"
	}
	return codedf(kindConflict, codeChangedMeanwhile, "%s: the action changed while your request was on its way (%s); look at it again", refusal.detail, now)
}

// commandTimeout is how long a request of the API may take (bounded): a command whose workflow
// nobody serves (no worker running) is answered 503 when it passes.
func (s *server) commandTimeout() time.Duration {
	if s.CommandTimeout <= 0 {
		return DefaultCommandTimeout
	}
	return s.CommandTimeout
}

// bounded gives every API request but the event stream and the export the command timeout for
// all of its work, the token check and the read model's reads included: a read model that stalls
// (a lock held, a network that drops packets) answers 503 when it passes, not after the stall,
// however long.
func (s *server) bounded(c *gin.Context) {
	if c.FullPath() == streamPath || c.FullPath() == exportPath {
		c.Next()
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.commandTimeout())
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// command is the shape of every action command handler: load the action in scope, read the body,
// turn it into the workflow's input, send it.
func command[Req any](s *server, update string, status int, build func(c *gin.Context, a models.Action, req Req) (any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, err := s.loadScoped(c)
		if err == nil {
			err = roleNeverMakes(update, workflows.Role(principal(c).Role))
		}
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		var req Req
		problems, err := fieldProblems(s.decoder.decode(c, &req))
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		if len(problems) > 0 {
			// One answer lists everything wrong with the body: its form, and the people it names.
			err := invalidFields(problems...)
			if r, ok := any(&req).(referencer); ok {
				err = withReferences(c.Request.Context(), s, r, err)
			}
			if r, ok := any(&req).(actionFielder); ok {
				err = withActionFields(c.Request.Context(), s, r, a, err)
			}
			writeError(c, s.Log, err)
			return
		}
		if r, ok := any(&req).(actionChecker); ok {
			if err := r.checkAction(a); err != nil {
				writeError(c, s.Log, err)
				return
			}
		}
		idem, err := s.idempotency(c, a, update, req)
		if err == nil {
			idem.IfVersion, err = ifMatch(c)
		}
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		arg, err := build(c, a, req)
		if err != nil {
			if s.answerEarlier(c, a, err, idem, status) {
				return
			}
			writeError(c, s.Log, err)
			return
		}
		s.sendCommand(c, a, update, arg, idem, status)
	}
}

// personsPart names the commands only a person who looks after customers (an agent, a supervisor,
// a manager) makes, as a refusal says them: an integration or an administrator never does, whatever
// the action's state.
var personsPart = map[string]string{
	workflows.UpdateHandover: "hand over", workflows.UpdateAccept: "accept a handover of",
	workflows.UpdateDecline: "decline a handover of", workflows.UpdateWithdraw: "withdraw a handover of",
	workflows.UpdateFollowUp: "record a follow-up on", workflows.UpdateComplete: "complete",
	workflows.UpdateCheck: "check", workflows.UpdateClaim: "claim", workflows.UpdatePause: "pause",
	workflows.UpdateResume: "resume",
}

// roleNeverMakes refuses, before anything else about it is read, a command the caller's role can
// never make on any action: 403 whatever the action's state, where the workflow, which checks the
// state first for most commands, would answer 409, which an integration retrying conflicts would
// take for "read it again and retry". The supervisors' commands refuse other roles in the
// workflow, before the state.
func roleNeverMakes(update string, role workflows.Role) error {
	if words, ok := personsPart[update]; ok && !role.CanOwn() {
		return errorf(kindForbidden, "only the staff who look after customers (agents, supervisors, managers) %s an action: a person of role %s takes no part in its lifecycle", words, role)
	}
	return nil
}

// actionChecker is a command's request that is refused for what the action is, before its hash
// is taken (which may make the customer a key) or anything is sent.
type actionChecker interface {
	checkAction(a models.Action) error
}

// answerEarlier answers a retry the API's own checks now refuse (its due_at has passed since, its
// recipient has gone off shift) with the answer the command got the first time, when the key did
// reach the workflow then; it reports whether it answered.
func (s *server) answerEarlier(c *gin.Context, a models.Action, refusal error, idem workflows.Idempotency, status int) bool {
	var ae *apiError
	if idem.Key == "" || !errors.As(refusal, &ae) || ae.kind != kindInvalid {
		return false
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 10*time.Second)
	defer cancel()
	var state workflows.State
	err := s.Temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{
		WorkflowID: workflows.ActionWorkflowID(a.ID), UpdateID: idem.Key + "/" + idem.Hash,
	}).Get(ctx, &state)
	if err != nil {
		return false // no such update: the refusal stands
	}
	body, err := s.renderOpen(c.Request.Context(), countedFor(c, state, a))
	if err != nil {
		return false
	}
	setETag(c, body.Version)
	c.JSON(status, body)
	return true
}

// idempotency reads the Idempotency-Key of a command: scoped to the caller, with a hash of the
// command and its body so that the key cannot be reused for another request.
func (s *server) idempotency(c *gin.Context, a models.Action, update string, req any) (workflows.Idempotency, error) {
	key, err := idempotencyKey(c)
	if err != nil || key == "" {
		return workflows.Idempotency{}, err
	}
	// The path's other parts name what the command is about (a feedback's handover): part of the
	// request, like the body. The action's ID is the workflow's, which scopes the key already.
	for _, p := range c.Params {
		if p.Key != "id" {
			update += "/" + p.Key + "=" + p.Value
		}
	}
	hash, err := s.requestDigest(c, a.CustomerRef, a.ID, update, req)
	if err != nil {
		return workflows.Idempotency{}, err
	}
	return workflows.Idempotency{Key: principal(c).ID + "/" + key, Hash: hash}, nil
}

// idempotencyKey reads the Idempotency-Key header of any POST: empty when there is none.
func idempotencyKey(c *gin.Context) (string, error) {
	if len(c.Request.Header.Values("Idempotency-Key")) > 1 {
		// Which one would count is a guess: a retry sending them in the other order would not
		// be known for the same request.
		return "", invalidFields(FieldError{Field: "Idempotency-Key", Message: "is given more than once: send one"})
	}
	key := c.GetHeader("Idempotency-Key")
	if utf8.RuneCountInString(key) > 200 { // characters, as every other limit counts them
		return "", invalidFields(FieldError{Field: "Idempotency-Key", Message: "must be at most 200 characters"})
	}
	if !utf8.ValidString(key) || strings.ContainsFunc(key, unicode.IsControl) {
		return "", invalidFields(FieldError{Field: "Idempotency-Key", Message: "must be UTF-8 text without control characters"})
	}
	return key, nil
}

// keyReused refuses an Idempotency-Key sent again with a request other than its first, in the
// words, shape and code of the workflow's own refusal of a reused key.
func keyReused() error {
	return keyUsedFor("with a different request")
}

// keyUsedFor refuses an Idempotency-Key used before for what it names, as keyReused does.
func keyUsedFor(what string) error {
	refusal := invalidFields(FieldError{Field: "Idempotency-Key", Message: "this key was already used " + what}).(*apiError)
	refusal.code = workflows.CodeKeyReused
	return refusal
}

// requestHash identifies a request by what it asks (a shift handover, say) and its body, so a
// reused Idempotency-Key can be told from a retry. A request that carries a customer's personal
// data is identified by requestDigest instead.
func requestHash(what string, req any) (string, error) {
	data, err := requestBytes(what, req)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

func requestBytes(what string, req any) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("hashing request: %w", err)
	}
	return append([]byte(what+"\x00"), body...), nil
}

// carriesPersonalData is a request that may carry a customer's personal data: the values sealed
// before they reach the workflow.
type carriesPersonalData interface {
	personalData() []string
}

// requestDigest is requestHash for a request about an action (create, or a command's name): one
// that carries the customer's personal data is hashed under the customer's own key. A plain hash
// of it, kept in the read model and in the workflow (the Update's ID holds it), could be guessed
// back to a name or a phone number, and so outlive the customer's erasure.
func (s *server) requestDigest(c *gin.Context, customerRef, actionID, what string, req any) (string, error) {
	digest, _, err := s.digestRequest(c, customerRef, actionID, what, req, true)
	return digest, err
}

// requestDigestIfKeyed is requestDigest without making the customer a key: false when the request
// holds personal data and the customer has no live key (never keyed, or erased since), so that no
// hash made now can be the one an earlier request was given.
func (s *server) requestDigestIfKeyed(c *gin.Context, customerRef, actionID, what string, req any) (string, bool, error) {
	return s.digestRequest(c, customerRef, actionID, what, req, false)
}

func (s *server) digestRequest(c *gin.Context, customerRef, actionID, what string, req any, makeKey bool) (string, bool, error) {
	p, ok := req.(carriesPersonalData)
	if !ok || s.Sealer == nil || !slices.ContainsFunc(p.personalData(), func(v string) bool { return v != "" }) {
		hash, err := requestHash(what, req)
		return hash, err == nil, err
	}
	data, err := requestBytes(what, req)
	if err != nil {
		return "", false, err
	}
	key := s.customerKey(c, customerRef, actionID)
	digest, found := "", true
	if makeKey {
		digest, err = key.Digest(c.Request.Context(), data)
	} else {
		digest, found, err = key.DigestIfKeyed(c.Request.Context(), data)
	}
	if err != nil {
		return "", false, fmt.Errorf("hashing request: %w", err)
	}
	return digest, found, nil
}

func (r handoverRequest) personalData() []string {
	return []string{r.Notes.CustomerContext, r.CustomerMessage}
}

func (r completeRequest) personalData() []string { return []string{r.CustomerMessage} }

type notesRequest struct {
	Summary         string `json:"summary" binding:"max=4000"`
	CustomerContext string `json:"customer_context" binding:"max=4000"`
	DoneSoFar       string `json:"done_so_far" binding:"max=4000"`
	NextSteps       string `json:"next_steps" binding:"max=4000"`
	Risks           string `json:"risks" binding:"max=4000"`
	// Fields carries the note fields the category's policy requires, by name.
	Fields map[string]string `json:"fields" binding:"max=20"`
}

// checkNoteFields refuses note fields with names a policy could not require, or too long; path is
// where the notes are in the body ("notes").
func checkNoteFields(path string, fields map[string]string) error {
	var problems []FieldError
	for k, v := range fields {
		switch {
		case !fieldNamePattern.MatchString(k):
			problems = append(problems, FieldError{Field: path + ".fields", Message: fmt.Sprintf("%q is not a field name (lower-case letters, digits or _)", k)})
		case utf8.RuneCountInString(v) > 1000:
			problems = append(problems, FieldError{Field: path + ".fields." + k, Message: "must be at most 1000 characters"})
		}
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b FieldError) int { return strings.Compare(a.Field+a.Message, b.Field+b.Message) })
		return invalidFields(problems...)
	}
	return nil
}

type handoverRequest struct {
	ToID            string       `json:"to_id" binding:"max=64"`
	Reason          string       `json:"reason" binding:"required,notblank,max=1000"`
	Method          string       `json:"method" binding:"required,oneof=written email phone face_to_face chat report"`
	Situation       string       `json:"situation" binding:"required,oneof=routine busy quiet let_down"`
	Notes           notesRequest `json:"notes"`
	CustomerMessage string       `json:"customer_message" binding:"max=2000"`
	FollowUpIn      string       `json:"follow_up_in" binding:"max=32"`
	FollowUpAt      string       `json:"follow_up_at" binding:"max=64"`
	AcceptWithin    string       `json:"accept_within" binding:"max=32"`
	// Route, instead of to_id, hands the action to the least loaded colleague of its team who could
	// take it now (left out of the request's hash when not sent).
	Route bool `json:"route,omitempty"`
}

// routeRequired is what a handover naming nobody is to name, in the API's words.
const routeRequired = "a colleague's ID, or send route: true to hand it to the least loaded colleague who can take it"

// checkFields reports the fields whose form is wrong with the binding tags' (who to_id names is
// looked up after).
func (r *handoverRequest) checkFields() []FieldError {
	var fields []FieldError
	switch {
	case r.Route && strings.TrimSpace(r.ToID) != "":
		fields = append(fields, FieldError{Field: "to_id", Message: "give to_id or route, not both"})
	case !r.Route && strings.TrimSpace(r.ToID) == "":
		fields = append(fields, FieldError{Field: "to_id", Message: "is required: " + routeRequired})
	}
	if blank(r.Notes.Summary) {
		fields = append(fields, FieldError{Field: "notes.summary", Message: "is required: the recipient needs a summary"})
	}
	fields = append(fields, fieldsOf(checkNoteFields("notes", r.Notes.Fields))...)
	if r.FollowUpIn != "" || r.FollowUpAt != "" {
		_, _, err := dueSpec(time.Time{}, r.FollowUpIn, r.FollowUpAt, "follow_up_in", "follow_up_at")
		fields = append(fields, fieldsOf(err)...)
	}
	_, err := parseWithin("accept_within", r.AcceptWithin)
	return append(fields, fieldsOf(err)...)
}

// referencer is a command body that names members of staff: when its form is wrong, the ones it
// names that do not exist are listed in the same answer. known are the fields already found
// wrong, which are not looked up.
type referencer interface {
	references(ctx context.Context, s *server, known []FieldError) ([]FieldError, error)
}

func (r *handoverRequest) references(ctx context.Context, s *server, known []FieldError) ([]FieldError, error) {
	if r.Route {
		return nil, nil
	}
	return s.staffReference(ctx, "to_id", r.ToID, known)
}

func (r *reassignRequest) references(ctx context.Context, s *server, known []FieldError) ([]FieldError, error) {
	return s.staffReference(ctx, "to_id", r.ToID, known)
}

func (r *checkRequest) references(ctx context.Context, s *server, known []FieldError) ([]FieldError, error) {
	return s.staffReference(ctx, "to_id", r.ToID, known)
}

// withReferences adds to err, a refusal of fields of r, the people r names who do not exist.
func withReferences(ctx context.Context, s *server, r referencer, err error) error {
	problems := fieldsOf(err)
	if problems == nil {
		return err
	}
	named, lookupErr := r.references(ctx, s, problems)
	if lookupErr != nil {
		return lookupErr
	}
	return invalidFields(append(problems, outside(problems, named)...)...)
}

// actionFielder is a command body whose fields are also checked against the action itself (the
// workflow checks them again): when its form is wrong, those problems are listed in the same
// answer, so that a form is not refused twice, a field at a time.
type actionFielder interface {
	actionFields(ctx context.Context, s *server, a models.Action, known []FieldError) ([]FieldError, error)
}

// withActionFields adds to the field problems of err those r has with the action a.
func withActionFields(ctx context.Context, s *server, r actionFielder, a models.Action, err error) error {
	problems := fieldsOf(err)
	if problems == nil {
		return err
	}
	more, lookupErr := r.actionFields(ctx, s, a, problems)
	if lookupErr != nil {
		return lookupErr
	}
	return invalidFields(append(problems, outside(problems, more)...)...)
}

// actionFields are the notes the policy the action runs under requires of every handover and this
// one lacks, named and worded as the workflow's refusal names them. A policy version the read
// model does not hold asks nothing here: the workflow decides.
func (r *handoverRequest) actionFields(ctx context.Context, s *server, a models.Action, known []FieldError) ([]FieldError, error) {
	required, err := s.requiredNotes(ctx, a.Category, a.PolicyVersion)
	if err != nil {
		return nil, err
	}
	notes := workflows.HandoverNotes(r.Notes)
	var out []FieldError
	for _, f := range notes.Lacks(required) {
		field := "notes.fields." + f
		if _, core := notes.Core(f); core {
			field = "notes." + f
		}
		if !covered(known, field) {
			out = append(out, FieldError{Field: field, Message: fmt.Sprintf("the %s policy (version %d) requires it in every handover", a.Category, a.PolicyVersion)})
		}
	}
	return out, nil
}

// staffReference is the problem of a field naming nobody on the staff; nothing when it is empty,
// already known to be wrong, or names someone.
func (s *server) staffReference(ctx context.Context, field, id string, known []FieldError) ([]FieldError, error) {
	if strings.TrimSpace(id) == "" || strings.ContainsRune(id, 0) || covered(known, field) {
		return nil, nil
	}
	if _, err := s.Store.GetStaff(ctx, id); errors.Is(err, models.ErrNotFound) {
		return []FieldError{{Field: field, Message: "is not a member of staff"}}, nil
	} else if err != nil {
		return nil, err
	}
	return nil, nil
}

// recipient looks up the person named in field as the workflow needs to know them.
func (s *server) recipient(c *gin.Context, field, id string) (workflows.Recipient, error) {
	to, err := s.Store.GetStaff(c.Request.Context(), id)
	return recipientFound(field, to, err)
}

// recipientFound is a person looked up for field as the workflow needs to know them, or the
// field's refusal when there is no such person.
func recipientFound(field string, to models.Staff, err error) (workflows.Recipient, error) {
	if errors.Is(err, models.ErrNotFound) {
		return workflows.Recipient{}, invalidFields(FieldError{Field: field, Message: "is not a member of staff"})
	}
	if err != nil {
		return workflows.Recipient{}, err
	}
	return recipientOf(to), nil
}

// recipientClaims are the claims of one command on the people it names (the recipient of a
// handover, named or routed, whoever a reassignment goes to), each for an action, taken back by
// release once the command has answered. A claim holds the person for the action until then
// (models.ClaimStaff): a change made to them first (a deactivation, a move) is seen by the command,
// and one made after is refused while the command is on its way. Deactivating someone a handover
// was being made to left the handover waiting for a person who could no longer sign in.
type recipientClaims struct {
	s       *server
	request string
	actions []string
}

func (s *server) recipientClaims() *recipientClaims {
	return &recipientClaims{s: s, request: uuid.NewString()}
}

// claim looks up the person named in field and claims them for a.
func (r *recipientClaims) claim(c *gin.Context, field string, a models.Action, id string) (workflows.Recipient, error) {
	to, err := r.s.Store.ClaimStaff(c.Request.Context(), a.ID, id, r.request)
	if err == nil {
		r.held(a.ID)
	}
	return recipientFound(field, to, err)
}

// held records a claim made for actionID under r.request elsewhere (routing's).
func (r *recipientClaims) held(actionID string) { r.actions = append(r.actions, actionID) }

// release takes back every claim of the command.
func (r *recipientClaims) release(ctx context.Context) {
	for _, actionID := range r.actions {
		r.s.releaseHandoverClaim(ctx, actionID, r.request)
	}
}

// recipientOf is a member of staff as the workflow's eligibility checks need to know them.
func recipientOf(st models.Staff) workflows.Recipient {
	return workflows.Recipient{
		ID: st.ID, Name: st.Name, Role: workflows.Role(st.Role), TeamID: teamOf(st), Authority: st.Authority,
		OnShift: st.OnShift, Active: st.Active,
	}
}

// optionalDue resolves an optional relative or absolute time (due_in or due_at, follow_up_in or
// follow_up_at): a duration the workflow counts on the action's clock, or a time; neither when
// neither is given.
func (s *server) optionalDue(in, at, inField, atField string) (time.Duration, *time.Time, error) {
	if in == "" && at == "" {
		return 0, nil, nil
	}
	d, t, err := dueSpec(s.Now(), in, at, inField, atField)
	if err != nil || d > 0 {
		return d, nil, err
	}
	t = t.UTC()
	return 0, &t, nil
}

func (s *server) handover(c *gin.Context) {
	// The recipient, named or chosen by `route`, is claimed until the handover has answered.
	claims := s.recipientClaims()
	defer func() { claims.release(c.Request.Context()) }()
	command(s, workflows.UpdateHandover, http.StatusOK, func(c *gin.Context, a models.Action, req handoverRequest) (any, error) {
		in := workflows.HandoverInput{
			Actor: actorOf(principal(c)), Reason: req.Reason, Method: req.Method, Situation: req.Situation,
			Notes: workflows.HandoverNotes(req.Notes), CustomerMessage: req.CustomerMessage,
		}
		if req.Notes.Summary == "" {
			return nil, invalidFields(FieldError{Field: "notes.summary", Message: "is required: the recipient needs a summary"})
		}
		if err := checkNoteFields("notes", req.Notes.Fields); err != nil {
			return nil, err
		}
		var err error
		if in.FollowUpIn, in.FollowUpAt, err = s.optionalDue(req.FollowUpIn, req.FollowUpAt, "follow_up_in", "follow_up_at"); err != nil {
			// A follow-up time now past is told with an unknown recipient, and the notes the
			// policy requires, in one answer.
			return nil, withActionFields(c.Request.Context(), s, &req, a, withReferences(c.Request.Context(), s, &req, err))
		}
		within, err := parseWithin("accept_within", req.AcceptWithin)
		if err != nil {
			return nil, err
		}
		in.AcceptWithin = within
		if req.Route {
			// Claimed until the handover has answered, so handovers routed at once (here or at
			// another API process) are spread over the team.
			to, err := s.Store.ClaimRecipients(c.Request.Context(), claims.request, a.OwnerID, []models.Route{{ActionID: a.ID, TeamID: a.TeamID, Authority: a.RequiredAuthority}})
			if err != nil {
				return nil, err
			}
			if to[0].ID == "" {
				ask := ", or ask a supervisor"
				if workflows.Role(principal(c).Role).SupervisorOrAbove() {
					ask = ""
				}
				return nil, invalidFields(FieldError{Field: "route", Message: "nobody else in the team can take it now (active, on shift, with the authority it needs): name a colleague" + ask})
			}
			in.To = recipientOf(to[0])
			claims.held(a.ID)
		} else if in.To, err = claims.claim(c, "to_id", a, req.ToID); err != nil {
			return nil, err
		}
		err = s.seal(c, a.CustomerRef, a.ID, &in.Notes.CustomerContext, &in.CustomerMessage)
		return in, err
	})(c)
}

type acceptRequest struct {
	Summary string `json:"summary" binding:"required,notblank,max=4000"`
}

// minReadBack is the fewest words a read-back holds: "ok" or "understood" confirms nothing of what
// was understood, and the person handing over reads the read-back to catch a misunderstanding.
const minReadBack = 3

func (r *acceptRequest) checkFields() []FieldError {
	if strings.TrimSpace(r.Summary) != "" && readBackWords(r.Summary) < minReadBack {
		return []FieldError{{Field: "summary", Message: fmt.Sprintf(
			"must say in at least %d different words what you are taking on (what the customer needs, what was promised, what you will do next)", minReadBack)}}
	}
	return nil
}

// readBackWords counts the different words of a read-back: those set apart by spaces, and each
// character of a script written without them (Chinese, Japanese, Thai), where one character is
// about a word. A word has a letter or a digit in it (". . ." is no read-back), and is counted once
// whatever its case or the marks around it ("ok ok OK!" is one word).
func readBackWords(s string) int {
	seen := map[string]bool{}
	for _, w := range strings.Fields(s) {
		w = strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		if w == "" {
			continue
		}
		unspaced := false
		for _, r := range w {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
				seen[string(r)], unspaced = true, true
			}
		}
		if !unspaced {
			seen[w] = true
		}
	}
	return len(seen)
}

func (s *server) accept(c *gin.Context) {
	command(s, workflows.UpdateAccept, http.StatusOK, func(c *gin.Context, _ models.Action, req acceptRequest) (any, error) {
		caller := principal(c)
		acceptor := recipientOf(caller)
		return workflows.AcceptInput{Actor: actorOf(caller), Summary: req.Summary, Acceptor: &acceptor}, nil
	})(c)
}

func (s *server) decline(c *gin.Context) {
	command(s, workflows.UpdateDecline, http.StatusOK, func(c *gin.Context, _ models.Action, req reasonRequest) (any, error) {
		return workflows.DeclineInput{Actor: actorOf(principal(c)), Reason: req.Reason}, nil
	})(c)
}

// withdraw takes back a pending handover (the hander, or a supervisor): the owner keeps the action.
func (s *server) withdraw(c *gin.Context) {
	command(s, workflows.UpdateWithdraw, http.StatusOK, func(c *gin.Context, _ models.Action, req reasonRequest) (any, error) {
		return workflows.WithdrawInput{Actor: actorOf(principal(c)), Reason: req.Reason}, nil
	})(c)
}

type followUpRequest struct {
	Note    string `json:"note" binding:"required,notblank,max=4000"`
	AgainIn string `json:"again_in" binding:"max=32"`
}

func (r *followUpRequest) checkFields() []FieldError {
	_, err := parseWithin("again_in", r.AgainIn)
	return fieldsOf(err)
}

// followUp records the hander's follow-up with the owner, ending their reminders or setting the next.
func (s *server) followUp(c *gin.Context) {
	command(s, workflows.UpdateFollowUp, http.StatusOK, func(c *gin.Context, a models.Action, req followUpRequest) (any, error) {
		again, err := parseWithin("again_in", req.AgainIn)
		if err != nil {
			return nil, err
		}
		if err := s.followUpInPlace(c.Request.Context(), principal(c), a); err != nil {
			return nil, err
		}
		// One that would come at or after the due time is refused by the workflow, on the
		// action's clock (CheckFollowUp).
		return workflows.FollowUpInput{Actor: actorOf(principal(c)), Note: req.Note, AgainIn: again}, nil
	})(c)
}

// followUpInPlace refuses a follow-up by someone other than the hander while the hander can
// make it: the workflow lets a supervisor or manager record it, for the hander who has left the
// team or been deactivated, whose reminders come to the supervisors. Nobody follows up with
// themselves: the owner is refused.
func (s *server) followUpInPlace(ctx context.Context, me models.Staff, a models.Action) error {
	if a.HanderID == "" || me.ID == a.HanderID || !workflows.Role(me.Role).SupervisorOrAbove() {
		return nil // the hander's own, or the workflow's refusal for anyone else
	}
	if me.ID == a.OwnerID {
		return errorf(kindForbidden, "you own this action: its follow-up is asked of the person who handed it over, with you")
	}
	if a.Handovers == nil {
		// A command loads the row alone: its handovers say who ran a shift handover.
		withHandovers, err := s.Store.GetAction(ctx, a.ID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		a.Handovers = withHandovers.Handovers
	}
	if state := stateFromRow(a); state.ShiftStarter(a.HanderID) == me.ID {
		return nil // who ran the shift handover for the hander, whom the reminders ask too
	}
	hander, gone, err := s.handerGone(ctx, a)
	if err != nil {
		return err
	}
	if !gone {
		return errorf(kindForbidden, "%s, who handed this action over, is still in the team and follows it up (as may whoever ran the shift handover it came in): a supervisor records it in their place once they have left the team or been deactivated", cmp.Or(hander.Name, a.HanderID))
	}
	return nil
}

// handerGone reports whether the person who handed the action over has left its team or been
// deactivated (off shift, they are still its hander), with their record when there is one.
func (s *server) handerGone(ctx context.Context, a models.Action) (models.Staff, bool, error) {
	st, err := s.Store.GetStaff(ctx, a.HanderID)
	if errors.Is(err, models.ErrNotFound) {
		return st, true, nil
	}
	if err != nil {
		return st, false, err
	}
	return st, !st.ActiveIn(a.TeamID), nil
}

type completeRequest struct {
	Outcome         string `json:"outcome" binding:"required,notblank,max=4000"`
	Notes           string `json:"notes" binding:"max=4000"`
	CustomerMessage string `json:"customer_message" binding:"max=2000"`
}

func (s *server) complete(c *gin.Context) {
	command(s, workflows.UpdateComplete, http.StatusOK, func(c *gin.Context, a models.Action, req completeRequest) (any, error) {
		in := workflows.CompleteInput{Actor: actorOf(principal(c)), Outcome: req.Outcome, Notes: req.Notes, CustomerMessage: req.CustomerMessage}
		err := s.seal(c, a.CustomerRef, a.ID, &in.CustomerMessage)
		return in, err
	})(c)
}

type noteRequest struct {
	Text string `json:"text" binding:"required,notblank,max=4000"`
}

func (s *server) addNote(c *gin.Context) {
	command(s, workflows.UpdateNote, http.StatusCreated, func(c *gin.Context, _ models.Action, req noteRequest) (any, error) {
		return workflows.NoteInput{Actor: actorOf(principal(c)), Text: req.Text}, nil
	})(c)
}

type toldRequest struct {
	MessageSeq int64  `json:"message_seq" binding:"required,min=1"`
	Method     string `json:"method" binding:"omitempty,oneof=phone email text_message chat face_to_face letter"`
	// Outcome and Note are left out of the request's hash when empty, so that a retry of a record
	// sent before they existed is the same request.
	Outcome string `json:"outcome,omitempty" binding:"omitempty,oneof=told not_reached not_needed undo"`
	Note    string `json:"note,omitempty" binding:"max=1000"`
}

// The note may say how the customer was reached, or what they said: sealed as their data is.
func (r toldRequest) personalData() []string { return []string{r.Note} }

func (r *toldRequest) checkFields() []FieldError {
	var fields []FieldError
	switch r.Outcome {
	case workflows.MessageNotNeeded:
		if r.Method != "" {
			fields = append(fields, FieldError{Field: "method", Message: "only when the customer was told or tried: leave it out for a message they need not be told"})
		}
		if blank(r.Note) {
			fields = append(fields, FieldError{Field: "note", Message: "is required when the customer need not be told: say why (a later message says more, they know already)"})
		}
	case workflows.MessageUndo:
		if r.Method != "" {
			fields = append(fields, FieldError{Field: "method", Message: "leave it out for an undo: it says only what was wrong with the record"})
		}
		if blank(r.Note) {
			fields = append(fields, FieldError{Field: "note", Message: "is required to undo a record: say what was wrong with it (the customer was not reached after all, say)"})
		}
	case "", workflows.MessageTold, workflows.MessageNotReached:
		if r.Method == "" {
			fields = append(fields, FieldError{Field: "method", Message: "is required: how you told the customer, or tried to (" + strings.Join(workflows.ContactMethods, ", ") + ")"})
		}
	}
	return fields
}

// checkAction refuses any record of an erased customer's message: it would give them a key again
// to hash and seal the note with.
func (r *toldRequest) checkAction(a models.Action) error {
	if a.CustomerErased() {
		return codedf(kindConflict, codeCustomerErased, "the customer's personal data was erased: there is nobody to tell, and nothing to record")
	}
	return nil
}

// erasedCustomerMessage refuses a message to a customer whose personal data was erased: there is
// nobody to send it to, nor anyone asked to tell it, and sealing it would give them a key again.
// Without one, the command goes on (the customer is told nothing).
func erasedCustomerMessage(a models.Action, message string) error {
	if strings.TrimSpace(message) != "" && a.CustomerErased() {
		return codedf(kindConflict, codeCustomerErased, "customer_message: the customer's personal data was erased: there is nobody to send a message to, so leave it out")
	}
	return nil
}

func (r *handoverRequest) checkAction(a models.Action) error {
	return erasedCustomerMessage(a, r.CustomerMessage)
}

func (r *completeRequest) checkAction(a models.Action) error {
	return erasedCustomerMessage(a, r.CustomerMessage)
}

func (r *checkRequest) checkAction(a models.Action) error {
	return erasedCustomerMessage(a, r.CustomerMessage)
}

func (r *reassignRequest) checkAction(a models.Action) error {
	return erasedCustomerMessage(a, r.CustomerMessage)
}

// told records what the caller did about a message the action sent the customer (the task the
// owner is given where no integration sends customers messages): told them, and how; tried and
// could not reach them (the task stays); or found that they need not be told, and why. An undo
// says the record that ended the task was a mistake, and why: the message is to tell again.
func (s *server) told(c *gin.Context) {
	command(s, workflows.UpdateTold, http.StatusOK, func(c *gin.Context, a models.Action, req toldRequest) (any, error) {
		in := workflows.ToldInput{Actor: actorOf(principal(c)), MessageSeq: req.MessageSeq, Method: req.Method, Outcome: req.Outcome, Note: strings.TrimSpace(req.Note)}
		if err := s.seal(c, a.CustomerRef, a.ID, &in.Note); err != nil {
			return nil, err
		}
		return in, nil
	})(c)
}

type checkRequest struct {
	Result string `json:"result" binding:"required,oneof=done not_done"`
	Notes  string `json:"notes" binding:"max=4000"`
	Next   string `json:"next" binding:"omitempty,oneof=extend reassign escalate"`
	DueIn  string `json:"due_in" binding:"max=32"`
	DueAt  string `json:"due_at" binding:"max=64"`
	ToID   string `json:"to_id" binding:"max=64"`
	// CustomerMessage is what the customer is told of the new owner when next is reassign. Left
	// out of the request's hash when empty, so that a retry of a check sent before it existed is
	// the same request.
	CustomerMessage string `json:"customer_message,omitempty" binding:"max=2000"`
}

func (r checkRequest) personalData() []string { return []string{r.CustomerMessage} }

func (r *checkRequest) checkFields() []FieldError {
	fields := optionalDueFields(r.DueIn, r.DueAt, "due_in", "due_at")
	// A check is one decision: a field the result or the next step does not take is refused, not
	// dropped in silence (done with next extend and a due time would complete the action).
	needless := func(field, value, why string) {
		if value != "" && !covered(fields, field) {
			fields = append(fields, FieldError{Field: field, Message: why})
		}
	}
	if r.Next != workflows.NextReassign {
		needless("customer_message", r.CustomerMessage, "only when next is reassign: the customer is told of their request's new owner")
	}
	switch {
	case r.Result == workflows.CheckDone:
		if r.Notes != "" && blank(r.Notes) {
			// Empty, the workflow refuses it in the same words; text that shows nothing, it would take.
			fields = append(fields, FieldError{Field: "notes", Message: "record the outcome: what was done"})
		}
		const why = "only when the result is not_done"
		needless("next", r.Next, why)
		needless("due_in", r.DueIn, why+" (to extend or reassign)")
		needless("due_at", r.DueAt, why+" (to extend or reassign)")
		needless("to_id", r.ToID, why+" and next is reassign")
	case r.Next == workflows.NextExtend:
		needless("to_id", r.ToID, "only when next is reassign: extending keeps the owner")
	case r.Next == workflows.NextEscalate:
		needless("due_in", r.DueIn, "only to extend or reassign: escalating sets no due time")
		needless("due_at", r.DueAt, "only to extend or reassign: escalating sets no due time")
		needless("to_id", r.ToID, "only when next is reassign")
	}
	return fields
}

// optionalDueFields is what is wrong with the form of an optional due_in or due_at (whether a
// due_at is still in the future is checked when the command is built).
func optionalDueFields(in, at, inField, atField string) []FieldError {
	if in == "" && at == "" {
		return nil
	}
	_, _, err := dueSpec(time.Time{}, in, at, inField, atField)
	return fieldsOf(err)
}

func (s *server) check(c *gin.Context) {
	claims := s.recipientClaims()
	defer func() { claims.release(c.Request.Context()) }()
	command(s, workflows.UpdateCheck, http.StatusOK, func(c *gin.Context, a models.Action, req checkRequest) (any, error) {
		in := workflows.CheckInput{Actor: actorOf(principal(c)), Result: req.Result, Notes: req.Notes, Next: req.Next, CustomerMessage: req.CustomerMessage}
		var err error
		if in.DueIn, in.DueAt, err = s.optionalDue(req.DueIn, req.DueAt, "due_in", "due_at"); err != nil {
			// A due time now past is told with an unknown recipient, in one answer.
			return nil, withReferences(c.Request.Context(), s, &req, err)
		}
		if err = s.seal(c, a.CustomerRef, a.ID, &in.CustomerMessage); err != nil {
			return nil, err
		}
		if req.ToID != "" {
			to, err := claims.claim(c, "to_id", a, req.ToID)
			if err != nil {
				return nil, err
			}
			in.To = &to
		}
		return in, nil
	})(c)
}

type reasonRequest struct {
	Reason string `json:"reason" binding:"required,notblank,max=2000"`
}

func (s *server) escalate(c *gin.Context) {
	command(s, workflows.UpdateEscalate, http.StatusOK, func(c *gin.Context, _ models.Action, req reasonRequest) (any, error) {
		return workflows.EscalateInput{Actor: actorOf(principal(c)), Reason: req.Reason}, nil
	})(c)
}

// cancelRequest is a cancel: with a reason, or as a duplicate of another open action of the team
// (duplicate_of), which the action's owner may make too, the reason then optional.
type cancelRequest struct {
	Reason      string  `json:"reason" binding:"max=2000"`
	DuplicateOf *string `json:"duplicate_of,omitempty" binding:"omitempty,max=64"`
}

func (s *server) cancel(c *gin.Context) {
	command(s, workflows.UpdateCancel, http.StatusOK, func(c *gin.Context, a models.Action, req cancelRequest) (any, error) {
		in := workflows.CancelInput{Actor: actorOf(principal(c)), Reason: req.Reason}
		if req.DuplicateOf == nil {
			if strings.TrimSpace(req.Reason) == "" {
				return nil, invalidFields(FieldError{Field: "reason", Message: "is required"})
			}
			return in, nil
		}
		id := strings.ToLower(strings.TrimSpace(*req.DuplicateOf))
		if id == "" {
			return nil, invalidFields(FieldError{Field: "duplicate_of", Message: "is required: name the action this one duplicates, or leave duplicate_of out"})
		}
		other, err := s.duplicated(c, a, id)
		if err != nil {
			return nil, err
		}
		in.DuplicateOf, in.DuplicateTitle = other.ID, other.Title
		return in, nil
	})(c)
}

// duplicated is the action a cancelled one duplicates, as the caller names it: another action of
// its team, in the caller's scope, still open (the one kept).
func (s *server) duplicated(c *gin.Context, a models.Action, id string) (models.Action, error) {
	refused := func(format string, args ...any) (models.Action, error) {
		return models.Action{}, invalidFields(FieldError{Field: "duplicate_of", Message: fmt.Sprintf(format, args...)})
	}
	if id == a.ID {
		return refused("an action does not duplicate itself: name the other one")
	}
	other, err := s.Store.GetActionRow(c.Request.Context(), id)
	switch {
	case errors.Is(err, models.ErrNotFound), err == nil && !inScope(principal(c), other.TeamID):
		return refused("there is no action %s that you can see: name the action this one duplicates by its id", id)
	case err != nil:
		return models.Action{}, err
	case other.TeamID != a.TeamID:
		return refused("“%s” is an action of another team: a duplicate is of the same team's", other.Title)
	case workflows.Status(other.Status).Final():
		return refused("“%s” is %s: keep this one, or name the open action it duplicates", other.Title, other.Status)
	}
	return other, nil
}

type reassignRequest struct {
	ToID   string `json:"to_id" binding:"required,notblank,max=64"`
	Reason string `json:"reason" binding:"required,notblank,max=2000"`
	DueIn  string `json:"due_in" binding:"max=32"`
	DueAt  string `json:"due_at" binding:"max=64"`
	// CustomerMessage is what the customer is told of the new owner, in place of the product's
	// words (left out of the request's hash when empty, as checkRequest's).
	CustomerMessage string `json:"customer_message,omitempty" binding:"max=2000"`
}

func (r reassignRequest) personalData() []string { return []string{r.CustomerMessage} }

func (r *reassignRequest) checkFields() []FieldError {
	return optionalDueFields(r.DueIn, r.DueAt, "due_in", "due_at")
}

func (s *server) reassign(c *gin.Context) {
	claims := s.recipientClaims()
	defer func() { claims.release(c.Request.Context()) }()
	command(s, workflows.UpdateReassign, http.StatusOK, func(c *gin.Context, a models.Action, req reassignRequest) (any, error) {
		in := workflows.ReassignInput{Actor: actorOf(principal(c)), Reason: req.Reason, CustomerMessage: req.CustomerMessage}
		var err error
		if in.DueIn, in.DueAt, err = s.optionalDue(req.DueIn, req.DueAt, "due_in", "due_at"); err != nil {
			// A due time now past is told with an unknown recipient, in one answer.
			return nil, withReferences(c.Request.Context(), s, &req, err)
		}
		if err = s.seal(c, a.CustomerRef, a.ID, &in.CustomerMessage); err != nil {
			return nil, err
		}
		in.To, err = claims.claim(c, "to_id", a, req.ToID)
		return in, err
	})(c)
}

type extendRequest struct {
	DueIn  string `json:"due_in" binding:"max=32"`
	DueAt  string `json:"due_at" binding:"max=64"`
	Reason string `json:"reason" binding:"required,notblank,max=2000"`
}

// checkFields reports the form of the new due time (one of due_in and due_at is required) with
// the tags' failures.
func (r *extendRequest) checkFields() []FieldError {
	_, _, err := dueSpec(time.Time{}, r.DueIn, r.DueAt, "due_in", "due_at")
	return fieldsOf(err)
}

func (s *server) extend(c *gin.Context) {
	command(s, workflows.UpdateExtend, http.StatusOK, func(c *gin.Context, _ models.Action, req extendRequest) (any, error) {
		in, due, err := dueSpec(s.Now(), req.DueIn, req.DueAt, "due_in", "due_at")
		if err != nil {
			return nil, err
		}
		return workflows.ExtendInput{Actor: actorOf(principal(c)), DueAt: due.UTC(), DueIn: in, Reason: req.Reason}, nil
	})(c)
}

type pauseRequest struct {
	Reason string `json:"reason" binding:"required,notblank,max=2000"`
	// ResumeIn or ResumeAt, optional, is when the action resumes by itself: a duration counted on
	// the action's clock, as a due_in, or a time (left out of the request's hash when empty, so
	// that a pause without an end hashes as it did before they existed).
	ResumeIn string `json:"resume_in,omitempty" binding:"max=32"`
	ResumeAt string `json:"resume_at,omitempty" binding:"max=64"`
}

func (r *pauseRequest) checkFields() []FieldError {
	return optionalDueFields(r.ResumeIn, r.ResumeAt, "resume_in", "resume_at")
}

// pause stops the action's clocks while it waits on the customer, until someone resumes it or
// the end it was given.
func (s *server) pause(c *gin.Context) {
	command(s, workflows.UpdatePause, http.StatusOK, func(c *gin.Context, _ models.Action, req pauseRequest) (any, error) {
		in := workflows.PauseInput{Actor: actorOf(principal(c)), Reason: req.Reason}
		var err error
		in.ResumeIn, in.ResumeAt, err = s.optionalDue(req.ResumeIn, req.ResumeAt, "resume_in", "resume_at")
		return in, err
	})(c)
}

// resume restarts the clocks of a paused action with the business time they had left.
func (s *server) resume(c *gin.Context) {
	command(s, workflows.UpdateResume, http.StatusOK, func(c *gin.Context, _ models.Action, req reasonRequest) (any, error) {
		return workflows.ResumeInput{Actor: actorOf(principal(c)), Reason: req.Reason}, nil
	})(c)
}

type claimRequest struct{}

func (s *server) claim(c *gin.Context) {
	command(s, workflows.UpdateClaim, http.StatusOK, func(c *gin.Context, _ models.Action, _ claimRequest) (any, error) {
		caller := principal(c)
		return workflows.ClaimInput{Actor: actorOf(caller), Claimant: recipientOf(caller)}, nil
	})(c)
}

type feedbackRequest struct {
	// Rating is a pointer so that a missing rating ("is required") is told from 0 ("at least 1").
	Rating  *int   `json:"rating" binding:"required,gte=1,lte=5"`
	Comment string `json:"comment" binding:"max=2000"`
}

// feedback rates an accepted handover: was the information enough?
func (s *server) feedback(c *gin.Context) {
	command(s, workflows.UpdateFeedback, http.StatusCreated, func(c *gin.Context, _ models.Action, req feedbackRequest) (any, error) {
		return workflows.FeedbackInput{Actor: actorOf(principal(c)), HandoverID: c.Param("hid"), Rating: *req.Rating, Comment: req.Comment}, nil
	})(c)
}
