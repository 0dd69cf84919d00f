package workflows_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 19 a person's text quoted inside a sentence the workflow writes runs on with
// " / " between its lines, and a full stop it ends with stands for the sentence's own: a shift
// handover's request, a decline and a withdrawal read as sentences. Revision 18 actions keep
// their words ("slow today.. Accept", lines run together).
func TestRevision19QuotesTextAsAClause(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	messages := func(revision int) []string {
		in := startInput("r19")
		in.Revision = revision
		s, _ := workflows.NewState(in, now)
		var out []string
		take := func() {
			for _, n := range s.TakeOutbox() {
				out = append(out, n.Message)
			}
		}
		shift := handoverTo(onShift("bob", 1))
		shift.ShiftHandoverID, shift.StartedBy, shift.Reason = "sh1", "alice", "shift handover"
		shift.Notes.Summary = "Guest in 305 wants a massage at 5pm.\n\nAlice went home ill at 11:30. Spa system is slow today."
		workflows.ApplyHandover(&s, shift, now)
		take()
		workflows.ApplyDecline(&s, workflows.DeclineInput{Actor: bob, Reason: "On a call with 214."}, now.Add(time.Minute))
		take()
		workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now.Add(2*time.Minute))
		take()
		workflows.ApplyWithdraw(&s, workflows.WithdrawInput{Actor: alice, Reason: "Guest asked for me.\nI keep it..."}, now.Add(3*time.Minute))
		take()
		return out
	}
	got := messages(19)
	require.Contains(t, got[0], `in a shift handover: shift notes: Guest in 305 wants a massage at 5pm. / Alice went home ill at 11:30. Spa system is slow today. Accept or decline by `)
	require.Contains(t, got, `bob declined "Late checkout": On a call with 214. You still own it.`)
	require.Contains(t, got, `alice withdrew the handover of "Late checkout" to you: Guest asked for me. / I keep it. alice keeps it.`)

	// A handover asked for while the action is paused quotes the pause's reason as a clause too.
	in := startInput("r19-paused")
	s, _ := workflows.NewState(in, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "Guest calls back at 3."}, now)
	s.TakeOutbox()
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now.Add(time.Minute))
	asked := s.TakeOutbox()
	require.NotEmpty(t, asked)
	require.Contains(t, asked[0].Message, "(it is paused: Guest calls back at 3).")

	old := messages(18)
	require.Contains(t, old[0], "Spa system is slow today.. Accept or decline by ", "revision 18 as its histories recorded")
	require.Contains(t, old, `bob declined "Late checkout": On a call with 214.. You still own it.`)
}
