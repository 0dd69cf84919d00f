package models

import (
	"context"
	"fmt"
	"time"
)

// Figures are the domain numbers operators watch: open work, pending handovers, overdue actions,
// escalations and how quickly handovers are accepted.
type Figures struct {
	OpenByStatus     map[string]int64
	HandoversPending int64
	Overdue          int64
	// Paused counts the open actions paused now, waiting on the customer; OldestPausedAt is when
	// the one paused longest was paused (nil: none is).
	Paused         int64
	OldestPausedAt *time.Time
	// Escalations counts escalation events by the kind of their reason.
	Escalations []EscalationCount
	// AcceptSeconds holds the time to accept of handovers accepted since the window's start.
	AcceptSeconds []float64
	// WebhooksUndelivered counts the webhook deliveries that failed and have not got through since.
	WebhooksUndelivered int64
}

// EscalationCount is the number of escalations with one kind of reason.
type EscalationCount struct {
	Reason string
	Count  int64
}

// Figures reads the domain figures; acceptance times cover handovers accepted after since.
func (s *Store) Figures(ctx context.Context, now, since time.Time) (Figures, error) {
	f := Figures{OpenByStatus: map[string]int64{}}
	db := s.read.WithContext(ctx) // its read connections: a scrape waits behind no projection
	var rows []struct {
		Status string
		N      int64
	}
	if err := db.Model(&Action{}).Select("status, COUNT(*) AS n").Where("status IN ?", openStatuses).Group("status").Scan(&rows).Error; err != nil {
		return f, fmt.Errorf("counting open actions: %w", err)
	}
	for _, r := range rows {
		f.OpenByStatus[r.Status] = r.N
	}
	if err := db.Model(&Handover{}).Where("status = ?", "pending").Count(&f.HandoversPending).Error; err != nil {
		return f, fmt.Errorf("counting pending handovers: %w", err)
	}
	if err := db.Model(&Action{}).Where("status IN ? AND "+overdueSQL, append([]any{openStatuses}, overdueArgs(now)...)...).Count(&f.Overdue).Error; err != nil {
		return f, fmt.Errorf("counting overdue actions: %w", err)
	}
	// As the partial index actions_paused's predicate says it, so that both databases read it.
	if err := db.Model(&Action{}).Where("paused").Count(&f.Paused).Error; err != nil {
		return f, fmt.Errorf("counting paused actions: %w", err)
	}
	if f.Paused > 0 {
		var oldest []Action
		if err := db.Select("paused_at").Where("paused AND paused_at IS NOT NULL").Order("paused_at").Limit(1).Find(&oldest).Error; err != nil {
			return f, fmt.Errorf("finding the longest paused action: %w", err)
		}
		if len(oldest) == 1 {
			f.OldestPausedAt = utcPtr(oldest[0].PausedAt)
		}
	}
	// Counted by the kind in each escalation event's data, in the database (the partial index
	// action_events_escalated reads the escalations alone); "unknown" for events recorded before
	// reasons had kinds.
	kind := "json_extract(data, '$.reason_kind')"
	if s.dialect == DialectPostgres {
		kind = "data::jsonb->>'reason_kind'"
	}
	if err := db.Model(&ActionEvent{}).Select("COALESCE(NULLIF("+kind+", ''), 'unknown') AS reason, COUNT(*) AS count").
		Where("type = ?", "escalated").Group("reason").Order("reason").Scan(&f.Escalations).Error; err != nil {
		return f, fmt.Errorf("counting escalations: %w", err)
	}
	if err := db.Model(&WebhookDelivery{}).Where("delivered_at IS NULL").Count(&f.WebhooksUndelivered).Error; err != nil {
		return f, fmt.Errorf("counting undelivered webhooks: %w", err)
	}
	var accepted []Handover
	if err := db.Select("requested_at, responded_at").Where("status = ? AND responded_at >= ?", "accepted", utc(since)).Find(&accepted).Error; err != nil {
		return f, fmt.Errorf("reading acceptance times: %w", err)
	}
	for _, h := range accepted {
		if h.RespondedAt != nil {
			f.AcceptSeconds = append(f.AcceptSeconds, h.RespondedAt.Sub(h.RequestedAt).Seconds())
		}
	}
	return f, nil
}
