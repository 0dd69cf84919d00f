package workflows

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
)

// Kinds of refusal, carried as the type of the Temporal application error a validator returns.
// The API maps each to one HTTP status.
const (
	ErrInvalid   = "Invalid"   // a field is missing or wrong: 422
	ErrConflict  = "Conflict"  // the current state does not allow the command: 409
	ErrForbidden = "Forbidden" // the actor may not do this to this action: 403
	ErrNotFound  = "NotFound"  // the command names a part of the action it does not have: 404
	ErrChanged   = "Changed"   // the action changed since the version the command is for: 412
)

func refuse(kind, format string, args ...any) error {
	return refuseWith(kind, nil, format, args...)
}

// refuseWith is refuse carrying details for the API to read: a code (refuseCoded), the fields
// refused (refuseFields).
func refuseWith(kind string, details []any, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), kind,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: details})
}

// Codes of refusals an integration acts on differently from the rest of their kind, carried as
// the details of the refusal's application error (its type stays the kind, so an API process of
// an earlier release, which reads the type and the message alone, answers it as it did). The
// API names each in the problem document's code.
const (
	CodeActionClosed    = "action_closed"          // the action is completed or cancelled: nothing will change it now
	CodeHandoverPending = "handover_pending"       // a handover waits for its recipient's answer
	CodeHandoverEnded   = "handover_ended"         // the handover answered was withdrawn, expired or answered before
	CodeKeyReused       = "idempotency_key_reused" // the Idempotency-Key came first with another request
	CodeVersionMismatch = "version_mismatch"       // the action changed since the version the command is for
)

// refuseCoded is refuse with one of the codes above.
func refuseCoded(kind, code, format string, args ...any) error {
	return refuseWith(kind, []any{code}, format, args...)
}

// FieldRefusal is one field an invalid command got wrong, and why.
type FieldRefusal struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// refuseFields refuses a command for several fields at once: the message says each ("field: why",
// joined by "; ", as a refusal of one field reads), and the error's details carry them, so that the
// answer lists every one rather than the first.
func refuseFields(fields []FieldRefusal) error {
	said := make([]string, len(fields))
	for i, f := range fields {
		said[i] = f.Field + ": " + f.Message
	}
	return refuseWith(ErrInvalid, []any{fields}, "%s", strings.Join(said, "; "))
}

var openStatuses = []Status{StatusUnassigned, StatusAssigned, StatusHandoverPending, StatusChecking, StatusEscalated}

// OpenStatuses are the statuses of an action not completed nor cancelled, in the lifecycle's order.
func OpenStatuses() []Status { return slices.Clone(openStatuses) }

// transitions lists, for each command, the statuses it is allowed from. It is the one place the
// shape of the lifecycle is written down; the checks below add who may do it and with what, and
// the timers of deadlines.go add the changes nobody asks for.
var transitions = map[string][]Status{
	UpdateHandover: {StatusAssigned},
	UpdateAccept:   {StatusHandoverPending},
	UpdateDecline:  {StatusHandoverPending},
	UpdateWithdraw: {StatusHandoverPending},
	UpdateFollowUp: openStatuses,
	UpdateCheck:    {StatusChecking},
	UpdateClaim:    {StatusUnassigned, StatusEscalated},
	UpdateComplete: openStatuses,
	UpdateEscalate: openStatuses,
	UpdateReassign: openStatuses,
	UpdateExtend:   openStatuses,
	UpdateCancel:   openStatuses,
	UpdateNote:     append(slices.Clone(openStatuses), StatusCompleted, StatusCancelled),
	UpdateFeedback: append(slices.Clone(openStatuses), StatusCompleted, StatusCancelled),
	UpdatePause:    openStatuses,
	UpdateResume:   openStatuses,
	UpdateTold:     append(slices.Clone(openStatuses), StatusCompleted, StatusCancelled),
	UpdateCorrect:  openStatuses,
}

func checkTransition(s *State, command string) error {
	if !slices.Contains(transitions[command], s.Status) {
		// A closed action says by whom: of two who completed it at once, the one refused learns
		// who did.
		words := cmp.Or(commandWords[command], command)
		status := strings.ReplaceAll(string(s.Status), "_", " ")
		if s.Status.Final() {
			return refuseCoded(ErrConflict, CodeActionClosed, "cannot %s an action that is %s%s", words, status, s.closedWords())
		}
		return refuse(ErrConflict, "cannot %s an action that is %s", words, status)
	}
	return nil
}

// commandWords say the commands whose names are not verbs in a refusal's sentence.
var commandWords = map[string]string{
	UpdateHandover: "hand over", UpdateFollowUp: "follow up", UpdateNote: "add a note to",
	UpdateFeedback: "rate a handover of", UpdateTold: "record telling the customer of",
}

func checkSupervisor(a Actor, command string) error {
	if !a.Role.SupervisorOrAbove() {
		return refuse(ErrForbidden, "only a supervisor or manager can %s an action", command)
	}
	return nil
}

// stamp is the form every recorded time takes: UTC to the microsecond, as databases keep it, so a
// write's answer and a later read agree.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// inWords says a value of the API (a method, an event type) as the messages do: "face_to_face"
// reads "face to face".
func inWords(code string) string { return strings.ReplaceAll(code, "_", " ") }

func stampPtr(t time.Time) *time.Time {
	t = stamp(t)
	return &t
}

func stampOptional(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return stampPtr(*t)
}

func blank(v string) bool { return strings.TrimSpace(v) == "" }

// withDefaults fills the durations a policy leaves at zero from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	fill := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	fill(&p.AcceptWithin, DefaultPolicy.AcceptWithin)
	fill(&p.CheckWithin, DefaultPolicy.CheckWithin)
	fill(&p.EscalateWithin, DefaultPolicy.EscalateWithin)
	fill(&p.AssignWithin, DefaultPolicy.AssignWithin)
	fill(&p.FollowUpEvery, DefaultPolicy.FollowUpEvery)
	fill(&p.PauseRemindEvery, DefaultPolicy.PauseRemindEvery)
	return p
}

// seen reports whether this exact request was already applied.
func (s *State) seen(idem Idempotency) bool {
	return idem.Key != "" && slices.Contains(s.RecentRequests, idem.request())
}

// sameToDecide says whether an event of type typ leaves the action as a decision on it sees it: a
// reminder repeats what is known, a rating is of a handover past, telling the customer a message
// changes nothing of the action.
func sameToDecide(typ string) bool {
	return typ == EventEscalationReminder || typ == EventFollowUpReminder || typ == EventFeedbackGiven ||
		typ == EventMessageDelivered || typ == EventMessageNotReached || typ == EventMessageNotNeeded ||
		typ == EventMessageUndelivered || typ == EventMessageRecordUndone || typ == EventMessagesUntold ||
		typ == EventPauseReminder
}

// checkVersion refuses a command for a version of the action before its last change (Changed: a
// reminder since does not count), or one it never had, saying how it stands now and what changed
// last.
func (s *State) checkVersion(idem Idempotency) error {
	if idem.IfVersion == 0 || (idem.IfVersion >= s.Changed && idem.IfVersion <= s.Version) {
		return nil
	}
	owner := "nobody owns it"
	if s.OwnerID != "" {
		owner = s.who(s.OwnerID) + " owns it"
	}
	status := strings.ReplaceAll(string(s.Status), "_", " ")
	if s.Paused {
		status += " and paused"
	}
	last := ""
	if s.ChangedType != "" {
		last = "; the last change: " + s.lastChange()
	}
	said := "the action has changed since version %d"
	if idem.IfVersion > s.Version {
		said = "the action has no version %d: an ETag of another action, or made up" // nothing changed
	}
	// The version it is at follows the code, for the API to answer it as the refusal's ETag.
	return refuseWith(ErrChanged, []any{CodeVersionMismatch, s.Version},
		said+": it is at version %d, %s, %s%s", idem.IfVersion, s.Version, owner, status, last)
}

// ClosedWords is closedWords for a caller outside the workflow, naming people as the current
// revision does (no workflow replays it).
func (s State) ClosedWords() string {
	s.revision = CurrentRevision
	return s.closedWords()
}

// closedWords says, after a refusal, who completed or cancelled a closed action: "; the last
// change: completed by Carol Clark" when its last change closed it, "; it was completed by Carol
// Clark" when a note or a record came after; "" when open, or when the state does not know
// (closed in a run continued from an earlier release, and changed since).
func (s *State) closedWords() string {
	switch {
	case !s.Status.Final():
		return ""
	case s.ChangedType == EventCompleted || s.ChangedType == EventCancelled:
		return "; the last change: " + s.lastChange()
	case s.ClosedBy == "":
		return ""
	}
	return "; it was " + inWords(string(s.Status)) + " " + s.byWhom(s.ClosedBy)
}

// lastChange says the last change a decision on the action is to see, and who made it:
// "completed by Carol Clark", "due automatically"; "" when the state does not know it (a run
// continued from one of an earlier release).
func (s *State) lastChange() string {
	if s.ChangedType == "" {
		return ""
	}
	return inWords(s.ChangedType) + " " + s.byWhom(s.ChangedBy)
}

// byWhom says who made a change: "by Carol Clark", or "automatically" for a timer's.
func (s *State) byWhom(actorID string) string {
	if actorID == SystemActor {
		return "automatically"
	}
	return "by " + s.who(actorID)
}

// checkKey refuses a key already used for a different request.
func (s *State) checkKey(idem Idempotency) error {
	if idem.Key == "" {
		return nil
	}
	for _, r := range s.RecentRequests {
		if r.Key == idem.Key && r.Hash != idem.Hash {
			return refuseCoded(ErrInvalid, CodeKeyReused, "Idempotency-Key: this key was already used with a different request")
		}
	}
	return nil
}

// remember keeps the key of an applied request, forgetting the oldest beyond MaxRecentRequests.
func (s *State) remember(idem Idempotency) {
	if idem.Key == "" {
		return
	}
	s.RecentRequests = append(s.RecentRequests, idem.request())
	if over := len(s.RecentRequests) - MaxRecentRequests; over > 0 {
		s.RecentRequests = slices.Delete(s.RecentRequests, 0, over)
	}
}

// NewState is the state of a newly created action and its first timeline event.
func NewState(in StartInput, now time.Time) (State, Event) {
	s := State{
		ID:                in.ActionID,
		Title:             in.Title,
		Details:           in.Details,
		Category:          in.Category,
		Priority:          in.Priority,
		Customer:          in.Customer,
		Internal:          in.Internal,
		Status:            StatusUnassigned,
		OwnerID:           in.OwnerID,
		TeamID:            in.TeamID,
		RequiredAuthority: in.RequiredAuthority,
		CreatedBy:         in.CreatedBy.ID,
		CreatedAt:         stamp(now),
		RequestHash:       in.RequestHash,
		Handovers:         []Handover{},
		Policy:            in.Policy.withDefaults(),
		Ladder:            slices.Clone(in.Ladder),
		Calendar:          in.Calendar,
		revision:          in.Revision,
	}
	s.knowActor(in.CreatedBy)
	s.know(in.OwnerID, in.OwnerName)
	s.DueAt = s.dueFrom(now, in.DueIn, in.DueAt)
	if len(s.Ladder) == 0 {
		s.Ladder = slices.Clone(DefaultLadder)
	}
	if in.OwnerID != "" {
		s.Status = StatusAssigned
	} else {
		s.AssignBy = s.deadline(now, s.Policy.AssignWithin)
	}
	data := map[string]any{
		"status": string(s.Status), "owner_id": s.OwnerID, "team_id": s.TeamID, "due_at": s.DueAt,
		"routed": in.Routed, "policy_version": s.Policy.Version,
	}
	if s.Internal {
		data["internal"] = true // said only of such an action: the entries of others stay as they were
	}
	ev := s.record(now, in.CreatedBy.ID, EventCreated, data)
	switch {
	case s.OwnerID == "":
		s.notify(ev, NotifyUnassigned, nil, RoleSupervisor, "New action with nobody eligible to own it: "+s.createdTitle())
	case s.OwnerID != in.CreatedBy.ID && s.revision >= 20:
		// Who gave it to them: the person to ask about it.
		s.notify(ev, NotifyAssigned, []string{s.OwnerID}, "", fmt.Sprintf("You own a new action from %s: %s", s.who(in.CreatedBy.ID), s.createdTitle()))
	case s.OwnerID != in.CreatedBy.ID:
		s.notify(ev, NotifyAssigned, []string{s.OwnerID}, "", "You own a new action: "+s.createdTitle())
	}
	return s, ev
}

func (s *State) record(now time.Time, actorID, typ string, data map[string]any) Event {
	now = stamp(now)
	s.Version++
	s.UpdatedAt = now
	switch {
	case sameToDecide(typ):
	case typ == EventCustomerTold:
		// Recorded with the command that told the customer (an accept, a completion): that
		// command names the change.
		s.Changed = s.Version
	default:
		s.Changed, s.ChangedType, s.ChangedBy = s.Version, typ, actorID
	}
	if typ == EventCompleted || typ == EventCancelled {
		s.ClosedBy = actorID
	}
	cause := CauseRequest
	switch {
	case actorID == SystemActor:
		cause = CauseTimer
	case s.byShift != "":
		cause = CauseShiftHandover
		if data == nil {
			data = map[string]any{}
		}
		data["shift_handover_id"] = s.byShift
	}
	return Event{Seq: s.Version, Type: typ, ActorID: actorID, Cause: cause, At: now, Data: data}
}

// forShift makes the events recorded until done is called caused by the shift handover id (by
// nothing in particular when id is empty).
func (s *State) forShift(id string) (done func()) {
	s.byShift = id
	return func() { s.byShift = "" }
}

// tellShift asks for the shift handover a handover belonged to, if any, to be told how it ended.
func (s *State) tellShift(h *Handover, status, reason string) {
	if h.ShiftHandoverID == "" {
		return
	}
	s.shiftOutbox = append(s.shiftOutbox, shiftSignal{shiftID: h.ShiftHandoverID, result: ShiftItemResult{
		ActionID: s.ID, HandoverID: h.ID, Status: status, Reason: reason,
	}})
}

// notify asks for a notification caused by ev, to people or to a role of the action's team.
func (s *State) notify(ev Event, kind string, to []string, role Role, message string) {
	s.outbox = append(s.outbox, Notification{
		ActionID: s.ID, Seq: ev.Seq, Kind: kind, Event: ev.Type, To: to, ToRole: role, TeamID: s.TeamID,
		ActorID: ev.ActorID, Cause: ev.Cause, Title: s.Title, Message: message, At: ev.At,
	})
}

// LastHander is who handed the action to its current owner, or "" when nobody did: the person
// asked to check at the due time.
func (s *State) LastHander() string { return s.lastHander() }

// handedOnShiftChange says the current owner took the action over in a shift handover (revision
// 7): its hander has gone off shift, so the supervisors are asked to check it as well.
func (s *State) handedOnShiftChange() bool {
	if s.revision < 7 || s.HandedBy == "" {
		return false
	}
	for i := len(s.Handovers) - 1; i >= 0; i-- {
		if h := s.Handovers[i]; h.Status == HandoverAccepted && h.ToID == s.OwnerID && h.FromID == s.HandedBy {
			return h.ShiftHandoverID != ""
		}
	}
	return false
}

// ShiftStarter is who started the shift handover in which hander handed the action to its current
// owner, when that was someone else than the hander and the owner (a supervisor or a manager), or
// "": from revision 28 they are reminded of its follow-up too, and may record it.
func (s *State) ShiftStarter(hander string) string {
	for i := len(s.Handovers) - 1; i >= 0; i-- {
		if h := s.Handovers[i]; h.Status == HandoverAccepted && h.ToID == s.OwnerID && h.FromID == hander {
			if h.StartedBy == hander || h.StartedBy == s.OwnerID {
				return ""
			}
			return h.StartedBy
		}
	}
	return ""
}

// lastHander is who handed the action to its current owner, or "" when nobody did.
func (s *State) lastHander() string {
	if s.revision >= 6 || s.handerKnown {
		return s.HandedBy
	}
	for i := len(s.Handovers) - 1; i >= 0; i-- {
		if h := s.Handovers[i]; h.Status == HandoverAccepted && h.ToID == s.OwnerID {
			return h.FromID
		}
	}
	return ""
}

// checkEligible refuses a person who cannot own this action: the rules every new owner meets,
// whether by handover, reassignment, routing or claim. by is the role of whoever chose them.
func checkEligible(s *State, field string, r Recipient, by Role) error {
	if why := Ineligible(s, r); why != "" {
		return refuse(ErrInvalid, "%s: %s: %s", field, why, chooseInstead(s, r, by))
	}
	return nil
}

// chooseInstead says what to do about a person who cannot own the action, for the reason
// Ineligible gives first, to whoever chose them (by): a supervisor is not told to ask one.
func chooseInstead(s *State, r Recipient, by Role) string {
	switch {
	case blank(r.ID) || !r.Active:
		return "choose someone who works here now"
	case !r.Role.CanOwn():
		return "choose an agent, a supervisor or a manager"
	case s.TeamID != "" && r.TeamID != s.TeamID:
		return "choose someone of team " + s.TeamID
	case r.Authority < s.RequiredAuthority:
		if by.SupervisorOrAbove() {
			return fmt.Sprintf("choose someone with authority %d or more", s.RequiredAuthority)
		}
		return fmt.Sprintf("choose someone with authority %d or more, or ask a supervisor", s.RequiredAuthority)
	case !r.OnShift:
		return "choose someone on shift, or ask " + s.whoIs(r) + " to start their shift first"
	}
	return ""
}

// checkCallerEligible refuses a caller who cannot own the action they are taking on (by accepting
// or claiming it): 403, as it is about who they are now, not a field they sent.
func checkCallerEligible(s *State, r Recipient) error {
	if why := ineligible(s, r, true); why != "" {
		return refuse(ErrForbidden, "you cannot take this action on: %s", why)
	}
	return nil
}

// Ineligible says why r cannot own this action, or "" when they can: the rules every new owner
// meets. People are named as the action's revision names them.
func Ineligible(s *State, r Recipient) string { return ineligible(s, r, false) }

// ineligible is Ineligible, said to r themselves when you is true ("you are not on shift").
func ineligible(s *State, r Recipient, you bool) string {
	// is says a fact of r, in the third person or the second.
	is := func(third, second string, args ...any) string {
		if you {
			return fmt.Sprintf(second, args...)
		}
		return fmt.Sprintf("%s "+third, append([]any{s.whoIs(r)}, args...)...)
	}
	switch {
	case blank(r.ID):
		return "a person is required"
	case !r.Active:
		return is("is not an active member of staff", "you are not an active member of staff")
	case !r.Role.CanOwn():
		return is("has role %s and cannot own actions", "your role (%s) cannot own actions", r.Role)
	case s.TeamID != "" && r.TeamID != s.TeamID:
		return is("is not in team %s", "you are not in team %s", s.TeamID)
	case r.Authority < s.RequiredAuthority:
		return is("has authority %d, this action needs %d", "you have authority %d, this action needs %d", r.Authority, s.RequiredAuthority)
	case !r.OnShift:
		return is("is not on shift", "you are not on shift")
	}
	return ""
}

// IneligibleToYou is IneligibleNow said to the person themselves: "you are not on shift".
func IneligibleToYou(s State, r Recipient) string {
	s.revision = CurrentRevision
	return ineligible(&s, r, true)
}

// CheckRecipient refuses someone who could not take any action of the team: inactive, in a role
// that owns nothing, in another team or off shift. (What one action needs beyond that, its
// authority, is checked with the action.)
// No workflow replays it, so it names people as the current revision does.
func CheckRecipient(teamID, field string, r Recipient) error {
	return checkEligible(&State{TeamID: teamID, revision: CurrentRevision}, field, r, "")
}

// IneligibleNow is Ineligible for a copy of the action read from the read model, which keeps no
// revision (a page asking why the recipient of a handover cannot accept it now): no workflow
// replays it, so it names people as the current revision does.
func IneligibleNow(s State, r Recipient) string {
	s.revision = CurrentRevision
	return Ineligible(&s, r)
}

// AnswerBy is when the recipient of a pending handover must answer: the end of its accept window
// (expiresAt), or the action's due time when that comes first (dueFirst), as the due time
// withdraws a handover still waiting (from revision 11 the messages say so). While the action is
// paused both move on together when it resumes: the window's end stands.
func AnswerBy(expiresAt, dueAt time.Time, paused bool) (at time.Time, dueFirst bool) {
	if !paused && !dueAt.IsZero() && expiresAt.After(dueAt) {
		return dueAt, true
	}
	return expiresAt, false
}

// CheckHandover refuses a handover the state, the actor or the recipient does not allow. now is
// when the command is made (a follow-up counted from now is counted from it); zero leaves out the
// check that the follow-up comes before the due time.
func CheckHandover(s *State, in HandoverInput, now time.Time) error {
	if err := checkTransition(s, UpdateHandover); err != nil {
		// Said with what the owner can do instead: a second handover while one waits, or one of
		// an action escalated (a handover that expired escalates it), leaves them asking.
		switch h := s.PendingHandover(); {
		case h != nil:
			return refuseCoded(ErrConflict, CodeHandoverPending, "cannot hand over an action whose handover to %s waits for their answer: withdraw it first to hand the action to someone else", s.who(h.ToID))
		case s.Status == StatusEscalated:
			return refuse(ErrConflict, "cannot hand over an action that is escalated: a supervisor or manager reassigns it now (or its owner completes it if it is done)")
		}
		return err
	}
	if in.Actor.ID != s.OwnerID {
		return refuse(ErrForbidden, "only the owner (%s) can hand this action over", s.who(s.OwnerID))
	}
	if len(s.Handovers) >= MaxHandovers {
		return refuse(ErrConflict, "the action has been handed over %d times: ask a supervisor to reassign it", len(s.Handovers))
	}
	if in.To.ID == s.OwnerID && in.To.ID != "" {
		return refuse(ErrInvalid, "to_id: an action cannot be handed over to its owner")
	}
	if err := checkEligible(s, "to_id", in.To, in.Actor.Role); err != nil {
		return err
	}
	switch {
	case blank(in.Reason):
		return refuse(ErrInvalid, "reason: say why the action is handed over")
	case !Valid(Methods, in.Method):
		return refuse(ErrInvalid, "method: must be one of %s", strings.Join(Methods, ", "))
	case !Valid(Situations, in.Situation):
		return refuse(ErrInvalid, "situation: must be one of %s", strings.Join(Situations, ", "))
	case blank(in.Notes.Summary):
		return refuse(ErrInvalid, "notes.summary: the recipient needs a summary")
	case in.AcceptWithin < 0:
		return refuse(ErrInvalid, "accept_within: must be positive")
	}
	if err := s.checkNoMessage(in.CustomerMessage); err != nil {
		return err
	}
	if err := checkFollowUpBeforeDue(s, in, now); err != nil {
		return err
	}
	// Every note the policy requires and the handover lacks is named in one refusal.
	var missing []FieldRefusal
	why := fmt.Sprintf("the %s policy (version %d) requires it in every handover", s.Category, s.Policy.Version)
	for _, f := range in.Notes.Lacks(s.Policy.RequiredFields) {
		field := "notes.fields." + f
		if _, core := in.Notes.Core(f); core {
			field = "notes." + f // one of the notes every handover has (next steps, risks...)
		}
		missing = append(missing, FieldRefusal{Field: field, Message: why})
	}
	if len(missing) > 0 {
		return refuseFields(missing)
	}
	return nil
}

// checkFollowUpBeforeDue refuses a follow-up asked for at or after the action's due time: the
// hander would never be reminded before the check, which asks them (or the supervisors) anyway.
// A paused action's due time moves on when it is resumed, so its follow-ups are not compared.
func checkFollowUpBeforeDue(s *State, in HandoverInput, now time.Time) error {
	if now.IsZero() || s.Paused || s.DueAt.IsZero() {
		return nil
	}
	at, field := in.FollowUpAt, "follow_up_at"
	if in.FollowUpIn > 0 {
		at, field = stampPtr(s.after(now, in.FollowUpIn)), "follow_up_in"
	}
	if at == nil || at.Before(s.DueAt) {
		return nil
	}
	return s.refuseAtDue(field, *at, "ask for a follow-up before then, or leave it out (the reminder then comes half way to the due time)")
}

// refuseAtDue refuses a reminder to follow up asked for at, at or after the due time, where the
// check asks for the outcome anyway; instead says what to send instead.
func (s *State) refuseAtDue(field string, at time.Time, instead string) error {
	return refuse(ErrInvalid, "%s: that is %s, not before the action's due time %s, when its check asks for the outcome anyway: %s",
		field, at.Format(time.RFC3339), s.DueAt.Format(time.RFC3339), instead)
}

// MaxHandovers is how many handovers (accepted, declined or expired) one action may have. Each
// keeps its notes in the workflow's state, which Temporal caps at 2 MiB: an action bounced between
// people without end would otherwise outgrow it and stop taking commands. Past it, the handing on
// is a supervisor's (reassign), which is what a bouncing action needs anyway.
const MaxHandovers = 20

// ApplyHandover records a handover awaiting the recipient's acceptance, which lapses after the
// policy's accept_within. The owner stays accountable until then.
func ApplyHandover(s *State, in HandoverInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	s.know(in.To.ID, in.To.Name)
	s.know(in.StartedBy, in.StartedByName)
	within := in.AcceptWithin
	if within <= 0 {
		within = s.Policy.AcceptWithin
	}
	h := Handover{
		ID:              fmt.Sprintf("h%d", len(s.Handovers)+1),
		FromID:          s.OwnerID,
		ToID:            in.To.ID,
		Reason:          in.Reason,
		Method:          in.Method,
		Situation:       in.Situation,
		Notes:           in.Notes,
		CustomerMessage: in.CustomerMessage,
		FollowUpAt:      stampOptional(in.FollowUpAt),
		Status:          HandoverPending,
		RequestedAt:     stamp(now),
		ExpiresAt:       s.deadline(now, within),
		AcceptWithin:    within,
		ShiftHandoverID: in.ShiftHandoverID,
		ToName:          in.To.Name,
	}
	if in.FollowUpIn > 0 {
		h.FollowUpAt = stampPtr(s.after(now, in.FollowUpIn))
	}
	if s.revision >= 26 && h.ShiftHandoverID != "" && in.StartedBy != h.FromID {
		h.StartedBy = in.StartedBy
	}
	s.Handovers = append(s.Handovers, h)
	s.PendingHandoverID = h.ID
	s.Status = StatusHandoverPending
	defer s.forShift(h.ShiftHandoverID)()
	ev := s.record(now, in.Actor.ID, EventHandoverRequested, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "to_id": h.ToID, "reason": h.Reason,
		"method": h.Method, "situation": h.Situation, "expires_at": h.ExpiresAt,
	})
	if h.ShiftHandoverID != "" && in.StartedBy != "" {
		ev.Data["started_by"] = in.StartedBy
	}
	by := "by " + h.ExpiresAt.Format(time.RFC3339)
	if at, dueFirst := AnswerBy(*h.ExpiresAt, s.DueAt, s.Paused); s.revision >= 11 && dueFirst {
		by = "by " + at.Format(time.RFC3339) + ", the action's due time (not accepted by then, the handover is withdrawn and the action goes to its check)"
	}
	if s.Paused && s.revision >= 6 {
		// The clock is stopped: the time to answer starts when the action resumes.
		by = fmt.Sprintf("within %s of the action resuming (it is paused: %s)", s.span(within), s.clause(s.PauseReason))
	}
	asks := fmt.Sprintf("%s asks you to take over %s", s.who(h.FromID), s.title())
	if s.revision >= 8 && h.ShiftHandoverID != "" && in.StartedBy != "" && in.StartedBy != h.FromID {
		// A supervisor's shift handover: the outgoing person may have gone; say who asks.
		asks = fmt.Sprintf("%s passes you %s's %s in a shift handover", s.who(in.StartedBy), s.who(h.FromID), s.title())
	}
	why := s.clause(h.Reason)
	if s.revision >= 9 && h.ShiftHandoverID != "" {
		// The reason of a shift handover is "shift handover": say it once, and give the shift's
		// notes, which are what the recipient works from.
		if in.StartedBy == "" || in.StartedBy == h.FromID {
			asks = fmt.Sprintf("%s passes you %s in a shift handover", s.who(h.FromID), s.title())
		} else if s.revision >= 27 && in.StartedBy == h.ToID {
			// A supervisor who takes the action on themselves is not named to themselves.
			asks = fmt.Sprintf("In the shift handover you ran for %s, you pass %s to yourself", s.who(h.FromID), s.title())
		}
		why = "no notes for the shift"
		if !blank(h.Notes.Summary) {
			why = "shift notes: " + shortened(s.clause(strings.TrimSpace(h.Notes.Summary)), 300)
		}
	}
	s.notify(ev, NotifyHandoverRequested, []string{h.ToID}, "",
		fmt.Sprintf("%s: %s. Accept or decline %s.", asks, why, by))
	return []Event{ev}
}

func checkRecipient(s *State, command string, actor Actor) error {
	h := s.PendingHandover()
	if h != nil && actor.ID == h.FromID {
		// The sender, who may have answered an earlier handover of the action to them: told about
		// this one, which they made, not about that one.
		return refuse(ErrForbidden, "only %s, to whom you handed the action over, can %s this handover: you can withdraw it instead", s.who(h.ToID), command)
	}
	if h == nil || actor.ID != h.ToID {
		// Someone answering a handover that has ended since their page was drawn is told how.
		if last := s.lastHandoverTo(actor.ID); last != nil && last.Status != HandoverPending {
			return refuseCoded(ErrConflict, CodeHandoverEnded, "%s", last.endedForRecipient(s))
		}
	}
	if err := checkTransition(s, command); err != nil {
		return err
	}
	if h == nil || actor.ID != h.ToID {
		return refuse(ErrForbidden, "only the recipient of the pending handover can %s it", command)
	}
	return nil
}

// lastHandoverTo is the latest handover of the action to the person, or nil.
func (s *State) lastHandoverTo(id string) *Handover {
	for i := len(s.Handovers) - 1; i >= 0; i-- {
		if s.Handovers[i].ToID == id {
			return &s.Handovers[i]
		}
	}
	return nil
}

// endedForRecipient says to its recipient how a handover that is no longer pending ended.
func (h *Handover) endedForRecipient(s *State) string {
	at := ""
	if h.RespondedAt != nil {
		at = " at " + h.RespondedAt.Format(time.RFC3339)
	}
	keeps := "nobody owns the action now"
	switch {
	case s.Status.Final():
		keeps = "the action is " + string(s.Status) // withdrawn by its end: nobody owns it on
	case s.OwnerID != "" && s.OwnerID == h.ToID:
		keeps = "the action is yours"
	case s.OwnerID != "":
		keeps = s.who(s.OwnerID) + " owns the action"
	}
	switch h.Status {
	case HandoverAccepted:
		return "you accepted this handover" + at + ": " + keeps
	case HandoverDeclined:
		return "you declined this handover" + at
	}
	if h.Status == HandoverExpired {
		return fmt.Sprintf("the handover to you expired%s, unanswered: %s", at, keeps)
	}
	return fmt.Sprintf("the handover to you was withdrawn%s (the timeline says why): %s", at, keeps)
}

// CheckAccept refuses an acceptance by anyone but the recipient, by a recipient who could no longer
// be handed the action (moved to another team, lower authority, off shift or inactive since the
// handover), or without a read-back summary.
func CheckAccept(s *State, in AcceptInput) error {
	if err := checkRecipient(s, UpdateAccept, in.Actor); err != nil {
		return err
	}
	if in.Acceptor != nil { // nil from a caller of an earlier version: checked at the handover only
		if err := checkCallerEligible(s, *in.Acceptor); err != nil {
			return err
		}
	}
	if blank(in.Summary) {
		return refuse(ErrInvalid, "summary: read back in your own words what you are taking on")
	}
	return nil
}

// ApplyAccept makes the recipient the owner, tells the customer to whom and why, and schedules
// the hander's follow-up reminders (by default halfway to the due time).
func ApplyAccept(s *State, in AcceptInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	h := s.PendingHandover()
	h.Status = HandoverAccepted
	h.AcceptSummary = in.Summary
	h.RespondedAt = stampPtr(now)
	s.tellShift(h, ShiftItemAccepted, in.Summary)
	s.OwnerID, s.HandedBy = h.ToID, h.FromID
	s.PendingHandoverID = ""
	s.Status = StatusAssigned
	s.startFollowUp(now, h.FromID, h.FollowUpAt)
	accepted := s.record(now, in.Actor.ID, EventHandoverAccepted, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "owner_id": s.OwnerID, "summary": in.Summary,
		"follow_up_at": s.FollowUp.At,
	})
	s.notify(accepted, NotifyHandoverAccepted, []string{h.FromID}, "",
		fmt.Sprintf("%s accepted %s: %s", s.who(h.ToID), s.title(), in.Summary))
	if h.StartedBy != "" && !s.ranForThemselves(h) {
		// Who ran the shift handover reads the read-back too (revision 26).
		s.notify(accepted, NotifyHandoverAccepted, []string{h.StartedBy}, "",
			fmt.Sprintf("%s accepted %s, which you passed on for %s in a shift handover: %s", s.who(h.ToID), s.title(), s.who(h.FromID), in.Summary))
	}

	if s.Internal {
		return []Event{accepted} // nobody to tell
	}
	message := h.CustomerMessage
	if blank(message) && s.revision >= 15 {
		message = customerMessage("", h, s.revision)
	} else if blank(message) && s.revision >= 7 {
		message = customerMessage(s.Title, h, s.revision)
	} else if blank(message) && s.revision >= 6 {
		// Said to the customer: no staff ID, and not the team's own reason for the handover.
		message = fmt.Sprintf("Your request “%s” has been passed to a colleague, who is looking after it now.", s.Title)
	} else if blank(message) {
		message = fmt.Sprintf("Your request %s is now being handled by %s, because %s.", s.title(), h.ToID, h.Reason)
	}
	return []Event{accepted, s.tellCustomer(now, in.Actor.ID, message, map[string]any{"handover_id": h.ID})}
}

// customerMessage tells the customer to whom and why their request was passed on (revision 7), in
// words fit for them: the recipient by name (no staff ID), and the why from the handover's situation
// or its shift change, not the team's own reason, which may say what a customer should not read;
// from revision 15 without the action's title (title ""), which is the team's own text too. From
// revision 20 a let-down handover says that what went wrong is put right, where it said "one of our
// systems let us down": people or resources let a customer down as often, and the customer knows
// which.
func customerMessage(title string, h *Handover, revision int) string {
	to := "a colleague"
	if name := strings.TrimSpace(h.ToName); name != "" {
		to = name
	}
	why := "so that it is seen through without delay"
	switch {
	case h.ShiftHandoverID != "":
		why = "as our shift changed, so that someone on duty now sees it through"
	case h.Situation == "busy":
		why = "so that it is looked after without delay while we are busy"
	case h.Situation == "let_down" && revision >= 20:
		why = "so that what went wrong for you is put right"
	case h.Situation == "let_down":
		why = "so that it is put right after one of our systems let us down"
	}
	if title == "" {
		return fmt.Sprintf("Your request has been passed to %s, who is looking after it now, %s.", to, why)
	}
	return fmt.Sprintf("Your request “%s” has been passed to %s, who is looking after it now, %s.", title, to, why)
}

// startFollowUp schedules the hander's follow-up reminders: first at the time given, else halfway
// to the due time on the action's clock (or one interval on, once it has passed), then every
// follow_up_every.
func (s *State) startFollowUp(now time.Time, hander string, at *time.Time) {
	half := s.between(now, s.DueAt) / 2
	first := s.after(now, half)
	if half == 0 && s.DueAt.After(now) && s.revision >= 30 {
		// No open time before the due time (the desk closed until after it): halfway is now, in
		// closed hours; the hander is reminded as the desk opens (revision 30).
		first = s.openFrom(now)
	}
	if at != nil {
		first = *at
	} else if !s.DueAt.After(now) {
		first = s.after(now, s.Policy.FollowUpEvery)
	}
	s.FollowUp = &FollowUp{HanderID: hander, At: stamp(first), Every: s.Policy.FollowUpEvery, First: stamp(first)}
}

// tellCustomer records a message to the customer and sends it as a notification of its own kind.
func (s *State) tellCustomer(now time.Time, actorID, message string, data map[string]any) Event {
	data["message"] = message
	told := s.record(now, actorID, EventCustomerTold, data)
	s.Messages = append(s.Messages, CustomerMessage{Seq: told.Seq, AskedID: s.OwnerID})
	s.notify(told, NotifyCustomerMessage, nil, "", message)
	customer := s.Customer
	s.outbox[len(s.outbox)-1].Customer = &customer
	return told
}

// CheckDecline refuses a decline by anyone but the recipient, or without a reason.
func CheckDecline(s *State, in DeclineInput) error {
	if err := checkRecipient(s, UpdateDecline, in.Actor); err != nil {
		return err
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say why you cannot take this action on")
	}
	return nil
}

// ApplyDecline leaves the owner unchanged and tells them.
func ApplyDecline(s *State, in DeclineInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	h := s.PendingHandover()
	h.Status = HandoverDeclined
	h.DeclineReason = in.Reason
	h.RespondedAt = stampPtr(now)
	s.tellShift(h, ShiftItemDeclined, in.Reason)
	s.PendingHandoverID = ""
	s.Status = StatusAssigned
	ev := s.record(now, in.Actor.ID, EventHandoverDeclined, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "reason": in.Reason,
	})
	s.notify(ev, NotifyHandoverDeclined, []string{h.FromID}, "",
		fmt.Sprintf("%s declined %s: %s. You still own it.", s.who(h.ToID), s.title(), s.clause(in.Reason)))
	return []Event{ev}
}

// CheckWithdraw refuses taking back a pending handover by anyone but the one who made it or a
// supervisor, or without a reason for the recipient.
func CheckWithdraw(s *State, in WithdrawInput) error {
	if s.PendingHandover() == nil && len(s.Handovers) > 0 {
		// Answered (or ended) a moment before: say how, not only the action's status now.
		if last := s.Handovers[len(s.Handovers)-1]; last.RespondedAt != nil && last.Status != HandoverPending {
			return refuseCoded(ErrConflict, CodeHandoverEnded, "no handover waits to be withdrawn: the last one, to %s, was %s at %s",
				s.who(last.ToID), last.Status, last.RespondedAt.UTC().Format(time.RFC3339))
		}
	}
	if err := checkTransition(s, UpdateWithdraw); err != nil {
		return err
	}
	h := s.PendingHandover()
	if h != nil && in.HandoverID != "" && h.ID != in.HandoverID {
		return refuseCoded(ErrConflict, CodeHandoverEnded, "the handover meant is no longer pending: the one waiting now is to %s", s.who(h.ToID))
	}
	if h != nil && in.Actor.ID == h.ToID {
		return refuse(ErrForbidden, "you are the handover's recipient: decline it, saying why")
	}
	if h == nil || (in.Actor.ID != h.FromID && !in.Actor.Role.SupervisorOrAbove()) {
		return refuse(ErrForbidden, "only the person who made the handover, or a supervisor, can withdraw it")
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: tell the recipient why the handover is withdrawn")
	}
	return nil
}

// ApplyWithdraw ends the pending handover: the owner keeps the action, and the recipient (and the
// hander, when a supervisor withdrew it) is told.
func ApplyWithdraw(s *State, in WithdrawInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	h, ev := s.endPending(now, in.Actor.ID, in.Reason)
	s.Status = StatusAssigned
	if s.revision >= 14 {
		// Each told in their own words: the recipient of the handover to them, the hander (when
		// a supervisor withdrew it) of theirs, which they keep.
		whose := "the"
		if in.Actor.ID != h.FromID {
			whose = s.who(h.FromID) + "'s"
		}
		why := ": " + s.clause(in.Reason) + "."
		if s.revision >= 27 && in.OffShift {
			// The reason names the recipient, for the hander: they read it of themselves.
			why = ", as you are off shift now."
		}
		s.notify(ev, NotifyHandoverWithdrawn, []string{h.ToID}, "",
			fmt.Sprintf("%s withdrew %s handover of %s to you%s %s keeps it.", s.who(in.Actor.ID), whose, s.title(), why, s.who(s.OwnerID)))
		if in.Actor.ID != h.FromID {
			keeps := "You keep it."
			if s.OwnerID != h.FromID {
				keeps = s.who(s.OwnerID) + " keeps it."
			}
			s.notify(ev, NotifyHandoverWithdrawn, []string{h.FromID}, "",
				fmt.Sprintf("%s withdrew your handover of %s to %s: %s. %s", s.who(in.Actor.ID), s.title(), s.who(h.ToID), s.clause(in.Reason), keeps))
		}
		return []Event{ev}
	}
	told := []string{h.ToID}
	if in.Actor.ID != h.FromID {
		told = append(told, h.FromID)
	}
	s.notify(ev, NotifyHandoverWithdrawn, told, "",
		fmt.Sprintf("%s withdrew the handover of %s from %s to %s: %s. %s keeps it.", s.who(in.Actor.ID), s.title(), s.who(h.FromID), s.who(h.ToID), in.Reason, s.who(s.OwnerID)))
	return []Event{ev}
}

// CheckFollowUp refuses a follow-up by anyone but the hander the reminders are for (or a
// supervisor, in their place), when none are set, without a note of what was learnt, or asking to be reminded again at or after the due time
// (counted on the action's clock, as a handover's follow_up_in is): its check asks for the outcome
// then anyway. now is zero when only the state and the actor are to be checked.
func CheckFollowUp(s *State, in FollowUpInput, now time.Time) error {
	if err := checkTransition(s, UpdateFollowUp); err != nil {
		return err
	}
	if s.FollowUp == nil {
		return refuse(ErrConflict, "no follow-up is set for this action: it is asked of the person who handed it over, once the handover is accepted")
	}
	if in.Actor.ID != s.FollowUp.HanderID && !in.Actor.Role.SupervisorOrAbove() {
		// A supervisor follows up in the hander's place: the reminders of a hander who has left
		// the team, or been deactivated, come to them.
		return refuse(ErrForbidden, "only %s, who handed this action over, follows it up (a supervisor does in their place once they have left the team or been deactivated)", s.who(s.FollowUp.HanderID))
	}
	if blank(in.Note) {
		return refuse(ErrInvalid, "note: say what you learnt from %s", s.who(s.OwnerID))
	}
	if in.AgainIn > 0 && !now.IsZero() && !s.Paused && s.DueAt.After(now) {
		if next := s.after(now, in.AgainIn); !next.Before(s.DueAt) {
			return s.refuseAtDue("again_in", next.UTC(), "choose a shorter time, or leave it out")
		}
	}
	return nil
}

// ApplyFollowUp records the follow-up and ends the hander's reminders, or sets the next one.
func ApplyFollowUp(s *State, in FollowUpInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	f := s.FollowUp
	data := map[string]any{"hander_id": f.HanderID, "owner_id": s.OwnerID, "note": in.Note}
	s.FollowUp = nil
	if in.AgainIn > 0 {
		next := s.after(now, in.AgainIn)
		s.FollowUp = &FollowUp{HanderID: f.HanderID, At: stamp(next), Every: f.Every, First: stamp(next)}
		data["next_at"] = s.FollowUp.At
	}
	return []Event{s.record(now, in.Actor.ID, EventFollowedUp, data)}
}

// withdrawPending ends a pending handover that a bigger change overtakes, telling both sides.
func (s *State) withdrawPending(now time.Time, actorID, reason string) []Event {
	if s.PendingHandover() == nil {
		return nil
	}
	h, ev := s.endPending(now, actorID, reason)
	if s.revision >= 28 {
		// Each in their own words (revision 28), where both read their names, and who made the
		// change that withdrew it.
		why := reason
		if actorID != SystemActor && actorID != "" {
			why += " by " + s.who(actorID)
		}
		s.notify(ev, NotifyHandoverWithdrawn, []string{h.FromID}, "",
			fmt.Sprintf("Your handover of %s to %s was withdrawn: %s.", s.title(), s.who(h.ToID), why))
		s.notify(ev, NotifyHandoverWithdrawn, []string{h.ToID}, "",
			fmt.Sprintf("%s's handover of %s to you was withdrawn: %s. You need do nothing with it.", s.who(h.FromID), s.title(), why))
		return []Event{ev}
	}
	s.notify(ev, NotifyHandoverWithdrawn, []string{h.FromID, h.ToID}, "",
		fmt.Sprintf("The handover of %s from %s to %s was withdrawn: %s", s.title(), s.who(h.FromID), s.who(h.ToID), reason))
	return []Event{ev}
}

// endPending marks the pending handover withdrawn and records it; the caller says who is told.
func (s *State) endPending(now time.Time, actorID, reason string) (*Handover, Event) {
	h := s.PendingHandover()
	h.Status = HandoverWithdrawn
	h.RespondedAt = stampPtr(now)
	s.PendingHandoverID = ""
	s.tellShift(h, ShiftItemWithdrawn, reason)
	return h, s.record(now, actorID, EventHandoverWithdrawn, map[string]any{"handover_id": h.ID, "reason": reason})
}

// clearDeadlines stops every timer; the caller sets the ones the new status has.
func (s *State) clearDeadlines() {
	s.AssignBy, s.CheckBy, s.EscalateBy, s.CheckRemindAt = nil, nil, nil, nil
}

// CheckComplete refuses completion by anyone but the owner or a supervisor, or without an outcome.
func CheckComplete(s *State, in CompleteInput) error {
	if err := checkTransition(s, UpdateComplete); err != nil {
		return err
	}
	if in.Actor.ID != s.OwnerID && !in.Actor.Role.SupervisorOrAbove() {
		return refuse(ErrForbidden, "only the owner or a supervisor can complete this action")
	}
	if blank(in.Outcome) {
		return refuse(ErrInvalid, "outcome: record what was done for the customer")
	}
	return s.checkNoMessage(in.CustomerMessage)
}

// ApplyComplete closes the action; a handover still pending is withdrawn and the hander is told.
func ApplyComplete(s *State, in CompleteInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	esc := s.escalation()
	events := s.withdrawPending(now, in.Actor.ID, "the action was completed")
	s.finish(StatusCompleted)
	s.Outcome = in.Outcome
	ev := s.record(now, in.Actor.ID, EventCompleted, map[string]any{"outcome": in.Outcome, "notes": in.Notes})
	if hander := s.lastHander(); hander != "" {
		by := ""
		if s.revision >= 20 {
			by = " by " + s.who(in.Actor.ID)
		}
		s.notify(ev, NotifyCompleted, []string{hander}, "", fmt.Sprintf("%s was completed%s: %s", s.title(), by, in.Outcome))
	}
	s.tellOwnerCompleted(ev, in.Actor.ID, fmt.Sprintf("%s completed %s, which was yours: %s", s.who(in.Actor.ID), s.title(), in.Outcome))
	s.tellEscalationHandled(ev, esc, fmt.Sprintf("was completed by %s: %s", s.who(in.Actor.ID), in.Outcome))
	events = append(events, ev)
	if !blank(in.CustomerMessage) {
		events = append(events, s.tellCustomer(now, in.Actor.ID, in.CustomerMessage, map[string]any{}))
	}
	return events
}

// title is the action's title as the messages quote it: in curly quotes as it is (revision 24),
// where earlier revisions wrote it as a Go literal, its own quotes escaped ("Room \"Blue\"").
func (s *State) title() string {
	if s.revision >= 24 {
		return "“" + s.Title + "”"
	}
	return strconv.Quote(s.Title)
}

// createdTitle is the title as a create's notification gives it: in curly quotes, as every other
// notification's, from revision 24, when the others took them (before, bare).
func (s *State) createdTitle() string {
	if s.revision >= 24 {
		return s.title()
	}
	return s.Title
}

// tellOwnerCompleted tells the owner that someone else completed their action (from revision
// 13), so that they stop working on it.
func (s *State) tellOwnerCompleted(ev Event, actorID, message string) {
	if s.revision < 13 || s.OwnerID == "" || s.OwnerID == actorID {
		return
	}
	s.notify(ev, NotifyCompleted, []string{s.OwnerID}, "", message)
}

func (s *State) finish(status Status) {
	s.Status = status
	s.clearDeadlines()
	s.FollowUp = nil
	s.Paused, s.PausedAt, s.PauseReason, s.ResumeAt, s.PauseRemindAt = false, nil, "", nil, nil
}

// CheckCheck refuses a check by anyone but the owner, the hander or a supervisor, or with an
// incomplete next step.
func CheckCheck(s *State, in CheckInput) error {
	if s.Status == StatusEscalated {
		// Asked to check it before it escalated, the caller learns what is left to do now.
		what := "a supervisor or manager reassigns it, extends its due time or completes it"
		if in.Actor.ID == s.OwnerID {
			what = "complete it if it is done, or a supervisor reassigns it or extends its due time"
		} else if in.Actor.Role.SupervisorOrAbove() {
			what = "complete it if it is done, or reassign it or extend its due time"
		}
		return refuse(ErrConflict, "cannot check an action that is escalated: %s", what)
	}
	if err := checkTransition(s, UpdateCheck); err != nil {
		return err
	}
	if in.Actor.ID != s.OwnerID && in.Actor.ID != s.lastHander() && !in.Actor.Role.SupervisorOrAbove() {
		return refuse(ErrForbidden, "only the owner, the person who handed it over or a supervisor can check this action")
	}
	switch in.Result {
	case CheckDone:
		if blank(in.Notes) {
			// The check is where the outcome is asked for and recorded (PC8): "done" says what was.
			return refuse(ErrInvalid, "notes: record the outcome: what was done")
		}
		return nil
	case CheckNotDone:
	default:
		return refuse(ErrInvalid, "result: must be done or not_done")
	}
	if (in.Next == NextExtend || in.Next == NextReassign) && in.Actor.ID == s.OwnerID && !in.Actor.Role.SupervisorOrAbove() {
		// An owner answering their own check would give themselves more time, or their action to
		// a colleague who never accepted it: an extension and a reassignment are a supervisor's
		// (or, at the check, the hander's).
		return refuse(ErrInvalid, "next: you own this action: at its check you complete it if it is done, or escalate it; an extension or a reassignment is for %s", s.checkersBesides())
	}
	switch in.Next {
	case NextExtend:
		if in.DueAt == nil && in.DueIn <= 0 {
			return refuse(ErrInvalid, "due_in: a new due time is required to extend")
		}
	case NextReassign:
		if in.To == nil {
			return refuse(ErrInvalid, "to_id: say who takes the action over")
		}
		if s.revision >= 3 && in.DueAt == nil && in.DueIn <= 0 {
			// At its check the due time has passed: without a new one the new owner would be
			// asked for the outcome at once.
			return refuse(ErrInvalid, "due_in: give the new owner a due time: this one has passed")
		}
		if in.To.ID == s.OwnerID {
			return refuse(ErrInvalid, "to_id: %s already owns this action", s.whoIs(*in.To))
		}
		if err := s.checkReassignMessage(in.CustomerMessage); err != nil {
			return err
		}
		return checkEligible(s, "to_id", *in.To, in.Actor.Role)
	case NextEscalate:
	default:
		if in.Actor.ID == s.OwnerID && !in.Actor.Role.SupervisorOrAbove() {
			// The owner's own check offers them escalate only (above).
			return refuse(ErrInvalid, "next: when it is not done, escalate it: an extension or a reassignment is for %s", s.checkersBesides())
		}
		return refuse(ErrInvalid, "next: when not done, say extend, reassign or escalate")
	}
	return nil
}

// checkersBesides names who else may extend or reassign an action at its check: the person who
// handed it over, if anyone did, and a supervisor.
func (s *State) checkersBesides() string {
	if hander := s.lastHander(); hander != "" && hander != s.OwnerID {
		return s.who(hander) + ", who handed it to you, or a supervisor"
	}
	return "a supervisor"
}

// ApplyCheck records the check: done completes the action; not done extends, reassigns or
// escalates it. Either way the hander's follow-up reminders stop.
func ApplyCheck(s *State, in CheckInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	s.FollowUp = nil
	checked := s.record(now, in.Actor.ID, EventChecked, map[string]any{
		"result": in.Result, "notes": in.Notes, "next": in.Next,
	})
	events := []Event{checked}
	switch {
	case in.Result == CheckDone:
		outcome := in.Notes
		if blank(outcome) {
			outcome = "done, checked by " + in.Actor.ID
		}
		s.finish(StatusCompleted)
		s.Outcome = outcome
		completed := s.record(now, in.Actor.ID, EventCompleted, map[string]any{"outcome": outcome})
		// From revision 6 the hander hears of it, as of any completion (unless they made the check).
		if hander := s.lastHander(); s.revision >= 6 && hander != "" && hander != in.Actor.ID {
			s.notify(completed, NotifyCompleted, []string{hander}, "", fmt.Sprintf("%s was completed at its check: %s", s.title(), outcome))
		}
		s.tellOwnerCompleted(completed, in.Actor.ID, fmt.Sprintf("%s checked %s done, which was yours: %s", s.who(in.Actor.ID), s.title(), outcome))
		events = append(events, completed)
	case in.Next == NextExtend:
		var at time.Time
		if in.DueAt != nil {
			at = *in.DueAt
		}
		events = append(events, s.extend(now, in.Actor.ID, s.dueFrom(now, in.DueIn, at), in.DueIn <= 0, s.notDoneReason(in.Notes))...)
	case in.Next == NextReassign:
		var due *time.Time
		if s.revision >= 3 && (in.DueAt != nil || in.DueIn > 0) {
			var at time.Time
			if in.DueAt != nil {
				at = *in.DueAt
			}
			at = s.dueFrom(now, in.DueIn, at)
			due = &at
		}
		events = append(events, s.reassign(now, in.Actor.ID, *in.To, s.notDoneReason(in.Notes), due, in.DueIn <= 0, in.CustomerMessage)...)
	case in.Next == NextEscalate:
		floor := 0
		if s.revision >= 15 {
			// As an escalation by hand: a supervisor's check goes to the managers.
			floor = s.levelAbove(in.Actor.Role)
		}
		events = append(events, s.escalateTo(now, in.Actor.ID, EscalationNotDone, s.notDoneReason(in.Notes), floor)...)
	}
	return events
}

// clause is a person's text (a reason, notes) as a clause inside a sentence the workflow writes,
// "declined “Late checkout”: %s. You still own it.". From revision 19 its lines run on, joined by " / " (an
// action's own summary and the shift's notes after it, a paragraph apart, ran together as one
// sentence in an inbox, which shows no line breaks), and the full stops it ends with give way to
// the sentence's own (it read "on a call.. You still own it.").
func (s *State) clause(text string) string {
	if s.revision < 19 {
		return text
	}
	var lines []string
	for line := range strings.Lines(text) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	joined := strings.Join(lines, " / ")
	if cut := strings.TrimRight(joined, "."); cut != "" {
		return cut
	}
	return joined
}

// shortened is text cut to at most n characters, marked where it was cut.
func shortened(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	return string([]rune(text)[:n-1]) + "…"
}

// notDoneReason is the reason a check found the action not done gives its next step: the check's
// notes after "not done at check", or (revision 9) those words alone when it has none (before, a
// colon followed by nothing).
func (s *State) notDoneReason(notes string) string {
	if s.revision >= 9 && blank(notes) {
		return "not done at check"
	}
	return "not done at check: " + notes
}

// CheckEscalate refuses an escalation by anyone but a supervisor or manager, without a reason, or
// of an action already escalated to the top of its ladder: there it would raise nothing and only
// record the escalation again (the top is reminded every escalate_within on its own).
func CheckEscalate(s *State, in EscalateInput) error {
	// The role first: an agent cannot do this whatever state the action is in.
	if err := checkSupervisor(in.Actor, "escalate"); err != nil {
		return err
	}
	if err := checkTransition(s, UpdateEscalate); err != nil {
		return err
	}
	if ladder := s.ladder(); s.Status == StatusEscalated && s.EscalationLevel >= len(ladder) {
		return refuse(ErrConflict, "the action is already escalated to the top of its ladder (%s, level %d): reassign it or extend its due time instead",
			ladder[len(ladder)-1], s.EscalationLevel)
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say why the action is escalated")
	}
	return nil
}

// ApplyEscalate raises the action one level of the ladder; from revision 8 at least to the first
// level above the person escalating: a supervisor's escalation goes to the managers, not back to
// the supervisors (themselves among them).
func ApplyEscalate(s *State, in EscalateInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	floor := 0
	if s.revision >= 8 {
		floor = s.levelAbove(in.Actor.Role)
	}
	return s.escalateTo(now, in.Actor.ID, EscalationByHand, in.Reason, floor)
}

// ladder is the action's escalation ladder; a copy read from the read model, which does not keep
// it, has the one every action starts with.
func (s *State) ladder() []Role {
	if len(s.Ladder) == 0 {
		return DefaultLadder
	}
	return s.Ladder
}

// levelAbove is the first level of the ladder whose role ranks above role (the top when none does).
func (s *State) levelAbove(role Role) int {
	rank := map[Role]int{RoleAgent: 1, RoleSupervisor: 2, RoleManager: 3, RoleAdmin: 4}
	for i, r := range s.Ladder {
		if rank[r] > rank[role] {
			return i + 1
		}
	}
	return len(s.Ladder)
}

// escalate moves the action to the next level of the ladder and alerts that level; below the top
// level, it climbs again if nobody acts within escalate_within.
func (s *State) escalate(now time.Time, actorID, kind, reason string) []Event {
	return s.escalateTo(now, actorID, kind, reason, 0)
}

// escalateTo is escalate to at least level floor.
func (s *State) escalateTo(now time.Time, actorID, kind, reason string, floor int) []Event {
	events := s.withdrawPending(now, actorID, "the action was escalated")
	fresh := s.Status != StatusEscalated
	if fresh {
		s.EscalationLevel = 1
	} else {
		s.EscalationLevel = min(s.EscalationLevel+1, len(s.Ladder))
	}
	s.EscalationLevel = max(s.EscalationLevel, min(floor, len(s.Ladder)))
	cause := "" // from revision 28, the reason it was escalated first, once it has climbed
	if s.revision >= 28 {
		if fresh {
			// Who set it going, where it began and why: told how it ends (tellEscalationHandled).
			s.EscalatedBy, s.EscalationFrom, s.EscalationCause = "", s.EscalationLevel, reason
			switch {
			case kind == EscalationNotChecked:
				s.EscalatedBy = s.lastHander() // asked to check it, and did not
			case actorID != SystemActor:
				s.EscalatedBy = actorID
			}
		} else if s.EscalationCause != reason {
			cause = s.EscalationCause
		}
	}
	s.Status = StatusEscalated
	s.EscalationReason = reason
	s.EscalatedAt, s.EscalationPaused = stampPtr(now), 0
	s.clearDeadlines()
	if s.revision >= 5 {
		// The hander cannot check an escalated action: what happens next is the ladder's.
		s.FollowUp = nil
	}
	if s.EscalationLevel < len(s.Ladder) || s.revision >= 7 {
		// From revision 7 the top level is reminded every escalate_within too (remindEscalated).
		s.EscalateBy = s.deadline(now, s.Policy.EscalateWithin)
	}
	level := s.Ladder[s.EscalationLevel-1]
	ev := s.record(now, actorID, EventEscalated, map[string]any{
		"level": s.EscalationLevel, "to_role": string(level), "reason": reason, "reason_kind": kind,
	})
	by := ""
	if s.revision >= 11 && actorID != SystemActor && actorID != "" {
		// Escalated by someone (a supervisor, a manager, a check's next step): say who.
		by = " by " + s.who(actorID)
	}
	message := fmt.Sprintf("%s is escalated to %s%s (level %d): %s", s.title(), level, by, s.EscalationLevel, reason)
	if cause != "" {
		// Those it climbs to read why it was escalated in the first place (revision 28).
		message += fmt.Sprintf(" (escalated first: %s)", s.clause(cause))
	}
	hander := ""
	if fresh && kind == EscalationNotChecked && s.revision >= 28 {
		// The hander whose check it was, told it went to the ladder for want of it (revision 28),
		// as they are told how it ends.
		hander = s.EscalatedBy
	}
	s.alertLadder(ev, level, message, hander)
	return append(events, ev)
}

// alertLadder tells the level's role, and the owner if there is one, of an escalation; and also,
// when not "" nor the owner.
func (s *State) alertLadder(ev Event, level Role, message, also string) {
	var to []string
	if s.OwnerID != "" {
		to = []string{s.OwnerID}
	}
	if also != "" && also != s.OwnerID {
		to = append(to, also)
	}
	s.notify(ev, NotifyEscalated, to, level, message)
}

// remindEscalated alerts the top of the ladder again, and the owner if there is one, when nobody
// has acted on the action escalated to it within escalate_within (revision 7): there is no higher
// level to climb to, and one alert that nobody reads would leave the action with nobody on it.
func (s *State) remindEscalated(now time.Time) []Event {
	level := s.Ladder[s.EscalationLevel-1]
	s.EscalateBy = s.deadline(now, s.Policy.EscalateWithin)
	ev := s.record(now, SystemActor, EventEscalationReminder, map[string]any{
		"level": s.EscalationLevel, "to_role": string(level), "reason": s.EscalationReason,
	})
	phrase, waited := "within", s.Policy.EscalateWithin
	if s.revision >= 20 && s.EscalatedAt != nil {
		// How long it has waited at this level, which grows with each reminder: the same
		// escalate_within each time read as if nobody had been told before.
		phrase, waited = "for", max(s.between(*s.EscalatedAt, now)-s.EscalationPaused, 0)
	}
	s.alertLadder(ev, level, fmt.Sprintf("%s is still escalated to %s (level %d): nobody has acted on it %s %s.",
		s.title(), level, s.EscalationLevel, phrase, s.span(waited)), "")
	return []Event{ev}
}

// CheckReassign refuses a reassignment by anyone but a supervisor or manager, or to someone who
// cannot own the action.
func CheckReassign(s *State, in ReassignInput) error {
	// The role first: an agent cannot do this whatever state the action is in.
	if err := checkSupervisor(in.Actor, "reassign"); err != nil {
		return err
	}
	if err := checkTransition(s, UpdateReassign); err != nil {
		return err
	}
	if in.From != "" && s.OwnerID != in.From {
		// Planned from its owner's shift, passed on since by someone else: that stands.
		owner := "nobody"
		if s.OwnerID != "" {
			owner = s.who(s.OwnerID)
		}
		return refuse(ErrConflict, "%s owns it now, not %s: it is no longer theirs to pass on", owner, s.who(in.From))
	}
	if in.To.ID == s.OwnerID && in.To.ID != "" {
		return refuse(ErrInvalid, "to_id: %s already owns this action", s.whoIs(in.To))
	}
	if err := checkEligible(s, "to_id", in.To, in.Actor.Role); err != nil {
		return err
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say why the action is reassigned")
	}
	return s.checkReassignMessage(in.CustomerMessage)
}

// checkNoMessage refuses a message to the customer of an internal action, which has none.
func (s *State) checkNoMessage(message string) error {
	if s.Internal && !blank(message) {
		return refuseFields([]FieldRefusal{{Field: "customer_message", Message: "this action is internal: it has no customer to tell; leave it out"}})
	}
	return nil
}

// checkReassignMessage refuses a message to the customer on a reassignment of an action from
// before revision 21, which tells the customer nothing of one, and on an internal action.
func (s *State) checkReassignMessage(message string) error {
	if err := s.checkNoMessage(message); err != nil {
		return err
	}
	if !blank(message) && s.revision < 21 {
		return refuse(ErrInvalid, "customer_message: this action was created before reassignments told the customer: leave it out, and tell the customer yourself")
	}
	return nil
}

// ApplyReassign gives the action to the new owner at once; the timers restart.
func ApplyReassign(s *State, in ReassignInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	due := in.DueAt
	if in.DueIn > 0 {
		due = s.deadline(now, in.DueIn)
	}
	defer s.forShift(in.ShiftHandoverID)()
	return s.reassign(now, in.Actor.ID, in.To, in.Reason, due, in.DueIn <= 0, in.CustomerMessage)
}

// reassign gives the action to someone at once, with a new due time when due is set (a time
// given as such when absolute, else counted from now), and from revision 21 tells the customer to
// whom: in the words given (message), or in the product's, as an accepted handover does (before
// it, only the new owner and the old heard of it; CheckReassign refuses a message for such an
// action, and one a worker of an earlier release took is not told on replay).
func (s *State) reassign(now time.Time, actorID string, to Recipient, reason string, due *time.Time, absolute bool, message string) []Event {
	s.know(to.ID, to.Name)
	esc := s.escalation()
	events := s.withdrawPending(now, actorID, "the action was reassigned")
	from := s.OwnerID
	wasDue := s.DueAt
	s.OwnerID, s.HandedBy = to.ID, ""
	s.Status = StatusAssigned
	s.EscalationLevel = 0
	s.clearDeadlines()
	if due != nil {
		s.setDue(*due, absolute)
	}
	if s.revision >= 5 {
		// The hander handed it to someone who no longer has it, and cannot check it now.
		s.FollowUp = nil
	}
	ev := s.record(now, actorID, EventReassigned, map[string]any{
		"from_id": from, "owner_id": to.ID, "reason": reason, "due_at": s.DueAt,
	})
	var yours string
	if s.Paused && s.revision >= 25 {
		// Its clocks stand still: the new owner learns why, and that it is theirs to resume.
		yours = fmt.Sprintf("%s is now yours (reassigned by %s): %s It is paused, waiting on the customer: %s Resume it once they answer",
			s.title(), s.who(actorID), s.ended(reason), s.ended(s.PauseReason))
		switch {
		case s.ResumeAt != nil:
			yours += ", or it resumes by itself at " + s.ResumeAt.Format(time.RFC3339)
		case s.PauseRemindAt != nil:
			yours += "; you are reminded of it " + s.remindWords() + " meanwhile"
		}
		yours += "."
		if due != nil && s.revision >= 29 {
			// The due time the reassignment gave: one counted from now moves on with the pause.
			if s.DueFixed || s.PausedAt == nil {
				yours += " It is due " + s.DueAt.Format(time.RFC3339) + ", resumed or not."
			} else {
				yours += " Once resumed, it is due " + s.span(s.between(*s.PausedAt, s.DueAt)) + " later."
			}
		}
	} else if due != nil && s.revision >= 29 {
		// A new due time is said, and so is one brought forward: the new owner has less time
		// than the action had.
		yours = fmt.Sprintf("%s is now yours (reassigned by %s): %s It is due %s", s.title(), s.who(actorID), s.ended(reason), s.DueAt.Format(time.RFC3339))
		if !wasDue.IsZero() && s.DueAt.Before(wasDue) {
			yours += ", sooner than the " + wasDue.Format(time.RFC3339) + " it had"
		}
		yours += "."
	} else {
		yours = fmt.Sprintf("%s is now yours (reassigned by %s): %s", s.title(), s.who(actorID), reason)
	}
	s.notify(ev, NotifyAssigned, []string{to.ID}, "", yours)
	switch {
	case from == "":
	case s.revision < 25:
		s.notify(ev, NotifyAssigned, []string{from}, "", fmt.Sprintf("%s was reassigned to %s: %s", s.title(), s.who(to.ID), reason))
	case from != actorID:
		// By whom, in a sentence that ends; one who reassigned their own action is not told of it.
		s.notify(ev, NotifyAssigned, []string{from}, "", fmt.Sprintf("%s was reassigned to %s by %s: %s", s.title(), s.who(to.ID), s.who(actorID), s.ended(reason)))
	}
	s.tellEscalationHandled(ev, esc, fmt.Sprintf("was reassigned to %s by %s: %s", s.who(to.ID), s.who(actorID), reason))
	events = append(events, ev)
	if s.revision < 21 || s.Internal {
		return events
	}
	if blank(message) {
		message = s.reassignedMessage(to.Name, from == "")
	}
	return append(events, s.tellCustomer(now, actorID, message, map[string]any{}))
}

// reassignedMessage tells the customer who looks after their request now that it has been
// reassigned to name (revision 21): passed to them, as an accepted handover's message says, in a
// shift handover as the shift changed; or, for a request nobody had taken on (unassigned), that
// they are looking after it now.
func (s *State) reassignedMessage(name string, fromNobody bool) string {
	if fromNobody {
		return fmt.Sprintf("%s is looking after your request now, so that it is seen through without delay.", cmp.Or(strings.TrimSpace(name), "A colleague"))
	}
	return customerMessage("", &Handover{ToName: name, ShiftHandoverID: s.byShift}, s.revision)
}

// CheckExtend refuses an extension by anyone but a supervisor or manager, without a reason, or
// to a due time before the one the action has: an extension gives more time. now is when the
// command is made (a time counted from now is counted from it); zero leaves that last check out.
func CheckExtend(s *State, in ExtendInput, now time.Time) error {
	// The role first: an agent cannot do this whatever state the action is in.
	if err := checkSupervisor(in.Actor, "extend"); err != nil {
		return err
	}
	if err := checkTransition(s, UpdateExtend); err != nil {
		return err
	}
	if in.DueAt.IsZero() && in.DueIn <= 0 {
		return refuse(ErrInvalid, "due_in: a new due time is required")
	}
	if blank(in.Reason) {
		return refuse(ErrInvalid, "reason: say why the due time moves")
	}
	// A paused action's due time moves on by the pause when it resumes, as does a new one counted
	// from now, but not one given as a time: the two compare as they would stand were the action
	// resumed now (the least either can move), paused or not.
	if !now.IsZero() && !s.DueAt.IsZero() {
		absolute := in.DueIn <= 0
		was := s.resumedNow(now, s.DueAt, s.DueFixed)
		if due := s.resumedNow(now, s.dueFrom(now, in.DueIn, in.DueAt), absolute && s.revision >= 5); due.Before(was) {
			field, resumed := "due_in", ""
			if absolute {
				field = "due_at"
			}
			if s.Paused {
				resumed = " were it resumed now"
			}
			return refuse(ErrInvalid, "%s: that is %s, before the action's due time %s%s: an extension only gives more time",
				field, due.Format(time.RFC3339), was.Format(time.RFC3339), resumed)
		}
	}
	return nil
}

// resumedNow is a due time of a paused action as it would stand were the action resumed at now:
// one given as a time (fixed) stays, any other moves on by the pause as ApplyResume moves it.
// Of an action not paused it is the due time itself.
func (s *State) resumedNow(now, due time.Time, fixed bool) time.Time {
	if !s.Paused || s.PausedAt == nil || fixed {
		return due
	}
	return s.resumed(due, *s.PausedAt, now, s.between(*s.PausedAt, now))
}

// ApplyExtend moves the due time and restarts the timers.
func ApplyExtend(s *State, in ExtendInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	return s.extend(now, in.Actor.ID, s.dueFrom(now, in.DueIn, in.DueAt), in.DueIn <= 0, in.Reason)
}

// extend moves the due time (a time given as such when absolute, else counted from now).
func (s *State) extend(now time.Time, actorID string, due time.Time, absolute bool, reason string) []Event {
	esc := s.escalation()
	s.setDue(due, absolute)
	s.EscalationLevel = 0
	s.clearDeadlines()
	switch {
	case s.PendingHandover() != nil:
		s.Status = StatusHandoverPending
	case s.OwnerID != "":
		s.Status = StatusAssigned
	default:
		s.Status = StatusUnassigned
		s.AssignBy = s.deadline(now, s.Policy.AssignWithin)
	}
	if s.revision >= 7 && s.FollowUp == nil && s.HandedBy != "" && s.Status != StatusUnassigned {
		// The owner the hander handed it to still has it, with a new due time: the hander's
		// follow-up reminders, stopped by the check or the escalation, start again (halfway there).
		s.startFollowUp(now, s.HandedBy, nil)
	}
	ev := s.record(now, actorID, EventExtended, map[string]any{"due_at": s.DueAt, "reason": reason, "status": string(s.Status)})
	if s.OwnerID != "" {
		due := "due " + s.DueAt.Format(time.RFC3339)
		if left, ok := s.DueLeft(); ok && s.revision >= 14 {
			// The due time moves on when the action resumes: the time it has left is what holds.
			due = fmt.Sprintf("due %s after it resumes (it is paused)", s.span(left))
		}
		if s.revision >= 28 {
			// Who gave it the time (its owner is not told of their own), and that an escalation
			// ended with it (revision 28).
			due += ", given by " + s.who(actorID)
			if esc.level > 0 {
				due += ", which ends its escalation"
			}
		}
		s.notify(ev, NotifyAssigned, []string{s.OwnerID}, "", fmt.Sprintf("%s is now %s: %s", s.title(), due, reason))
	}
	s.tellEscalationHandled(ev, esc, fmt.Sprintf("was given until %s by %s: %s", s.DueAt.Format(time.RFC3339), s.who(actorID), reason))
	return []Event{ev}
}

// escalationHandled is an escalation as it stood before someone acted on it: the rung of the
// ladder reached (0 when the action was not escalated), and who owned the action meanwhile.
type escalationHandled struct {
	level int
	owner string
	// by set it going, and from is the level it began at (revision 28).
	by   string
	from int
}

// escalation is the action's escalation before a command acts on it.
func (s *State) escalation() escalationHandled {
	if s.Status != StatusEscalated {
		return escalationHandled{}
	}
	return escalationHandled{level: s.EscalationLevel, owner: s.OwnerID, by: s.EscalatedBy, from: s.EscalationFrom}
}

// EscalationWhy is why the action is escalated, for the lists: its reason, after the reason it was
// escalated first once it has climbed (revision 28: "not done at check: ...; then no action within
// 1 h of the escalation").
func (s *State) EscalationWhy() string {
	if c := s.EscalationCause; c != "" && c != s.EscalationReason {
		return c + "; then " + s.EscalationReason
	}
	return s.EscalationReason
}

// toldAt says whether a notification of the change at seq already names who.
func (s *State) toldAt(seq int64, who string) bool {
	return slices.ContainsFunc(s.outbox, func(n Notification) bool { return n.Seq == seq && slices.Contains(n.To, who) })
}

// tellEscalationHandled tells the level an escalated action had reached that someone acted on it
// (revision 17): the action leaves their list of escalated actions, and they would not know why,
// nor that they need do nothing more. The one who acted is not told (notifications skip the actor).
// Its owner meanwhile goes with it: an escalation whose level's only holders owned the action went
// on up to the next level, and so does this. From revision 28 the levels below it that the
// escalation went through hear too, and whoever set it going.
func (s *State) tellEscalationHandled(ev Event, esc escalationHandled, what string) {
	if s.revision < 17 || esc.level < 1 || esc.level > len(s.Ladder) {
		return
	}
	role := s.Ladder[esc.level-1]
	s.notify(ev, NotifyEscalationHandled, nil, role, fmt.Sprintf("%s, escalated to %s (level %d), %s", s.title(), role, esc.level, what))
	n := &s.outbox[len(s.outbox)-1]
	n.EscalatedOwner = esc.owner
	if s.revision < 28 {
		return
	}
	if esc.by != "" && !s.toldAt(ev.Seq, esc.by) {
		n.To = []string{esc.by} // unless the change tells them already (a completion, a reassignment to them)
	}
	from := esc.from
	if from < 1 {
		from = esc.level // not known: the level reached only
	}
	for _, below := range s.Ladder[from-1 : esc.level-1] {
		if below != role && !slices.Contains(n.AlsoRoles, below) {
			n.AlsoRoles = append(n.AlsoRoles, below)
		}
	}
}

// CheckCancel refuses a cancellation by anyone but a supervisor or manager, or without a reason.
func CheckCancel(s *State, in CancelInput) error {
	// The role first: an agent cannot do this whatever state the action is in, but cancel an
	// action of their own that was made twice.
	if err := checkSupervisor(in.Actor, "cancel"); err != nil && !s.ownDuplicate(in) {
		if in.DuplicateOf == "" && s.mayCancelAsDuplicate(in.Actor) {
			// Theirs to cancel as a duplicate: said, as what they can do instead.
			return refuse(ErrForbidden, "only a supervisor or manager can cancel an action: if it was made twice, cancel it as a duplicate, naming the other (duplicate_of)")
		}
		return err
	}
	if err := checkTransition(s, UpdateCancel); err != nil {
		return err
	}
	if in.DuplicateOf == s.ID && s.ID != "" {
		return refuse(ErrInvalid, "duplicate_of: an action does not duplicate itself: name the other one")
	}
	if blank(in.Reason) && in.DuplicateOf == "" {
		return refuse(ErrInvalid, "reason: say why the action is cancelled")
	}
	return nil
}

// ownDuplicate says the cancel is of a duplicate by the action's owner, or by its creator while
// nobody owns it, who may cancel it as a duplicate (only a supervisor or manager may for another
// reason).
func (s *State) ownDuplicate(in CancelInput) bool {
	return in.DuplicateOf != "" && s.mayCancelAsDuplicate(in.Actor)
}

// mayCancelAsDuplicate says a is the action's owner, or its creator while nobody owns it, and may
// cancel it as a duplicate. An escalated action is the supervisors' and managers' to end: its owner
// cannot stop the escalation by naming another action (as they cannot pause it).
func (s *State) mayCancelAsDuplicate(a Actor) bool {
	mine := a.ID == s.OwnerID || (s.OwnerID == "" && a.ID == s.CreatedBy)
	return a.Role.CanOwn() && mine && s.Status != StatusEscalated
}

// ApplyCancel ends the action without doing it.
func ApplyCancel(s *State, in CancelInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	esc := s.escalation()
	events := s.withdrawPending(now, in.Actor.ID, "the action was cancelled")
	s.finish(StatusCancelled)
	data := map[string]any{"reason": in.Reason}
	if in.DuplicateOf != "" {
		// Said only of a duplicate: the entries of other cancels stay as they were.
		data["duplicate_of"] = in.DuplicateOf
		if blank(in.Reason) {
			in.Reason = "a duplicate of another action"
			if !blank(in.DuplicateTitle) {
				in.Reason = fmt.Sprintf("a duplicate of “%s”", in.DuplicateTitle)
			}
			data["reason"] = in.Reason
		}
	}
	ev := s.record(now, in.Actor.ID, EventCancelled, data)
	if s.OwnerID != "" {
		by := ""
		if s.revision >= 11 && in.Actor.ID != s.OwnerID {
			by = " by " + s.who(in.Actor.ID)
		}
		s.notify(ev, NotifyCancelled, []string{s.OwnerID}, "", fmt.Sprintf("%s was cancelled%s: %s", s.title(), by, in.Reason))
	}
	s.tellEscalationHandled(ev, esc, fmt.Sprintf("was cancelled by %s: %s", s.who(in.Actor.ID), in.Reason))
	return append(events, ev)
}

// CheckClaim refuses a claim of an action that has an owner, or by someone who cannot own it.
func CheckClaim(s *State, in ClaimInput) error {
	if err := checkTransition(s, UpdateClaim); err != nil {
		return err
	}
	if s.OwnerID != "" {
		return refuse(ErrConflict, "the action is owned by %s: ask a supervisor to reassign it", s.who(s.OwnerID))
	}
	if in.Claimant.ID != in.Actor.ID {
		return refuse(ErrForbidden, "you can only claim an action for yourself")
	}
	if !in.Claimant.Role.CanOwn() {
		// The claimant is the caller: a role that owns nothing is refused as such, not as a field.
		return refuse(ErrForbidden, "your role (%s) cannot own actions", in.Claimant.Role)
	}
	return checkCallerEligible(s, in.Claimant)
}

// ApplyClaim makes the claimant the owner.
func ApplyClaim(s *State, in ClaimInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	esc := s.escalation()
	s.OwnerID, s.HandedBy = in.Actor.ID, ""
	s.Status = StatusAssigned
	s.EscalationLevel = 0
	s.clearDeadlines()
	ev := s.record(now, in.Actor.ID, EventClaimed, map[string]any{"owner_id": s.OwnerID})
	s.tellEscalationHandled(ev, esc, "was claimed by "+s.who(in.Actor.ID))
	return []Event{ev}
}

// IsParticipant reports whether the actor takes part in the action: its creator, its owner, anyone
// a handover was made from or to, or a supervisor.
func IsParticipant(s *State, a Actor) bool {
	if a.ID == s.OwnerID || a.ID == s.CreatedBy || a.Role.SupervisorOrAbove() {
		return true
	}
	return slices.ContainsFunc(s.Handovers, func(h Handover) bool { return h.FromID == a.ID || h.ToID == a.ID })
}

// CheckNote refuses notes from people outside the action and empty notes.
func CheckNote(s *State, in NoteInput) error {
	if err := checkTransition(s, UpdateNote); err != nil {
		return err
	}
	if !IsParticipant(s, in.Actor) {
		return refuse(ErrForbidden, "only those who take part in this action can add notes: its creator, its owner, whoever a handover of it was made from or to, a supervisor or manager")
	}
	if blank(in.Text) {
		return refuse(ErrInvalid, "text: a note cannot be empty")
	}
	return nil
}

// ApplyNote adds the note to the timeline.
func ApplyNote(s *State, in NoteInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	return []Event{s.record(now, in.Actor.ID, EventNoteAdded, map[string]any{"text": in.Text})}
}

// CheckTold refuses a record of a message to the customer by anyone but the staff who own actions
// (whoever at the desk told the customer: the API lets only those who see the action send it) and
// the integration; of an entry that is no message to the customer, or one whose task has ended
// (told, or not needed); with an outcome it does not know; without a method for a message told or
// tried, or with one for a message not needed, which takes a note saying why instead. An undo is
// refused for a message whose task is open, from anyone but who made the record it undoes and the
// supervisors and managers, with a method, or without a note saying what was wrong.
func CheckTold(s *State, in ToldInput) error {
	if err := checkTransition(s, UpdateTold); err != nil {
		return err
	}
	m := s.message(in.MessageSeq)
	if !in.Actor.Role.CanOwn() && in.Actor.Role != RoleService {
		return refuse(ErrForbidden, "only the staff who look after customers (agents, supervisors, managers) or the integration record telling a customer")
	}
	if in.MessageSeq == 0 {
		return refuse(ErrInvalid, "message_seq: name the timeline entry of the message you told the customer")
	}
	if m == nil && in.MessageSeq > s.Version {
		return refuse(ErrInvalid, "message_seq: the timeline has no entry %d: it has %d", in.MessageSeq, s.Version)
	}
	if m == nil {
		return refuse(ErrInvalid, "message_seq: entry %d of the timeline is not a message to the customer", in.MessageSeq)
	}
	if in.Outcome == MessageUndo {
		return checkUndo(s, in, *m)
	}
	if m.EndedSeq != 0 {
		by := s.who(cmp.Or(m.EndedBy, "someone"))
		if m.NotNeeded {
			return refuse(ErrConflict, "%s recorded that the customer need not be told the message of entry %d (entry %d)", by, m.Seq, m.EndedSeq)
		}
		how := ""
		if m.DeliveredHow != "" {
			how = " by " + inWords(m.DeliveredHow)
		}
		return refuse(ErrConflict, "%s recorded telling the customer the message of entry %d already%s (entry %d)", by, m.Seq, how, m.EndedSeq)
	}
	switch in.Outcome {
	case "", MessageTold:
		if !Valid(ContactMethods, in.Method) {
			return refuse(ErrInvalid, "method: say how you told the customer: one of %s", strings.Join(ContactMethods, ", "))
		}
	case MessageNotReached:
		if !Valid(ContactMethods, in.Method) {
			return refuse(ErrInvalid, "method: say how you tried to reach the customer: one of %s", strings.Join(ContactMethods, ", "))
		}
	case MessageNotNeeded:
		if in.Method != "" {
			return refuse(ErrInvalid, "method: leave it out: a message the customer need not be told was not told them")
		}
		if blank(in.Note) {
			return refuse(ErrInvalid, "note: say why the customer need not be told (a later message says more, they know already)")
		}
	default:
		return refuse(ErrInvalid, "outcome: one of %s", strings.Join(MessageOutcomes, ", "))
	}
	return nil
}

// checkUndo refuses to undo the record that ended the task of telling the customer message m
// while none did, from anyone but who made it and the supervisors and managers, with a method, or
// without a note saying what was wrong with it.
func checkUndo(s *State, in ToldInput, m CustomerMessage) error {
	if m.EndedSeq == 0 {
		return refuse(ErrConflict, "nobody has recorded the message of entry %d told, or not needed: there is no record to undo (a try that did not reach the customer stays on the timeline: record what happened next)", m.Seq)
	}
	if in.Actor.ID != m.EndedBy && !in.Actor.Role.SupervisorOrAbove() {
		return refuse(ErrForbidden, "only %s, who made the record of entry %d, or a supervisor or manager may undo it", s.who(cmp.Or(m.EndedBy, "someone")), m.EndedSeq)
	}
	if in.Method != "" {
		return refuse(ErrInvalid, "method: leave it out: an undo says only what was wrong with the record")
	}
	if blank(in.Note) {
		return refuse(ErrInvalid, "note: say what was wrong with the record of entry %d (the customer was not reached after all, say)", m.EndedSeq)
	}
	return nil
}

// ApplyTold records what was done about the message to the customer: told them (its task ends),
// tried in vain (the task stays, counting the tries), or found they need not be told (it ends); or
// undoes the record that ended the task, which is open again.
func ApplyTold(s *State, in ToldInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	data := map[string]any{"message_seq": in.MessageSeq}
	if in.Note != "" {
		data["note"] = in.Note
	}
	m := s.message(in.MessageSeq)
	var ev Event
	switch in.Outcome {
	case MessageNotReached:
		data["method"], data["try"] = in.Method, m.Tries+1
		ev = s.record(now, in.Actor.ID, EventMessageNotReached, data)
		m.Tries, m.TriedSeq = m.Tries+1, ev.Seq
		if s.revision >= 23 {
			// A colleague's try: whoever was asked tries another way, or not straight away again.
			s.tellAsked(ev, *m, fmt.Sprintf("%s tried to tell the customer of %s the message of entry %d (%s) and could not reach them (try %d): it is still yours to tell.",
				s.who(in.Actor.ID), s.title(), m.Seq, inWords(in.Method), m.Tries))
		}
	case MessageUndo:
		ev = s.undoRecord(now, in.Actor.ID, m, data)
	case MessageNotNeeded:
		ev = s.record(now, in.Actor.ID, EventMessageNotNeeded, data)
		m.EndedSeq, m.EndedBy, m.NotNeeded = ev.Seq, in.Actor.ID, true
		s.tellAsked(ev, *m, fmt.Sprintf("%s recorded that the customer of %s need not be told the message of entry %d: it is no longer yours to tell.", s.who(in.Actor.ID), s.title(), m.Seq))
	default:
		data["method"] = in.Method
		ev = s.record(now, in.Actor.ID, EventMessageDelivered, data)
		m.EndedSeq, m.EndedBy, m.DeliveredHow = ev.Seq, in.Actor.ID, in.Method
		s.tellAsked(ev, *m, fmt.Sprintf("%s told the customer of %s the message of entry %d (%s): it is no longer yours to tell.", s.who(in.Actor.ID), s.title(), m.Seq, inWords(in.Method)))
	}
	return []Event{ev}
}

// undoRecord records undoing the record that ended the task of telling the customer message m,
// which is open again, and tells whoever sees the task again (who was asked to tell it, else the
// team's supervisors; the owner, while the action is open: revision 23), and whoever made the
// record, when someone else undid it.
func (s *State) undoRecord(now time.Time, actorID string, m *CustomerMessage, data map[string]any) Event {
	ended, by, how := m.EndedSeq, m.EndedBy, "not needed"
	if !m.NotNeeded {
		how = "told, " + cmp.Or(inWords(m.DeliveredHow), "how not said")
	}
	data["undone_seq"] = ended
	ev := s.record(now, actorID, EventMessageRecordUndone, data)
	m.EndedSeq, m.EndedBy, m.DeliveredHow, m.NotNeeded, m.UndoneSeq = 0, "", "", false, ev.Seq
	what := fmt.Sprintf("%s undid the record of entry %d (%s) of %s", s.who(actorID), ended, how, s.title())
	yours := fmt.Sprintf("%s undid your record of entry %d (%s) of %s", s.who(actorID), ended, how, s.title())
	// Each named first, in their own words: a supervisor among them also told as one of the team's
	// supervisors keeps those (the inbox holds one record of a person's per entry and kind).
	if m.AskedID != "" && m.AskedID != actorID {
		s.notify(ev, NotifyMessageRecorded, []string{m.AskedID}, "",
			fmt.Sprintf("%s: the customer is still to be told the message of entry %d, and it is yours to tell again.", what, m.Seq))
	}
	if by != "" && by != actorID && by != m.AskedID {
		s.notify(ev, NotifyMessageRecorded, []string{by}, "",
			fmt.Sprintf("%s: the customer is still to be told the message of entry %d.", yours, m.Seq))
	}
	if owner := s.OwnerID; s.revision >= 23 && !s.Status.Final() && owner != "" && owner != actorID && owner != m.AskedID && owner != by {
		// The owner now sees the task in their inbox too (handed the action since it was sent).
		s.notify(ev, NotifyMessageRecorded, []string{owner}, "",
			fmt.Sprintf("%s: the customer is still to be told the message of entry %d, which your inbox lists while the action is yours.", what, m.Seq))
	}
	if m.AskedID == "" && s.revision >= 23 {
		// Given to the team's supervisors (nobody owned the action): theirs to tell again.
		s.notify(ev, NotifyMessageRecorded, nil, RoleSupervisor,
			fmt.Sprintf("%s: the customer is still to be told the message of entry %d.", what, m.Seq))
	}
	return ev
}

// tellAsked (revision 22) tells whoever was asked to tell the customer a message that someone else
// recorded it: the task left their inbox without a word, and they might still call the customer.
func (s *State) tellAsked(ev Event, m CustomerMessage, message string) {
	if s.revision < 22 || m.AskedID == "" || m.AskedID == ev.ActorID {
		return
	}
	s.notify(ev, NotifyMessageRecorded, []string{m.AskedID}, "", message)
}

// MessageUndelivered (revision 22) records that the integration could not send the customer the
// message of entry seq, and asks the owner (else the team's supervisors) to tell them by hand, as
// where no integration sends messages: the task is listed with the others until someone records
// it. Nothing for an earlier revision, a message already told or not needed, or one given to be
// told by hand before.
func (s *State) MessageUndelivered(now time.Time, seq int64) []Event {
	m := s.message(seq)
	if s.revision < 22 || m == nil || m.EndedSeq != 0 || m.Undelivered {
		return nil
	}
	ev := s.record(now, SystemActor, EventMessageUndelivered, map[string]any{"message_seq": seq})
	m = s.message(seq)
	m.Undelivered, m.AskedID = true, s.OwnerID
	var to []string
	role := Role("")
	if s.OwnerID != "" {
		to = []string{s.OwnerID}
	} else {
		role = RoleSupervisor
	}
	s.notify(ev, NotifyCustomerMessage, to, role, fmt.Sprintf("The integration could not send the customer of %s the message of entry %d of its timeline: tell them yourself, and record how.", s.title(), seq))
	n := &s.outbox[len(s.outbox)-1]
	n.Seq, n.Event, n.ByHand = seq, EventCustomerTold, true
	return []Event{ev}
}

// WarnUntold (revision 23) records, once, the messages to the customer that the read model still
// gives someone to tell (tasks) and that the state knows untold, a day before the ended action's
// records close at closeAt, and tells those asked and the team's supervisors: after closeAt
// nobody can record them, and the tasks leave the inbox. Nothing when none is untold.
func (s *State) WarnUntold(now, closeAt time.Time, tasks []UntoldTask) []Event {
	if s.UntoldWarned {
		return nil
	}
	s.UntoldWarned = true
	var seqs []int64
	var asked []string
	for _, t := range tasks {
		if m := s.message(t.Seq); m == nil || m.EndedSeq != 0 {
			continue // recorded since the read model was read, or no message
		}
		if !slices.Contains(seqs, t.Seq) {
			seqs = append(seqs, t.Seq)
		}
		if t.RecipientID != "" && !slices.Contains(asked, t.RecipientID) {
			asked = append(asked, t.RecipientID)
		}
	}
	if len(seqs) == 0 {
		return nil
	}
	slices.Sort(seqs)
	slices.Sort(asked)
	closeAt = stamp(closeAt)
	ev := s.record(now, SystemActor, EventMessagesUntold, map[string]any{"message_seqs": seqs, "records_close_at": closeAt})
	entries := make([]string, len(seqs))
	for i, seq := range seqs {
		entries[i] = strconv.FormatInt(seq, 10)
	}
	what := "the message of entry " + entries[0]
	if len(entries) > 1 {
		what = "the messages of entries " + listWords(entries)
	}
	s.notify(ev, NotifyMessagesUntold, asked, RoleSupervisor, fmt.Sprintf(
		"The customer of %s has still not been told %s, and the action's records close at %s: tell them and record it, or record that they need not be told. After that nobody can.",
		s.title(), what, closeAt.UTC().Format(time.RFC3339)))
	return []Event{ev}
}

// message is the message to the customer recorded at seq, or nil.
func (s *State) message(seq int64) *CustomerMessage {
	for i := range s.Messages {
		if s.Messages[i].Seq == seq {
			return &s.Messages[i]
		}
	}
	return nil
}

// CheckFeedback refuses feedback on anything but an accepted handover, from anyone but its
// recipient, outside 1-5, or given twice.
func CheckFeedback(s *State, in FeedbackInput) error {
	if err := checkTransition(s, UpdateFeedback); err != nil {
		return err
	}
	i := slices.IndexFunc(s.Handovers, func(h Handover) bool { return h.ID == in.HandoverID })
	if i < 0 {
		return refuse(ErrNotFound, "this action has no handover %q", in.HandoverID)
	}
	h := s.Handovers[i]
	switch {
	case in.Actor.ID != h.ToID:
		return refuse(ErrForbidden, "only the recipient of a handover can rate it")
	case h.Status != HandoverAccepted:
		return refuse(ErrConflict, "only an accepted handover can be rated; this one is %s", h.Status)
	case h.FeedbackRating != 0:
		return refuse(ErrConflict, "this handover was already rated")
	case in.Rating < 1 || in.Rating > 5:
		return refuse(ErrInvalid, "rating: must be from 1 to 5")
	case in.Rating <= 2 && blank(in.Comment):
		// A low rating alone tells the person who handed it over, and the review, nothing to mend.
		return refuse(ErrInvalid, "comment: say what was missing: a rating of 1 or 2 needs a comment")
	}
	return nil
}

// ranForThemselves says the handover's recipient ran the shift handover it was made in (revision
// 27): they need not be told of their own read-back or rating.
func (s *State) ranForThemselves(h *Handover) bool {
	return s.revision >= 27 && h.StartedBy == h.ToID
}

// ApplyFeedback records the rating and tells the person who made the handover.
func ApplyFeedback(s *State, in FeedbackInput, now time.Time) []Event {
	s.knowActor(in.Actor)
	i := slices.IndexFunc(s.Handovers, func(h Handover) bool { return h.ID == in.HandoverID })
	h := &s.Handovers[i]
	h.FeedbackRating, h.FeedbackComment = in.Rating, in.Comment
	ev := s.record(now, in.Actor.ID, EventFeedbackGiven, map[string]any{
		"handover_id": h.ID, "rating": in.Rating, "comment": in.Comment, "situation": h.Situation,
	})
	msg := fmt.Sprintf("%s rated your handover of %s %d/5: %s", s.who(h.ToID), s.title(), in.Rating, in.Comment)
	if s.revision >= 12 && in.Comment == "" {
		msg = fmt.Sprintf("%s rated your handover of %s %d/5.", s.who(h.ToID), s.title(), in.Rating)
	}
	s.notify(ev, NotifyFeedback, []string{h.FromID}, "", msg)
	if h.StartedBy != "" && !s.ranForThemselves(h) {
		// Who ran the shift handover hears how its notes served too (revision 26).
		msg = fmt.Sprintf("%s rated the handover of %s you passed on for %s in a shift handover %d/5", s.who(h.ToID), s.title(), s.who(h.FromID), in.Rating)
		if in.Comment != "" {
			msg += ": " + in.Comment
		} else {
			msg += "."
		}
		s.notify(ev, NotifyFeedback, []string{h.StartedBy}, "", msg)
	}
	return []Event{ev}
}
