package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
)

// A command only a supervisor may send is refused to an agent for their role (403) whatever
// state the action is in: on a finished action too, where a 409 would say that it might work
// another time. A supervisor sending it there is told the state (409).
func TestSupervisorCommandsRefuseTheRoleBeforeTheState(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	alice := Actor{ID: "alice", Role: RoleAgent}
	carol := Actor{ID: "carol", Role: RoleSupervisor}
	cancelled := &State{ID: "a1", Status: StatusCancelled, OwnerID: "alice", TeamID: "frontdesk", DueAt: now.Add(time.Hour)}
	checks := map[string]func(Actor) error{
		UpdateEscalate: func(a Actor) error { return CheckEscalate(cancelled, EscalateInput{Actor: a, Reason: "r"}) },
		UpdateReassign: func(a Actor) error {
			return CheckReassign(cancelled, ReassignInput{Actor: a, To: Recipient{ID: "bob", Role: RoleAgent, TeamID: "frontdesk"}, Reason: "r"})
		},
		UpdateExtend: func(a Actor) error {
			return CheckExtend(cancelled, ExtendInput{Actor: a, DueIn: time.Hour, Reason: "r"}, now)
		},
		UpdateCancel: func(a Actor) error { return CheckCancel(cancelled, CancelInput{Actor: a, Reason: "r"}) },
	}
	kind := func(err error) string {
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
		return appErr.Type()
	}
	for name, check := range checks {
		err := check(alice)
		require.Equalf(t, ErrForbidden, kind(err), "%s by an agent: %v", name, err)
		require.Contains(t, err.Error(), "only a supervisor or manager")
		err = check(carol)
		require.Equalf(t, ErrConflict, kind(err), "%s by a supervisor: %v", name, err)
		require.Contains(t, err.Error(), "cancelled")
	}
}

// A check asked for before the action escalated is refused once it has, saying what is left to do,
// in the words of who asks: the owner completes it, a supervisor also reassigns or extends it.
func TestCheckOfAnEscalatedActionSaysWhatIsLeft(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	escalated := &State{ID: "a1", Status: StatusEscalated, EscalationLevel: 1, OwnerID: "bob", HandedBy: "alice", TeamID: "frontdesk", DueAt: now}
	check := func(a Actor) string {
		err := CheckCheck(escalated, CheckInput{Actor: a, Result: CheckDone, Notes: "done"})
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
		require.Equal(t, ErrConflict, appErr.Type())
		return appErr.Message()
	}
	require.Equal(t, "cannot check an action that is escalated: complete it if it is done, or a supervisor reassigns it or extends its due time", check(Actor{ID: "bob", Role: RoleAgent}))
	require.Equal(t, "cannot check an action that is escalated: a supervisor or manager reassigns it, extends its due time or completes it", check(Actor{ID: "alice", Role: RoleAgent}))
	require.Equal(t, "cannot check an action that is escalated: complete it if it is done, or reassign it or extend its due time", check(Actor{ID: "carol", Role: RoleSupervisor}))
}

// A withdrawal that comes just after the handover was answered says how it was answered, and
// when, not only what the action is now.
func TestWithdrawTooLateSaysWhatHappened(t *testing.T) {
	at := time.Date(2026, 12, 4, 11, 6, 0, 0, time.UTC)
	s := &State{ID: "a1", Status: StatusAssigned, OwnerID: "bob", TeamID: "frontdesk", DueAt: at.Add(time.Hour),
		Handovers: []Handover{{ID: "h1", FromID: "alice", ToID: "bob", Status: HandoverAccepted, RespondedAt: &at}}}
	err := CheckWithdraw(s, WithdrawInput{Actor: Actor{ID: "carol", Role: RoleSupervisor}, Reason: "needed at the bar"})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
	require.Equal(t, ErrConflict, appErr.Type())
	require.Equal(t, "no handover waits to be withdrawn: the last one, to bob, was accepted at 2026-12-04T11:06:00Z", appErr.Message())
}

// A withdrawal meant for one handover (a supervisor's, as the recipient goes off shift) is refused
// when another one waits by the time it arrives: bob declined, and alice has handed the action to
// erin since; erin's going off shift says nothing of bob's.
func TestWithdrawOfAnotherHandoverRefused(t *testing.T) {
	at := time.Date(2026, 12, 5, 11, 6, 0, 0, time.UTC)
	s := &State{ID: "a1", Status: StatusHandoverPending, OwnerID: "alice", TeamID: "frontdesk", DueAt: at.Add(time.Hour), PendingHandoverID: "h2",
		Handovers: []Handover{
			{ID: "h1", FromID: "alice", ToID: "bob", Status: HandoverDeclined, RespondedAt: &at},
			{ID: "h2", FromID: "alice", ToID: "erin", Status: HandoverPending},
		}}
	carol := Actor{ID: "carol", Role: RoleSupervisor}
	err := CheckWithdraw(s, WithdrawInput{Actor: carol, Reason: "bob is off shift now, so cannot accept it", HandoverID: "h1"})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
	require.Equal(t, ErrConflict, appErr.Type())
	require.Equal(t, "the handover meant is no longer pending: the one waiting now is to erin", appErr.Message())
	require.NoError(t, CheckWithdraw(s, WithdrawInput{Actor: carol, Reason: "erin went home ill", HandoverID: "h2"}))
	require.NoError(t, CheckWithdraw(s, WithdrawInput{Actor: carol, Reason: "sent to the wrong person"}), "none named: the one pending")
}

// An escalated action is paused by those it is escalated to, not by its owner: paused, its climb up
// the ladder and the reminders of its top stop, and the owner could silence them that way.
func TestOwnerDoesNotPauseAnEscalatedAction(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	escalated := &State{ID: "a1", Status: StatusEscalated, EscalationLevel: 2, OwnerID: "alice", TeamID: "frontdesk", DueAt: now}
	err := CheckPause(escalated, PauseInput{Actor: Actor{ID: "alice", Role: RoleAgent}, Reason: "guest calls back"})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
	require.Equal(t, ErrForbidden, appErr.Type())
	require.Equal(t, "the action is escalated (level 2): a supervisor or manager pauses it, as those it is escalated to", appErr.Message())
	require.NotContains(t, Available(escalated, Actor{ID: "alice", Role: RoleAgent}, Recipient{ID: "alice", Role: RoleAgent, TeamID: "frontdesk", Active: true, OnShift: true}), UpdatePause, "not offered")
	require.NoError(t, CheckPause(escalated, PauseInput{Actor: Actor{ID: "carol", Role: RoleSupervisor}, Reason: "guest calls back"}))
	assigned := *escalated
	assigned.Status, assigned.EscalationLevel = StatusAssigned, 0
	require.NoError(t, CheckPause(&assigned, PauseInput{Actor: Actor{ID: "alice", Role: RoleAgent}, Reason: "guest calls back"}), "their own action, not escalated")
}

// A handover of an escalated action (one whose handover expired, say) is refused saying what
// happens to it now.
func TestHandoverOfAnEscalatedActionSaysWhatIsLeft(t *testing.T) {
	escalated := &State{ID: "a1", Status: StatusEscalated, EscalationLevel: 1, OwnerID: "alice", TeamID: "frontdesk"}
	err := CheckHandover(escalated, HandoverInput{Actor: Actor{ID: "alice", Role: RoleAgent}}, time.Time{})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "a refusal: %v", err)
	require.Equal(t, ErrConflict, appErr.Type())
	require.Equal(t, "cannot hand over an action that is escalated: a supervisor or manager reassigns it now (or its owner completes it if it is done)", appErr.Message())
}

// An owner answering their own check "not done" without a next step is told what their form
// offers them (escalate) and who else may give more time or another owner: not the three choices
// a supervisor has.
func TestOwnersCheckWithoutANextStepSaysWhatIsTheirs(t *testing.T) {
	bob := Actor{ID: "bob", Role: RoleAgent}
	carol := Actor{ID: "carol", Role: RoleSupervisor}
	s := &State{ID: "a1", Status: StatusChecking, OwnerID: "bob", TeamID: "frontdesk", Names: map[string]string{"alice": "Alice Adams"}, revision: CurrentRevision}
	s.WithHander("alice")
	err := CheckCheck(s, CheckInput{Actor: bob, Result: CheckNotDone})
	require.ErrorContains(t, err, "next: when it is not done, escalate it: an extension or a reassignment is for Alice Adams, who handed it to you, or a supervisor")
	s.WithHander("")
	err = CheckCheck(s, CheckInput{Actor: bob, Result: CheckNotDone})
	require.ErrorContains(t, err, "an extension or a reassignment is for a supervisor")
	err = CheckCheck(s, CheckInput{Actor: carol, Result: CheckNotDone})
	require.ErrorContains(t, err, "next: when not done, say extend, reassign or escalate")
}
