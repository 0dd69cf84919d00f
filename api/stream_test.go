package api

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// The hub reads page after page: more changes in its look-back window than one page holds do not
// keep it from reaching the newest.
func TestChangeHubCatchesUpPastOnePage(t *testing.T) {
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	n := hubPage*2 + 100
	for i := range n {
		at := now.Add(time.Duration(i-n) * time.Millisecond)
		require.NoError(t, store.ApplyProjection(ctx, models.Action{
			ID: fmt.Sprintf("a%04d", i), Title: "t", Category: "request", Priority: "normal", Status: "assigned",
			OwnerID: "alice", TeamID: "frontdesk", CustomerRef: "C", DueAt: now.Add(time.Hour),
			CreatedBy: "alice", CreatedAt: at, UpdatedAt: at, Version: 1,
		}, nil))
	}
	hub := newChangeHub(store, slog.New(slog.DiscardHandler))
	hub.every = 20 * time.Millisecond
	ch := hub.subscribe()
	defer hub.unsubscribe(ch)
	seen := map[string]int{}
	read := func(d time.Duration, until string) {
		timeout := time.After(d)
		for until == "" || seen[until] == 0 {
			select {
			case c := <-ch:
				seen[c.ID]++
			case <-timeout:
				if until != "" {
					t.Fatalf("the change of %s never came; %d other changes did", until, len(seen))
				}
				return
			}
		}
	}
	read(time.Second, "") // the backlog: a reader this slow may miss some of it
	at := time.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, store.ApplyProjection(ctx, models.Action{
		ID: "fresh", Title: "t", Category: "request", Priority: "normal", Status: "assigned",
		OwnerID: "alice", TeamID: "frontdesk", CustomerRef: "C", DueAt: at.Add(time.Hour),
		CreatedBy: "alice", CreatedAt: at, UpdatedAt: at, Version: 1,
	}, nil))
	read(10*time.Second, "fresh")
	for id, times := range seen {
		require.Equal(t, 1, times, "the change of %s is sent once", id)
	}
}
