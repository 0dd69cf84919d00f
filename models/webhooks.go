package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// WebhookDelivery is a webhook delivery that failed, kept until one gets through: the event as it
// was to be sent, with its personal data sealed.
type WebhookDelivery struct {
	// ID is the event's ID, the one the receiver de-duplicates by.
	ID       string `gorm:"primaryKey"`
	ActionID string
	// Seq is the event's place in its action's timeline: an action's deliveries go again in it.
	Seq int64
	// Event is the event's JSON body, personal data sealed.
	Event         string
	Attempts      int
	LastError     string
	FailedAt      time.Time
	LastAttemptAt time.Time
	// DeliveredAt is when a later attempt got through, or when it was settled without one
	// (WebhookSettled: LastError says why); nil while neither.
	DeliveredAt *time.Time
}

// TableName names the table.
func (WebhookDelivery) TableName() string { return "webhook_deliveries" }

// WebhookFailed records a failed attempt to deliver an event: the first one keeps the event, later
// ones count and keep the newest error. One already delivered stays delivered.
func (s *Store) WebhookFailed(ctx context.Context, d WebhookDelivery) error {
	d.FailedAt, d.LastAttemptAt, d.Attempts, d.DeliveredAt = utc(d.LastAttemptAt), utc(d.LastAttemptAt), 1, nil
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "attempts"}, Value: gorm.Expr("webhook_deliveries.attempts + 1")},
			{Column: clause.Column{Name: "last_error"}, Value: gorm.Expr("excluded.last_error")},
			{Column: clause.Column{Name: "last_attempt_at"}, Value: gorm.Expr("excluded.last_attempt_at")},
		},
	}).Create(&d).Error
	if err != nil {
		return fmt.Errorf("recording the failed delivery of webhook %s: %w", d.ID, err)
	}
	return nil
}

// KeepDeliveredWebhooks is how long a delivery that failed and then got through stays recorded.
const KeepDeliveredWebhooks = 30 * 24 * time.Hour

// WebhookDelivered marks a failed delivery as got through at; an event that never failed has
// nothing to mark. Marking one removes those that got through more than KeepDeliveredWebhooks
// before at, so the table holds what failed lately and not every failure ever.
func (s *Store) WebhookDelivered(ctx context.Context, id string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&WebhookDelivery{}).
		Where("id = ? AND delivered_at IS NULL", id).Update("delivered_at", utc(at))
	if res.Error != nil {
		return fmt.Errorf("marking webhook %s delivered: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil
	}
	return s.forgetDeliveredBefore(ctx, at)
}

// WebhookSettled marks a failed delivery as needing no more attempts, at, saying why in its
// last error: a message to the customer that someone was given to tell by hand, which the
// integration sending later would tell twice.
func (s *Store) WebhookSettled(ctx context.Context, id string, at time.Time, why string) error {
	if err := s.db.WithContext(ctx).Model(&WebhookDelivery{}).Where("id = ? AND delivered_at IS NULL", id).
		Updates(map[string]any{"delivered_at": utc(at), "last_error": why}).Error; err != nil {
		return fmt.Errorf("settling webhook %s: %w", id, err)
	}
	return s.forgetDeliveredBefore(ctx, at)
}

// forgetDeliveredBefore removes the deliveries that got through (or were settled) more than
// KeepDeliveredWebhooks before at.
func (s *Store) forgetDeliveredBefore(ctx context.Context, at time.Time) error {
	if err := s.db.WithContext(ctx).Where("delivered_at < ?", utc(at.Add(-KeepDeliveredWebhooks))).Delete(&WebhookDelivery{}).Error; err != nil {
		return fmt.Errorf("removing webhooks delivered before %s: %w", at.Add(-KeepDeliveredWebhooks).Format(time.RFC3339), err)
	}
	return nil
}

// UndeliveredWebhooks lists up to limit deliveries not got through yet, action by action and each
// action's in its timeline's order, after the position after (nil: from the first), of one action
// when actionID is set.
func (s *Store) UndeliveredWebhooks(ctx context.Context, actionID string, after *WebhookDelivery, limit int) ([]WebhookDelivery, error) {
	q := s.read.WithContext(ctx).Where("delivered_at IS NULL")
	if actionID != "" {
		q = q.Where("action_id = ?", actionID)
	}
	if after != nil {
		q = q.Where("(action_id, seq, id) > (?, ?, ?)", after.ActionID, after.Seq, after.ID)
	}
	var out []WebhookDelivery
	if err := q.Order("action_id, seq, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing undelivered webhooks: %w", err)
	}
	return out, nil
}

// OldestUndeliveredWebhooks lists up to limit deliveries not got through yet, the first to fail
// first, whatever their action: those an administrator has waited longest on, such as one the
// integration refused and the workers gave up on, come before newer ones still being retried.
func (s *Store) OldestUndeliveredWebhooks(ctx context.Context, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	if err := s.read.WithContext(ctx).Where("delivered_at IS NULL").Order("failed_at, id").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing the oldest undelivered webhooks: %w", err)
	}
	return out, nil
}

// webhookPage is how many undelivered webhooks EachUndeliveredWebhook reads at a time.
const webhookPage = 100

// EachUndeliveredWebhook calls fn with each delivery not got through yet, in UndeliveredWebhooks'
// order (of one action when actionID is set), reading them a page at a time; fn may mark them
// delivered or failed as it goes. It stops at fn's first error, and answers it.
func (s *Store) EachUndeliveredWebhook(ctx context.Context, actionID string, fn func(WebhookDelivery) error) error {
	var after *WebhookDelivery
	for {
		page, err := s.UndeliveredWebhooks(ctx, actionID, after, webhookPage)
		if err != nil {
			return err
		}
		for _, d := range page {
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(page) < webhookPage {
			return nil
		}
		after = &page[len(page)-1]
	}
}
