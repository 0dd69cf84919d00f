package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// When the read-model database is unreachable, commands on existing actions keep working through
// their workflows: the caller is known from a recent successful authentication, and the action's
// scope from the workflow itself. Anything else waits for the database.

// outageGrace is how long a successful authentication may stand in for the database while it is
// unreachable. A token revoked within this window before an outage keeps working until the
// database is back or the window ends.
const outageGrace = 5 * time.Minute

// authMemory remembers who each token belonged to at its last successful check.
type authMemory struct {
	mu sync.Mutex
	by map[[32]byte]rememberedStaff
}

type rememberedStaff struct {
	staff models.Staff
	at    time.Time
}

func (m *authMemory) remember(token string, st models.Staff, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.by == nil {
		m.by = map[[32]byte]rememberedStaff{}
	}
	if len(m.by) > 10000 {
		clear(m.by)
	}
	m.by[sha256.Sum256([]byte(token))] = rememberedStaff{staff: st, at: now}
}

func (m *authMemory) forget(token string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.by, sha256.Sum256([]byte(token)))
}

// recall returns who the token belonged to, if it was checked within outageGrace.
func (m *authMemory) recall(token string, now time.Time) (models.Staff, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.by[sha256.Sum256([]byte(token))]
	if !ok || now.Sub(r.at) > outageGrace || !r.staff.Active {
		return models.Staff{}, false
	}
	return r.staff, true
}

// liveStateKey holds, on a request whose action was loaded from its workflow rather than the read
// model, the workflow's state, so that a read can answer with all of it.
const liveStateKey = "handover.live-state"

// liveAction loads the action from its workflow, for when the read model cannot answer for it: the
// database is down, or the action's first projection has not reached it yet (a create answered
// while the database was down is projected once it is back, within a few seconds). It reports
// false for an action that does not exist or is outside the caller's scope.
func (s *server) liveAction(c *gin.Context, id string) (models.Action, bool) {
	if s.Temporal == nil {
		return models.Action{}, false
	}
	state, err := s.liveState(c.Request.Context(), id)
	if err != nil || state.ID != id || !inScope(principal(c), state.TeamID) {
		return models.Action{}, false
	}
	c.Set(liveStateKey, state)
	return models.Action{ID: state.ID, TeamID: state.TeamID, CustomerRef: state.Customer.Ref, Status: string(state.Status), Version: state.Version}, true
}

// liveState is the action's state as its workflow holds it, asked for within 5 s.
func (s *server) liveState(ctx context.Context, id string) (workflows.State, error) {
	var state workflows.State
	if s.Temporal == nil {
		return state, errors.New("no workflow engine to ask")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := queryWorkflow(ctx, s.Temporal, workflows.ActionWorkflowID(id), workflows.QueryState)
	if err == nil {
		err = v.Get(&state)
	}
	return state, err
}
