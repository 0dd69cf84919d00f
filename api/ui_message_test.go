package api

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A notification's times become times the page shows in the desk's zone; the rest stays text.
func TestMessageParts(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 10, 57, 0, time.UTC)
	require.Equal(t, []eventPart{
		{Text: `"Taxi to airport" is now due `}, {At: at}, {Text: ": moved by carol."},
	}, messageParts(`"Taxi to airport" is now due 2026-12-02T15:10:57Z: moved by carol.`))
	parts := messageParts("Accept or decline by 2026-12-02T16:10:57.5+01:00.")
	require.Len(t, parts, 3)
	require.True(t, parts[1].At.Equal(at.Add(500*time.Millisecond)))
	require.Equal(t, []eventPart{{Text: "no time 2026-13-45 here"}}, messageParts("no time 2026-13-45 here"))
}

// A field's error shows its times as the page's other times are shown (the desk's own zone, by the
// page's script), not as the API spells them.
func TestFieldErrorShowsTimesAsThePageDoes(t *testing.T) {
	pages, err := newUI(UIOptions{}, newStaffNames(nil), time.Now)
	require.NoError(t, err)
	var drawn strings.Builder
	require.NoError(t, pages.pages["inbox"].ExecuteTemplate(&drawn, "fielderr",
		"that is 2026-12-07T14:10:00Z, before the action's due time 2026-12-07T16:00:00Z"))
	require.Equal(t, `<span class="field-error">that is <time datetime="2026-12-07T14:10:00Z">Mon 7 Dec 14:10 UTC</time>, `+
		`before the action&#39;s due time <time datetime="2026-12-07T16:00:00Z">Mon 7 Dec 16:00 UTC</time></span>`, drawn.String())
}

// A refusal shown on a page names its fields as the forms label them, not as the API spells them.
func TestSpokenFields(t *testing.T) {
	for in, want := range map[string]string{
		"to_id: bob already owns this action":                       "To: bob already owns this action",
		"due_in: must be positive; reason: say why":                 "Due in: must be positive; Reason: say why",
		"required_fields[1]: amount is named twice":                 "Required fields, item 2: amount is named twice",
		"notes.fields.payment_reference: the refund policy asks":    "Payment reference: the refund policy asks",
		"customer.ref: must be set":                                 "Customer reference: must be set",
		"only the owner (alice) can hand this action over: ask her": "only the owner (alice) can hand this action over: ask her",
		"cannot accept an action that is completed":                 "cannot accept an action that is completed",
		"due_in: due_in or due_at is required":                      "Due in: a duration or a time is required",
		"text: must be at most 4000 characters":                     "Note: must be at most 4000 characters",
		"again_in: must be a duration":                              "Remind me again in: must be a duration",
		"reason: photo_id and to_identify stay":                     "Reason: photo_id and to_identify stay",
		"next: only when the result is not_done":                    "Next: only when the result is not done",
		"method: say how you told the customer: one of phone, email, text_message, chat, face_to_face, letter": "Method: say how you told the customer: one of phone, email, text message, chat, face to face, letter",
		// A body's key left empty leaves a path ending in a dot: said as it is, never a panic.
		"action_notes.x.: is not a known field": "Action_notes.x.: is not a known field",
	} {
		require.Equal(t, want, spokenFields(in), in)
	}
}

// A time the API cannot read is refused on a page in the words of its date and time field, in the
// refusal and beside the field, not with the API's RFC 3339 example (which the page would draw as
// it shows times, a form the field does not take).
func TestTimeRefusalInFormWords(t *testing.T) {
	refused := apiResult{Status: 422, Problem: &problemBody{
		Detail: "due_at: " + notATime,
		Errors: []FieldError{{Field: "due_at", Message: notATime}},
	}}
	require.Equal(t, "Due at: must be a date and a time of day, such as 1 December 2026 at 17:00", refused.message())
	require.Equal(t, map[string]string{"due_at": "must be a date and a time of day, such as 1 December 2026 at 17:00"}, refused.fields())
	require.Len(t, messageParts(refused.message()), 1, "no time in it to redraw")
}

// A span says which side of now it is on even under a minute: a due time 20 s away is not yet
// due, one 20 s past is overdue.
func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:                 "in under a minute",
		-20 * time.Second:                "under a minute ago",
		0:                                "in under a minute",
		90 * time.Second:                 "in 2m",
		-3 * time.Minute:                 "3m ago",
		2*time.Hour + 5*time.Minute:      "in 2h 5m",
		-(50*time.Hour + time.Minute):    "2 days ago",
		-(5*24*time.Hour + 20*time.Hour): "6 days ago", // to the nearest day, not down
		5*24*time.Hour + 11*time.Hour:    "in 5 days",
		60 * time.Hour:                   "in 3 days", // half a day up, as the page's script rounds
	} {
		require.Equal(t, want, humanDuration(d), d.String())
	}
}

// Beside its field, a refusal says the API's names and values inside its sentence as the form
// does: the check's result "not_done" reads "not done", as the banner above the form says it.
func TestFieldErrorsInFormWords(t *testing.T) {
	r := apiResult{Problem: &problemBody{Errors: []FieldError{
		{Field: "next", Message: "only when the result is not_done"},
		{Field: "due_in", Message: "give due_in or due_at, not both"},
	}}}
	require.Equal(t, map[string]string{
		"next":   "only when the result is not done",
		"due_in": "give a duration or a time, not both",
	}, r.fields())
}

// The shift form's notes of each action are read from their fields' names; a name the form does
// not make (no action, no note) or a blank value is left out.
func TestShiftActionNotesFromTheForm(t *testing.T) {
	got := shiftActionNotes(url.Values{
		"an_a1_summary": {"Cot for 214"}, "an_a1_f_room_number": {"214"}, "an_a1_risks": {"  "},
		"an_a2_next_steps": {"Call at 9"}, "an_x_": {"v"}, "an__": {"v"}, "an_a3_f_": {"v"}, "notes": {"shift"},
	})
	require.Equal(t, map[string]map[string]any{
		"a1": {"summary": "Cot for 214", "fields": map[string]string{"room_number": "214"}},
		"a2": {"next_steps": "Call at 9"},
	}, got)
}

// A refusal of a command for an earlier version says, in the page's words, what changed and how
// the action stands now, and keeps the version it names for the forms drawn again.
func TestChangedWhileOpen(t *testing.T) {
	res := changedWhileOpen(apiResult{Status: 412, Problem: &problemBody{Detail: "the action has changed since version 3: it is at version 5, Bob Brown owns it, handover pending; the last change: handover requested by Alice Adams"}})
	require.EqualValues(t, 5, res.Current)
	require.Equal(t, "The action changed while this page was open: handover requested by Alice Adams. Now Bob Brown owns it, handover pending. Look at it again below, and send the form again if it still holds.", res.message())
	res = changedWhileOpen(apiResult{Status: 412, Problem: &problemBody{Detail: "the action has changed since version 3: it is at version 4, Bob Brown owns it, cancelled; the last change: cancelled by Carol Clark"}})
	require.Equal(t, "The action changed while this page was open: cancelled by Carol Clark. Now Bob Brown owns it, cancelled. It has ended: there is nothing more to do on it.", res.message())
	res = changedWhileOpen(apiResult{Status: 412, Problem: &problemBody{Detail: "the action has changed since version 1: it is at version 2, nobody owns it, escalated"}})
	require.Equal(t, "The action changed while this page was open. Now nobody owns it, escalated. Look at it again below, and send the form again if it still holds.", res.message())
	res = changedWhileOpen(apiResult{Status: 412, Problem: &problemBody{Detail: "something else"}})
	require.Zero(t, res.Current)
	require.Equal(t, "The action changed while this page was open. Look at it again below, and send the form again if it still holds.", res.message())
}

// After a shift handover whose form asked to end the shift, the confirmation says how the outgoing
// person stands, and where to end it when it could not be written: the shift handover has started
// either way.
func TestShiftEndedWords(t *testing.T) {
	require.Equal(t, "Your shift has ended: nothing new is routed or handed over to you.", shiftEndedWords(false, false, true, "Alice Adams"))
	require.Equal(t, "Alice Adams is off shift: nothing new is routed or handed over to them.", shiftEndedWords(false, false, false, "Alice Adams"))
	require.Equal(t, "You are still on shift: it could not be ended just now; end it from your inbox.", shiftEndedWords(true, false, true, "Alice Adams"))
	require.Equal(t, "Alice Adams is still on shift: it could not be ended just now; take them off shift from the board's team table.", shiftEndedWords(true, false, false, "Alice Adams"))
	require.Equal(t, "Your shift goes on: none of your actions could be handed over (each says why below), so they stay yours, and your supervisors are told of each. Hand them over one by one, or end your shift from your inbox all the same.",
		shiftEndedWords(true, true, true, "Alice Adams"))
}
