package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// overdueSQL is when an open action is overdue: due before now (overdueArgs) and not paused, since
// a paused action's clock stands still while it waits on the customer.
const overdueSQL = "due_at < ? AND paused = ?"

func overdueArgs(now time.Time) []any { return []any{utc(now), false} }

// OpenCount is how many open actions one owner of one team holds in one status ("" owns the
// unassigned ones): all of them, those overdue, and those paused.
type OpenCount struct {
	TeamID  string
	OwnerID string
	Status  string
	Open    int64 `gorm:"column:n_open"`
	Overdue int64 `gorm:"column:n_overdue"`
	Paused  int64 `gorm:"column:n_paused"`
}

// OpenCounts counts the open actions of a team (every team when teamID is "") by team, owner and
// status, in one statement: the figures of the board's columns and roster and of the manager's
// table, without reading the actions themselves. Overdue is as ListActions has it: due before now
// and not paused.
func (s *Store) OpenCounts(ctx context.Context, teamID string, now time.Time) ([]OpenCount, error) {
	q := s.read.WithContext(ctx).Model(&Action{}).
		Select("team_id, owner_id, status, COUNT(*) AS n_open, "+
			"SUM(CASE WHEN "+overdueSQL+" THEN 1 ELSE 0 END) AS n_overdue, "+
			"SUM(CASE WHEN paused = ? THEN 1 ELSE 0 END) AS n_paused", append(overdueArgs(now), true)...).
		Where("status IN ?", openStatuses)
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	var out []OpenCount
	if err := q.Group("team_id, owner_id, status").Order("team_id, owner_id, status").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("counting open actions: %w", err)
	}
	return out, nil
}

// BoardColumn lists the open actions of one status of a team (every team when teamID is "") in
// the board's order, overdue first (a paused action is not overdue), then earliest due: at most
// limit of them, after the first offset. Each comes with its handovers.
func (s *Store) BoardColumn(ctx context.Context, teamID, status string, now time.Time, offset, limit int) ([]Action, error) {
	q := s.read.WithContext(ctx).Where("status = ?", status)
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	var out []Action
	err := withHandovers(q).
		Order(clause.OrderBy{Expression: clause.Expr{
			SQL: "CASE WHEN " + overdueSQL + " THEN 0 ELSE 1 END, due_at, id", Vars: overdueArgs(now), WithoutParentheses: true,
		}}).Offset(offset).Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the %s actions of the board: %w", status, err)
	}
	return out, nil
}

// WaitingHandovers lists the actions of a team (every team when teamID is "") whose handover waits
// for acceptance, the longest waiting first: at most limit, with their handovers.
func (s *Store) WaitingHandovers(ctx context.Context, teamID string, limit int) ([]Action, error) {
	q := s.read.WithContext(ctx).Select("actions.*").
		Joins("JOIN handovers ON handovers.action_id = actions.id AND handovers.id = actions.pending_handover_id").
		Where("actions.status = ?", "handover_pending")
	if teamID != "" {
		q = q.Where("actions.team_id = ?", teamID)
	}
	var out []Action
	err := withHandovers(q).Order("handovers.requested_at, actions.id").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the handovers waiting for acceptance: %w", err)
	}
	return out, nil
}

// AwaitingCounts counts, for each person, the handovers of a team's actions waiting for them to
// answer: what taking them off shift leaves waiting (they cannot accept while off shift).
func (s *Store) AwaitingCounts(ctx context.Context, teamID string) (map[string]int, error) {
	var rows []struct {
		ToID string
		N    int
	}
	err := s.read.WithContext(ctx).Model(&Action{}).Select("handovers.to_id AS to_id, COUNT(*) AS n").
		Joins("JOIN handovers ON handovers.action_id = actions.id AND handovers.id = actions.pending_handover_id").
		Where("actions.status = ? AND actions.team_id = ?", "handover_pending", teamID).Group("handovers.to_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("counting the handovers waiting in team %s: %w", teamID, err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.ToID] = r.N
	}
	return out, nil
}
