package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// Pages name a team by its name, as they name people: the board's heading (the viewer's own
// team and another's), the action page and the manager's review of one team.
func TestPagesNameTheTeam(t *testing.T) {
	u := newUIScale(t)
	id := uuid.NewString()
	require.NoError(t, u.store.ApplyProjection(context.Background(), models.Action{
		ID: id, Title: "Late checkout", Category: "request", Priority: "normal", Status: "assigned",
		OwnerID: "ann", TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(3600e9),
		CreatedBy: "ann", CreatedAt: u.now, UpdatedAt: u.now, Version: 1,
	}, nil))
	for _, tc := range []struct{ who, path, want string }{
		{"sue", "/board", "<h1>Team board: Team desk</h1>"},
		{"max", "/board?team=kitchen", "<h1>Team board: Team kitchen</h1>"},
		{"sue", "/actions/" + id, "<dt>Team</dt><dd>Team desk</dd>"},
		{"max", "/manager?team=desk&days=7", "Handover review, last 7 days (Team desk)"},
		{"max", "/manager?team=desk&days=7", "<h1>All teams, and the handover review of Team desk</h1>"},
		{"max", "/manager", "<h1>All teams</h1>"},
		{"sue", "/manager", "<h1>Handover review of Team desk</h1>"},
	} {
		status, page := u.get(tc.who, tc.path)
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, tc.want, tc.path)
	}
	status, _ := u.get("max", "/board?team=nowhere")
	require.Equal(t, http.StatusNotFound, status, "another team's board must exist")
}
