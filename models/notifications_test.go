package models_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// inboxOfMany writes bob's inbox: 40 records about another team's actions, the newest, then 150
// about his team's and the other's in turn, four to a minute, some of one event in two kinds. It
// returns every record, newest first.
func inboxOfMany(t *testing.T, store *models.Store) []models.Notification {
	t.Helper()
	ctx := context.Background()
	for i := range 10 {
		for _, team := range []string{"frontdesk", "backoffice"} {
			a := actionAt(fmt.Sprintf("%s-%d", team, i), 1, "assigned", "bob")
			a.TeamID = team
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
	}
	var all []models.Notification
	for i := range 190 {
		team := []string{"frontdesk", "backoffice"}[i%2]
		if i >= 150 {
			team = "backoffice"
		}
		n := models.Notification{
			RecipientID: "bob", ActionID: fmt.Sprintf("%s-%d", team, i%10), Seq: int64(i / 3), Kind: "reminder",
			ActorID: "alice", Cause: "timer", Message: fmt.Sprintf("record %d", i), CreatedAt: t0.Add(time.Duration(i/4) * time.Minute),
		}
		all = append(all, n)
		if i%7 == 0 {
			n.Kind = "escalated"
			all = append(all, n)
		}
	}
	require.NoError(t, store.AddNotifications(ctx, slices.Clone(all)))
	slices.SortFunc(all, func(a, b models.Notification) int { return cmpPosition(b, a) })
	return all
}

// cmpPosition orders inbox records as an inbox lists them, oldest first.
func cmpPosition(a, b models.Notification) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ActionID, b.ActionID), cmp.Compare(a.Kind, b.Kind))
}

// walkInbox reads an inbox a page at a time to its end and returns every record read.
func walkInbox(t *testing.T, store *models.Store, of models.InboxOf, limit int) []models.Notification {
	t.Helper()
	var out []models.Notification
	page := models.NotificationPage{Limit: limit}
	for range 1000 {
		rows, next, err := store.MyNotifications(context.Background(), of, page)
		require.NoError(t, err)
		require.LessOrEqual(t, len(rows), limit)
		out = append(out, rows...)
		if next == nil {
			return out
		}
		require.Len(t, rows, limit, "a page before the last is full")
		page.Before = next
	}
	t.Fatal("the inbox never ended")
	return nil
}

// keys names inbox records, for comparing lists in failure messages.
func keys(ns []models.Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprintf("%s/%d/%s", n.ActionID, n.Seq, n.Kind)
	}
	return out
}

// An inbox larger than a page is read a page at a time, newest first: the pages hold every record
// once, those of one time and event included, and a person sees only their team's.
func TestInboxPagesWalkEveryRecordOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		all := inboxOfMany(t, store)
		var mine []models.Notification
		for _, n := range all {
			if strings.HasPrefix(n.ActionID, "frontdesk-") {
				mine = append(mine, n)
			}
		}
		require.Len(t, all, 190+28)
		require.Len(t, mine, 75+11)

		for _, limit := range []int{1, 7, 15, 200} {
			everyTeam := walkInbox(t, store, models.InboxOf{StaffID: "bob", TeamID: "frontdesk", AllTeams: true}, limit)
			require.Equal(t, keys(all), keys(everyTeam), "limit %d, every team", limit)
			ofTeam := walkInbox(t, store, models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, limit)
			require.Equal(t, keys(mine), keys(ofTeam), "limit %d, his team's", limit)
		}

		// The first page of his team's is its newest, past the other team's 40 newer records.
		rows, next, err := store.MyNotifications(context.Background(), models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, models.NotificationPage{Limit: 15})
		require.NoError(t, err)
		require.Equal(t, keys(mine[:15]), keys(rows))
		require.NotNil(t, next)
		require.Equal(t, mine[14].ActionID, next.ActionID)

		// Someone else's inbox is empty, and has no next page.
		rows, next, err = store.MyNotifications(context.Background(), models.InboxOf{StaffID: "carol", AllTeams: true}, models.NotificationPage{Limit: 15})
		require.NoError(t, err)
		require.Empty(t, rows)
		require.Nil(t, next)
	})
}

// A task to tell a customer a message is listed for the person asked (their team's actions, or
// every team's for someone who sees them all; not those of an action ended long ago), with the
// message's timeline entry, until a projection records it done; other records at its seq stay
// as they were.
func TestCustomerTasksListedUntilTold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		told := func(seq int64, message string) models.ActionEvent {
			e := event(seq, "customer_told")
			e.Data = fmt.Sprintf(`{"message": %q}`, message)
			return e
		}
		task := func(action string, seq int64, at time.Time) models.Notification {
			return models.Notification{RecipientID: "bob", ActionID: action, Seq: seq, Kind: models.KindTellCustomer, ActorID: "bob", Cause: "request", Message: "Tell the customer", CreatedAt: at}
		}
		mine := actionAt("fd-1", 2, "assigned", "bob")
		accepted := models.Notification{RecipientID: "alice", ActionID: "fd-1", Seq: 2, Kind: "handover_accepted", ActorID: "bob", Cause: "request", Message: "Bob accepted", CreatedAt: t0.Add(2 * time.Minute)}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(1, "created"), told(2, "Bob looks after it")}, task("fd-1", 2, t0.Add(2*time.Minute)), accepted))
		other := actionAt("bo-1", 2, "assigned", "bob")
		other.TeamID = "backoffice"
		require.NoError(t, store.ApplyProjection(ctx, other, []models.ActionEvent{event(1, "created"), told(2, "Back office has it")}, task("bo-1", 2, t0.Add(time.Minute))))
		// Completed ten days before the reads' since: its workflow takes no record any more.
		old := actionAt("old-1", 2, "completed", "bob")
		old.UpdatedAt = t0.Add(-10 * 24 * time.Hour)
		require.NoError(t, store.ApplyProjection(ctx, old, []models.ActionEvent{event(1, "created"), told(2, "Thank you")}, task("old-1", 2, old.UpdatedAt)))
		since := t0.Add(-7 * 24 * time.Hour)

		ofTeam, err := store.CustomersToTell(ctx, models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, since)
		require.NoError(t, err)
		require.Len(t, ofTeam, 1)
		require.Equal(t, "fd-1", ofTeam[0].ActionID)
		require.EqualValues(t, 2, ofTeam[0].Seq)
		require.Equal(t, t0.Add(2*time.Minute), ofTeam[0].AskedAt)
		require.Equal(t, "Late checkout", ofTeam[0].Title)
		require.Equal(t, "assigned", ofTeam[0].Status)
		require.Equal(t, "G-1", ofTeam[0].CustomerRef)
		require.JSONEq(t, `{"message": "Bob looks after it"}`, ofTeam[0].Data)
		everyTeam, err := store.CustomersToTell(ctx, models.InboxOf{StaffID: "bob", AllTeams: true}, since)
		require.NoError(t, err)
		require.Equal(t, []string{"bo-1", "fd-1"}, []string{everyTeam[0].ActionID, everyTeam[1].ActionID}, "oldest first, not the one ended long ago")
		require.Len(t, everyTeam, 2)
		nobody, err := store.CustomersToTell(ctx, models.InboxOf{StaffID: "alice", AllTeams: true}, since)
		require.NoError(t, err)
		require.Empty(t, nobody, "a record of another kind is no task")
		open, err := store.OpenTellTasks(ctx, "fd-1")
		require.NoError(t, err)
		require.Len(t, open, 1)
		require.Equal(t, "bob", open[0].RecipientID)
		require.EqualValues(t, 2, open[0].Seq)

		// Told: the projection of the record marks the task done.
		toldAt := t0.Add(3 * time.Minute)
		mine = actionAt("fd-1", 3, "assigned", "bob")
		mine.TasksDone = []models.TaskDone{{Seq: 2, Kind: models.KindTellCustomer, At: toldAt}}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(3, "message_delivered")}))
		ofTeam, err = store.CustomersToTell(ctx, models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, since)
		require.NoError(t, err)
		require.Empty(t, ofTeam)
		open, err = store.OpenTellTasks(ctx, "fd-1")
		require.NoError(t, err)
		require.Empty(t, open)
		everyTeam, err = store.CustomersToTell(ctx, models.InboxOf{StaffID: "bob", AllTeams: true}, since)
		require.NoError(t, err)
		require.Len(t, everyTeam, 1)
		require.Equal(t, "bo-1", everyTeam[0].ActionID, "another action's task stays")

		records, err := store.ListNotifications(ctx, "bob", 10)
		require.NoError(t, err)
		for _, n := range records {
			if n.ActionID == "fd-1" {
				require.NotNil(t, n.ReadAt)
				require.Equal(t, toldAt, n.ReadAt.UTC())
			}
		}
		records, err = store.ListNotifications(ctx, "alice", 10)
		require.NoError(t, err)
		require.Len(t, records, 1)
		require.Nil(t, records[0].ReadAt, "a record of another kind at the seq is left")
	})
}
