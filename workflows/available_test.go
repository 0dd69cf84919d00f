package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAvailableCommandsFollowStateAndRole(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	alice := Actor{ID: "alice", Role: RoleAgent}
	bob := Actor{ID: "bob", Role: RoleAgent}
	erin := Actor{ID: "erin", Role: RoleAgent}
	carol := Actor{ID: "carol", Role: RoleSupervisor}
	state := func(status Status) *State {
		return &State{ID: "a1", Status: status, OwnerID: "alice", TeamID: "frontdesk", CreatedBy: "alice", DueAt: now.Add(time.Hour)}
	}
	pending := state(StatusHandoverPending)
	pending.Handovers = []Handover{{ID: "h1", FromID: "alice", ToID: "bob", Status: "pending"}}
	pending.PendingHandoverID = "h1"
	paused := state(StatusAssigned)
	paused.Paused = true
	paused.PausedAt = &now
	// The read model's copy of a paused action knows it is paused, not since when.
	pausedCopy := state(StatusAssigned)
	pausedCopy.Paused = true
	handedOver := state(StatusAssigned)
	handedOver.OwnerID = "bob"
	handedOver.WithHander("alice")
	handedOver.FollowUp = &FollowUp{HanderID: "alice", At: now, First: now}
	toSupervisor := state(StatusHandoverPending)
	toSupervisor.Handovers = []Handover{{ID: "h1", FromID: "alice", ToID: "carol", Status: "pending"}}
	toSupervisor.PendingHandoverID = "h1"
	unassigned := state(StatusUnassigned)
	unassigned.OwnerID = ""

	escalated := state(StatusEscalated)
	escalated.EscalationLevel = 1
	atTop := state(StatusEscalated)
	atTop.EscalationLevel = len(DefaultLadder)
	dave := Actor{ID: "dave", Role: RoleManager}

	needsFive := state(StatusUnassigned)
	needsFive.OwnerID, needsFive.RequiredAuthority = "", 5
	cases := []struct {
		name  string
		s     *State
		actor Actor
		want  []string
	}{
		{"owner of an assigned action", state(StatusAssigned), alice, []string{UpdateHandover, UpdateComplete, UpdatePause, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"stranger to an assigned action", state(StatusAssigned), erin, nil},
		{"supervisor of an assigned action", state(StatusAssigned), carol, []string{UpdateComplete, UpdatePause, UpdateReassign, UpdateExtend, UpdateEscalate, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"recipient of a pending handover", pending, bob, []string{UpdateAccept, UpdateDecline, UpdateNote}},
		{"hander of a pending handover", pending, alice, []string{UpdateWithdraw, UpdateComplete, UpdatePause, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"supervisor of a pending handover", pending, carol, []string{UpdateWithdraw, UpdateComplete, UpdatePause, UpdateReassign, UpdateExtend, UpdateEscalate, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"supervisor receiving a handover declines it, not withdraws it", toSupervisor, carol, []string{UpdateAccept, UpdateDecline, UpdateComplete, UpdatePause, UpdateReassign, UpdateExtend, UpdateEscalate, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"hander asked to follow up", handedOver, alice, []string{UpdateFollowUp, UpdateNote, UpdateCorrect}},
		{"owner of an action handed to them", handedOver, bob, []string{UpdateHandover, UpdateComplete, UpdatePause, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"owner of a paused action", paused, alice, []string{UpdateHandover, UpdateComplete, UpdateResume, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"owner of a paused action, from the read model", pausedCopy, alice, []string{UpdateHandover, UpdateComplete, UpdateResume, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"supervisor of a paused action", pausedCopy, carol, []string{UpdateComplete, UpdateResume, UpdateReassign, UpdateExtend, UpdateEscalate, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"manager of an action escalated to the supervisors", escalated, dave, []string{UpdateComplete, UpdatePause, UpdateReassign, UpdateExtend, UpdateEscalate, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"manager of an action escalated to the top: nothing higher to escalate to", atTop, dave, []string{UpdateComplete, UpdatePause, UpdateReassign, UpdateExtend, UpdateCancel, UpdateNote, UpdateCorrect}},
		{"agent and an unassigned action", unassigned, erin, []string{UpdateClaim}},
		{"creator of an unassigned action", unassigned, alice, []string{UpdateClaim, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
		{"agent below an unassigned action's authority", needsFive, erin, nil},
		{"owner of a completed action", state(StatusCompleted), alice, []string{UpdateNote}},
		{"supervisor of a cancelled action", state(StatusCancelled), carol, []string{UpdateNote}},
		{"owner of an action being checked", state(StatusChecking), alice, []string{UpdateCheck, UpdateComplete, UpdatePause, UpdateNote, UpdateCorrect, CommandCancelDuplicate}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Everyone here is on shift in the action's team, with authority 2.
			self := Recipient{ID: tc.actor.ID, Role: tc.actor.Role, TeamID: "frontdesk", Authority: 2, OnShift: true, Active: true}
			require.Equal(t, tc.want, Available(tc.s, tc.actor, self))
		})
	}
}
