package workflows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// From revision 14 the hander's follow-up reminders end at the due time, where they are asked to
// check the action instead; revision 13 went on reminding them to follow up until the check.
// Handed over with a first follow-up at 15 min, every 10 min after, due at 60 min, at its check
// until cancelled at 110 min: reminders at 15, 25, 35, 45 and 55 min only.
func TestRevision14FollowUpsEndAtTheDueTime(t *testing.T) {
	reminders := func(t *testing.T, revision int) (int, *workflows.State) {
		b := setup(t)
		in := b.dueIn(fmt.Sprintf("r14-%d", revision), time.Hour)
		in.Revision = revision
		in.Policy = workflows.Policy{FollowUpEvery: 10 * time.Minute, CheckWithin: time.Hour, Clock: workflows.Clock247}
		h := handoverTo(onShift("bob", 1))
		h.FollowUpIn = 14 * time.Minute
		atCheck := probe(61 * time.Minute)
		b.run(t, in,
			&step{name: workflows.UpdateHandover, at: time.Minute, arg: h},
			&step{name: workflows.UpdateAccept, at: 2 * time.Minute, arg: workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}},
			atCheck,
			&step{name: workflows.UpdateCancel, at: 110 * time.Minute, arg: workflows.CancelInput{Actor: carol, Reason: "guest left"}},
		)
		require.Equal(t, workflows.StatusChecking, atCheck.state.Status)
		return count(b.eventTypes(t, in.ActionID), workflows.EventFollowUpReminder), &atCheck.state
	}
	t.Run("revision 14", func(t *testing.T) {
		n, atCheck := reminders(t, 14)
		require.Equal(t, 5, n, "15, 25, 35, 45 and 55 min: none once the action is at its check")
		require.Nil(t, atCheck.FollowUp, "the follow-up asked ends at the due time")
	})
	t.Run("revision 13", func(t *testing.T) {
		n, atCheck := reminders(t, 13)
		require.Equal(t, 10, n, "revision 13 reminds every 10 min until the check")
		require.NotNil(t, atCheck.FollowUp)
	})
}

// From revision 14 an extension of a paused action tells the owner the time it has once resumed,
// not a due time counted from the pause that will move when it resumes.
func TestRevision14ExtendWhilePausedSaysTheTimeLeft(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	told := func(revision int) string {
		in := startInput("r14-extend")
		in.Revision = revision
		in.DueAt = now.Add(30 * time.Minute)
		in.Policy = workflows.Policy{Clock: workflows.Clock247}
		s, _ := workflows.NewState(in, now)
		pause := workflows.PauseInput{Actor: alice, Reason: "waiting for the guest's flight number"}
		require.NoError(t, workflows.CheckPause(&s, pause))
		workflows.ApplyPause(&s, pause, now)
		s.TakeOutbox()
		extend := workflows.ExtendInput{Actor: carol, DueIn: 90 * time.Minute, Reason: "the guest asked for more time"}
		require.NoError(t, workflows.CheckExtend(&s, extend, now.Add(time.Hour)))
		workflows.ApplyExtend(&s, extend, now.Add(time.Hour))
		for _, n := range s.TakeOutbox() {
			if n.Kind == workflows.NotifyAssigned {
				return n.Message
			}
		}
		return ""
	}
	require.Equal(t, `"Late checkout" is now due 1 h 30 min after it resumes (it is paused): the guest asked for more time`, told(14))
	require.Equal(t, `"Late checkout" is now due 2029-06-01T10:30:00Z: the guest asked for more time`, told(13))
}

// From revision 14 the people a handover's expiry or withdrawal concerns are told each in their
// own words: the owner is not named to themselves ("Alice Adams still owns it" in Alice's inbox).
func TestRevision14EachToldInTheirOwnWords(t *testing.T) {
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	alice := workflows.Actor{ID: "alice", Role: workflows.RoleAgent, Name: "Alice Adams"}
	carol := workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Cole"}
	toBob := onShift("bob", 1)
	toBob.Name = "Bob Brown"
	told := func(revision int, end func(s *workflows.State)) map[string][]string {
		in := startInput(fmt.Sprintf("r14-told-%d", revision))
		in.Revision, in.CreatedBy, in.OwnerName = revision, alice, "Alice Adams"
		in.DueAt = now.Add(8 * time.Hour)
		s, _ := workflows.NewState(in, now)
		h := handoverTo(toBob)
		h.Actor = alice
		workflows.ApplyHandover(&s, h, now)
		s.TakeOutbox()
		end(&s)
		out := map[string][]string{}
		for _, n := range s.TakeOutbox() {
			if n.Kind == workflows.NotifyHandoverExpired || n.Kind == workflows.NotifyHandoverWithdrawn {
				for _, to := range n.To {
					out[to] = append(out[to], n.Message)
				}
			}
		}
		return out
	}
	expire := func(s *workflows.State) {
		s.Fire(workflows.DeadlineAccept, s.PendingHandover().ExpiresAt.Add(time.Second))
	}
	withdrawBy := func(a workflows.Actor) func(s *workflows.State) {
		return func(s *workflows.State) {
			workflows.ApplyWithdraw(s, workflows.WithdrawInput{Actor: a, Reason: "needed at the bar"}, now.Add(time.Minute))
		}
	}
	require.Equal(t, map[string][]string{
		"alice": {`The handover of "Late checkout" to Bob Brown was not accepted in time; you still own it.`},
		"bob":   {`The handover of "Late checkout" to you was not accepted in time; Alice Adams still owns it.`},
	}, told(14, expire))
	require.Equal(t, map[string][]string{
		"bob":   {`Carol Cole withdrew Alice Adams's handover of "Late checkout" to you: needed at the bar. Alice Adams keeps it.`},
		"alice": {`Carol Cole withdrew your handover of "Late checkout" to Bob Brown: needed at the bar. You keep it.`},
	}, told(14, withdrawBy(carol)))
	require.Equal(t, map[string][]string{
		"bob": {`Alice Adams withdrew the handover of "Late checkout" to you: needed at the bar. Alice Adams keeps it.`},
	}, told(14, withdrawBy(alice)))
	old := `The handover of "Late checkout" to Bob Brown was not accepted in time; Alice Adams still owns it.`
	require.Equal(t, map[string][]string{"alice": {old}, "bob": {old}}, told(13, expire), "revision 13 tells both in one message")
}
