package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CustomerKey is a customer's data key, wrapped by a process encryption key. Wrapped is nil once
// the key is destroyed: whatever it sealed can no longer be read anywhere.
type CustomerKey struct {
	ID          string `gorm:"primaryKey"`
	CustomerRef string
	WrapKeyID   string
	Wrapped     *string
	CreatedAt   time.Time
	DestroyedAt *time.Time
	// LastUsedAt is when new data was last sealed with the key (kept to within KeyTouchEvery; nil
	// on keys made before it was kept: their CreatedAt stands for it).
	LastUsedAt *time.Time
}

// KeyTouchEvery is how stale a live key's LastUsedAt may be: a key is marked used at most once in
// it, and an erasure by retention ends no sooner than a day ago (RetentionLeast), well past it.
const KeyTouchEvery = time.Hour

// RetentionLeast is how far in the past an erasure by retention must end at least: a key marked
// used within it could be in use for an action being made now.
const RetentionLeast = 24 * time.Hour

// TouchCustomerKey marks the live key as used now (new data sealed with it), unless it was marked
// within KeyTouchEvery: a customer who comes back is not erased by retention while their new
// action is being made.
func (s *Store) TouchCustomerKey(ctx context.Context, id string, now time.Time) error {
	err := s.db.WithContext(ctx).Model(&CustomerKey{}).
		Where("id = ? AND destroyed_at IS NULL AND (last_used_at IS NULL OR last_used_at < ?)", id, utc(now.Add(-KeyTouchEvery))).
		UpdateColumn("last_used_at", utc(now)).Error
	if err != nil {
		return fmt.Errorf("marking key %s used: %w", id, err)
	}
	return nil
}

// Erased is what reads show in place of personal data whose key was destroyed.
const Erased = "[erased]"

// LiveCustomerKey returns the customer's key that is not destroyed, or ErrNotFound.
func (s *Store) LiveCustomerKey(ctx context.Context, ref string) (CustomerKey, error) {
	var k CustomerKey
	err := s.db.WithContext(ctx).Where("customer_ref = ? AND destroyed_at IS NULL", ref).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CustomerKey{}, fmt.Errorf("key of customer %q: %w", ref, ErrNotFound)
	}
	if err != nil {
		return CustomerKey{}, fmt.Errorf("loading key of customer %q: %w", ref, err)
	}
	return k, nil
}

// NewestLiveCustomerKey returns the most recently made key not destroyed, of any customer.
func (s *Store) NewestLiveCustomerKey(ctx context.Context) (CustomerKey, error) {
	var k CustomerKey
	err := s.db.WithContext(ctx).Where("destroyed_at IS NULL").Order("created_at DESC, id DESC").Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CustomerKey{}, fmt.Errorf("customer keys: %w", ErrNotFound)
	}
	if err != nil {
		return CustomerKey{}, fmt.Errorf("loading the newest customer key: %w", err)
	}
	return k, nil
}

// CustomerKeysByWrapper counts the live customer keys by the process key that wraps them.
func (s *Store) CustomerKeysByWrapper(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		WrapKeyID string
		N         int64
	}
	if err := s.read.WithContext(ctx).Model(&CustomerKey{}).Select("wrap_key_id, COUNT(*) AS n").
		Where("wrapped IS NOT NULL").Group("wrap_key_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("counting customer keys: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.WrapKeyID] = r.N
	}
	return out, nil
}

// CustomerKeysNotWrappedBy returns up to limit live customer keys wrapped by a process key other
// than wrapKeyID, in ID order after the ID given (empty: from the start).
func (s *Store) CustomerKeysNotWrappedBy(ctx context.Context, wrapKeyID, after string, limit int) ([]CustomerKey, error) {
	var keys []CustomerKey
	if err := s.db.WithContext(ctx).Where("wrapped IS NOT NULL AND wrap_key_id <> ? AND id > ?", wrapKeyID, after).
		Order("id").Limit(limit).Find(&keys).Error; err != nil {
		return nil, fmt.Errorf("listing customer keys: %w", err)
	}
	return keys, nil
}

// RewrapCustomerKey stores a live customer key wrapped anew, unless it was destroyed or rewrapped
// meanwhile (an erasure wins); it reports whether it was stored.
func (s *Store) RewrapCustomerKey(ctx context.Context, id, fromWrapKeyID, toWrapKeyID, wrapped string) (bool, error) {
	res := s.db.WithContext(ctx).Model(&CustomerKey{}).
		Where("id = ? AND wrap_key_id = ? AND wrapped IS NOT NULL", id, fromWrapKeyID).
		Updates(map[string]any{"wrap_key_id": toWrapKeyID, "wrapped": wrapped})
	if res.Error != nil {
		return false, fmt.Errorf("rewrapping customer key %s: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// CreateCustomerKey stores a new key for its customer and returns the customer's live key: the
// new one, or the one another request created first.
func (s *Store) CreateCustomerKey(ctx context.Context, k CustomerKey) (CustomerKey, error) {
	k.CreatedAt = utc(time.Now())
	k.LastUsedAt = &k.CreatedAt
	// A concurrent create that won the unique index on live keys leaves this one unwritten, not
	// failed (a statement refused would be logged as an error): its key is used.
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&k)
	if res.Error != nil {
		return CustomerKey{}, fmt.Errorf("storing key of customer %q: %w", k.CustomerRef, res.Error)
	}
	if res.RowsAffected == 0 {
		existing, err := s.LiveCustomerKey(ctx, k.CustomerRef)
		if err != nil {
			return CustomerKey{}, fmt.Errorf("storing key of customer %q: another was stored at once, and it could not be read: %w", k.CustomerRef, err)
		}
		return existing, nil
	}
	return k, nil
}

// CustomerKeyByID returns a key by its ID, destroyed or not, or ErrNotFound.
func (s *Store) CustomerKeyByID(ctx context.Context, id string) (CustomerKey, error) {
	var k CustomerKey
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CustomerKey{}, fmt.Errorf("customer key %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return CustomerKey{}, fmt.Errorf("loading customer key %s: %w", id, err)
	}
	return k, nil
}

// CustomerKeysByIDs returns the keys with the given IDs that exist, destroyed or not.
func (s *Store) CustomerKeysByIDs(ctx context.Context, ids []string) ([]CustomerKey, error) {
	var out []CustomerKey
	if len(ids) == 0 {
		return out, nil
	}
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("loading customer keys: %w", err)
	}
	return out, nil
}

// CustomerKnown reports whether any action or key names the customer.
func (s *Store) CustomerKnown(ctx context.Context, ref string) (bool, error) {
	if ref == "" {
		return false, nil // the actions without a reference are not one customer
	}
	var n int64
	if err := s.db.WithContext(ctx).Model(&CustomerKey{}).Where("customer_ref = ?", ref).Count(&n).Error; err != nil {
		return false, fmt.Errorf("looking up customer %q: %w", ref, err)
	}
	if n > 0 {
		return true, nil
	}
	if err := s.db.WithContext(ctx).Model(&Action{}).Where("customer_ref = ?", ref).Count(&n).Error; err != nil {
		return false, fmt.Errorf("looking up customer %q: %w", ref, err)
	}
	return n > 0, nil
}

// EndedCustomers are the customers whose personal data a retention period has run out for: each
// reference with a live key none of whose actions is open and whose last change (or, for a key
// with no action, whose key) is before a time, and each action without a reference, ended before
// it, whose own customer's key is live.
type EndedCustomers struct {
	Refs          []string
	WalkInActions []string
}

// RefsSpelledAlike answers the references of the customers known (a live key) whose reference
// reads as ref does but for case and refSeparators ("BK-5001" for "bk5001"), ref itself among them
// when it is known, at most three: a reference typed by hand is taken as the one customer's whose
// reads so, rather than as a new customer's. A walk-in's key (walkInPrefix and its action) is
// nobody's reference.
func (s *Store) RefsSpelledAlike(ctx context.Context, ref, walkInPrefix string) ([]string, error) {
	bare := strings.ToLower(bareRef(ref))
	if bare == "" {
		return nil, nil
	}
	var refs []string
	if err := s.read.WithContext(ctx).Model(&CustomerKey{}).Distinct("customer_ref").
		Where("destroyed_at IS NULL AND lower("+s.bareRefSQL("customer_ref")+") = ?", bare).Order("customer_ref").Limit(3).
		Pluck("customer_ref", &refs).Error; err != nil {
		return nil, fmt.Errorf("reading the customers whose reference reads as %q: %w", ref, err)
	}
	return slices.DeleteFunc(refs, func(r string) bool { return strings.HasPrefix(r, walkInPrefix) }), nil
}

// CustomersEndedBefore lists up to limit customers and up to limit actions without a reference
// whose data a retention period ending at before has run out for, by reference and ID, so that
// they are erased (and a caller that gets limit asks again).
func (s *Store) CustomersEndedBefore(ctx context.Context, before time.Time, walkInPrefix string, limit int) (EndedCustomers, error) {
	var out EndedCustomers
	before = utc(before)
	db := s.read.WithContext(ctx)
	// A reference with a live key, with no open action, and no action changed since before.
	recent := db.Model(&Action{}).Select("1").Where("actions.customer_ref = customer_keys.customer_ref AND "+
		"(actions.status IN ? OR actions.updated_at >= ?)", openStatuses, before)
	// Not the walk-ins' keys (compared as bytes: LIKE ignores case on SQLite, not on PostgreSQL),
	// nor a key used since (a customer come back, whose new action may not be written yet).
	err := db.Model(&CustomerKey{}).Where("destroyed_at IS NULL AND substr(customer_ref, 1, ?) <> ? AND COALESCE(last_used_at, created_at) < ? AND NOT EXISTS (?)",
		len(walkInPrefix), walkInPrefix, before, recent).Order("customer_ref").Limit(limit).Pluck("customer_ref", &out.Refs).Error
	if err != nil {
		return EndedCustomers{}, fmt.Errorf("listing customers ended before %s: %w", before, err)
	}
	// An action without a reference, ended before, whose customer's key is live.
	live := db.Model(&CustomerKey{}).Select("1").Where("customer_keys.customer_ref = ? || actions.id AND customer_keys.destroyed_at IS NULL AND "+
		"COALESCE(customer_keys.last_used_at, customer_keys.created_at) < ?", walkInPrefix, before)
	err = db.Model(&Action{}).Where("customer_ref = '' AND status NOT IN ? AND updated_at < ? AND EXISTS (?)", openStatuses, before, live).
		Order("id").Limit(limit).Pluck("id", &out.WalkInActions).Error
	if err != nil {
		return EndedCustomers{}, fmt.Errorf("listing actions without a reference ended before %s: %w", before, err)
	}
	return out, nil
}

// Erasure is what erasing a customer did. ActionID is set when the customer was that of one
// action without a reference.
type Erasure struct {
	CustomerRef   string    `json:"customer_ref"`
	ActionID      string    `json:"action_id,omitempty"`
	KeysDestroyed int64     `json:"keys_destroyed"`
	Actions       int64     `json:"actions"`
	At            time.Time `json:"at"`
}

// EraseCustomer destroys the customer's data keys, blanks the personal data of their actions and
// handovers in the read model, and records who did it, in one transaction. Timeline events are
// not touched: they hold the customer's data only sealed with the destroyed keys. Erasing again
// destroys nothing more and records the request again.
func (s *Store) EraseCustomer(ctx context.Context, ref, actorID string) (Erasure, error) {
	if ref == "" {
		// Every action without a reference would match: they are not one customer. A blank one
		// (" ", taken by an earlier release) is: its actions' data share its key.
		return Erasure{}, fmt.Errorf("erasing a customer without a reference: %w", ErrNotFound)
	}
	er := Erasure{CustomerRef: ref}
	return s.erase(ctx, er, ref, func(tx *gorm.DB) *gorm.DB { return tx.Where("customer_ref = ?", ref) }, actorID)
}

// EraseActionCustomer erases the customer of one action that has no customer reference: each such
// action's customer has a key of their own, keyRef. It is EraseCustomer for a customer nobody
// else can name; the audit entry's subject is keyRef.
func (s *Store) EraseActionCustomer(ctx context.Context, actionID, keyRef, actorID string) (Erasure, error) {
	if strings.TrimSpace(actionID) == "" || strings.TrimSpace(keyRef) == "" {
		return Erasure{}, fmt.Errorf("erasing the customer of no action: %w", ErrNotFound)
	}
	er := Erasure{ActionID: actionID}
	return s.erase(ctx, er, keyRef, func(tx *gorm.DB) *gorm.DB {
		return tx.Where("id = ? AND customer_ref = ''", actionID)
	}, actorID)
}

// erase destroys the live keys of keyRef and blanks the personal data of the actions where picks
// (and of their handovers), recording it under keyRef, in one transaction.
func (s *Store) erase(ctx context.Context, er Erasure, keyRef string, where func(*gorm.DB) *gorm.DB, actorID string) (Erasure, error) {
	now := utc(time.Now())
	er.At = now
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&CustomerKey{}).Where("customer_ref = ? AND destroyed_at IS NULL", keyRef).
			Updates(map[string]any{"wrapped": nil, "destroyed_at": now})
		if res.Error != nil {
			return fmt.Errorf("destroying keys of customer %q: %w", keyRef, res.Error)
		}
		er.KeysDestroyed = res.RowsAffected
		// The actions that still hold something to erase, or were not marked erased: called again,
		// an erasure erases nothing more, and records nothing. The mark is kept for the customers who
		// gave neither name nor contact too: a message sent them afterwards is told to nobody.
		res = where(tx.Model(&Action{})).
			Where("(customer_name NOT IN ('', ?) OR customer_contact NOT IN ('', ?) OR request_hash <> '' OR erased_at IS NULL)", Erased, Erased).
			// The create's hash goes too: one made before it was keyed by the customer's key could
			// be guessed back to their name and contact. UpdateColumns, not Updates: updated_at is
			// the time of the workflow's last change, as its version is, which an erasure (no
			// change of the workflow's) leaves as they were; GORM's Updates would stamp it now.
			UpdateColumns(map[string]any{"customer_name": erasedIfAny("customer_name"), "customer_contact": erasedIfAny("customer_contact"), "request_hash": "", "written_at": utc(time.Now()),
				"erased_at": gorm.Expr("COALESCE(erased_at, ?)", now)})
		if res.Error != nil {
			return fmt.Errorf("erasing actions of customer %q: %w", keyRef, res.Error)
		}
		er.Actions = res.RowsAffected
		res = tx.Model(&Handover{}).Where("action_id IN (?)", where(tx.Model(&Action{}).Select("id"))).
			Where("(customer_context NOT IN ('', ?) OR customer_message NOT IN ('', ?))", Erased, Erased).
			Updates(map[string]any{"customer_context": erasedIfAny("customer_context"), "customer_message": erasedIfAny("customer_message")})
		if res.Error != nil {
			return fmt.Errorf("erasing handovers of customer %q: %w", keyRef, res.Error)
		}
		// Nor is anyone to find them by their name or contact.
		for _, search := range []any{&CustomerSearch{}, &CustomerSearchPending{}} {
			if err := tx.Where("action_id IN (?)", where(tx.Model(&Action{}).Select("id"))).Delete(search).Error; err != nil {
				return fmt.Errorf("erasing the customer search of customer %q: %w", keyRef, err)
			}
		}
		// Nobody is to tell an erased customer anything more: their messages' tasks are done (those
		// of a customer erased before there were such tasks too, when erased again).
		if err := tx.Model(&Notification{}).Where("action_id IN (?)", where(tx.Model(&Action{}).Select("id"))).
			Where("kind = ? AND read_at IS NULL", KindTellCustomer).Update("read_at", now).Error; err != nil {
			return fmt.Errorf("ending the tasks to tell customer %q: %w", keyRef, err)
		}
		if er.KeysDestroyed == 0 && er.Actions == 0 && res.RowsAffected == 0 {
			return nil // erased before: nothing changed
		}
		detail := map[string]int64{"keys_destroyed": er.KeysDestroyed, "actions": er.Actions}
		if err := audit(tx, now, actorID, AuditCustomerErased, SubjectCustomer, keyRef, detail); err != nil {
			return fmt.Errorf("recording erasure of customer %q: %w", keyRef, err)
		}
		return nil
	})
	return er, err
}

// ForgetErased leaves no copy of the customer keys an erasure destroyed in the database's own
// files, where the database lets it: on SQLite, which zeroes what a write removes from a page
// (secure_delete), the write-ahead log still holds the pages as they were before the erasure until
// it is checkpointed and overwritten; it is checkpointed into the database file and truncated now.
// A reader holding the log for more than a second leaves it in place, and that is the error. On
// PostgreSQL it does nothing: the server keeps old row versions until vacuum lets them be
// overwritten, and its WAL and archives as it is configured to (the README says so).
func (s *Store) ForgetErased(ctx context.Context) error {
	if s.dialect != DialectSQLite {
		return nil
	}
	var busy, logFrames, checkpointed int
	// On the one writing connection, waiting a second at most for the readers to let go of the
	// log, not the connection's sqliteBusyTimeoutMS: every write waits for this one meanwhile.
	err := s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("PRAGMA busy_timeout = 1000").Error; err != nil {
			return err
		}
		defer conn.Exec("PRAGMA busy_timeout = " + strconv.Itoa(sqliteBusyTimeoutMS))
		return conn.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logFrames, &checkpointed)
	})
	if err != nil {
		return fmt.Errorf("checkpointing the write-ahead log after an erasure: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpointing the write-ahead log after an erasure: readers held it; the destroyed keys stay in it until the next checkpoint overwrites them")
	}
	return nil
}

// erasedIfAny is the value an erasure leaves in column: Erased where it held something, empty where
// it was empty (a customer given without a contact), so that a read says personal data was there
// only where it was, as the action's workflow does.
func erasedIfAny(column string) clause.Expr {
	return gorm.Expr("CASE WHEN "+column+" = '' THEN '' ELSE ? END", Erased)
}
