package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/codec"
)

// The admin command applies the API's rules to what it creates, refuses a read model that is not
// there or not migrated, and names what is wrong.
func TestAdminChecksWhatItIsGiven(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	run := func(env []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(append(os.Environ(), "HANDOVER_DATABASE_URL="), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run(nil, "admin", "add-team", "desk", "Desk", "--data", filepath.Join(dir, "missing"))
	require.Error(t, err)
	require.Contains(t, out, "no read model in")
	_, statErr := os.Stat(filepath.Join(dir, "missing"))
	require.ErrorIs(t, statErr, os.ErrNotExist, "nothing was created")
	// Without --data, the data directory is HANDOVER_DATA_DIR's, as for dev.
	out, err = run([]string{"HANDOVER_DATA_DIR=" + filepath.Join(dir, "elsewhere")}, "admin", "add-team", "desk", "Desk")
	require.Error(t, err)
	require.Contains(t, out, "no read model in "+filepath.Join(dir, "elsewhere"))

	url := "HANDOVER_DATABASE_URL=sqlite:" + filepath.Join(dir, "readmodel.db")
	out, err = run([]string{url}, "admin", "add-team", "desk", "Desk")
	require.Error(t, err, "a read model that is not migrated")
	require.Contains(t, out, "handover migrate")
	out, err = run([]string{url}, "migrate")
	require.NoError(t, err, out)
	require.Regexp(t, `read model migrated to schema version \d+ \(\d+ migrations applied\)`, out)
	out, err = run([]string{url}, "migrate")
	require.NoError(t, err, out)
	require.Regexp(t, `read model already at schema version \d+: nothing to apply`, out, "run again, it says it did nothing")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"admin", "add-team", "Bad Team!", "X"}, "id:"},
		{[]string{"admin", "add-team", "desk", " "}, "name:"},
		{[]string{"admin", "add-staff", "kim", "Kim", "--role", "wizard"}, "role:"},
		{[]string{"admin", "add-staff", "kim", "Kim", "--authority", "99"}, "authority:"},
		{[]string{"admin", "add-staff", "kim", "Kim"}, "team_id:"},
		{[]string{"admin", "revoke-tokens", "nobody"}, "not found"},
	} {
		out, err := run([]string{url}, tc.args...)
		require.Error(t, err, "%v", tc.args)
		require.Contains(t, out, tc.want, "%v", tc.args)
	}
	out, err = run([]string{url}, "admin", "add-team", "desk", "Desk")
	require.NoError(t, err, out)
	out, err = run([]string{url}, "admin", "add-staff", "kim", "Kim", "--team", "desk", "--authority", "2")
	require.NoError(t, err, out)
	// rewrap-keys needs the key (pii's tests rotate and rewrap real customer keys).
	out, err = run([]string{url, "HANDOVER_ENCRYPTION_KEY="}, "admin", "rewrap-keys", "--data", filepath.Join(dir, "nokey"))
	require.Error(t, err)
	require.Contains(t, out, "no HANDOVER_ENCRYPTION_KEY and no key file")
	out, err = run([]string{url, "HANDOVER_ENCRYPTION_KEY=" + codec.NewKey()}, "admin", "rewrap-keys")
	require.NoError(t, err, out)
	require.Contains(t, out, "0 customer key(s) now wrapped by key")
}
