package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Candidate is a member of staff who could own a new action, with their open work: the open actions
// they own, the handovers waiting for their acceptance and the routed creates given them that the
// read model does not show yet.
type Candidate struct {
	Staff
	OpenActions int64
}

// RoutingClaim is the owner routing chose for an action whose create has not answered yet: until
// the action is in the read model, its owner's open work would not show it.
type RoutingClaim struct {
	ActionID  string `gorm:"primaryKey"`
	StaffID   string
	ClaimedAt time.Time
}

// RoutingClaimTTL is how long a claim counts at most when its action never reaches the read model
// (a create that failed without taking it back, in a process that stopped).
const RoutingClaimTTL = 2 * time.Minute

// RoutingCandidates lists the active, on-shift agents of a team with at least the authority, least
// open work first. Open work is the open actions someone owns, the handovers waiting for their
// acceptance (an action offered to them is theirs once they accept it, so two shift handovers
// started at once do not both pick the same idle colleague) and the routing claims of actions not
// in the read model yet, made by any API process.
func (s *Store) RoutingCandidates(ctx context.Context, teamID string, authority int) ([]Candidate, error) {
	return routingCandidates(s.read.WithContext(ctx), teamID, authority, time.Now())
}

func routingCandidates(db *gorm.DB, teamID string, authority int, now time.Time) ([]Candidate, error) {
	var out []Candidate
	err := db.Table("staff").
		Select("staff.*, (SELECT COUNT(*) FROM actions WHERE actions.owner_id = staff.id AND actions.status IN ?)"+
			" + (SELECT COUNT(*) FROM handovers WHERE handovers.to_id = staff.id AND handovers.status = ?)"+
			" + (SELECT COUNT(*) FROM routing_claims WHERE routing_claims.staff_id = staff.id AND routing_claims.claimed_at > ?"+
			" AND NOT EXISTS (SELECT 1 FROM actions WHERE actions.id = routing_claims.action_id)) AS open_actions",
			openStatuses, "pending", utc(now.Add(-RoutingClaimTTL))).
		Where("staff.team_id = ? AND staff.role = ? AND staff.active AND staff.on_shift AND staff.authority >= ?", teamID, "agent", authority).
		Order("open_actions, staff.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("finding owners in team %s: %w", teamID, err)
	}
	return out, nil
}

// ClaimRoutedOwner chooses the owner of the new action actionID by routing, the first of
// RoutingCandidates, and claims them for it: no one (a zero Staff) when nobody is eligible. The
// claims of one team are made one at a time whichever process makes them (on PostgreSQL under a
// lock of the team held for the transaction; SQLite has one writer), so creates routed at once
// through several API processes are spread as if they came one after another. Claims past
// RoutingClaimTTL are deleted here.
func (s *Store) ClaimRoutedOwner(ctx context.Context, teamID string, authority int, actionID string) (Staff, error) {
	now := time.Now()
	var owner Staff
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "handover routing "+teamID).Error; err != nil {
				return err
			}
		}
		candidates, err := routingCandidates(tx, teamID, authority, now)
		if err != nil || len(candidates) == 0 {
			return err
		}
		owner = candidates[0].Staff
		if err := tx.Where("claimed_at < ?", utc(now.Add(-RoutingClaimTTL))).Delete(&RoutingClaim{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "action_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"staff_id", "claimed_at"}),
		}).Create(&RoutingClaim{ActionID: actionID, StaffID: owner.ID, ClaimedAt: utc(now)}).Error
	})
	if err != nil {
		return Staff{}, fmt.Errorf("routing in team %s: %w", teamID, err)
	}
	return owner, nil
}

// ReleaseRoutingClaim takes back the claim of an action: its create has answered, or failed.
func (s *Store) ReleaseRoutingClaim(ctx context.Context, actionID string) error {
	if err := s.db.WithContext(ctx).Where("action_id = ?", actionID).Delete(&RoutingClaim{}).Error; err != nil {
		return fmt.Errorf("releasing the routing claim of %s: %w", actionID, err)
	}
	return nil
}
