package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/api"
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

// `handover dev` says it is ready only when GET /readyz would: with too little disk it says it
// started, and why it is not ready.
func TestStartedLine(t *testing.T) {
	took := 1234567 * time.Microsecond
	require.Equal(t, "handover is ready in 1.235s", startedLine(took, nil))
	require.Equal(t, "handover started in 1.235s, degraded: read model does not answer (GET /readyz)",
		startedLine(took, &api.Degraded{Part: "read model", Err: errors.New("connection refused")}))
	require.Equal(t, "handover started in 1.235s, but is not ready: data directory: /d has 3 MiB free (GET /readyz answers 503 until it is; the log says more)",
		startedLine(took, errors.New("data directory: /d has 3 MiB free")))
}

// Why the command stopped is a line of text, or with HANDOVER_LOG_FORMAT=json a JSON record at
// level ERROR, as the process's other log lines are.
func TestReportFailure(t *testing.T) {
	err := errors.New(`connecting to temporal at 127.0.0.1:7233: "refused"`)
	var text strings.Builder
	reportFailure(&text, "", err)
	require.Equal(t, "handover: connecting to temporal at 127.0.0.1:7233: \"refused\"\n", text.String())
	for _, format := range []string{"json", "JSON"} {
		var out bytes.Buffer
		reportFailure(&out, format, err)
		var record map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &record), out.String())
		require.Equal(t, "ERROR", record["level"])
		require.Equal(t, "handover stopped", record["msg"])
		require.Equal(t, err.Error(), record["error"])
		require.NotEmpty(t, record["time"])
	}
}
