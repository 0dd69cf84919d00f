package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A note field holds up to 1000 characters, as its form's maxlength says: counted as characters,
// not bytes, so a thousand accented letters (two bytes each) are taken.
func TestNoteFieldsCountCharacters(t *testing.T) {
	t.Parallel()
	require.NoError(t, checkNoteFields("notes", map[string]string{"room_number": strings.Repeat("é", 1000)}))
	err := checkNoteFields("notes", map[string]string{"room_number": strings.Repeat("é", 1001)})
	require.Error(t, err)
	require.Contains(t, err.Error(), "at most 1000 characters")
}
