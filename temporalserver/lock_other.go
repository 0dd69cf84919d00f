//go:build !unix

package temporalserver

import (
	"fmt"
	"os"
)

// lockDatabase keeps the lock file open; where flock(2) does not exist it does not exclude a second
// server on the same database.
func lockDatabase(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}
	return f, nil
}
