package models_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/handover/handover/models"
)

// A write giving the customer marks the action to index, at its version; the indexes written for
// that version unmark it, but not once a later write (a correction made meanwhile) marked it
// again, so that one is indexed next. The customer filter finds by any token of each part, and an
// erasure removes the indexes and the mark.
func TestCustomerSearchIndexes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		a := actionAt("s1", 1, "assigned", "alice")
		a.CustomerRef, a.CustomerName, a.SearchPending = "G-S1", "sealed-name", true
		require.NoError(t, store.ApplyProjection(ctx, a, nil))
		pending, err := store.PendingCustomerSearch(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, []models.PendingCustomer{{ActionID: "s1", Version: 1, Name: "sealed-name"}}, pending)

		corrected := actionAt("s1", 2, "assigned", "alice")
		corrected.CustomerRef, corrected.CustomerName, corrected.SearchPending = "G-S1", "sealed-name-2", true
		require.NoError(t, store.ApplyProjection(ctx, corrected, nil))
		require.NoError(t, store.WriteCustomerSearch(ctx, []models.IndexedCustomer{{ActionID: "s1", Version: 1, Tokens: []string{"t-old", "t-both"}}}))
		pending, err = store.PendingCustomerSearch(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, []models.PendingCustomer{{ActionID: "s1", Version: 2, Name: "sealed-name-2"}}, pending, "the correction is still to index")

		found := func(parts ...[]string) []string {
			t.Helper()
			list, _, err := store.ListActions(ctx, models.ActionFilter{Customer: parts, Limit: 10})
			require.NoError(t, err)
			var ids []string
			for _, a := range list {
				ids = append(ids, a.ID)
			}
			return ids
		}
		require.Equal(t, []string{"s1"}, found([]string{"t-none", "t-old"}))
		require.NoError(t, store.WriteCustomerSearch(ctx, []models.IndexedCustomer{{ActionID: "s1", Version: 2, Tokens: []string{"t-new", "t-both"}}}))
		require.Empty(t, found([]string{"t-old"}), "the indexes written replace those before")
		require.Equal(t, []string{"s1"}, found([]string{"t-new"}, []string{"t-both"}))
		require.Empty(t, found([]string{"t-new"}, []string{"t-none"}), "every part is to be found")
		pending, err = store.PendingCustomerSearch(ctx, 10)
		require.NoError(t, err)
		require.Empty(t, pending)

		_, err = store.EraseCustomer(ctx, "G-S1", "root")
		require.NoError(t, err)
		require.Empty(t, found([]string{"t-new"}))
	})
}

// A read model migrated before customers were indexed for search has its actions marked for the
// indexer by the migration that brought it, but those whose customer was erased or gave neither
// name nor contact.
func TestCustomerSearchMarksActionsWrittenBefore(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		named := actionAt("old-named", 3, "assigned", "alice")
		named.CustomerName = "sealed-name"
		nameless := actionAt("old-nameless", 2, "assigned", "alice")
		erased := actionAt("old-erased", 4, "completed", "alice")
		erased.CustomerRef, erased.CustomerContact = "G-ERASED", "sealed-contact"
		for _, a := range []models.Action{named, nameless, erased} {
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		_, err := store.EraseCustomer(ctx, "G-ERASED", "root")
		require.NoError(t, err)
		// As a read model of the release before: without the tables, at the version before.
		require.NoError(t, store.MigrateDownTo(ctx, 43))
		done, err := store.Migrate(ctx)
		require.NoError(t, err)
		require.Equal(t, int(done.Known-43), done.Applied)
		pending, err := store.PendingCustomerSearch(ctx, 10)
		require.NoError(t, err)
		require.Equal(t, []models.PendingCustomer{{ActionID: "old-named", Version: 3, Name: "sealed-name"}}, pending)
	})
}

// Once customers were found by the beginnings of words too, every customer indexed before (and not
// erased) is marked to be indexed again; one marked already keeps its mark.
func TestCustomerSearchPrefixesIndexAgain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		indexed := actionAt("ix-done", 3, "assigned", "alice")
		indexed.CustomerName = "sealed-name"
		waiting := actionAt("ix-waiting", 5, "assigned", "alice")
		waiting.CustomerContact = "sealed-contact"
		nameless := actionAt("ix-nameless", 2, "assigned", "alice")
		for _, a := range []models.Action{indexed, waiting, nameless} {
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		require.NoError(t, store.WriteCustomerSearch(ctx, []models.IndexedCustomer{{ActionID: "ix-done", Version: 3, Tokens: []string{"t1"}}}))
		require.ElementsMatch(t, []string{"ix-done", "ix-waiting"}, markedByMigrationAfter(t, store, 46))
	})
}

// Migration 48 marks the customers who gave a name or a contact for the indexer, so that the ends
// of their phone numbers and their names without accents are indexed: not the erased, nor those
// who gave neither.
func TestCustomerSearchPhoneEndsAndAccentsIndexAgain(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		named := actionAt("pe-named", 3, "assigned", "alice")
		named.CustomerName = "sealed-name"
		withContact := actionAt("pe-contact", 5, "assigned", "alice")
		withContact.CustomerContact = "sealed-contact"
		erased := actionAt("pe-erased", 2, "assigned", "alice")
		erased.CustomerContact, erased.ErasedAt = "sealed-contact", &t0
		nobody := actionAt("pe-nobody", 1, "assigned", "alice")
		for _, a := range []models.Action{named, withContact, erased, nobody} {
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		require.NoError(t, store.WriteCustomerSearch(ctx, []models.IndexedCustomer{
			{ActionID: "pe-named", Version: 3, Tokens: []string{"t1"}}, {ActionID: "pe-contact", Version: 5, Tokens: []string{"t2"}},
		}))
		require.ElementsMatch(t, []string{"pe-named", "pe-contact"}, markedByMigrationAfter(t, store, 47))
	})
}

// migrateAgainFrom takes the store down to version, by the migrations' own Down sections, and up
// again: a read model a release that knew no later migration left, upgraded.
func migrateAgainFrom(t *testing.T, store *models.Store, version int64) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, store.MigrateDownTo(ctx, version))
	_, err := store.Migrate(ctx)
	require.NoError(t, err)
}

// markedByMigrationAfter migrates the store down to version and up again, and answers the actions
// marked for the indexer then.
func markedByMigrationAfter(t *testing.T, store *models.Store, version int64) []string {
	t.Helper()
	migrateAgainFrom(t, store, version)
	pending, err := store.PendingCustomerSearch(context.Background(), 10)
	require.NoError(t, err)
	var ids []string
	for _, p := range pending {
		ids = append(ids, p.ActionID)
	}
	return ids
}

// The word search reads letters without their accents, whichever way each side is typed: "jose"
// and "JOSÉ" find "José", "uberweisung" finds "Überweisung"; a letter it does not fold (ß) is
// looked for as it is. On PostgreSQL the search reads the trigram index of migration 49, made on
// the very expression the search reads.
func TestWordSearchIgnoresAccents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		for i, title := range []string{"Taxi for José García", "Überweisung prüfen", "Crème brûlée for room 12", "Plain taxi", "Straße closed", "Flowers for Chloe\u0301 Mu\u0308ller"} {
			a := actionAt(fmt.Sprintf("w%d", i), 1, "assigned", "alice")
			a.Title, a.CreatedAt = title, t0.Add(time.Duration(i)*time.Second)
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		found := wordSearch(t, store)
		for text, want := range map[string][]string{
			"jose":            {"w0"},
			"JOSÉ GARCIA":     {"w0"},
			"garcía":          {"w0"},
			"uberweisung":     {"w1"},
			"ÜBERWEISUNG":     {"w1"},
			"creme brulee 12": {"w2"},
			"taxi":            {"w3", "w0"},
			"straße":          {"w4"},
			"chloe muller":    {"w5"}, // stored with its accents apart
			"Jose\u0301":      {"w0"}, // typed so
			"chloé":           {"w5"},
			"joze":            {},
			"strasse":         {},
		} {
			require.Equal(t, want, found(text), text)
		}
		requireSearchIndexRead(t, store, "jose")
	})
}

// A customer reference is found written with or without its separators, whichever way each side
// is written: "bk4424" finds "BK-4424", "BK 4424" and "bk.4424"; "bk-4424" finds "BK4424"; a word
// with a hyphen still finds a title that has one, but is looked for without it in references
// alone: "12.50" does not find a title's "1250". On PostgreSQL the search reads the trigram index
// of migration 54, made on the very expression the search reads.
func TestWordSearchReadsReferencesWithoutSeparators(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		for i, ref := range []string{"BK-4424", "BK4424", "bk.4424/2", "G 1001", "", "BK_4425"} {
			a := actionAt(fmt.Sprintf("r%d", i), 1, "assigned", "alice")
			a.Title, a.CustomerRef, a.CreatedAt = "Room move", ref, t0.Add(time.Duration(i)*time.Second)
			if ref == "" {
				a.Title = "Late check-in for 4424, charge 1250 euros"
			}
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		found := wordSearch(t, store)
		for text, want := range map[string][]string{
			"bk4424":       {"r2", "r1", "r0"},
			"BK-4424":      {"r2", "r1", "r0"},
			"bk#4424":      {"r2", "r1", "r0"},
			"44242":        {"r2"},
			"g1001":        {"r3"},
			"G 1001":       {"r3"},
			"check-in":     {"r4"},
			"checkin":      {},
			"bk4425":       {"r5"},
			"bk_4425":      {"r5"},
			"bk%4425":      {},
			"-":            {"r4", "r0"},
			"4424 bk-4424": {"r2", "r1", "r0"},
			"12.50":        {}, // without its separators, looked for in references alone
			"1250":         {"r4"},
		} {
			require.Equal(t, want, found(text), text)
		}
		requireSearchIndexRead(t, store, "bk4424")
	})
}

// wordSearch is the IDs of the actions the word search finds for a text, newest first.
func wordSearch(t *testing.T, store *models.Store) func(text string) []string {
	return func(text string) []string {
		got, _, err := store.ListActions(context.Background(), models.ActionFilter{Text: text, Limit: 10})
		require.NoError(t, err)
		return ids(got)
	}
}

// requireSearchIndexRead checks, on PostgreSQL, that the word search for word reads the trigram
// index (actions_search), made on the very expression the search reads.
func requireSearchIndexRead(t *testing.T, store *models.Store, word string) {
	t.Helper()
	requirePlanReads(t, store, "actions_search", "SELECT id FROM actions WHERE "+store.SearchedText()+` LIKE ?`, "%"+word+"%")
}

// requirePlanReads checks, on PostgreSQL, that the query's plan reads the index named, with
// sequential scans off (a table of a few rows would be read whole otherwise).
func requirePlanReads(t *testing.T, store *models.Store, index, query string, args ...any) {
	t.Helper()
	if store.Dialect() != models.DialectPostgres {
		return
	}
	var plan []string
	require.NoError(t, store.DB().Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
			return err
		}
		return tx.Raw("EXPLAIN "+query, args...).Scan(&plan).Error
	}))
	require.Contains(t, strings.Join(plan, "\n"), index, "the index holds the texts as the query reads them")
}

// The actions cancelled as duplicates of one are found by their cancelled entry's duplicate_of,
// first cancelled first, through the index of migration 50; a cancel for another reason, or one
// naming another action, is not among them.
func TestDuplicatesOfAnAction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		for i, id := range []string{"kept", "dup1", "dup2", "other", "elsewhere"} {
			a := actionAt(id, 2, "cancelled", "alice")
			a.Title = "Taxi " + id
			data := `{"reason":"a duplicate","duplicate_of":"kept"}`
			switch id {
			case "kept":
				a.Status, data = "assigned", ""
			case "other":
				data = `{"reason":"guest left"}`
			case "elsewhere":
				data = `{"reason":"a duplicate","duplicate_of":"dup1"}`
			}
			events := []models.ActionEvent{event(1, "created")}
			if data != "" {
				events = append(events, models.ActionEvent{Seq: 2, Type: "cancelled", ActorID: "carol", At: t0.Add(time.Duration(5-i) * time.Minute), Data: data})
			}
			require.NoError(t, store.ApplyProjection(ctx, a, events))
		}
		got, err := store.DuplicatesOf(ctx, "kept", 10)
		require.NoError(t, err)
		require.Equal(t, []models.CancelledDuplicate{
			{ID: "dup2", Title: "Taxi dup2", ActorID: "carol", At: t0.Add(3 * time.Minute)},
			{ID: "dup1", Title: "Taxi dup1", ActorID: "carol", At: t0.Add(4 * time.Minute)},
		}, got)
		got, err = store.DuplicatesOf(ctx, "dup2", 10)
		require.NoError(t, err)
		require.Empty(t, got)

		explain := "EXPLAIN QUERY PLAN "
		if store.Dialect() == models.DialectPostgres {
			explain = "EXPLAIN "
		}
		var plan []string
		require.NoError(t, store.DB().Transaction(func(tx *gorm.DB) error {
			if store.Dialect() == models.DialectPostgres {
				if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
					return err
				}
				return tx.Raw(explain + "SELECT action_id FROM action_events e WHERE e.type = 'cancelled' AND " + store.DuplicateOf("e.data") + " = 'kept'").Scan(&plan).Error
			}
			type step struct{ Detail string }
			var steps []step
			err := tx.Raw(explain + "SELECT action_id FROM action_events e WHERE e.type = 'cancelled' AND " + store.DuplicateOf("e.data") + " = 'kept'").Scan(&steps).Error
			for _, s := range steps {
				plan = append(plan, s.Detail)
			}
			return err
		}))
		// Sought in the index by its value, not the whole index read (which a partial index allows).
		sought := "SEARCH e USING INDEX action_events_duplicate_of"
		if store.Dialect() == models.DialectPostgres {
			sought = "Index Cond: (((data)::jsonb ->> 'duplicate_of'::text) = 'kept'::text)"
		}
		require.Contains(t, strings.Join(plan, "\n"), sought, "the index holds duplicate_of as the list reads it")
	})
}
