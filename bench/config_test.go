package bench

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The demo's people stand in for those not named; a token given is kept, and one given without the
// person it belongs to is refused rather than replaced by a demo token.
func TestConfigPeople(t *testing.T) {
	t.Parallel()
	var demo Config
	demo.setDefaults()
	require.NoError(t, demo.validate())
	require.Equal(t, []string{"alice", "demo-alice", "bob", "demo-bob"}, []string{demo.OwnerID, demo.OwnerToken, demo.RecipientID, demo.RecipientToken})

	named := Config{OwnerID: "nina", OwnerToken: "t1", RecipientID: "omar", RecipientToken: "t2"}
	named.setDefaults()
	require.NoError(t, named.validate())
	require.Equal(t, "t1", named.OwnerToken)

	tokensOnly := Config{OwnerToken: "t1", RecipientToken: "t2"}
	tokensOnly.setDefaults()
	require.ErrorContains(t, tokensOnly.validate(), "need --owner and --recipient")
	require.Equal(t, "t1", tokensOnly.OwnerToken, "never replaced")

	idOnly := Config{OwnerID: "nina"}
	idOnly.setDefaults()
	require.ErrorContains(t, idOnly.validate(), "need tokens")
}
