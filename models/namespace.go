package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ServedNamespace is the Temporal namespace whose actions the read model holds, by its ID (unique
// to the cluster) and its name then (for messages).
type ServedNamespace struct {
	One         int `gorm:"primaryKey"`
	NamespaceID string
	Namespace   string
	BoundAt     time.Time
}

// ServedNamespace answers the namespace the read model serves, or nil before a process first
// recorded one (a new read model, or one of a release before it kept this).
func (s *Store) ServedNamespace(ctx context.Context) (*ServedNamespace, error) {
	var row ServedNamespace
	err := s.db.WithContext(ctx).Take(&row, "one = 1").Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the namespace the read model serves: %w", err)
	}
	return &row, nil
}

// ServeNamespace records the namespace the read model serves, unless it records one already (a
// process starting at the same moment), and answers the one it serves after.
func (s *Store) ServeNamespace(ctx context.Context, id, name string, now time.Time) (*ServedNamespace, error) {
	row := ServedNamespace{One: 1, NamespaceID: id, Namespace: name, BoundAt: now.UTC()}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("recording the namespace the read model serves: %w", err)
	}
	served, err := s.ServedNamespace(ctx)
	if err == nil && served == nil {
		err = errors.New("recording the namespace the read model serves: the row written is not there")
	}
	return served, err
}

// ReplaceServedNamespace records the namespace the read model serves in place of the one it
// recorded: an operator's decision, for a read model whose Temporal namespace was set up anew.
func (s *Store) ReplaceServedNamespace(ctx context.Context, id, name string, now time.Time) error {
	row := ServedNamespace{One: 1, NamespaceID: id, Namespace: name, BoundAt: now.UTC()}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "one"}}, DoUpdates: clause.AssignmentColumns([]string{"namespace_id", "namespace", "bound_at"}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("recording the namespace the read model serves: %w", err)
	}
	return nil
}

// HasActions reports whether the read model holds any action.
func (s *Store) HasActions(ctx context.Context) (bool, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&Action{}).Limit(1).Pluck("id", &ids).Error; err != nil {
		return false, fmt.Errorf("looking for actions: %w", err)
	}
	return len(ids) > 0, nil
}
