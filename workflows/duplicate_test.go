package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// An action made twice by mistake: its owner cancels it as a duplicate of the other, naming it,
// where only a supervisor or manager may cancel for another reason; the timeline names the
// other action, and the reason says it when none is given. Its creator may while nobody owns it;
// nobody else, and no action duplicates itself.
func TestOwnerCancelsADuplicate(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("dup"), now)
	dup := workflows.CancelInput{Actor: alice, DuplicateOf: "first", DuplicateTitle: "Late checkout for room 214"}

	kind, says := refusalOf(t, workflows.CheckCancel(&s, workflows.CancelInput{Actor: alice, Reason: "not needed"}))
	require.Equal(t, workflows.ErrForbidden, kind, "for another reason: a supervisor's")
	require.Equal(t, "only a supervisor or manager can cancel an action: if it was made twice, cancel it as a duplicate, naming the other (duplicate_of)", says)
	kind, says = refusalOf(t, workflows.CheckCancel(&s, workflows.CancelInput{Actor: bob, Reason: "not needed"}))
	require.Equal(t, workflows.ErrForbidden, kind)
	require.Equal(t, "only a supervisor or manager can cancel an action", says, "not theirs: nothing more to offer")
	kind, _ = refusalOf(t, workflows.CheckCancel(&s, workflows.CancelInput{Actor: bob, DuplicateOf: "first"}))
	require.Equal(t, workflows.ErrForbidden, kind, "not theirs")
	kind, says = refusalOf(t, workflows.CheckCancel(&s, workflows.CancelInput{Actor: alice, DuplicateOf: "dup"}))
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Equal(t, "duplicate_of: an action does not duplicate itself: name the other one", says)

	require.NoError(t, workflows.CheckCancel(&s, dup))
	events := workflows.ApplyCancel(&s, dup, now.Add(time.Minute))
	require.Equal(t, workflows.StatusCancelled, s.Status)
	require.Equal(t, map[string]any{"reason": "a duplicate of “Late checkout for room 214”", "duplicate_of": "first"}, events[len(events)-1].Data)

	// Its creator, while nobody owns it; not once someone does.
	unowned := startInput("dup-unowned")
	unowned.OwnerID = ""
	u, _ := workflows.NewState(unowned, now)
	require.NoError(t, workflows.CheckCancel(&u, workflows.CancelInput{Actor: alice, DuplicateOf: "first", Reason: "made twice"}))
	u.OwnerID = "bob"
	kind, _ = refusalOf(t, workflows.CheckCancel(&u, workflows.CancelInput{Actor: alice, DuplicateOf: "first"}))
	require.Equal(t, workflows.ErrForbidden, kind)
	// A supervisor's cancel may name one too, its reason their own.
	require.NoError(t, workflows.CheckCancel(&u, workflows.CancelInput{Actor: carol, DuplicateOf: "first", Reason: "the guest asked twice"}))

	// Escalated, it is the supervisors' and managers' to end: its owner cannot stop the escalation so.
	e, _ := workflows.NewState(startInput("dup-escalated"), now)
	workflows.ApplyEscalate(&e, workflows.EscalateInput{Actor: carol, Reason: "guest complained"}, now)
	require.Equal(t, workflows.StatusEscalated, e.Status)
	kind, _ = refusalOf(t, workflows.CheckCancel(&e, workflows.CancelInput{Actor: alice, DuplicateOf: "first"}))
	require.Equal(t, workflows.ErrForbidden, kind)
	require.NotContains(t, workflows.Available(&e, alice, onShift("alice", 1)), workflows.CommandCancelDuplicate)
}
