// Package privfile keeps database files private to the process's user: histories and the read
// model hold who did what for whom.
package privfile

import (
	"errors"
	"fmt"
	"os"
)

// KeepPrivate makes a database file readable and writable by its owner alone: it creates it so when
// it does not exist (SQLite gives its journal and WAL files the same mode), and takes the group's
// and others' access from one that has it, as a data directory made beforehand with the usual
// umask would give.
func KeepPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		// Whether it could not be made or not opened (someone else's file), the path says which.
		return fmt.Errorf("opening or creating %s (the process must be able to read and write it): %w", path, err)
	}
	info, err := f.Stat()
	if err == nil && info.Mode().Perm()&0o077 != 0 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("making %s private: %w", path, err), f.Close())
	}
	return f.Close()
}
