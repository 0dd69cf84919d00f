// Package models is the read model: the GORM structs of the tables that answer status queries, the
// store that reads and writes them, and the versioned migrations that create them. It knows
// nothing of workflows or HTTP; the workflows are the source of truth and this follows them.
package models

import "time"

// Team is a group of staff sharing actions, with a supervisor.
type Team struct {
	ID        string    `gorm:"primaryKey"`
	Name      string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

// Staff is a person or integration that can call the API.
type Staff struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	Role      string
	TeamID    *string
	Authority int
	OnShift   bool
	Active    bool
	CreatedAt time.Time
	// ChangedAt is when the person was last added or changed (shift, team, role, authority,
	// active, name), for the live stream; nil before the column was kept.
	ChangedAt *time.Time
	// LeftTeamID is the team they were last moved out of (nil if never), whose pages the live
	// stream tells of the move too.
	LeftTeamID *string
}

// TableName keeps the table name singular-free: "staff" is already plural.
func (Staff) TableName() string { return "staff" }

// AtWorkIn reports whether the member of staff is there to act for team now: active, on shift
// and in that team (one without a team is in none). The inbox's lists say the same in SQL
// (notAtWork).
func (st Staff) AtWorkIn(team string) bool {
	return st.ActiveIn(team) && st.OnShift
}

// ActiveIn reports whether the member of staff is an active member of team, on shift or not (one
// without a team is in none): one who is not has left it or been deactivated.
func (st Staff) ActiveIn(team string) bool {
	return st.Active && st.TeamID != nil && *st.TeamID == team
}

// APIToken is a bearer token, known only by its hash.
type APIToken struct {
	TokenHash string `gorm:"primaryKey"`
	StaffID   string
	Label     string
	CreatedAt time.Time
	RevokedAt *time.Time
	// IssuedBy and IdempotencyKey are who issued a token with an Idempotency-Key, and that key
	// ("" for a token issued without one): one key of one issuer issues one token.
	IssuedBy       string
	IdempotencyKey string
}

// Action is one customer service action as last projected from its workflow.
type Action struct {
	ID                string `gorm:"primaryKey"`
	Title             string
	Details           string
	Category          string
	Priority          string
	Status            string
	OwnerID           string
	TeamID            string
	CustomerRef       string
	CustomerName      string
	CustomerContact   string
	RequiredAuthority int
	DueAt             time.Time
	EscalationLevel   int
	PendingHandoverID string
	Outcome           string
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	// WrittenAt is when the row was last written here; UpdatedAt, when the change it holds was
	// made (earlier, for a projection that waited out an outage). Sweeps and live updates follow it.
	WrittenAt   time.Time
	Version     int64
	RequestHash string
	// HanderID handed the action to its current owner; from FollowUpAt until the check they are
	// due to follow up with the owner.
	HanderID   string
	FollowUpAt *time.Time
	// PolicyVersion is the version of the category's policy the action runs under.
	PolicyVersion int
	// Paused is true while the action waits on the customer: its clocks stand still.
	Paused bool
	// PausedAt is when it was paused, and DueLeftSeconds how much of its time is left to its due
	// time then (what it has once resumed): both nil while it runs, and DueLeftSeconds nil too
	// when a due time given while paused stays where it was given.
	PausedAt       *time.Time
	DueLeftSeconds *int64
	// Internal is true for the team's own work, with no customer to tell.
	Internal bool
	// PauseReason is why a paused action waits on the customer, as its pause said; "" while it runs.
	PauseReason string
	// EscalationReason is why an escalated action is escalated, and EscalatedAt since when it is at
	// its level: "" and nil while it is not escalated.
	EscalationReason string
	EscalatedAt      *time.Time
	// CheckBy is when an action at its check is escalated if nobody checks it, and EscalateBy when
	// an escalated one goes up a level, or is raised again at the top, if nobody acts: nil
	// otherwise (and while paused), and on a row last written by a release before the read model
	// kept them.
	CheckBy, EscalateBy *time.Time
	// ResumeAt is when a paused action resumes by itself, if its pause was given an end.
	ResumeAt *time.Time
	// PauseRemindAt is when the owner of an action paused without an end is next reminded of it.
	PauseRemindAt *time.Time
	// Revision is the workflow revision the action was started with; nil on a row last written by
	// a release before the read model kept it (the action is of an earlier revision than 25).
	Revision *int
	// ClockHours is the calendar the action's clocks count, as it started with it (JSON: time
	// zone and hours), "" when they count around the clock; nil on a row last written by a
	// release before the read model kept it.
	ClockHours *string
	// Policy is the policy the action's clocks count, as it started with it (JSON: the category's
	// version then with the durations the action was given of its own, in workflows.Policy's
	// terms); nil on a row last written by a release before the read model kept it.
	Policy *string
	// ErasedAt is when the customer's personal data was erased (nil: it was not), set by the
	// erasure alone: a customer who gave neither name nor contact is erased all the same.
	ErasedAt  *time.Time
	Handovers []Handover `gorm:"foreignKey:ActionID"`
	// Tasks are the action's inbox tasks as its state has them, done or not (not a column): a
	// write marks each so, for everyone it went to, when its events change it, and all of them
	// when it writes again changes written before (one thrown away may have marked a task done
	// that the workflow never recorded).
	Tasks []Task `gorm:"-"`
	// SearchPending marks a write that gives the customer's name or contact (a create, a
	// correction of them): its customer is to be indexed again for search (customer_search_pending).
	SearchPending bool `gorm:"-"`
}

// CustomerSearch is one blind index of an action's customer's name or contact.
type CustomerSearch struct {
	Token    string `gorm:"primaryKey"`
	ActionID string `gorm:"primaryKey"`
}

// TableName is customer_search.
func (CustomerSearch) TableName() string { return "customer_search" }

// CustomerSearchPending is an action whose customer is to be indexed for search, as its row
// stood at Version or later.
type CustomerSearchPending struct {
	ActionID string `gorm:"primaryKey"`
	Version  int64
}

// TableName is customer_search_pending.
func (CustomerSearchPending) TableName() string { return "customer_search_pending" }

// Task is an inbox task of an action: its records of Kind at Seq, done at DoneAt by the timeline
// entry DoneSeq (DoneAt nil: not done), last tried in vain at the entry TriedSeq (0: never).
// Changed says the write's own events record it done or tried.
type Task struct {
	Seq      int64
	Kind     string
	DoneAt   *time.Time
	DoneSeq  int64
	TriedSeq int64
	Changed  bool
}

// Handover is one passing of an action from one person to another.
type Handover struct {
	ActionID        string `gorm:"primaryKey"`
	ID              string `gorm:"primaryKey"`
	FromID          string
	ToID            string
	Reason          string
	Method          string
	Situation       string
	Summary         string
	CustomerContext string
	DoneSoFar       string
	NextSteps       string
	Risks           string
	CustomerMessage string
	FollowUpAt      *time.Time
	Status          string
	RequestedAt     time.Time
	// ExpiresAt is when a pending handover lapses unless its recipient answers.
	ExpiresAt       *time.Time
	RespondedAt     *time.Time
	AcceptSummary   string
	DeclineReason   string
	FeedbackRating  int
	FeedbackComment string
	// NoteFields is the JSON object of the note fields the category's policy asks for.
	NoteFields string
	// ShiftHandoverID is the shift handover the handover was made in, or "".
	ShiftHandoverID string
	// StartedBy is who started that shift handover, when someone else than FromID did, or "".
	StartedBy string
}

// ActionEvent is one entry of an action's append-only timeline.
type ActionEvent struct {
	ActionID string `gorm:"primaryKey"`
	Seq      int64  `gorm:"primaryKey"`
	Type     string
	ActorID  string
	Cause    string
	At       time.Time
	// Data is the event's JSON object.
	Data string
}
