package workflows_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// The check asked of the person who handed an action over, at its due time and again after, and
// the reminder to follow up, are reworded for those asked in their place: they read who handed
// it, not "you". Other messages,
// and the hander's own, are left as they are. The title may hold quotes and commas.
func TestForStandInNamesTheHander(t *testing.T) {
	t.Parallel()
	title := `Room 12: "no hot water", which you handed to nobody`
	// Revision 24 quotes the title in curly quotes as it is; earlier ones as a Go literal.
	for revision, q := range map[int]string{23: strconv.Quote(title), 24: "“" + title + "”"} {
		t.Run(strconv.Itoa(revision), func(t *testing.T) { forStandIn(t, revision, title, q) })
	}
}

func forStandIn(t *testing.T, revision int, title, q string) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("stand-in")
	in.Title, in.Revision = title, revision
	in.DueAt = now.Add(2 * time.Hour)
	s, _ := workflows.NewState(in, now)
	toBob := onShift("bob", 1)
	toBob.Name = "Bob Brown"
	workflows.ApplyHandover(&s, handoverTo(toBob), now.Add(time.Minute))
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "on it"}, now.Add(2*time.Minute))
	s.TakeOutbox()

	// The follow-up reminder, half way to the due time, reads "which Alice Adams handed over".
	s.Fire(workflows.DeadlineFollowUp, now.Add(time.Hour))
	reminders := s.TakeOutbox()
	require.Len(t, reminders, 1)
	require.Equal(t, `Follow up with Bob Brown on `+q+`, which you handed over.`, reminders[0].Message)
	require.Equal(t, `Follow up with Bob Brown on `+q+`, which Alice Adams handed over.`,
		workflows.ForStandIn(reminders[0], "Alice Adams"))
	// A supervisor records it in the hander's place; another agent may not.
	followUp := workflows.FollowUpInput{Actor: workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor}, Note: "Bob is on it"}
	require.NoError(t, workflows.CheckFollowUp(&s, followUp, now.Add(time.Hour)))
	followUp.Actor = workflows.Actor{ID: "erin", Role: workflows.RoleAgent}
	require.ErrorContains(t, workflows.CheckFollowUp(&s, followUp, now.Add(time.Hour)), "only alice, who handed this action over, follows it up (a supervisor does in their place once they have left the team or been deactivated)")

	asked := func(kind string, at time.Time) workflows.Notification {
		t.Helper()
		s.Fire(kind, at)
		for _, n := range s.TakeOutbox() {
			if n.Kind == workflows.NotifyCheckAsked {
				return n
			}
		}
		t.Fatalf("%s asked for no check", kind)
		return workflows.Notification{}
	}
	due := asked(workflows.DeadlineDue, in.DueAt)
	require.Equal(t, q+`, which you handed to Bob Brown, is due: check it was done.`, due.Message)
	require.Equal(t, q+`, which Alice Adams handed to Bob Brown, is due: check it was done.`,
		workflows.ForStandIn(due, "Alice Adams"))
	again := asked(workflows.DeadlineCheckReminder, in.DueAt.Add(time.Hour))
	require.Equal(t, q+`, which Alice Adams handed to Bob Brown, still waits for Alice Adams's check: check it was done.`,
		workflows.ForStandIn(again, "Alice Adams"))

	for _, n := range []workflows.Notification{
		{Kind: workflows.NotifyFollowUp, Title: due.Title, Message: due.Message}, // another kind's words
		{Kind: workflows.NotifyOutcomeAsked, Title: due.Title, Message: reminders[0].Message},
		{Kind: workflows.NotifyCheckAsked, Title: "Other", Message: due.Message}, // another action's words
		{Kind: workflows.NotifyCheckAsked, Title: due.Title, Message: "owned by Bob Brown, is due"},
	} {
		require.Equal(t, n.Message, workflows.ForStandIn(n, "Alice Adams"))
	}
	require.Equal(t, due.Message, workflows.ForStandIn(due, ""), "nobody named: as written")
}
