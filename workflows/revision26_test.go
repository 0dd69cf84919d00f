package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 26 the read-back of a handover made in a shift handover that someone else started
// for the outgoing person (a supervisor), and the rating it is given, are told to whoever started
// it as well as to the outgoing person; the handover keeps who that was. The outgoing person's own
// shift handover, a handover on its own, and an action of revision 25 tell the outgoing person only.
func TestRevision26TellsWhoRanTheShiftHandover(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		revision  int
		shift     string
		startedBy string
		want      []string // who is told the read-back and the rating
	}{
		{"a supervisor's shift handover", 26, "sh-1", "carol", []string{"alice", "carol"}},
		{"the outgoing person's own", 26, "sh-1", "alice", []string{"alice"}},
		{"a handover on its own", 26, "", "", []string{"alice"}},
		{"a supervisor's, revision 25", 25, "sh-1", "carol", []string{"alice"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
			in := startInput(fmt.Sprintf("r26-%d", i))
			in.Revision, in.DueAt = tc.revision, now.Add(8*time.Hour)
			s, _ := workflows.NewState(in, now)
			h := handoverTo(onShift("bob", 1))
			h.ShiftHandoverID, h.StartedBy = tc.shift, tc.startedBy
			workflows.ApplyHandover(&s, h, now.Add(time.Minute))
			s.TakeOutbox()
			require.NoError(t, workflows.CheckAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I call the plumber at 10"}))
			workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I call the plumber at 10"}, now.Add(2*time.Minute))
			workflows.ApplyFeedback(&s, workflows.FeedbackInput{Actor: bob, HandoverID: "h1", Rating: 4}, now.Add(3*time.Minute))
			told := map[string][]string{}
			for _, n := range s.TakeOutbox() {
				if n.Kind == workflows.NotifyHandoverAccepted || n.Kind == workflows.NotifyFeedback {
					require.Len(t, n.To, 1, "each is told in words of their own")
					told[n.Kind] = append(told[n.Kind], n.To[0]+": "+n.Message)
				}
			}
			want := map[string][]string{
				workflows.NotifyHandoverAccepted: {"alice: bob accepted “Late checkout”: I call the plumber at 10"},
				workflows.NotifyFeedback:         {"alice: bob rated your handover of “Late checkout” 4/5."},
			}
			if len(tc.want) > 1 {
				want[workflows.NotifyHandoverAccepted] = append(want[workflows.NotifyHandoverAccepted],
					"carol: bob accepted “Late checkout”, which you passed on for alice in a shift handover: I call the plumber at 10")
				want[workflows.NotifyFeedback] = append(want[workflows.NotifyFeedback],
					"carol: bob rated the handover of “Late checkout” you passed on for alice in a shift handover 4/5.")
			}
			require.Equal(t, want, told)
			wantStarter := ""
			if len(tc.want) > 1 {
				wantStarter = tc.startedBy
			}
			require.Equal(t, wantStarter, s.Handovers[0].StartedBy)
		})
	}
}
