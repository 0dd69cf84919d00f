package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// A copy of the state has its own note fields of each handover and its own policy's required
// fields: the copy a validator checks, a query answers or the API opens personal data in could
// otherwise change the running state through them (Clone copied the handovers but shared the maps
// and slices inside them).
func TestCloneCopiesNoteFieldsAndRequiredFields(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	in := startInput("clone")
	in.Policy.RequiredFields = []string{"room"}
	s, _ := workflows.NewState(in, now)
	h := handoverTo(onShift("bob", 1))
	h.Notes.Fields = map[string]string{"room": "12"}
	workflows.ApplyHandover(&s, h, now)

	c := s.Clone()
	c.Handovers[0].Notes.Fields["room"] = "14"
	c.Policy.RequiredFields[0] = "amount"
	require.Equal(t, "12", s.Handovers[0].Notes.Fields["room"])
	require.Equal(t, []string{"room"}, s.Policy.RequiredFields)
}
