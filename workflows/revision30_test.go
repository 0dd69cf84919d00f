package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 30 a hander whose action has no open time before its due time (handed over on a
// Saturday, due before the desk opens on Monday) is first reminded to follow up as the desk opens,
// not at once in closed hours; revision 29 reminded at once. One with open time before its due time
// is reminded halfway there, as before.
func TestRevision30FollowUpWaitsForTheDeskToOpen(t *testing.T) {
	t.Parallel()
	saturday := londonTime(t, 2026, 11, 21, 14, 0) // office hours: weekdays 08:00-18:00
	monday8 := londonTime(t, 2026, 11, 23, 8, 0)
	for _, c := range []struct {
		rev  int
		due  time.Time
		want time.Time
	}{
		{29, londonTime(t, 2026, 11, 23, 7, 30), saturday.Add(time.Minute)},
		{30, londonTime(t, 2026, 11, 23, 7, 30), monday8},
		{30, londonTime(t, 2026, 11, 23, 10, 0), londonTime(t, 2026, 11, 23, 9, 0)},
	} {
		t.Run(fmt.Sprint(c.rev, " ", c.due), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r30f-%d-%d", c.rev, c.due.Unix()))
			in.Revision, in.Calendar, in.DueAt = c.rev, officeHours(), c.due
			s, _ := workflows.NewState(in, saturday)
			workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), saturday)
			workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "the taxi at 07:30"}, saturday.Add(time.Minute))
			require.NotNil(t, s.FollowUp)
			require.Equal(t, c.want.UTC(), s.FollowUp.At.UTC())
		})
	}
}

// From revision 30 an escalation for want of a check, on a business-time clock, says that its limit
// counts opening hours; around the clock, or in revision 29, it says the limit alone.
func TestRevision30SaysLimitsCountOpeningHours(t *testing.T) {
	t.Parallel()
	monday := londonTime(t, 2026, 11, 23, 9, 0)
	for _, c := range []struct {
		rev     int
		hours   bool
		checked string
		acted   string
	}{
		{29, true, "no check was made within 1 h of the due time", "no action within 1 h of the escalation"},
		{30, true, "no check was made within 1 h of opening hours after the due time", "no action within 1 h of opening hours after the escalation"},
		{30, false, "no check was made within 1 h of the due time", "no action within 1 h of the escalation"},
	} {
		t.Run(fmt.Sprint(c.rev, " ", c.hours), func(t *testing.T) {
			in := startInput(fmt.Sprintf("r30e-%d-%t", c.rev, c.hours))
			in.Revision, in.DueAt = c.rev, monday.Add(time.Hour)
			if c.hours {
				in.Calendar = officeHours()
			}
			s, _ := workflows.NewState(in, monday)
			for _, want := range []string{"", c.checked, c.acted} {
				at, kind := s.NextDeadline()
				s.Fire(kind, at)
				if want != "" {
					require.Equal(t, workflows.StatusEscalated, s.Status, kind)
					require.Contains(t, s.EscalationWhy(), want, kind)
				}
			}
		})
	}
}
