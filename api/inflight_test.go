package api

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Each action's workflow is sent at most updatesPerAction Updates at once: one more waits for a
// turn (or its time runs out), other actions are not held up, and an action with none in flight
// is forgotten.
func TestUpdatesPerActionTakeTurns(t *testing.T) {
	t.Parallel()
	var turns actionTurns
	ctx := context.Background()
	var held []func()
	for range updatesPerAction {
		release, err := turns.take(ctx, "a1")
		require.NoError(t, err)
		held = append(held, release)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err := turns.take(short, "a1")
	require.ErrorIs(t, err, context.DeadlineExceeded, "one more waits its turn, within its time")
	other, err := turns.take(ctx, "a2")
	require.NoError(t, err, "another action has turns of its own")
	other()

	got := make(chan error, 1)
	go func() {
		release, err := turns.take(ctx, "a1")
		if err == nil {
			release()
		}
		got <- err
	}()
	select {
	case <-got:
		t.Fatal("a turn was given past the bound")
	case <-time.After(20 * time.Millisecond):
	}
	held[0]()
	require.NoError(t, <-got, "a turn given back is taken")
	for _, release := range held[1:] {
		release()
	}
	turns.mu.Lock()
	defer turns.mu.Unlock()
	require.Empty(t, turns.by, "nothing in flight: nothing kept")
}
