package models

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEntry records something done to data or to the directory: who did what, when, to which
// subject. It never holds a customer's personal data nor a token. The table is append-only.
type AuditEntry struct {
	ID      int64 `gorm:"primaryKey"`
	At      time.Time
	ActorID string
	Kind    string
	// SubjectType says what Subject names: a customer reference, a team, a member of staff or a
	// policy's category.
	SubjectType string
	Subject     string
	// Detail is a JSON object.
	Detail string
}

// Audit entry kinds.
const (
	AuditCustomerErased  = "customer_erased"
	AuditTeamCreated     = "team_created"
	AuditTeamRenamed     = "team_renamed"
	AuditCalendarSaved   = "calendar_saved"
	AuditCalendarRemoved = "calendar_removed"
	AuditStaffCreated    = "staff_created"
	AuditStaffChanged    = "staff_changed"
	AuditTokenIssued     = "token_issued"
	AuditTokensRevoked   = "tokens_revoked"
	AuditPolicySaved     = "policy_saved"
	AuditPolicyRemoved   = "policy_removed"
)

// AuditKinds lists every kind of audit entry.
var AuditKinds = []string{AuditCustomerErased, AuditTeamCreated, AuditTeamRenamed, AuditCalendarSaved, AuditCalendarRemoved,
	AuditStaffCreated, AuditStaffChanged, AuditTokenIssued, AuditTokensRevoked, AuditPolicySaved, AuditPolicyRemoved}

// What an audit entry's subject is.
const (
	SubjectCustomer = "customer"
	SubjectTeam     = "team"
	SubjectStaff    = "staff"
	SubjectPolicy   = "policy"
)

// SubjectTypes lists every type of subject.
var SubjectTypes = []string{SubjectCustomer, SubjectTeam, SubjectStaff, SubjectPolicy}

// AdminCommand is the actor of the changes made with `handover admin` on the server itself; no
// member of staff can have it as an ID.
const AdminCommand = "handover admin"

// audit records an entry in tx, the transaction of the change it records, so that no change is
// made without its record nor recorded without being made.
func audit(tx *gorm.DB, at time.Time, actorID, kind, subjectType, subject string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	return tx.Create(&AuditEntry{At: utc(at), ActorID: actorID, Kind: kind, SubjectType: subjectType, Subject: subject, Detail: string(b)}).Error
}

// AuditFilter selects entries of the audit trail; empty fields select all.
type AuditFilter struct {
	SubjectType, Subject, Kind, ActorID string
	// Before reads the entries older than the one with this ID (the trail's order); 0 the newest.
	Before int64
	Limit  int
}

// AuditTrail lists up to f.Limit entries newest first, and whether older ones follow.
func (s *Store) AuditTrail(ctx context.Context, f AuditFilter) ([]AuditEntry, bool, error) {
	q := s.read.WithContext(ctx)
	for _, eq := range [][2]string{{"subject_type", f.SubjectType}, {"subject", f.Subject}, {"kind", f.Kind}, {"actor_id", f.ActorID}} {
		if eq[1] != "" {
			q = q.Where(eq[0]+" = ?", eq[1])
		}
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var out []AuditEntry
	if err := q.Order("id DESC").Limit(f.Limit + 1).Find(&out).Error; err != nil {
		return nil, false, fmt.Errorf("reading the audit trail: %w", err)
	}
	more := len(out) > f.Limit
	return out[:min(len(out), f.Limit)], more, nil
}
