package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
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

// actionFromWorkflow is the action as its workflow holds it, for when the read model is down.
func (s *server) actionFromWorkflow(ctx context.Context, id string) (models.Action, error) {
	v, err := s.Temporal.QueryWorkflow(ctx, workflows.ActionWorkflowID(id), "", workflows.QueryState)
	var state workflows.State
	if err == nil {
		err = v.Get(&state)
	}
	if err != nil {
		return models.Action{}, fmt.Errorf("read model unavailable and action %s not answering: %w", id, err)
	}
	return models.Action{ID: state.ID, TeamID: state.TeamID, CustomerRef: state.Customer.Ref, Status: string(state.Status), Version: state.Version}, nil
}

// loadScopedOrLive is loadScoped, falling back to the workflow when the read model is down.
func (s *server) loadScopedOrLive(c *gin.Context, err error) (models.Action, error) {
	if err == nil || errors.Is(err, models.ErrNotFound) || s.Temporal == nil {
		return models.Action{}, err
	}
	var apiErr *apiError
	if errors.As(err, &apiErr) {
		return models.Action{}, err
	}
	a, qerr := s.actionFromWorkflow(c.Request.Context(), c.Param("id"))
	if qerr != nil || !inScope(principal(c), a.TeamID) {
		return models.Action{}, err
	}
	s.Log.WarnContext(c.Request.Context(), "read model unavailable; action loaded from its workflow", "action_id", a.ID, "error", err)
	return a, nil
}
