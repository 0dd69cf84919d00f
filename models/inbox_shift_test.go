package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// An action its owner took over in a shift handover is at its due time the supervisors' to check
// as well (the workflow asks them: the hander has gone off shift), so their inbox lists it beside
// the team's actions nobody handed over; one handed over on its own is the hander's alone, also
// when the same two people passed it in a shift handover before.
func TestSupervisorChecksActionsTakenOverInAShift(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		// Alice, who handed them over, is still in the team (one who has left it is another case).
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Authority: 1, OnShift: true, Active: true}))
		handed := func(id string, handovers ...models.Handover) {
			t.Helper()
			a := actionAt(id, 1, "checking", "erin")
			a.DueAt, a.HanderID, a.Handovers = t0.Add(time.Hour), "alice", handovers
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		accepted := func(id, shift string, at time.Duration) models.Handover {
			return models.Handover{ID: id, FromID: "alice", ToID: "erin", Status: "accepted", RequestedAt: t0.Add(at), ShiftHandoverID: shift}
		}
		handed("in-shift", accepted("h1", "shift-1", 0))
		handed("alone", accepted("h1", "", 0))
		handed("shift-then-alone", accepted("h1", "shift-1", 0),
			models.Handover{ID: "h2", FromID: "erin", ToID: "alice", Status: "accepted", RequestedAt: t0.Add(time.Minute)},
			accepted("h3", "", 2*time.Minute))

		sup, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: "frontdesk", Supervisor: true}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.Equal(t, []string{"in-shift"}, ids(sup.ChecksDue))
		hander, err := store.Inbox(ctx, models.InboxOf{StaffID: "alice", TeamID: "frontdesk"}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"in-shift", "alone", "shift-then-alone"}, ids(hander.ChecksDue))
	})
}

// The actions whose pending handover was made in a shift handover are found with that shift
// handover's ID: not those pending in a handover of their own, nor those whose shift handover's
// handover was answered.
func TestPendingInShiftHandovers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		put := func(id, status, pending string, handovers ...models.Handover) {
			t.Helper()
			a := actionAt(id, 1, status, "alice")
			a.PendingHandoverID, a.Handovers = pending, handovers
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		h := func(id, status, shift string) models.Handover {
			return models.Handover{ID: id, FromID: "alice", ToID: "erin", Status: status, RequestedAt: t0, ShiftHandoverID: shift}
		}
		put("waiting", "handover_pending", "h2", h("h1", "declined", "shift-1"), h("h2", "pending", "shift-2"))
		put("alone", "handover_pending", "h1", h("h1", "pending", ""))
		put("answered", "assigned", "", h("h1", "declined", "shift-2"))
		got, err := store.PendingInShiftHandovers(ctx, []string{"waiting", "alone", "answered", "unknown"})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"waiting": "shift-2"}, got)
		got, err = store.PendingInShiftHandovers(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, got)
	})
}

// The supervisors' checks take in an action whose hander is not at work in its team (Staff.AtWorkIn),
// said in SQL for the inbox's lists and in Go where one person is looked up: both say the same of
// each kind of hander.
func TestHanderAwayAgreesInSQLAndGo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team, other := "frontdesk", "kitchen"
		for _, id := range []string{team, other} {
			require.NoError(t, store.SaveTeam(ctx, models.Team{ID: id, Name: id}))
		}
		handers := map[string]models.Staff{
			"at-work":   {Role: "agent", TeamID: &team, OnShift: true, Active: true},
			"off-shift": {Role: "agent", TeamID: &team, Active: true},
			"inactive":  {Role: "agent", TeamID: &team, OnShift: true},
			"moved":     {Role: "agent", TeamID: &other, OnShift: true, Active: true},
			"no-team":   {Role: "manager", OnShift: true, Active: true},
		}
		var away []string
		for id, st := range handers {
			st.ID, st.Name, st.Authority = id, id, 1
			require.NoError(t, store.SaveStaff(ctx, st))
			a := actionAt("of-"+id, 1, "checking", "erin")
			a.DueAt, a.HanderID = t0.Add(time.Hour), id
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
			saved, err := store.GetStaff(ctx, id)
			require.NoError(t, err)
			if !saved.AtWorkIn(team) {
				away = append(away, "of-"+id)
			}
		}
		require.Len(t, away, 4, "only the one at work is there")
		sup, err := store.Inbox(ctx, models.InboxOf{StaffID: "carol", TeamID: team, Supervisor: true}, t0.Add(2*time.Hour))
		require.NoError(t, err)
		require.ElementsMatch(t, away, ids(sup.ChecksDue))
	})
}

// A supervisor's inbox lists the team's open actions whose owner is away (not at work in the team:
// Staff.AtWorkIn), earliest due first: not one whose owner is at work, nor one escalated (in their
// escalations) or unassigned, nor their own. A manager's lists those of a team with no supervisor
// on shift.
func TestOwnedByPeopleAway(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team, other := "frontdesk", "kitchen"
		for _, id := range []string{team, other} {
			require.NoError(t, store.SaveTeam(ctx, models.Team{ID: id, Name: id}))
		}
		for id, st := range map[string]models.Staff{
			"at-work":   {Role: "agent", TeamID: &team, OnShift: true, Active: true},
			"off-shift": {Role: "agent", TeamID: &team, Active: true},
			"inactive":  {Role: "agent", TeamID: &team, OnShift: true},
			"moved":     {Role: "agent", TeamID: &other, OnShift: true, Active: true},
			"cook":      {Role: "agent", TeamID: &other, Active: true},
			"carol":     {Role: "supervisor", TeamID: &team, OnShift: true, Active: true},
			"dave":      {Role: "manager", OnShift: true, Active: true},
		} {
			st.ID, st.Name, st.Authority = id, id, 1
			require.NoError(t, store.SaveStaff(ctx, st))
		}
		due := 0
		put := func(id, owner, status, in string) {
			t.Helper()
			due++
			a := actionAt(id, 1, status, owner)
			a.TeamID, a.DueAt = in, t0.Add(time.Duration(10-due)*time.Hour) // each due before the one put before it
			require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		}
		put("of-at-work", "at-work", "assigned", team)
		put("of-off-shift", "off-shift", "assigned", team)
		put("of-inactive", "inactive", "handover_pending", team)
		put("of-moved", "moved", "checking", team)
		put("escalated", "off-shift", "escalated", team)
		put("unassigned", "", "unassigned", team)
		put("completed", "off-shift", "completed", team)
		put("carols", "carol", "assigned", team)
		put("kitchen", "cook", "assigned", other)

		carol := models.InboxOf{StaffID: "carol", TeamID: team, Supervisor: true, EscalatedFrom: 1}
		in, err := store.Inbox(ctx, carol, t0)
		require.NoError(t, err)
		require.Equal(t, []string{"of-moved", "of-inactive", "of-off-shift"}, ids(in.OwnedByPeopleAway), "due first")
		dave := models.InboxOf{StaffID: "dave", AllTeams: true, StandsIn: true, EscalatedFrom: 2}
		in, err = store.Inbox(ctx, dave, t0)
		require.NoError(t, err)
		require.Equal(t, []string{"kitchen"}, ids(in.OwnedByPeopleAway), "the kitchen has no supervisor on shift")
		in, err = store.Inbox(ctx, models.InboxOf{StaffID: "at-work", TeamID: team}, t0)
		require.NoError(t, err)
		require.Empty(t, in.OwnedByPeopleAway, "an agent's inbox has none")

		_, err = store.SetOnShift(ctx, "carol", "carol", false)
		require.NoError(t, err)
		in, err = store.Inbox(ctx, dave, t0)
		require.NoError(t, err)
		require.Equal(t, []string{"kitchen", "carols", "of-moved", "of-inactive", "of-off-shift"}, ids(in.OwnedByPeopleAway), "with Carol away, the desk's too, hers among them")
		_, err = store.SetOnShift(ctx, "off-shift", "off-shift", true)
		require.NoError(t, err)
		in, err = store.Inbox(ctx, carol, t0)
		require.NoError(t, err)
		require.Equal(t, []string{"of-moved", "of-inactive"}, ids(in.OwnedByPeopleAway), "back at work, theirs again")
	})
}
