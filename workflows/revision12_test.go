package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 12 a rating given without a comment ends its message at the rating; with one, the
// comment follows as before. Revision 11 keeps its words.
func TestRevision12FeedbackMessage(t *testing.T) {
	for _, tc := range []struct {
		revision int
		bare     string
	}{
		{12, `bob rated your handover of "Late checkout" 4/5.`},
		{11, `bob rated your handover of "Late checkout" 4/5: `},
	} {
		t.Run(fmt.Sprint(tc.revision), func(t *testing.T) {
			now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
			in := startInput(fmt.Sprintf("r12-%d", tc.revision))
			in.Revision = tc.revision
			s, _ := workflows.NewState(in, now)
			rated := func(h workflows.HandoverInput, from, to workflows.Actor, rating int, comment string, at time.Time) string {
				h.Actor = from
				workflows.ApplyHandover(&s, h, at)
				workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: to, Summary: "2pm checkout confirmed"}, at.Add(time.Minute))
				id := s.Handovers[len(s.Handovers)-1].ID
				s.TakeOutbox()
				workflows.ApplyFeedback(&s, workflows.FeedbackInput{Actor: to, HandoverID: id, Rating: rating, Comment: comment}, at.Add(2*time.Minute))
				out := s.TakeOutbox()
				require.Len(t, out, 1)
				require.Equal(t, []string{from.ID}, out[0].To)
				return out[0].Message
			}
			require.Equal(t, tc.bare, rated(handoverTo(onShift("bob", 1)), alice, bob, 4, "", now))
			toAlice := onShift("alice", 1)
			require.Equal(t, `alice rated your handover of "Late checkout" 2/5: no room number`, rated(handoverTo(toAlice), bob, alice, 2, "no room number", now.Add(time.Hour)))
		})
	}
}
