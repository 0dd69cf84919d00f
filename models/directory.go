package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// HashToken is the form a bearer token is stored and looked up in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SaveTeam creates or renames a team.
func (s *Store) SaveTeam(ctx context.Context, t Team) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	t.CreatedAt = utc(t.CreatedAt)
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name"}),
	}).Create(&t).Error
	if err != nil {
		return fmt.Errorf("saving team %s: %w", t.ID, err)
	}
	return nil
}

// SaveStaff creates or updates a member of staff.
func (s *Store) SaveStaff(ctx context.Context, st Staff) error {
	if st.CreatedAt.IsZero() {
		st.CreatedAt = time.Now()
	}
	st.CreatedAt = utc(st.CreatedAt)
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "role", "team_id", "authority", "on_shift", "active"}),
	}).Create(&st).Error
	if err != nil {
		return fmt.Errorf("saving staff %s: %w", st.ID, err)
	}
	return nil
}

// GetStaff loads one member of staff.
func (s *Store) GetStaff(ctx context.Context, id string) (Staff, error) {
	var st Staff
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Staff{}, fmt.Errorf("staff %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Staff{}, fmt.Errorf("loading staff %s: %w", id, err)
	}
	return st, nil
}

// AddToken stores the hash of a new bearer token for a member of staff. Adding the same token
// again changes nothing.
func (s *Store) AddToken(ctx context.Context, staffID, token, label string) error {
	t := APIToken{TokenHash: HashToken(token), StaffID: staffID, Label: label, CreatedAt: utc(time.Now())}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&t).Error; err != nil {
		return fmt.Errorf("adding token for %s: %w", staffID, err)
	}
	return nil
}

// StaffByToken finds the active member of staff a bearer token belongs to.
func (s *Store) StaffByToken(ctx context.Context, token string) (Staff, error) {
	var st Staff
	err := s.db.WithContext(ctx).
		Joins("JOIN api_tokens ON api_tokens.staff_id = staff.id").
		Where("api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL AND staff.active", HashToken(token)).
		Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Staff{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return Staff{}, fmt.Errorf("looking up token: %w", err)
	}
	return st, nil
}

// GetTeam loads one team.
func (s *Store) GetTeam(ctx context.Context, id string) (Team, error) {
	var t Team
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Team{}, fmt.Errorf("team %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Team{}, fmt.Errorf("loading team %s: %w", id, err)
	}
	return t, nil
}
