package activities_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// frontDesk is a read model with the team frontdesk and its staff.
func frontDesk(t *testing.T, staff ...models.Staff) *models.Store {
	t.Helper()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "frontdesk", Name: "Front desk"}))
	for _, st := range staff {
		require.NoError(t, store.SaveStaff(ctx, st))
	}
	return store
}

// deskTeam is the team frontDesk makes, for its staff's TeamID.
var deskTeam = "frontdesk"

// aliceOffCarolOn are Alice Adams, an agent of the front desk who is off shift, and Carol Clark,
// its supervisor, on shift: the outgoing person and who hears of what she left.
func aliceOffCarolOn() []models.Staff {
	return []models.Staff{
		{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &deskTeam, Active: true},
		{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &deskTeam, Active: true, OnShift: true},
	}
}

// aliceOwns is an open action of the front desk that alice owns, in status, due in an hour from now.
func aliceOwns(id, title, status string, now time.Time, version int64) models.Action {
	return models.Action{
		ID: id, Title: title, Category: "request", Priority: "normal", Status: status, OwnerID: "alice",
		TeamID: deskTeam, DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: version,
	}
}

// inboxKinds are the kinds of what someone was told, newest first (the last ten).
func inboxKinds(t *testing.T, store *models.Store, who string) []string {
	t.Helper()
	told, err := store.ListNotifications(context.Background(), who, 10)
	require.NoError(t, err)
	var kinds []string
	for _, n := range told {
		kinds = append(kinds, n.Kind)
	}
	return kinds
}

// What a shift handover left with the outgoing person reaches the supervisors' inbox, which
// people read: it names the outgoing person and the colleague who did not take the action on,
// not their staff IDs.
func TestShiftLeftoversNamePeople(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC()
	for id, title := range map[string]string{"a": "Airport taxi", "b": "Late checkout", "c": "Spa booking", "d": "Lost key", "e": "Wake-up call"} {
		a := models.Action{
			ID: id, Title: title, Category: "request", Priority: "normal", Status: "assigned", OwnerID: "alice",
			TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		switch id {
		case "c": // handed over in another shift handover, started while s1 was making its handovers
			a.Status, a.PendingHandoverID = "handover_pending", "h1"
			a.Handovers = []models.Handover{{ActionID: id, ID: "h1", FromID: "alice", ToID: "bob", Status: "pending",
				RequestedAt: now, NoteFields: "{}", ShiftHandoverID: "s0"}}
		case "d": // reassigned meanwhile
			a.OwnerID = "bob"
		case "e": // completed by alice since bob declined it
			a.Status = "completed"
		}
		require.NoError(t, store.ApplyProjection(ctx, a, nil))
	}
	bob := workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: team, OnShift: true, Active: true}
	acts := &activities.Activities{Store: store}
	require.NoError(t, acts.NotifyShiftLeftovers(ctx, workflows.ShiftLeftovers{
		ShiftID: "s1", FromID: "alice", StartedBy: "alice",
		Items: []workflows.ShiftItem{
			{ActionID: "a", To: bob, Status: workflows.ShiftItemDeclined, Reason: "too busy"},
			{ActionID: "b", To: bob, Status: workflows.ShiftItemExpired},
			{ActionID: "c", To: bob, Status: workflows.ShiftItemSkipped, Reason: "cannot hand over an action that is handover pending"},
			{ActionID: "d", To: bob, Status: workflows.ShiftItemSkipped, Reason: "bob already owns this action"},
			{ActionID: "e", To: bob, Status: workflows.ShiftItemDeclined, Reason: "off to lunch"},
		},
	}))
	told, err := store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	for _, n := range told {
		require.Negative(t, n.Seq, "no event of the action")
		require.GreaterOrEqual(t, n.Seq, -int64(1)<<53, "within what a JavaScript number holds exactly")
	}
	var messages []string
	for _, n := range told {
		messages = append(messages, n.Message)
	}
	require.ElementsMatch(t, []string{
		`“Airport taxi” stays with Alice Adams after their shift handover: Bob Brown declined it (too busy).`,
	}, messages, "what another shift handover is handing over, someone else owns now, or is done, did not stay with alice; "+
		"nor is an expired one told again, its escalation having alerted the supervisors")

	// A manager who started it hears of the expired one too, which its escalation did not tell
	// them; the supervisors still hear of it once.
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "dave", Name: "Dave Davies", Role: "manager", Active: true, OnShift: true}))
	require.NoError(t, acts.NotifyShiftLeftovers(ctx, workflows.ShiftLeftovers{
		ShiftID: "s2", FromID: "alice", StartedBy: "dave",
		Items: []workflows.ShiftItem{{ActionID: "b", To: bob, Status: workflows.ShiftItemExpired}},
	}))
	told, err = store.ListNotifications(ctx, "dave", 10)
	require.NoError(t, err)
	require.Len(t, told, 1)
	require.Equal(t, `“Late checkout” stays with Alice Adams after their shift handover: Bob Brown did not accept it in time.`, told[0].Message)
	told, err = store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 1, "carol's is the declined one's, still")
}

// What a shift handover left with the outgoing person reaches the webhook as well as the inbox,
// as action.shift_left_over, with whom it told and the action as it stands; one told to nobody
// (its expiry's escalation told the supervisors) sends nothing. Each is tried once, as the shift
// handover waits on the telling: one that fails, or that the activity has no time left to send,
// is kept for redelivery and fails nothing, and redelivered it arrives as it was made.
func TestShiftLeftoversReachTheWebhook(t *testing.T) {
	team := deskTeam
	store := frontDesk(t, aliceOffCarolOn()...)
	ctx := context.Background()
	now := time.Now().UTC()
	for id, title := range map[string]string{"a": "Airport taxi", "b": "Late checkout"} {
		a := aliceOwns(id, title, "assigned", now, 3)
		a.CustomerRef = "room-" + id
		require.NoError(t, store.ApplyProjection(ctx, a, nil))
	}
	hook := &receiver{status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	bob := workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: team, OnShift: true, Active: true}
	left := workflows.ShiftLeftovers{ShiftID: "s1", FromID: "alice", StartedBy: "alice", Items: []workflows.ShiftItem{
		{ActionID: "a", To: bob, Status: workflows.ShiftItemDeclined, Reason: "too busy"},
		{ActionID: "b", To: bob, Status: workflows.ShiftItemExpired},
	}}
	undelivered := func() []models.WebhookDelivery {
		failing, err := store.UndeliveredWebhooks(ctx, "", nil, 10)
		require.NoError(t, err)
		return failing
	}

	// Too little of the activity's time left to try it: kept unsent.
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	require.NoError(t, acts.NotifyShiftLeftovers(short, left))
	cancel()
	require.Empty(t, hook.received())
	require.Len(t, undelivered(), 1, "kept for redelivery, the expired one told nobody")
	require.Contains(t, undelivered()[0].LastError, "not sent")
	told, err := store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 1, "the inbox is written all the same")

	require.NoError(t, acts.NotifyShiftLeftovers(ctx, left), "a receiver that is down fails nothing")
	require.Len(t, undelivered(), 1)
	require.Contains(t, undelivered()[0].LastError, "503")

	hook.answer(http.StatusOK)
	sent, err := acts.Redeliver(ctx, "")
	require.NoError(t, err)
	require.Equal(t, 1, sent.Sent)
	got := hook.received()
	require.Len(t, got, 1)
	ev := got[0]
	require.Equal(t, "action.shift_left_over", ev.Type)
	require.Empty(t, ev.Event, "no event of the action's timeline")
	require.Equal(t, []any{"a", told[0].Seq, []string{"carol"}, "alice", "assigned", int64(3), team, "room-a", "Airport taxi", "alice", workflows.CauseShiftHandover},
		[]any{ev.ActionID, ev.Seq, ev.Recipients, ev.OwnerID, ev.Status, ev.Version, ev.TeamID, ev.CustomerRef, ev.Title, ev.ActorID, ev.Cause})
	require.Equal(t, told[0].Message, ev.Message)
	require.Empty(t, undelivered(), "delivered now")
}

// A decline its notice told the supervisors of, in the place of an outgoing person off shift, is
// not told them again as left over, nor whoever started the shift handover if it told them; a
// manager who started it, whom it did not tell, hears of it as left over.
func TestShiftLeftoverOfADeclineToldOnce(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "dave", Name: "Dave Davies", Role: "manager", Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC()
	a := models.Action{
		ID: "e", Title: "Airport taxi", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "alice",
		TeamID: team, DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 3,
	}
	declined := models.ActionEvent{Seq: 3, Type: "handover_declined", ActorID: "bob", Cause: "request", At: now, Data: `{"handover_id": "h1", "from_id": "alice", "reason": "too busy"}`}
	notice := func(to string) models.Notification {
		return models.Notification{RecipientID: to, ActionID: "e", Seq: 3, Kind: "handover_declined", ActorID: "bob", Cause: "request", Message: "Bob Brown declined it", CreatedAt: now}
	}
	require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{declined}, notice("alice"), notice("carol")))
	bob := workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: team, OnShift: true, Active: true}
	acts := &activities.Activities{Store: store}
	for shift, starter := range map[string]string{"s1": "alice", "s2": "carol", "s3": "dave"} {
		require.NoError(t, acts.NotifyShiftLeftovers(ctx, workflows.ShiftLeftovers{
			ShiftID: shift, FromID: "alice", StartedBy: starter,
			Items: []workflows.ShiftItem{{ActionID: "e", To: bob, Status: workflows.ShiftItemDeclined, HandoverID: "h1", Reason: "too busy"}},
		}))
	}
	require.Equal(t, []string{"handover_declined"}, inboxKinds(t, store, "carol"), "told once, by the decline")
	require.Equal(t, []string{workflows.NotifyShiftLeftOver}, inboxKinds(t, store, "dave"), "the manager who started one")
}

// The decline is written a moment after the shift handover hears of it: the leftover waits for it,
// and does not tell the supervisors again what its notice told them.
func TestShiftLeftoverWaitsForTheDecline(t *testing.T) {
	store := frontDesk(t, aliceOffCarolOn()...)
	ctx := context.Background()
	now := time.Now().UTC()
	a := aliceOwns("w", "Airport taxi", "handover_pending", now, 2)
	require.NoError(t, store.ApplyProjection(ctx, a, nil))
	written := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		a.Status, a.Version = "assigned", 3
		declined := models.ActionEvent{Seq: 3, Type: "handover_declined", ActorID: "bob", Cause: "request", At: now, Data: `{"handover_id": "h1"}`}
		notice := func(to string) models.Notification {
			return models.Notification{RecipientID: to, ActionID: "w", Seq: 3, Kind: "handover_declined", ActorID: "bob", Cause: "request", Message: "Bob Brown declined it", CreatedAt: now}
		}
		written <- store.ApplyProjection(ctx, a, []models.ActionEvent{declined}, notice("alice"), notice("carol"))
	}()
	bob := workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, TeamID: deskTeam, OnShift: true, Active: true}
	require.NoError(t, (&activities.Activities{Store: store}).NotifyShiftLeftovers(ctx, workflows.ShiftLeftovers{
		ShiftID: "s1", FromID: "alice", StartedBy: "alice",
		Items: []workflows.ShiftItem{{ActionID: "w", To: bob, Status: workflows.ShiftItemDeclined, HandoverID: "h1", Reason: "too busy"}},
	}))
	require.NoError(t, <-written)
	require.Equal(t, []string{"handover_declined"}, inboxKinds(t, store, "carol"), "told once, by the decline")
}
