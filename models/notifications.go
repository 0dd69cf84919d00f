package models

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Notification is one inbox record: something a person should know about an action.
type Notification struct {
	RecipientID string `gorm:"primaryKey"`
	ActionID    string `gorm:"primaryKey"`
	Seq         int64  `gorm:"primaryKey"`
	Kind        string `gorm:"primaryKey"`
	ActorID     string
	Cause       string
	Message     string
	CreatedAt   time.Time
	ReadAt      *time.Time
	// DoneSeq is the timeline entry that recorded a task done (its projection sets it), nil for a
	// record not done or ended otherwise; TriedSeq the last that recorded trying it in vain.
	DoneSeq  *int64
	TriedSeq *int64
}

// KindTellCustomer is the kind of an inbox task to tell the customer a message, given to the
// action's owner where no integration sends customers messages (the workflows' NotifyCustomerMessage).
const KindTellCustomer = "customer_message"

// CustomerTask is a message someone is asked to tell a customer and has not recorded telling: the
// inbox task, with its action and the timeline entry that holds the message.
type CustomerTask struct {
	ActionID string
	// AskedID is who the task was given to.
	AskedID string
	// Seq is the timeline entry of the message, and AskedAt when it was given.
	Seq     int64
	AskedAt time.Time
	Title   string
	Status  string
	TeamID  string
	// OwnerID owns the action now.
	OwnerID string
	// The customer, sealed as the action row keeps them.
	CustomerRef, CustomerName, CustomerContact string
	// Data is the timeline entry's data (JSON), the message sealed in it.
	Data string
	// The last try to tell the customer that did not reach them, if any: the timeline entry (its
	// data holds how, which try it was, and the note, sealed), its time and who tried.
	TriedSeq  *int64
	TriedAt   *time.Time
	TriedBy   string
	TriedData string
	// EndedAt is when the action was completed or cancelled, nil while it is open: its records
	// close a while after.
	EndedAt *time.Time
	// LatestSeq is the latest message of the action given to someone to tell (done or not, to
	// whomever): a later one than Seq may say all the customer needs.
	LatestSeq int64
}

// Theirs reports whether the task is the person's own to see to: given to them, or of an action
// they own now. (A supervisor's inbox also lists those nobody at work sees.)
func (t CustomerTask) Theirs(staffID string) bool {
	return t.AskedID == staffID || (t.OwnerID == staffID && slices.Contains(openStatuses, t.Status))
}

// CustomersToTell lists the open tasks to tell a customer a message that of.StaffID is to see to,
// oldest first, at most InboxListLimit: those given to them, and those of the actions they own
// now (given to an earlier owner, who may be gone); for a supervisor, those of the team that nobody
// at work sees (leftByPeopleAway), and for a manager standing in, those of the teams with no
// supervisor on shift; of their team's actions (every team's for
// AllTeams) that are open or ended after since (once an action has ended for a while, its
// workflow takes no more records).
func (s *Store) CustomersToTell(ctx context.Context, of InboxOf, since time.Time) ([]CustomerTask, error) {
	team := ""
	if !of.AllTeams {
		team = of.TeamID
	}
	given, err := s.customerTasks(ctx, since, team, "n.recipient_id = ?", of.StaffID)
	if err != nil {
		return nil, fmt.Errorf("the customers %s is to tell: %w", of.StaffID, err)
	}
	owned, err := s.customerTasks(ctx, since, team, "a.owner_id = ? AND a.status IN ? AND n.recipient_id <> ?", of.StaffID, openStatuses, of.StaffID)
	if err != nil {
		return nil, fmt.Errorf("the customers %s is to tell: %w", of.StaffID, err)
	}
	out := append(given, owned...)
	// Those nobody at work sees: given to someone away, of an action ended or whose owner is away
	// too. A supervisor sees their team's, a manager those of teams with no supervisor on shift.
	var left []CustomerTask
	switch {
	case of.Supervisor && of.TeamID != "":
		left, err = s.customerTasks(ctx, since, of.TeamID, leftByPeopleAway+" AND n.recipient_id <> ?", openStatuses, of.StaffID)
	case of.StandsIn:
		left, err = s.customerTasks(ctx, since, team, leftByPeopleAway+" AND "+noSupervisorOf("a.")+" AND n.recipient_id <> ?", openStatuses, of.StaffID)
	}
	if err != nil {
		return nil, fmt.Errorf("the customers %s is to tell in place of others: %w", of.StaffID, err)
	}
	out = append(out, left...)
	slices.SortFunc(out, func(a, b CustomerTask) int {
		return cmp.Or(a.AskedAt.Compare(b.AskedAt), cmp.Compare(a.ActionID, b.ActionID), cmp.Compare(a.Seq, b.Seq))
	})
	// A task is listed once, whoever it went to.
	out = slices.CompactFunc(out, func(a, b CustomerTask) bool { return a.ActionID == b.ActionID && a.Seq == b.Seq })
	return out[:min(len(out), InboxListLimit)], nil
}

// leftByPeopleAway holds for a task to tell a customer (n, of action a) that nobody at work sees
// in their inbox: the person it was given to is away, and its action has ended, or has no owner,
// or its owner is away too (an owner at work sees the tasks of the actions they own).
// Its one argument is the open statuses.
var leftByPeopleAway = notAtWork("n.recipient_id", "a.team_id") + " AND (a.status NOT IN ? OR a.owner_id = '' OR " + notAtWork("a.owner_id", "a.team_id") + ")"

// noSupervisorOf holds for an action (its columns' prefix) whose team has no active supervisor on
// shift.
func noSupervisorOf(prefix string) string {
	return "NOT EXISTS (SELECT 1 FROM staff sv WHERE sv.team_id = " + prefix + "team_id AND sv.role = 'supervisor' AND sv.active AND sv.on_shift)"
}

// TeamCustomersToTell lists a team's open tasks to tell a customer a message, whoever they were
// given to, oldest first, at most limit (and InboxListLimit), of actions open or ended after since:
// what its supervisors see is still to be told.
func (s *Store) TeamCustomersToTell(ctx context.Context, teamID string, since time.Time, limit int) ([]CustomerTask, error) {
	out, err := s.customerTasks(ctx, since, teamID, "a.team_id = ?", teamID)
	if err != nil {
		return nil, fmt.Errorf("the customers team %s is to tell: %w", teamID, err)
	}
	return out[:min(len(out), max(limit, 0))], nil
}

// openOrEndedAfter is the condition, on actions a, of an action open or ended after a time (its
// second argument; the first, the open statuses): one whose messages to the customer are still to
// tell, and to record.
const openOrEndedAfter = "a.status IN ? OR EXISTS (SELECT 1 FROM action_events c WHERE c.action_id = a.id AND c.type IN ('completed', 'cancelled') AND c.at > ?)"

// TakesRecords reports whether an action is open or ended after since: whether what was done
// about its messages to the customer is still recorded.
func (s *Store) TakesRecords(ctx context.Context, actionID string, since time.Time) (bool, error) {
	var n int64
	if err := s.read.WithContext(ctx).Table("actions AS a").Where("a.id = ?", actionID).
		Where(openOrEndedAfter, openStatuses, utc(since)).Count(&n).Error; err != nil {
		return false, fmt.Errorf("whether action %s takes records: %w", actionID, err)
	}
	return n > 0, nil
}

// customerTasks reads the open tasks to tell a customer a message that match where, of team's
// actions ("": every team's) that are open or ended after since, oldest first, at most
// InboxListLimit.
func (s *Store) customerTasks(ctx context.Context, since time.Time, team, where string, args ...any) ([]CustomerTask, error) {
	// The kind and read_at written out, so that the partial index notifications_to_tell serves a
	// read by recipient.
	q := s.read.WithContext(ctx).Table("notifications AS n").
		Select("n.action_id, n.recipient_id AS asked_id, n.seq, n.created_at AS asked_at, a.title, a.status, a.team_id, a.owner_id, a.customer_ref, a.customer_name, a.customer_contact, e.data, "+
			"t.seq AS tried_seq, t.at AS tried_at, t.actor_id AS tried_by, t.data AS tried_data, d.at AS ended_at, "+
			"(SELECT MAX(l.seq) FROM notifications l WHERE l.action_id = n.action_id AND l.kind = '"+KindTellCustomer+"') AS latest_seq").
		Joins("JOIN actions a ON a.id = n.action_id").
		Joins("JOIN action_events e ON e.action_id = n.action_id AND e.seq = n.seq").
		Joins("LEFT JOIN action_events t ON t.action_id = n.action_id AND t.seq = n.tried_seq AND t.type = 'message_not_reached'").
		// An action ends once: its completed or cancelled entry, which its records close after.
		Joins("LEFT JOIN action_events d ON d.action_id = n.action_id AND d.type IN ('completed', 'cancelled') AND a.status NOT IN ?", openStatuses).
		Where("n.kind = '"+KindTellCustomer+"' AND n.read_at IS NULL").Where(where, args...).
		// An erased customer is told nothing more, whatever is sent them after the erasure.
		// (By [erased] too: an API process of the release before erases without erased_at.)
		Where("NOT "+erasedCustomer("a.")).
		Where(openOrEndedAfter, openStatuses, utc(since))
	if team != "" {
		q = q.Where("a.team_id = ?", team)
	}
	var out []CustomerTask
	if err := q.Order("n.created_at, n.action_id, n.seq").Limit(InboxListLimit).Scan(&out).Error; err != nil {
		return nil, err
	}
	for i := range out {
		out[i].AskedAt = utc(out[i].AskedAt)
		if out[i].TriedAt != nil {
			at := utc(*out[i].TriedAt)
			out[i].TriedAt = &at
		}
		if out[i].EndedAt != nil {
			at := utc(*out[i].EndedAt)
			out[i].EndedAt = &at
		}
	}
	return out, nil
}

// TellTasks lists an action's inbox tasks to tell the customer a message (KindTellCustomer), done
// or not, by the message's timeline entry: who each was given to and when, and the entry that
// recorded it done (DoneSeq). An erased customer has none: they are told nothing more, whatever is
// sent them after the erasure, and their messages are recorded no more.
func (s *Store) TellTasks(ctx context.Context, actionID string) ([]Notification, error) {
	var tasks []Notification
	if err := s.read.WithContext(ctx).Select("recipient_id, action_id, seq, kind, created_at, read_at, done_seq").
		Where("action_id = ? AND kind = ?", actionID, KindTellCustomer).
		Where("NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = notifications.action_id AND " + erasedCustomer("a.") + ")").
		Order("seq, recipient_id").Find(&tasks).Error; err != nil {
		return nil, fmt.Errorf("the customers to tell of action %s: %w", actionID, err)
	}
	return tasks, nil
}

// OpenTellTasks are the tasks of TellTasks not done yet.
func (s *Store) OpenTellTasks(ctx context.Context, actionID string) ([]Notification, error) {
	tasks, err := s.TellTasks(ctx, actionID)
	return OpenTasks(tasks), err
}

// OpenTasks are the tasks not done yet.
func OpenTasks(tasks []Notification) []Notification {
	return slices.DeleteFunc(tasks, func(n Notification) bool { return n.ReadAt != nil })
}

// TellRecords are the timeline entries that each ended one of the tasks (and still do), each with
// the message's own entry: those a record made in error may be undone from.
func TellRecords(tasks []Notification) map[int64]int64 {
	records := map[int64]int64{}
	for _, n := range tasks {
		if n.DoneSeq != nil {
			records[*n.DoneSeq] = n.Seq
		}
	}
	return records
}

// entriesOf are an action's timeline entries of one type, their entry and data alone.
func (s *Store) entriesOf(ctx context.Context, actionID, typ string) ([]ActionEvent, error) {
	var entries []ActionEvent
	if err := s.read.WithContext(ctx).Select("seq, type, data").Where("action_id = ? AND type = ?", actionID, typ).
		Find(&entries).Error; err != nil {
		return nil, fmt.Errorf("the %s entries of action %s: %w", typ, actionID, err)
	}
	return entries, nil
}

// UndoneRecords are the records of telling the customer a message (told, not needed) that an
// action's message_record_undone entries undid, each with the entry that undid it.
func (s *Store) UndoneRecords(ctx context.Context, actionID string) (map[int64]int64, error) {
	entries, err := s.entriesOf(ctx, actionID, "message_record_undone")
	if err != nil {
		return nil, err
	}
	undone := make(map[int64]int64, len(entries))
	for _, e := range entries {
		var d struct {
			UndoneSeq int64 `json:"undone_seq"`
		}
		if json.Unmarshal([]byte(e.Data), &d) == nil && d.UndoneSeq != 0 {
			undone[d.UndoneSeq] = e.Seq
		}
	}
	return undone, nil
}

// DeclineTold is who the notice of the decline of an action's handover reached, as the read
// model holds it: the hander, and the supervisors told in their place when they were off shift;
// and whether its handover_declined entry is written (nobody is told of it until it is).
func (s *Store) DeclineTold(ctx context.Context, actionID, handoverID string) (told []string, written bool, err error) {
	entries, err := s.entriesOf(ctx, actionID, "handover_declined")
	if err != nil {
		return nil, false, err
	}
	for _, e := range entries {
		var d struct {
			HandoverID string `json:"handover_id"`
		}
		if json.Unmarshal([]byte(e.Data), &d) != nil || d.HandoverID != handoverID {
			continue
		}
		if err := s.read.WithContext(ctx).Model(&Notification{}).Where("action_id = ? AND seq = ? AND kind = ?", actionID, e.Seq, "handover_declined").
			Order("recipient_id").Pluck("recipient_id", &told).Error; err != nil {
			return nil, false, fmt.Errorf("who was told of the decline of action %s: %w", actionID, err)
		}
		return told, true, nil
	}
	return nil, false, nil
}

// MessageGivenByHand reports whether the message to the customer of an action's timeline entry
// seq was given to someone to tell by hand because the integration could not send it: a
// message_undelivered entry names it.
func (s *Store) MessageGivenByHand(ctx context.Context, actionID string, seq int64) (bool, error) {
	entries, err := s.entriesOf(ctx, actionID, eventMessageUndelivered)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(entries, func(e ActionEvent) bool { return givenByHand(e) == seq }), nil
}

// eventMessageUndelivered is the timeline entry (the workflows' EventMessageUndelivered) that
// records a message to the customer given to someone to tell by hand.
const eventMessageUndelivered = "message_undelivered"

// givenByHand is the message (its entry) that a message_undelivered entry gave someone to tell by
// hand, or 0 for any other entry.
func givenByHand(e ActionEvent) int64 {
	var d struct {
		MessageSeq int64 `json:"message_seq"`
	}
	if e.Type != eventMessageUndelivered || json.Unmarshal([]byte(e.Data), &d) != nil {
		return 0
	}
	return d.MessageSeq
}

// CustomerErased says whether the personal data of the action's customer was erased, as
// erasedCustomer does in SQL.
func (a Action) CustomerErased() bool {
	return a.ErasedAt != nil || a.CustomerName == Erased || a.CustomerContact == Erased
}

// ErasedAmong says which of the actions' customers had their personal data erased: they are sent
// nothing more, so no form asks for a message to them.
func (s *Store) ErasedAmong(ctx context.Context, ids []string) (map[string]bool, error) {
	erased := map[string]bool{}
	if len(ids) == 0 {
		return erased, nil
	}
	var found []string
	if err := s.read.WithContext(ctx).Model(&Action{}).Where("id IN ? AND "+erasedCustomer(""), ids).
		Pluck("id", &found).Error; err != nil {
		return nil, fmt.Errorf("which customers of %d actions were erased: %w", len(ids), err)
	}
	for _, id := range found {
		erased[id] = true
	}
	return erased, nil
}

// erasedCustomer is the SQL condition of an action (of alias, "a." or "") whose customer's
// personal data was erased: by erased_at, or by the [erased] an API process of the release before
// leaves without it.
func erasedCustomer(alias string) string {
	return "(" + alias + "erased_at IS NOT NULL OR " + alias + "customer_name = '" + Erased + "' OR " + alias + "customer_contact = '" + Erased + "')"
}

// ToldOf lists whom an action's change (seq) was told, and as what: its inbox records' recipients
// and kinds.
func (s *Store) ToldOf(ctx context.Context, actionID string, seq int64) ([]Notification, error) {
	var told []Notification
	if err := s.read.WithContext(ctx).Select("recipient_id, kind").Where("action_id = ? AND seq = ?", actionID, seq).Find(&told).Error; err != nil {
		return nil, fmt.Errorf("reading the inbox records of a change: %w", err)
	}
	return told, nil
}

// AddNotifications writes inbox records; records already written are left as they are.
func (s *Store) AddNotifications(ctx context.Context, records []Notification) error {
	if len(records) == 0 {
		return nil
	}
	for i := range records {
		records[i].CreatedAt = utc(records[i].CreatedAt)
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&records).Error; err != nil {
		return fmt.Errorf("adding notifications: %w", err)
	}
	return nil
}

// ListNotifications returns a person's newest inbox records first, whatever their actions' teams.
func (s *Store) ListNotifications(ctx context.Context, recipientID string, limit int) ([]Notification, error) {
	out, _, err := s.MyNotifications(ctx, InboxOf{StaffID: recipientID, AllTeams: true}, NotificationPage{Limit: limit})
	return out, err
}

// NotificationPosition is where an inbox record stands in its inbox's order: newest first, records
// of one time by their event's sequence number, then by action and kind, so that no two share one.
type NotificationPosition struct {
	CreatedAt time.Time
	Seq       int64
	ActionID  string
	Kind      string
}

// positionOf is the position of an inbox record.
func positionOf(n Notification) NotificationPosition {
	return NotificationPosition{CreatedAt: n.CreatedAt, Seq: n.Seq, ActionID: n.ActionID, Kind: n.Kind}
}

// NotificationPage asks for a page of an inbox: at most Limit records, the newest ones, or the
// newest of those older than Before when it is set.
type NotificationPage struct {
	Limit  int
	Before *NotificationPosition
}

// maxInboxChunk bounds how many records one read of an inbox takes while it looks for the ones of
// the person's team.
const maxInboxChunk = 1000

// MyNotifications returns a page of of.StaffID's inbox records, newest first, about actions they
// may still see, and the position of its last record when older ones remain: one moved to another
// team no longer reads the old team's (a message can carry a cancel reason or a customer's name),
// as their inbox and the actions themselves are out of their scope then.
//
// The records are read in the index's order, a chunk at a time, and those of other teams' actions
// dropped: a join with the team's actions in one query is planned (on PostgreSQL) as reading all
// the team's actions and all the person's records, then sorting them, however small the page.
func (s *Store) MyNotifications(ctx context.Context, of InboxOf, page NotificationPage) ([]Notification, *NotificationPosition, error) {
	page.Limit = max(page.Limit, 1)
	out := make([]Notification, 0, page.Limit+1)
	before, chunk := page.Before, page.Limit+1
	for len(out) <= page.Limit {
		rows, err := s.notificationsBefore(ctx, of.StaffID, before, chunk)
		if err != nil {
			return nil, nil, err
		}
		ended := len(rows) < chunk
		if len(rows) > 0 {
			last := positionOf(rows[len(rows)-1])
			before = &last
		}
		if !of.AllTeams {
			if rows, err = s.ofTeam(ctx, rows, of.TeamID); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, rows...)
		if ended {
			break
		}
		chunk = min(2*chunk, maxInboxChunk)
	}
	if len(out) <= page.Limit {
		return out, nil, nil
	}
	out = out[:page.Limit]
	next := positionOf(out[len(out)-1])
	return out, &next, nil
}

// notificationsBefore reads up to limit of a person's inbox records, newest first, older than
// before when it is set.
func (s *Store) notificationsBefore(ctx context.Context, recipientID string, before *NotificationPosition, limit int) ([]Notification, error) {
	q := s.read.WithContext(ctx).Where("recipient_id = ?", recipientID)
	if before != nil {
		// A row comparison lets both databases seek the inbox's index.
		q = q.Where("(created_at, seq, action_id, kind) < (?, ?, ?, ?)", utc(before.CreatedAt), before.Seq, before.ActionID, before.Kind)
	}
	var out []Notification
	if err := q.Order("created_at DESC, seq DESC, action_id DESC, kind DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing notifications of %s: %w", recipientID, err)
	}
	return out, nil
}

// ofTeam keeps the inbox records about actions of a team, in their order.
func (s *Store) ofTeam(ctx context.Context, rows []Notification, teamID string) ([]Notification, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ActionID)
	}
	slices.Sort(ids)
	var found []string
	err := s.read.WithContext(ctx).Model(&Action{}).Where("team_id = ? AND id IN ?", teamID, slices.Compact(ids)).Pluck("id", &found).Error
	if err != nil {
		return nil, fmt.Errorf("finding the actions of team %s: %w", teamID, err)
	}
	mine := make(map[string]bool, len(found))
	for _, id := range found {
		mine[id] = true
	}
	return slices.DeleteFunc(rows, func(r Notification) bool { return !mine[r.ActionID] }), nil
}

// StaffWithRole lists the active staff of a role: in one team, or in any team when teamID is "".
func (s *Store) StaffWithRole(ctx context.Context, role, teamID string) ([]Staff, error) {
	q := s.read.WithContext(ctx).Where("role = ? AND active", role)
	if teamID != "" {
		q = q.Where("team_id = ?", teamID)
	}
	var out []Staff
	if err := q.Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("listing %s staff: %w", role, err)
	}
	return out, nil
}

// Policy is one version of a category's lifecycle durations; nil durations take the defaults.
type Policy struct {
	Category       string `gorm:"primaryKey"`
	Version        int    `gorm:"primaryKey"`
	AcceptWithin   *int64
	CheckWithin    *int64
	EscalateWithin *int64
	AssignWithin   *int64
	FollowUpEvery  *int64
	// PauseRemindEvery is how often an action paused without an end reminds its owner.
	PauseRemindEvery *int64
	// Clock is "business" (count on the team's calendar) or "24/7".
	Clock string
	// RequiredFields is the JSON list of note fields a handover of the category must fill.
	RequiredFields string
	CreatedBy      string
	CreatedAt      time.Time
}

// CurrentPolicy returns the newest version of a category's policy.
func (s *Store) CurrentPolicy(ctx context.Context, category string) (Policy, error) {
	var p Policy
	err := s.read.WithContext(ctx).Where("category = ?", category).Order("version DESC").Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Policy{}, fmt.Errorf("policy %s: %w", category, ErrNotFound)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("loading policy %s: %w", category, err)
	}
	return p, nil
}

// PolicyVersion returns one version of a category's policy: the one an action runs under.
func (s *Store) PolicyVersion(ctx context.Context, category string, version int) (Policy, error) {
	var p Policy
	err := s.read.WithContext(ctx).Where("category = ? AND version = ?", category, version).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Policy{}, fmt.Errorf("policy %s version %d: %w", category, version, ErrNotFound)
	}
	if err != nil {
		return Policy{}, fmt.Errorf("loading policy %s version %d: %w", category, version, err)
	}
	return p, nil
}

// CurrentPolicies returns the newest version of every category's policy, by category.
func (s *Store) CurrentPolicies(ctx context.Context) ([]Policy, error) {
	var out []Policy
	err := s.read.WithContext(ctx).
		Where("version = (SELECT MAX(newer.version) FROM policies AS newer WHERE newer.category = policies.category)").
		Order("category").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing policies: %w", err)
	}
	return out, nil
}

// PolicyDurations names the durations of a policy, in their order on the policies page.
var PolicyDurations = []string{"accept_within", "check_within", "escalate_within", "assign_within", "follow_up_every", "pause_remind_every"}

// policyValues are what a policy version sets, as the audit trail records it: its version, clock,
// required note fields, and each duration it sets, in seconds ("accept_within_seconds"); those it
// leaves to the defaults are absent.
func policyValues(p Policy) map[string]any {
	out := map[string]any{"version": p.Version, "clock": p.Clock, "required_fields": jsonValue(p.RequiredFields)}
	for i, d := range []*int64{p.AcceptWithin, p.CheckWithin, p.EscalateWithin, p.AssignWithin, p.FollowUpEvery, p.PauseRemindEvery} {
		if d != nil {
			out[PolicyDurations[i]+"_seconds"] = *d
		}
	}
	return out
}

// policyChanges are the values of a policy's version (policyValues) that differ from the one
// before, each as {from, to}, nil where a duration was the default.
func policyChanges(before, after map[string]any) map[string]any {
	changes := map[string]any{}
	keys := []string{"clock", "required_fields"}
	for _, d := range PolicyDurations {
		keys = append(keys, d+"_seconds")
	}
	for _, k := range keys {
		from, _ := json.Marshal(before[k])
		to, _ := json.Marshal(after[k])
		if string(from) != string(to) {
			changes[k] = map[string]any{"from": before[k], "to": after[k]}
		}
	}
	return changes
}

// PolicyInUse refuses removing the policy of a category that actions have: their policy versions
// are read for as long as they are there (the notes their handovers require).
type PolicyInUse struct{ Actions int64 }

func (e *PolicyInUse) Error() string {
	return fmt.Sprintf("%d actions have the category", e.Actions)
}

// RemovePolicy removes every version of the policy of a category no action has (one made under a
// mistyped name, say), so that it is no longer offered; recorded in the audit trail as by's, with
// the version it stood at. It reports whether there was one; *PolicyInUse while actions have the
// category.
func (s *Store) RemovePolicy(ctx context.Context, category, by string) (bool, error) {
	removed := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var last Policy
		err := s.locked(tx.Where("category = ?", category).Order("version DESC")).Take(&last).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Action{}).Where("category = ?", category).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return &PolicyInUse{Actions: n}
		}
		if err := tx.Where("category = ?", category).Delete(&Policy{}).Error; err != nil {
			return err
		}
		removed = true
		return audit(tx, time.Now(), by, AuditPolicyRemoved, SubjectPolicy, category, map[string]any{"version": last.Version})
	})
	var inUse *PolicyInUse
	if err != nil && !errors.As(err, &inUse) {
		return false, fmt.Errorf("removing policy %s: %w", category, err)
	}
	return removed, err
}

// SavePolicy stores a new version of a category's policy and returns it with its version,
// recorded in the audit trail as p.CreatedBy's. Two writers racing for the same version number:
// the loser takes the next one.
func (s *Store) SavePolicy(ctx context.Context, p Policy) (Policy, error) {
	if p.Clock == "" {
		p.Clock = "business"
	}
	if p.RequiredFields == "" {
		p.RequiredFields = "[]"
	}
	var err error
	for range 20 {
		err = s.tx(ctx, func(tx *gorm.DB) error {
			var last int
			if err := tx.Model(&Policy{}).Where("category = ?", p.Category).Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
				return err
			}
			p.Version = last + 1
			p.CreatedAt = utc(time.Now())
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
			detail := policyValues(p)
			if last > 0 {
				// What changed from the version before, for the audit trail to say: a value left
				// out is the default's (from or to nil).
				var prev Policy
				if err := tx.Where("category = ? AND version = ?", p.Category, last).Take(&prev).Error; err != nil {
					return err
				}
				detail["changes"] = policyChanges(policyValues(prev), detail)
			}
			return audit(tx, p.CreatedAt, p.CreatedBy, AuditPolicySaved, SubjectPolicy, p.Category, detail)
		})
		if !isDuplicate(err) {
			break
		}
	}
	if err != nil {
		return Policy{}, fmt.Errorf("saving policy %s: %w", p.Category, err)
	}
	return p, nil
}
