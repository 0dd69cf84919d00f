package api

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The opening hours form takes a day a line with one or more periods; each period keeps its line,
// for a refusal to name it; a period without its close goes as it is, for the API to refuse.
func TestParseHoursLines(t *testing.T) {
	t.Parallel()
	hours, lines := parseHoursLines("Mon 08:00-12:00 13:00 - 18:00\n\ntue 10:00-14:00\nwed 09:00\nthu")
	require.Equal(t, []map[string]string{
		{"day": "mon", "open": "08:00", "close": "12:00"},
		{"day": "mon", "open": "13:00", "close": "18:00"},
		{"day": "tue", "open": "10:00", "close": "14:00"},
		{"day": "wed", "open": "09:00", "close": ""},
		{"day": "thu", "open": "", "close": ""},
	}, hours)
	require.Equal(t, []int{1, 1, 3, 4, 5}, lines)
}
