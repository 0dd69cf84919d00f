package temporalserver_test

import (
	"context"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strconv"
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

// A second server on a database file that a running one uses (another `handover dev` or `handover
// temporal` on the same data directory, on another port) is refused, naming the file: it would take
// the history shards from the first. Once the first has stopped, the file is free again.
func TestStartRefusesADatabaseInUse(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "temporal.db")
	first, err := temporalserver.Start(context.Background(), temporalserver.Config{DatabaseFile: file})
	require.NoError(t, err)
	_, err = temporalserver.Start(context.Background(), temporalserver.Config{DatabaseFile: file})
	require.ErrorContains(t, err, "locking "+file+".lock: another process")
	require.NoError(t, first.Stop())

	again, err := temporalserver.Start(context.Background(), temporalserver.Config{DatabaseFile: file})
	require.NoError(t, err, "free once the first has stopped")
	require.NoError(t, again.Stop())
}

func TestConfigIsValidated(t *testing.T) {
	t.Parallel()
	_, err := temporalserver.Start(context.Background(), temporalserver.Config{IP: "localhost"})
	require.ErrorContains(t, err, "not an IP address")
	_, err = temporalserver.Start(context.Background(), temporalserver.Config{Retention: 1})
	require.ErrorContains(t, err, "shorter than Temporal's minimum")
}

// With InternalPorts, the server's own services listen on the four ports from it, in a row, so a
// firewall can name them; a range that holds the frontend's port is refused.
func TestInternalPortsAreTheOnesGiven(t *testing.T) {
	t.Parallel()
	var first int
	for base := 21000 + rand.IntN(8000); first == 0; base += 4 {
		free := true
		for p := base; p < base+4 && free; p++ {
			ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if free = err == nil; free {
				require.NoError(t, ln.Close())
			}
		}
		if free {
			first = base
		}
	}
	srv, err := temporalserver.Start(context.Background(), temporalserver.Config{
		DatabaseFile: filepath.Join(t.TempDir(), "temporal.db"), InternalPorts: first,
	})
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Stop()) }()
	for p := first; p < first+4; p++ {
		conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		require.NoError(t, err, "port %d", p)
		require.NoError(t, conn.Close())
	}

	_, err = temporalserver.Start(context.Background(), temporalserver.Config{FrontendPort: 7300, InternalPorts: 7298})
	require.ErrorContains(t, err, "temporal frontend port 7300 is one of the internal ports 7298 to 7301")
}
