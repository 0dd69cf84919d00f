package app

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"
)

// DefaultMinFreeDiskMB is how much free space the data directory of `handover dev` needs for the
// stack to count as ready: below it the embedded Temporal server and the SQLite read model are
// about to fail their writes, and each command would wait out HANDOVER_COMMAND_TIMEOUT.
const DefaultMinFreeDiskMB = 100

const mib = 1 << 20

// freeDisk is how many bytes an unprivileged process may still write where dir lives.
func freeDisk(dir string) (uint64, error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		return 0, fmt.Errorf("data directory %s: %w", dir, err)
	}
	return fs.Bavail * uint64(fs.Bsize), nil
}

// enoughDisk reports whether dir has at least minMB MiB free, and otherwise says how little it has.
func enoughDisk(dir string, minMB uint64) error {
	free, err := freeDisk(dir)
	if err != nil {
		return err
	}
	if free/mib < minMB {
		return fmt.Errorf("data directory: %s has %d MiB free, less than the %d MiB it needs (HANDOVER_MIN_FREE_DISK_MB); "+
			"Temporal and the read model cannot be relied on to write", dir, free/mib, minMB)
	}
	return nil
}

// registerFreeDisk serves the data directory's free space at /metrics, for an alert well before
// readiness fails.
func registerFreeDisk(reg *prometheus.Registry, dir string) error {
	return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "handover_data_dir_free_bytes",
		Help: "Bytes still free to write in the data directory of handover dev (Temporal and, without HANDOVER_DATABASE_URL, the read model).",
	}, func() float64 {
		free, err := freeDisk(dir)
		if err != nil {
			return -1
		}
		return float64(free)
	}))
}
