package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 29 the new owner of a reassignment that gives a due time reads when it is due, and
// that it is sooner than the action had when it was brought forward; one that gives none, or an
// earlier revision, says only that it is theirs.
func TestRevision29SaysTheReassignedDueTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		rev   int
		dueIn time.Duration
		want  string
	}{
		{28, 30 * time.Minute, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill"},
		{29, 30 * time.Minute, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill. It is due 2029-06-01T09:30:00Z, sooner than the 2029-06-01T13:00:00Z it had."},
		{29, 6 * time.Hour, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill. It is due 2029-06-01T15:00:00Z."},
		{29, 0, "“Late checkout” is now yours (reassigned by Carol Clark): Alice went home ill"},
	} {
		t.Run(fmt.Sprint(c.rev, " ", c.dueIn), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r29-%d-%s", c.rev, c.dueIn))
			in.Revision, in.DueAt, in.Title = c.rev, now.Add(4*time.Hour), "Late checkout"
			s, _ := workflows.NewState(in, now)
			takeOutbox(&s, workflows.NotifyAssigned)
			workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carolClark, To: bobBrown, Reason: "Alice went home ill", DueIn: c.dueIn}, now)
			var bobs []string
			for _, n := range takeOutbox(&s, workflows.NotifyAssigned) {
				if n.To[0] == "bob" {
					bobs = append(bobs, n.Message)
				}
			}
			require.Equal(t, []string{c.want}, bobs)
		})
	}
}
