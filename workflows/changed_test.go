package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A decision is for the action as it stands as long as nothing but reminders and ratings came
// after the version it was made on; a change, or a version the action never had, refuses it,
// saying what changed last.
func TestVersionCheckLooksPastReminders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	s := State{Status: StatusEscalated, Names: map[string]string{"dave": "Dave Dale"}, revision: CurrentRevision}
	s.record(now, "dave", EventNoteAdded, nil)               // 1
	s.record(now, "carol", EventEscalated, nil)              // 2
	s.record(now, SystemActor, EventEscalationReminder, nil) // 3
	s.record(now, SystemActor, EventFollowUpReminder, nil)   // 4
	s.record(now, "bob", EventFeedbackGiven, nil)            // 5
	require.EqualValues(t, 5, s.Version)
	require.EqualValues(t, 2, s.Changed)
	for _, v := range []int64{0, 2, 3, 4, 5} {
		require.NoError(t, s.checkVersion(Idempotency{IfVersion: v}), "version %d", v)
	}
	for _, v := range []int64{1, 6} {
		require.Error(t, s.checkVersion(Idempotency{IfVersion: v}), "version %d", v)
	}
	s.Paused = true
	s.record(now, "dave", EventPaused, nil) // 6
	err := s.checkVersion(Idempotency{IfVersion: 5})
	require.ErrorContains(t, err, "the action has changed since version 5: it is at version 6, nobody owns it, escalated and paused; the last change: paused by Dave Dale")
	s.record(now, SystemActor, EventDue, nil) // 7
	require.ErrorContains(t, s.checkVersion(Idempotency{IfVersion: 6}), "the last change: due automatically")
	// The customer told with an accept is part of the accept, which names the change.
	s.record(now, "dave", EventHandoverAccepted, nil) // 8
	s.record(now, "dave", EventCustomerTold, nil)     // 9
	require.EqualValues(t, 9, s.Changed)
	require.ErrorContains(t, s.checkVersion(Idempotency{IfVersion: 8}), "it is at version 9, nobody owns it, escalated and paused; the last change: handover accepted by Dave Dale")
	// A version it never reached did not change since: it is said to be none of the action's.
	require.ErrorContains(t, s.checkVersion(Idempotency{IfVersion: 12}), "the action has no version 12: an ETag of another action, or made up: it is at version 9, nobody owns it")
}
