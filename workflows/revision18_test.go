package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 18 an escalation's reason says a drill's short span to the second: a check_within
// of 90s escalates "within 1 min 30 s of the due time", where revision 17 said "2 min" of an
// escalation that came at 90 s.
func TestRevision18SaysShortSpansToTheSecond(t *testing.T) {
	t.Parallel()
	reason := func(revision int) string {
		in := startInput("r18")
		in.Revision = revision
		in.Policy = workflows.Policy{CheckWithin: 90 * time.Second, EscalateWithin: time.Hour, Clock: workflows.Clock247}
		s, _ := workflows.NewState(in, in.DueAt.Add(-time.Minute))
		for s.Status != workflows.StatusEscalated {
			at, kind := s.NextDeadline()
			s.Fire(kind, at)
		}
		return s.EscalationReason
	}
	require.Equal(t, "no check was made within 1 min 30 s of the due time", reason(18))
	require.Equal(t, "no check was made within 2 min of the due time", reason(17))
}
