package api

import (
	"sync"

	"github.com/handover/handover/models"
)

// routingClaims counts, per member of staff, the routed creates this process has given them and
// the read model does not show yet. The open workload routing compares is read from the read
// model, which holds a new action only once its create has answered: without the claims, routed
// creates arriving together all read the same counts and all go to the same least loaded person.
type routingClaims struct {
	mu sync.Mutex
	by map[string]int64
}

// pick chooses the least loaded of candidates (as RoutingCandidates orders them), counting the
// claims not yet written, and claims it until release is called: once the create has answered, or
// failed.
func (r *routingClaims) pick(candidates []models.Candidate) (id string, release func()) {
	if len(candidates) == 0 {
		return "", func() {}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.by == nil {
		r.by = map[string]int64{}
	}
	best := 0
	for i, c := range candidates {
		if c.OpenActions+r.by[c.ID] < candidates[best].OpenActions+r.by[candidates[best].ID] {
			best = i
		}
	}
	id = candidates[best].ID
	r.by[id]++
	var once sync.Once
	return id, func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.by[id]--; r.by[id] <= 0 {
				delete(r.by, id)
			}
		})
	}
}
