package workflows

import (
	"slices"
	"time"
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

// SupervisorOrAbove reports whether the role may act on any action in its scope.
func (r Role) SupervisorOrAbove() bool {
	return r == RoleSupervisor || r == RoleManager || r == RoleAdmin
}

// CanOwn reports whether people of this role can own and receive actions.
func (r Role) CanOwn() bool {
	return r == RoleAgent || r == RoleSupervisor || r == RoleManager
}

// Handover methods of exchange (unit 214 2.3, PPL2GEN11 PC4).
var Methods = []string{"written", "email", "phone", "face_to_face", "chat", "report"}

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
}

// Causes of a change, recorded on every timeline event.
const (
	CauseRequest = "request"
	CauseTimer   = "timer"
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
}

// Handover statuses.
const (
	HandoverPending   = "pending"
	HandoverAccepted  = "accepted"
	HandoverDeclined  = "declined"
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
	RespondedAt     *time.Time    `json:"responded_at"`
	AcceptSummary   string        `json:"accept_summary"`
	DeclineReason   string        `json:"decline_reason"`
}

// State is the whole live state of one action, as the workflow holds it and as queries return it.
type State struct {
	ID                string     `json:"id"`
	Title             string     `json:"title"`
	Details           string     `json:"details"`
	Category          string     `json:"category"`
	Priority          string     `json:"priority"`
	Customer          Customer   `json:"customer"`
	Status            Status     `json:"status"`
	OwnerID           string     `json:"owner_id"`
	TeamID            string     `json:"team_id"`
	RequiredAuthority int        `json:"required_authority"`
	DueAt             time.Time  `json:"due_at"`
	EscalationLevel   int        `json:"escalation_level"`
	PendingHandoverID string     `json:"pending_handover_id"`
	Handovers         []Handover `json:"handovers"`
	Outcome           string     `json:"outcome"`
	CreatedBy         string     `json:"created_by"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	// Version is the sequence number of the last timeline event: it orders projections.
	Version int64 `json:"version"`
	// RequestHash identifies the create request, so a repeated Idempotency-Key with a different
	// body can be told apart from a plain retry.
	RequestHash string `json:"request_hash"`
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

// Clone returns a copy that shares nothing mutable with s.
func (s State) Clone() State {
	s.Handovers = slices.Clone(s.Handovers)
	return s
}

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
)

// StartInput starts an action workflow. Fields may be added; old histories decode with zero values.
type StartInput struct {
	ActionID          string    `json:"action_id"`
	Title             string    `json:"title"`
	Details           string    `json:"details"`
	Category          string    `json:"category"`
	Priority          string    `json:"priority"`
	Customer          Customer  `json:"customer"`
	OwnerID           string    `json:"owner_id"`
	TeamID            string    `json:"team_id"`
	RequiredAuthority int       `json:"required_authority"`
	DueAt             time.Time `json:"due_at"`
	CreatedBy         Actor     `json:"created_by"`
	RequestHash       string    `json:"request_hash"`
	// KeepOpenFor is how long the workflow stays open after the action ends, so notes can still be
	// added; zero means DefaultKeepOpenFor.
	KeepOpenFor time.Duration `json:"keep_open_for"`
}

// DefaultKeepOpenFor is how long an ended action still takes notes.
const DefaultKeepOpenFor = 7 * 24 * time.Hour

// Recipient is what the workflow needs to know of the person an action is handed to. The API looks
// it up, so that the workflow itself does no I/O.
type Recipient struct {
	ID        string `json:"id"`
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
}

// AcceptInput accepts the pending handover with a read-back summary.
type AcceptInput struct {
	Actor   Actor  `json:"actor"`
	Summary string `json:"summary"`
}

// DeclineInput declines the pending handover with a reason.
type DeclineInput struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason"`
}

// CompleteInput completes the action with its outcome.
type CompleteInput struct {
	Actor   Actor  `json:"actor"`
	Outcome string `json:"outcome"`
	Notes   string `json:"notes"`
}

// NoteInput adds a note to the timeline.
type NoteInput struct {
	Actor Actor  `json:"actor"`
	Text  string `json:"text"`
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
}
