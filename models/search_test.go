package models_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// A text finds the actions whose title, details or customer reference hold each of its words, in
// any order, whatever the case (of every letter, not only ASCII's), with the list's other filters;
// % and _ in it are themselves, not wildcards.
func TestListActionsFindsText(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *models.Store) {
		ctx := context.Background()
		put := func(id, title, details, ref, status string) {
			a := actionAt(id, 1, status, "alice")
			a.Title, a.Details, a.CustomerRef = title, details, ref
			require.NoError(t, store.ApplyProjection(ctx, a, nil))
		}
		put("a1", "Late checkout room 412", "Guest asked at the desk", "B-7781", "assigned")
		put("a2", "Refund the minibar", "Charged twice; room 412", "B-1200", "completed")
		put("a3", "Taxi at 6", "100% sure of the time", "B-412", "assigned")
		put("a4", "Extra pillows", "room_412 is the suite", "B-9", "assigned")
		put("a5", "Überweisung for room 7 (Ørsted)", "Élodie called", "G-ÉÉ 1", "assigned")
		find := func(text string, statuses ...string) []string {
			rows, _, err := store.ListActions(ctx, models.ActionFilter{Text: text, Statuses: statuses, Limit: 10})
			require.NoError(t, err)
			var ids []string
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
			return ids
		}
		require.ElementsMatch(t, []string{"a1", "a2", "a3", "a4"}, find("412"), "in a title, details, a reference")
		require.ElementsMatch(t, []string{"a1", "a2", "a4"}, find("ROOM 412"), "whatever the case")
		require.ElementsMatch(t, []string{"a1", "a3", "a4"}, find("412", "assigned"), "with the other filters")
		require.ElementsMatch(t, []string{"a1"}, find("b-7781"))
		require.ElementsMatch(t, []string{"a3"}, find("100%"), "% is itself")
		require.Empty(t, find("100%x"))
		require.ElementsMatch(t, []string{"a4"}, find("room_"), "_ is itself")
		require.Empty(t, find(`\`))
		require.Empty(t, find("nowhere"))
		require.Empty(t, find("412guest"), "not across the end of the title and the start of the details")
		require.ElementsMatch(t, []string{"a1"}, find("guest 412"), "each word, in any order, in any of the three")
		require.ElementsMatch(t, []string{"a1", "a2", "a4"}, find("  room   412 "), "words, however spaced")
		require.Empty(t, find("412 nowhere"), "every word")
		for _, text := range []string{"überweisung", "ÜBERWEISUNG", "Überweisung", "ørsted", "élodie", "g-éé 1"} {
			require.ElementsMatch(t, []string{"a5"}, find(text), text)
		}
		if store.DB().Dialector.Name() == "postgres" {
			// The trigram index the search is written for (pg_trgm ships with PostgreSQL).
			var n int64
			require.NoError(t, store.DB().Raw("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'actions' AND indexname = 'actions_search'").Scan(&n).Error)
			require.EqualValues(t, 1, n)
		}
	})
}
