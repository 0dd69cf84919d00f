// Package activities holds the side effects of the action workflow: projecting its state into the
// read model (and, as the product grows, notifications and customer messages). Every activity is
// idempotent, so Temporal may retry it freely.
package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// Activities holds what the activities need; the worker registers its methods.
type Activities struct {
	Store *models.Store
	// Webhook, when set, receives every notification as a signed event.
	Webhook *Webhook
	// Now is the clock for webhook timestamps; time.Now when nil.
	Now func() time.Time
	// Temporal sends the Updates a shift handover makes to its actions.
	Temporal client.Client
	// Sealer opens customers' personal data for webhooks; nil sends it as stored.
	Sealer *pii.Sealer
	// ProjectionLag, when set, observes how long after its change each projection reached the
	// read model (NewProjectionLag); a rebuild of the read model observes nothing.
	ProjectionLag prometheus.Observer
}

// NewProjectionLag registers on reg the histogram of how long after its change (the earliest the
// write carries; a write of notifications alone is not timed) each write of an action reached the
// read model: milliseconds in service, the
// length of an outage after one, as the projection retries until the database is back.
func NewProjectionLag(reg prometheus.Registerer) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "handover_projection_lag_seconds",
		Help:    "Time from an action's change to its write in the read model, per write (the earliest change it carries).",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
	})
	reg.MustRegister(h)
	return h
}

// logger is the activity's logger; outside an activity (an admin command's redelivery, a test
// calling a method directly) one that drops what it is told.
func logger(ctx context.Context) log.Logger {
	if activity.IsActivity(ctx) {
		return activity.GetLogger(ctx)
	}
	return log.NewStructuredLogger(slog.New(slog.DiscardHandler))
}

// ProjectAction writes the action's state, its new timeline events and the inbox records of its
// notifications to the read model in one transaction. A retried or late call never moves the read
// model backwards. It answers whether a webhook should be sent the notifications too.
func (a *Activities) ProjectAction(ctx context.Context, p workflows.Projection) (workflows.ProjectResult, error) {
	res := workflows.ProjectResult{Webhooks: a.Webhook != nil && a.Webhook.URL != ""}
	if p.State.ID == "" {
		return res, temporal.NewNonRetryableApplicationError("projection without an action ID", "InvalidProjection", nil)
	}
	events := make([]models.ActionEvent, len(p.Events))
	for i, e := range p.Events {
		data, err := json.Marshal(e.Data)
		if err != nil {
			return res, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("event %d of action %s: %v", e.Seq, p.State.ID, err), "InvalidProjection", err)
		}
		events[i] = models.ActionEvent{
			Seq: e.Seq, Type: e.Type, ActorID: e.ActorID, Cause: e.Cause, At: e.At, Data: string(data),
		}
	}
	var inbox []models.Notification
	for _, n := range p.Notifications {
		if n.Kind == workflows.NotifyMessageRecorded && res.Webhooks && !givenByHand(p, n.Seq) {
			// The integration sent the message: nobody was asked to tell it, nor is to hear that
			// someone did. (The change still goes to the webhook.)
			continue
		}
		// The owner once the change that sent it was made (the state written may be of a later
		// one, after an outage), who is asked to tell it.
		if owner := cmp.Or(n.OwnerID, p.State.OwnerID); n.Kind == workflows.NotifyCustomerMessage && !n.ByHand && !res.Webhooks && owner != "" {
			// No integration delivers messages to customers here: the owner is asked to tell the
			// customer (the message itself, sealed, is on the timeline, not in the inbox), naming
			// which entry of the timeline it is: an acceptance and a completion a minute apart each
			// send one, and two tasks alike read as one told twice.
			n.To = []string{owner}
			n.Message = fmt.Sprintf("Tell the customer of “%s” what the timeline's message to them says (entry %d): no integration sends customers messages here.", p.State.Title, n.Seq)
		}
		records, _, err := a.inboxRecords(ctx, n)
		if err != nil {
			return res, err
		}
		if n.Kind == workflows.NotifyCheckAsked || n.Kind == workflows.NotifyFollowUp {
			// An owner who is a supervisor is asked for the outcome by the same change: not also,
			// as one of the supervisors, to check their own work (asked of them all, or in the
			// place of a hander gone), nor to follow up with themselves in the place of a hander
			// gone.
			records = slices.DeleteFunc(records, func(r models.Notification) bool { return r.RecipientID == p.State.OwnerID })
		}
		inbox = append(inbox, records...)
	}
	row := ActionRow(p.State)
	row.Tasks = tellTasks(p)
	if p.HanderID != nil {
		row.HanderID = *p.HanderID
	}
	row.Revision = p.Revision
	// The customer is indexed for search by the worker's indexer (CustomerIndexer), off the
	// command's path: opening their data here would hold every create back by a key's read.
	row.SearchPending = slices.ContainsFunc(p.Events, givesCustomer)
	var err error
	if p.WholeInbox {
		err = a.Store.ApplyProjectionWithInbox(ctx, row, events, inbox)
	} else {
		err = a.Store.ApplyProjection(ctx, row, events, inbox...)
	}
	if err == nil && a.ProjectionLag != nil && len(p.Events) > 0 {
		// From the earliest change the write carries: the one its readers waited longest for.
		a.ProjectionLag.Observe(max(a.now().Sub(p.Events[0].At), 0).Seconds())
	}
	return res, err
}

// givesCustomer reports whether a change gives the action's customer's name or contact.
func givesCustomer(e workflows.Event) bool {
	if e.Type == workflows.EventCreated {
		return true
	}
	if e.Type != workflows.EventCorrected {
		return false
	}
	_, name := e.Data["customer_name"]
	_, contact := e.Data["customer_contact"]
	return name || contact
}

// UntoldMessages (revision 23) are the messages to the customer of an action that the read model
// still gives someone to tell, each with who it was given to: none of an erased customer.
func (a *Activities) UntoldMessages(ctx context.Context, actionID string) ([]workflows.UntoldTask, error) {
	open, err := a.Store.OpenTellTasks(ctx, actionID)
	if err != nil {
		return nil, err
	}
	tasks := make([]workflows.UntoldTask, len(open))
	for i, n := range open {
		tasks[i] = workflows.UntoldTask{Seq: n.Seq, RecipientID: n.RecipientID}
	}
	return tasks, nil
}

// givenByHand says whether the message to the customer that the entry at seq (a record of it:
// told, not needed, or an undo of such a record) names was given to someone to tell by hand though
// a webhook is configured (the integration could not send it). The entry is among those written
// now, with the notification it made.
func givenByHand(p workflows.Projection, seq int64) bool {
	var msg int64
	if e, ok := written(p, seq); ok {
		msg = dataInt(e.Data["message_seq"])
	}
	for _, m := range p.State.Messages {
		if m.Seq == msg {
			return m.Undelivered
		}
	}
	return false
}

// written is the entry at seq among those the projection writes now, if it is one of them.
func written(p workflows.Projection, seq int64) (workflows.Event, bool) {
	for _, e := range p.Events {
		if e.Seq == seq {
			return e, true
		}
	}
	return workflows.Event{}, false
}

// dataInt is a whole number of an event's data, as the workflow gave it or as JSON decoded it.
func dataInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return 0
}

// tellTasks are the tasks to tell the customer each message the state knows of (inbox records
// of kind customer_message, where no integration sends them), each done once a message_delivered
// records it told, or a message_not_needed that it need not be: when that event is among those
// written now, at its time; and the last message_not_reached that records trying in vain. A
// message_record_undone written now reopens the task it ended (a record made in error).
func tellTasks(p workflows.Projection) []models.Task {
	tasks := make([]models.Task, 0, len(p.State.Messages))
	for _, m := range p.State.Messages {
		t := models.Task{Seq: m.Seq, Kind: models.KindTellCustomer, TriedSeq: m.TriedSeq}
		if m.TriedSeq != 0 {
			_, t.Changed = written(p, m.TriedSeq)
		}
		if m.UndoneSeq != 0 {
			_, undone := written(p, m.UndoneSeq)
			t.Changed = t.Changed || undone
		}
		if m.EndedSeq != 0 {
			t.DoneSeq = m.EndedSeq
			ended, now := written(p, m.EndedSeq)
			at := ended.At
			if !now {
				at = p.State.UpdatedAt // ended in a change written before: kept as it was marked then
			}
			t.Changed = t.Changed || now
			t.DoneAt = &at
		}
		tasks = append(tasks, t)
	}
	return tasks
}

// ActionRow is the read-model row of an action's state.
func ActionRow(s workflows.State) models.Action {
	a := models.Action{
		ID: s.ID, Title: s.Title, Details: s.Details, Category: s.Category, Priority: s.Priority,
		Status: string(s.Status), OwnerID: s.OwnerID, TeamID: s.TeamID,
		CustomerRef: s.Customer.Ref, CustomerName: s.Customer.Name, CustomerContact: s.Customer.Contact,
		RequiredAuthority: s.RequiredAuthority, DueAt: s.DueAt, EscalationLevel: s.EscalationLevel,
		PendingHandoverID: s.PendingHandoverID, Outcome: s.Outcome, CreatedBy: s.CreatedBy,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Version: s.Version, RequestHash: s.RequestHash,
		HanderID:      s.LastHander(),
		Handovers:     make([]models.Handover, len(s.Handovers)),
		PolicyVersion: s.Policy.Version, Internal: s.Internal, Paused: s.Paused, PausedAt: s.PausedAt, PauseReason: s.PauseReason, ResumeAt: s.ResumeAt,
		PauseRemindAt: s.PauseRemindAt, ClockHours: clockHours(s), Policy: policyText(s.Policy),
	}
	if left, ok := s.DueLeft(); ok {
		secs := int64(left / time.Second)
		a.DueLeftSeconds = &secs
	}
	if s.Status == workflows.StatusEscalated {
		a.EscalationReason, a.EscalatedAt = s.EscalationWhy(), s.EscalatedAt
	}
	a.CheckBy, a.EscalateBy = s.NextStep()
	for i, h := range s.Handovers {
		a.Handovers[i] = models.Handover{
			ActionID: s.ID, ID: h.ID, FromID: h.FromID, ToID: h.ToID, Reason: h.Reason, Method: h.Method,
			Situation: h.Situation, Summary: h.Notes.Summary, CustomerContext: h.Notes.CustomerContext,
			DoneSoFar: h.Notes.DoneSoFar, NextSteps: h.Notes.NextSteps, Risks: h.Notes.Risks,
			CustomerMessage: h.CustomerMessage, FollowUpAt: h.FollowUpAt, Status: h.Status,
			RequestedAt: h.RequestedAt, ExpiresAt: h.ExpiresAt, RespondedAt: h.RespondedAt, AcceptSummary: h.AcceptSummary,
			DeclineReason: h.DeclineReason, FeedbackRating: h.FeedbackRating, FeedbackComment: h.FeedbackComment,
			NoteFields: "{}", ShiftHandoverID: h.ShiftHandoverID, StartedBy: h.StartedBy,
		}
		if len(h.Notes.Fields) > 0 {
			// A map of strings always encodes.
			raw, _ := json.Marshal(h.Notes.Fields)
			a.Handovers[i].NoteFields = string(raw)
		}
	}
	if s.FollowUp != nil {
		// The inbox shows the follow-up as due from its first time until the check is made.
		first := s.FollowUp.DueFrom()
		a.FollowUpAt = &first
	}
	return a
}

// SaveWeeklyReports keeps the handover review of the week that ends at until.
func (a *Activities) SaveWeeklyReports(ctx context.Context, until time.Time) (int, error) {
	return a.Store.SaveWeeklyReports(ctx, until)
}

// policyText is the policy an action's clocks count, for the read model (Policy), as JSON.
func policyText(p workflows.Policy) *string {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil // not known: the pages and the API say less
	}
	text := string(raw)
	return &text
}

// clockHours is the calendar an action's clocks count, for the read model (ClockHours): its
// snapshot's time zone and hours as JSON, or "" when they count around the clock.
func clockHours(s workflows.State) *string {
	none := ""
	if s.Calendar == nil || s.Policy.Clock == workflows.Clock247 {
		return &none
	}
	// The zone and the hours, which the pages say: not the holidays (up to a thousand, and growing
	// with the years), nor the zone's captured rules.
	raw, err := json.Marshal(struct {
		TimeZone string           `json:"time_zone"`
		Hours    []calendar.Hours `json:"hours"`
	}{s.Calendar.TimeZone, s.Calendar.Hours})
	if err != nil {
		return nil // not known: the pages say the team's hours
	}
	hours := string(raw)
	return &hours
}
