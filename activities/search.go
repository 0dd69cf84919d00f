package activities

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
)

// indexAtOnce is how many actions' customers the indexer opens and indexes in one go.
const indexAtOnce = 100

// CustomerIndexer writes the blind indexes customers are found by (pii.Sealer.SearchTokens) for
// the actions the projection marked (a create, a correction of the customer), off the commands'
// path: each worker runs one. It is no activity: no workflow waits for it.
type CustomerIndexer struct {
	Store  *models.Store
	Sealer *pii.Sealer
	Log    *slog.Logger
}

// Index writes the blind indexes of the customers of up to indexAtOnce actions marked for it,
// opening their keys in one read, and answers how many it indexed. Without a Sealer it indexes
// nothing.
func (x *CustomerIndexer) Index(ctx context.Context) (int, error) {
	if x.Sealer == nil {
		return 0, nil
	}
	pending, err := x.Store.PendingCustomerSearch(ctx, indexAtOnce)
	if err != nil || len(pending) == 0 {
		return 0, err
	}
	values := make([]*string, 0, 2*len(pending))
	for i := range pending {
		values = append(values, &pending[i].Name, &pending[i].Contact)
	}
	if err := x.Sealer.Opener(ctx).OpenAll(values...); err != nil {
		return 0, fmt.Errorf("opening customers to index: %w", err)
	}
	indexed := make([]models.IndexedCustomer, len(pending))
	for i, p := range pending {
		indexed[i] = models.IndexedCustomer{ActionID: p.ActionID, Version: p.Version, Tokens: x.Sealer.SearchTokens(p.Name, p.Contact)}
	}
	return len(indexed), x.Store.WriteCustomerSearch(ctx, indexed)
}

// Go runs Run in a goroutine of its own, from when ready is closed (nil: at once) until ctx ends,
// and answers a wait that returns once it has stopped: a process starts its indexer so and waits
// for it as it stops.
func (x *CustomerIndexer) Go(ctx context.Context, every time.Duration, ready <-chan struct{}) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if ready != nil {
			select {
			case <-ready:
			case <-ctx.Done():
				return
			}
		}
		x.Run(ctx, every)
	}()
	return func() { <-done }
}

// Run indexes the customers marked for it every interval until ctx ends: a search finds a new or
// corrected customer within about that. A failure (the read model away) is logged once until it
// indexes again.
func (x *CustomerIndexer) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := x.Index(ctx)
			if err != nil {
				if ctx.Err() == nil && !failing && x.Log != nil {
					x.Log.WarnContext(ctx, "customers not indexed for search; trying again", "error", err)
				}
				failing = true
				break
			}
			failing = false
			if n < indexAtOnce {
				break
			}
		}
	}
}
