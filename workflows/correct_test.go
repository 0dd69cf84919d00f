package workflows_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/handover/handover/workflows"
)

func ptr(v string) *string { return &v }

// refusalOf is the kind and message of a validator's refusal.
func refusalOf(t *testing.T, err error) (string, string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "not a refusal: %v", err)
	return appErr.Type(), appErr.Message()
}

// The owner corrects the title and the priority of their own action: the state says the new
// values, the timeline what each said before, and nobody is told (they made it).
func TestOwnerCorrectsTheirAction(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("c-own"), now)
	s.TakeOutbox()
	in := workflows.CorrectInput{Actor: alice, Title: ptr("Late checkout room 241"), Priority: ptr("high"), Details: ptr("")}
	require.NoError(t, workflows.CheckCorrect(&s, in))
	events := workflows.ApplyCorrect(&s, in, now.Add(time.Minute))
	require.Len(t, events, 1)
	require.Equal(t, workflows.EventCorrected, events[0].Type)
	require.Equal(t, map[string]any{
		"title": "Late checkout room 241", "title_was": "Late checkout",
		"priority": "high", "priority_was": "normal",
	}, events[0].Data, "details, empty before and after, is no change")
	require.Equal(t, "Late checkout room 241", s.Title)
	require.Equal(t, "high", s.Priority)
	require.Empty(t, s.TakeOutbox())
	require.Equal(t, workflows.EventCorrected, s.ChangedType, "a correction is a change a command sent for an earlier version must see")
}

// A supervisor's correction of an action whose handover waits for an answer tells the owner and
// the recipient, each in their own words, with the reason; the customer's new data is kept as it
// came (sealed, by the API) and never quoted.
func TestCorrectionTellsOwnerAndRecipient(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	s, _ := workflows.NewState(startInput("c-sup"), now)
	workflows.ApplyHandover(&s, handoverTo(onShift("bob", 1)), now.Add(time.Minute))
	s.TakeOutbox()
	in := workflows.CorrectInput{Actor: carol, Details: ptr("Guest in 241 wants 2pm"), CustomerContact: ptr("sealed:+44 20 7946 0000"), Reason: "The room was wrong."}
	require.NoError(t, workflows.CheckCorrect(&s, in))
	events := workflows.ApplyCorrect(&s, in, now.Add(2*time.Minute))
	require.Equal(t, "sealed:+44 20 7946 0000", events[0].Data["customer_contact"])
	require.Equal(t, "", events[0].Data["customer_contact_was"])
	require.Equal(t, "The room was wrong.", events[0].Data["reason"])
	told := map[string]string{}
	for _, n := range s.TakeOutbox() {
		require.Equal(t, workflows.NotifyCorrected, n.Kind)
		require.Len(t, n.To, 1)
		told[n.To[0]] = n.Message
	}
	require.Equal(t, map[string]string{
		"alice": "carol corrected the details and the customer's contact of your action “Late checkout”. Why: The room was wrong.",
		"bob":   "carol corrected the details and the customer's contact of “Late checkout”, whose handover to you waits for your answer: read it again before you accept. Why: The room was wrong.",
	}, told)
	require.Equal(t, workflows.StatusHandoverPending, s.Status, "a correction leaves the handover waiting")
}

// A correction is refused, changing nothing, for an action that has ended, from someone who is
// not its owner, creator, a supervisor or the integration, for a blank title or an unknown
// priority (both at once), and when it changes nothing.
func TestCorrectionRefusals(t *testing.T) {
	t.Parallel()
	now := time.Date(2029, 6, 1, 9, 0, 0, 0, time.UTC)
	open, _ := workflows.NewState(startInput("c-ref"), now)
	closed := open.Clone()
	workflows.ApplyComplete(&closed, workflows.CompleteInput{Actor: alice, Outcome: "done"}, now)
	crm := workflows.Actor{ID: "crm", Role: workflows.RoleService}
	cases := []struct {
		name       string
		s          workflows.State
		in         workflows.CorrectInput
		kind, says string
	}{
		{"ended", closed, workflows.CorrectInput{Actor: carol, Title: ptr("New")}, workflows.ErrConflict, "cannot correct an action that is completed"},
		{"another agent", open, workflows.CorrectInput{Actor: bob, Title: ptr("New")}, workflows.ErrForbidden, "only the action's owner, whoever created it, a supervisor or manager, or the integration can correct it: add a note saying what is wrong instead"},
		{"an administrator", open, workflows.CorrectInput{Actor: workflows.Actor{ID: "root", Role: workflows.RoleAdmin}, Title: ptr("New")}, workflows.ErrForbidden, "only the action's owner"},
		{"blank title, unknown priority", open, workflows.CorrectInput{Actor: alice, Title: ptr("  "), Priority: ptr("soon")}, workflows.ErrInvalid,
			"title: cannot be blank: give the action a title, or leave title out to keep it; priority: must be one of low, normal, high, urgent"},
		{"nothing changes", open, workflows.CorrectInput{Actor: crm, Title: ptr("Late checkout"), Priority: ptr("normal")}, workflows.ErrInvalid, "nothing to correct"},
		{"nothing given", open, workflows.CorrectInput{Actor: carol, Reason: "typo"}, workflows.ErrInvalid, "nothing to correct"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.s.Clone()
			kind, says := refusalOf(t, workflows.CheckCorrect(&tc.s, tc.in))
			require.Equal(t, tc.kind, kind)
			require.Contains(t, says, tc.says)
			require.Equal(t, before, tc.s)
		})
	}
	// Those who may: the owner, the creator, a supervisor, the integration.
	created := open.Clone()
	created.OwnerID = "erin"
	for _, a := range []workflows.Actor{alice, carol, crm} {
		require.NoError(t, workflows.CheckCorrect(&created, workflows.CorrectInput{Actor: a, Title: ptr("Late checkout 241")}), a.ID)
		require.Contains(t, workflows.Available(&created, a, onShift(a.ID, 1)), workflows.UpdateCorrect, a.ID)
	}
	require.NotContains(t, workflows.Available(&created, bob, onShift("bob", 1)), workflows.UpdateCorrect)
}

// Through the workflow's Update: the answer is the corrected action, and the read model's row
// and timeline show it.
func TestCorrectThroughTheWorkflow(t *testing.T) {
	b := setup(t)
	in := startInput("c-wf")
	correct := &step{name: workflows.UpdateCorrect, arg: workflows.CorrectInput{Actor: carol, Title: ptr("Late checkout room 241"), Reason: "wrong room"}}
	again := &step{name: workflows.UpdateCorrect, arg: workflows.CorrectInput{Actor: carol, Title: ptr("Late checkout room 241")}}
	done := &step{name: workflows.UpdateComplete, arg: workflows.CompleteInput{Actor: alice, Outcome: "checked out at 2pm"}}
	b.run(t, in, correct, again, done)
	require.NoError(t, correct.err)
	require.Equal(t, "Late checkout room 241", correct.state.Title)
	kind, says := refusalOf(t, again.err)
	require.Equal(t, workflows.ErrInvalid, kind)
	require.Contains(t, says, "nothing to correct")
	row, err := b.store.GetAction(t.Context(), "c-wf")
	require.NoError(t, err)
	require.Equal(t, "Late checkout room 241", row.Title)
	require.Contains(t, b.eventTypes(t, "c-wf"), workflows.EventCorrected)
	require.Contains(t, b.inboxKinds(t, "alice"), workflows.NotifyCorrected)
}
