package workflows

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// How an item of a shift handover ended is not overwritten by a late answer of a retried attempt:
// neither "pending" nor "skipped" (the retry's handover refused because the first one was made).
func TestShiftItemOutcomeStands(t *testing.T) {
	p := ShiftProgress{Items: []ShiftItem{{ActionID: "a", Status: ShiftItemRequested}}}
	p.settle(ShiftItemResult{ActionID: "a", HandoverID: "h1", Status: ShiftItemPending})
	p.settle(ShiftItemResult{ActionID: "a", Status: ShiftItemAccepted})
	p.settle(ShiftItemResult{ActionID: "a", Status: ShiftItemPending})
	p.settle(ShiftItemResult{ActionID: "a", Status: ShiftItemSkipped, Reason: "a handover is already pending"})
	require.Equal(t, ShiftItemAccepted, p.Items[0].Status)
	require.Equal(t, "h1", p.Items[0].HandoverID)

	// Skipped before any handover was made stands.
	q := ShiftProgress{Items: []ShiftItem{{ActionID: "b", Status: ShiftItemRequested}}}
	q.settle(ShiftItemResult{ActionID: "b", Status: ShiftItemSkipped, Reason: "nobody eligible"})
	require.Equal(t, ShiftItemSkipped, q.Items[0].Status)
}
