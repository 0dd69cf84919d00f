package api

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
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
