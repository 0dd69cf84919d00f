package temporalserver_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/temporalserver"
)

// A taken frontend port is refused with a plain message before the server starts (the server
// itself would crash deep in its start-up).
func TestStartRefusesTakenPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = temporalserver.Start(context.Background(), temporalserver.Config{
		DatabaseFile: filepath.Join(t.TempDir(), "temporal.db"), FrontendPort: port,
	})
	require.ErrorContains(t, err, "is not free")
}

func TestConfigIsValidated(t *testing.T) {
	t.Parallel()
	_, err := temporalserver.Start(context.Background(), temporalserver.Config{IP: "localhost"})
	require.ErrorContains(t, err, "not an IP address")
	_, err = temporalserver.Start(context.Background(), temporalserver.Config{Retention: 1})
	require.ErrorContains(t, err, "shorter than Temporal's minimum")
}
