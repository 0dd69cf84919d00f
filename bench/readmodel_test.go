package bench_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/handover/handover/bench"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/pii"
)

// BenchmarkReadModel100k seeds a PostgreSQL read model with 100,000 actions and their timelines,
// then times each read the API makes; p50 and p99 are reported beside ns/op. It needs
// HANDOVER_TEST_POSTGRES_URL and skips without it.
func BenchmarkReadModel100k(b *testing.B) {
	store := modelstest.Open(b, modelstest.PostgresURL(b))
	ctx := context.Background()
	opt := bench.ReadModelOptions{Actions: 100_000}
	seeded, err := bench.Seed(ctx, store, opt)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range bench.ReadQueries(store, seeded) {
		b.Run(q.Name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := q.Run(ctx, i); err != nil {
					b.Fatal(err)
				}
				i++
			}
			f, err := q.Measure(ctx, 200)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(f.P50Ms, "p50-ms")
			b.ReportMetric(f.P99Ms, "p99-ms")
		})
	}
}

// TestReadQueriesSmall runs every read-model query, and every read through the HTTP API, on a
// small seeded read model of each backend, so the reads the benchmark times are known to work (and
// to find rows, with the customers' sealed data opened) on both.
func TestReadQueriesSmall(t *testing.T) {
	for _, backend := range modelstest.Backends() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			store := modelstest.Open(t, backend.URL(t))
			ctx := context.Background()
			keys, err := codec.NewKeyring(codec.NewKey())
			if err != nil {
				t.Fatal(err)
			}
			sealer := &pii.Sealer{Keys: keys, Store: store}
			seeded, err := bench.Seed(ctx, store, bench.ReadModelOptions{Actions: 2000, Teams: 4, Sealer: sealer})
			if err != nil {
				t.Fatal(err)
			}
			var name string
			if err := store.DB().Model(&models.Action{}).Limit(1).Pluck("customer_name", &name).Error; err != nil {
				t.Fatal(err)
			}
			if !pii.IsSealed(name) {
				t.Fatalf("a seeded customer's name is stored as %q, not sealed", name)
			}
			// The seed is a read model the product could have written: an action waiting for an
			// acceptance has the handover it waits on (the board's and the inbox's reads join it).
			var orphans int64
			if err := store.DB().Model(&models.Action{}).Where("status = ? AND (pending_handover_id = '' OR pending_handover_id IS NULL OR pending_handover_id NOT IN (?))",
				"handover_pending", store.DB().Model(&models.Handover{}).Select("id").Where("status = ?", "pending")).Count(&orphans).Error; err != nil {
				t.Fatal(err)
			}
			if orphans != 0 {
				t.Fatalf("%d seeded actions wait for an acceptance without a pending handover", orphans)
			}
			if seeded.Events < 3*2000 {
				t.Fatalf("seeded %d events for 2000 actions, want at least 3 each", seeded.Events)
			}
			// Each completed action's timeline ends in its one completion; an open one has none.
			var wrong int64
			if err := store.DB().Model(&models.Action{}).Where(
				"(status = 'completed') <> EXISTS (SELECT 1 FROM action_events e WHERE e.action_id = actions.id AND e.type = 'completed' AND e.seq = actions.version) OR " +
					"(SELECT COUNT(*) FROM action_events e WHERE e.action_id = actions.id AND e.type = 'completed') > 1").Count(&wrong).Error; err != nil {
				t.Fatal(err)
			}
			if wrong != 0 {
				t.Fatalf("%d seeded actions have a timeline that does not end in one completion exactly when completed", wrong)
			}
			if seeded.Notifications < 2*2000 {
				t.Fatalf("seeded %d inbox records for 2000 actions, want at least 2 each", seeded.Notifications)
			}
			// A seeded customer is found by a word of their name and by their number, and only they.
			var ref string
			if err := store.DB().Model(&models.Action{}).Where("id = ?", seeded.Actions[0]).Pluck("customer_ref", &ref).Error; err != nil {
				t.Fatal(err)
			}
			var k int
			if _, err := fmt.Sscanf(ref, "C-%06d", &k); err != nil {
				t.Fatalf("customer reference %q: %v", ref, err)
			}
			for _, query := range []string{fmt.Sprintf("Guest%06d", k), fmt.Sprintf("07700 %06d", k)} {
				rows, _, err := store.ListActions(ctx, models.ActionFilter{Customer: seeded.Search.QueryTokens(query), Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, a := range rows {
					found = found || a.ID == seeded.Actions[0]
					if a.CustomerRef != ref {
						t.Errorf("%q found %s's action %s", query, a.CustomerRef, a.ID)
					}
				}
				if !found {
					t.Errorf("%q did not find the action of customer %s", query, ref)
				}
			}
			for _, q := range bench.ReadQueries(store, seeded) {
				rows, err := q.Run(ctx, 1)
				if err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				if rows == 0 && q.Name != "list customer_ref" && !strings.HasPrefix(q.Name, "find") {
					t.Errorf("%s found nothing in the seeded read model", q.Name)
				}
			}
			srv, err := bench.StartReadAPI(ctx, store, sealer, seeded)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range srv.Queries() {
				rows, err := q.Run(ctx, 1)
				if err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				if rows == 0 && !strings.Contains(q.Name, "find") { // a customer's reference may be in no action of the team
					t.Errorf("%s found nothing through the API", q.Name)
				}
			}
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := store.StaffByToken(ctx, "bench-seed-manager"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("the read API's tokens outlive it: %v", err)
			}
		})
	}
}

// The smallest read-model run works end to end (every team has a second page to list), and a
// smaller one is refused before it seeds anything.
func TestReadModelSmallestRun(t *testing.T) {
	backend := modelstest.Backends()[0]
	ctx := context.Background()
	res, err := bench.ReadModel(ctx, backend.URL(t), bench.ReadModelOptions{Actions: bench.MinReadModelActions, Requests: 3})
	if err != nil {
		t.Fatalf("a run of %d actions: %v", bench.MinReadModelActions, err)
	}
	if res.Actions != bench.MinReadModelActions || len(res.Queries) == 0 {
		t.Fatalf("a run of %d actions reported %d actions and %d queries", bench.MinReadModelActions, res.Actions, len(res.Queries))
	}
	_, err = bench.ReadModel(ctx, backend.URL(t), bench.ReadModelOptions{Actions: bench.MinReadModelActions - 1})
	if err == nil || !strings.Contains(err.Error(), "at least 200 actions") {
		t.Fatalf("a run of %d actions: %v, want a refusal naming the least", bench.MinReadModelActions-1, err)
	}
}
