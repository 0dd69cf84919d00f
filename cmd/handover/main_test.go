package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// `handover migrate` says what it did, and when a newer release has migrated the read model, that
// this one is older.
func TestMigratedLine(t *testing.T) {
	for _, tc := range []struct {
		done models.Migrated
		want string
	}{
		{models.Migrated{Version: 17, Known: 17}, "read model already at schema version 17: nothing to apply"},
		{models.Migrated{Version: 17, Known: 17, Applied: 1}, "read model migrated to schema version 17 (1 migration applied)"},
		{models.Migrated{Version: 17, Known: 17, Applied: 17}, "read model migrated to schema version 17 (17 migrations applied)"},
		{models.Migrated{Version: 18, Known: 17}, "read model at schema version 18, newer than this release knows (17): a newer release migrated it; nothing to apply"},
	} {
		require.Equal(t, tc.want, migratedLine(tc.done))
	}
}
