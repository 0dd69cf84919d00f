package activities

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// Webhook sends signed events to one integration endpoint. The signature header is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), with the timestamp (Unix seconds)
// in its own header, so a receiver can verify the sender and refuse replays.
type Webhook struct {
	URL    string
	Secret string
	// PreviousSecret, while the secret is being changed, signs each delivery too, after Secret:
	// a receiver that still has the old secret accepts every delivery meanwhile, whichever
	// workers have the new one.
	PreviousSecret string
	Client         *http.Client
}

// Webhook headers.
const (
	HeaderSignature = "X-Handover-Signature"
	HeaderTimestamp = "X-Handover-Timestamp"
	HeaderEventID   = "X-Handover-Event-Id"
)

// WebhookEvent is the body of every webhook. ActorID and Cause say who or what made the change,
// so an integration can tell its own changes from others'.
type WebhookEvent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// Event is the timeline event the delivery is about (handover_requested, paused, extended...),
	// whatever the notification's kind: a supervisor's pause tells the owner as "assigned".
	Event      string              `json:"event,omitempty"`
	ActionID   string              `json:"action_id"`
	Seq        int64               `json:"seq"`
	ActorID    string              `json:"actor_id"`
	Cause      string              `json:"cause"`
	OccurredAt time.Time           `json:"occurred_at"`
	Title      string              `json:"title"`
	Message    string              `json:"message"`
	Recipients []string            `json:"recipients,omitempty"`
	Customer   *workflows.Customer `json:"customer,omitempty"`
	// OwnerID, Status and Version are the action once the change was applied (absent on
	// deliveries of actions that started before they were sent).
	OwnerID string `json:"owner_id,omitempty"`
	Status  string `json:"status,omitempty"`
	Version int64  `json:"version,omitempty"`
	// TeamID and CustomerRef say whose action it is without reading it back: its team, and its
	// customer's reference (absent for a customer given without one).
	TeamID      string `json:"team_id,omitempty"`
	CustomerRef string `json:"customer_ref,omitempty"`
}

// customerRef is the reference of a notification's customer, if it carries one.
func customerRef(c *workflows.Customer) string {
	if c == nil {
		return ""
	}
	return c.Ref
}

// Sign returns the signature header value of a body sent at a timestamp.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// signatureSeparator separates the signatures of a header that carries several (one for each
// secret a delivery is signed with while the secret is being changed).
const signatureSeparator = ", "

// signature is the signature header value of a body sent at a timestamp: its signature with
// Secret, and then, while the secret is being changed, with PreviousSecret. Without a previous
// secret it is Sign's alone, as receivers have always read it.
func (w *Webhook) signature(timestamp string, body []byte) string {
	sig := Sign(w.Secret, timestamp, body)
	if w.PreviousSecret != "" {
		sig += signatureSeparator + Sign(w.PreviousSecret, timestamp, body)
	}
	return sig
}

// Verify reports whether a signature header matches the body and timestamp: whether any of the
// signatures it holds (comma-separated, one for each secret the delivery was signed with) is the
// one this secret makes. Each is compared in constant time; a part that is not a signature this
// secret could make (another scheme, a malformed one) matches nothing.
func Verify(secret, timestamp string, body []byte, signature string) bool {
	want := []byte(Sign(secret, timestamp, body))
	for part := range strings.SplitSeq(signature, ",") {
		if hmac.Equal(want, []byte(strings.TrimSpace(part))) {
			return true
		}
	}
	return false
}

// refusedDelivery are the answers that refuse one delivery for what it is, so it is not sent
// again. Any other answer is retried: a 401, 403 or 404 is as often a secret being changed, a
// proxy or a deployment in progress as a final no, and 408 and 429 say "later".
var refusedDelivery = map[int]bool{
	http.StatusBadRequest: true, http.StatusGone: true, http.StatusRequestEntityTooLarge: true,
	http.StatusUnsupportedMediaType: true, http.StatusUnprocessableEntity: true,
}

// Send posts the event; any answer but 2xx is an error, so the activity retries (but
// refusedDelivery's).
func (w *Webhook) Send(ctx context.Context, ev WebhookEvent, now time.Time) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding webhook %s: %w", ev.ID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderEventID, ev.ID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, w.signature(ts, body))
	client := http.Client{Timeout: 10 * time.Second}
	if w.Client != nil {
		client = *w.Client
	}
	// A redirect is not followed: the POST would arrive as a GET without its body, and its 2xx
	// would count the event delivered.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		// The URL may carry a credential (a token in its query): the error, which is logged at
		// each retry, names only its scheme and host.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sending webhook %s to %s://%s: %w", ev.ID, req.URL.Scheme, req.URL.Host, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	// The status by its code and the standard's words for it, never the receiver's own reason
	// phrase, which is logged and kept with a failed delivery: it may repeat the body's personal
	// data ("422 invalid contact ...").
	status := strings.TrimSpace(fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
	switch code := resp.StatusCode; {
	case code >= 200 && code <= 299:
		return nil
	case refusedDelivery[code]:
		// The receiver refuses this delivery itself (its body, or what it is about): sending it
		// again would be refused again.
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("webhook %s refused: %s", ev.ID, status), "WebhookRefused", nil)
	case code >= 300 && code <= 399:
		// Named by scheme and host only, as the URL is: a token in its path or query would be
		// logged.
		loc, err := resp.Location()
		if err != nil {
			return fmt.Errorf("webhook %s answered %s, naming no address to go to (no Location): redirects are not followed; HANDOVER_WEBHOOK_URL is to be the receiver's own address", ev.ID, status)
		}
		return fmt.Errorf("webhook %s answered %s, to %s (its path is not logged: it may hold a secret): redirects are not followed; set HANDOVER_WEBHOOK_URL to the address it points to", ev.ID, status, loc.Scheme+"://"+loc.Host)
	default:
		return fmt.Errorf("webhook %s answered %s", ev.ID, status)
	}
}

// Notify records the notification in the inbox of each person concerned and, when a webhook is
// configured, sends it there. Both are idempotent: the inbox keeps one record per person and
// event, and the webhook carries an event ID for the receiver to de-duplicate.
func (a *Activities) Notify(ctx context.Context, n workflows.Notification) error {
	records, recipients, err := a.inboxRecords(ctx, n)
	if err != nil {
		return err
	}
	if err := a.Store.AddNotifications(ctx, records); err != nil {
		return err
	}
	if a.Webhook == nil || a.Webhook.URL == "" {
		if n.Webhook {
			// Workers configured apart: the one that projected the change sends webhooks and
			// this one has none. Failed, the delivery is retried, and so reaches one that can
			// send it, where taken as sent it was lost without a trace.
			return temporal.NewApplicationError("this worker has no webhook (HANDOVER_WEBHOOK_URL) while the worker that made the change has: "+
				"give every worker the same webhook settings; another worker sends it", "WebhookNotConfigured")
		}
		return nil
	}
	typ := "action." + n.Kind
	if len(recipients) == 0 && n.Event != "" && n.Kind != workflows.NotifyCustomerMessage {
		// Told to nobody in the end (the only one it was for made the change, or left since).
		// What to tell the customer is the integration's to do whoever is in the inbox: it keeps
		// its kind.
		if n.Webhook {
			// The change's inbox records were written with it, before any of its notifications
			// was sent (for actions of this release: n.Webhook). One to a role that told someone
			// then (its role has changed since) carries the change all the same; one that told
			// nobody leaves the change to another that did, or else to its first notification.
			told, err := a.Store.ToldOf(ctx, n.ActionID, n.Seq)
			if err != nil {
				return err
			}
			toldThen := n.ToRole != "" && slices.ContainsFunc(told, func(r models.Notification) bool {
				return r.Kind == n.Kind && !slices.Contains(n.To, r.RecipientID)
			})
			if !toldThen && (n.Follows || len(told) > 0) {
				return nil
			}
		}
		// A change that notified nobody goes out as its timeline event (not, say, an
		// action.assigned for an extension its owner made).
		typ = "action." + n.Event
	}
	return a.deliverAll(ctx, webhookEvents(n, typ, records))
}

// standIn ends the ID of the delivery to those an alert came to in another's place (the
// supervisors asked for an absent hander's check, the managers of a team without a supervisor),
// in the words their inbox has, which say why.
const standIn = "/stand-in"

// webhookEvents are the deliveries of a notification, as typ, to the webhook: one to those it
// was written for, in its words, and one to those it came to in their place, in theirs (the
// inbox's records say who read which); one without recipients for a notification told nobody.
func webhookEvents(n workflows.Notification, typ string, records []models.Notification) []WebhookEvent {
	ev := WebhookEvent{
		ID: webhookID(n), Type: typ, Event: n.Event,
		ActionID: n.ActionID, Seq: n.Seq, ActorID: n.ActorID, Cause: n.Cause, OccurredAt: n.At,
		Title: n.Title, Message: n.Message,
		OwnerID: n.OwnerID, Status: string(n.Status), Version: n.Version, Customer: n.Customer,
		TeamID: n.TeamID, CustomerRef: cmp.Or(n.CustomerRef, customerRef(n.Customer)),
	}
	var out []WebhookEvent
	for _, r := range records {
		i := slices.IndexFunc(out, func(e WebhookEvent) bool { return e.Message == r.Message })
		if i < 0 {
			e := ev
			e.Message, e.Recipients = r.Message, nil
			if r.Message != n.Message {
				e.ID += standIn
			}
			out, i = append(out, e), len(out)
		}
		out[i].Recipients = append(out[i].Recipients, r.RecipientID)
	}
	if len(out) == 0 {
		return []WebhookEvent{ev}
	}
	return out
}

// deliverAll sends each delivery; one failing holds up none of the others. It answers a failure
// to retry if any is (a refusal of one, not to be retried, must not give up the other), else the
// first refusal, for the activity to retry them all, each with its ID for the receiver to
// de-duplicate.
func (a *Activities) deliverAll(ctx context.Context, events []WebhookEvent) error {
	var retry, refused error
	for _, ev := range events {
		sent, unrecorded := a.deliver(ctx, ev)
		if unrecorded != nil {
			// The delivery is retried (or done) all the same; only its record is behind.
			logger(ctx).Warn("webhook delivery not recorded", "webhook_id", ev.ID, "error", unrecorded)
		}
		var app *temporal.ApplicationError
		if errors.As(sent, &app) && app.NonRetryable() {
			refused = cmp.Or(refused, sent)
		} else {
			retry = cmp.Or(retry, sent)
		}
	}
	err := cmp.Or(retry, refused)
	if err == nil {
		return nil
	}
	return failedTry(ctx, err, retry != nil)
}

// failedTry is the error of an activity's delivery that failed, said as such. A receiver that is
// down or refuses is the integration's to mend, and retried for a day: the SDK, which logs each
// failed try of an activity at ERROR, logs this one at debug level. The delivery says so here at
// WARN, as it begins failing and at every tenth try after; given up, the workflow logs it at ERROR
// ("notification not delivered").
func failedTry(ctx context.Context, err error, retried bool) error {
	attempt := int32(1)
	if activity.IsActivity(ctx) {
		attempt = activity.GetInfo(ctx).Attempt
	}
	if attempt == 1 || attempt%10 == 0 {
		logger(ctx).Warn("webhook delivery failed", "retried", retried, "error", err) // the logger names the attempt
	}
	return benign(err)
}

// benign is a failed delivery's error as one that is expected in normal operation (Temporal's
// benign category), retried or not as it was.
func benign(err error) error {
	typ, opts := "WebhookNotDelivered", temporal.ApplicationErrorOptions{Category: temporal.ApplicationErrorCategoryBenign}
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		typ, opts.NonRetryable = app.Type(), app.NonRetryable()
	}
	return temporal.NewApplicationErrorWithOptions(err.Error(), typ, opts)
}

// sendBudget is the activity time a delivery needs to be tried: the webhook's 10 s, and its record.
const sendBudget = 15 * time.Second

// deliverOnce tries each delivery once, and keeps one that fails for Redeliver: what nothing
// retries (a shift's leftovers, whose inbox records must not wait on the webhook) is lost neither
// to a receiver that is down nor to the activity's time running out, one left unsent then being
// kept as well.
func (a *Activities) deliverOnce(ctx context.Context, events []WebhookEvent) {
	log := logger(ctx)
	for _, ev := range events {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < sendBudget {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			notSent := errors.New("not sent: the activity's time ran out first; handover admin webhooks redeliver sends it")
			err := a.keepFailed(rctx, ev, notSent)
			cancel()
			if err != nil {
				log.Error("webhook delivery not sent and not recorded", "webhook_id", ev.ID, "error", err)
			}
			givenUp(ctx, ev, notSent)
			continue
		}
		sent, unrecorded := a.deliver(ctx, ev)
		switch {
		case unrecorded != nil:
			log.Error("webhook delivery not recorded", "webhook_id", ev.ID, "sent", sent == nil, "error", unrecorded)
		case sent != nil:
			givenUp(ctx, ev, sent)
		}
	}
}

// givenUp says that a delivery tried once is not retried: logged at ERROR as "notification not
// delivered" and counted (MetricWebhooksUndelivered, by its kind), as the workflows say theirs
// given up, since the integration misses the change until someone sends it again.
func givenUp(ctx context.Context, ev WebhookEvent, err error) {
	kind := strings.TrimPrefix(ev.Type, "action.")
	logger(ctx).Error("notification not delivered", "webhook_id", ev.ID, "action_id", ev.ActionID, "kind", kind,
		"kept_for", "handover admin webhooks redeliver", "error", err)
	if activity.IsActivity(ctx) {
		activity.GetMetricsHandler(ctx).WithTags(map[string]string{"kind": kind}).
			Counter(workflows.MetricWebhooksUndelivered).Inc(1)
	}
}

// NotifyErasure tells the integration that a customer's personal data was erased, as a
// `customer.erased` delivery naming the customer by their reference (or their action, for one
// given without a reference), so that it erases the copies it keeps. Without a webhook there is
// nobody to tell.
func (a *Activities) NotifyErasure(ctx context.Context, e workflows.Erasure) error {
	if a.Webhook == nil || a.Webhook.URL == "" {
		return nil
	}
	who := "the customer of action " + e.ActionID
	if e.CustomerRef != "" {
		who = "customer " + e.CustomerRef
	}
	ev := WebhookEvent{
		ID: workflows.ErasureWorkflowID(e), Type: workflows.ErasureWebhookType,
		ActionID: e.ActionID, ActorID: e.ActorID, Cause: workflows.CauseRequest, OccurredAt: e.At,
		Message:     "The personal data of " + who + " was erased: erase the copies you keep.",
		CustomerRef: e.CustomerRef,
	}
	sent, unrecorded := a.deliver(ctx, ev)
	if unrecorded != nil {
		activity.GetLogger(ctx).Warn("webhook delivery not recorded", "webhook_id", ev.ID, "error", unrecorded)
	}
	return sent
}

// deliver sends an event, its personal data still sealed, to the webhook (the times of its
// message in its team's time zone), and keeps account of it in the read model: a failed delivery
// is recorded (sealed) until one gets through, so that one given up on can be sent again
// (Redeliver). It answers the delivery's error, and apart the error of keeping that account.
func (a *Activities) deliver(ctx context.Context, sealed WebhookEvent) (sent, unrecorded error) {
	ev, err := a.open(ctx, sealed)
	if err != nil {
		return err, nil
	}
	// The workflow writes the times of its messages in UTC; the integration's readers are the
	// team's, and read them in its time zone.
	if ev.TeamID != "" && workflows.MessageTime.MatchString(ev.Message) {
		zone, err := a.Store.TeamZone(ctx, ev.TeamID)
		if err != nil {
			return err, nil
		}
		ev.Message = workflows.TimesIn(ev.Message, zone)
	}
	sent = a.Webhook.Send(ctx, ev, a.now())
	// The account is kept also when the send used up the activity's time.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if sent == nil {
		// One that failed before (in an earlier attempt, run or redelivery) got through now.
		return nil, a.Store.WebhookDelivered(rctx, ev.ID, a.now())
	}
	return sent, a.keepFailed(rctx, sealed, sent)
}

// keepFailed records a delivery that did not get through, sealed, for Redeliver.
func (a *Activities) keepFailed(ctx context.Context, sealed WebhookEvent, failed error) error {
	body, err := json.Marshal(sealed)
	if err != nil {
		return fmt.Errorf("encoding webhook %s: %w", sealed.ID, err)
	}
	return a.Store.WebhookFailed(ctx, models.WebhookDelivery{
		ID: sealed.ID, ActionID: sealed.ActionID, Seq: sealed.Seq, Event: string(body), LastError: failed.Error(), LastAttemptAt: a.now(),
	})
}

// open gives a copy of the event with its personal data opened: the integration is told in plain
// words, opened here at the edge, and an erased customer's data goes out as "[erased]".
func (a *Activities) open(ctx context.Context, ev WebhookEvent) (WebhookEvent, error) {
	if ev.Customer != nil {
		customer := *ev.Customer
		ev.Customer = &customer
	}
	if a.Sealer == nil {
		return ev, nil
	}
	values := []*string{&ev.Message}
	if ev.Customer != nil {
		values = append(values, &ev.Customer.Name, &ev.Customer.Contact)
	}
	if err := a.Sealer.Opener(ctx).OpenAll(values...); err != nil {
		return WebhookEvent{}, err
	}
	return ev, nil
}

// passing is how a notification for one person passes to the team's supervisors when that person
// is not there to act on it: who counts as gone, whether they are told all the same, and what
// the supervisors are told of why it came to them (%s: who is gone).
type passing struct {
	offShift bool // off shift counts as gone, not only having left the team or been deactivated
	told     bool // the person gone is told too
	why      string
}

// standIns are the notifications that pass to the supervisors in someone's place (why says why,
// %s saying how that person is gone). The person who
// handed the action over is asked to check it; one off shift, gone from its team or deactivated
// cannot, and the supervisors are asked too. Their reminders to follow up go to the supervisors
// instead once they have left the team or been deactivated (gone, they can no longer see the
// action; off shift, they find the reminders when back). A handover declined comes back to an
// owner who may have gone home meanwhile: the supervisors hear of it too, so that someone at work
// sees the action taken on.
var standIns = map[string]passing{
	workflows.NotifyCheckAsked: {offShift: true, told: true,
		why: " (It comes to you because %s: check it in their place.)"},
	workflows.NotifyFollowUp: {
		why: " (It comes to you because %s: follow it up in their place, or the reminders go on until the due time.)"},
	workflows.NotifyHandoverDeclined: {offShift: true, told: true,
		why: " (It comes to you because %s: see that someone takes it on.)"},
	// An owner gone from the team can no longer resume their paused action; one off shift finds
	// the reminder when back.
	workflows.NotifyPauseReminder: {
		why: " (It comes to you because %s: see that someone takes it on.)"},
}

// roleAbove is who hears a role's alert when nobody holds that role.
var roleAbove = map[workflows.Role]workflows.Role{
	workflows.RoleSupervisor: workflows.RoleManager,
	workflows.RoleManager:    workflows.RoleAdmin,
}

// inboxRecords resolves a notification's recipients (people named, and the staff of a role) and
// makes one inbox record for each.
func (a *Activities) inboxRecords(ctx context.Context, n workflows.Notification) ([]models.Notification, []string, error) {
	recipients := slices.Clone(n.To)
	role := n.ToRole
	who, gone := "", "" // the person gone, in whose place the supervisors are told, and how
	stand, passes := standIns[n.Kind]
	if role == "" && passes {
		var err error
		if who, gone, err = a.firstGone(ctx, n.To, n.TeamID, stand.offShift); err != nil {
			return nil, nil, err
		}
		if who != "" {
			role = workflows.RoleSupervisor
			if !stand.told {
				recipients = nil
			}
		}
	}
	passed := n.Message // what those it passes to read, before why
	why := ""           // why the alert came to those it passed to, said to them
	if role != n.ToRole {
		// Written for the person gone ("which you handed to..."): the supervisors read who it was,
		// and why it is theirs.
		passed = workflows.ForStandIn(n, who)
		why = fmt.Sprintf(stand.why, gone)
	}
	// A role nobody active holds (a team without a supervisor, say) passes the alert up to the
	// next one, so that an alert meant for someone reaches someone; so does one for a team's
	// supervisors when none of them is on shift (they are told too, for when they are back). So does an escalation whose
	// role's only holders own the action (a supervisor's own action escalated to the supervisors):
	// they are told by name already, and an escalation is for someone else to act; so does the
	// check of such an action at its due time, asked of the supervisors; and so does the
	// word that such an escalation was handled, to those it went to. The words of
	// those it passes up to say why it came to them: "escalated to supervisor" read by a manager
	// would not.
	passedTo := map[string]string{} // who it passed up to, and why they are told
	for ; role != ""; role = roleAbove[role] {
		staff, held, err := a.roleHolders(ctx, role, n.TeamID)
		if err != nil {
			return nil, nil, err
		}
		if !held {
			continue // no team, so no team's supervisors (not every team's): the managers
		}
		for _, st := range staff {
			recipients = append(recipients, st.ID)
			passedTo[st.ID] = why
		}
		owners, owns := n.To, "owns"
		switch n.Kind {
		case workflows.NotifyEscalationHandled:
			// Word that an escalation was handled goes where the escalation went.
			owners, owns = []string{n.EscalatedOwner}, "owned"
		case workflows.NotifyCheckAsked:
			// A check asked of the supervisors (nobody handed the action over) is of its owner's
			// work: one of the team's only supervisors does not check their own.
			owners = []string{n.OwnerID}
		}
		// Asked of the supervisors, or of them in the place of a hander gone.
		checkOfOwn := n.Kind == workflows.NotifyCheckAsked && role == workflows.RoleSupervisor && n.OwnerID != ""
		onlyOwners := (n.Kind == workflows.NotifyEscalated || n.Kind == workflows.NotifyEscalationHandled || checkOfOwn) && len(staff) > 0 && roleAbove[role] != "" &&
			!slices.ContainsFunc(staff, func(st models.Staff) bool { return !slices.Contains(owners, st.ID) })
		onShift := slices.ContainsFunc(staff, func(st models.Staff) bool { return st.OnShift })
		switch {
		case onlyOwners:
			own := fmt.Sprintf("the team's only %s %s it", role, owns)
			switch {
			case why == "":
				why = " (It comes to you because " + own + ".)"
			case gone != "":
				// The supervisor asked in the place of someone gone owns it: both reasons.
				why = fmt.Sprintf(stand.why, gone+", and "+own)
			}
		case role == workflows.RoleSupervisor && len(staff) > 0 && !onShift:
			// The team's supervisors are all off shift: they find it when they are back, and the
			// managers are told now, so that someone at work hears of it.
			if why == "" {
				why = " (It comes to you because no supervisor of the team is on shift.)"
			}
		case len(staff) > 0:
			role = "" // reached someone
		case why == "":
			why = passedUp(role)
		}
		if role == "" {
			break
		}
	}
	for _, also := range n.AlsoRoles {
		// The levels an escalation went through below the one it reached, told how it ended.
		staff, _, err := a.roleHolders(ctx, also, n.TeamID)
		if err != nil {
			return nil, nil, err
		}
		for _, st := range staff {
			recipients = append(recipients, st.ID)
		}
	}
	slices.Sort(recipients)
	recipients = slices.Compact(recipients)
	// Nobody is told of their own change (the owner's own task to tell the customer, when no
	// integration does, is a task, not news). Reprojection takes the same path.
	recipients = slices.DeleteFunc(recipients, func(id string) bool {
		return id == "" || id == workflows.SystemActor || (id == n.ActorID && n.Kind != workflows.NotifyCustomerMessage)
	})
	records := make([]models.Notification, 0, len(recipients))
	for _, id := range recipients {
		message := n.Message
		if passedTo[id] != "" && !slices.Contains(n.To, id) && !pii.IsSealed(message) {
			message = passed + passedTo[id]
		}
		records = append(records, models.Notification{
			RecipientID: id, ActionID: n.ActionID, Seq: n.Seq, Kind: n.Kind, ActorID: n.ActorID,
			Cause: n.Cause, Message: message, CreatedAt: n.At,
		})
	}
	return records, recipients, nil
}

// roleHolders are the active staff of role who hear an alert of an action of team: the team's
// supervisors, or every manager or administrator, as they see every team. held is false for
// supervisors of no team (none: not every team's).
func (a *Activities) roleHolders(ctx context.Context, role workflows.Role, team string) (staff []models.Staff, held bool, err error) {
	switch {
	case role == workflows.RoleManager || role == workflows.RoleAdmin:
		team = "" // they see every team
	case team == "":
		return nil, false, nil
	}
	staff, err = a.Store.StaffWithRole(ctx, string(role), team)
	return staff, true, err
}

// passedUp is what an alert passed up from a role nobody active holds adds to its words.
func passedUp(meant workflows.Role) string {
	if meant == workflows.RoleSupervisor {
		return " (It comes to you because the team has no active supervisor.)"
	}
	return fmt.Sprintf(" (It comes to you because nobody active is a %s.)", meant)
}

// firstGone names the first of the people named who is no longer an active member of team, or
// off shift when that counts (by name, or by ID when the directory has none), and says which ("Sam
// is off shift", "Sam has been deactivated"), or "" when none is.
func (a *Activities) firstGone(ctx context.Context, ids []string, team string, offShift bool) (who, why string, err error) {
	for _, id := range ids {
		st, err := a.Store.GetStaff(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			return id, id + " is no longer on the staff", nil
		}
		if err != nil {
			return "", "", err
		}
		name := cmp.Or(st.Name, id)
		switch {
		case !st.Active:
			return name, name + " has been deactivated", nil
		case !st.ActiveIn(team):
			return name, name + " is no longer in the team", nil
		case offShift && !st.OnShift:
			return name, name + " is off shift", nil
		}
	}
	return "", "", nil
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// webhookID identifies a notification for the receiver to de-duplicate: its action, event and
// kind, and whom it is for, since one event can notify two people of one kind differently (a
// reassignment tells the new owner and the old one).
func webhookID(n workflows.Notification) string {
	to := "role:" + string(n.ToRole) + "@" + n.TeamID
	if len(n.To) > 0 {
		names := slices.Clone(n.To)
		slices.Sort(names)
		to = strings.Join(names, ",")
	}
	return fmt.Sprintf("%s/%d/%s/%s", n.ActionID, n.Seq, n.Kind, to)
}
