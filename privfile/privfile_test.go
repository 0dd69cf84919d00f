package privfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/privfile"
)

// A database file is made readable by its owner alone, whether KeepPrivate creates it or finds it
// open to others (made before under the usual umask); what it holds is kept.
func TestKeepPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	made := filepath.Join(dir, "new.db")
	require.NoError(t, privfile.KeepPrivate(made))
	info, err := os.Stat(made)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	open := filepath.Join(dir, "open.db")
	require.NoError(t, os.WriteFile(open, []byte("kept"), 0o644))
	require.NoError(t, os.Chmod(open, 0o644)) // whatever the test's umask
	require.NoError(t, privfile.KeepPrivate(open))
	info, err = os.Stat(open)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	raw, err := os.ReadFile(open)
	require.NoError(t, err)
	require.Equal(t, "kept", string(raw))
}
