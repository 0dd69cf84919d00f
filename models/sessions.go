package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// UISession is a browser session of the web UI, opened with an API token.
type UISession struct {
	IDHash    string `gorm:"primaryKey"`
	StaffID   string
	TokenHash string
	CSRF      string `gorm:"column:csrf"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TableName names the sessions table.
func (UISession) TableName() string { return "ui_sessions" }

// OpenedSession is what opening a session gives: the id for the cookie (never stored), the
// session's CSRF token, and who it is.
type OpenedSession struct {
	ID    string
	CSRF  string
	Staff Staff
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// OpenSession checks the API token and opens a session on it that lasts ttl. An unknown or
// revoked token is ErrNotFound.
func (s *Store) OpenSession(ctx context.Context, token string, now time.Time, ttl time.Duration) (OpenedSession, error) {
	st, err := s.StaffByToken(ctx, token)
	if err != nil {
		return OpenedSession{}, err
	}
	id, err := randomToken()
	if err != nil {
		return OpenedSession{}, err
	}
	csrf, err := randomToken()
	if err != nil {
		return OpenedSession{}, err
	}
	row := UISession{
		IDHash: HashToken(id), StaffID: st.ID, TokenHash: HashToken(token), CSRF: csrf,
		CreatedAt: utc(now), ExpiresAt: utc(now.Add(ttl)),
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return OpenedSession{}, fmt.Errorf("opening a session: %w", err)
	}
	// Sessions past their time are of no use to anyone: clear them as new ones open.
	if err := s.db.WithContext(ctx).Where("expires_at < ?", utc(now)).Delete(&UISession{}).Error; err != nil {
		return OpenedSession{}, fmt.Errorf("clearing expired sessions: %w", err)
	}
	return OpenedSession{ID: id, CSRF: csrf, Staff: st}, nil
}

// SessionStaff resolves a session id to its member of staff and CSRF token, while the session
// has not expired, its token is not revoked and the person is active; otherwise ErrNotFound.
func (s *Store) SessionStaff(ctx context.Context, id string, now time.Time) (Staff, string, error) {
	var row UISession
	err := s.db.WithContext(ctx).
		Joins("JOIN api_tokens ON api_tokens.token_hash = ui_sessions.token_hash AND api_tokens.revoked_at IS NULL").
		Where("ui_sessions.id_hash = ? AND ui_sessions.expires_at > ?", HashToken(id), utc(now)).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Staff{}, "", fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Staff{}, "", fmt.Errorf("looking up session: %w", err)
	}
	var st Staff
	err = s.db.WithContext(ctx).Where("id = ? AND active", row.StaffID).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Staff{}, "", fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Staff{}, "", fmt.Errorf("loading session staff: %w", err)
	}
	return st, row.CSRF, nil
}

// CloseSession ends a session; closing an unknown one is not an error.
func (s *Store) CloseSession(ctx context.Context, id string) error {
	if err := s.db.WithContext(ctx).Where("id_hash = ?", HashToken(id)).Delete(&UISession{}).Error; err != nil {
		return fmt.Errorf("closing session: %w", err)
	}
	return nil
}

// ActionChange is the little the live updates of the UI need to know of a changed action.
type ActionChange struct {
	ID        string    `json:"id"`
	TeamID    string    `json:"team_id"`
	OwnerID   string    `json:"owner_id"`
	Status    string    `json:"status"`
	Paused    bool      `json:"paused"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	// WrittenAt is when the read model took it: what a poller moves on by.
	WrittenAt time.Time `json:"-"`
}

// ActionsChangedSince lists actions written to the read model after since, the earliest written
// first (a change that waited out an outage comes when it is written, whenever it was made).
func (s *Store) ActionsChangedSince(ctx context.Context, since time.Time, limit int) ([]ActionChange, error) {
	var out []ActionChange
	err := s.db.WithContext(ctx).Model(&Action{}).
		Select("id, team_id, owner_id, status, paused, version, updated_at, written_at").
		Where("written_at > ?", utc(since)).Order("written_at, id").Limit(limit).
		Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing changed actions: %w", err)
	}
	return out, nil
}

// StaffChange is the little the live updates of the UI need to know of a changed member of staff:
// whose board and inbox show them.
type StaffChange struct {
	ID     string  `json:"id"`
	TeamID *string `json:"team_id"`
	// LeftTeamID is the team they last left, whose pages showed them until then.
	LeftTeamID *string `json:"left_team_id,omitempty"`
	// ChangedAt is when the change was written: what a poller moves on by.
	ChangedAt time.Time `json:"-"`
}

// StaffChangedSince lists the members of staff added or changed after since (their shift, team,
// role, authority, whether active), the earliest first, then by ID, at most limit; with afterID,
// those changed at since itself with a greater ID come first, so a reader pages on from the last
// row it read.
func (s *Store) StaffChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]StaffChange, error) {
	var out []StaffChange
	q := s.db.WithContext(ctx).Model(&Staff{}).Select("id, team_id, left_team_id, changed_at")
	if afterID == "" {
		q = q.Where("changed_at > ?", utc(since))
	} else {
		q = q.Where("changed_at > ? OR (changed_at = ? AND id > ?)", utc(since), utc(since), afterID)
	}
	if err := q.Order("changed_at, id").Limit(limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("listing changed staff: %w", err)
	}
	return out, nil
}
