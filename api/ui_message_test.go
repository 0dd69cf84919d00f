package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A notification's times become times the page shows in the desk's zone; the rest stays text.
func TestMessageParts(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 10, 57, 0, time.UTC)
	require.Equal(t, []eventPart{
		{Text: `"Taxi to airport" is now due `}, {At: at}, {Text: ": moved by carol."},
	}, messageParts(`"Taxi to airport" is now due 2026-12-02T15:10:57Z: moved by carol.`))
	parts := messageParts("Accept or decline by 2026-12-02T16:10:57.5+01:00.")
	require.Len(t, parts, 3)
	require.True(t, parts[1].At.Equal(at.Add(500*time.Millisecond)))
	require.Equal(t, []eventPart{{Text: "no time 2026-13-45 here"}}, messageParts("no time 2026-13-45 here"))
}
