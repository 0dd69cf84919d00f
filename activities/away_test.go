package activities_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Someone gone off shift still owning open actions: the team's supervisors on shift are told of
// each action nobody at work looks after (not an escalated one, which alerted its level, nor one
// ended or someone else's), in one line's seq, also through the webhook; not the person, not
// whoever took them off shift; a retry writes nothing twice, and someone back on shift by the time
// the notice runs leaves nothing to tell.
func TestOwnerAwayTellsTheSupervisors(t *testing.T) {
	team := "frontdesk"
	store := frontDesk(t,
		models.Staff{ID: "alice", Name: "Alice Adams", Role: "agent", TeamID: &team, Active: true},
		models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "carol", Name: "Carol Clark", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "cora", Name: "Cora Cole", Role: "supervisor", TeamID: &team, Active: true, OnShift: true},
		models.Staff{ID: "dave", Name: "Dave Davies", Role: "manager", Active: true, OnShift: true},
	)
	ctx := context.Background()
	now := time.Now().UTC()
	for id, status := range map[string]string{"a": "assigned", "b": "checking", "c": "escalated", "d": "completed", "e": "assigned"} {
		a := aliceOwns(id, "Action "+id, status, now, 2)
		a.CustomerRef = "room-" + id
		if id == "e" {
			a.OwnerID = "bob"
		}
		require.NoError(t, store.ApplyProjection(ctx, a, nil))
	}
	hook := &receiver{status: http.StatusOK}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	acts := &activities.Activities{Store: store, Webhook: &activities.Webhook{URL: srv.URL, Secret: "0123456789abcdef"}}
	away := workflows.OwnerAway{StaffID: "alice", ActorID: "cora", At: now}
	deliveries, err := acts.NotifyOwnerAway(ctx, away)
	require.NoError(t, err)
	again, err := acts.NotifyOwnerAway(ctx, away)
	require.NoError(t, err, "a retry")
	require.Equal(t, deliveries, again, "the same deliveries")
	require.Len(t, deliveries, 2)
	for _, d := range append(deliveries, again...) {
		require.NoError(t, acts.DeliverWebhook(ctx, d))
	}

	told, err := store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 2, "a and b, once each")
	byAction := map[string]models.Notification{}
	for _, n := range told {
		byAction[n.ActionID] = n
		require.Equal(t, workflows.NotifyOwnerOffShift, n.Kind)
		require.Equal(t, told[0].Seq, n.Seq)
		require.Negative(t, n.Seq)
		require.Equal(t, "cora", n.ActorID)
	}
	require.Equal(t, "Cora Cole took Alice Adams off shift while they still own “Action a”: it waits for their return unless someone reassigns it.", byAction["a"].Message)
	require.Equal(t, "Cora Cole took Alice Adams off shift while they still own “Action b”: it waits for their return unless someone reassigns it. It is at its due time, waiting for its check.", byAction["b"].Message)
	for _, who := range []string{"alice", "cora", "dave", "bob"} {
		require.Empty(t, inboxKinds(t, store, who), who)
	}
	got := hook.received()
	require.Len(t, got, 4, "two actions, delivered again by the retry with the same ids")
	require.Equal(t, got[0].ID, got[2].ID)
	require.Equal(t, "action.owner_off_shift", got[0].Type)
	require.Equal(t, []string{"carol"}, got[0].Recipients)
	require.Equal(t, []any{"alice", "cora", workflows.CauseRequest, team, int64(2)}, []any{got[0].OwnerID, got[0].ActorID, got[0].Cause, got[0].TeamID, got[0].Version})

	// Her own end of shift, with no supervisor on shift but herself: the managers are told, and
	// the supervisor, the one she is not, for when she is back; the one gone is not told.
	_, err = store.SetOnShift(ctx, "carol", "carol", false)
	require.NoError(t, err)
	_, err = store.SetOnShift(ctx, "cora", "cora", false)
	require.NoError(t, err)
	notify := func(a workflows.OwnerAway) {
		t.Helper()
		_, err := acts.NotifyOwnerAway(ctx, a)
		require.NoError(t, err)
	}
	notify(workflows.OwnerAway{StaffID: "cora", ActorID: "cora", At: now})
	require.Empty(t, inboxKinds(t, store, "dave"), "cora owns nothing")
	notify(workflows.OwnerAway{StaffID: "alice", ActorID: "alice", At: now.Add(time.Minute)})
	told, err = store.ListNotifications(ctx, "dave", 10)
	require.NoError(t, err)
	require.Len(t, told, 2)
	require.Contains(t, told[0].Message, "Alice Adams went off shift still owning “Action ")
	require.Contains(t, told[0].Message, "(It comes to you because no supervisor of the team is on shift.)")
	require.Len(t, inboxKinds(t, store, "carol"), 4)
	require.Len(t, inboxKinds(t, store, "cora"), 2)
	require.Empty(t, inboxKinds(t, store, "alice"))

	// Back on shift before the notice ran: nothing to tell.
	_, err = store.SetOnShift(ctx, "alice", "alice", true)
	require.NoError(t, err)
	notify(workflows.OwnerAway{StaffID: "alice", ActorID: "alice", At: now.Add(2 * time.Minute)})
	require.Len(t, inboxKinds(t, store, "carol"), 4)
	notify(workflows.OwnerAway{StaffID: "nobody", ActorID: "root", At: now}) // no longer on the staff

	// A supervisor taken off shift by a manager, owning an action: the team's other supervisor is
	// told, and not she, one of the team's supervisors.
	f := aliceOwns("f", "Action f", "assigned", now, 1)
	f.OwnerID, f.CreatedBy = "cora", "cora"
	require.NoError(t, store.ApplyProjection(ctx, f, nil))
	_, err = store.SetOnShift(ctx, "carol", "carol", true)
	require.NoError(t, err)
	notify(workflows.OwnerAway{StaffID: "cora", ActorID: "dave", At: now.Add(3 * time.Minute)})
	told, err = store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 5)
	require.Equal(t, "Dave Davies took Cora Cole off shift while they still own “Action f”: it waits for their return unless someone reassigns it.", told[0].Message)
	require.Len(t, inboxKinds(t, store, "cora"), 2, "not told of her own")

	// A receiver that is down fails the delivery, for the workflow to retry, and keeps it for
	// redelivery; one that refuses it is not retried.
	deliveries, err = acts.NotifyOwnerAway(ctx, workflows.OwnerAway{StaffID: "cora", ActorID: "dave", At: now.Add(4 * time.Minute)})
	require.NoError(t, err)
	require.Len(t, deliveries, 1)
	hook.answer(http.StatusServiceUnavailable)
	err = acts.DeliverWebhook(ctx, deliveries[0])
	require.ErrorContains(t, err, "503")
	var app *temporal.ApplicationError
	require.True(t, errors.As(err, &app), "%T", err)
	require.False(t, app.NonRetryable(), "retried")
	require.Equal(t, temporal.ApplicationErrorCategoryBenign, app.Category(), "logged by the SDK at debug level, as an action's deliveries")
	failing, err := store.UndeliveredWebhooks(ctx, "", nil, 10)
	require.NoError(t, err)
	require.Len(t, failing, 1)
	hook.answer(http.StatusUnprocessableEntity)
	err = acts.DeliverWebhook(ctx, deliveries[0])
	require.True(t, errors.As(err, &app) && app.NonRetryable(), "refused for what it is: not retried")
	require.Equal(t, temporal.ApplicationErrorCategoryBenign, app.Category())
	require.Error(t, (&activities.Activities{Store: store}).DeliverWebhook(ctx, deliveries[0]), "a worker without webhook settings leaves it to one with them")
}

// An action whose handover waits for an answer is not said to wait for its owner alone: its
// recipient may still take it on.
func TestOwnerAwayWordsAPendingHandover(t *testing.T) {
	store := frontDesk(t, aliceOffCarolOn()...)
	ctx := context.Background()
	now := time.Now().UTC()
	a := aliceOwns("p", "Spa booking", "handover_pending", now, 2)
	a.PendingHandoverID = "h1"
	a.Handovers = []models.Handover{{ActionID: "p", ID: "h1", FromID: "alice", ToID: "bob", Status: "pending", RequestedAt: now, NoteFields: "{}"}}
	require.NoError(t, store.ApplyProjection(ctx, a, nil))
	_, err := (&activities.Activities{Store: store}).NotifyOwnerAway(ctx, workflows.OwnerAway{StaffID: "alice", ActorID: "alice", At: now})
	require.NoError(t, err)
	told, err := store.ListNotifications(ctx, "carol", 10)
	require.NoError(t, err)
	require.Len(t, told, 1)
	require.Equal(t, "Alice Adams went off shift still owning “Spa booking”, whose handover waits for an answer: unless it is accepted, it waits for their return or a reassignment.", told[0].Message)
}

// The last supervisor at work of a team deactivated (or gone off shift): the managers, who stand in
// for its supervisors now, are told of each of its open actions whose owner is away, which were
// told to the supervisor gone; with another supervisor at work, nobody is told again.
func TestOwnerAwayTellsTheManagersOfATeamLeftWithoutSupervisor(t *testing.T) {
	store := frontDesk(t, append(aliceOffCarolOn(),
		models.Staff{ID: "cora", Name: "Cora Cole", Role: "supervisor", TeamID: &deskTeam, Active: true, OnShift: true},
		models.Staff{ID: "dave", Name: "Dave Davies", Role: "manager", Active: true, OnShift: true},
		models.Staff{ID: "root", Name: "Root", Role: "admin", Active: true},
	)...)
	ctx := context.Background()
	now := time.Now().UTC()
	for id, status := range map[string]string{"a": "assigned", "b": "handover_pending", "c": "escalated"} {
		require.NoError(t, store.ApplyProjection(ctx, aliceOwns(id, "Action "+id, status, now, 2), nil))
	}
	acts := &activities.Activities{Store: store}
	notify := func(a workflows.OwnerAway) {
		t.Helper()
		_, err := acts.NotifyOwnerAway(ctx, a)
		require.NoError(t, err)
	}
	// Carol deactivated while Cora is at work: Cora supervises the team still.
	carol, err := store.GetStaff(ctx, "carol")
	require.NoError(t, err)
	carol.Active = false
	require.NoError(t, store.SaveStaff(ctx, carol))
	notify(workflows.OwnerAway{StaffID: "carol", ActorID: "root", At: now, LeftTeamID: deskTeam})
	require.Empty(t, inboxKinds(t, store, "dave"), "another supervisor is at work")
	require.Empty(t, inboxKinds(t, store, "cora"))

	// Cora goes off shift, the last: Dave hears of alice's two actions (not the escalated one,
	// which alerted its level), once, and nobody hears of it twice. Not of Bob's, who went off
	// shift after her, and whose own end of shift tells of his.
	bob := models.Staff{ID: "bob", Name: "Bob Brown", Role: "agent", TeamID: &deskTeam, Active: true, OnShift: true}
	require.NoError(t, store.SaveStaff(ctx, bob))
	bobs := aliceOwns("d", "Action d", "assigned", now, 2)
	bobs.OwnerID = "bob"
	require.NoError(t, store.ApplyProjection(ctx, bobs, nil))
	_, err = store.SetOnShift(ctx, "cora", "cora", false)
	require.NoError(t, err)
	gone := workflows.OwnerAway{StaffID: "cora", ActorID: "cora", At: time.Now().UTC(), LeftTeamID: deskTeam}
	time.Sleep(10 * time.Millisecond)
	_, err = store.SetOnShift(ctx, "bob", "bob", false)
	require.NoError(t, err)
	notify(gone)
	notify(gone)
	told, err := store.ListNotifications(ctx, "dave", 10)
	require.NoError(t, err)
	require.Len(t, told, 2)
	messages := map[string]string{}
	for _, n := range told {
		messages[n.ActionID] = n.Message
		require.Equal(t, workflows.NotifyOwnerOffShift, n.Kind)
		require.Equal(t, told[0].Seq, n.Seq, "one line in the inbox")
	}
	require.Equal(t, "Cora Cole went off shift, leaving Front desk with no supervisor at work: “Action a” is Alice Adams's, who is away, and waits for their return unless someone reassigns it."+
		" (It comes to you because no supervisor of the team is on shift.)", messages["a"])
	require.Contains(t, messages["b"], "“Action b” is Alice Adams's, who is away, and its handover waits for an answer")
	require.Empty(t, inboxKinds(t, store, "cora"), "not the one gone")

	// Told of a change that took nobody from the team (back at work by the time it runs): nothing.
	_, err = store.SetOnShift(ctx, "cora", "cora", true)
	require.NoError(t, err)
	notify(workflows.OwnerAway{StaffID: "cora", ActorID: "cora", At: now.Add(2 * time.Minute), LeftTeamID: deskTeam})
	require.Len(t, inboxKinds(t, store, "dave"), 2)
}
