package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Notification is one inbox record: something a person should know about an action.
type Notification struct {
	RecipientID string `gorm:"primaryKey"`
	ActionID    string `gorm:"primaryKey"`
	Seq         int64  `gorm:"primaryKey"`
	Kind        string `gorm:"primaryKey"`
	ActorID     string
	Cause       string
	Message     string
	CreatedAt   time.Time
	ReadAt      *time.Time
}

// AddNotifications writes inbox records; records already written are left as they are.
func (s *Store) AddNotifications(ctx context.Context, records []Notification) error {
	if len(records) == 0 {
		return nil
	}
	for i := range records {
		records[i].CreatedAt = utc(records[i].CreatedAt)
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&records).Error; err != nil {
		return fmt.Errorf("adding notifications: %w", err)
	}
	return nil
}

// ListNotifications returns a person's newest inbox records first, whatever their actions' teams.
func (s *Store) ListNotifications(ctx context.Context, recipientID string, limit int) ([]Notification, error) {
	return s.MyNotifications(ctx, InboxOf{StaffID: recipientID, AllTeams: true}, limit)
}

// MyNotifications returns of.StaffID's newest inbox records about actions they may still see: one
// moved to another team no longer reads the old team's (a message can carry a cancel reason or a
// customer's name), as their inbox and the actions themselves are out of their scope then.
func (s *Store) MyNotifications(ctx context.Context, of InboxOf, limit int) ([]Notification, error) {
	q := s.read.WithContext(ctx).Where("recipient_id = ?", of.StaffID)
	if !of.AllTeams {
		q = q.Where("action_id IN (?)", s.read.Model(&Action{}).Select("id").Where("team_id = ?", of.TeamID))
	}
	var out []Notification
	if err := q.Order("created_at DESC, seq DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing notifications of %s: %w", of.StaffID, err)
	}
	return out, nil
}

// StaffWithRole lists the active staff of a role: in one team, or in any team when teamID is "".
func (s *Store) StaffWithRole(ctx context.Context, role, teamID string) ([]Staff, error) {
	q := s.read.WithContext(ctx).Where("role = ? AND active", role)
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	var out []Staff
	if err := q.Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing %s staff: %w", role, err)
	}
	return out, nil
}

// Candidate is a member of staff who could own a new action, with their open work: the open actions
// they own and the handovers waiting for their acceptance.
type Candidate struct {
	Staff
	OpenActions int64
}

// RoutingCandidates lists the active, on-shift agents of a team with at least the authority, least
// open work first. Open work is the open actions someone owns and the handovers waiting for their
// acceptance: an action offered to them is theirs once they accept it, so two shift handovers
// started at once do not both pick the same idle colleague.
func (s *Store) RoutingCandidates(ctx context.Context, teamID string, authority int) ([]Candidate, error) {
	var out []Candidate
	err := s.read.WithContext(ctx).Table("staff").
		Select("staff.*, (SELECT COUNT(*) FROM actions WHERE actions.owner_id = staff.id AND actions.status IN ?)"+
			" + (SELECT COUNT(*) FROM handovers WHERE handovers.to_id = staff.id AND handovers.status = ?) AS open_actions",
			openStatuses, "pending").
		Where("staff.team_id = ? AND staff.role = ? AND staff.active AND staff.on_shift AND staff.authority >= ?", teamID, "agent", authority).
		Order("open_actions, staff.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("finding owners in team %s: %w", teamID, err)
	}
	return out, nil
}

// Policy is one version of a category's lifecycle durations; nil durations take the defaults.
type Policy struct {
	Category       string `gorm:"primaryKey"`
	Version        int    `gorm:"primaryKey"`
	AcceptWithin   *int64
	CheckWithin    *int64
	EscalateWithin *int64
	AssignWithin   *int64
	FollowUpEvery  *int64
	// Clock is "business" (count on the team's calendar) or "24/7".
	Clock string
	// RequiredFields is the JSON list of note fields a handover of the category must fill.
	RequiredFields string
	CreatedBy      string
	CreatedAt      time.Time
}

// CurrentPolicy returns the newest version of a category's policy.
func (s *Store) CurrentPolicy(ctx context.Context, category string) (Policy, error) {
	var p Policy
	err := s.read.WithContext(ctx).Where("category = ?", category).Order("version DESC").Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Policy{}, fmt.Errorf("policy %s: %w", category, ErrNotFound)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("loading policy %s: %w", category, err)
	}
	return p, nil
}

// CurrentPolicies returns the newest version of every category's policy, by category.
func (s *Store) CurrentPolicies(ctx context.Context) ([]Policy, error) {
	var out []Policy
	err := s.read.WithContext(ctx).
		Where("version = (SELECT MAX(newer.version) FROM policies AS newer WHERE newer.category = policies.category)").
		Order("category").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing policies: %w", err)
	}
	return out, nil
}

// SavePolicy stores a new version of a category's policy and returns it with its version. Two
// writers racing for the same version number: the loser takes the next one.
func (s *Store) SavePolicy(ctx context.Context, p Policy) (Policy, error) {
	if p.Clock == "" {
		p.Clock = "business"
	}
	if p.RequiredFields == "" {
		p.RequiredFields = "[]"
	}
	var err error
	for range 20 {
		err = s.tx(ctx, func(tx *gorm.DB) error {
			var last int
			if err := tx.Model(&Policy{}).Where("category = ?", p.Category).Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
				return err
			}
			p.Version = last + 1
			p.CreatedAt = utc(time.Now())
			return tx.Create(&p).Error
		})
		if !isDuplicate(err) {
			break
		}
	}
	if err != nil {
		return Policy{}, fmt.Errorf("saving policy %s: %w", p.Category, err)
	}
	return p, nil
}
