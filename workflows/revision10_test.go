package workflows_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/workflows"
)

// namedScenario runs one action through handovers declined, withdrawn, accepted and expired, its
// follow-up, its due time and a reassignment, with every person named, and answers the messages
// it wrote (inbox notifications and escalation reasons), in order.
func namedScenario(t *testing.T, revision int) []string {
	t.Helper()
	named := func(a workflows.Actor, name string) workflows.Actor { a.Name = name; return a }
	alice, bob, carol := named(alice, "Alice Adams"), named(bob, "Bob Brown"), named(carol, "Carol Cole")
	toBob := onShift("bob", 1)
	toBob.Name = "Bob Brown"
	dan := onShift("dan", 1)
	dan.Name = "Dan Dale"

	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput(fmt.Sprintf("n%d", revision))
	in.Revision, in.CreatedBy, in.OwnerName = revision, alice, "Alice Adams"
	in.DueAt = now.Add(8 * time.Hour)
	s, _ := workflows.NewState(in, now)
	var messages []string
	take := func() {
		for _, n := range s.TakeOutbox() {
			messages = append(messages, n.Message)
		}
	}
	handover := func(from workflows.Actor, to workflows.Recipient) {
		h := handoverTo(to)
		h.Actor = from
		now = now.Add(time.Minute)
		workflows.ApplyHandover(&s, h, now)
		take()
	}
	handover(alice, toBob)
	workflows.ApplyDecline(&s, workflows.DeclineInput{Actor: bob, Reason: "on a call"}, now.Add(time.Minute))
	take()
	handover(alice, toBob)
	workflows.ApplyWithdraw(&s, workflows.WithdrawInput{Actor: carol, Reason: "needed at the bar"}, now.Add(time.Minute))
	take()
	handover(alice, toBob)
	workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now.Add(time.Minute))
	take()
	for _, kind := range []string{workflows.DeadlineFollowUp, workflows.DeadlineDue} {
		now = now.Add(time.Hour)
		s.Fire(kind, now)
		take()
	}
	workflows.ApplyReassign(&s, workflows.ReassignInput{Actor: carol, To: dan, Reason: "off sick"}, now.Add(time.Minute))
	take()
	handover(workflows.Actor{ID: "dan", Role: workflows.RoleAgent, Name: "Dan Dale"}, toBob)
	s.Fire(workflows.DeadlineAccept, now.Add(time.Hour))
	take()
	messages = append(messages, s.EscalationReason)
	return messages
}

// From revision 10 the messages an action writes name people by their names, as the pages do, where
// they gave staff IDs; revision 9 actions go on giving IDs, as their histories recorded.
func TestMessagesNamePeople(t *testing.T) {
	t.Parallel()
	want := []string{
		`Alice Adams asks you to take over "Late checkout": shift ends.`,
		`Bob Brown declined "Late checkout": on a call. You still own it.`,
		`Carol Cole withdrew the handover of "Late checkout" from Alice Adams to Bob Brown: needed at the bar. Alice Adams keeps it.`,
		`Bob Brown accepted "Late checkout": 2pm checkout`,
		`Follow up with Bob Brown on "Late checkout", which you handed over.`,
		`"Late checkout", which you handed to Bob Brown, is due: check it was done.`,
		`"Late checkout" is now yours (reassigned by Carol Cole): off sick`,
		`"Late checkout" was reassigned to Dan Dale: off sick`,
		`Dan Dale asks you to take over "Late checkout"`,
		`The handover of "Late checkout" to Bob Brown was not accepted in time; Dan Dale still owns it.`,
		`handover to Bob Brown not accepted within 30 min`,
	}
	byName := strings.NewReplacer("Alice Adams", "alice", "Bob Brown", "bob", "Carol Cole", "carol", "Dan Dale", "dan")
	for _, rev := range []int{10, 9} {
		messages := strings.Join(namedScenario(t, rev), "\n")
		for _, w := range want {
			if rev < 10 {
				w = byName.Replace(w)
			}
			require.Contains(t, messages, w, "revision %d", rev)
		}
		staffID := regexp.MustCompile(`\b(alice|bob|carol|dan)\b`)
		if rev >= 10 {
			require.Empty(t, staffID.FindAllString(messages, -1), "revision 10 gives no staff ID:\n%s", messages)
		} else {
			require.NotContains(t, messages, "Adams", "revision 9 gives IDs")
		}
	}
}

// A person whose name the action was never given is named by their staff ID; a name given later
// (a recipient's, with a handover) is used from then on; and a copy of the state has its own names.
func TestNamesFallBackAndAreCopied(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("n-fallback") // alice without a name, as a caller of an earlier version sends
	s, _ := workflows.NewState(in, now)
	require.Empty(t, s.Names)
	toBob := onShift("bob", 1)
	toBob.Name = "  Bob Brown "
	workflows.ApplyHandover(&s, handoverTo(toBob), now)
	out := s.TakeOutbox()
	require.Len(t, out, 1)
	require.True(t, strings.HasPrefix(out[0].Message, `alice asks you to take over “Late checkout”`), out[0].Message)
	require.Equal(t, map[string]string{"bob": "Bob Brown"}, s.Names)

	copied := s.Clone()
	copied.Names["bob"] = "Robert Brown"
	require.Equal(t, "Bob Brown", s.Names["bob"], "the copy shares no names with the state")
	workflows.ApplyDecline(&s, workflows.DeclineInput{Actor: bob, Reason: "on a call"}, now.Add(time.Minute))
	out = s.TakeOutbox()
	require.Len(t, out, 1)
	require.Equal(t, `Bob Brown declined “Late checkout”: on a call. You still own it.`, out[0].Message)
}

// The webhook's message for a change that notified nobody names its actor (revision 10), from the
// name the command carried through the Update.
func TestWebhookMessageNamesTheActor(t *testing.T) {
	t.Parallel()
	b, hooks := webhookBundle(t)
	named := alice
	named.Name = "Alice Adams"
	in := startInput("n-webhook")
	in.CreatedBy, in.OwnerName = named, "Alice Adams"
	create := &step{name: workflows.UpdateCreate, arg: workflows.CreateInput{Actor: named}}
	complete := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: named, Outcome: "checkout moved"}}
	b.run(t, in, create, complete)
	require.NoError(t, complete.err)
	hooks.mu.Lock()
	defer hooks.mu.Unlock()
	var messages []string
	for _, ev := range hooks.got {
		messages = append(messages, ev.Message)
	}
	require.Contains(t, messages, `“Late checkout” was completed by Alice Adams: checkout moved`)
	require.Contains(t, messages, `“Late checkout”: created by Alice Adams`)
}

// A supervisor's shift handover names the supervisor and the outgoing owner (revision 10).
func TestShiftHandoverRequestNamesPeople(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	in := startInput("n-shift")
	in.OwnerName = "Alice Adams"
	s, _ := workflows.NewState(in, now)
	h := handoverTo(onShift("bob", 1))
	h.Reason, h.Method, h.Notes = "shift handover", "report", workflows.HandoverNotes{Summary: "Room 12 waits for a plumber"}
	h.ShiftHandoverID, h.StartedBy, h.StartedByName = "sh1", "carol", "Carol Cole"
	workflows.ApplyHandover(&s, h, now)
	out := s.TakeOutbox()
	require.Len(t, out, 1)
	require.True(t, strings.HasPrefix(out[0].Message,
		`Carol Cole passes you Alice Adams's “Late checkout” in a shift handover: shift notes: Room 12 waits for a plumber. Accept or decline by `), out[0].Message)
}

// Refusals name people as the messages do (revision 10): the recipient by the name the command
// gives, the owner and the hander by the names the action keeps. Validators are not replayed, so
// this holds for every action of revision 10 the moment it is deployed.
func TestRefusalsNamePeople(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	for rev, want := range map[int][]string{
		10: {"to_id: Bob Brown is not on shift", "to_id: Alice Adams already owns this action", "only the owner (Alice Adams) can hand this action over",
			"(the timeline says why): Alice Adams owns the action", "the action is owned by Alice Adams: ask a supervisor"},
		9: {"to_id: bob is not on shift", "to_id: alice already owns this action", "only the owner (alice) can hand this action over",
			"(the timeline says why): alice owns the action", "the action is owned by alice: ask a supervisor"},
	} {
		in := startInput(fmt.Sprintf("n-refusals-%d", rev))
		in.Revision, in.OwnerName = rev, "Alice Adams"
		s, _ := workflows.NewState(in, now)
		offShift := onShift("bob", 1)
		offShift.Name, offShift.OnShift = "Bob Brown", false
		self := onShift("alice", 1)
		self.Name = "Alice Adams"
		var got []string
		for _, err := range []error{
			workflows.CheckHandover(&s, handoverTo(offShift), time.Time{}),
			workflows.CheckReassign(&s, workflows.ReassignInput{Actor: carol, To: self, Reason: "back from lunch"}),
			workflows.CheckHandover(&s, workflows.HandoverInput{Actor: bob, To: onShift("erin", 1), Reason: "x", Method: "phone", Situation: "busy"}, time.Time{}),
		} {
			require.Error(t, err)
			got = append(got, err.Error())
		}
		// Bob answers a handover withdrawn since his page was drawn; Erin would claim the action
		// once it is escalated, but Alice still owns it.
		toBob := onShift("bob", 1)
		toBob.Name = "Bob Brown"
		workflows.ApplyHandover(&s, handoverTo(toBob), now)
		workflows.ApplyWithdraw(&s, workflows.WithdrawInput{Actor: alice, Reason: "needed at the bar"}, now)
		err := workflows.CheckAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"})
		require.Error(t, err)
		got = append(got, err.Error())
		workflows.ApplyEscalate(&s, workflows.EscalateInput{Actor: carol, Reason: "guest complained"}, now)
		erin := onShift("erin", 1)
		err = workflows.CheckClaim(&s, workflows.ClaimInput{Actor: workflows.Actor{ID: "erin", Role: workflows.RoleAgent}, Claimant: erin})
		require.Error(t, err)
		got = append(got, err.Error())
		for i, w := range want {
			require.Contains(t, got[i], w, "revision %d", rev)
		}
	}
}

// What the API refuses before any workflow is asked (the recipient of a shift handover; the
// recipient of a handover on the accept page, judged on the read model's copy of the action, which
// keeps no revision) names people as revision 10 does: no workflow replays those checks.
func TestChecksOutsideWorkflowsNamePeople(t *testing.T) {
	t.Parallel()
	offShift := onShift("bob", 1)
	offShift.Name, offShift.OnShift = "Bob Brown", false
	require.ErrorContains(t, workflows.CheckRecipient("frontdesk", "to_id", offShift), "to_id: Bob Brown is not on shift: choose someone on shift, or ask Bob Brown to start their shift first (")
	otherTeam := onShift("bob", 1)
	otherTeam.Name, otherTeam.TeamID = "Bob Brown", "kitchen"
	require.ErrorContains(t, workflows.CheckRecipient("frontdesk", "to_id", otherTeam), "to_id: Bob Brown is not in team frontdesk: choose someone of team frontdesk (")

	copied := workflows.State{TeamID: "frontdesk", RequiredAuthority: 2} // as read from the read model
	require.Equal(t, "bob has authority 1, this action needs 2", workflows.Ineligible(&copied, onShift("bob", 1)), "a state of no revision names by ID")
	low := onShift("bob", 1)
	low.Name = "Bob Brown"
	require.Equal(t, "Bob Brown has authority 1, this action needs 2", workflows.IneligibleNow(copied, low))
	require.Empty(t, workflows.IneligibleNow(copied, onShift("erin", 2)))
}

// A recipient's rating of a handover tells the person who made it who rated it by name (revision
// 10); revision 9 gave the rater's staff ID.
func TestFeedbackNamesTheRater(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	bob := workflows.Actor{ID: "bob", Role: workflows.RoleAgent, Name: "Bob Brown"}
	toBob := onShift("bob", 1)
	toBob.Name = "Bob Brown"
	for rev, want := range map[int]string{
		10: `Bob Brown rated your handover of "Late checkout" 4/5: clear notes`,
		9:  `bob rated your handover of "Late checkout" 4/5: clear notes`,
	} {
		in := startInput(fmt.Sprintf("n-feedback-%d", rev))
		in.Revision, in.OwnerName = rev, "Alice Adams"
		s, _ := workflows.NewState(in, now)
		workflows.ApplyHandover(&s, handoverTo(toBob), now)
		workflows.ApplyAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "2pm checkout"}, now.Add(time.Minute))
		s.TakeOutbox()
		workflows.ApplyFeedback(&s, workflows.FeedbackInput{Actor: bob, HandoverID: "h1", Rating: 4, Comment: "clear notes"}, now.Add(2*time.Minute))
		out := s.TakeOutbox()
		require.Len(t, out, 1)
		require.Equal(t, []string{"alice"}, out[0].To)
		require.Equal(t, want, out[0].Message, "revision %d", rev)
	}
}

// A command the action's status does not allow is refused in words: the command as a verb, the
// status as it reads ("cannot hand over an action that is handover pending", not "cannot handover
// ... handover_pending").
func TestTransitionRefusalsInWords(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("n-words"), now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now)
	// A second handover while one waits says to whom that one is, and what to do first.
	require.ErrorContains(t, workflows.CheckHandover(&s, handoverTo(onShift("erin", 1)), time.Time{}), "cannot hand over an action whose handover to bob waits for their answer: withdraw it first to hand the action to someone else (")
	workflows.ApplyCancel(&s, workflows.CancelInput{Actor: carol, Reason: "guest left"}, now)
	// A closed action says who closed it: of two who closed it at once, the one refused learns who.
	require.ErrorContains(t, workflows.CheckFollowUp(&s, workflows.FollowUpInput{Actor: alice, Note: "called"}, time.Time{}), "cannot follow up an action that is cancelled; the last change: cancelled by carol (")
	done, _ := workflows.NewState(startInput("n-words-done"), now)
	workflows.ApplyComplete(&done, workflows.CompleteInput{Actor: workflows.Actor{ID: "carol", Role: workflows.RoleSupervisor, Name: "Carol Clark"}, Outcome: "sorted", CustomerMessage: "All sorted."}, now)
	require.ErrorContains(t, workflows.CheckComplete(&done, workflows.CompleteInput{Actor: alice, Outcome: "sorted too"}), "cannot complete an action that is completed; the last change: completed by Carol Clark (",
		"the message to the customer after it is no change of its own")
	// A note added since is the last change, not the closing: who closed it is still said, as
	// having been, not as the last change.
	workflows.ApplyNote(&done, workflows.NoteInput{Actor: bob, Text: "guest thanked us"}, now)
	err := workflows.CheckComplete(&done, workflows.CompleteInput{Actor: alice, Outcome: "sorted too"})
	require.ErrorContains(t, err, "cannot complete an action that is completed; it was completed by Carol Clark (")
	// A run continued from a release that did not keep who closed it says nothing rather than the
	// note.
	done.ClosedBy = ""
	err = workflows.CheckComplete(&done, workflows.CompleteInput{Actor: alice, Outcome: "sorted too"})
	require.ErrorContains(t, err, "cannot complete an action that is completed (")
}

// A handover withdrawn because its action ended (cancelled, completed) says so to the recipient
// who answers it late, not that the hander still owns the action.
func TestAnswerToAHandoverOfAnEndedAction(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	end := map[string]func(*workflows.State){
		"cancelled": func(s *workflows.State) {
			workflows.ApplyCancel(s, workflows.CancelInput{Actor: carol, Reason: "guest left"}, now)
		},
		"completed": func(s *workflows.State) {
			workflows.ApplyComplete(s, workflows.CompleteInput{Actor: alice, Outcome: "done by the night porter"}, now)
		},
	}
	for status, ends := range end {
		in := startInput("n-ended-" + status)
		in.OwnerName = "Alice Adams"
		s, _ := workflows.NewState(in, now)
		toBob := onShift("bob", 1)
		toBob.Name = "Bob Brown"
		workflows.ApplyHandover(&s, handoverTo(toBob), now)
		ends(&s)
		require.Equal(t, workflows.Status(status), s.Status)
		err := workflows.CheckAccept(&s, workflows.AcceptInput{Actor: bob, Summary: "I take it"})
		require.ErrorContains(t, err, "the handover to you was withdrawn at 2029-06-01T09:00:00Z (the timeline says why): the action is "+status)
		require.NotContains(t, err.Error(), "owns the action")
	}
}
