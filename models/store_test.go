package models_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// forEachBackend runs the test on SQLite, and on PostgreSQL when HANDOVER_TEST_POSTGRES_URL is set.
func forEachBackend(t *testing.T, fn func(t *testing.T, store *models.Store)) {
	t.Parallel()
	for _, b := range modelstest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, modelstest.Open(t, b.URL(t)))
		})
	}
}

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func actionAt(id string, version int64, status, owner string) models.Action {
	return models.Action{
		ID: id, Title: "Late checkout", Category: "request", Priority: "normal", Status: status,
		OwnerID: owner, TeamID: "frontdesk", CustomerRef: "G-1", DueAt: t0.Add(4 * time.Hour),
		CreatedBy: "alice", CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(version) * time.Minute), Version: version,
	}
}

func event(seq int64, typ string) models.ActionEvent {
	return models.ActionEvent{Seq: seq, Type: typ, ActorID: "alice", Cause: "request", At: t0.Add(time.Duration(seq) * time.Minute), Data: `{}`}
}

func TestProjectionIsIdempotentAndNeverGoesBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		created := actionAt("a1", 1, "assigned", "alice")
		require.NoError(t, store.ApplyProjection(ctx, created, []models.ActionEvent{event(1, "created")}))

		pending := actionAt("a1", 2, "handover_pending", "alice")
		pending.PendingHandoverID = "h1"
		pending.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Reason: "shift", Method: "phone", Situation: "busy", Summary: "s", Status: "pending", RequestedAt: t0}}
		require.NoError(t, store.ApplyProjection(ctx, pending, []models.ActionEvent{event(2, "handover_requested")}))

		accepted := actionAt("a1", 3, "assigned", "bob")
		accepted.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Reason: "shift", Method: "phone", Situation: "busy", Summary: "s", Status: "accepted", RequestedAt: t0}}
		require.NoError(t, store.ApplyProjection(ctx, accepted, []models.ActionEvent{event(3, "handover_accepted")}))

		// A retried write and a late, older write change nothing.
		require.NoError(t, store.ApplyProjection(ctx, accepted, []models.ActionEvent{event(3, "handover_accepted")}))
		require.NoError(t, store.ApplyProjection(ctx, pending, []models.ActionEvent{event(2, "handover_requested")}))

		got, err := store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.EqualValues(t, 3, got.Version)
		require.Equal(t, "bob", got.OwnerID)
		require.Equal(t, "assigned", got.Status)
		require.Empty(t, got.PendingHandoverID)
		require.Len(t, got.Handovers, 1)
		require.Equal(t, "accepted", got.Handovers[0].Status)
		require.True(t, got.DueAt.Equal(t0.Add(4*time.Hour)), "times come back as written: %s", got.DueAt)

		events, err := store.ListEvents(ctx, "a1")
		require.NoError(t, err)
		require.Len(t, events, 3)
		for i, e := range events {
			require.EqualValues(t, i+1, e.Seq)
		}
	})
}

// A pause's fields are written by each change, not only by the write that inserts the row: paused
// with an end, the row reads it back, and without one its next reminder; resumed, neither.
func TestProjectionWritesThePauseOnEveryChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 1, "assigned", "alice"), []models.ActionEvent{event(1, "created")}))
		paused := actionAt("a1", 2, "assigned", "alice")
		since, end, left := t0.Add(2*time.Minute), t0.Add(26*time.Hour), int64(5400)
		paused.Paused, paused.PausedAt, paused.ResumeAt, paused.DueLeftSeconds = true, &since, &end, &left
		require.NoError(t, store.ApplyProjection(ctx, paused, []models.ActionEvent{event(2, "paused")}))
		got, err := store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.True(t, got.Paused)
		require.NotNil(t, got.PausedAt)
		require.True(t, got.PausedAt.Equal(since))
		require.NotNil(t, got.ResumeAt, "the pause's end")
		require.True(t, got.ResumeAt.Equal(end), "as written: %s", got.ResumeAt)
		require.Equal(t, &left, got.DueLeftSeconds)

		// Paused again without an end: the next reminder, moved on by each reminder.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 3, "assigned", "alice"), []models.ActionEvent{event(3, "resumed")}))
		again := actionAt("a1", 4, "assigned", "alice")
		remind := t0.Add(24 * time.Hour)
		again.Paused, again.PausedAt, again.PauseRemindAt = true, &since, &remind
		require.NoError(t, store.ApplyProjection(ctx, again, []models.ActionEvent{event(4, "paused")}))
		got, err = store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.Nil(t, got.ResumeAt)
		require.NotNil(t, got.PauseRemindAt)
		require.True(t, got.PauseRemindAt.Equal(remind), "as written: %s", got.PauseRemindAt)
		reminded := actionAt("a1", 5, "assigned", "alice")
		next := remind.Add(24 * time.Hour)
		reminded.Paused, reminded.PausedAt, reminded.PauseRemindAt = true, &since, &next
		require.NoError(t, store.ApplyProjection(ctx, reminded, []models.ActionEvent{event(5, "pause_reminder")}))
		got, err = store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.True(t, got.PauseRemindAt.Equal(next), "moved on: %s", got.PauseRemindAt)

		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 6, "assigned", "alice"), []models.ActionEvent{event(6, "resumed")}))
		got, err = store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.False(t, got.Paused)
		require.Nil(t, got.PausedAt)
		require.Nil(t, got.ResumeAt)
		require.Nil(t, got.PauseRemindAt)
		require.Nil(t, got.DueLeftSeconds)
	})
}

func TestListActionsFiltersAndPages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		for i := range 7 {
			a := actionAt(fmt.Sprintf("a%d", i), 1, "assigned", "alice")
			a.CreatedAt = t0.Add(time.Duration(i) * time.Second)
			if i%2 == 1 {
				a.OwnerID, a.Status = "bob", "completed"
			}
			if i%3 == 0 {
				a.CreatedBy = "crm"
			}
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		// An integration's own actions, newest first.
		mine, _, err := store.ListActions(ctx, models.ActionFilter{CreatedBy: "crm", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a6", "a3", "a0"}, ids(mine))
		page1, next, err := store.ListActions(ctx, models.ActionFilter{TeamID: "frontdesk", Limit: 3})
		require.NoError(t, err)
		require.Equal(t, []string{"a6", "a5", "a4"}, ids(page1), "newest first")
		require.NotNil(t, next)

		// An action created between pages does not shift the next page.
		late := actionAt("a7", 1, "assigned", "alice")
		late.CreatedAt = t0.Add(time.Hour)
		require.NoError(t, store.ApplyProjection(ctx, late, nil))

		page2, next, err := store.ListActions(ctx, models.ActionFilter{TeamID: "frontdesk", Limit: 3, After: next})
		require.NoError(t, err)
		require.Equal(t, []string{"a3", "a2", "a1"}, ids(page2))
		page3, next, err := store.ListActions(ctx, models.ActionFilter{TeamID: "frontdesk", Limit: 3, After: next})
		require.NoError(t, err)
		require.Equal(t, []string{"a0"}, ids(page3))
		require.Nil(t, next)

		bobs, _, err := store.ListActions(ctx, models.ActionFilter{OwnerID: "bob", Statuses: []string{"completed"}, Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a5", "a3", "a1"}, ids(bobs))

		overdue, _, err := store.ListActions(ctx, models.ActionFilter{Overdue: true, Now: t0.Add(5 * time.Hour), Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a7", "a6", "a4", "a2", "a0"}, ids(overdue), "only open actions are overdue")

		paused := actionAt("a6", 9, "assigned", "alice")
		paused.Paused = true
		require.NoError(t, store.ApplyProjection(ctx, paused, nil))
		overdue, _, err = store.ListActions(ctx, models.ActionFilter{Overdue: true, Now: t0.Add(5 * time.Hour), Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []string{"a7", "a4", "a2", "a0"}, ids(overdue), "a paused action is not overdue")
	})
}

func TestNewestOpenListsATeamsOpenActions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		for i, status := range []string{"assigned", "completed", "unassigned", "escalated", "cancelled", "handover_pending", "checking"} {
			a := actionAt(fmt.Sprintf("n%d", i), 1, status, "alice")
			a.Title, a.CreatedAt = fmt.Sprintf("Taxi %d", i), t0.Add(time.Duration(i)*time.Second)
			if status == "unassigned" {
				a.OwnerID = ""
			}
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		other := actionAt("elsewhere", 1, "assigned", "zoe")
		other.TeamID, other.CreatedAt = "housekeeping", t0.Add(time.Hour)
		require.NoError(t, store.ApplyProjection(ctx, other, nil))

		open, err := store.NewestOpen(ctx, "frontdesk", 10)
		require.NoError(t, err)
		require.Equal(t, []string{"n6", "n5", "n3", "n2", "n0"}, ids(open), "open ones of the team, newest first")
		require.Equal(t, "Taxi 6", open[0].Title)
		require.Equal(t, "alice", open[0].OwnerID)
		require.Empty(t, open[3].OwnerID, "unassigned")
		require.True(t, open[0].CreatedAt.Equal(t0.Add(6*time.Second)), "%v", open[0].CreatedAt)
		two, err := store.NewestOpen(ctx, "frontdesk", 2)
		require.NoError(t, err)
		require.Equal(t, []string{"n6", "n5"}, ids(two))
	})
}

func TestTokensAreStoredHashed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: "frontdesk", Name: "Front desk"}))
		team := "frontdesk"
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Active: true, OnShift: true}))
		require.NoError(t, store.AddToken(ctx, "alice", "secret-token", "test"))

		st, err := store.StaffByToken(ctx, "secret-token")
		require.NoError(t, err)
		require.Equal(t, "alice", st.ID)
		_, err = store.StaffByToken(ctx, "other")
		require.ErrorIs(t, err, models.ErrNotFound)

		var stored []string
		require.NoError(t, store.DB().Model(&models.APIToken{}).Pluck("token_hash", &stored).Error)
		require.Equal(t, []string{models.HashToken("secret-token")}, stored)
		require.NotContains(t, stored, "secret-token")

		require.NoError(t, store.AddToken(ctx, "alice", "other-token", "test"))
		n, err := store.RevokeTokenValues(ctx, "secret-token", "never-issued")
		require.NoError(t, err)
		require.EqualValues(t, 1, n, "only the live token that exists is revoked")
		_, err = store.StaffByToken(ctx, "secret-token")
		require.ErrorIs(t, err, models.ErrNotFound, "a token revoked by value no longer works")
		_, err = store.StaffByToken(ctx, "other-token")
		require.NoError(t, err, "other tokens are untouched")
		n, err = store.RevokeTokenValues(ctx, "secret-token")
		require.NoError(t, err)
		require.EqualValues(t, 0, n, "revoking again changes nothing")
		require.NoError(t, store.AddToken(ctx, "alice", "secret-token", "test"))
		st, err = store.StaffByToken(ctx, "secret-token")
		require.NoError(t, err, "adding a revoked token again makes it live")
		require.Equal(t, "alice", st.ID)

		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Active: false}))
		_, err = store.StaffByToken(ctx, "secret-token")
		require.ErrorIs(t, err, models.ErrNotFound, "an inactive person's token no longer works")
	})
}

func ids(actions []models.Action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.ID
	}
	return out
}

func TestConcurrentPolicyWritesGetDistinctVersions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		const writers = 8
		errs := make(chan error, writers)
		for range writers {
			go func() {
				_, err := store.SavePolicy(ctx, models.Policy{Category: "refund", CreatedBy: "root"})
				errs <- err
			}()
		}
		for range writers {
			require.NoError(t, <-errs)
		}
		var versions []int
		require.NoError(t, store.DB().Model(&models.Policy{}).Where("category = ?", "refund").Order("version").Pluck("version", &versions).Error)
		require.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8}, versions)
	})
}

func TestIssuedTokensWorkUntilRevoked(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "desk"
		require.NoError(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: team, Name: "Desk"}))
		require.ErrorIs(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: team, Name: "Again"}), models.ErrConflict)
		require.NoError(t, store.CreateStaff(ctx, "test-admin", models.Staff{ID: "kim", Name: "Kim", Role: "agent", TeamID: &team, Active: true, OnShift: true}))
		require.ErrorIs(t, store.CreateStaff(ctx, "test-admin", models.Staff{ID: "kim", Name: "Kim", Role: "agent"}), models.ErrConflict)

		first, err := store.IssueToken(ctx, "test-admin", "kim", "laptop")
		require.NoError(t, err)
		second, err := store.IssueToken(ctx, "test-admin", "kim", "phone")
		require.NoError(t, err)
		require.NotEqual(t, first, second)
		for _, tok := range []string{first, second} {
			st, err := store.StaffByToken(ctx, tok)
			require.NoError(t, err)
			require.Equal(t, "kim", st.ID)
		}
		_, err = store.IssueToken(ctx, "test-admin", "nobody", "")
		require.ErrorIs(t, err, models.ErrNotFound)

		n, err := store.RevokeTokens(ctx, "test-admin", "kim")
		require.NoError(t, err)
		require.EqualValues(t, 2, n)
		for _, tok := range []string{first, second} {
			_, err := store.StaffByToken(ctx, tok)
			require.ErrorIs(t, err, models.ErrNotFound)
		}
	})
}

func TestTeamCalendarsAndPolicyColumns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: "desk", Name: "Desk"}))
		_, err := store.GetCalendar(ctx, "desk")
		require.ErrorIs(t, err, models.ErrNotFound)
		_, err = store.SaveCalendar(ctx, models.TeamCalendar{TeamID: "desk", TimeZone: "Europe/London", Hours: `[{"day":"mon","open":"08:00","close":"18:00"}]`, Holidays: `[]`, UpdatedBy: "root"})
		require.NoError(t, err)
		_, err = store.SaveCalendar(ctx, models.TeamCalendar{TeamID: "desk", TimeZone: "Asia/Tokyo", Hours: `[]`, Holidays: `["2026-12-25"]`, UpdatedBy: "root"})
		require.NoError(t, err)
		c, err := store.GetCalendar(ctx, "desk")
		require.NoError(t, err)
		require.Equal(t, "Asia/Tokyo", c.TimeZone)
		require.Equal(t, `["2026-12-25"]`, c.Holidays)

		_, err = store.SavePolicy(ctx, models.Policy{Category: "refund", CreatedBy: "root"})
		require.NoError(t, err)
		_, err = store.SavePolicy(ctx, models.Policy{Category: "refund", Clock: "24/7", RequiredFields: `["amount"]`, CreatedBy: "root"})
		require.NoError(t, err)
		p, err := store.CurrentPolicy(ctx, "refund")
		require.NoError(t, err)
		require.Equal(t, 2, p.Version)
		require.Equal(t, "24/7", p.Clock)
		require.Equal(t, `["amount"]`, p.RequiredFields)
		_, err = store.SavePolicy(ctx, models.Policy{Category: "complaint", CreatedBy: "root"})
		require.NoError(t, err)
		current, err := store.CurrentPolicies(ctx)
		require.NoError(t, err)
		require.Len(t, current, 2, "the newest version of each category only")
		require.Equal(t, []string{"complaint", "refund"}, []string{current[0].Category, current[1].Category})
		require.Equal(t, []int{1, 2}, []int{current[0].Version, current[1].Version})

		a := actionAt("a1", 1, "assigned", "alice")
		a.PolicyVersion, a.Paused = 2, true
		a.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Status: "pending", RequestedAt: t0, NoteFields: `{"amount":"12.50"}`}}
		require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		got, err := store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.Equal(t, 2, got.PolicyVersion)
		require.True(t, got.Paused)
		require.Equal(t, `{"amount":"12.50"}`, got.Handovers[0].NoteFields)
	})
}

func TestProjectionWritesInboxWithItsEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		pending := actionAt("a1", 2, "handover_pending", "alice")
		pending.PendingHandoverID = "h1"
		pending.HanderID = ""
		pending.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Reason: "shift", Method: "phone", Situation: "busy", Summary: "s", Status: "pending", RequestedAt: t0}}
		note := models.Notification{RecipientID: "bob", ActionID: "a1", Seq: 2, Kind: "handover_requested", ActorID: "alice", Cause: "request", Message: "take it", CreatedAt: t0}
		require.NoError(t, store.ApplyProjection(ctx, pending, []models.ActionEvent{event(1, "created"), event(2, "handover_requested")}, note))
		// A retry writes nothing twice.
		require.NoError(t, store.ApplyProjection(ctx, pending, []models.ActionEvent{event(2, "handover_requested")}, note))

		inbox, err := store.ListNotifications(ctx, "bob", 10)
		require.NoError(t, err)
		require.Len(t, inbox, 1)
		// Bob's own list holds it while he is in the action's team, and not once he has moved on.
		page := models.NotificationPage{Limit: 10}
		told, _, err := store.MyNotifications(ctx, models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, page)
		require.NoError(t, err)
		require.Equal(t, inbox, told)
		told, _, err = store.MyNotifications(ctx, models.InboxOf{StaffID: "bob", TeamID: "backoffice"}, page)
		require.NoError(t, err)
		require.Empty(t, told, "another team's action is out of scope")
		told, _, err = store.MyNotifications(ctx, models.InboxOf{StaffID: "bob", TeamID: "backoffice", AllTeams: true}, page)
		require.NoError(t, err)
		require.Len(t, told, 1, "a manager sees every team")
		require.Equal(t, "handover_requested", inbox[0].Kind)
		require.EqualValues(t, 2, inbox[0].Seq)

		// The inbox lists carry their handovers, loaded for all lists at once.
		in, err := store.Inbox(ctx, models.InboxOf{StaffID: "bob", TeamID: "frontdesk"}, t0)
		require.NoError(t, err)
		require.Len(t, in.AwaitingAcceptance, 1)
		require.Len(t, in.AwaitingAcceptance[0].Handovers, 1)
		require.Equal(t, "pending", in.AwaitingAcceptance[0].Handovers[0].Status)
		mine, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "frontdesk"}, t0)
		require.NoError(t, err)
		require.Len(t, mine.Owned, 1)
		require.Len(t, mine.Owned[0].Handovers, 1)
	})
}

// The inbox's four lists hold exactly the actions that belong in each, each in its own order: owned
// open ones by due time, handovers awaiting the person by last change, follow-ups due by their
// time, checks by due time; a supervisor also sees the team's checks nobody handed over.
// A supervisor's own action at its due time is in their Actions I own, to record its outcome, not
// among the checks they make of others' too; when they are the team's only supervisor, it is
// among the managers' checks, who are asked to make it.
func TestSupervisorsOwnActionIsNotAmongTheirChecks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		own := actionAt("own-check", 1, "checking", "carol")
		others := actionAt("others-check", 1, "checking", "erin")
		for _, a := range []models.Action{own, others} {
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 2, OnShift: true, Active: true}))
		in, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: team, Supervisor: true, EscalatedFrom: 1}, t0.Add(5*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"own-check"}, ids(in.Owned))
		require.Equal(t, []string{"others-check"}, ids(in.ChecksDue))
		// The team's only supervisor owns it: its check is the managers', as they are asked.
		manager, err := store.Inbox(ctx, models.InboxOf{StaffID: "dave", AllTeams: true, Supervisor: true, EscalatedFrom: 2, StandsIn: true}, t0.Add(5*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"own-check"}, ids(manager.ChecksDue), "not the one Carol checks")
	})
}

func TestInboxListsInTheirOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		now := t0.Add(10 * time.Hour)
		put := func(a models.Action) {
			t.Helper()
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		due := func(id string, status, owner string, in time.Duration) models.Action {
			a := actionAt(id, 1, status, owner)
			a.DueAt = t0.Add(in)
			return a
		}
		// Each list's order differs from its IDs' order, so only the list's own order passes.
		// Owned by alice: three open; one completed.
		put(due("o1", "assigned", "alice", 3*time.Hour))
		o2 := due("o2", "escalated", "alice", time.Hour)
		o2.EscalationLevel = 1
		put(o2)
		put(due("o3", "checking", "alice", 2*time.Hour))
		put(due("o9", "completed", "alice", 30*time.Minute))
		// Awaiting alice: two pending handovers, w1 changed last.
		for i, id := range []string{"w1", "w2"} {
			a := actionAt(id, int64(3-i), "handover_pending", "bob")
			a.PendingHandoverID = "h1"
			a.Handovers = []models.Handover{{ID: "h1", FromID: "bob", ToID: "alice", Status: "pending", RequestedAt: t0}}
			put(a)
		}
		// Alice handed these over: two follow-ups due (one not yet), and one action at its check.
		for _, f := range []struct {
			id string
			at time.Duration
		}{{"f1", 5 * time.Hour}, {"f2", 4 * time.Hour}, {"f-later", 12 * time.Hour}} {
			a := due(f.id, "assigned", "erin", 8*time.Hour)
			a.HanderID = "alice"
			at := t0.Add(f.at)
			a.FollowUpAt = &at
			put(a)
		}
		c := due("c1", "checking", "erin", time.Hour)
		c.HanderID = "alice"
		// Its follow-up time passed too, but at the check the hander checks: it is listed there only.
		followed := t0.Add(2 * time.Hour)
		c.FollowUpAt = &followed
		put(c)
		// At its check and handed over by nobody: the supervisor's.
		put(due("cz", "checking", "erin", 30*time.Minute))
		// Escalated to the managers, here and in another team.
		for _, e := range []struct {
			id, team string
			in       time.Duration
		}{{"e2", "frontdesk", 5 * time.Hour}, {"ek", "kitchen", 6 * time.Hour}} {
			a := due(e.id, "escalated", "erin", e.in)
			a.TeamID, a.EscalationLevel = e.team, 2
			put(a)
		}

		in, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "frontdesk"}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"o2", "o3", "o1"}, ids(in.Owned))
		require.Equal(t, []string{"w2", "w1"}, ids(in.AwaitingAcceptance))
		require.Len(t, in.AwaitingAcceptance[0].Handovers, 1)
		require.Equal(t, []string{"f2", "f1"}, ids(in.FollowUpsDue))
		require.Equal(t, []string{"c1"}, ids(in.ChecksDue))
		require.Empty(t, in.Escalated, "no escalation reaches an agent: their own escalated one is under Owned")

		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		aliceStaff := models.Staff{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Authority: 1, OnShift: true, Active: true}
		require.NoError(t, store.SaveStaff(ctx, aliceStaff))
		sup, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true, EscalatedFrom: 1}, now)
		require.NoError(t, err)
		require.Empty(t, sup.Owned)
		require.Equal(t, []string{"cz", "o3"}, ids(sup.ChecksDue), "the team's checks nobody handed over, by due time; not the one alice handed over")
		// Alice deactivated, the check she was asked to make of c1 is the supervisors' too.
		gone := aliceStaff
		gone.Active = false
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", gone, []string{"active"}, false))
		sup, err = store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true, EscalatedFrom: 1}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"cz", "c1", "o3"}, ids(sup.ChecksDue), "with the one whose hander is gone")
		// Back, but off shift: not there to check it now, so it is the supervisors' too.
		offShift := aliceStaff
		offShift.OnShift = false
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", offShift, []string{"active", "on_shift"}, false))
		sup, err = store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true, EscalatedFrom: 1}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"cz", "c1", "o3"}, ids(sup.ChecksDue), "with the one whose hander is off shift")
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", aliceStaff, []string{"active", "on_shift"}, false))
		sup, err = store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true, EscalatedFrom: 1}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"cz", "o3"}, ids(sup.ChecksDue), "on shift again: hers alone")
		require.Equal(t, []string{"o2", "e2"}, ids(sup.Escalated), "the team's escalated actions, due first; not another team's")
		manager, err := store.Inbox(ctx, models.InboxOf{StaffID: "dave", TeamID: "frontdesk", Supervisor: true, AllTeams: true, EscalatedFrom: 2}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"e2", "ek"}, ids(manager.Escalated), "every team's escalated to the managers; not one at the supervisors' level")
		// Standing in for the supervisors of a team without one (its alerts come to the managers):
		// frontdesk has no supervisor yet, so its level-1 escalation and the check nobody handed
		// over are the manager's too; once it has one, they are that supervisor's again.
		standIn := models.InboxOf{StaffID: "dave", AllTeams: true, Supervisor: true, EscalatedFrom: 2, StandsIn: true}
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"o2", "e2", "ek"}, ids(manager.Escalated))
		require.Equal(t, []string{"cz", "o3"}, ids(manager.ChecksDue))
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 1, OnShift: true, Active: true}))
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"e2", "ek"}, ids(manager.Escalated))
		require.Empty(t, manager.ChecksDue)
		// The supervisor off shift, her alerts come to the managers again, and so do the lists.
		carolOff := models.Staff{ID: "carol", Name: "Carol", Role: "supervisor", TeamID: &team, Authority: 1, OnShift: false, Active: true}
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", carolOff, []string{"on_shift"}, false))
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"o2", "e2", "ek"}, ids(manager.Escalated))
		require.Equal(t, []string{"cz", "o3"}, ids(manager.ChecksDue))
		carolOff.OnShift = true
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", carolOff, []string{"on_shift"}, false))
		// An escalation to the supervisors of an action the team's only supervisor owns is passed
		// up to the managers (she is told by name, and someone else is to act): it is in their list
		// too, until the team has another supervisor.
		own := due("oc", "escalated", "carol", 90*time.Minute)
		own.EscalationLevel = 1
		put(own)
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"oc", "e2", "ek"}, ids(manager.Escalated), "the one the team's only supervisor owns; not alice's")
		second := models.Staff{ID: "sam", Name: "Sam", Role: "supervisor", TeamID: &team, Authority: 1, OnShift: false, Active: true}
		require.NoError(t, store.SaveStaff(ctx, second))
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"e2", "ek"}, ids(manager.Escalated), "another supervisor, even off shift, is told: carol is on shift")
		second.Active = false
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", second, []string{"active"}, false))
		manager, err = store.Inbox(ctx, standIn, now)
		require.NoError(t, err)
		require.Equal(t, []string{"oc", "e2", "ek"}, ids(manager.Escalated), "one deactivated is not")
		own.Status, own.Version = "completed", 2
		require.NoError(t, store.ApplyProjection(ctx, own, nil))

		// Moved to another team, alice sees none of frontdesk's actions in her inbox; a manager
		// sees every team's.
		moved, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "kitchen"}, now)
		require.NoError(t, err)
		require.Empty(t, moved.Owned)
		require.Empty(t, moved.AwaitingAcceptance)
		require.Empty(t, moved.FollowUpsDue)
		require.Empty(t, moved.ChecksDue)
		everywhere, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "kitchen", AllTeams: true}, now)
		require.NoError(t, err)
		require.Equal(t, []string{"o2", "o3", "o1"}, ids(everywhere.Owned))
		require.Equal(t, []string{"w2", "w1"}, ids(everywhere.AwaitingAcceptance))

		// What alice holds: three open actions owned (not the completed one), two handovers to accept.
		owned, awaiting, err := store.OpenWork(ctx, "alice", -1)
		require.NoError(t, err)
		require.Equal(t, []int64{3, 2}, []int64{owned, awaiting})
		owned, awaiting, err = store.OpenWork(ctx, "carol", -1)
		require.NoError(t, err)
		require.Equal(t, []int64{0, 0}, []int64{owned, awaiting})
		// None of it needs more authority than none.
		owned, awaiting, err = store.OpenWork(ctx, "alice", 0)
		require.NoError(t, err)
		require.Equal(t, []int64{0, 0}, []int64{owned, awaiting})
	})
}

// The handovers waiting for a person, which their going off shift answers: only those pending
// that their action still has pending, oldest first.
func TestHandoversWaitingForListsOnlyThosePending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		put := func(id, pending string, handovers ...models.Handover) {
			t.Helper()
			a := actionAt(id, 2, "assigned", "bob")
			if pending != "" {
				a.Status, a.PendingHandoverID = "handover_pending", pending
			}
			a.Handovers = handovers
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		to := func(id, toID, status string, at time.Duration) models.Handover {
			return models.Handover{ID: id, FromID: "bob", ToID: toID, Status: status, RequestedAt: t0.Add(at)}
		}
		// Two wait for alice, the later one asked first.
		put("w-late", "h2", to("h1", "alice", "declined", 0), to("h2", "alice", "pending", 2*time.Hour))
		put("w-early", "h1", to("h1", "alice", "pending", time.Hour))
		// Not hers to answer: one declined, one waiting for erin, one whose handover to her the
		// action no longer has pending.
		put("declined", "", to("h1", "alice", "declined", 0))
		put("erins", "h1", to("h1", "erin", "pending", 0))
		put("stale", "h2", to("h1", "alice", "pending", 0), to("h2", "erin", "pending", time.Hour))

		got, err := store.HandoversWaitingFor(ctx, "alice")
		require.NoError(t, err)
		var waiting []string
		for _, h := range got {
			require.Equal(t, "alice", h.ToID)
			waiting = append(waiting, h.ActionID+"/"+h.ID)
		}
		require.Equal(t, []string{"w-early/h1", "w-late/h2"}, waiting, "oldest first, and only those the action has pending")
		none, err := store.HandoversWaitingFor(ctx, "carol")
		require.NoError(t, err)
		require.Empty(t, none)
	})
}

// A database URL of a scheme the read model does not speak is refused, not taken for a SQLite
// file to create.
func TestOpenRefusesOtherSchemes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, url := range []string{"postgre://handover:pw@db.example:5432/handover", "mysql://x", "",
		"postgres:/handover", "host=db.example user=handover dbname=handover sslmode=disable", "sqlite://data/x.db",
		// A scheme mistyped, or none: not a file to create.
		"postgres//postgres:pw@127.0.0.1:5432/handover", "127.0.0.1:5432/handover", "readmodel.db", filepath.Join(dir, "c.db")} {
		_, err := models.Open(url, nil)
		require.Error(t, err, url)
	}
	_, err := models.Open("sqlite://tmp/x.db", nil)
	require.EqualError(t, err, `database URL "sqlite://tmp/x.db" names a host: write sqlite:PATH (sqlite:data/x.db, sqlite:/var/lib/handover/x.db)`)
	_, err = models.Open("postgres//postgres:pw@127.0.0.1:5432/handover", nil)
	require.EqualError(t, err, `database URL has no scheme (it begins neither postgres:// nor sqlite:): write postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL, or sqlite:PATH for a SQLite file`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no file was created")
	// SQLite's own forms still open.
	for _, url := range []string{"sqlite:" + filepath.Join(dir, "a.db"), "sqlite://" + filepath.Join(dir, "b.db"),
		"sqlite:" + filepath.Join(dir, "postgres-data", "d.db")} {
		store, err := models.Open(url, nil)
		require.NoError(t, err, url)
		require.NoError(t, store.Close())
	}
}

// Two administrators demoting each other at the same moment: one succeeds, the other is refused,
// and one administrator is always left.
func TestLastAdministratorKept(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		admin := func(id string) models.Staff {
			return models.Staff{ID: id, Name: id, Role: "admin", Authority: 0, OnShift: true, Active: true}
		}
		for round := range 10 {
			for _, id := range []string{"a1", "a2"} {
				require.NoError(t, store.SaveStaff(ctx, admin(id)))
			}
			results := make(chan error, 2)
			for _, id := range []string{"a1", "a2"} {
				go func() {
					demoted, column := admin(id), "role"
					if id == "a1" {
						demoted.Active, column = false, "active"
					} else {
						demoted.Role = "manager"
					}
					results <- store.UpdateStaff(ctx, "test-admin", demoted, []string{column}, true)
				}()
			}
			var refused, saved int
			for range 2 {
				err := <-results
				switch {
				case errors.Is(err, models.ErrLastAdmin):
					refused++
				case err == nil:
					saved++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			require.Equal(t, 1, saved, "round %d", round)
			require.Equal(t, 1, refused, "round %d", round)
			staff, err := store.ListStaff(ctx, "")
			require.NoError(t, err)
			left := 0
			for _, st := range staff {
				if st.Role == "admin" && st.Active {
					left++
				}
			}
			require.Equal(t, 1, left, "round %d", round)
		}
	})
}

// A change writes only the columns it names: a concurrent change of another column (a person
// ending their shift while an administrator renames them) is kept.
func TestUpdateStaffWritesOnlyItsColumns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		read := models.Staff{ID: "bob", Name: "Bob", Role: "agent", Authority: 1, OnShift: true, Active: true}
		require.NoError(t, store.SaveStaff(ctx, read))
		_, err := store.SetOnShift(ctx, "bob", "bob", false)
		require.NoError(t, err)
		renamed := read
		renamed.Name = "Robert"
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", renamed, []string{"name"}, false))
		got, err := store.GetStaff(ctx, "bob")
		require.NoError(t, err)
		require.Equal(t, "Robert", got.Name)
		require.False(t, got.OnShift, "the shift ended meanwhile stays ended")

		require.ErrorIs(t, store.UpdateStaff(ctx, "test-admin", models.Staff{ID: "nobody", Name: "x"}, []string{"name"}, false), models.ErrNotFound)
		require.Error(t, store.UpdateStaff(ctx, "test-admin", renamed, []string{"created_at"}, false), "not a column a change may write")
	})
}

// A command naming a person claims them under the lock a change to them takes: a deactivation
// while a handover to them is on its way is refused, and a claim made after a deactivation sees the
// person inactive. Run at the same moment, one of the two always sees the other.
func TestClaimStaffAndAChangeToThemSeeEachOther(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		bob := models.Staff{ID: "bob", Name: "Bob", Role: "agent", TeamID: &team, Authority: 1, OnShift: true, Active: true}
		require.NoError(t, store.SaveStaff(ctx, bob))
		gone := bob
		gone.Active = false

		got, err := store.ClaimStaff(ctx, "a1", "bob", "r1")
		require.NoError(t, err)
		require.True(t, got.Active)
		var busy *models.StaffBusy
		require.ErrorAs(t, store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1), &busy)
		require.EqualValues(t, 1, busy.OnTheirWay)
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "a1", "r1"))
		require.NoError(t, store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1))
		got, err = store.ClaimStaff(ctx, "a2", "bob", "r2")
		require.NoError(t, err)
		require.False(t, got.Active, "the claim sees the change made first")
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "a2", "r2"))
		_, err = store.ClaimStaff(ctx, "a3", "nobody", "r3")
		require.ErrorIs(t, err, models.ErrNotFound)
		// A shift handover naming bob claims him for each of its actions, each taken back on its own.
		require.NoError(t, store.UpdateStaff(ctx, "test-admin", bob, []string{"active"}, false))
		_, err = store.ClaimStaffFor(ctx, []string{"s1", "s2"}, "bob", "shift")
		require.NoError(t, err)
		require.ErrorAs(t, store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1), &busy)
		require.EqualValues(t, 2, busy.OnTheirWay)
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "s1", "shift"))
		require.ErrorAs(t, store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1), &busy)
		require.EqualValues(t, 1, busy.OnTheirWay)
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "s2", "shift"))
		require.NoError(t, store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1))

		// At the same moment, 20 times: the command sees bob inactive, or the change is refused.
		for round := range 20 {
			require.NoError(t, store.UpdateStaff(ctx, "test-admin", bob, []string{"active"}, false))
			action, request := fmt.Sprintf("race-%d", round), fmt.Sprintf("req-%d", round)
			var claimed models.Staff
			var claimErr, changeErr error
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); claimed, claimErr = store.ClaimStaff(ctx, action, "bob", request) }()
			go func() {
				defer wg.Done()
				changeErr = store.UpdateStaffIfFree(ctx, "test-admin", gone, []string{"active"}, false, -1)
			}()
			wg.Wait()
			require.NoError(t, claimErr)
			if changeErr == nil {
				require.False(t, claimed.Active, "round %d: deactivated, and the command saw bob active", round)
			} else {
				require.ErrorAs(t, changeErr, &busy, "round %d", round)
				require.True(t, claimed.Active, "round %d", round)
			}
			require.NoError(t, store.ReleaseHandoverClaim(ctx, action, request))
		}
	})
}

// Processes that migrate one PostgreSQL database at the same moment (a migrate job per pod) take
// turns: every one succeeds and finds the schema at the same version.
func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	url := modelstest.PostgresURL(t) // skips, saying so, without PostgreSQL
	const processes = 4
	done := make([]models.Migrated, processes)
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		store, err := models.Open(url, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = store.Close() })
		wg.Go(func() { done[i], errs[i] = store.Migrate(context.Background()) })
	}
	wg.Wait()
	applied := 0
	for i := range processes {
		require.NoError(t, errs[i], "process %d", i)
		require.Equal(t, done[0].Version, done[i].Version)
		applied += done[i].Applied
	}
	require.Positive(t, done[0].Version)
	require.EqualValues(t, done[0].Version, applied, "each migration applied once, by one of them")
}

// The metrics' escalations are counted by the kind of their reason in the database; an escalation
// recorded before reasons had kinds counts as unknown.
func TestFiguresCountEscalationsByKind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		escalated := func(seq int64, typ, data string) models.ActionEvent {
			e := event(seq, typ)
			e.Data = data
			return e
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 4, "escalated", "alice"), []models.ActionEvent{
			event(1, "created"),
			escalated(2, "escalated", `{"level":1,"reason_kind":"not_checked"}`),
			escalated(3, "escalated", `{"level":2,"reason_kind":"no_action"}`),
			escalated(4, "escalation_reminder", `{"level":2}`),
		}))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a2", 1, "escalated", "alice"), []models.ActionEvent{
			escalated(1, "escalated", `{"level":1,"reason_kind":"not_checked"}`)}))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a3", 1, "escalated", "alice"), []models.ActionEvent{
			escalated(1, "escalated", `{"level":1}`)}))
		f, err := store.Figures(ctx, t0, t0.Add(-time.Hour))
		require.NoError(t, err)
		require.Equal(t, []models.EscalationCount{{Reason: "no_action", Count: 1}, {Reason: "not_checked", Count: 2}, {Reason: "unknown", Count: 1}}, f.Escalations)
	})
}

// The metrics count the actions paused now and find the one paused longest, on both databases.
func TestFiguresCountPausedActions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		f, err := store.Figures(ctx, t0, t0)
		require.NoError(t, err)
		require.Zero(t, f.Paused)
		require.Nil(t, f.OldestPausedAt, "none paused")
		for i, since := range []time.Time{t0.Add(-3 * time.Hour), t0.Add(-time.Hour)} {
			a := actionAt(fmt.Sprintf("p%d", i), 2, "assigned", "alice")
			a.Paused, a.PausedAt = true, &since
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created"), event(2, "paused")}))
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("running", 1, "assigned", "alice"), []models.ActionEvent{event(1, "created")}))
		f, err = store.Figures(ctx, t0, t0)
		require.NoError(t, err)
		require.Equal(t, int64(2), f.Paused)
		require.NotNil(t, f.OldestPausedAt)
		require.True(t, f.OldestPausedAt.Equal(t0.Add(-3*time.Hour)), "the one paused longest: %s", f.OldestPausedAt)
	})
}

// A change written late (its projection waited out an outage) keeps the time it was made, but a
// catch-up sweep and the live updates find it by the time it was written: nothing is missed.
func TestLateWriteIsFoundBySweepsAndLiveUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		id := modelstest.Name("late")
		require.NoError(t, store.ApplyProjection(ctx, actionAt(id, 1, "assigned", "alice"), []models.ActionEvent{event(1, "created")}))
		sweep := time.Now()
		time.Sleep(5 * time.Millisecond)
		late := actionAt(id, 2, "assigned", "alice") // made at t0 + 2 min, days ago
		late.Paused = true
		require.NoError(t, store.ApplyProjection(ctx, late, []models.ActionEvent{event(2, "paused")}))

		found, _, err := store.ListActions(ctx, models.ActionFilter{UpdatedSince: sweep, Limit: 50})
		require.NoError(t, err)
		require.Len(t, found, 1, "a sweep from before the write finds it, though the change is older")
		require.Equal(t, int64(2), found[0].Version)
		require.True(t, found[0].UpdatedAt.Equal(late.UpdatedAt), "it still says when the change was made")

		changed, err := store.ActionsChangedSince(ctx, sweep, 10)
		require.NoError(t, err)
		require.Len(t, changed, 1)
		require.Equal(t, id, changed[0].ID)
		require.True(t, changed[0].Paused, "the live update says it is paused (the page reads it out)")
		require.True(t, changed[0].WrittenAt.After(sweep))

		found, _, err = store.ListActions(ctx, models.ActionFilter{UpdatedSince: time.Now().Add(time.Minute), Limit: 50})
		require.NoError(t, err)
		require.Empty(t, found)
	})
}

// A member of staff added, changed by an administrator or going on or off shift is found by the
// live updates, each once, the earliest first; a change that changes nothing is not.
func TestStaffChangesAreFoundByLiveUpdates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := modelstest.Name("desk")
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: team}))
		ids := []string{modelstest.Name("ann"), modelstest.Name("ben"), modelstest.Name("cat")}
		// The store keeps microseconds: the first may be added within start's own microsecond,
		// which would read as no later than start.
		start := time.Now().Add(-time.Microsecond)
		for _, id := range ids {
			require.NoError(t, store.CreateStaff(ctx, "root", models.Staff{ID: id, Name: id, Role: "agent", TeamID: &team, Authority: 1, Active: true}))
		}
		changedIDs := func(since time.Time) []string {
			t.Helper()
			changed, err := store.StaffChangedSince(ctx, since, "", 100)
			require.NoError(t, err)
			var out []string
			for _, c := range changed {
				require.Equal(t, team, *c.TeamID)
				out = append(out, c.ID)
			}
			return out
		}
		require.Equal(t, ids, changedIDs(start), "added, in order")

		// A person the demo seeds into a running system is announced too; seeded again, they are
		// left as they are, and not announced again.
		time.Sleep(5 * time.Millisecond)
		mark := time.Now()
		seeded := modelstest.Name("dee")
		require.NoError(t, store.EnsureStaff(ctx, models.Staff{ID: seeded, Name: seeded, Role: "agent", TeamID: &team, Authority: 1, Active: true}))
		require.Equal(t, []string{seeded}, changedIDs(mark), "seeded")
		time.Sleep(5 * time.Millisecond)
		mark = time.Now()
		require.NoError(t, store.EnsureStaff(ctx, models.Staff{ID: seeded, Name: seeded, Role: "agent", TeamID: &team, Authority: 1, Active: true}))
		require.Empty(t, changedIDs(mark), "seeded again")
		ids = append(ids, seeded)

		time.Sleep(5 * time.Millisecond)
		mark = time.Now()
		time.Sleep(5 * time.Millisecond)
		_, err := store.SetOnShift(ctx, ids[1], ids[1], true)
		require.NoError(t, err)
		require.Equal(t, []string{ids[1]}, changedIDs(mark), "on shift")
		cat, err := store.GetStaff(ctx, ids[2])
		require.NoError(t, err)
		cat.Authority = 2
		require.NoError(t, store.UpdateStaff(ctx, "root", cat, []string{"authority"}, false))
		require.Equal(t, []string{ids[1], ids[2]}, changedIDs(mark), "an administrator's change")

		time.Sleep(5 * time.Millisecond)
		mark = time.Now()
		require.NoError(t, store.UpdateStaff(ctx, "root", cat, []string{"authority"}, false))
		_, err = store.SetOnShift(ctx, ids[1], ids[1], true)
		require.NoError(t, err)
		require.Empty(t, changedIDs(mark), "the same again changes nothing")

		// A move to another team names the team left, whose pages showed the person.
		other := modelstest.Name("night")
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: other, Name: other}))
		cat.TeamID = &other
		require.NoError(t, store.UpdateStaff(ctx, "root", cat, []string{"team_id"}, false))
		moved, err := store.StaffChangedSince(ctx, mark, "", 100)
		require.NoError(t, err)
		require.Len(t, moved, 1)
		require.Equal(t, other, *moved[0].TeamID)
		require.Equal(t, team, *moved[0].LeftTeamID)
		// Their next change is no move: the team left hears no more of them.
		_, err = store.SetOnShift(ctx, cat.ID, cat.ID, true)
		require.NoError(t, err)
		moved, err = store.StaffChangedSince(ctx, mark, "", 100)
		require.NoError(t, err)
		require.Len(t, moved, 1)
		require.Nil(t, moved[0].LeftTeamID)

		// Read a page at a time, by time and then by ID: the next page starts after the last row
		// read, even among changes of one instant.
		first, err := store.StaffChangedSince(ctx, start, "", 2)
		require.NoError(t, err)
		require.Len(t, first, 2)
		rest, err := store.StaffChangedSince(ctx, first[1].ChangedAt, first[1].ID, 100)
		require.NoError(t, err)
		var paged []string
		for _, c := range append(first, rest...) {
			paged = append(paged, c.ID)
		}
		require.ElementsMatch(t, ids, paged, "each once")
	})
}

// A timeline is read a page at a time from its end: the last events before a seq, in order, and
// whether earlier ones remain.
func TestListEventsBefore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		events := make([]models.ActionEvent, 25)
		for i := range events {
			events[i] = event(int64(i+1), "note_added")
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 25, "assigned", "alice"), events))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a2", 1, "assigned", "alice"), []models.ActionEvent{event(1, "created")}))
		seqs := func(es []models.ActionEvent) []int64 {
			out := make([]int64, len(es))
			for i, e := range es {
				out[i] = e.Seq
			}
			return out
		}
		last, more, err := store.ListEventsBefore(ctx, "a1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, seqs(last))
		require.True(t, more)
		page, more, err := store.ListEventsBefore(ctx, "a1", 16, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, seqs(page))
		require.True(t, more)
		first, more, err := store.ListEventsBefore(ctx, "a1", 6, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{1, 2, 3, 4, 5}, seqs(first))
		require.False(t, more)
		all, more, err := store.ListEventsBefore(ctx, "a1", 0, 25)
		require.NoError(t, err)
		require.Len(t, all, 25)
		require.False(t, more, "exactly the whole timeline")

		// Forward, for a reader catching up: the events after a seq, in order.
		next, more, err := store.ListEventsAfter(ctx, "a1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, seqs(next))
		require.True(t, more)
		next, more, err = store.ListEventsAfter(ctx, "a1", 20, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{21, 22, 23, 24, 25}, seqs(next))
		require.False(t, more)
		next, more, err = store.ListEventsAfter(ctx, "a1", 15, 10)
		require.NoError(t, err)
		require.Equal(t, []int64{16, 17, 18, 19, 20, 21, 22, 23, 24, 25}, seqs(next))
		require.False(t, more, "exactly the rest")
		next, more, err = store.ListEventsAfter(ctx, "a1", 25, 10)
		require.NoError(t, err)
		require.Empty(t, next, "nothing after the last")
		require.False(t, more)
	})
}

// A read model migrated by a newer release (a schema version this binary has no migration for)
// is reported as such: migrating again applies nothing and fails nothing, and the versions say
// which is newer.
func TestSchemaMigratedByANewerRelease(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		at, known, err := store.SchemaVersions(ctx)
		require.NoError(t, err)
		require.Equal(t, known, at, "migrated by this release")
		require.Positive(t, known)

		require.NoError(t, store.DB().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", known+1, true).Error)
		done, err := store.Migrate(ctx)
		require.NoError(t, err)
		require.Equal(t, models.Migrated{Version: known + 1, Known: known, Applied: 0}, done)
		pending, err := store.PendingMigrations(ctx)
		require.NoError(t, err)
		require.False(t, pending)
	})
}

// A SQLite read model is readable by its owner alone, whichever command opens it first (migrate,
// api, worker, admin), as dev's is: it holds the customers' data keys and who did what for whom.
func TestSQLiteReadModelIsPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "readmodel.db")
	store, err := models.Open("sqlite:"+path, nil)
	require.NoError(t, err)
	_, err = store.Migrate(context.Background())
	require.NoError(t, err)
	require.NoError(t, store.Close())
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	require.NoError(t, os.Chmod(path, 0o644)) // as a copy made with the usual umask
	store, err = models.Open("sqlite:"+path, nil)
	require.NoError(t, err)
	require.NoError(t, store.Close())
	info, err = os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

// A workflow task the server throws away (Updates aborted under load and redelivered in another
// order) has written its state, events and notifications before the workflow writes its own from
// a task that started later. The workflow's write wins: its state even at a lower version, its
// events in place of those at their seqs (each row replaced kept in action_event_corrections),
// its inbox records in place of the others at their seqs; what lies past its version is not read
// as the timeline, nor kept in the inbox. A write from the discarded task that comes last changes
// nothing.
func TestProjectionReplacesWhatADiscardedTaskWrote(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		pending := actionAt("a1", 2, "handover_pending", "alice")
		pending.PendingHandoverID = "h1"
		asked := models.Notification{RecipientID: "bob", ActionID: "a1", Seq: 2, Kind: "handover_requested", ActorID: "alice", Cause: "request", Message: "take it", CreatedAt: t0}
		require.NoError(t, store.ApplyProjectionWithInbox(ctx, pending, []models.ActionEvent{event(1, "created"), event(2, "handover_requested")}, []models.Notification{asked}))
		require.NoError(t, store.DB().Model(&models.Notification{}).Where("recipient_id = ?", "bob").Update("read_at", t0.Add(2*time.Minute)).Error)

		// The discarded task: alice withdrew the handover, then added a note (version 4).
		at := t0.Add(3 * time.Minute)
		phantom := actionAt("a1", 4, "assigned", "alice")
		phantom.UpdatedAt = at
		withdrawn, noted := event(3, "handover_withdrawn"), event(4, "note_added")
		withdrawn.At, noted.At = at, at
		told := models.Notification{RecipientID: "bob", ActionID: "a1", Seq: 3, Kind: "handover_withdrawn", ActorID: "alice", Cause: "request", Message: "withdrawn", CreatedAt: at}
		toldNote := models.Notification{RecipientID: "carol", ActionID: "a1", Seq: 4, Kind: "note_added", ActorID: "alice", Cause: "request", Message: "noted", CreatedAt: at}
		require.NoError(t, store.ApplyProjectionWithInbox(ctx, phantom, []models.ActionEvent{withdrawn, noted}, []models.Notification{told, toldNote}))

		// The workflow's own, a second later: bob accepted first, and the withdrawal was refused.
		later := at.Add(time.Second)
		accepted := actionAt("a1", 3, "assigned", "bob")
		accepted.UpdatedAt = later
		acceptedEvent := event(3, "handover_accepted")
		acceptedEvent.At = later
		toAlice := models.Notification{RecipientID: "alice", ActionID: "a1", Seq: 3, Kind: "handover_accepted", ActorID: "bob", Cause: "request", Message: "accepted", CreatedAt: later}
		require.NoError(t, store.ApplyProjectionWithInbox(ctx, accepted, []models.ActionEvent{acceptedEvent}, []models.Notification{toAlice}))
		// The discarded task's write again, arriving last: nothing changes.
		require.NoError(t, store.ApplyProjectionWithInbox(ctx, phantom, []models.ActionEvent{withdrawn, noted}, []models.Notification{told, toldNote}))

		got, err := store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.Equal(t, []any{int64(3), "bob", "assigned"}, []any{got.Version, got.OwnerID, got.Status})
		events, err := store.ListEvents(ctx, "a1")
		require.NoError(t, err)
		var types []string
		for _, e := range events {
			types = append(types, e.Type)
		}
		require.Equal(t, []string{"created", "handover_requested", "handover_accepted"}, types, "the timeline the workflow holds")
		var kept []models.ActionEvent
		require.NoError(t, store.DB().Table("action_event_corrections").Select("action_id, seq, type").Find(&kept).Error)
		require.Len(t, kept, 1)
		require.Equal(t, "handover_withdrawn", kept[0].Type, "the row replaced is kept")
		require.ErrorContains(t, store.DB().Exec("DELETE FROM action_event_corrections").Error, "append-only")
		require.ErrorContains(t, store.DB().Exec("UPDATE action_events SET data = '{}' WHERE seq = 3").Error, "append-only",
			"any other change to the timeline is refused still")

		bob, err := store.ListNotifications(ctx, "bob", 10)
		require.NoError(t, err)
		require.Len(t, bob, 1, "bob was never told of a withdrawal")
		require.Equal(t, "handover_requested", bob[0].Kind)
		require.NotNil(t, bob[0].ReadAt, "the record still there keeps when it was read")
		carol, err := store.ListNotifications(ctx, "carol", 10)
		require.NoError(t, err)
		require.Empty(t, carol, "nothing past the workflow's version")
		alice, err := store.ListNotifications(ctx, "alice", 10)
		require.NoError(t, err)
		require.Len(t, alice, 1)
		require.Equal(t, "handover_accepted", alice[0].Kind)
	})
}

// The read model keeps why a paused action waits on the customer, and forgets it once the action
// runs again; the migration that brought it gives the actions paused before it the reason of
// their latest pause.
func TestPauseReason(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		paused := actionAt("p-now", 2, "assigned", "alice")
		paused.Paused, paused.PausedAt, paused.PauseReason = true, &t0, "waiting for the guest's passport"
		require.NoError(t, store.ApplyProjection(ctx, paused, nil))
		got, err := store.GetAction(ctx, "p-now")
		require.NoError(t, err)
		require.Equal(t, "waiting for the guest's passport", got.PauseReason)
		running := actionAt("p-now", 3, "assigned", "alice")
		require.NoError(t, store.ApplyProjection(ctx, running, nil))
		got, err = store.GetAction(ctx, "p-now")
		require.NoError(t, err)
		require.Empty(t, got.PauseReason)

		pausedEntry := func(seq int64, reason string) models.ActionEvent {
			e := event(seq, "paused")
			e.Data = `{"reason":"` + reason + `","status":"assigned"}`
			return e
		}
		before := actionAt("p-before", 4, "assigned", "alice")
		before.Paused, before.PausedAt = true, &t0
		require.NoError(t, store.ApplyProjection(ctx, before, []models.ActionEvent{event(1, "created"), pausedEntry(2, "first pause"),
			event(3, "resumed"), pausedEntry(4, "the guest calls back after 18:00")}))
		resumed := actionAt("p-resumed", 3, "assigned", "alice")
		require.NoError(t, store.ApplyProjection(ctx, resumed, []models.ActionEvent{event(1, "created"), pausedEntry(2, "a pause over"), event(3, "resumed")}))
		// As a read model of the release before: without the column, at the version before.
		migrateAgainFrom(t, store, 44)
		got, err = store.GetAction(ctx, "p-before")
		require.NoError(t, err)
		require.Equal(t, "the guest calls back after 18:00", got.PauseReason, "its latest pause's")
		got, err = store.GetAction(ctx, "p-resumed")
		require.NoError(t, err)
		require.Empty(t, got.PauseReason, "running: none")
	})
}

// The read model keeps why an escalated action is escalated and since when it is at its level,
// and forgets both once it is not; the migration that brought them gives the actions escalated
// before it those of their latest escalated entry.
func TestEscalationReason(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		at := t0.Add(time.Hour)
		escalated := actionAt("e-now", 2, "escalated", "alice")
		escalated.EscalationLevel, escalated.EscalationReason, escalated.EscalatedAt = 1, "no check was made within 1h of the due time", &at
		require.NoError(t, store.ApplyProjection(ctx, escalated, nil))
		got, err := store.GetAction(ctx, "e-now")
		require.NoError(t, err)
		require.Equal(t, "no check was made within 1h of the due time", got.EscalationReason)
		require.True(t, at.Equal(*got.EscalatedAt))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("e-now", 3, "assigned", "alice"), nil))
		got, err = store.GetAction(ctx, "e-now")
		require.NoError(t, err)
		require.Empty(t, got.EscalationReason)
		require.Nil(t, got.EscalatedAt)

		escalatedEntry := func(seq int64, reason string) models.ActionEvent {
			e := event(seq, "escalated")
			e.Data = `{"level":1,"reason":"` + reason + `","to_role":"supervisor"}`
			return e
		}
		before := actionAt("e-before", 3, "escalated", "alice")
		before.EscalationLevel = 2
		require.NoError(t, store.ApplyProjection(ctx, before, []models.ActionEvent{event(1, "created"), escalatedEntry(2, "VIP complaint"),
			escalatedEntry(3, "no action within 1h of the escalation")}))
		over := actionAt("e-over", 3, "assigned", "alice")
		require.NoError(t, store.ApplyProjection(ctx, over, []models.ActionEvent{event(1, "created"), escalatedEntry(2, "VIP complaint"), event(3, "extended")}))
		// As a read model of the release before: without the columns, at the version before.
		migrateAgainFrom(t, store, 50)
		got, err = store.GetAction(ctx, "e-before")
		require.NoError(t, err)
		require.Equal(t, "no action within 1h of the escalation", got.EscalationReason, "its latest escalation's")
		require.NotNil(t, got.EscalatedAt)
		require.True(t, t0.Add(3*time.Minute).Equal(*got.EscalatedAt), "when it reached its level: %v", got.EscalatedAt)
		got, err = store.GetAction(ctx, "e-over")
		require.NoError(t, err)
		require.Empty(t, got.EscalationReason, "no longer escalated: none")
		require.Nil(t, got.EscalatedAt)
	})
}

// The follow-ups due of a supervisor include those of the shift handovers they ran for someone
// else, whose reminders come to them too; not one whose owner has passed it on since, nor one
// the person handed over in their own shift handover (their own list has it).
func TestFollowUpsOfTheShiftHandoversRun(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		due := t0.Add(time.Hour)
		handed := func(id, from, to, startedBy, owner string) models.Action {
			a := actionAt(id, 3, "assigned", owner)
			a.HanderID, a.FollowUpAt = from, &due
			a.Handovers = []models.Handover{{ID: "h1", FromID: from, ToID: to, Reason: "shift", Method: "phone", Situation: "busy", Summary: "s",
				Status: "accepted", RequestedAt: t0, ShiftHandoverID: "sh-1", StartedBy: startedBy}}
			return a
		}
		handedOn := func(a models.Action) models.Action {
			a.OwnerID, a.HanderID = "alice", "bob"
			a.Handovers = append(a.Handovers, models.Handover{ID: "h2", FromID: "bob", ToID: "alice", Reason: "busy", Method: "phone", Situation: "busy", Summary: "s",
				Status: "accepted", RequestedAt: t0.Add(time.Minute)})
			return a
		}
		for _, a := range []models.Action{
			handed("ran", "erin", "bob", "carol", "bob"),              // Carol ran Erin's shift handover
			handed("own", "carol", "bob", "", "bob"),                  // Carol's own handover
			handedOn(handed("passed", "erin", "bob", "carol", "bob")), // handed on by Bob to Alice since
			handed("other", "erin", "bob", "dave", "bob"),             // a manager ran that one
			handed("notyet", "erin", "bob", "carol", "bob"),           // its follow-up not due yet
		} {
			switch a.ID {
			case "notyet":
				later := t0.Add(10 * time.Hour)
				a.FollowUpAt = &later
			case "ran":
				sooner := t0.Add(30 * time.Minute)
				a.FollowUpAt = &sooner
			}
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		in, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true, EscalatedFrom: 1}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"ran", "own"}, ids(in.FollowUpsDue), "the earliest follow-up first, from either list")
		erin, err := store.Inbox(ctx, models.InboxOf{StaffID: "erin", TeamID: "frontdesk"}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"ran", "other"}, ids(erin.FollowUpsDue), "the hander's own, as before")
	})
}
