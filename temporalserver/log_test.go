package temporalserver

import (
	"bytes"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// Once the server is stopping, the errors the stop itself causes in its own calls are dropped; any
// other error, and the same one before the stop, is logged.
func TestStopNoiseIsDropped(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	stopping := new(atomic.Bool)
	l := slogLogger{log: slog.New(slog.NewTextHandler(&out, nil)), level: new(slog.LevelVar), stopping: stopping}
	l.Error("unable to add metrics baggage to gRPC trailer")
	require.Contains(t, out.String(), "unable to add metrics baggage", "before the stop, it is logged")
	out.Reset()
	stopping.Store(true)
	l.Error("unable to add metrics baggage to gRPC trailer")
	l.Error("persistence failed")
	require.NotContains(t, out.String(), "metrics baggage")
	require.Contains(t, out.String(), "persistence failed", "another error is logged while stopping")
}
