package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// HashToken is the form a bearer token is stored and looked up in.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SaveTeam creates or renames a team.
func (s *Store) SaveTeam(ctx context.Context, t Team) error {
	return s.insertTeam(ctx, t, "saving", clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name"}),
	})
}

// EnsureTeam creates a team unless one with its ID exists, which is left as it is (a demo's team
// an administrator renamed keeps its name).
func (s *Store) EnsureTeam(ctx context.Context, t Team) error {
	return s.insertTeam(ctx, t, "creating", clause.OnConflict{DoNothing: true})
}

// insertTeam writes a new team, or what conflict says to an existing one; doing names the write in
// its error.
func (s *Store) insertTeam(ctx context.Context, t Team, doing string, conflict clause.OnConflict) error {
	t.CreatedAt = createdAt(t.CreatedAt)
	if err := s.db.WithContext(ctx).Clauses(conflict).Create(&t).Error; err != nil {
		return fmt.Errorf("%s team %s: %w", doing, t.ID, err)
	}
	return nil
}

// SaveStaff creates or updates a member of staff.
func (s *Store) SaveStaff(ctx context.Context, st Staff) error {
	if err := saveStaff(s.db.WithContext(ctx), st); err != nil {
		return fmt.Errorf("saving staff %s: %w", st.ID, err)
	}
	return nil
}

func saveStaff(db *gorm.DB, st Staff) error {
	now := utc(time.Now())
	st.ChangedAt = &now
	return insertStaff(db, st, clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "role", "team_id", "authority", "on_shift", "active", "changed_at"}),
	})
}

// EnsureStaff creates a member of staff unless one with the ID exists, who is left as they are (a
// demo person an administrator moved, deactivated or gave other authority stays so).
func (s *Store) EnsureStaff(ctx context.Context, st Staff) error {
	if err := insertStaff(s.db.WithContext(ctx), st, clause.OnConflict{DoNothing: true}); err != nil {
		return fmt.Errorf("creating staff %s: %w", st.ID, err)
	}
	return nil
}

// insertStaff writes a new member of staff, or what conflict says to an existing one. A new person
// is changed as they are made, so the live updates announce them whoever adds them.
func insertStaff(db *gorm.DB, st Staff, conflict clause.OnConflict) error {
	st.CreatedAt = createdAt(st.CreatedAt)
	if st.ChangedAt == nil {
		st.ChangedAt = &st.CreatedAt
	}
	return db.Clauses(conflict).Create(&st).Error
}

// createdAt is when a new row was made: at, or now when none is given, in UTC as the read model
// keeps its times.
func createdAt(at time.Time) time.Time {
	if at.IsZero() {
		at = time.Now()
	}
	return utc(at)
}

// ErrLastAdmin refuses a change that would leave no active administrator.
var ErrLastAdmin = errors.New("no other active administrator")

// StaffColumns are the columns of a member of staff that a change may write.
var StaffColumns = []string{"name", "role", "team_id", "authority", "on_shift", "active"}

// UpdateStaff writes the given columns of an existing member of staff from st (those a change
// sent), leaving the others as they are in the database: a concurrent change of another column
// (the person ending their shift, say) is kept; a deactivation revokes their tokens too. With keepAdmin it refuses with ErrLastAdmin to leave
// no active administrator: the check and the write are one transaction that holds every active
// administrator's row (locked on PostgreSQL, in lock order; SQLite has one writer), so two
// administrators demoting each other at once cannot both succeed.
//
// The change is recorded in the audit trail as actorID's, with each column it changed (from what,
// to what), in the same transaction; a change that changes nothing records nothing.
func (s *Store) UpdateStaff(ctx context.Context, actorID string, st Staff, columns []string, keepAdmin bool) error {
	return s.updateStaff(ctx, actorID, st, columns, keepAdmin, nil)
}

// StaffBusy refuses a change to a person that would leave work with someone who can no longer act
// on it: the open actions they own and the handovers waiting for them (of actions that need more
// than an authority, when that is what the change lowers), and the handovers, reassignments and
// creates naming them that are on their way (claimed, not yet in the read model).
type StaffBusy struct {
	Owned, Awaiting, OnTheirWay int64
}

func (b *StaffBusy) Error() string {
	return fmt.Sprintf("%d open actions owned, %d handovers awaiting, %d on their way", b.Owned, b.Awaiting, b.OnTheirWay)
}

// UpdateStaffIfFree is UpdateStaff of a change that must leave the person no work (a
// deactivation, a move to another team, a role that cannot own actions, or less authority than
// above, -1 for any): it refuses with *StaffBusy when they have some, counted in the change's own
// transaction, under the lock ClaimStaff takes too, so that a handover or reassignment to them on
// its way is either seen here or sees the change.
func (s *Store) UpdateStaffIfFree(ctx context.Context, actorID string, st Staff, columns []string, keepAdmin bool, above int) error {
	return s.updateStaff(ctx, actorID, st, columns, keepAdmin, func(tx *gorm.DB) error {
		busy := &StaffBusy{}
		var err error
		if busy.Owned, busy.Awaiting, err = openWork(tx, st.ID, above); err != nil {
			return err
		}
		if err := tx.Model(&RoutingClaim{}).Where("staff_id = ? AND claimed_at > ?", st.ID, utc(time.Now().Add(-RoutingClaimTTL))).
			Count(&busy.OnTheirWay).Error; err != nil {
			return err
		}
		if busy.Owned+busy.Awaiting+busy.OnTheirWay > 0 {
			return busy
		}
		return nil
	})
}

// ClaimStaff reads a member of staff as a command naming them (a handover to them, a reassignment)
// is about to, and claims them for actionID on behalf of request until ReleaseHandoverClaim: under
// the lock a change to them takes (UpdateStaffIfFree), so that the command sees them as they are
// after any change made first, and a change made after sees the claim. ErrNotFound when there is
// no such person.
func (s *Store) ClaimStaff(ctx context.Context, actionID, staffID, request string) (Staff, error) {
	return s.ClaimStaffFor(ctx, []string{actionID}, staffID, request)
}

// ClaimStaffFor is ClaimStaff of one request naming the person for several actions (a shift
// handover to them): each action's claim is taken back by ReleaseHandoverClaim.
func (s *Store) ClaimStaffFor(ctx context.Context, actionIDs []string, staffID, request string) (Staff, error) {
	var st Staff
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.locked(tx.Where("id = ?", staffID)).Take(&st).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("staff %s: %w", staffID, ErrNotFound)
		} else if err != nil {
			return err
		}
		if len(actionIDs) == 0 {
			return nil
		}
		now := utc(time.Now())
		claims := make([]RoutingClaim, len(actionIDs))
		for i, id := range actionIDs {
			claims[i] = RoutingClaim{ActionID: id, StaffID: staffID, RequestID: request, ClaimedAt: now, Handover: true}
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(claims, 200).Error
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Staff{}, fmt.Errorf("claiming staff %s: %w", staffID, err)
	}
	return st, err
}

func (s *Store) updateStaff(ctx context.Context, actorID string, st Staff, columns []string, keepAdmin bool, free func(tx *gorm.DB) error) error {
	for _, c := range columns {
		if !slices.Contains(StaffColumns, c) {
			return fmt.Errorf("saving staff %s: no column %q", st.ID, c)
		}
	}
	if len(columns) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if keepAdmin {
			var admins []string
			if err := s.locked(tx.Model(&Staff{}).Where("role = ? AND active", adminRole).Order("id")).Pluck("id", &admins).Error; err != nil {
				return err
			}
			if !(st.Active && st.Role == adminRole) && !slices.ContainsFunc(admins, func(id string) bool { return id != st.ID }) {
				return ErrLastAdmin
			}
		}
		var was Staff
		if err := s.locked(tx.Where("id = ?", st.ID)).Take(&was).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if free != nil {
			if err := free(tx); err != nil {
				return err
			}
		}
		if err := tx.Model(&Staff{}).Where("id = ?", st.ID).Select(columns).Updates(&st).Error; err != nil {
			return err
		}
		changes := staffChanges(was, st, columns)
		if len(changes) == 0 {
			return nil
		}
		// The team left is named only by the change that moves the person, so that it is told of
		// that move, and not of their later shifts.
		stamp := map[string]any{"changed_at": utc(time.Now()), "left_team_id": nil}
		if slices.Contains(columns, "team_id") && was.TeamID != nil && (st.TeamID == nil || *st.TeamID != *was.TeamID) {
			stamp["left_team_id"] = *was.TeamID
		}
		if err := tx.Model(&Staff{}).Where("id = ?", st.ID).Updates(stamp).Error; err != nil {
			return err
		}
		detail := map[string]any{"changes": changes}
		if was.Active && !st.Active && slices.Contains(columns, "active") {
			// Deactivation revokes every token (and so every session): made active again, the person
			// needs a new one, and a token that leaked meanwhile does not come back with them.
			res := revokeTokens(tx, st.ID)
			if res.Error != nil {
				return res.Error
			}
			detail["tokens_revoked"] = res.RowsAffected
		}
		return audit(tx, time.Now(), actorID, AuditStaffChanged, SubjectStaff, st.ID, detail)
	})
	if err != nil {
		return fmt.Errorf("saving staff %s: %w", st.ID, err)
	}
	return nil
}

const adminRole = "admin"

// locked makes q, read in a transaction, lock the rows it reads until the transaction ends: on
// PostgreSQL with FOR UPDATE; SQLite has one writer, whose transaction holds them already.
func (s *Store) locked(q *gorm.DB) *gorm.DB {
	if s.dialect == DialectPostgres {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// Change is one column's value before and after a change, in the audit trail.
type Change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// staffValues are the values of a person's StaffColumns, as the audit trail records them.
func staffValues(st Staff) map[string]any {
	return map[string]any{"name": st.Name, "role": st.Role, "team_id": deref(st.TeamID), "authority": st.Authority,
		"on_shift": st.OnShift, "active": st.Active}
}

// staffChanges lists, by column, those of columns whose value differs between was and now.
func staffChanges(was, now Staff, columns []string) map[string]Change {
	before, after := staffValues(was), staffValues(now)
	out := map[string]Change{}
	for _, c := range columns {
		if b, a := before[c], after[c]; b != a {
			out[c] = Change{From: b, To: a}
		}
	}
	return out
}

// deref is the string p points to, or nil: a team ID in the audit trail.
func deref(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// GetStaff loads one member of staff.
func (s *Store) GetStaff(ctx context.Context, id string) (Staff, error) {
	var st Staff
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Staff{}, fmt.Errorf("staff %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Staff{}, fmt.Errorf("loading staff %s: %w", id, err)
	}
	return st, nil
}

// AddToken stores the hash of a new bearer token for a member of staff. Adding the same token
// again makes it live if it was revoked, and changes nothing else.
func (s *Store) AddToken(ctx context.Context, staffID, token, label string) error {
	t := APIToken{TokenHash: HashToken(token), StaffID: staffID, Label: label, CreatedAt: utc(time.Now())}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token_hash"}},
		DoUpdates: clause.Assignments(map[string]any{"revoked_at": nil}),
	}).Create(&t).Error
	if err != nil {
		return fmt.Errorf("adding token for %s: %w", staffID, err)
	}
	return nil
}

// RevokeTokenValues revokes the given tokens (found by their hashes) where they are live, and
// returns how many were.
func (s *Store) RevokeTokenValues(ctx context.Context, tokens ...string) (int64, error) {
	hashes := make([]string, len(tokens))
	for i, t := range tokens {
		hashes[i] = HashToken(t)
	}
	res := s.db.WithContext(ctx).Model(&APIToken{}).
		Where("token_hash IN ? AND revoked_at IS NULL", hashes).Update("revoked_at", utc(time.Now()))
	if res.Error != nil {
		return 0, fmt.Errorf("revoking tokens: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// StaffByToken finds the active member of staff a bearer token belongs to.
func (s *Store) StaffByToken(ctx context.Context, token string) (Staff, error) {
	var st Staff
	err := s.read.WithContext(ctx).
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
	err := s.read.WithContext(ctx).Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Team{}, fmt.Errorf("team %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Team{}, fmt.Errorf("loading team %s: %w", id, err)
	}
	return t, nil
}

// ErrConflict is returned when a row with the same key already exists.
var ErrConflict = errors.New("already exists")

// isDuplicate reports whether err is a primary-key or unique violation. GORM translates
// PostgreSQL's; the pure-Go SQLite driver's are recognised by their extended result codes.
func isDuplicate(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || code == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

// CreateTeam adds a team, recorded in the audit trail as actorID's; an existing ID is ErrConflict.
func (s *Store) CreateTeam(ctx context.Context, actorID string, t Team) error {
	t.CreatedAt = utc(time.Now())
	if _, err := s.GetTeam(ctx, t.ID); err == nil {
		return fmt.Errorf("team %s: %w", t.ID, ErrConflict)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return audit(tx, t.CreatedAt, actorID, AuditTeamCreated, SubjectTeam, t.ID, map[string]string{"name": t.Name})
	})
	if isDuplicate(err) {
		return fmt.Errorf("team %s: %w", t.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("creating team %s: %w", t.ID, err)
	}
	return nil
}

// RenameTeam gives a team a new name, recorded in the audit trail as actorID's (a name it
// already has changes nothing), and returns the team.
func (s *Store) RenameTeam(ctx context.Context, actorID, id, name string) (Team, error) {
	var t Team
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.locked(tx.Where("id = ?", id)).Take(&t).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("team %s: %w", id, ErrNotFound)
		} else if err != nil {
			return err
		}
		if t.Name == name {
			return nil
		}
		if err := tx.Model(&Team{}).Where("id = ?", id).Update("name", name).Error; err != nil {
			return err
		}
		was := t.Name
		t.Name = name
		return audit(tx, time.Now(), actorID, AuditTeamRenamed, SubjectTeam, id, map[string]Change{"name": {From: was, To: name}})
	})
	if err != nil {
		return Team{}, fmt.Errorf("renaming team %s: %w", id, err)
	}
	return t, nil
}

// ListTeams returns every team by ID.
func (s *Store) ListTeams(ctx context.Context) ([]Team, error) {
	var out []Team
	if err := s.read.WithContext(ctx).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing teams: %w", err)
	}
	return out, nil
}

// CreateStaff adds a member of staff, recorded in the audit trail as actorID's; an existing ID is
// ErrConflict.
func (s *Store) CreateStaff(ctx context.Context, actorID string, st Staff) error {
	st.CreatedAt = utc(time.Now())
	st.ChangedAt = &st.CreatedAt
	if _, err := s.GetStaff(ctx, st.ID); err == nil {
		return fmt.Errorf("staff %s: %w", st.ID, ErrConflict)
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&st).Error; err != nil {
			return err
		}
		return audit(tx, st.CreatedAt, actorID, AuditStaffCreated, SubjectStaff, st.ID, staffValues(st))
	})
	if isDuplicate(err) {
		return fmt.Errorf("staff %s: %w", st.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("creating staff %s: %w", st.ID, err)
	}
	return nil
}

// ListStaff returns staff by ID, of one team when teamID is not "".
func (s *Store) ListStaff(ctx context.Context, teamID string) ([]Staff, error) {
	q := s.read.WithContext(ctx).Order("id")
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	var out []Staff
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing staff: %w", err)
	}
	return out, nil
}

// StaffPage returns up to limit staff by ID, of one team when teamID is not "", after the ID after
// when it is not "", and whether more follow.
func (s *Store) StaffPage(ctx context.Context, teamID, after string, limit int) ([]Staff, bool, error) {
	q := s.read.WithContext(ctx)
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	if after != "" {
		q = q.Where("id > ?", after)
	}
	var out []Staff
	if err := q.Order("id").Limit(limit + 1).Find(&out).Error; err != nil {
		return nil, false, fmt.Errorf("listing staff: %w", err)
	}
	more := len(out) > limit
	return out[:min(len(out), limit)], more, nil
}

// IssueToken creates a new random bearer token for a member of staff and stores only its hash:
// the token itself is returned once and cannot be read back. The audit trail records that
// actorID issued it, with its label.
func (s *Store) IssueToken(ctx context.Context, actorID, staffID, label string) (string, error) {
	return s.IssueTokenOnce(ctx, actorID, staffID, label, "")
}

// TokenKeyUsedError is IssueTokenOnce's answer to a key its issuer gave before: Earlier is the
// token that key issued (its hash left out), whose secret was shown once and is not kept.
type TokenKeyUsedError struct {
	Key     string
	Earlier APIToken
}

func (e *TokenKeyUsedError) Error() string {
	return fmt.Sprintf("Idempotency-Key %q issued a token to %s at %s", e.Key, e.Earlier.StaffID, e.Earlier.CreatedAt.UTC().Format(time.RFC3339))
}

// IssueTokenOnce is IssueToken for a request with an Idempotency-Key (key; "" for none): a key
// actorID gave before issues nothing and is a *TokenKeyUsedError naming the token it issued, also
// of two such requests at once.
func (s *Store) IssueTokenOnce(ctx context.Context, actorID, staffID, label, key string) (string, error) {
	if _, err := s.GetStaff(ctx, staffID); err != nil {
		return "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generating token: %w", err)
	}
	token := "hov_" + base64.RawURLEncoding.EncodeToString(raw)
	now := utc(time.Now())
	errKeyUsed := errors.New("the key issued a token before")
	err := s.tx(ctx, func(tx *gorm.DB) error {
		row := APIToken{TokenHash: HashToken(token), StaffID: staffID, Label: label, CreatedAt: now}
		insert := tx
		if key != "" {
			row.IssuedBy, row.IdempotencyKey = actorID, key
			// The unique index of migration 55 says whether the key issued a token before, also
			// of two requests sent at once: nothing is inserted then (no constraint error logged
			// for a client's retry).
			insert = tx.Clauses(clause.OnConflict{
				Columns:     []clause.Column{{Name: "issued_by"}, {Name: "idempotency_key"}},
				TargetWhere: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "idempotency_key <> ''"}}},
				DoNothing:   true,
			})
		}
		res := insert.Create(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errKeyUsed
		}
		return audit(tx, now, actorID, AuditTokenIssued, SubjectStaff, staffID, map[string]string{"label": label})
	})
	if errors.Is(err, errKeyUsed) {
		if used := s.tokenKeyUsed(ctx, actorID, key); used != nil {
			return "", used
		}
	}
	if err != nil {
		return "", fmt.Errorf("adding token for %s: %w", staffID, err)
	}
	return token, nil
}

// tokenKeyUsed is the *TokenKeyUsedError of the token actorID issued with key, nil when none was.
func (s *Store) tokenKeyUsed(ctx context.Context, actorID, key string) error {
	var earlier []APIToken
	if err := s.db.WithContext(ctx).Select("staff_id", "label", "created_at", "revoked_at", "issued_by", "idempotency_key").
		Where("issued_by = ? AND idempotency_key = ?", actorID, key).Limit(1).Find(&earlier).Error; err != nil {
		return fmt.Errorf("reading the token of Idempotency-Key %q: %w", key, err)
	}
	if len(earlier) == 0 {
		return nil
	}
	return &TokenKeyUsedError{Key: key, Earlier: earlier[0]}
}

// RevokeTokens revokes every live token of a member of staff, or with labelled those of one label
// only (an integration's old token, once its new one is in use), and returns how many there were,
// recorded in the audit trail as actorID's when there were any.
func (s *Store) RevokeTokens(ctx context.Context, actorID, staffID string, labelled ...string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := tx
		detail := map[string]any{}
		if len(labelled) > 0 {
			q = tx.Where("label = ?", labelled[0])
			detail["label"] = labelled[0]
		}
		res := revokeTokens(q, staffID)
		if n = res.RowsAffected; res.Error != nil || n == 0 {
			return res.Error
		}
		detail["revoked"] = n
		return audit(tx, time.Now(), actorID, AuditTokensRevoked, SubjectStaff, staffID, detail)
	})
	if err != nil {
		return 0, fmt.Errorf("revoking tokens of %s: %w", staffID, err)
	}
	return n, nil
}

// revokeTokens revokes, in db (a transaction, or not, with any conditions of its own), every live
// token of a member of staff.
func revokeTokens(db *gorm.DB, staffID string) *gorm.DB {
	return db.Model(&APIToken{}).Where("staff_id = ? AND revoked_at IS NULL", staffID).Update("revoked_at", utc(time.Now()))
}

// LiveToken is a token in use, as an administrator sees it: never the token, nor its hash.
type LiveToken struct {
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"created_at"`
}

// NoSuchLabel is the refusal of a revocation by a label no live token of the person has, naming
// the labels their live tokens have (each once, in the order of its first token): a mistyped label
// would otherwise revoke nothing in silence.
func NoSuchLabel(staffID, label string, live []LiveToken) string {
	var labels []string
	for _, t := range live {
		if q := strconv.Quote(t.Label); !slices.Contains(labels, q) {
			labels = append(labels, q)
		}
	}
	if len(labels) == 0 {
		return fmt.Sprintf("%s has no live token: nothing revoked", staffID)
	}
	return fmt.Sprintf("no live token of %s is labelled %q: nothing revoked (their labels: %s)", staffID, label, strings.Join(labels, ", "))
}

// LiveTokens lists the live tokens of a member of staff, oldest first (at most 100).
func (s *Store) LiveTokens(ctx context.Context, staffID string) ([]LiveToken, error) {
	of, err := s.LiveTokensOf(ctx, []string{staffID})
	if err != nil {
		return nil, err
	}
	return append([]LiveToken{}, of[staffID]...), nil
}

// LiveTokensOf lists the live tokens of each of the people named, oldest first (at most 100 each):
// one read for a page of the people page.
func (s *Store) LiveTokensOf(ctx context.Context, staffIDs []string) (map[string][]LiveToken, error) {
	var rows []APIToken
	err := s.read.WithContext(ctx).Select("staff_id, label, created_at").
		Where("staff_id IN ? AND revoked_at IS NULL", staffIDs).Order("staff_id, created_at, label").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	out := map[string][]LiveToken{}
	for _, r := range rows {
		if len(out[r.StaffID]) < 100 {
			out[r.StaffID] = append(out[r.StaffID], LiveToken{Label: r.Label, CreatedAt: r.CreatedAt.UTC()})
		}
	}
	return out, nil
}

// idPattern is the form of staff and team IDs: short, readable, safe in URLs.
var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ValidID reports whether id has the form of a staff or team ID.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// StaffRoles are the roles a member of staff can have.
var StaffRoles = []string{"agent", "supervisor", "manager", "admin", "service"}

// IDRule says what ValidID accepts.
const IDRule = "must be lower-case letters, digits, '.', '-' or '_' (at most 64)"

// CheckTeam applies the rules of a new team, for the ways in that do not go through the API (the
// admin command); the error names the field.
func CheckTeam(t Team) error { return checkNamed(t.ID, t.Name) }

// CheckStaff applies the rules of a new member of staff, as CheckTeam does for teams.
func CheckStaff(st Staff) error {
	if err := checkNamed(st.ID, st.Name); err != nil {
		return err
	}
	switch {
	case !slices.Contains(StaffRoles, st.Role):
		return fmt.Errorf("role: must be one of %s", strings.Join(StaffRoles, ", "))
	case st.Authority < 0 || st.Authority > 10:
		return errors.New("authority: must be from 0 to 10")
	case NeedsTeam(st.Role) && (st.TeamID == nil || *st.TeamID == ""):
		return errors.New("team_id: " + TeamRule)
	}
	return nil
}

// NeedsTeam reports whether a member of staff of this role belongs to a team.
func NeedsTeam(role string) bool { return role == "agent" || role == "supervisor" }

// TeamRule says why a person of a team role needs a team.
const TeamRule = "agents and supervisors belong to a team"

// checkNamed applies what teams and staff share: an ID of the right form, and a name.
func checkNamed(id, name string) error {
	switch {
	case !ValidID(id):
		return fmt.Errorf("id: %s", IDRule)
	case strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 200 || strings.ContainsRune(name, 0):
		return errors.New("name: must be given, at most 200 characters, without a NUL character")
	}
	return nil
}
