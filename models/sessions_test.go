package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

func TestUISessionsLiveOnTheirToken(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "alice", Name: "Alice", Role: "agent", Active: true}))
		token, err := store.IssueToken(ctx, "test-admin", "alice", "browser")
		require.NoError(t, err)

		_, err = store.OpenSession(ctx, "not-a-token", t0, time.Hour)
		require.True(t, errors.Is(err, models.ErrNotFound), "an unknown token opens no session: %v", err)

		s, err := store.OpenSession(ctx, token, t0, time.Hour)
		require.NoError(t, err)
		require.Equal(t, "alice", s.Staff.ID)
		require.NotEmpty(t, s.CSRF)
		require.NotEqual(t, s.ID, s.CSRF)

		st, csrf, err := store.SessionStaff(ctx, s.ID, t0.Add(30*time.Minute))
		require.NoError(t, err)
		require.Equal(t, "alice", st.ID)
		require.Equal(t, s.CSRF, csrf)

		_, _, err = store.SessionStaff(ctx, s.ID, t0.Add(2*time.Hour))
		require.True(t, errors.Is(err, models.ErrNotFound), "an expired session is gone: %v", err)
		_, _, err = store.SessionStaff(ctx, "guess", t0)
		require.True(t, errors.Is(err, models.ErrNotFound), "an unknown id is no session: %v", err)

		// Closing ends it; revoking the token ends every session opened with it.
		closed, err := store.OpenSession(ctx, token, t0, time.Hour)
		require.NoError(t, err)
		require.NoError(t, store.CloseSession(ctx, closed.ID))
		_, _, err = store.SessionStaff(ctx, closed.ID, t0)
		require.True(t, errors.Is(err, models.ErrNotFound))

		_, err = store.RevokeTokens(ctx, "test-admin", "alice")
		require.NoError(t, err)
		_, _, err = store.SessionStaff(ctx, s.ID, t0.Add(time.Minute))
		require.True(t, errors.Is(err, models.ErrNotFound), "a revoked token's session is gone: %v", err)
	})
}
