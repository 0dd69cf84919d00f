package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// The pending handover of a paused action says that its time to answer is on hold: its
// expires_at stays where it stood when the action was paused, and may be past meanwhile.
func TestPendingHandoverOfAPausedActionIsOnHold(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 22, 36, 0, 0, time.UTC)
	expired := now.Add(-4 * time.Second)
	s := workflows.State{ID: "a1", Status: workflows.StatusHandoverPending, OwnerID: "alice", PendingHandoverID: "h2",
		Handovers: []workflows.Handover{
			{ID: "h1", FromID: "bob", ToID: "alice", Status: workflows.HandoverAccepted, RequestedAt: now.Add(-time.Hour)},
			{ID: "h2", FromID: "alice", ToID: "bob", Status: workflows.HandoverPending, RequestedAt: now.Add(-time.Minute), ExpiresAt: &expired},
		}}
	onHold := func(s workflows.State) (pending any, past []any) {
		body, err := json.Marshal(renderState(s))
		require.NoError(t, err)
		var a struct {
			Pending   map[string]any   `json:"pending_handover"`
			Handovers []map[string]any `json:"handovers"`
		}
		require.NoError(t, json.Unmarshal(body, &a))
		return a.Pending["on_hold"], []any{a.Handovers[0]["on_hold"], a.Handovers[1]["on_hold"]}
	}
	pending, all := onHold(s)
	require.Nil(t, pending, "running: no on_hold")
	require.Equal(t, []any{nil, nil}, all)
	s.Paused, s.PausedAt = true, &expired
	pending, all = onHold(s)
	require.Equal(t, true, pending)
	require.Equal(t, []any{nil, true}, all, "only the pending handover")
}
