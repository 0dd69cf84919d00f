package activities_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// A delivery the receiver refuses for what it is (400, 410, 413, 415, 422) is not sent again; any
// other answer but 2xx is retried: a 401 while the secret is being changed, a 404 during a
// deployment, a 503, a 429.
func TestWebhookRetriesAllButRefusals(t *testing.T) {
	for code, retried := range map[int]bool{
		200: false, 204: false,
		400: false, 410: false, 413: false, 415: false, 422: false,
		401: true, 403: true, 404: true, 408: true, 429: true, 500: true, 503: true,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }))
		hook := &activities.Webhook{URL: srv.URL, Secret: "s"}
		err := hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
		srv.Close()
		if code < 300 {
			require.NoError(t, err, "%d", code)
			continue
		}
		require.Error(t, err, "%d", code)
		var app *temporal.ApplicationError
		nonRetryable := errors.As(err, &app) && app.NonRetryable()
		require.Equal(t, !retried, nonRetryable, "%d retried: %v", code, retried)
	}
}

// A receiver that redirects has not received the event: the redirect is not followed (a POST
// would arrive as a GET without its body, and its 200 count as delivered), and the delivery is
// retried, saying where the receiver points to by scheme and host.
func TestWebhookRedirectIsNotDelivered(t *testing.T) {
	var moved int
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { moved++ }))
	defer target.Close()
	for _, code := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/moved?token=s3cret-token", code)
		}))
		hook := &activities.Webhook{URL: srv.URL, Secret: "s"}
		err := hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
		srv.Close()
		require.Error(t, err, "%d", code)
		var app *temporal.ApplicationError
		require.False(t, errors.As(err, &app) && app.NonRetryable(), "%d is retried", code)
		require.Contains(t, err.Error(), "to "+target.URL+" (its path is not logged: it may hold a secret): redirects are not followed")
		require.NotContains(t, err.Error(), "s3cret-token")
	}
	require.Zero(t, moved, "nothing was sent where it pointed")

	// A redirect naming no address says so, not where it points.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusFound) }))
	defer srv.Close()
	err := (&activities.Webhook{URL: srv.URL, Secret: "s"}).Send(context.Background(), activities.WebhookEvent{ID: "e2"}, time.Now())
	require.ErrorContains(t, err, "webhook e2 answered 302 Found, naming no address to go to (no Location): redirects are not followed")
}

// A receiver's own reason phrase is left out of the error, which is logged and kept with the
// failed delivery: it may repeat the body's personal data. The code and the standard's words for
// it say what happened.
func TestWebhookErrorLeavesTheReceiversWordsOut(t *testing.T) {
	for code, words := range map[int]string{422: "422 Unprocessable Entity", 503: "503 Service Unavailable", 302: "302 Found", 599: "599"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		go func() {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = http.ReadRequest(bufio.NewReader(conn))
			_, _ = fmt.Fprintf(conn, "HTTP/1.1 %d invalid contact ann@example.test for Ann Smith\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", code)
		}()
		hook := &activities.Webhook{URL: "http://" + ln.Addr().String() + "/", Secret: "s"}
		err = hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
		ln.Close()
		require.Error(t, err, "%d", code)
		require.Contains(t, err.Error(), "webhook e1 ", "%d", code)
		require.Contains(t, err.Error(), words, "%d", code)
		require.NotContains(t, err.Error(), "ann@example.test", "%d", code)
		require.NotContains(t, err.Error(), "Ann Smith", "%d", code)
	}
}

// A delivery that cannot connect is an error naming the receiver's scheme and host, never the
// whole URL: a token in its query would be logged at every retry.
func TestWebhookErrorLeavesTheURLsSecretsOut(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close() // nothing listens there now
	hook := &activities.Webhook{URL: "http://" + addr + "/hook?token=s3cret-token", Secret: "s"}
	err := hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, time.Now())
	require.Error(t, err)
	require.Contains(t, err.Error(), "sending webhook e1 to http://"+addr+": ")
	require.NotContains(t, err.Error(), "s3cret-token")
	require.NotContains(t, err.Error(), "/hook")
}

// A delivery carries one signature, with the secret, as it always has; while the secret is being
// changed (a previous secret set) it carries two, ", "-separated: the new secret's first, then the
// old one's, so that a receiver with either secret accepts it.
func TestWebhookSignsWithThePreviousSecretToo(t *testing.T) {
	const secret, previous = "the-new-secret-0123456789", "the-old-secret-0123456789"
	type delivery struct {
		header http.Header
		body   []byte
	}
	received := make(chan delivery, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		received <- delivery{r.Header.Clone(), body}
	}))
	defer srv.Close()
	at := time.Unix(1_800_000_000, 0)
	send := func(hook *activities.Webhook) (http.Header, []byte) {
		require.NoError(t, hook.Send(context.Background(), activities.WebhookEvent{ID: "e1"}, at))
		d := <-received
		return d.header, d.body
	}

	got, body := send(&activities.Webhook{URL: srv.URL, Secret: secret})
	ts := got.Get(activities.HeaderTimestamp)
	require.Equal(t, "1800000000", ts)
	require.Equal(t, activities.Sign(secret, ts, body), got.Get(activities.HeaderSignature), "one signature, as before")
	require.False(t, activities.Verify(previous, ts, body, got.Get(activities.HeaderSignature)))

	got, body = send(&activities.Webhook{URL: srv.URL, Secret: secret, PreviousSecret: previous})
	header := got.Get(activities.HeaderSignature)
	parts := strings.Split(header, ", ")
	require.Len(t, parts, 2, header)
	require.Equal(t, activities.Sign(secret, ts, body), parts[0], "the new secret's first")
	require.Equal(t, activities.Sign(previous, ts, body), parts[1], "then the previous one's")
	for i, part := range parts {
		require.True(t, strings.HasPrefix(part, "sha256="), part)
		require.Equal(t, i == 0, activities.Verify(secret, ts, body, part), "part %d with the new secret", i)
		require.Equal(t, i == 1, activities.Verify(previous, ts, body, part), "part %d with the previous secret", i)
	}
	require.True(t, activities.Verify(secret, ts, body, header), "a receiver with the new secret accepts it")
	require.True(t, activities.Verify(previous, ts, body, header), "and one still with the old")
	require.False(t, activities.Verify("another-secret-0123456789", ts, body, header))
}

// Verify accepts a header holding several signatures when any of them is the secret's, wherever it
// stands, with or without spaces after the commas; parts that are no signature of the secret (other
// schemes, empty, malformed) match nothing and stop nothing.
func TestVerifyAcceptsAnyOfSeveralSignatures(t *testing.T) {
	const secret, ts = "the-secret-0123456789", "1800000000"
	body := []byte(`{"id":"e1"}`)
	mine, other := activities.Sign(secret, ts, body), activities.Sign("another-secret-0123456789", ts, body)
	for header, want := range map[string]bool{
		mine:                                true,
		other + ", " + mine:                 true,
		mine + ", " + other:                 true,
		other + "," + mine:                  true,
		" " + mine + " ,  " + other:         true,
		"sha512=abc, " + mine:               true,
		", , " + mine + ",":                 true,
		other:                               false,
		other + ", " + other:                false,
		"":                                  false,
		",":                                 false,
		", ":                                false,
		mine + other:                        false,
		mine[:len(mine)-1]:                  false,
		strings.ToUpper(mine):               false,
		strings.TrimPrefix(mine, "sha256="): false,
		other + ", " + strings.TrimPrefix(mine, "sha256="): false,
		other + "; " + mine:            false,
		"sha256=, sha256=zz, " + other: false,
	} {
		require.Equal(t, want, activities.Verify(secret, ts, body, header), "%q", header)
	}
	require.False(t, activities.Verify(secret, "1800000001", body, other+", "+mine), "another timestamp")
	require.False(t, activities.Verify(secret, ts, []byte(`{"id":"e2"}`), other+", "+mine), "another body")
}

// A notification meant only for the person who made the change (an owner extending their own
// action at its check) tells nobody, and goes to the webhook as the change itself: typed by its
// timeline event, with no recipients. One that tells someone keeps its kind.
func TestWebhookOfANotificationToNobodyIsItsEvent(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	hook, acts, env := hooked(t, store)
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, n := range []workflows.Notification{
		{ActionID: "a1", Seq: 4, Kind: workflows.NotifyAssigned, Event: "extended", To: []string{"alice"}, ActorID: "alice", Cause: "request", Title: "Late checkout", Message: "due later", At: at},
		{ActionID: "a1", Seq: 5, Kind: workflows.NotifyAssigned, Event: "reassigned", To: []string{"bob"}, ActorID: "carol", Cause: "request", Title: "Late checkout", Message: "yours now", At: at},
	} {
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
	}
	got := hook.received()
	require.Len(t, got, 2)
	require.Equal(t, []any{"action.extended", "extended", 0}, []any{got[0].Type, got[0].Event, len(got[0].Recipients)})
	require.Equal(t, []any{"action.assigned", "reassigned", []string{"bob"}}, []any{got[1].Type, got[1].Event, got[1].Recipients})
	told, err := store.ListNotifications(context.Background(), "alice", 10)
	require.NoError(t, err)
	require.Empty(t, told, "nobody is told of their own change")

	// Of a change of this release (its inbox written with it), a notice told nobody sends nothing
	// when another notice of the change told someone; one to a role that told someone then, and
	// nobody now (its only other holder deactivated since, while the webhook was down), still
	// carries the change.
	ctx := context.Background()
	team := "desk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
	for _, id := range []string{"carol", "sue"} {
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true, Active: true}))
	}
	handled := workflows.Notification{ActionID: "a2", Seq: 7, Kind: workflows.NotifyEscalationHandled, Event: "claimed", ToRole: workflows.RoleSupervisor,
		TeamID: team, ActorID: "carol", Cause: "request", Title: "Lost key", Message: "claimed by carol", At: at, Webhook: true}
	require.NoError(t, store.AddNotifications(ctx, []models.Notification{{RecipientID: "sue", ActionID: "a2", Seq: 7, Kind: workflows.NotifyEscalationHandled, Message: "claimed by carol", CreatedAt: at}}))
	sue := models.Staff{ID: "sue", Name: "sue", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true}
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", sue, []string{"active"}, false))
	alone := workflows.Notification{ActionID: "a2", Seq: 8, Kind: workflows.NotifyAssigned, Event: "extended", To: []string{"carol"}, ActorID: "carol", Cause: "request",
		Title: "Lost key", Message: "due later", At: at, Webhook: true, Follows: true}
	for _, n := range []workflows.Notification{handled, alone} {
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
	}
	got = hook.received()
	require.Len(t, got, 3, "the second notice of seq 8, told nobody, is not sent")
	require.Equal(t, []any{"action.claimed", int64(7), 0}, []any{got[2].Type, got[2].Seq, len(got[2].Recipients)}, "the claim reaches the webhook")
}

// A notification marked for the webhook, reaching a worker that has none (configured apart from
// the one that projected the change), fails, to be retried and so reach a worker that sends it:
// taken as sent, it was lost without a trace. One not marked (no worker sends webhooks) is done
// once its inbox records are written.
func TestNotifyForTheWebhookOnAWorkerWithoutOne(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	acts := &activities.Activities{Store: store}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	n := workflows.Notification{ActionID: "a1", Seq: 2, Kind: workflows.NotifyAssigned, Event: "reassigned", To: []string{"bob"},
		ActorID: "carol", Cause: "request", Title: "Late checkout", Message: "yours now", At: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	_, err := env.ExecuteActivity(acts.Notify, n)
	require.NoError(t, err)
	n.Webhook = true
	_, err = env.ExecuteActivity(acts.Notify, n)
	require.ErrorContains(t, err, "this worker has no webhook (HANDOVER_WEBHOOK_URL) while the worker that made the change has")
	var app *temporal.ApplicationError
	require.ErrorAs(t, err, &app)
	require.False(t, app.NonRetryable(), "retried, to reach a worker that sends it")
	told, err := store.ListNotifications(context.Background(), "bob", 10)
	require.NoError(t, err)
	require.Len(t, told, 1, "the inbox record is written once, either way")
}

// The check at the due time is asked of the person who handed the action over; one deactivated or
// moved to another team since cannot make it, and the team's supervisors are asked as well.
func TestCheckAskedOfAHanderGoneGoesToTheSupervisors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	team, other := "frontdesk", "kitchen"
	sam := models.Staff{ID: "sam", Name: "Sam", Role: "agent", TeamID: &team, Authority: 1, OnShift: true, Active: true}
	store, notify := handedOverWorld(t, sam)
	ask := func(seq int64) []string {
		told := notify(workflows.Notification{Seq: seq, Kind: workflows.NotifyCheckAsked, Event: "due", To: []string{"sam"},
			ActorID: workflows.SystemActor, Cause: "timer", Message: `"Noise complaint 301", which you handed to Bob, still waits for your check: check it was done.`})
		var who []string
		for _, id := range []string{"sam", "carol"} {
			if _, ok := told[id]; ok {
				who = append(who, id)
			}
		}
		return who
	}
	require.Equal(t, []string{"sam"}, ask(2), "the hander, still in the team, is asked")
	away := sam
	away.OnShift = false
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", away, []string{"on_shift"}, false))
	require.Equal(t, []string{"sam", "carol"}, ask(5), "off shift: the supervisors too")
	told, err := store.ListNotifications(ctx, "carol", 1)
	require.NoError(t, err)
	require.Equal(t, `"Noise complaint 301", which Sam handed to Bob, still waits for Sam's check: check it was done.`+
		" (It comes to you because Sam is off shift: check it in their place.)", told[0].Message,
		"the words written for the hander, said to the supervisor: who handed it, and why it reaches them")
	mine, err := store.ListNotifications(ctx, "sam", 1)
	require.NoError(t, err)
	require.Equal(t, `"Noise complaint 301", which you handed to Bob, still waits for your check: check it was done.`, mine[0].Message, "the hander's own words as they were")
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", sam, []string{"on_shift"}, false))
	moved := sam
	moved.TeamID = &other
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", moved, []string{"team_id"}, false))
	require.Equal(t, []string{"sam", "carol"}, ask(3), "moved away: the supervisors too")
	gone := sam
	gone.Active = false
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", gone, []string{"team_id", "active"}, false))
	require.Equal(t, []string{"sam", "carol"}, ask(4), "deactivated: the supervisors too")
}

// handedOverWorld is a front desk (and a kitchen to move to) with sam, as given, and carol, its
// supervisor on shift; notify delivers a notification and answers what sam and carol were told at
// its seq.
func handedOverWorld(t *testing.T, sam models.Staff) (*models.Store, func(workflows.Notification) map[string]string) {
	t.Helper()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "frontdesk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "kitchen", Name: "Kitchen"}))
	sam.TeamID = &team
	require.NoError(t, store.SaveStaff(ctx, sam))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 1, OnShift: true, Active: true}))
	acts := &activities.Activities{Store: store}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return store, func(n workflows.Notification) map[string]string {
		n.ActionID, n.TeamID, n.Title, n.At = "a1", team, "Noise complaint 301", time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
		told := map[string]string{}
		for _, who := range []string{"sam", "carol"} {
			got, err := store.ListNotifications(ctx, who, 10)
			require.NoError(t, err)
			for _, r := range got {
				if r.Seq == n.Seq {
					told[who] = r.Message
				}
			}
		}
		return told
	}
}

// A reminder to follow up stays with a hander who is off shift (they find it when back), and goes
// to the team's supervisors instead, in words written for them, once the hander has left the team
// or been deactivated: a supervisor may record the follow-up in their place.
func TestFollowUpOfAHanderGoneGoesToTheSupervisors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sam := models.Staff{ID: "sam", Name: "Sam", Role: "agent", Authority: 1, Active: true} // off shift
	store, notify := handedOverWorld(t, sam)
	mine := `Follow up with Bob on "Noise complaint 301", which you handed over.`
	remind := func(seq int64) map[string]string {
		return notify(workflows.Notification{Seq: seq, Kind: workflows.NotifyFollowUp, Event: "follow_up_reminder", To: []string{"sam"},
			ActorID: workflows.SystemActor, Cause: "timer", Message: mine})
	}
	require.Equal(t, map[string]string{"sam": mine}, remind(2), "off shift, the hander keeps their reminder")
	moved, _ := store.GetStaff(ctx, "sam")
	kitchen := "kitchen"
	moved.TeamID = &kitchen
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", moved, []string{"team_id"}, false))
	theirs := func(gone string) string {
		return `Follow up with Bob on "Noise complaint 301", which Sam handed over.` +
			" (It comes to you because Sam " + gone + ": follow it up in their place, or the reminders go on until the due time.)"
	}
	require.Equal(t, map[string]string{"carol": theirs("is no longer in the team")}, remind(3), "moved away: the supervisors instead, told which")
	frontdesk := "frontdesk"
	gone := moved
	gone.TeamID, gone.Active = &frontdesk, false
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", gone, []string{"team_id", "active"}, false))
	require.Equal(t, map[string]string{"carol": theirs("has been deactivated")}, remind(4), "deactivated: the supervisors instead, told which")
}

// A reminder of an action paused without an end stays with an owner who is off shift (they find
// it when back), and goes to the team's supervisors instead, saying why, once the owner has left
// the team or been deactivated: nobody else would resume it.
func TestPauseReminderOfAnOwnerGoneGoesToTheSupervisors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, notify := handedOverWorld(t, models.Staff{ID: "sam", Name: "Sam", Role: "agent", Authority: 1, Active: true}) // off shift
	mine := "“Noise complaint 301” has been paused for 1 day: a call back. Resume it once the customer answers."
	remind := func(seq int64) map[string]string {
		return notify(workflows.Notification{Seq: seq, Kind: workflows.NotifyPauseReminder, Event: workflows.EventPauseReminder, To: []string{"sam"},
			ActorID: workflows.SystemActor, Cause: "timer", Message: mine})
	}
	require.Equal(t, map[string]string{"sam": mine}, remind(2), "off shift, the owner keeps their reminder")
	moved, _ := store.GetStaff(ctx, "sam")
	kitchen := "kitchen"
	moved.TeamID = &kitchen
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", moved, []string{"team_id"}, false))
	theirs := func(gone string) string {
		return mine + " (It comes to you because Sam " + gone + ": see that someone takes it on.)"
	}
	require.Equal(t, map[string]string{"carol": theirs("is no longer in the team")}, remind(3), "moved away: the supervisors instead, told why")
	frontdesk := "frontdesk"
	gone := moved
	gone.TeamID, gone.Active = &frontdesk, false
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", gone, []string{"team_id", "active"}, false))
	require.Equal(t, map[string]string{"carol": theirs("has been deactivated")}, remind(4), "deactivated: the supervisors instead, told which")
}

// A handover declined goes back to its owner; one who is off shift meanwhile (or gone from the
// team) would leave it with nobody at work, so the team's supervisors are told too, in words that
// name the owner. An owner at work is told alone.
func TestDeclineToAnOwnerOffShiftTellsTheSupervisors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store, notify := handedOverWorld(t, models.Staff{ID: "sam", Name: "Sam", Role: "agent", Authority: 1, OnShift: true, Active: true})
	mine := `Bob declined "Noise complaint 301": on a break. You still own it.`
	decline := func(seq int64) map[string]string {
		return notify(workflows.Notification{Seq: seq, Kind: workflows.NotifyHandoverDeclined, Event: "handover_declined", To: []string{"sam"},
			ActorID: "bob", Cause: "request", Message: mine})
	}
	require.Equal(t, map[string]string{"sam": mine}, decline(2), "at work, the owner alone")
	away, _ := store.GetStaff(ctx, "sam")
	away.OnShift = false
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", away, []string{"on_shift"}, false))
	require.Equal(t, map[string]string{"sam": mine, "carol": `Bob declined "Noise complaint 301": on a break. Sam still owns it.` +
		" (It comes to you because Sam is off shift: see that someone takes it on.)"}, decline(3), "off shift: the supervisors too")
}

// An alert meant for a team's supervisors, in a team with none active, reaches the managers and
// says why it came to them; with a supervisor, it goes to them in its own words.
func TestAlertPassedUpSaysWhy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "night"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Night desk"}))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "dave", Name: "Dave", Role: "manager", Authority: 3, OnShift: true, Active: true}))
	acts := &activities.Activities{Store: store}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	// What each person was told at a timeline event.
	toldAt := func(seq int64) map[string]string {
		told := map[string]string{}
		for _, who := range []string{"ann", "dave", "sue"} {
			got, err := store.ListNotifications(ctx, who, 10)
			require.NoError(t, err)
			for _, r := range got {
				if r.Seq == seq {
					told[who] = r.Message
				}
			}
		}
		return told
	}
	const said = `"Broken heating 12" is escalated to supervisor (level 1): not accepted in time`
	alert := func(seq int64, owner string) map[string]string {
		n := workflows.Notification{ActionID: "a1", Seq: seq, Kind: workflows.NotifyEscalated, Event: "escalated", ToRole: workflows.RoleSupervisor,
			To: []string{owner}, TeamID: team, ActorID: workflows.SystemActor, Cause: "timer", Title: "Broken heating 12",
			Message: said, At: time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)}
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
		return toldAt(seq)
	}
	require.Equal(t, map[string]string{"ann": said, "dave": said + " (It comes to you because the team has no active supervisor.)"}, alert(2, "ann"),
		"the managers, saying why; the owner in its own words")
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "sue", Name: "Sue", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true, Active: true}))
	require.Equal(t, map[string]string{"ann": said, "sue": said}, alert(3, "ann"), "the supervisor")
	// The team's only supervisor owns it: she is told by name, and the managers are alerted too,
	// as an escalation is for someone else to act on.
	require.Equal(t, map[string]string{"sue": said, "dave": said + " (It comes to you because the team's only supervisor owns it.)"}, alert(4, "sue"))

	// Word that the escalation was handled goes where the escalation went: to the managers when
	// the team's only supervisor owned the action, and not to them when someone else did.
	const handled = `"Broken heating 12", escalated to supervisor (level 1), was completed by Sue: fixed`
	tell := func(seq int64, owner string) map[string]string {
		n := workflows.Notification{ActionID: "a1", Seq: seq, Kind: workflows.NotifyEscalationHandled, Event: "completed", ToRole: workflows.RoleSupervisor,
			TeamID: team, ActorID: "sue", Cause: "request", Title: "Broken heating 12", EscalatedOwner: owner,
			Message: handled, At: time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC)}
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
		return toldAt(seq)
	}
	require.Equal(t, map[string]string{"dave": handled + " (It comes to you because the team's only supervisor owned it.)"}, tell(5, "sue"),
		"the managers, who had the escalation; not Sue, who acted")
	require.Empty(t, tell(6, "ann"), "Ann's action went to Sue alone, who acted on it herself")

	// The check at the due time of an action nobody handed over is asked of the supervisors: of
	// Sue's own, of the managers too, as nobody checks their own work.
	const due = `"Broken heating 12", owned by Sue, is due: check it was done.`
	check := func(seq int64, owner string) map[string]string {
		n := workflows.Notification{ActionID: "a1", Seq: seq, Kind: workflows.NotifyCheckAsked, Event: "due", ToRole: workflows.RoleSupervisor,
			TeamID: team, OwnerID: owner, ActorID: workflows.SystemActor, Cause: "timer", Title: "Broken heating 12",
			Message: due, At: time.Date(2026, 12, 4, 23, 45, 0, 0, time.UTC)}
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
		return toldAt(seq)
	}
	require.Equal(t, map[string]string{"sue": due, "dave": due + " (It comes to you because the team's only supervisor owns it.)"}, check(8, "sue"))
	require.Equal(t, map[string]string{"sue": due}, check(9, "ann"), "Ann's is Sue's to check")

	// An escalation that climbed to the managers, set going by Ann: Dave handles it, and Ann and
	// the supervisors, whom it alerted on its way, hear how it ended (revision 28).
	const climbed = `"Broken heating 12", escalated to manager (level 2), was completed by Dave: fixed`
	n := workflows.Notification{ActionID: "a1", Seq: 10, Kind: workflows.NotifyEscalationHandled, Event: "completed", ToRole: workflows.RoleManager,
		To: []string{"ann"}, AlsoRoles: []workflows.Role{workflows.RoleSupervisor}, TeamID: team, ActorID: "dave", Cause: "request",
		Title: "Broken heating 12", EscalatedOwner: "ann", Message: climbed, At: time.Date(2026, 12, 4, 23, 55, 0, 0, time.UTC)}
	_, err := env.ExecuteActivity(acts.Notify, n)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"ann": climbed, "sue": climbed}, toldAt(10), "not Dave, who acted")

	// Sue off shift: she finds it when she is back, and the managers are told now.
	offShift := models.Staff{ID: "sue", Name: "Sue", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: false, Active: true}
	require.NoError(t, store.UpdateStaff(ctx, "test-admin", offShift, []string{"on_shift"}, false))
	require.Equal(t, map[string]string{"ann": said, "sue": said, "dave": said + " (It comes to you because no supervisor of the team is on shift.)"}, alert(17, "ann"))
}

// The webhook gives the times of a message in its team's time zone (its opening hours'), the same
// instants, since those reading it are the team's; a team without opening hours reads UTC, and
// the inbox keeps the workflow's words (its pages show each time in the reader's zone).
func TestWebhookMessageTimesInTheTeamsZone(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	for _, team := range []string{"paris", "tokyo", "night"} {
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: team}))
	}
	for team, zone := range map[string]string{"paris": "Europe/Paris", "tokyo": "Asia/Tokyo"} {
		_, err := store.SaveCalendar(ctx, models.TeamCalendar{TeamID: team, TimeZone: zone, Hours: `[{"day":"mon","open":"08:00","close":"18:00"}]`, Holidays: `[]`, UpdatedBy: "root"})
		require.NoError(t, err)
	}
	hook, acts, env := hooked(t, store)
	message := `"Late checkout" is running again, due 2026-12-03T17:30:00Z: guest back (handed over by 2026-12-03T09:00:00.5Z)`
	for i, team := range []string{"paris", "tokyo", "night"} {
		_, err := env.ExecuteActivity(acts.Notify, workflows.Notification{ActionID: "a" + team, Seq: int64(i + 2), Kind: workflows.NotifyAssigned, Event: "resumed",
			To: []string{"alice"}, TeamID: team, ActorID: "carol", Cause: "request", Title: "Late checkout", Message: message, At: time.Now()})
		require.NoError(t, err)
	}
	got := hook.received()
	require.Len(t, got, 3)
	require.Equal(t, []string{
		`"Late checkout" is running again, due 2026-12-03T18:30:00+01:00: guest back (handed over by 2026-12-03T10:00:00.5+01:00)`,
		`"Late checkout" is running again, due 2026-12-04T02:30:00+09:00: guest back (handed over by 2026-12-03T18:00:00.5+09:00)`,
		message,
	}, []string{got[0].Message, got[1].Message, got[2].Message})
	told, err := store.ListNotifications(ctx, "alice", 10)
	require.NoError(t, err)
	require.Len(t, told, 3)
	for _, n := range told {
		require.Equal(t, message, n.Message, "the inbox keeps the workflow's words")
	}
}

// Those an alert came to in another's place (the supervisors asked for a check its hander, off
// shift, cannot make; the managers of a team without a supervisor) hear it through the webhook as
// their inbox has it, saying why, in a delivery of their own; those it was written for keep its
// words, and its ID.
func TestWebhookTellsStandInsInTheirOwnWords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team, night := "frontdesk", "night"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: night, Name: "Night desk"}))
	for _, st := range []models.Staff{
		{ID: "sam", Name: "Sam", Role: "agent", TeamID: &team, Authority: 1, Active: true}, // off shift
		{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true, Active: true},
		{ID: "nina", Name: "Nina", Role: "agent", TeamID: &night, Authority: 1, OnShift: true, Active: true},
		{ID: "dave", Name: "Dave", Role: "manager", Authority: 3, OnShift: true, Active: true},
	} {
		require.NoError(t, store.SaveStaff(ctx, st))
	}
	hook, acts, env := hooked(t, store)
	at := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	for _, n := range []workflows.Notification{
		{ActionID: "a1", Seq: 6, Kind: workflows.NotifyCheckAsked, Event: "due", To: []string{"sam"}, TeamID: team, ActorID: workflows.SystemActor,
			Cause: "timer", Title: "Noise complaint 301", Message: `"Noise complaint 301", which you handed to Bob, is due: check it was done.`, At: at},
		{ActionID: "a2", Seq: 4, Kind: workflows.NotifyEscalated, Event: "escalated", To: []string{"nina"}, ToRole: workflows.RoleSupervisor, TeamID: night,
			ActorID: workflows.SystemActor, Cause: "timer", Title: "Broken heating 12", Message: "escalated to supervisor", At: at},
	} {
		_, err := env.ExecuteActivity(acts.Notify, n)
		require.NoError(t, err)
	}
	type told struct {
		ID, Message string
		To          []string
	}
	var got []told
	for _, ev := range hook.received() {
		got = append(got, told{ev.ID, ev.Message, ev.Recipients})
	}
	require.ElementsMatch(t, []told{
		{"a1/6/check_asked/sam", `"Noise complaint 301", which you handed to Bob, is due: check it was done.`, []string{"sam"}},
		{"a1/6/check_asked/sam/stand-in", `"Noise complaint 301", which Sam handed to Bob, is due: check it was done.` +
			" (It comes to you because Sam is off shift: check it in their place.)", []string{"carol"}},
		{"a2/4/escalated/nina", "escalated to supervisor", []string{"nina"}},
		{"a2/4/escalated/nina/stand-in", "escalated to supervisor (It comes to you because the team has no active supervisor.)", []string{"dave"}},
	}, got)
	for _, who := range []string{"carol", "dave"} {
		inbox, err := store.ListNotifications(ctx, who, 1)
		require.NoError(t, err)
		require.Contains(t, inbox[0].Message, "(It comes to you because", "the same words as the webhook's")
	}
}

// Of one notification's deliveries, one refused for what it is (422: not to be sent again) does
// not give up another that failed for now (503): the activity is retried, for that one.
func TestARefusedDeliveryGivesUpNoOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "frontdesk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "sam", Name: "Sam", Role: "agent", TeamID: &team, Authority: 1, Active: true}))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true, Active: true}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get(activities.HeaderEventID), "/stand-in") {
			w.WriteHeader(http.StatusUnprocessableEntity) // sent first: carol sorts before sam
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	var suite testsuite.WorkflowTestSuite
	var logged bytes.Buffer
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(&logged, nil))))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	_, err := env.ExecuteActivity(acts.Notify, workflows.Notification{ActionID: "a1", Seq: 6, Kind: workflows.NotifyCheckAsked, Event: "due", To: []string{"sam"},
		TeamID: team, ActorID: workflows.SystemActor, Cause: "timer", Title: "Noise complaint 301", Message: "check it was done", At: time.Now()})
	require.ErrorContains(t, err, "503")
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app), "%T", err)
	require.False(t, app.NonRetryable(), "retried: %v", err)
	// Expected in normal operation: the SDK logs it at debug level, the delivery once at WARN.
	require.Equal(t, temporal.ApplicationErrorCategoryBenign, app.Category())
	require.Contains(t, logged.String(), `level=WARN msg="webhook delivery failed" ActivityID=0 ActivityType=Notify Attempt=1`)
	require.Contains(t, logged.String(), `retried=true error="webhook a1/6/check_asked/sam answered 503 Service Unavailable"`)
}

// hooked is the activities on store with a webhook to a receiver that answers 200, and a test
// environment to run them in.
func hooked(t *testing.T, store *models.Store) (*receiver, *activities.Activities, *testsuite.TestActivityEnvironment) {
	t.Helper()
	hook := &receiver{status: http.StatusOK}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return hook, acts, env
}
