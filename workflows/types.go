package workflows

import (
	"maps"
	"slices"
	"time"

	"github.com/handover/handover/calendar"
)

// Status is where an action stands in its lifecycle.
type Status string

// The statuses of SPEC section 3; completed and cancelled are final.
const (
	StatusUnassigned      Status = "unassigned"
	StatusAssigned        Status = "assigned"
	StatusHandoverPending Status = "handover_pending"
	StatusChecking        Status = "checking"
	StatusEscalated       Status = "escalated"
	StatusCompleted       Status = "completed"
	StatusCancelled       Status = "cancelled"
)

// Final reports whether no command can change the action any more.
func (s Status) Final() bool { return s == StatusCompleted || s == StatusCancelled }

// Role is what a person or integration may do.
type Role string

// Roles, from front-line staff to integrations.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleManager    Role = "manager"
	RoleAdmin      Role = "admin"
	RoleService    Role = "service"
)

// Roles lists every role, for validation.
var Roles = []Role{RoleAgent, RoleSupervisor, RoleManager, RoleAdmin, RoleService}

// SupervisorOrAbove reports whether the role may supervise actions in its scope: reassign,
// extend, escalate, cancel, complete or check any of them. Administrators manage staff, not actions.
func (r Role) SupervisorOrAbove() bool {
	return r == RoleSupervisor || r == RoleManager
}

// FirstEscalationLevel is the lowest escalation level whose alerts reach people of this role on
// the default ladder (a supervisor's 1, a manager's 2), or 0 when none does.
func (r Role) FirstEscalationLevel() int {
	return slices.Index(DefaultLadder, r) + 1
}

// CanOwn reports whether people of this role can own and receive actions.
func (r Role) CanOwn() bool {
	return r == RoleAgent || r == RoleSupervisor || r == RoleManager
}

// Handover methods of exchange (unit 214 2.3, PPL2GEN11 PC4).
var Methods = []string{"written", "email", "phone", "face_to_face", "chat", "report"}

// ContactMethods are the ways a member of staff tells a customer a message the action sent them.
var ContactMethods = []string{"phone", "email", "text_message", "chat", "face_to_face", "letter"}

// What a record of a message to the customer says of it (ToldInput.Outcome): told them (the
// default), tried and could not reach them, or they need not be told; or that the record which
// ended its task (told, not needed) was a mistake, so the message is to tell again.
const (
	MessageTold       = "told"
	MessageNotReached = "not_reached"
	MessageNotNeeded  = "not_needed"
	MessageUndo       = "undo"
)

// MessageOutcomes are the outcomes a record of a message to the customer may give.
var MessageOutcomes = []string{MessageTold, MessageNotReached, MessageNotNeeded, MessageUndo}

// Situations a handover is made in (workbook "four situations").
var Situations = []string{"routine", "busy", "quiet", "let_down"}

// Priorities of an action.
var Priorities = []string{"low", "normal", "high", "urgent"}

// Valid reports whether v is one of the allowed values.
func Valid(allowed []string, v string) bool { return slices.Contains(allowed, v) }

// Actor is who causes a change: a person, an integration, or the system itself.
type Actor struct {
	ID   string `json:"id"`
	Role Role   `json:"role"`
	// Name is the person's name, which messages give from revision 10 (empty from callers of an
	// earlier version, and for the workflow's own timers).
	Name string `json:"name,omitempty"`
}

// Causes of a change, recorded on every timeline event.
const (
	CauseRequest = "request"
	CauseTimer   = "timer"
	// CauseShiftHandover marks a handover made by a shift handover: its actor is the outgoing
	// owner, and its data names the shift handover and who started it.
	CauseShiftHandover = "shift_handover"
)

// Customer is who the action is for.
type Customer struct {
	Ref     string `json:"ref"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

// HandoverNotes is the packet the recipient reads: everything needed to carry on (PPL2GEN11 PC7).
type HandoverNotes struct {
	Summary         string `json:"summary"`
	CustomerContext string `json:"customer_context"`
	DoneSoFar       string `json:"done_so_far"`
	NextSteps       string `json:"next_steps"`
	Risks           string `json:"risks"`
	// Fields holds the note fields the category's policy asks a handover to fill (a refund's
	// amount and payment reference, say), by name.
	Fields map[string]string `json:"fields,omitempty"`
}

// CoreNotes are the notes every handover has a place for; a policy's required fields may name
// them as well as fields of its own.
var CoreNotes = []string{"summary", "customer_context", "done_so_far", "next_steps", "risks"}

// Core returns the core note of that name, and whether there is one.
func (n HandoverNotes) Core(name string) (string, bool) {
	switch name {
	case "summary":
		return n.Summary, true
	case "customer_context":
		return n.CustomerContext, true
	case "done_so_far":
		return n.DoneSoFar, true
	case "next_steps":
		return n.NextSteps, true
	case "risks":
		return n.Risks, true
	}
	return "", false
}

// Lacks names the notes of required (core notes, or fields of the policy's own) these notes leave
// blank, in the order given.
func (n HandoverNotes) Lacks(required []string) []string {
	var out []string
	for _, f := range required {
		v, core := n.Core(f)
		if !core {
			v = n.Fields[f]
		}
		if blank(v) {
			out = append(out, f)
		}
	}
	return out
}

// Handover statuses.
const (
	HandoverPending   = "pending"
	HandoverAccepted  = "accepted"
	HandoverDeclined  = "declined"
	HandoverExpired   = "expired"
	HandoverWithdrawn = "withdrawn"
)

// Handover is one passing of responsibility from one person to another.
type Handover struct {
	ID              string        `json:"id"`
	FromID          string        `json:"from_id"`
	ToID            string        `json:"to_id"`
	Reason          string        `json:"reason"`
	Method          string        `json:"method"`
	Situation       string        `json:"situation"`
	Notes           HandoverNotes `json:"notes"`
	CustomerMessage string        `json:"customer_message"`
	FollowUpAt      *time.Time    `json:"follow_up_at"`
	Status          string        `json:"status"`
	RequestedAt     time.Time     `json:"requested_at"`
	// ExpiresAt is when the handover lapses if the recipient has not answered.
	ExpiresAt *time.Time `json:"expires_at"`
	// AcceptWithin is the time the recipient was given to answer, on the action's clock (a pause
	// moves ExpiresAt on, not this); zero in handovers made before it was kept.
	AcceptWithin  time.Duration `json:"accept_within,omitempty"`
	RespondedAt   *time.Time    `json:"responded_at"`
	AcceptSummary string        `json:"accept_summary"`
	DeclineReason string        `json:"decline_reason"`
	// FeedbackRating (1-5, 0 for none) and FeedbackComment are the recipient's view of the
	// handover: was the information enough?
	FeedbackRating  int    `json:"feedback_rating"`
	FeedbackComment string `json:"feedback_comment"`
	// ShiftHandoverID names the shift handover it was part of.
	ShiftHandoverID string `json:"shift_handover_id"`
	// ToName is the recipient's name, for the customer's message (revision 7).
	ToName string `json:"to_name,omitempty"`
	// StartedBy is who started the shift handover it was part of, when that was someone else than
	// the one handing over (a supervisor or a manager), who is told its read-back and its rating
	// (revision 26); "" otherwise.
	StartedBy string `json:"started_by,omitempty"`
}

// State is the whole live state of one action, as the workflow holds it and as queries return it.
type State struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Details  string   `json:"details"`
	Category string   `json:"category"`
	Priority string   `json:"priority"`
	Customer Customer `json:"customer"`
	// Internal is an action with no customer (the team's own work: restock the minibars): nobody
	// is asked to tell a customer anything of it, and no message to one is taken.
	Internal          bool      `json:"internal,omitempty"`
	Status            Status    `json:"status"`
	OwnerID           string    `json:"owner_id"`
	TeamID            string    `json:"team_id"`
	RequiredAuthority int       `json:"required_authority"`
	DueAt             time.Time `json:"due_at"`
	EscalationLevel   int       `json:"escalation_level"`
	EscalationReason  string    `json:"escalation_reason"`
	// EscalatedAt is when the action reached its escalation level, and EscalationPaused how much of
	// the action's time since then it has been paused (its clocks standing still): read from
	// revision 20 on, and only while it is escalated.
	EscalatedAt      *time.Time    `json:"escalated_at,omitempty"`
	EscalationPaused time.Duration `json:"escalation_paused,omitempty"`
	// EscalatedBy is who set the escalation going, told how it ends (revision 28): whoever
	// escalated it by hand or by a check that found it not done, or the hander whose check was
	// not made in time; "" when the clock alone escalated it. EscalationFrom is the level it began
	// at: each level from there up to the one it reached is told how it ends. Both are kept
	// after the escalation ends, until the next one.
	EscalatedBy    string `json:"escalated_by,omitempty"`
	EscalationFrom int    `json:"escalation_from,omitempty"`
	// EscalationCause is the reason it was escalated first (revision 28): once it has climbed,
	// its reason is the climb's ("no action within 1h of the escalation"), and those it climbs to
	// read this one too.
	EscalationCause   string `json:"escalation_cause,omitempty"`
	PendingHandoverID string `json:"pending_handover_id"`
	// HandedBy is who handed the action to its current owner by a handover (set on accepting it,
	// cleared when the owner changes otherwise: a reassignment or a claim). Revision 6 on.
	HandedBy string `json:"handed_by,omitempty"`
	// handerKnown: HandedBy holds the hander whatever the revision (a state read back from the
	// read model, whose hander the workflow reckoned; see WithHander).
	handerKnown bool
	Handovers   []Handover `json:"handovers"`
	Outcome     string     `json:"outcome"`
	Policy      Policy     `json:"policy"`
	// Ladder is who is alerted at each escalation level: level 1 is Ladder[0].
	Ladder []Role `json:"ladder"`
	// The deadlines the workflow sleeps to; nil when the current status has none.
	AssignBy   *time.Time `json:"assign_by"`
	CheckBy    *time.Time `json:"check_by"`
	EscalateBy *time.Time `json:"escalate_by"`
	// CheckRemindAt is when the person who handed the action over is next reminded to check it,
	// while it waits for its check (revision 16); only read in status checking.
	CheckRemindAt *time.Time `json:"check_remind_at,omitempty"`
	// FollowUp is the next reminder for the person who handed the action over.
	FollowUp *FollowUp `json:"follow_up"`
	// Calendar is the team's calendar as it was when the action started; nil is open around the
	// clock. With a business-time policy every deadline counts open time on it.
	Calendar *calendar.Calendar `json:"calendar,omitempty"`
	// Paused is true while the action waits on the customer: every clock that leads to an
	// escalation stands still from PausedAt until it is resumed.
	Paused      bool       `json:"paused"`
	PausedAt    *time.Time `json:"paused_at,omitempty"`
	PauseReason string     `json:"pause_reason,omitempty"`
	// ResumeAt is when a paused action resumes by itself, as its pause asked (revision 24); nil:
	// it waits until someone resumes it.
	ResumeAt *time.Time `json:"resume_at,omitempty"`
	// PauseRemindAt is when the owner of an action paused without an end is next reminded that
	// it waits on the customer (revision 25): every Policy.PauseRemindEvery while it stays paused.
	PauseRemindAt *time.Time `json:"pause_remind_at,omitempty"`
	// DueFixed is true when the due time was given as a time (not a duration) while the action
	// was paused: resuming leaves it where it was given (revision 5).
	DueFixed bool `json:"due_fixed,omitempty"`
	// DueLeftStored is DueLeft as the read model recorded it, for a state read back from there,
	// which has no calendar to count it on. The workflow neither sets nor keeps it.
	DueLeftStored *time.Duration `json:"-"`
	// compiled is Calendar ready for the maths, made on first use.
	compiled *calendar.Clock
	// RecentRequests remembers the last Idempotency-Keys used on the action with a hash of
	// their request, oldest first, so a key reused for a different request is refused.
	RecentRequests []Idempotency `json:"recent_requests"`
	// outbox holds the notifications the last change asks for; the workflow sends and clears it.
	outbox []Notification
	// shiftOutbox holds the outcomes to tell shift handovers; the workflow signals and clears it.
	shiftOutbox []shiftSignal
	// byShift, while a shift handover's command is applied, names that shift handover: its events
	// get the cause shift_handover and its ID (see forShift).
	byShift string
	// Names are the names of the people the action's messages name, by staff ID (revision 10): the
	// creator, the owners, each actor and each recipient, as they were last given.
	Names map[string]string `json:"names,omitempty"`
	// revision is the StartInput's Revision, set by the workflow: changes to what a command does
	// branch on it, so that histories recorded before a change replay as they ran.
	revision  int
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version is the sequence number of the last timeline event: it orders projections.
	Version int64 `json:"version"`
	// Changed is the version of the last change a decision on the action is to see, and
	// ChangedType and ChangedBy that change's event type and actor: every event but a reminder or
	// a rating (a reminder repeats what the page shows). A command for a version from Changed on is
	// for the action as it stands (If-Match). A run continued from one without them (0) takes any.
	Changed     int64  `json:"changed,omitempty"`
	ChangedType string `json:"changed_type,omitempty"`
	ChangedBy   string `json:"changed_by,omitempty"`
	// ClosedBy is who completed or cancelled the action (SystemActor for a timer): a refusal
	// names them when notes, ratings or records of telling the customer came after. "" while it
	// is open, and for one closed in a run continued from a release without it.
	ClosedBy string `json:"closed_by,omitempty"`
	// RequestHash identifies the create request, so a repeated Idempotency-Key with a different
	// body can be told apart from a plain retry.
	RequestHash string `json:"request_hash"`
	// Messages are the action's messages to the customer, oldest first (for a run continued from
	// one whose worker did not keep them, those since).
	Messages []CustomerMessage `json:"messages,omitempty"`
	// UntoldWarned (revision 23) is true once the ended action was looked at for messages still
	// to tell before its records close (whether or not any were).
	UntoldWarned bool `json:"untold_warned,omitempty"`
	// UntoldWarnAt (revision 23) is when that look is due: set when the ended action starts
	// taking records, so that a run continued as new meanwhile looks when the first would have.
	UntoldWarnAt time.Time `json:"untold_warn_at,omitzero"`
}

// CustomerMessage is one message to the customer (an EventCustomerTold) and whether someone has
// recorded telling it.
type CustomerMessage struct {
	Seq int64 `json:"seq"`
	// AskedID owned the action when the message was sent: without an integration, they are asked
	// to tell the customer.
	AskedID string `json:"asked_id"`
	// EndedSeq is the entry that ended the task, 0 while it is open: the EventMessageDelivered
	// that recorded it told, or the EventMessageNotNeeded (NotNeeded) that recorded it need not
	// be; EndedBy who recorded it, and DeliveredHow how the customer was told.
	EndedSeq     int64  `json:"delivered_seq,omitempty"`
	EndedBy      string `json:"delivered_by,omitempty"`
	DeliveredHow string `json:"delivered_how,omitempty"`
	NotNeeded    bool   `json:"not_needed,omitempty"`
	// Undelivered (revision 22) is true once the integration failed to send it: AskedID is then
	// who was asked to tell it by hand.
	Undelivered bool `json:"undelivered,omitempty"`
	// Tries counts the EventMessageNotReached that recorded trying to tell the customer in vain,
	// the last at TriedSeq.
	Tries    int   `json:"tries,omitempty"`
	TriedSeq int64 `json:"tried_seq,omitempty"`
	// UndoneSeq is the last EventMessageRecordUndone, which reopened the task: the record that
	// ended it was a mistake.
	UndoneSeq int64 `json:"undone_seq,omitempty"`
}

// PendingHandover returns the handover awaiting acceptance, or nil.
func (s *State) PendingHandover() *Handover {
	if s.PendingHandoverID == "" {
		return nil
	}
	for i := range s.Handovers {
		if s.Handovers[i].ID == s.PendingHandoverID {
			return &s.Handovers[i]
		}
	}
	return nil
}

// Clone returns a copy that shares nothing mutable with s. (The times and the follow-up it points
// to, and the calendar snapshot, are shared: the lifecycle replaces them, never changes them.)
func (s State) Clone() State {
	s.Handovers = slices.Clone(s.Handovers)
	for i := range s.Handovers {
		s.Handovers[i].Notes.Fields = maps.Clone(s.Handovers[i].Notes.Fields)
	}
	s.Policy.RequiredFields = slices.Clone(s.Policy.RequiredFields)
	s.Ladder = slices.Clone(s.Ladder)
	s.Names = maps.Clone(s.Names)
	s.RecentRequests = slices.Clone(s.RecentRequests)
	s.Messages = slices.Clone(s.Messages)
	s.outbox = slices.Clone(s.outbox)
	s.shiftOutbox = slices.Clone(s.shiftOutbox)
	return s
}

// shiftSignal is the outcome of a handover made as part of a shift handover.
type shiftSignal struct {
	shiftID string
	result  ShiftItemResult
}

// TakeOutbox returns the notifications asked for since the last call and clears them.
func (s *State) TakeOutbox() []Notification {
	out := s.outbox
	s.outbox = nil
	return out
}

// FollowUp is a reminder to the person who handed an action over to check with its new owner.
type FollowUp struct {
	HanderID string        `json:"hander_id"`
	At       time.Time     `json:"at"`
	Every    time.Duration `json:"every"`
	// First is when the hander was first due to follow up; it stays due until the check.
	First time.Time `json:"first"`
}

// DueFrom is when the follow-up became due: First, or At for a reminder set before First existed.
func (f *FollowUp) DueFrom() time.Time {
	if f.First.IsZero() {
		return f.At
	}
	return f.First
}

// Policy holds the durations of a category's lifecycle, resolved when the action starts: the
// action keeps them even if the category's policy changes later.
type Policy struct {
	Version        int           `json:"version"`
	AcceptWithin   time.Duration `json:"accept_within"`
	CheckWithin    time.Duration `json:"check_within"`
	EscalateWithin time.Duration `json:"escalate_within"`
	AssignWithin   time.Duration `json:"assign_within"`
	// FollowUpEvery is how often the hander is reminded after the first follow-up.
	FollowUpEvery time.Duration `json:"follow_up_every"`
	// PauseRemindEvery is how often an action paused without an end reminds its owner (revision
	// 25): the clock on the wall, moved to the team's next opening on a business-time clock.
	PauseRemindEvery time.Duration `json:"pause_remind_every,omitempty"`
	// Clock is ClockBusiness (count open time on the team's calendar; the default) or Clock247.
	Clock string `json:"clock,omitempty"`
	// RequiredFields names the note fields a handover of the category must fill.
	RequiredFields []string `json:"required_fields,omitempty"`
}

// Policy clocks.
const (
	ClockBusiness = "business"
	Clock247      = "24/7"
)

// DefaultPolicy applies where neither the category nor the action says otherwise.
var DefaultPolicy = Policy{
	AcceptWithin: 30 * time.Minute, CheckWithin: time.Hour, EscalateWithin: time.Hour,
	AssignWithin: 30 * time.Minute, FollowUpEvery: time.Hour, PauseRemindEvery: PauseRemindEvery,
}

// DefaultLadder is who is alerted as an action climbs the escalation levels.
var DefaultLadder = []Role{RoleSupervisor, RoleManager}

// Notification is a message to people about an action: an inbox record for each, and a webhook.
type Notification struct {
	ActionID string `json:"action_id"`
	// Seq is the timeline event that caused it; with Kind it identifies the notification.
	Seq  int64  `json:"seq"`
	Kind string `json:"kind"`
	// Event is the type of that timeline event (empty on notifications made before it was kept).
	Event string `json:"event,omitempty"`
	// To names people; ToRole names everyone of that role in TeamID (managers: in any team).
	To      []string  `json:"to"`
	ToRole  Role      `json:"to_role"`
	TeamID  string    `json:"team_id"`
	ActorID string    `json:"actor_id"`
	Cause   string    `json:"cause"`
	Title   string    `json:"title"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
	// Customer is set on messages meant for the customer.
	Customer *Customer `json:"customer,omitempty"`
	// OwnerID, Status and Version are the action as it stood once the change was applied (with
	// any made with it), on webhook deliveries: a receiver need not read the action back, and can
	// tell which of two deliveries is the later state.
	OwnerID string `json:"owner_id,omitempty"`
	Status  Status `json:"status,omitempty"`
	Version int64  `json:"version,omitempty"`
	// CustomerRef is the action's customer reference (not personal data: the integration's own
	// key, such as a booking), so that a receiver finds the customer without reading the action.
	CustomerRef string `json:"customer_ref,omitempty"`
	// Webhook is true on a notification sent for the webhook: the worker that projected its
	// change has one. A worker without one (configured apart from the others) must not take it
	// as sent.
	Webhook bool `json:"webhook,omitempty"`
	// EscalatedOwner is, on escalation_handled, who owned the action while it was escalated: when
	// they are the only holders of ToRole, the escalation went on up to the next role, and so does
	// the word that it was handled.
	EscalatedOwner string `json:"escalated_owner,omitempty"`
	// AlsoRoles are, on escalation_handled (revision 28), the levels below ToRole that the
	// escalation went through, whose holders were alerted and are told how it ended too.
	AlsoRoles []Role `json:"also_roles,omitempty"`
	// Follows is set on each notification of a change but its first: told to nobody in the end
	// (its only reader made the change), it goes to no webhook, where the first one, or one that
	// told someone, carries the change.
	Follows bool `json:"follows,omitempty"`
	// ByHand (revision 22) is set on a message to the customer that the integration could not
	// send: its Seq is the message's entry, and it asks the owner (else the team's supervisors) to
	// tell the customer themselves, in the inbox, with a webhook configured or not. It goes to no
	// webhook.
	ByHand bool `json:"by_hand,omitempty"`
}

// Notification kinds.
const (
	NotifyHandoverRequested = "handover_requested"
	NotifyHandoverAccepted  = "handover_accepted"
	NotifyHandoverDeclined  = "handover_declined"
	NotifyHandoverExpired   = "handover_expired"
	NotifyHandoverWithdrawn = "handover_withdrawn"
	NotifyFollowUp          = "follow_up"
	NotifyOutcomeAsked      = "outcome_asked"
	NotifyCheckAsked        = "check_asked"
	NotifyEscalated         = "escalated"
	NotifyAssigned          = "assigned"
	NotifyCompleted         = "completed"
	NotifyCancelled         = "cancelled"
	NotifyUnassigned        = "unassigned"
	NotifyCustomerMessage   = "customer_message"
	NotifyFeedback          = "feedback"
	// NotifyMessageRecorded (revision 22): someone else recorded a message to the customer the
	// person was asked to tell as told, or not needed: it is no longer theirs to tell; or undid
	// such a record (theirs, or one of the message they were asked to tell): it is to tell again;
	// or tried and could not reach the customer (revision 23): it is still theirs.
	NotifyMessageRecorded = "message_recorded"
	// NotifyMessagesUntold (revision 23): the ended action's records close within a day and
	// messages given to someone to tell its customer are still not recorded told, nor not needed.
	NotifyMessagesUntold = "messages_untold"
	// NotifyEscalationHandled: someone acted on an escalated action (reassigned, extended,
	// claimed, completed or cancelled it); told to the level it had reached (revision 17).
	NotifyEscalationHandled = "escalation_handled"
	// NotifyShiftLeftOver: an action a shift handover left with the outgoing person (not tied to
	// a timeline event of the action: its inbox record's seq is negative).
	NotifyShiftLeftOver = "shift_left_over"
	// NotifyOwnerOffShift: an open action whose owner went off shift still owning it (not tied to
	// a timeline event of the action either: its seq is negative, one for every action of one end
	// of shift).
	NotifyOwnerOffShift = "owner_off_shift"
	// NotifyPauseReminder (revision 25): an action paused without an end still waits on the
	// customer, an interval of its policy after its pause or its last reminder.
	NotifyPauseReminder = "pause_reminder"
	// NotifyCorrected tells the owner, and the recipient of a handover waiting for an answer, that
	// someone else corrected what the action says.
	NotifyCorrected = "corrected"
)

// Event is one entry of the append-only timeline.
type Event struct {
	Seq     int64          `json:"seq"`
	Type    string         `json:"type"`
	ActorID string         `json:"actor_id"`
	Cause   string         `json:"cause"`
	At      time.Time      `json:"at"`
	Data    map[string]any `json:"data"`
}

// Event types of the timeline.
const (
	EventCreated           = "created"
	EventHandoverRequested = "handover_requested"
	EventHandoverAccepted  = "handover_accepted"
	EventHandoverDeclined  = "handover_declined"
	EventHandoverWithdrawn = "handover_withdrawn"
	EventCompleted         = "completed"
	EventNoteAdded         = "note_added"
	EventHandoverExpired   = "handover_expired"
	EventDue               = "due"
	EventChecked           = "checked"
	EventEscalated         = "escalated"
	EventReassigned        = "reassigned"
	EventExtended          = "extended"
	EventCancelled         = "cancelled"
	EventClaimed           = "claimed"
	EventFollowUpReminder  = "follow_up_reminder"
	// EventFollowedUp: the hander recorded their follow-up with the owner.
	EventFollowedUp = "followed_up"
	// EventEscalationReminder: the top of the ladder alerted again (revision 7).
	EventEscalationReminder = "escalation_reminder"
	// EventCustomerTold: a message to the customer, sent by the integration when there is one,
	// else given to the action's owner to tell them (EventMessageDelivered records that they did).
	EventCustomerTold = "customer_told"
	// EventMessageDelivered: someone told the customer the message of an EventCustomerTold
	// (its seq is message_seq), and how.
	EventMessageDelivered = "message_delivered"
	// EventMessageNotReached: someone tried to tell the customer the message of an
	// EventCustomerTold and could not reach them (how they tried, and which try it was); the task
	// stays open.
	EventMessageNotReached = "message_not_reached"
	// EventMessageNotNeeded: someone recorded that the customer need not be told the message of
	// an EventCustomerTold (a later one says more, they knew already), and why; the task ends.
	EventMessageNotNeeded = "message_not_needed"
	// EventMessageRecordUndone: someone undid the record (an EventMessageDelivered or an
	// EventMessageNotNeeded, its undone_seq) that ended the task of telling the customer the
	// message of an EventCustomerTold, saying what was wrong with it; the task is open again.
	EventMessageRecordUndone = "message_record_undone"
	// EventMessagesUntold (revision 23): the ended action's records close at records_close_at, and
	// the messages of message_seqs, given to someone to tell the customer, are still to tell; those
	// asked and the team's supervisors are told.
	EventMessagesUntold = "messages_untold"
	// EventMessageUndelivered (revision 22): the integration could not send the customer the
	// message of an EventCustomerTold (it refused it, or a day of retries failed), so the owner is
	// asked to tell them by hand.
	EventMessageUndelivered = "message_undelivered"
	EventFeedbackGiven      = "feedback_given"
	EventPaused             = "paused"
	EventResumed            = "resumed"
	// EventPauseReminder (revision 25): the action has been paused without an end for another of
	// its policy's intervals, and its owner (nobody owning it, the team's supervisors; escalated,
	// those it is escalated to as well) is reminded of it.
	EventPauseReminder = "pause_reminder"
	// EventCorrected records a correction of what the action says: each field changed, with what
	// it said before (field_was).
	EventCorrected = "corrected"
)

// Kinds of escalation reason, recorded on each escalation event beside the reason's text so that
// reports and metrics can count them.
const (
	EscalationNotAssigned = "not_assigned" // nobody took it within assign_within (or, from revision 29, by its due time)
	EscalationNotAccepted = "not_accepted" // a handover lapsed after accept_within
	EscalationNotChecked  = "not_checked"  // no check within check_within of the due time
	EscalationNoAction    = "no_action"    // nobody acted within escalate_within: next level
	EscalationNotDone     = "not_done"     // the check found it not done
	EscalationByHand      = "by_hand"      // a supervisor or manager escalated it
)

// SystemActor is the actor of changes made by the workflow's own timers.
const SystemActor = "system"

// StartInput starts an action workflow. Fields may be added; old histories decode with zero values.
type StartInput struct {
	ActionID string   `json:"action_id"`
	Title    string   `json:"title"`
	Details  string   `json:"details"`
	Category string   `json:"category"`
	Priority string   `json:"priority"`
	Customer Customer `json:"customer"`
	// Internal: the action has no customer (State.Internal).
	Internal          bool      `json:"internal,omitempty"`
	OwnerID           string    `json:"owner_id"`
	TeamID            string    `json:"team_id"`
	RequiredAuthority int       `json:"required_authority"`
	DueAt             time.Time `json:"due_at"`
	CreatedBy         Actor     `json:"created_by"`
	// OwnerName is the owner's name, which messages give from revision 10.
	OwnerName   string `json:"owner_name,omitempty"`
	RequestHash string `json:"request_hash"`
	// KeepOpenFor is how long the workflow stays open after the action ends, so notes can still be
	// added; zero means DefaultKeepOpenFor.
	KeepOpenFor time.Duration `json:"keep_open_for"`
	// Policy is the category's policy with the action's overrides; zero durations take
	// DefaultPolicy's.
	Policy Policy `json:"policy"`
	// Ladder overrides DefaultLadder.
	Ladder []Role `json:"ladder"`
	// DueIn, when positive, sets the due time that long after the start, counted on the action's
	// clock (business time on Calendar, unless the policy says 24/7); DueAt is used otherwise.
	DueIn time.Duration `json:"due_in,omitempty"`
	// Calendar is the team's calendar at the start; nil is open around the clock.
	Calendar *calendar.Calendar `json:"calendar,omitempty"`
	// Routed says the owner was chosen by routing rather than by the creator.
	Routed bool `json:"routed"`
	// Resume carries the state across continue-as-new; nil for a new action.
	Resume *State `json:"resume"`
	// ContinueAsNewAfter is the history length at which the workflow starts afresh; zero means
	// DefaultContinueAsNewAfter.
	ContinueAsNewAfter int `json:"continue_as_new_after"`
	// Revision is the workflow code's feature level the action was started with (CurrentRevision
	// at create), carried across continue-as-new. Zero is an action started before revisions:
	// it replays the changes guarded by workflow versions.
	Revision int `json:"revision,omitempty"`
	// Webhooks are the webhook deliveries the previous run was still making when it continued as
	// new (revision 4): this run sends them again, so that a receiver that is down holds up no
	// deadline of the action.
	Webhooks []Notification `json:"webhooks,omitempty"`
	// Unprojected and UnprojectedNotes are the timeline events and notifications the previous run
	// could not write to the read model (it was unavailable) when it continued as new (revision 6):
	// this run writes them first.
	Unprojected      []Event        `json:"unprojected,omitempty"`
	UnprojectedNotes []Notification `json:"unprojected_notes,omitempty"`
}

// WithHander sets who handed the action to its current owner as the workflow reckoned it (the read
// model's hander_id), for a state built outside the workflow, whose revision it does not know.
func (s *State) WithHander(id string) {
	s.HandedBy, s.handerKnown = id, true
}

// CurrentRevision is the feature level new actions start with. Revision 1 has deadline timers and
// notifications, inbox records written with the projection, and one deadline timer at a time
// (kept while the next deadline does not move earlier, cancelled when the action ends), without
// recording workflow-version markers. Revision 2 also sends the webhook every change that notified
// nobody (a completion nobody handed over, a note, a check), so an integration hears of each one.
// Revision 3 gives the new owner the due time a check sent with "not done, reassign" (revision 2
// kept the due time that had passed, so the action was at its check again at once). Revision 4
// continues as new without waiting for webhook deliveries, which retry for up to a day: it hands
// the ones still being made to the next run (revision 3 waited, and its deadline loop with it).
// Revision 5 stops the hander's follow-up reminders when the action is reassigned or escalated
// (the hander can no longer check it), and keeps a due time given as a time while the action was
// paused where it was given when the action resumes. Revision 6 keeps its deadlines firing through
// a long read-model outage: it continues as new when its history is full without waiting for the
// read model (the next run takes the events not yet written), also while it waits after the end,
// and it retries the projection less often the longer the outage lasts (5 s doubling to a minute);
// a check that finds the action done tells the hander it was completed, as a completion does; and
// the hander is who handed the action to its current owner in the latest change of owner, not an
// earlier handover to the same person (after a reassignment away and back, nobody: the supervisors
// check it). A handover made while the action is paused tells its recipient how long they have
// once it resumes, not a time already counted from the pause, and resuming tells them the time. The
// message to the customer on an accepted handover without one of the sender's own names no staff
// member and gives no internal reason. Revision 7 leaves nothing escalated to the top of the ladder
// without a further alert: the top level (and the owner) are reminded every escalate_within until
// someone acts; an extension gives the hander's follow-up reminders back when the owner they
// handed it to still has it; and at the due time of an action taken over in a shift handover the
// supervisors are asked to check it too, since the hander has gone off shift. The customer's
// default message on an accepted handover names the recipient and says why in a customer's words.
// Revision 8 sends an escalation made by hand at least to the level above the person making it (a
// supervisor's to the managers; it went to the supervisors, the escalating one among them), and a
// shift handover started by a supervisor asks each recipient in the supervisor's name.
// Revision 9 moves a deadline on resume by the business time the pause took (it counted the time
// left from the resume, which brings a deadline given as a time in closed time forward: paused and
// resumed on a Saturday, a Sunday due time became "due now"); a shift handover's request gives the
// shift's notes instead of its reason "shift handover" said twice; a check's next step without
// notes gives the reason "not done at check" (it ended in a colon and nothing).
// Revision 10 names people by their names in the messages it writes (inbox notifications, webhook
// messages, the reason of an escalation for an unanswered handover) and in the refusals of its
// commands, where it gave staff IDs: it keeps the names it is given with each command (State.Names).
// Revision 11 asks the recipient of a handover to answer by the action's due time when that comes
// before the end of the accept window (the due time withdraws a handover still waiting), on the
// request and on the action's resume, and says who escalated or cancelled an action in the
// messages of its escalation and its cancellation.
// Revision 12 ends the message of a rating given without a comment at the rating, where it ended
// in a colon and nothing.
// Revision 13 tells the owner when someone else (a supervisor) completes their action, or checks
// it done: they heard nothing, and could go on working on an action that was closed.
// Revision 14 ends the hander's follow-up reminders at the due time, where they asked the hander
// to follow up every follow_up_every after they had been asked to check; and an extension of a
// paused action tells the owner the time it has once resumed, not a due time that will move.
// A handover's expiry and a supervisor's withdrawal of it tell the hander and the recipient each in
// their own words (two notifications), where one message to both named the owner to themselves.
// Revision 15 leaves the action's title out of the customer's default message on acceptance (the
// title is the team's own text, not written for the customer), and escalates a check's "not done,
// escalate" at least to the level above the person checking, as an escalation by hand (a
// supervisor's check went to the supervisors, themselves among them).
// Revision 16 goes on reminding the hander while the action waits for its check, every
// follow_up_every until the check is made (or check_within passes and it escalates), as the
// follow-up reminders did before revision 14, now in the words of the check that is asked.
// Revision 17 tells the level an escalated action had reached when someone acts on it (reassigns,
// extends, claims, completes or cancels it: escalation_handled): it left their list without a word.
// Revision 18 says a span under 10 minutes to the second in the reasons and reminders it writes
// (a drill's check_within of 90s read "within 2 min").
// Revision 19 runs the lines of a person's text on with " / " where a sentence it writes quotes
// it (a shift handover's request: the action's own summary, then the shift's notes), and lets the
// full stop a reason ends with stand for the sentence's own ("on a call.. You still own it").
// Revision 20 says in an escalation's reminder how long the action has waited at its level ("for
// 3 min"), where each reminder said "within" the same escalate_within; and a let-down handover's
// default customer message says that what went wrong is put right, not that "one of our systems let
// us down" (people and resources let customers down too); and the new owner of an action someone
// else created, and the hander of one completed, are told by whom.
// Revision 21 tells the customer to whom their request went when it is reassigned (by hand, at
// its check, or in a shift handover), as an accepted handover does: "Your request has been passed
// to Bob Brown, ...".
// Revision 22 gives a message to the customer that the integration could not send (it refused
// it, or a day of retries failed) to the owner to tell by hand, with a message_undelivered entry:
// before, the customer was never told, and only the log and a counter said so. It also tells
// whoever was asked to tell a message when someone else records it told or not needed
// (message_recorded): the task left their inbox without a word.
// Revision 23 looks, a day before an ended action's records close (UntoldWarning), for messages
// to the customer given to someone to tell and still not recorded: it records messages_untold and
// tells those asked and the team's supervisors, where the tasks left the inbox without a word
// when the records closed. An undo of a record tells the owner, and the supervisors of a message
// given to them, too; and whoever was asked to tell a message hears of a colleague's try that did
// not reach the customer.
// Revision 24 lets a pause end by itself (PauseInput.ResumeIn or ResumeAt, the resume deadline):
// at that time the action resumes as if someone had resumed it, and its owner is told, where a
// pause waited for someone to remember it, however long that took.
// Revision 25 reminds the owner of an action paused without an end, every pause_remind_every of its
// policy (a day by default) while it stays paused (pause_reminder), and the team's supervisors when
// nobody owns it, and those it is escalated to when escalated: such a pause had no clock at all, and
// an action whose customer never answered was forgotten.
// Revision 26 tells whoever started a shift handover for someone else (a supervisor or a manager)
// the read-back of each of its handovers accepted and the rating it is given, as well as the
// outgoing person: those went only to the outgoing person, who had often gone home, so nobody who
// ran it read what the recipients understood.
// Revision 27 speaks to its reader as "you" where it named them: a supervisor who passes an
// action to themselves in a shift handover they run is asked in their own words (and not told
// of their own read-back or rating), and the recipient of a handover withdrawn because they went
// off shift is told so (WithdrawInput.OffShift), where both read their own name.
// Revision 28 tells everyone an escalation alerted how it ended: each level it went through, not
// only the last, and who set it going (State.EscalatedBy: the person who escalated it, or the
// hander whose check it escalated for want of), where only the level reached heard.
// Revision 29 tells the new owner of a reassignment that gives a due time when it is due, and that
// it is sooner than the action's due time was, when the reassignment brought it forward (of a
// paused action, how long it will have once resumed, or the time given, which the pause does not
// move): they were told only that it was theirs. It also escalates an action nobody owns at its due time when that
// comes before assign_within runs out: a wake-up call due in 3 minutes, which nobody could take,
// alerted nobody until half an hour after it.
// Revision 30 reminds the hander of an action with no open time before its due time (handed over
// while the desk is closed, due before it opens) at the desk's next opening, not at once in closed
// hours, where "halfway to the due time" came to nothing; and its escalation reasons say that a
// business-time limit counts opening hours ("within 2 min of opening hours after the due time"),
// which read as wall-clock minutes to someone who saw it escalated five minutes after its due time.
const CurrentRevision = 30

// PauseRemindEvery is how often an action paused without an end reminds its owner that it waits
// on the customer (revision 25) where its policy does not say: 24 hours, moved to the next opening
// of the team's calendar when that falls while the desk is closed.
const PauseRemindEvery = 24 * time.Hour

// UntoldWarning is how long before an ended action's records close (revision 23) those asked to
// tell its customer a message still untold, and the team's supervisors, are told: at most half
// the time an ended action takes records.
const UntoldWarning = 24 * time.Hour

// UntoldTask is a message to the customer (its timeline entry) still given to someone to tell, as
// the read model holds it: RecipientID is who it was given to.
type UntoldTask struct {
	Seq         int64  `json:"seq"`
	RecipientID string `json:"recipient_id"`
}

// DefaultContinueAsNewAfter keeps histories far below Temporal's 10,240-event warning.
const DefaultContinueAsNewAfter = 2000

// DefaultKeepOpenFor is how long an ended action still takes notes.
const DefaultKeepOpenFor = 7 * 24 * time.Hour

// Recipient is what the workflow needs to know of the person an action is handed to. The API looks
// it up, so that the workflow itself does no I/O.
type Recipient struct {
	ID string `json:"id"`
	// Name is the person's name as the customer may hear it (empty from callers of an earlier
	// version).
	Name      string `json:"name,omitempty"`
	Role      Role   `json:"role"`
	TeamID    string `json:"team_id"`
	Authority int    `json:"authority"`
	OnShift   bool   `json:"on_shift"`
	Active    bool   `json:"active"`
}

// HandoverInput asks to pass the action to another person.
type HandoverInput struct {
	Actor           Actor         `json:"actor"`
	To              Recipient     `json:"to"`
	Reason          string        `json:"reason"`
	Method          string        `json:"method"`
	Situation       string        `json:"situation"`
	Notes           HandoverNotes `json:"notes"`
	CustomerMessage string        `json:"customer_message"`
	FollowUpAt      *time.Time    `json:"follow_up_at"`
	// FollowUpIn, when positive, sets the first follow-up that long after the handover, counted on
	// the action's clock; FollowUpAt is used otherwise.
	FollowUpIn time.Duration `json:"follow_up_in,omitempty"`
	// AcceptWithin overrides the policy's time for the recipient to answer; zero keeps it.
	AcceptWithin time.Duration `json:"accept_within"`
	// ShiftHandoverID names the shift handover this is part of, which is told how it ends.
	ShiftHandoverID string `json:"shift_handover_id"`
	// StartedBy is who started that shift handover (the outgoing person or a supervisor), and
	// StartedByName their name (revision 10).
	StartedBy     string `json:"started_by,omitempty"`
	StartedByName string `json:"started_by_name,omitempty"`
}

// Idempotency identifies a command that may be sent again: the caller's key, and a hash of the
// request it was first sent with. It travels as the second argument of every command Update, with
// the version of the action the caller decided on, when they gave it (If-Match).
type Idempotency struct {
	Key  string `json:"key"`
	Hash string `json:"hash"`
	// IfVersion, when set, is the version the command is for: it is refused (ErrChanged) once the
	// action has changed since, so that a decision made on what was seen is not applied to what
	// another one made of it meanwhile. It is no part of the request's identity: a retry of an
	// applied request is answered as that was, whatever version it names.
	IfVersion int64 `json:"if_version,omitempty"`
}

// request is the request's identity, as the action remembers it: its key and hash.
func (i Idempotency) request() Idempotency { return Idempotency{Key: i.Key, Hash: i.Hash} }

// MaxRecentRequests bounds how many Idempotency-Keys an action remembers.
const MaxRecentRequests = 100

// CheckInput records, at the due time, whether the action was done, and what happens if not.
type CheckInput struct {
	Actor  Actor  `json:"actor"`
	Result string `json:"result"` // done or not_done
	Notes  string `json:"notes"`
	// Next is extend, reassign or escalate when the result is not_done.
	Next  string     `json:"next"`
	DueAt *time.Time `json:"due_at"`
	// DueIn, when positive, is the new due time counted on the action's clock from now.
	DueIn time.Duration `json:"due_in,omitempty"`
	To    *Recipient    `json:"to"`
	// CustomerMessage, with next reassign, is what the customer is told of the new owner (sealed);
	// without it, the product's words (revision 21).
	CustomerMessage string `json:"customer_message,omitempty"`
}

// Check results and next steps.
const (
	CheckDone    = "done"
	CheckNotDone = "not_done"
	NextExtend   = "extend"
	NextReassign = "reassign"
	NextEscalate = "escalate"
)

// EscalateInput raises the action one level, with a reason.
type EscalateInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
}

// ReassignInput gives the action to someone else directly.
type ReassignInput struct {
	Actor  Actor      `json:"actor"`
	To     Recipient  `json:"to"`
	Reason string     `json:"reason"`
	DueAt  *time.Time `json:"due_at"`
	// DueIn, when positive, is the new due time counted on the action's clock from now.
	DueIn time.Duration `json:"due_in,omitempty"`
	// ShiftHandoverID names the shift handover that passes the action on this way, if one does.
	ShiftHandoverID string `json:"shift_handover_id,omitempty"`
	// From, when set, is the owner the reassignment takes the action from (a shift handover's
	// outgoing person): it is refused when someone else owns the action by the time it arrives.
	From string `json:"from_id,omitempty"`
	// CustomerMessage, when given, is what the customer is told of the new owner (sealed); from
	// revision 21 one in the product's words is told without it.
	CustomerMessage string `json:"customer_message,omitempty"`
}

// ExtendInput moves the due time; the timers restart.
type ExtendInput struct {
	Actor  Actor     `json:"actor"`
	DueAt  time.Time `json:"due_at"`
	Reason string    `json:"reason"`
	// DueIn, when positive, is the new due time counted on the action's clock from now.
	DueIn time.Duration `json:"due_in,omitempty"`
}

// PauseInput stops the action's clocks while it waits on the customer.
type PauseInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
	// ResumeIn, when positive, resumes the action by itself that much of its time (business time
	// on its calendar, as a due_in) after the pause; ResumeAt at that time. Neither: it waits
	// until someone resumes it. From revision 24.
	ResumeIn time.Duration `json:"resume_in,omitempty"`
	ResumeAt *time.Time    `json:"resume_at,omitempty"`
}

// ResumeInput restarts the clocks of a paused action with the business time they had left.
type ResumeInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
}

// CancelInput ends the action without doing it.
type CancelInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
	// DuplicateOf, when set, is the open action this one duplicates (made twice by mistake):
	// its owner, or whoever created it, may then cancel it too, not only a supervisor. The API
	// checks it names another open action of the team; DuplicateTitle is that action's title,
	// which the words give.
	DuplicateOf    string `json:"duplicate_of,omitempty"`
	DuplicateTitle string `json:"duplicate_title,omitempty"`
}

// ClaimInput takes an unowned action; Claimant describes the actor as a recipient would be.
type ClaimInput struct {
	Actor    Actor     `json:"actor"`
	Claimant Recipient `json:"claimant"`
}

// AcceptInput accepts the pending handover with a read-back summary.
type AcceptInput struct {
	Actor   Actor  `json:"actor"`
	Summary string `json:"summary"`
	// Acceptor is the recipient as they are now: they must still be someone the action could be
	// handed to.
	Acceptor *Recipient `json:"acceptor,omitempty"`
}

// DeclineInput declines the pending handover with a reason.
type DeclineInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
}

// WithdrawInput takes back a pending handover: the one who made it, or a supervisor, says why.
type WithdrawInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
	// HandoverID, when set, is the handover meant: refused when another one is pending by the time
	// it arrives (withdrawn for what is true of its recipient, it says nothing of another's).
	HandoverID string `json:"handover_id,omitempty"`
	// OffShift says the handover is withdrawn because its recipient went off shift (the reason
	// names them, for the hander and the timeline): from revision 27 the recipient is told so
	// in their own words.
	OffShift bool `json:"off_shift,omitempty"`
}

// FollowUpInput records the hander's follow-up with the action's owner: what they learnt, and
// when (if at all) to be reminded again.
type FollowUpInput struct {
	Actor Actor  `json:"actor"`
	Note  string `json:"note"`
	// AgainIn, when positive, reminds the hander again that long after, counted on the action's
	// clock; zero ends the reminders (the check at the due time still comes).
	AgainIn time.Duration `json:"again_in,omitempty"`
}

// CompleteInput completes the action with its outcome.
type CompleteInput struct {
	Actor   Actor  `json:"actor"`
	Outcome string `json:"outcome"`
	Notes   string `json:"notes"`
	// CustomerMessage, when given, is sent to the customer.
	CustomerMessage string `json:"customer_message"`
}

// FeedbackInput is the recipient's rating of an accepted handover.
type FeedbackInput struct {
	Actor      Actor  `json:"actor"`
	HandoverID string `json:"handover_id"`
	Rating     int    `json:"rating"`
	Comment    string `json:"comment"`
}

// ToldInput records what the actor did about the message to the customer of timeline entry
// MessageSeq: by Outcome (one of MessageOutcomes; "" is MessageTold), told the customer or tried
// to, by Method (one of ContactMethods), or found they need not be told, saying why in Note (which
// a record of the others may carry too).
type ToldInput struct {
	Actor      Actor  `json:"actor"`
	MessageSeq int64  `json:"message_seq"`
	Method     string `json:"method"`
	Outcome    string `json:"outcome,omitempty"`
	Note       string `json:"note,omitempty"`
}

// NoteInput adds a note to the timeline.
type NoteInput struct {
	Actor Actor  `json:"actor"`
	Text  string `json:"text"`
}

// CorrectInput corrects what the action says. A field left nil stays as it is; Details and the
// customer's may be corrected to nothing. The customer's name and contact come sealed, as a
// create's do.
type CorrectInput struct {
	Actor           Actor   `json:"actor"`
	Title           *string `json:"title,omitempty"`
	Details         *string `json:"details,omitempty"`
	Priority        *string `json:"priority,omitempty"`
	CustomerName    *string `json:"customer_name,omitempty"`
	CustomerContact *string `json:"customer_contact,omitempty"`
	Reason          string  `json:"reason,omitempty"`
}

// CreateInput is the argument of the create update sent with the workflow's start.
type CreateInput struct {
	Actor Actor `json:"actor"`
}

// Projection is what the projection activity writes: the state after the last event, and the
// events not yet written.
type Projection struct {
	State  State   `json:"state"`
	Events []Event `json:"events"`
	// Notifications go into the inbox in the same transaction as the events (workflows started
	// since the inbox moved into the projection; older ones send each through Notify).
	Notifications []Notification `json:"notifications,omitempty"`
	// WholeInbox is true when Notifications are every notification of Events (workflows that
	// project the inbox): the read model then removes any other at their seqs, which a workflow
	// task thrown away wrote.
	WholeInbox bool `json:"whole_inbox,omitempty"`
	// HanderID is who handed the action to its current owner, as the workflow's revision reckons
	// it (the state alone does not say which revision it is of); nil from workflows older than it.
	HanderID *string `json:"hander_id,omitempty"`
	// Revision is the workflow revision the action was started with, which the state does not
	// carry (the read model keeps it, for pages to offer what the workflow does); nil from
	// workflows older than it.
	Revision *int `json:"revision,omitempty"`
}

// ProjectResult is what the projection activity answers.
type ProjectResult struct {
	// Webhooks is true when the worker has a webhook: the workflow then sends each notification
	// there through the Notify activity, which retries for a day.
	Webhooks bool `json:"webhooks"`
}
