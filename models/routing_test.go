package models_test

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// Routing's candidates are the team's active, on-shift agents with the authority, least open work
// first, where open work is the open actions they own and the handovers waiting for their
// acceptance; every field of the person comes with them.
func TestRoutingCandidatesCountPendingHandoversAsWork(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		for _, st := range []models.Staff{
			{ID: "alice", Name: "Alice", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true},
			{ID: "bob", Name: "Bob", Role: "agent", TeamID: &team, Authority: 2, Active: true, OnShift: true},
			{ID: "cara", Name: "Cara", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true},
			{ID: "dan", Name: "Dan", Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: false},
			{ID: "sue", Name: "Sue", Role: "supervisor", TeamID: &team, Authority: 3, Active: true, OnShift: true},
		} {
			require.NoError(t, store.SaveStaff(ctx, st))
		}
		// alice owns one open action and one completed; bob owns none but has two handovers
		// offered to him (one still pending, one he declined); cara owns nothing.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a1", 1, "assigned", "alice"), nil))
		require.NoError(t, store.ApplyProjection(ctx, actionAt("a2", 1, "completed", "alice"), nil))
		offer := func(id, to, status string) models.Action {
			a := actionAt(id, 2, "handover_pending", "alice")
			if status != "pending" {
				a.Status = "assigned"
			} else {
				a.PendingHandoverID = id + "-h"
			}
			a.Handovers = []models.Handover{{ID: id + "-h", FromID: "alice", ToID: to, Reason: "shift", Method: "phone", Situation: "busy", Summary: "s", Status: status, RequestedAt: t0}}
			return a
		}
		require.NoError(t, store.ApplyProjection(ctx, offer("a3", "bob", "pending"), nil))
		require.NoError(t, store.ApplyProjection(ctx, offer("a4", "bob", "declined"), nil))

		got, err := store.RoutingCandidates(ctx, team, 1)
		require.NoError(t, err)
		load := map[string]int64{}
		var order []string
		for _, c := range got {
			load[c.ID] = c.OpenActions
			order = append(order, c.ID)
		}
		// alice now owns a1, a3 and a4 (open): 3; bob 1 pending handover; cara 0.
		require.Equal(t, []string{"cara", "bob", "alice"}, order, "dan is off shift, sue is no agent")
		require.Equal(t, map[string]int64{"alice": 3, "bob": 1, "cara": 0}, load)
		require.Equal(t, "Cara", got[0].Name)
		require.Equal(t, team, *got[0].TeamID)
		require.True(t, got[0].Active && got[0].OnShift)
		require.Equal(t, 2, got[1].Authority)

		got, err = store.RoutingCandidates(ctx, team, 2)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "bob", got[0].ID)
	})
}

// A routed create's claim counts as open work of its owner until the action is in the read model
// (or for RoutingClaimTTL), so creates in flight spread over the team; a released claim counts no
// more.
func TestRoutingClaimsCountUntilTheActionIsWritten(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		team := "frontdesk"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
		for _, id := range []string{"ann", "ben", "cat"} {
			require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: true}))
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("open-cat", 1, "assigned", "cat"), nil))
		var got []string
		for _, id := range []string{"n1", "n2", "n3"} {
			owner, err := store.ClaimRoutedOwner(ctx, team, 1, id)
			require.NoError(t, err)
			got = append(got, owner.ID)
		}
		require.Equal(t, []string{"ann", "ben", "ann"}, got, "ann and ben at 1 in flight, cat at 1 open: the first in order")

		// n1 is written (owned by ann): its claim no longer counts beside the action itself.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("n1", 1, "assigned", "ann"), nil))
		load := func() map[string]int64 { return openWork(t, store, team) }
		require.Equal(t, map[string]int64{"ann": 2, "ben": 1, "cat": 1}, load())
		require.NoError(t, store.ReleaseRoutingClaim(ctx, "n3"))
		require.NoError(t, store.ReleaseRoutingClaim(ctx, "n3"), "again: nothing to release")
		require.Equal(t, map[string]int64{"ann": 1, "ben": 1, "cat": 1}, load())

		// A claim older than the TTL (its create failed in a process that stopped) counts no more,
		// and the next claim deletes it.
		old := time.Now().Add(-models.RoutingClaimTTL - time.Second).UTC()
		require.NoError(t, store.DB().Create(&models.RoutingClaim{ActionID: "lost", StaffID: "cat", ClaimedAt: old}).Error)
		require.Equal(t, map[string]int64{"ann": 1, "ben": 1, "cat": 1}, load())
		_, err := store.ClaimRoutedOwner(ctx, team, 1, "n4")
		require.NoError(t, err)
		var left int64
		require.NoError(t, store.DB().Model(&models.RoutingClaim{}).Where("action_id = ?", "lost").Count(&left).Error)
		require.Zero(t, left)

		// Nobody eligible: nobody claimed.
		owner, err := store.ClaimRoutedOwner(ctx, team, 5, "n5")
		require.NoError(t, err)
		require.Empty(t, owner.ID)
	})
}

// One request's handovers (a shift handover's actions) go each to the least loaded eligible agent
// of the action's team other than the person handing over, counting what the request already
// gives each one. Each recipient is claimed for their action: the claim counts as their open work
// until the handover waits for them (or the action is theirs), and no more once released.
func TestHandoverClaimsSpreadARequestAndCountUntilWaiting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		desk, spa := "frontdesk", "spa"
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: desk, Name: "Front desk"}))
		require.NoError(t, store.SaveTeam(ctx, models.Team{ID: spa, Name: "Spa"}))
		for _, st := range []models.Staff{
			{ID: "out", Name: "Out", Role: "agent", TeamID: &desk, Authority: 3, Active: true, OnShift: true},
			{ID: "ann", Name: "Ann", Role: "agent", TeamID: &desk, Authority: 1, Active: true, OnShift: true},
			{ID: "ben", Name: "Ben", Role: "agent", TeamID: &desk, Authority: 2, Active: true, OnShift: true},
		} {
			require.NoError(t, store.SaveStaff(ctx, st))
		}
		require.NoError(t, store.ApplyProjection(ctx, actionAt("ann-1", 1, "assigned", "ann"), nil))
		for _, id := range []string{"ben-1", "ben-2"} {
			require.NoError(t, store.ApplyProjection(ctx, actionAt(id, 1, "assigned", "ben"), nil))
		}
		routes := []models.Route{
			{ActionID: "r1", TeamID: desk, Authority: 1}, {ActionID: "r2", TeamID: desk, Authority: 1},
			{ActionID: "r3", TeamID: desk, Authority: 2}, {ActionID: "r4", TeamID: desk, Authority: 1},
			{ActionID: "r5", TeamID: spa, Authority: 1}, {ActionID: "r6", TeamID: desk, Authority: 1},
		}
		for _, r := range routes {
			if r.TeamID == desk {
				require.NoError(t, store.ApplyProjection(ctx, actionAt(r.ActionID, 1, "assigned", "lee"), nil))
			}
		}
		got, err := store.ClaimRecipients(ctx, "shift-1", "out", routes)
		require.NoError(t, err)
		var names []string
		for _, st := range got {
			names = append(names, cmp.Or(st.Name, "-"))
		}
		// The actions are lee's (gone from the team); out, handing them over, owns none and is
		// passed over. ann 1 -> 2, then ann 2 and ben 2: ann first in order -> 3; ben 2 -> 3
		// (authority 2); ann 3, ben 3: ann -> 4; nobody in spa; ann 4, ben 3: ben.
		require.Equal(t, []string{"Ann", "Ann", "Ben", "Ann", "-", "Ben"}, names)
		require.Equal(t, desk, *got[0].TeamID, "the person as read, every field")

		load := func() map[string]int64 { return openWork(t, store, desk) }
		require.Equal(t, map[string]int64{"ann": 4, "ben": 4, "out": 0}, load(), "the claims count as open work")

		// r1's handover waits for ann: counted once, as a pending handover, not twice.
		pending := actionAt("r1", 2, "handover_pending", "lee")
		pending.PendingHandoverID = "h1"
		pending.Handovers = []models.Handover{{ID: "h1", FromID: "lee", ToID: "ann", Reason: "shift", Method: "report", Situation: "busy", Summary: "s", Status: "pending", RequestedAt: t0}}
		require.NoError(t, store.ApplyProjection(ctx, pending, nil))
		require.Equal(t, map[string]int64{"ann": 4, "ben": 4, "out": 0}, load())
		// r3 reassigned to ben: his as an owned action, not also as a claim.
		require.NoError(t, store.ApplyProjection(ctx, actionAt("r3", 2, "assigned", "ben"), nil))
		require.Equal(t, map[string]int64{"ann": 4, "ben": 4, "out": 0}, load())
		// r2's handover answered (refused): the claim is taken back; another request's is left alone.
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "r2", "shift-1"))
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "r4", "shift-2"), "not shift-2's claim: nothing to release")
		require.Equal(t, map[string]int64{"ann": 3, "ben": 4, "out": 0}, load())

		// A second request for r6 (sent twice) claims someone too; taking back its own claim
		// leaves the first request's.
		again, err := store.ClaimRecipients(ctx, "handover-2", "out", []models.Route{{ActionID: "r6", TeamID: desk, Authority: 1}})
		require.NoError(t, err)
		require.Equal(t, "ann", again[0].ID, "ann 3, ben 4")
		require.Equal(t, map[string]int64{"ann": 4, "ben": 4, "out": 0}, load())
		require.NoError(t, store.ReleaseHandoverClaim(ctx, "r6", "handover-2"))
		require.Equal(t, map[string]int64{"ann": 3, "ben": 4, "out": 0}, load(), "ben's claim for r6 (shift-1's) still counts")

		// A long shift handover renews its claims as it goes: past the TTL they count again.
		old := time.Now().Add(-models.RoutingClaimTTL - time.Second).UTC()
		require.NoError(t, store.DB().Model(&models.RoutingClaim{}).Where("request_id = ?", "shift-1").Update("claimed_at", old).Error)
		require.Equal(t, map[string]int64{"ann": 2, "ben": 3, "out": 0}, load(), "r4 and r6 no longer counted")
		require.NoError(t, store.RenewHandoverClaims(ctx, "shift-1"))
		require.Equal(t, map[string]int64{"ann": 3, "ben": 4, "out": 0}, load())
	})
}

// Routing through several API processes at once (two stores on one PostgreSQL database) is spread
// as if the requests came one after another: 40 routed creates, or 8 shift handovers of 5 actions
// each (the outgoing person passed over), over 4 people is 10 each.
func TestRoutingClaimsSpreadAcrossProcesses(t *testing.T) {
	url := modelstest.PostgresURL(t) // skips, saying so, without PostgreSQL
	for name, tc := range map[string]struct {
		requests int
		claim    func(store *models.Store, team string, i int) ([]models.Staff, error)
	}{
		"creates": {40, func(store *models.Store, team string, i int) ([]models.Staff, error) {
			owner, err := store.ClaimRoutedOwner(context.Background(), team, 1, fmt.Sprintf("a%02d", i))
			return []models.Staff{owner}, err
		}},
		"shift handovers": {8, func(store *models.Store, team string, i int) ([]models.Staff, error) {
			var routes []models.Route
			for j := range 5 {
				routes = append(routes, models.Route{ActionID: fmt.Sprintf("s%d-a%d", i, j), TeamID: team, Authority: 1})
			}
			return store.ClaimRecipients(context.Background(), fmt.Sprintf("shift-%d", i), "out", routes)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			stores := []*models.Store{modelstest.Open(t, url), modelstest.Open(t, url)}
			ctx := context.Background()
			team := "frontdesk"
			require.NoError(t, stores[0].SaveTeam(ctx, models.Team{ID: team, Name: "Front desk"}))
			for _, id := range []string{"ann", "ben", "cat", "dan", "out"} {
				// out is off shift for the creates, and on shift, but handing over, for the shifts.
				onShift := id != "out" || name != "creates"
				require.NoError(t, stores[0].SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: "agent", TeamID: &team, Authority: 1, Active: true, OnShift: onShift}))
			}
			chosen := make(chan string, 40)
			var wg sync.WaitGroup
			for i := range tc.requests {
				wg.Go(func() {
					got, err := tc.claim(stores[i%2], team, i)
					assert.NoError(t, err)
					for _, st := range got {
						chosen <- st.ID
					}
				})
			}
			wg.Wait()
			close(chosen)
			count := map[string]int{}
			for id := range chosen {
				count[id]++
			}
			require.Equal(t, map[string]int{"ann": 10, "ben": 10, "cat": 10, "dan": 10}, count)
		})
	}
}

// openWork is the open work routing counts for each candidate of team with authority 1.
func openWork(t *testing.T, store *models.Store, team string) map[string]int64 {
	t.Helper()
	cs, err := store.RoutingCandidates(context.Background(), team, 1)
	require.NoError(t, err)
	out := map[string]int64{}
	for _, c := range cs {
		out[c.ID] = c.OpenActions
	}
	return out
}
