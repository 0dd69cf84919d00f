package models

import (
	"context"
	"fmt"
	"time"
)

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
			"SUM(CASE WHEN due_at < ? AND paused = ? THEN 1 ELSE 0 END) AS n_overdue, "+
			"SUM(CASE WHEN paused = ? THEN 1 ELSE 0 END) AS n_paused", utc(now), false, true).
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
