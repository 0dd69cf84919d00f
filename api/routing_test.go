package api

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Routed creates in flight count as open work: three at once go to three people, not all to the
// one the read model shows least loaded, and a claim ends when its create has answered.
func TestRoutingClaimsSpreadCreatesInFlight(t *testing.T) {
	t.Parallel()
	cand := func(id string, open int64) models.Candidate {
		return models.Candidate{Staff: models.Staff{ID: id}, OpenActions: open}
	}
	team := []models.Candidate{cand("ann", 0), cand("ben", 0), cand("cat", 1)}
	r := &routingClaims{}
	first, releaseFirst := r.pick(team)
	second, releaseSecond := r.pick(team)
	third, releaseThird := r.pick(team)
	require.Equal(t, []string{"ann", "ben", "ann"}, []string{first, second, third}, "ann and ben at 1 in flight, cat at 1 open: the first in order")
	releaseFirst()
	releaseFirst() // a second call changes nothing
	fourth, releaseFourth := r.pick(team)
	require.Equal(t, "ann", fourth, "ann has one claim left, as many as ben's and cat's open action")
	releaseSecond()
	releaseThird()
	releaseFourth()
	require.Empty(t, r.by, "every claim ended")
	none, releaseNone := r.pick(nil)
	require.Empty(t, none)
	releaseNone()
}

// A request's handovers read each team's candidates once per authority needed, spread the actions
// over them by open work plus what the request already gives each one, pass over the outgoing
// person, and hand over to the candidate as read (no second read of their staff row).
func TestRouterReadsEachTeamOnceAndSpreads(t *testing.T) {
	t.Parallel()
	team := func(id string) *string { return &id }
	reads := map[routeKey]int{}
	teams := map[routeKey][]models.Candidate{
		{"desk", 1}: {
			{Staff: models.Staff{ID: "out", Name: "Out", Role: "agent", TeamID: team("desk"), Authority: 3, OnShift: true, Active: true}, OpenActions: 0},
			{Staff: models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: team("desk"), Authority: 1, OnShift: true, Active: true}, OpenActions: 1},
			{Staff: models.Staff{ID: "ben", Name: "Ben", Role: "agent", TeamID: team("desk"), Authority: 2, OnShift: true, Active: true}, OpenActions: 2},
		},
		{"desk", 2}: {
			{Staff: models.Staff{ID: "ben", Name: "Ben", Role: "agent", TeamID: team("desk"), Authority: 2, OnShift: true, Active: true}, OpenActions: 2},
		},
		{"spa", 1}: {},
	}
	r := &router{
		candidates: func(_ context.Context, teamID string, authority int) ([]models.Candidate, error) {
			key := routeKey{teamID, authority}
			reads[key]++
			return teams[key], nil
		},
		exclude: "out", planned: map[string]int64{}, read: map[routeKey][]models.Candidate{},
	}
	var got []string
	for _, a := range []models.Action{
		{TeamID: "desk", RequiredAuthority: 1}, {TeamID: "desk", RequiredAuthority: 1},
		{TeamID: "desk", RequiredAuthority: 2}, {TeamID: "desk", RequiredAuthority: 1},
		{TeamID: "spa", RequiredAuthority: 1}, {TeamID: "desk", RequiredAuthority: 1},
	} {
		to, ok, err := r.pick(context.Background(), a)
		require.NoError(t, err)
		if !ok {
			got = append(got, "-")
			continue
		}
		got = append(got, to.ID)
	}
	// ann 1 -> 2, then ann 2 and ben 2: ann first in order -> 3; ben 2 -> 3 (authority 2);
	// ann 3, ben 3: ann -> 4; nobody in spa; ann 4, ben 3: ben.
	require.Equal(t, []string{"ann", "ann", "ben", "ann", "-", "ben"}, got)
	require.Equal(t, map[routeKey]int{{"desk", 1}: 1, {"desk", 2}: 1, {"spa", 1}: 1}, reads, "one read per team and authority")

	to, ok, err := r.pick(context.Background(), models.Action{TeamID: "desk", RequiredAuthority: 2})
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, workflows.Recipient{ID: "ben", Name: "Ben", Role: workflows.RoleAgent, TeamID: "desk", Authority: 2, OnShift: true, Active: true}, to)
}
