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

// A task to tell a customer a message is listed for the person asked and for the action's owner
// now (their team's actions, or every team's for someone who sees them all; not those of an action
// ended long ago, whatever was added to it since), with the message's timeline entry, until a
// projection records it done; other records at its seq stay as they were. A projection that
// writes again changes written before puts each task as the state has it (one thrown away may have
// marked one done), and an erasure ends its customer's tasks.
func TestCustomerTasksListedUntilTold(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		told := func(seq int64, message string) models.ActionEvent {
			e := event(seq, "customer_told")
			e.Data = fmt.Sprintf(`{"message": %q}`, message)
			return e
		}
		task := func(to, action string, seq int64, at time.Time) models.Notification {
			return models.Notification{RecipientID: to, ActionID: action, Seq: seq, Kind: models.KindTellCustomer, ActorID: "bob", Cause: "request", Message: "Tell the customer", CreatedAt: at}
		}
		open := func(seq int64) models.Task { return models.Task{Seq: seq, Kind: models.KindTellCustomer} }
		tellOf := func(of models.InboxOf) []string {
			t.Helper()
			tasks, err := store.CustomersToTell(ctx, of, t0.Add(-7*24*time.Hour))
			require.NoError(t, err)
			out := make([]string, len(tasks))
			for i, task := range tasks {
				out[i] = fmt.Sprintf("%s@%d", task.ActionID, task.Seq)
			}
			return out
		}
		bob := models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}
		mine := actionAt("fd-1", 2, "assigned", "bob")
		mine.Tasks = []models.Task{open(2)}
		accepted := models.Notification{RecipientID: "alice", ActionID: "fd-1", Seq: 2, Kind: "handover_accepted", ActorID: "bob", Cause: "request", Message: "Bob accepted", CreatedAt: t0.Add(2 * time.Minute)}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(1, "created"), told(2, "Bob looks after it")}, task("bob", "fd-1", 2, t0.Add(2*time.Minute)), accepted))
		other := actionAt("bo-1", 2, "assigned", "bob")
		other.TeamID = "backoffice"
		require.NoError(t, store.ApplyProjection(ctx, other, []models.ActionEvent{event(1, "created"), told(2, "Back office has it")}, task("bob", "bo-1", 2, t0.Add(time.Minute))))
		// Given to erin, who handed it to bob since: his too.
		passed := actionAt("fd-2", 3, "assigned", "bob")
		require.NoError(t, store.ApplyProjection(ctx, passed, []models.ActionEvent{event(1, "created"), told(2, "Erin has it"), event(3, "handover_accepted")}, task("erin", "fd-2", 2, t0.Add(3*time.Minute))))
		// Completed ten days before: its workflow takes no record any more, a note since or not.
		old := actionAt("old-1", 4, "completed", "bob")
		longAgo := event(3, "completed")
		longAgo.At = t0.Add(-10 * 24 * time.Hour)
		require.NoError(t, store.ApplyProjection(ctx, old, []models.ActionEvent{event(1, "created"), told(2, "Thank you"), longAgo, event(4, "note_added")}, task("bob", "old-1", 2, t0)))
		// Ended a few minutes ago: still told. (A customer given without a reference.)
		ended := actionAt("fd-3", 3, "completed", "bob")
		ended.CustomerRef, ended.CustomerName = "", "Ms Shah"
		require.NoError(t, store.ApplyProjection(ctx, ended, []models.ActionEvent{event(1, "created"), told(2, "Done"), event(3, "completed")}, task("bob", "fd-3", 2, t0.Add(4*time.Minute))))

		require.Equal(t, []string{"fd-1@2", "fd-2@2", "fd-3@2"}, tellOf(bob), "oldest first, not the other team's nor the one ended long ago")
		tasks, err := store.CustomersToTell(ctx, bob, t0.Add(-7*24*time.Hour))
		require.NoError(t, err)
		require.Equal(t, t0.Add(2*time.Minute), tasks[0].AskedAt)
		require.Equal(t, "Late checkout", tasks[0].Title)
		require.Equal(t, "assigned", tasks[0].Status)
		require.Equal(t, "G-1", tasks[0].CustomerRef)
		require.JSONEq(t, `{"message": "Bob looks after it"}`, tasks[0].Data)
		require.Nil(t, tasks[0].EndedAt, "open")
		last := tasks[len(tasks)-1]
		require.Equal(t, "fd-3", last.ActionID)
		require.NotNil(t, last.EndedAt, "ended: its records close a while after")
		require.Equal(t, event(3, "completed").At, *last.EndedAt)
		require.Equal(t, []string{"bo-1@2", "fd-1@2", "fd-2@2", "fd-3@2"}, tellOf(models.InboxOf{StaffID: "bob", AllTeams: true}))
		require.Equal(t, []string{"fd-2@2"}, tellOf(models.InboxOf{StaffID: "erin", TeamID: "frontdesk"}), "the person asked still sees it")
		require.Empty(t, tellOf(models.InboxOf{StaffID: "alice", AllTeams: true}), "a record of another kind is no task")
		team, err := store.TeamCustomersToTell(ctx, "frontdesk", t0.Add(-7*24*time.Hour), 2)
		require.NoError(t, err)
		require.Len(t, team, 2, "at most the limit")
		require.Equal(t, []string{"fd-1", "fd-2"}, []string{team[0].ActionID, team[1].ActionID}, "the team's, whoever was asked")
		require.Equal(t, []string{"bob", "erin"}, []string{team[0].AskedID, team[1].AskedID})
		// Records are still taken of an open action and one ended since, not of one ended before.
		since := t0.Add(-7 * 24 * time.Hour)
		for id, want := range map[string]bool{"fd-1": true, "fd-3": true, "old-1": false} {
			takes, err := store.TakesRecords(ctx, id, since)
			require.NoError(t, err)
			require.Equal(t, want, takes, id)
		}
		waiting, err := store.OpenTellTasks(ctx, "fd-1")
		require.NoError(t, err)
		require.Len(t, waiting, 1)
		require.Equal(t, "bob", waiting[0].RecipientID)
		require.EqualValues(t, 2, waiting[0].Seq)

		// Told: the projection of the record marks the task done.
		toldAt := t0.Add(5 * time.Minute)
		mine = actionAt("fd-1", 3, "assigned", "bob")
		mine.Tasks = []models.Task{{Seq: 2, Kind: models.KindTellCustomer, DoneAt: &toldAt, DoneSeq: 3, Changed: true}}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(3, "message_delivered")}))
		require.Equal(t, []string{"fd-2@2", "fd-3@2"}, tellOf(bob))
		waiting, err = store.OpenTellTasks(ctx, "fd-1")
		require.NoError(t, err)
		require.Empty(t, waiting)
		records, err := store.ListNotifications(ctx, "bob", 10)
		require.NoError(t, err)
		for _, n := range records {
			if n.ActionID == "fd-1" {
				require.NotNil(t, n.ReadAt)
				require.Equal(t, toldAt, n.ReadAt.UTC())
				require.Equal(t, int64(3), *n.DoneSeq, "by the entry that recorded it")
			}
		}
		records, err = store.ListNotifications(ctx, "alice", 10)
		require.NoError(t, err)
		require.Len(t, records, 1)
		require.Nil(t, records[0].ReadAt, "a record of another kind at the seq is left")
		// A later write that tells nothing leaves it as it is.
		mine = actionAt("fd-1", 4, "assigned", "bob")
		mine.Tasks = []models.Task{{Seq: 2, Kind: models.KindTellCustomer, DoneAt: &mine.UpdatedAt}}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(4, "note_added")}))
		records, err = store.ListNotifications(ctx, "bob", 10)
		require.NoError(t, err)
		for _, n := range records {
			if n.ActionID == "fd-1" {
				require.Equal(t, toldAt, n.ReadAt.UTC(), "marked when it was told")
			}
		}
		// The workflow's own write of seq 3 onwards, after a task thrown away wrote the record
		// there: its state has the message untold, and the task is open again.
		mine = actionAt("fd-1", 4, "assigned", "bob")
		mine.UpdatedAt = mine.UpdatedAt.Add(time.Second)
		mine.Tasks = []models.Task{open(2)}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(3, "note_added"), event(4, "note_added")}))
		require.Equal(t, []string{"fd-1@2", "fd-2@2", "fd-3@2"}, tellOf(bob))

		// A try that did not reach the customer is listed with the task; one that a write thrown
		// away recorded, and the workflow's own write of its seq does not have, is gone again.
		triedOf := func() (*int64, *int64) {
			t.Helper()
			tasks, err := store.CustomersToTell(ctx, bob, t0.Add(-7*24*time.Hour))
			require.NoError(t, err)
			require.Equal(t, "fd-1", tasks[0].ActionID)
			records, err := store.ListNotifications(ctx, "bob", 10)
			require.NoError(t, err)
			for _, n := range records {
				if n.ActionID == "fd-1" && n.Kind == models.KindTellCustomer {
					return tasks[0].TriedSeq, n.TriedSeq
				}
			}
			t.Fatal("no task of fd-1")
			return nil, nil
		}
		tried := event(5, "message_not_reached")
		tried.Data = `{"message_seq": 2, "method": "phone", "try": 1}`
		mine = actionAt("fd-1", 5, "assigned", "bob")
		mine.UpdatedAt = mine.UpdatedAt.Add(2 * time.Second)
		mine.Tasks = []models.Task{{Seq: 2, Kind: models.KindTellCustomer, TriedSeq: 5, Changed: true}}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{tried}))
		listed, kept := triedOf()
		require.NotNil(t, listed)
		require.EqualValues(t, 5, *listed)
		require.EqualValues(t, 5, *kept)
		mine = actionAt("fd-1", 5, "assigned", "bob")
		mine.UpdatedAt = mine.UpdatedAt.Add(3 * time.Second)
		mine.Tasks = []models.Task{open(2)}
		require.NoError(t, store.ApplyProjection(ctx, mine, []models.ActionEvent{event(5, "note_added")}))
		listed, kept = triedOf()
		require.Nil(t, listed, "no try listed")
		require.Nil(t, kept, "none kept")

		// Erased, a customer is told nothing more, and a write made again does not reopen it: the
		// projection did not end it.
		_, err = store.EraseActionCustomer(ctx, "fd-3", "action/fd-3", "root")
		require.NoError(t, err)
		require.Equal(t, []string{"fd-1@2", "fd-2@2"}, tellOf(bob))
		ended = actionAt("fd-3", 3, "completed", "bob")
		ended.UpdatedAt = ended.UpdatedAt.Add(time.Second)
		ended.Tasks = []models.Task{open(2)}
		require.NoError(t, store.ApplyProjection(ctx, ended, []models.ActionEvent{event(3, "completed")}))
		require.Equal(t, []string{"fd-1@2", "fd-2@2"}, tellOf(bob))
	})
}

// Two notices of one change that reach the same person (by name, and as one of a role) make one
// inbox record, the first, in one write: PostgreSQL refuses an insert that would write a row twice,
// and the projection would retry it for ever.
func TestInboxKeepsOneRecordPerPersonEntryAndKind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		notice := func(message string) models.Notification {
			return models.Notification{RecipientID: "carol", ActionID: "twice-1", Seq: 2, Kind: "message_recorded", ActorID: "sam", Cause: "request", Message: message, CreatedAt: t0}
		}
		require.NoError(t, store.ApplyProjectionWithInbox(ctx, actionAt("twice-1", 2, "unassigned", ""),
			[]models.ActionEvent{event(1, "created"), event(2, "message_record_undone")},
			[]models.Notification{notice("Sam undid your record"), notice("Sam undid the record")}))
		records, err := store.ListNotifications(ctx, "carol", 10)
		require.NoError(t, err)
		require.Len(t, records, 1)
		require.Equal(t, "Sam undid your record", records[0].Message, "the one that names her")
	})
}

// A task to tell a customer that nobody at work has in their inbox (given to someone away, of an
// action that has ended, has no owner or whose owner is away too) is listed for the team's
// supervisors, and for the managers when the team has no supervisor on shift; one whose owner at
// work sees it, or given to someone at work, is not. The person asked keeps it, and it leaves the
// supervisors' inbox once they are back.
func TestCustomerTasksLeftByPeopleAway(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		desk, kitchen := "frontdesk", "kitchen"
		for _, id := range []string{desk, kitchen} {
			require.NoError(t, store.SaveTeam(ctx, models.Team{ID: id, Name: id}))
		}
		for _, st := range []models.Staff{
			{ID: "alice", Role: "agent", TeamID: &desk, OnShift: true, Active: true},
			{ID: "bob", Role: "agent", TeamID: &desk, Active: true}, // off shift
			{ID: "erin", Role: "agent", TeamID: &desk, OnShift: true, Active: true},
			{ID: "frank", Role: "agent", TeamID: &desk, OnShift: true},                 // deactivated
			{ID: "gina", Role: "agent", TeamID: &kitchen, OnShift: true, Active: true}, // moved
			{ID: "hank", Role: "agent", TeamID: &kitchen, Active: true},                // off shift
			{ID: "carol", Role: "supervisor", TeamID: &desk, OnShift: true, Active: true},
			{ID: "dave", Role: "manager", OnShift: true, Active: true},
		} {
			st.Name, st.Authority = st.ID, 1
			require.NoError(t, store.SaveStaff(ctx, st))
		}
		at := 0
		put := func(id, team, status, owner, asked string) {
			t.Helper()
			at++
			a := actionAt(id, 3, status, owner)
			a.TeamID = team
			told := event(2, "customer_told")
			told.Data = `{"message": "We are on it"}`
			events := []models.ActionEvent{event(1, "created"), told}
			if status == "completed" {
				events = append(events, event(3, "completed"))
			}
			require.NoError(t, store.ApplyProjection(ctx, a, events, models.Notification{
				RecipientID: asked, ActionID: id, Seq: 2, Kind: models.KindTellCustomer, ActorID: "alice", Cause: "request",
				Message: "Tell the customer", CreatedAt: t0.Add(time.Duration(at) * time.Minute),
			}))
		}
		put("ended-off-shift", desk, "completed", "bob", "bob")
		put("ended-at-work", desk, "completed", "alice", "alice")
		put("owner-at-work", desk, "assigned", "erin", "bob")
		put("owner-away", desk, "assigned", "bob", "bob")
		put("unowned", desk, "escalated", "", "bob")
		put("ended-inactive", desk, "completed", "frank", "frank")
		put("ended-moved", desk, "completed", "gina", "gina")
		put("carols-own", desk, "completed", "carol", "carol")
		put("kitchen-off-shift", kitchen, "completed", "hank", "hank")

		since := t0.Add(-7 * 24 * time.Hour)
		tellOf := func(of models.InboxOf) []string {
			t.Helper()
			tasks, err := store.CustomersToTell(ctx, of, since)
			require.NoError(t, err)
			out := make([]string, len(tasks))
			for i, task := range tasks {
				out[i] = task.ActionID
				if !task.Theirs(of.StaffID) {
					out[i] += " (stranded)"
				}
			}
			return out
		}
		carol := models.InboxOf{StaffID: "carol", TeamID: desk, Supervisor: true}
		stranded := []string{"ended-off-shift (stranded)", "owner-away (stranded)", "unowned (stranded)", "ended-inactive (stranded)", "ended-moved (stranded)"}
		require.Equal(t, append(slices.Clone(stranded), "carols-own"), tellOf(carol), "oldest first, hers among them")
		dave := models.InboxOf{StaffID: "dave", AllTeams: true, StandsIn: true, EscalatedFrom: 2}
		require.Equal(t, []string{"kitchen-off-shift (stranded)"}, tellOf(dave), "the kitchen has no supervisor on shift; the desk has Carol")
		require.Equal(t, []string{"ended-off-shift", "owner-at-work", "owner-away", "unowned"}, tellOf(models.InboxOf{StaffID: "bob", TeamID: desk}), "the person asked keeps them")
		require.Equal(t, []string{"owner-at-work"}, tellOf(models.InboxOf{StaffID: "erin", TeamID: desk}), "its owner at work sees it")
		require.Equal(t, []string{"ended-at-work"}, tellOf(models.InboxOf{StaffID: "alice", TeamID: desk}), "an agent is no supervisor")

		// Carol goes off shift: the desk's go to the managers, hers with them.
		_, err := store.SetOnShift(ctx, "carol", "carol", false)
		require.NoError(t, err)
		require.Equal(t, append(append(slices.Clone(stranded), "carols-own (stranded)"), "kitchen-off-shift (stranded)"), tellOf(dave))
		_, err = store.SetOnShift(ctx, "carol", "carol", true)
		require.NoError(t, err)

		// Bob is back: his are his, and no longer the supervisors'.
		_, err = store.SetOnShift(ctx, "bob", "bob", true)
		require.NoError(t, err)
		require.Equal(t, []string{"ended-inactive (stranded)", "ended-moved (stranded)", "carols-own"}, tellOf(carol))
	})
}
