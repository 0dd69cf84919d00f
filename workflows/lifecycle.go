package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
)

// Kinds of refusal, carried as the type of the Temporal application error a validator returns.
// The API maps each to one HTTP status.
const (
	ErrInvalid   = "Invalid"   // a field is missing or wrong: 422
	ErrConflict  = "Conflict"  // the current state does not allow the command: 409
	ErrForbidden = "Forbidden" // the actor may not do this to this action: 403
)

func refuse(kind, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), kind,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}

var openStatuses = []Status{StatusUnassigned, StatusAssigned, StatusHandoverPending, StatusChecking, StatusEscalated}

// transitions lists, for each command, the statuses it is allowed from. It is the one place the
// shape of the lifecycle is written down; the checks below add who may do it and with what.
var transitions = map[string][]Status{
	UpdateHandover: {StatusAssigned},
	UpdateAccept:   {StatusHandoverPending},
	UpdateDecline:  {StatusHandoverPending},
	UpdateComplete: openStatuses,
	UpdateNote:     append(slices.Clone(openStatuses), StatusCompleted, StatusCancelled),
}

func checkTransition(s *State, command string) error {
	if !slices.Contains(transitions[command], s.Status) {
		return refuse(ErrConflict, "cannot %s an action that is %s", command, s.Status)
	}
	return nil
}

// stamp is the form every recorded time takes: UTC to the microsecond, as databases keep it, so a
// write's answer and a later read agree.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// NewState is the state of a newly created action and its first timeline event.
func NewState(in StartInput, now time.Time) (State, Event) {
	s := State{
		ID:                in.ActionID,
		Title:             in.Title,
		Details:           in.Details,
		Category:          in.Category,
		Priority:          in.Priority,
		Customer:          in.Customer,
		Status:            StatusUnassigned,
		OwnerID:           in.OwnerID,
		TeamID:            in.TeamID,
		RequiredAuthority: in.RequiredAuthority,
		DueAt:             stamp(in.DueAt),
		CreatedBy:         in.CreatedBy.ID,
		CreatedAt:         stamp(now),
		RequestHash:       in.RequestHash,
		Handovers:         []Handover{},
	}
	if in.OwnerID != "" {
		s.Status = StatusAssigned
	}
	ev := s.record(now, in.CreatedBy.ID, EventCreated, map[string]any{
		"status": string(s.Status), "owner_id": s.OwnerID, "team_id": s.TeamID, "due_at": s.DueAt,
	})
	return s, ev
}

func (s *State) record(now time.Time, actorID, typ string, data map[string]any) Event {
	now = stamp(now)
	s.Version++
	s.UpdatedAt = now
	return Event{Seq: s.Version, Type: typ, ActorID: actorID, Cause: CauseRequest, At: now, Data: data}
}

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

// CheckHandover refuses a handover the state, the actor or the recipient does not allow.
func CheckHandover(s *State, in HandoverInput) error {
	if err := checkTransition(s, UpdateHandover); err != nil {
		return err
	}
	if in.Actor.ID != s.OwnerID {
		return refuse(ErrForbidden, "only the owner (%s) can hand this action over", s.OwnerID)
	}
	switch {
	case blank(in.To.ID):
		return refuse(ErrInvalid, "to_id: a recipient is required")
	case in.To.ID == s.OwnerID:
		return refuse(ErrInvalid, "to_id: an action cannot be handed over to its owner")
	case !in.To.Active:
		return refuse(ErrInvalid, "to_id: %s is not an active member of staff", in.To.ID)
	case !in.To.Role.CanOwn():
		return refuse(ErrInvalid, "to_id: %s has role %s and cannot own actions", in.To.ID, in.To.Role)
	case s.TeamID != "" && in.To.TeamID != s.TeamID:
		return refuse(ErrInvalid, "to_id: %s is not in team %s", in.To.ID, s.TeamID)
	case in.To.Authority < s.RequiredAuthority:
		return refuse(ErrInvalid, "to_id: %s has authority %d, this action needs %d",
			in.To.ID, in.To.Authority, s.RequiredAuthority)
	case !in.To.OnShift:
		return refuse(ErrInvalid, "to_id: %s is not on shift", in.To.ID)
	case blank(in.Reason):
		return refuse(ErrInvalid, "reason: say why the action is handed over")
	case !Valid(Methods, in.Method):
		return refuse(ErrInvalid, "method: must be one of %s", strings.Join(Methods, ", "))
	case !Valid(Situations, in.Situation):
		return refuse(ErrInvalid, "situation: must be one of %s", strings.Join(Situations, ", "))
	case blank(in.Notes.Summary):
		return refuse(ErrInvalid, "notes.summary: the recipient needs a summary")
	}
	return nil
}

// ApplyHandover records a handover awaiting the recipient's acceptance. The owner stays
// accountable until then.
func ApplyHandover(s *State, in HandoverInput, now time.Time) []Event {
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
	}
	s.Handovers = append(s.Handovers, h)
	s.PendingHandoverID = h.ID
	s.Status = StatusHandoverPending
	return []Event{s.record(now, in.Actor.ID, EventHandoverRequested, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "to_id": h.ToID, "reason": h.Reason,
		"method": h.Method, "situation": h.Situation,
	})}
}

func checkRecipient(s *State, command string, actor Actor) error {
	if err := checkTransition(s, command); err != nil {
		return err
	}
	h := s.PendingHandover()
	if h == nil || actor.ID != h.ToID {
		return refuse(ErrForbidden, "only the recipient of the pending handover can %s it", command)
	}
	return nil
}

// CheckAccept refuses an acceptance by anyone but the recipient, or without a read-back summary.
func CheckAccept(s *State, in AcceptInput) error {
	if err := checkRecipient(s, UpdateAccept, in.Actor); err != nil {
		return err
	}
	if blank(in.Summary) {
		return refuse(ErrInvalid, "summary: read back in your own words what you are taking on")
	}
	return nil
}

// ApplyAccept makes the recipient the owner.
func ApplyAccept(s *State, in AcceptInput, now time.Time) []Event {
	h := s.PendingHandover()
	h.Status = HandoverAccepted
	h.AcceptSummary = in.Summary
	h.RespondedAt = stampPtr(now)
	s.OwnerID = h.ToID
	s.PendingHandoverID = ""
	s.Status = StatusAssigned
	return []Event{s.record(now, in.Actor.ID, EventHandoverAccepted, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "owner_id": s.OwnerID, "summary": in.Summary,
	})}
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

// ApplyDecline leaves the owner unchanged.
func ApplyDecline(s *State, in DeclineInput, now time.Time) []Event {
	h := s.PendingHandover()
	h.Status = HandoverDeclined
	h.DeclineReason = in.Reason
	h.RespondedAt = stampPtr(now)
	s.PendingHandoverID = ""
	s.Status = StatusAssigned
	return []Event{s.record(now, in.Actor.ID, EventHandoverDeclined, map[string]any{
		"handover_id": h.ID, "from_id": h.FromID, "reason": in.Reason,
	})}
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
	return nil
}

// ApplyComplete closes the action; a handover still pending is withdrawn.
func ApplyComplete(s *State, in CompleteInput, now time.Time) []Event {
	var events []Event
	if h := s.PendingHandover(); h != nil {
		h.Status = HandoverWithdrawn
		h.RespondedAt = stampPtr(now)
		s.PendingHandoverID = ""
		events = append(events, s.record(now, in.Actor.ID, EventHandoverWithdrawn, map[string]any{
			"handover_id": h.ID, "reason": "action completed",
		}))
	}
	s.Status = StatusCompleted
	s.Outcome = in.Outcome
	return append(events, s.record(now, in.Actor.ID, EventCompleted, map[string]any{
		"outcome": in.Outcome, "notes": in.Notes,
	}))
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
		return refuse(ErrForbidden, "only participants of this action can add notes")
	}
	if blank(in.Text) {
		return refuse(ErrInvalid, "text: a note cannot be empty")
	}
	return nil
}

// ApplyNote adds the note to the timeline.
func ApplyNote(s *State, in NoteInput, now time.Time) []Event {
	return []Event{s.record(now, in.Actor.ID, EventNoteAdded, map[string]any{"text": in.Text})}
}
