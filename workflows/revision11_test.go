package workflows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/workflows"
)

// From revision 11 a handover asked for less than its accept window before the due time asks to be
// answered by the due time, which withdraws it; one with time enough is asked as before. Escalations and cancellations made by someone say who; the ladder's own climb
// does not. Revision 10 keeps its words.
func TestRevision11Messages(t *testing.T) {
	named := func(a workflows.Actor, name string) workflows.Actor { a.Name = name; return a }
	carol, dave := named(carol, "Carol Cole"), named(dave, "Dave Dale")
	toBob := onShift("bob", 1)
	for _, tc := range []struct {
		revision                            int
		handover, expired, escalated, ended string
	}{
		{11, "Accept or decline by 2029-06-01T09:30:00Z, the action's due time (not accepted by then, the handover is withdrawn and the action goes to its check).",
			`"Late checkout" is escalated to supervisor (level 1): `,
			`"Late checkout" is escalated to manager by Carol Cole (level 2): guest complains`,
			`"Late checkout" was cancelled by Dave Dale: guest left`},
		{10, "Accept or decline by 2029-06-01T09:44:00Z.",
			`"Late checkout" is escalated to supervisor (level 1): `,
			`"Late checkout" is escalated to manager (level 2): guest complains`,
			`"Late checkout" was cancelled: guest left`},
	} {
		t.Run(fmt.Sprint(tc.revision), func(t *testing.T) {
			now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
			in := startInput(fmt.Sprintf("r11-%d", tc.revision))
			in.Revision, in.DueAt = tc.revision, now.Add(30*time.Minute)
			s, _ := workflows.NewState(in, now)
			s.TakeOutbox()
			last := func() string {
				out := s.TakeOutbox()
				require.NotEmpty(t, out)
				return out[len(out)-1].Message
			}
			h := handoverTo(toBob)
			h.AcceptWithin = 30 * time.Minute
			workflows.ApplyHandover(&s, h, now.Add(14*time.Minute))
			require.Contains(t, last(), tc.handover)
			workflows.ApplyDecline(&s, workflows.DeclineInput{Actor: bob, Reason: "on a call"}, now.Add(15*time.Minute))
			s.TakeOutbox()
			h.AcceptWithin = 10 * time.Minute
			workflows.ApplyHandover(&s, h, now.Add(16*time.Minute))
			require.Contains(t, last(), "Accept or decline by 2029-06-01T09:26:00Z.", "time enough before the due time")

			// The handover lapses unanswered: the ladder's own escalation names nobody.
			s.Fire(workflows.DeadlineAccept, now.Add(26*time.Minute))
			require.Contains(t, last(), tc.expired)
			workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carol, Reason: "guest complains"}, now.Add(27*time.Minute))
			require.Equal(t, tc.escalated, last())
			workflows.ApplyCancel(&s, workflows.CancelInput{Actor: dave, Reason: "guest left"}, now.Add(28*time.Minute))
			require.Equal(t, tc.ended, last())
		})
	}
}

// A shift handover's reassignment takes the action from the outgoing person only: one reassigned
// to someone else since the shift was planned is refused (the shift handover skips it, saying who
// has it), and the manager's decision stands.
func TestShiftReassignTakesFromTheOutgoingOnly(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("shift-from"), now)
	dan := onShift("dan", 1)
	dan.Name = "Dan Dale"
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: dave, To: dan, Reason: "dan knows the guest"}, now.Add(time.Minute))
	planned := workflows.ReassignInput{Actor: carol, To: onShift("bob", 1), Reason: "shift handover: quiet night", From: "alice"}
	err := workflows.CheckReassign(&s, planned)
	require.ErrorContains(t, err, "Dan Dale owns it now, not alice: it is no longer theirs to pass on")
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, workflows.ErrConflict, appErr.Type())
	planned.From = "dan"
	require.NoError(t, workflows.CheckReassign(&s, planned), "from its owner it goes")
}

// An extension gives more time, paused or not: one that would bring a paused action's due time
// forward is refused as it is when the action runs.
func TestExtendWhilePausedGivesMoreTime(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("paused-extend")
	in.DueAt = now.Add(2 * time.Hour)
	s, _ := workflows.NewState(in, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, now.Add(time.Minute))
	at := now.Add(2 * time.Minute)
	require.ErrorContains(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: time.Hour, Reason: "x"}, at),
		"an extension only gives more time")
	require.ErrorContains(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueAt: now.Add(time.Hour), Reason: "x"}, at),
		"an extension only gives more time")
	require.NoError(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: 3 * time.Hour, Reason: "x"}, at))
}

// While paused, a due time given as a time stays where it is given and one counted from now moves
// on with the pause: an extension compares them as they would stand were the action resumed now.
// A fixed time earlier than that was taken (the action then went straight to its check when
// resumed), and a due_in after a fixed time was refused against the time the pause began.
func TestExtendWhilePausedComparesAsIfResumedNow(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("paused-extend-fixed")
	in.DueAt = now.Add(2 * time.Hour) // 11:00
	s, _ := workflows.NewState(in, now)
	workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, now.Add(30*time.Minute))
	at := now.Add(6 * time.Hour) // 15:00, still paused: resumed now, due 16:30
	require.ErrorContains(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueAt: at.Add(time.Hour), Reason: "x"}, at),
		"due_at: that is 2029-06-01T16:00:00Z, before the action's due time 2029-06-01T16:30:00Z were it resumed now")
	fixed := workflows.ExtendInput{Actor: carol, DueAt: at.Add(2 * time.Hour), Reason: "the guest calls at five"}
	require.NoError(t, workflows.CheckExtend(&s, fixed, at))
	workflows.ApplyExtend(&s, fixed, at) // due 17:00, where it stays
	later := at.Add(5 * time.Minute)     // 15:05
	require.NoError(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: 3 * time.Hour, Reason: "x"}, later),
		"three hours after a resume at 15:05 is 18:05, after 17:00")
	require.ErrorContains(t, workflows.CheckExtend(&s, workflows.ExtendInput{Actor: carol, DueIn: time.Hour, Reason: "x"}, later),
		"due_in: that is 2029-06-01T16:05:00Z, before the action's due time 2029-06-01T17:00:00Z were it resumed now")
}

// From revision 11 the recipient told of a resume is asked to answer by the due time when that
// comes before the end of the accept window; revision 10 gave the window's end.
func TestRevision11ResumeNamesTheDueTime(t *testing.T) {
	for _, tc := range []struct {
		revision int
		by       string
	}{
		{11, "by 2029-06-01T09:35:00Z, the action's due time."},
		{10, "by 2029-06-01T10:05:00Z."},
	} {
		now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
		in := startInput(fmt.Sprintf("resume-%d", tc.revision))
		in.Revision, in.DueAt = tc.revision, now.Add(30*time.Minute)
		s, _ := workflows.NewState(in, now)
		workflows.ApplyPause(&s, workflows.PauseInput{Actor: alice, Reason: "waiting on the guest"}, now)
		h := handoverTo(onShift("bob", 1))
		h.AcceptWithin = time.Hour
		workflows.ApplyHandover(&s, h, now)
		s.TakeOutbox()
		workflows.ApplyResume(&s, workflows.ResumeInput{Actor: alice, Reason: "the guest answered"}, now.Add(5*time.Minute))
		var told []string
		for _, n := range s.TakeOutbox() {
			told = append(told, n.Message)
		}
		require.Contains(t, strings.Join(told, "\n"), "accept or decline alice's handover "+tc.by, tc.revision)
	}
}
