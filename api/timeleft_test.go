package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// The time an action has left, which decides whether a shift handover's reassignment gives it a
// new due time: to its due time, or for a paused one what it will have once resumed.
func TestTimeLeft(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 3, 4, 12, 0, 0, 0, time.UTC)
	left := int64(3 * 3600)
	for _, c := range []struct {
		name string
		a    models.Action
		want time.Duration
	}{
		{"past its due time", models.Action{DueAt: now.Add(-2 * time.Hour)}, -2 * time.Hour},
		{"due soon", models.Action{DueAt: now.Add(20 * time.Minute)}, 20 * time.Minute},
		{"paused long ago past its due time, with 3h to go", models.Action{DueAt: now.Add(-48 * time.Hour), Paused: true, DueLeftSeconds: &left}, 3 * time.Hour},
		{"paused, due at a time given meanwhile", models.Action{DueAt: now.Add(30 * time.Minute), Paused: true}, 30 * time.Minute},
	} {
		require.Equal(t, c.want, timeLeft(c.a, now), c.name)
	}
}
