package api

import (
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// actionJSON is an action as the API shows it.
type actionJSON struct {
	ID                string             `json:"id"`
	Title             string             `json:"title"`
	Details           string             `json:"details"`
	Category          string             `json:"category"`
	Priority          string             `json:"priority"`
	Status            string             `json:"status"`
	OwnerID           string             `json:"owner_id"`
	TeamID            string             `json:"team_id"`
	Customer          workflows.Customer `json:"customer"`
	RequiredAuthority int                `json:"required_authority"`
	DueAt             time.Time          `json:"due_at"`
	EscalationLevel   int                `json:"escalation_level"`
	PendingHandover   *handoverJSON      `json:"pending_handover"`
	Handovers         []handoverJSON     `json:"handovers"`
	Outcome           string             `json:"outcome"`
	CreatedBy         string             `json:"created_by"`
	CreatedAt         time.Time          `json:"created_at"`
	UpdatedAt         time.Time          `json:"updated_at"`
	Version           int64              `json:"version"`
	// PolicyVersion is the version of the category's policy the action runs under (0: defaults).
	PolicyVersion int `json:"policy_version"`
	// Internal is true for the team's own work, with no customer to tell.
	Internal bool `json:"internal"`
	// Paused is true while the action waits on the customer and its clocks stand still.
	Paused bool `json:"paused"`
	// PausedAt is when it was paused; DueLeft how much of its time is left to its due time then,
	// as a duration (what it has once resumed: due_at waits meanwhile). Both null while it runs;
	// DueLeft null too when a due time was given as a time while paused, which stays where it is.
	PausedAt *time.Time `json:"paused_at"`
	DueLeft  *string    `json:"due_left"`
	// PauseReason is why it waits on the customer, as the pause said; null while it runs.
	PauseReason *string `json:"pause_reason"`
	// EscalationReason is why it is escalated (its escalation's reason; once it has climbed, the
	// reason it was escalated first, then the climb's), and EscalatedAt
	// since when it is at its level: both null while it is not escalated (EscalatedAt null too
	// for an action escalated before the product kept it).
	EscalationReason *string    `json:"escalation_reason"`
	EscalatedAt      *time.Time `json:"escalated_at"`
	// CheckBy is when an action at its check is escalated should nobody check it, and EscalateBy
	// when an escalated one goes up a level (or, at the top, is raised again) should nobody act;
	// null otherwise, while paused (they wait with it), and for an action last changed before
	// the read model kept them.
	CheckBy    *time.Time `json:"check_by"`
	EscalateBy *time.Time `json:"escalate_by"`
	// ResumeAt is when a paused action resumes by itself, as its pause asked; null while it runs
	// or when it waits until someone resumes it.
	ResumeAt *time.Time `json:"resume_at"`
	// PauseRemindAt is when the owner of an action paused without an end is next reminded that it
	// waits on the customer (every pause_remind_every of its policy); null while it runs, when its
	// pause has an end, or for an action started before such reminders.
	PauseRemindAt *time.Time `json:"pause_remind_at"`
	// FollowUp is the follow-up asked of the person who handed the action over, if any.
	FollowUp *followUpJSON `json:"follow_up"`
	// Policy is the policy the action's clocks count: its category's as it started (the version
	// policy_version says), with the durations the action was given of its own. Null where the
	// read model does not know it (a row last written by a release before it kept it: any change
	// to the action, or ?consistent=true, says it).
	// PauseRemindEvery is "" in it for an action started before a pause reminded (workflow
	// revision 25): it stays paused without reminders.
	Policy *policyTerms `json:"policy"`
}

// followUpJSON is a follow-up asked of the hander: due from due_at until they record it or the
// action reaches its check.
type followUpJSON struct {
	HanderID string    `json:"hander_id"`
	DueAt    time.Time `json:"due_at"`
}

type handoverJSON struct {
	ID              string                  `json:"id"`
	FromID          string                  `json:"from_id"`
	ToID            string                  `json:"to_id"`
	Reason          string                  `json:"reason"`
	Method          string                  `json:"method"`
	Situation       string                  `json:"situation"`
	Notes           workflows.HandoverNotes `json:"notes"`
	CustomerMessage string                  `json:"customer_message"`
	FollowUpAt      *time.Time              `json:"follow_up_at"`
	Status          string                  `json:"status"`
	RequestedAt     time.Time               `json:"requested_at"`
	ExpiresAt       *time.Time              `json:"expires_at"`
	// OnHold is true on the pending handover of a paused action: its time to answer stands
	// still, and expires_at moves on when the action resumes.
	OnHold          bool       `json:"on_hold,omitempty"`
	RespondedAt     *time.Time `json:"responded_at"`
	AcceptSummary   string     `json:"accept_summary,omitempty"`
	DeclineReason   string     `json:"decline_reason,omitempty"`
	FeedbackRating  int        `json:"feedback_rating,omitempty"`
	FeedbackComment string     `json:"feedback_comment,omitempty"`
	// ShiftHandoverID names the shift handover that made it, if one did: its progress page.
	ShiftHandoverID string `json:"shift_handover_id,omitempty"`
	// StartedBy is who started that shift handover for the one handing over (a supervisor or a
	// manager), who reads its read-back too.
	StartedBy string `json:"started_by,omitempty"`
}

// renderState shows the workflow's own state: the answer to every write.
func renderState(s workflows.State) actionJSON {
	a := actionJSON{
		ID: s.ID, Title: s.Title, Details: s.Details, Category: s.Category, Priority: s.Priority,
		Status: string(s.Status), OwnerID: s.OwnerID, TeamID: s.TeamID, Customer: s.Customer,
		RequiredAuthority: s.RequiredAuthority, DueAt: s.DueAt.UTC(), EscalationLevel: s.EscalationLevel,
		Outcome: s.Outcome, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
		Version: s.Version, Handovers: make([]handoverJSON, len(s.Handovers)),
		PolicyVersion: s.Policy.Version, Paused: s.Paused, PausedAt: utcPtr(s.PausedAt), ResumeAt: utcPtr(s.ResumeAt),
		PauseRemindAt: utcPtr(s.PauseRemindAt), Internal: s.Internal,
	}
	if left, ok := s.DueLeft(); ok {
		a.DueLeft = durationText(left)
	}
	if s.Paused {
		reason := s.PauseReason
		a.PauseReason = &reason
	}
	if s.Status == workflows.StatusEscalated {
		reason := s.EscalationWhy()
		a.EscalationReason, a.EscalatedAt = &reason, utcPtr(s.EscalatedAt)
	}
	checkBy, escalateBy := s.NextStep()
	a.CheckBy, a.EscalateBy = utcPtr(checkBy), utcPtr(escalateBy)
	if f := s.FollowUp; f != nil {
		a.FollowUp = &followUpJSON{HanderID: f.HanderID, DueAt: f.DueFrom().UTC()}
	}
	a.Policy = renderActionPolicy(s.Policy)
	for i, h := range s.Handovers {
		a.Handovers[i] = handoverJSON{
			ID: h.ID, FromID: h.FromID, ToID: h.ToID, Reason: h.Reason, Method: h.Method,
			Situation: h.Situation, Notes: h.Notes, CustomerMessage: h.CustomerMessage,
			FollowUpAt: utcPtr(h.FollowUpAt), Status: h.Status, RequestedAt: h.RequestedAt.UTC(), ExpiresAt: utcPtr(h.ExpiresAt),
			RespondedAt: utcPtr(h.RespondedAt), AcceptSummary: h.AcceptSummary, DeclineReason: h.DeclineReason,
			FeedbackRating: h.FeedbackRating, FeedbackComment: h.FeedbackComment, ShiftHandoverID: h.ShiftHandoverID,
			StartedBy: h.StartedBy,
		}
		if h.ID == s.PendingHandoverID {
			a.Handovers[i].OnHold = s.Paused
			a.PendingHandover = &a.Handovers[i]
		}
	}
	return a
}

// renderActionPolicy is the policy an action counts, or nil for a policy not known: one without
// durations (a read-model row that does not say it), as every policy the workflow counts has them.
func renderActionPolicy(p workflows.Policy) *policyTerms {
	if p.AcceptWithin <= 0 {
		return nil
	}
	terms := renderPolicy("", p).policyTerms
	if p.PauseRemindEvery <= 0 {
		terms.PauseRemindEvery = ""
	}
	return &terms
}

// remindsPaused says whether an action of a workflow revision reminds while paused without an end
// (revision 25 on); a row that does not say its revision is of an earlier one.
func remindsPaused(revision *int) bool {
	return revision != nil && *revision >= 25
}

// countedBy leaves in a state's policy only what an action of a revision counts: the workflow's
// state carries the default pause reminder interval even for an action started before pauses
// reminded, which never counts it.
func countedBy(s workflows.State, revision *int) workflows.State {
	if !remindsPaused(revision) {
		s.Policy.PauseRemindEvery = 0
	}
	return s
}

// countedFor is countedBy with the revision of the action's read-model row, where the request
// read one: an action loaded from its workflow while the read model could not answer keeps its
// state's policy as it is.
func countedFor(c *gin.Context, s workflows.State, a models.Action) workflows.State {
	if _, fromWorkflow := c.Get(liveStateKey); fromWorkflow {
		return s
	}
	return countedBy(s, a.Revision)
}

// stateOfView is what an action's answer says of its state, in the workflow's terms: enough for
// the commands' checks (which a screen asks before offering a button).
func stateOfView(a actionJSON) workflows.State {
	s := workflows.State{
		ID: a.ID, Title: a.Title, Status: workflows.Status(a.Status), OwnerID: a.OwnerID, TeamID: a.TeamID,
		RequiredAuthority: a.RequiredAuthority, DueAt: a.DueAt, EscalationLevel: a.EscalationLevel,
		CreatedBy: a.CreatedBy, Version: a.Version, Paused: a.Paused,
		Policy: workflows.Policy{Version: a.PolicyVersion},
	}
	for _, h := range a.Handovers {
		s.Handovers = append(s.Handovers, workflows.Handover{
			ID: h.ID, FromID: h.FromID, ToID: h.ToID, Status: h.Status, RequestedAt: h.RequestedAt,
			ExpiresAt: h.ExpiresAt, RespondedAt: h.RespondedAt,
		})
	}
	if a.PendingHandover != nil {
		s.PendingHandoverID = a.PendingHandover.ID
	}
	if f := a.FollowUp; f != nil {
		s.FollowUp = &workflows.FollowUp{HanderID: f.HanderID, At: f.DueAt, First: f.DueAt}
	}
	return s
}

// stateFromRow is the read model's copy of an action, in the workflow's terms.
func stateFromRow(r models.Action) workflows.State {
	s := workflows.State{
		ID: r.ID, Title: r.Title, Details: r.Details, Category: r.Category, Priority: r.Priority,
		Customer: workflows.Customer{Ref: r.CustomerRef, Name: r.CustomerName, Contact: r.CustomerContact},
		Status:   workflows.Status(r.Status), OwnerID: r.OwnerID, TeamID: r.TeamID,
		RequiredAuthority: r.RequiredAuthority, DueAt: r.DueAt, EscalationLevel: r.EscalationLevel,
		PendingHandoverID: r.PendingHandoverID, Outcome: r.Outcome, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version, RequestHash: r.RequestHash,
		Handovers: make([]workflows.Handover, len(r.Handovers)),
		Policy:    workflows.Policy{Version: r.PolicyVersion}, Paused: r.Paused, Internal: r.Internal,
	}
	if r.Policy != nil {
		// What the read model cannot read stays unknown: the version alone, as before it kept it.
		if json.Unmarshal([]byte(*r.Policy), &s.Policy) != nil {
			s.Policy = workflows.Policy{}
		}
		s.Policy.Version = r.PolicyVersion
		s = countedBy(s, r.Revision)
	}
	for i, h := range r.Handovers {
		s.Handovers[i] = workflows.Handover{
			ID: h.ID, FromID: h.FromID, ToID: h.ToID, Reason: h.Reason, Method: h.Method, Situation: h.Situation,
			Notes: workflows.HandoverNotes{
				Summary: h.Summary, CustomerContext: h.CustomerContext, DoneSoFar: h.DoneSoFar,
				NextSteps: h.NextSteps, Risks: h.Risks, Fields: noteFields(h.NoteFields),
			},
			CustomerMessage: h.CustomerMessage, FollowUpAt: h.FollowUpAt, Status: h.Status,
			RequestedAt: h.RequestedAt, ExpiresAt: h.ExpiresAt, RespondedAt: h.RespondedAt, AcceptSummary: h.AcceptSummary,
			DeclineReason: h.DeclineReason, FeedbackRating: h.FeedbackRating, FeedbackComment: h.FeedbackComment,
			ShiftHandoverID: h.ShiftHandoverID, StartedBy: h.StartedBy,
		}
	}
	if r.Status == string(workflows.StatusEscalated) {
		s.EscalationReason, s.EscalatedAt = r.EscalationReason, r.EscalatedAt
	}
	s.CheckBy, s.EscalateBy = r.CheckBy, r.EscalateBy
	if r.Paused {
		s.PausedAt, s.ResumeAt, s.PauseRemindAt, s.PauseReason = r.PausedAt, r.ResumeAt, r.PauseRemindAt, r.PauseReason
		if r.DueLeftSeconds != nil {
			left := time.Duration(*r.DueLeftSeconds) * time.Second
			s.DueLeftStored = &left
		} else {
			// Written before the read model kept it, or a due time that stays where it was given.
			s.DueFixed = true
		}
	}
	s.WithHander(r.HanderID)
	if r.FollowUpAt != nil && r.HanderID != "" {
		s.FollowUp = &workflows.FollowUp{HanderID: r.HanderID, At: *r.FollowUpAt, First: *r.FollowUpAt}
	}
	return s
}

// noteFields reads a handover's stored note fields; a row written before they existed has none.
func noteFields(raw string) map[string]string {
	var out map[string]string
	if raw == "" || json.Unmarshal([]byte(raw), &out) != nil || len(out) == 0 {
		return nil
	}
	return out
}

// durationText is a duration as the API writes one ("1h30m0s"), for a field that may be null.
func durationText(d time.Duration) *string {
	t := d.String()
	return &t
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

type eventJSON struct {
	Seq     int64          `json:"seq"`
	Type    string         `json:"type"`
	ActorID string         `json:"actor_id"`
	Cause   string         `json:"cause"`
	At      time.Time      `json:"at"`
	Data    map[string]any `json:"data"`
}

type staffView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	TeamID    string `json:"team_id"`
	Authority int    `json:"authority"`
	OnShift   bool   `json:"on_shift"`
	Active    bool   `json:"active"`
}

func staffJSON(st models.Staff) staffView {
	return staffView{
		ID: st.ID, Name: st.Name, Role: st.Role, TeamID: teamOf(st), Authority: st.Authority,
		OnShift: st.OnShift, Active: st.Active,
	}
}
