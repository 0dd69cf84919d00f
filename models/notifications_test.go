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
