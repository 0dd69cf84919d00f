package temporalserver

import (
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// The services' ports are distinct, free, and below the kernel's ephemeral range where it leaves
// room (no outgoing connection or other process's port 0 takes them before the services listen).
func TestFreePortsAreBelowTheEphemeralRange(t *testing.T) {
	t.Parallel()
	ports, err := freePorts("127.0.0.1", 5)
	require.NoError(t, err)
	require.Len(t, ports, 5)
	seen := map[int]bool{}
	low, high := portsBelowEphemeral()
	for _, p := range ports {
		require.False(t, seen[p], "port %d given twice", p)
		seen[p] = true
		if low > 0 {
			require.GreaterOrEqual(t, p, low)
			require.Less(t, p, high, "below the ephemeral range")
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		require.NoError(t, err, "port %d is free", p)
		require.NoError(t, l.Close())
	}
	if low == 0 {
		t.Log("the ephemeral range cannot be read here: the ports came from the kernel's port 0")
	}
}
