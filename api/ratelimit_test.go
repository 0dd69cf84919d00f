package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

func TestRateLimitPerToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	team := "desk"
	require.NoError(t, store.SaveTeam(ctx, models.Team{ID: team, Name: "Desk"}))
	for _, id := range []string{"ann", "ben"} {
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: id, Name: id, Role: "agent", TeamID: &team, Active: true, OnShift: true}))
		require.NoError(t, store.AddToken(ctx, id, "token-"+id, "test"))
	}
	h := newEngine(Deps{Store: store, RateLimit: RateLimit{Rate: 0.5, Burst: 2}})
	get := func(token string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(rec, req)
		return rec
	}
	require.Equal(t, http.StatusOK, get("token-ann").Code)
	require.Equal(t, http.StatusOK, get("token-ann").Code)
	limited := get("token-ann")
	require.Equal(t, http.StatusTooManyRequests, limited.Code)
	require.Equal(t, "application/problem+json", limited.Header().Get("Content-Type"))
	require.Equal(t, "2", limited.Header().Get("Retry-After"), "one request every 2 s")
	require.Equal(t, http.StatusOK, get("token-ben").Code, "each token has its own budget")
}
