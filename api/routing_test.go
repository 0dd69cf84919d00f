package api

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

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
