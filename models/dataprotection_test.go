package models_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// The timeline is append-only in the database itself: an UPDATE or DELETE of an event is refused
// on both backends, whatever code sends it, and a repeated projection inserts nothing new.
func TestTimelineIsAppendOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		a := actionAt("a1", 2, "assigned", "alice")
		a.CustomerName = "sealed-name" // for the erasure below to erase, and record
		events := []models.ActionEvent{event(1, "created"), event(2, "note_added")}
		require.NoError(t, store.ApplyProjection(ctx, a, events))
		// The projection path only inserts: a retried batch neither fails nor changes a row.
		retry := []models.ActionEvent{event(1, "created"), event(2, "changed")}
		require.NoError(t, store.ApplyProjection(ctx, a, retry))

		db := store.DB().WithContext(ctx)
		err := db.Exec("UPDATE action_events SET type = 'tampered' WHERE action_id = ?", "a1").Error
		require.ErrorContains(t, err, "append-only")
		err = db.Exec("DELETE FROM action_events WHERE action_id = ?", "a1").Error
		require.ErrorContains(t, err, "append-only")
		err = db.Where("action_id = ?", "a1").Delete(&models.ActionEvent{}).Error
		require.ErrorContains(t, err, "append-only")

		got, err := store.ListEvents(ctx, "a1")
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, "note_added", got[1].Type)

		// The audit trail is append-only too.
		_, err = store.EraseCustomer(ctx, "G-1", "root")
		require.NoError(t, err)
		require.ErrorContains(t, db.Exec("UPDATE audit_entries SET actor_id = 'nobody'").Error, "append-only")
		require.ErrorContains(t, db.Exec("DELETE FROM audit_entries").Error, "append-only")
	})
}

// Erasing a customer destroys their keys, blanks their personal data in actions and handovers,
// keeps the timeline, and records who did it; erasing again is harmless.
func TestEraseCustomer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		a := actionAt("a1", 1, "assigned", "alice")
		a.CustomerName, a.CustomerContact = "sealed-name", "sealed-contact"
		a.Handovers = []models.Handover{{ID: "h1", FromID: "alice", ToID: "bob", Reason: "shift", Method: "chat",
			Situation: "busy", CustomerContext: "sealed-context", CustomerMessage: "sealed-message", Status: "pending", RequestedAt: t0},
			// A handover that told the customer nothing: nothing of theirs to erase in it.
			{ID: "h0", FromID: "bob", ToID: "alice", Reason: "back", Method: "chat", Situation: "busy", Status: "accepted", RequestedAt: t0.Add(-time.Minute)}}
		require.NoError(t, store.ApplyProjection(ctx, a, []models.ActionEvent{event(1, "created")}))
		other := actionAt("a2", 1, "assigned", "alice")
		other.CustomerRef, other.CustomerName = "G-2", "someone else"
		require.NoError(t, store.ApplyProjection(ctx, other, []models.ActionEvent{event(1, "created")}))
		w := "wrapped"
		_, err := store.CreateCustomerKey(ctx, models.CustomerKey{ID: "k1", CustomerRef: "G-1", WrapKeyID: "x", Wrapped: &w})
		require.NoError(t, err)
		// A second live key for the same customer is refused by the index: the first one is returned.
		k, err := store.CreateCustomerKey(ctx, models.CustomerKey{ID: "k2", CustomerRef: "G-1", WrapKeyID: "x", Wrapped: &w})
		require.NoError(t, err)
		require.Equal(t, "k1", k.ID)

		er, err := store.EraseCustomer(ctx, "G-1", "root")
		require.NoError(t, err)
		require.Equal(t, int64(1), er.KeysDestroyed)
		require.Equal(t, int64(1), er.Actions)

		got, err := store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.Equal(t, models.Erased, got.CustomerName)
		require.Equal(t, models.Erased, got.CustomerContact)
		// The time and version of the workflow's last change stand: the workflow did not change.
		require.True(t, got.UpdatedAt.Equal(a.UpdatedAt), "updated_at %s, was %s", got.UpdatedAt, a.UpdatedAt)
		require.Equal(t, a.Version, got.Version)
		require.Equal(t, []string{"h0", "h1"}, []string{got.Handovers[0].ID, got.Handovers[1].ID})
		require.Equal(t, []string{"", ""}, []string{got.Handovers[0].CustomerContext, got.Handovers[0].CustomerMessage}, "empty stays empty")
		require.Equal(t, models.Erased, got.Handovers[1].CustomerContext)
		require.Equal(t, models.Erased, got.Handovers[1].CustomerMessage)
		kept, err := store.GetAction(ctx, "a2")
		require.NoError(t, err)
		require.Equal(t, "someone else", kept.CustomerName)
		key, err := store.CustomerKeyByID(ctx, "k1")
		require.NoError(t, err)
		require.Nil(t, key.Wrapped)
		require.NotNil(t, key.DestroyedAt)
		events, err := store.ListEvents(ctx, "a1")
		require.NoError(t, err)
		require.Len(t, events, 1)

		// A later change of the action writes its row again from the workflow, which still holds
		// the sealed values (unreadable, their key destroyed): what was erased stays [erased], and
		// erasing again (below) finds nothing more.
		later := a
		later.Version, later.UpdatedAt = 2, a.UpdatedAt.Add(time.Minute)
		require.NoError(t, store.ApplyProjection(ctx, later, []models.ActionEvent{event(2, "note_added")}))
		require.NoError(t, store.ApplyProjection(ctx, later, nil), "written again, as a retry is")
		got, err = store.GetAction(ctx, "a1")
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version, "the change is written")
		require.Equal(t, []string{models.Erased, models.Erased}, []string{got.CustomerName, got.CustomerContact})
		require.Equal(t, []string{models.Erased, models.Erased}, []string{got.Handovers[1].CustomerContext, got.Handovers[1].CustomerMessage})
		require.Equal(t, []string{"", ""}, []string{got.Handovers[0].CustomerContext, got.Handovers[0].CustomerMessage})
		require.Equal(t, "busy", got.Handovers[1].Situation, "the other columns are written")

		again, err := store.EraseCustomer(ctx, "G-1", "root")
		require.NoError(t, err)
		require.Zero(t, again.KeysDestroyed)
		require.Zero(t, again.Actions, "erased before: nothing more to erase")
		audit, _, err := store.AuditTrail(ctx, models.AuditFilter{SubjectType: models.SubjectCustomer, Subject: "G-1", Limit: 10})
		require.NoError(t, err)
		require.Len(t, audit, 1, "an erasure that changed nothing records nothing")
		require.Equal(t, models.AuditCustomerErased, audit[0].Kind)
		require.Equal(t, "root", audit[0].ActorID)
		require.NotContains(t, audit[0].Detail, "sealed")

		// The actions without a reference are not one customer: an empty reference erases nothing.
		walkIn := actionAt("a3", 1, "assigned", "alice")
		walkIn.CustomerRef, walkIn.CustomerName = "", "walk-in"
		require.NoError(t, store.ApplyProjection(ctx, walkIn, []models.ActionEvent{event(1, "created")}))
		known, err := store.CustomerKnown(ctx, "")
		require.NoError(t, err)
		require.False(t, known)
		_, err = store.EraseCustomer(ctx, "", "root")
		require.ErrorIs(t, err, models.ErrNotFound)
		// A blank reference (one an earlier release took) is a customer like any other: here
		// nobody's, so erasing it erases nothing, and not the walk-in's data.
		known, err = store.CustomerKnown(ctx, " ")
		require.NoError(t, err)
		require.False(t, known)
		er, err = store.EraseCustomer(ctx, " ", "root")
		require.NoError(t, err)
		require.Zero(t, er.KeysDestroyed+er.Actions)
		kept, err = store.GetAction(ctx, "a3")
		require.NoError(t, err)
		require.Equal(t, "walk-in", kept.CustomerName)

		// Each of them is a customer of their own, erased through their action alone.
		other = actionAt("a4", 1, "assigned", "alice")
		other.CustomerRef, other.CustomerName = "", "another walk-in"
		require.NoError(t, store.ApplyProjection(ctx, other, []models.ActionEvent{event(1, "created")}))
		_, err = store.CreateCustomerKey(ctx, models.CustomerKey{ID: "k3", CustomerRef: "action:a3", WrapKeyID: "x", Wrapped: &w})
		require.NoError(t, err)
		er, err = store.EraseActionCustomer(ctx, "a3", "action:a3", "root")
		require.NoError(t, err)
		require.Equal(t, "a3", er.ActionID)
		require.Equal(t, int64(1), er.KeysDestroyed)
		require.Equal(t, int64(1), er.Actions)
		kept, err = store.GetAction(ctx, "a3")
		require.NoError(t, err)
		require.Equal(t, models.Erased, kept.CustomerName)
		require.Empty(t, kept.CustomerContact, "given without a contact: none is said to have been erased")
		kept, err = store.GetAction(ctx, "a4")
		require.NoError(t, err)
		require.Equal(t, "another walk-in", kept.CustomerName)
		// An action with a reference is not blanked this way: its customer is the reference's.
		er, err = store.EraseActionCustomer(ctx, "a2", "action:a2", "root")
		require.NoError(t, err)
		require.Zero(t, er.Actions)
		kept, err = store.GetAction(ctx, "a2")
		require.NoError(t, err)
		require.Equal(t, "someone else", kept.CustomerName)
		_, err = store.EraseActionCustomer(ctx, "", "action:", "root")
		require.ErrorIs(t, err, models.ErrNotFound)
	})
}

// Two requests that make the first key of one customer at once both get one key, and the one that
// lost the unique index logs no error: it did not fail.
func TestCustomerKeyMadeTwiceAtOnceLogsNoError(t *testing.T) {
	t.Parallel()
	for name, url := range map[string]func(testing.TB) string{"sqlite": modelstest.SQLiteURL, "postgres": modelstest.PostgresURL} {
		t.Run(name, func(t *testing.T) {
			var logged strings.Builder
			store, err := models.Open(url(t), slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn})))
			require.NoError(t, err)
			t.Cleanup(func() { _ = store.Close() })
			_, err = store.Migrate(context.Background())
			require.NoError(t, err)
			w := "wrapped"
			first, err := store.CreateCustomerKey(context.Background(), models.CustomerKey{ID: "k1", CustomerRef: "G-9", WrapKeyID: "x", Wrapped: &w})
			require.NoError(t, err)
			second, err := store.CreateCustomerKey(context.Background(), models.CustomerKey{ID: "k2", CustomerRef: "G-9", WrapKeyID: "x", Wrapped: &w})
			require.NoError(t, err)
			require.Equal(t, first.ID, second.ID)
			require.NotContains(t, logged.String(), "level=ERROR")
		})
	}
}

// No code outside tests updates or deletes timeline events, but withdrawUnwritten, which deletes
// the entries past an action's version of a change its workflow never made (the database refuses
// any other): a grep-able guarantee beside the database triggers.
func TestNoCodeChangesEvents(t *testing.T) {
	t.Parallel()
	forbidden := regexp.MustCompile(`(?i)(update|delete)\s+(from\s+)?action_events|Model\(&(models\.)?ActionEvent\{\}\)\.(Update|Delete)|Delete\(&(models\.)?ActionEvent|Save\(&(models\.)?ActionEvent`)
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	checked := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "migrations" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, line := range strings.Split(string(src), "\n") {
			if strings.HasSuffix(line, "// withdrawUnwritten") && strings.HasSuffix(path, filepath.Join("models", "store.go")) {
				continue
			}
			require.NotRegexp(t, forbidden, line, "%s changes timeline events", path)
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, checked, 20)
}

// On SQLite an erased customer's key leaves no copy in the read model's files: the row is
// overwritten in its page, and the write-ahead log, which still held the page as it was, is
// checkpointed and truncated. Read from the files' bytes, as someone with a copy of the data
// directory (and the process key beside it) would.
func TestErasureLeavesNoKeyInTheSQLiteFiles(t *testing.T) {
	url := modelstest.SQLiteURL(t)
	store := modelstest.Open(t, url)
	ctx := context.Background()
	path := strings.TrimPrefix(url, "sqlite:")
	// As long as a real one (base64 of a sealed 32-byte key), and told apart piece by piece: a
	// part of it left behind is found too.
	wrapped := "qX3vT8mB2nL5pR9sW4yZ7cF1hJ6kD0gA8eU3iO5tY2rE9wQ4uP7aS1dG6fH0jK3lM8zX5cV2bN9"
	_, err := store.CreateCustomerKey(ctx, models.CustomerKey{ID: "key-1", CustomerRef: "G-1", WrapKeyID: "w1", Wrapped: &wrapped})
	require.NoError(t, err)
	other := "wrapped-key-of-another-customer"
	_, err = store.CreateCustomerKey(ctx, models.CustomerKey{ID: "key-2", CustomerRef: "G-2", WrapKeyID: "w1", Wrapped: &other})
	require.NoError(t, err)
	inFiles := func(value string) bool {
		for _, f := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for i := 0; i+12 <= len(value); i++ {
				if strings.Contains(string(b), value[i:i+12]) {
					return true
				}
			}
		}
		return false
	}
	require.True(t, inFiles(wrapped), "the live key is in the files (else this test proves nothing)")

	er, err := store.EraseCustomer(ctx, "G-1", "root")
	require.NoError(t, err)
	require.Equal(t, int64(1), er.KeysDestroyed)
	require.True(t, inFiles(wrapped), "the log still holds the page as it was until the checkpoint")
	require.NoError(t, store.ForgetErased(ctx))
	require.False(t, inFiles(wrapped), "the destroyed key is gone from the database file and its log")
	var waits int
	require.NoError(t, store.DB().Raw("PRAGMA busy_timeout").Row().Scan(&waits))
	require.Equal(t, 10000, waits, "the writing connection waits as long as before for a busy database")
	require.True(t, inFiles(other), "another customer's key is kept")
	k, err := store.CustomerKeyByID(ctx, "key-2")
	require.NoError(t, err)
	require.Equal(t, other, *k.Wrapped)
}

// The references known that read as a typed one does but for case and separators: "bk5001" and
// "BK 5001" read as BK-5001; "g77" as both G-77 and g.77; one known is among its own. An erased
// customer's, a walk-in's key, and none are not. On PostgreSQL the look-up reads the index of
// migration 57.
func TestRefsSpelledAlike(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		w := "wrapped"
		for i, ref := range []string{"BK-5001", "G-77", "g.77", "GONE-1", "action:01abc"} {
			_, err := store.CreateCustomerKey(ctx, models.CustomerKey{ID: fmt.Sprintf("k%d", i), CustomerRef: ref, WrapKeyID: "x", Wrapped: &w})
			require.NoError(t, err)
		}
		_, err := store.EraseCustomer(ctx, "GONE-1", "root")
		require.NoError(t, err)
		for typed, want := range map[string][]string{
			"bk5001": {"BK-5001"}, "BK 5001": {"BK-5001"}, "bk_5001": {"BK-5001"}, "BK-5001": {"BK-5001"},
			"g77": {"G-77", "g.77"}, "gone1": nil, "action01abc": nil, "BK-5002": nil, "--": nil,
		} {
			got, err := store.RefsSpelledAlike(ctx, typed, "action:")
			require.NoError(t, err)
			require.ElementsMatch(t, want, got, typed)
		}
		requirePlanReads(t, store, "customer_keys_ref_alike",
			"SELECT customer_ref FROM customer_keys WHERE destroyed_at IS NULL AND lower("+store.BareRefSQL("customer_ref")+") = ?", "bk5001")
	})
}
