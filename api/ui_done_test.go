package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/workflows"
)

func TestDoneMessage(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	who := func(id string) string { return map[string]string{"alice": "Alice Adams", "bob": "Bob Brown"}[id] }
	a := actionJSON{Title: "Late checkout", OwnerID: "bob", Status: "assigned", DueAt: now.Add(4 * 24 * time.Hour)}
	for _, tc := range []struct {
		command, me string
		change      func(*actionJSON)
		want        string
	}{
		{uiCreate, "alice", nil, "Created: Bob Brown owns it, due in 4 days (2026-12-07T09:00:00Z)."},
		{uiCreate, "bob", nil, "Created: you own it, due in 4 days (2026-12-07T09:00:00Z)."},
		{workflows.UpdateWithdraw, "bob", nil, `Handover withdrawn: you keep “Late checkout”, and the recipient is told why.`},
		{workflows.UpdateWithdraw, "carol", nil, `Handover withdrawn: Bob Brown keeps “Late checkout”; they and the recipient are told why.`},
		{workflows.UpdateCheck, "carol", nil, "Check recorded: Bob Brown owns it, due in 4 days (2026-12-07T09:00:00Z)."},
		{workflows.UpdateCheck, "carol", func(a *actionJSON) { a.Status = "escalated"; a.EscalationLevel = 2 }, `Check recorded: “Late checkout” is escalated (level 2).`},
		{workflows.UpdateReassign, "carol", nil, `“Late checkout” is reassigned to Bob Brown, due in 4 days (2026-12-07T09:00:00Z).`},
		{workflows.UpdateDecline, "bob", func(a *actionJSON) { a.OwnerID = "alice" }, `Declined: Alice Adams keeps “Late checkout” and is told why.`},
		// A title is quoted as it is, not as a Go literal with its quotes escaped.
		{workflows.UpdateCancel, "carol", func(a *actionJSON) { a.Title = `Room "Blue": late checkout` }, `“Room "Blue": late checkout” is cancelled.`},
		{workflows.UpdatePause, "bob", func(a *actionJSON) { end := now.Add(26 * time.Hour); a.ResumeAt = &end },
			`“Late checkout” is paused: its clocks stand still until it is resumed, by itself in 26h 0m (2026-12-04T11:00:00Z) if nobody resumes it first.`},
		// Without an end, whoever is reminded of it once a day.
		{workflows.UpdatePause, "bob", func(a *actionJSON) { at := now.Add(24 * time.Hour); a.PauseRemindAt = &at },
			`“Late checkout” is paused: its clocks stand still until it is resumed; you are reminded of it meanwhile, first in 24h 0m (2026-12-04T09:00:00Z).`},
		{workflows.UpdatePause, "carol", func(a *actionJSON) { at := now.Add(24 * time.Hour); a.PauseRemindAt = &at },
			`“Late checkout” is paused: its clocks stand still until it is resumed; Bob Brown is reminded of it meanwhile, first in 24h 0m (2026-12-04T09:00:00Z).`},
		{workflows.UpdatePause, "carol", func(a *actionJSON) { at := now.Add(71 * time.Hour); a.PauseRemindAt, a.OwnerID = &at, "" },
			`“Late checkout” is paused: its clocks stand still until it is resumed; the team's supervisors are reminded of it meanwhile, first in 3 days (2026-12-06T08:00:00Z).`},
		{workflows.UpdatePause, "bob", nil, `“Late checkout” is paused: its clocks stand still until it is resumed.`},
		// Taken on while paused: its due time waits, and the page says so rather than a time that passes.
		{workflows.UpdateAccept, "bob", func(a *actionJSON) { left := "1h30m0s"; a.Paused, a.DueLeft = true, &left },
			`“Late checkout” is yours now, paused, waiting on the customer: 1h 30m left to its due time once resumed.`},
		{workflows.UpdateReassign, "carol", func(a *actionJSON) { left := "50h0m0s"; a.Paused, a.DueLeft = true, &left },
			`“Late checkout” is reassigned to Bob Brown, paused, waiting on the customer: 50h 0m left to its due time once resumed.`},
		// Escalated: those it is escalated to are reminded too.
		{workflows.UpdatePause, "carol", func(a *actionJSON) {
			at := now.Add(24 * time.Hour)
			a.PauseRemindAt, a.Status, a.EscalationLevel = &at, "escalated", 2
		}, `“Late checkout” is paused: its clocks stand still until it is resumed; Bob Brown and those it is escalated to (level 2) are reminded of it meanwhile, first in 24h 0m (2026-12-04T09:00:00Z).`},
		// Paused past its due time (escalated, at its check): none left, and the page says the due
		// time as it is; the one taking it on hears the reminders are theirs.
		{workflows.UpdateAccept, "bob", func(a *actionJSON) {
			none, at := "0s", now.Add(24*time.Hour)
			a.Paused, a.DueLeft, a.DueAt, a.PauseRemindAt = true, &none, now.Add(-3*time.Hour), &at
		}, `“Late checkout” is yours now, paused, waiting on the customer: due 3h 0m ago (2026-12-03T06:00:00Z) all the same; you are reminded of it until you resume it.`},
		{workflows.UpdateAccept, "bob", func(a *actionJSON) { a.Paused = true },
			`“Late checkout” is yours now, paused, waiting on the customer: due in 4 days (2026-12-07T09:00:00Z) all the same.`},
	} {
		in := a
		if tc.change != nil {
			tc.change(&in)
		}
		require.Equal(t, tc.want, doneMessage(tc.command, in, now, tc.me, who), "%s by %s", tc.command, tc.me)
	}
}

func TestOpenHours(t *testing.T) {
	require.Empty(t, openHours(calendarJSON{AroundTheClock: true}))
	require.Equal(t, "mon, tue 08:00-18:00; sat 09:00-13:00, Europe/London time", openHours(calendarJSON{TimeZone: "Europe/London", Hours: []calendar.Hours{
		{Day: "mon", Open: "08:00", Close: "18:00"}, {Day: "tue", Open: "08:00", Close: "18:00"}, {Day: "sat", Open: "09:00", Close: "13:00"},
	}}))
	require.Equal(t, "mon 08:00-12:00; mon 13:00-17:00, UTC time", openHours(calendarJSON{TimeZone: "UTC", Hours: []calendar.Hours{
		{Day: "mon", Open: "08:00", Close: "12:00"}, {Day: "mon", Open: "13:00", Close: "17:00"},
	}}))
	// Days as a notice on a door says them, in the week's order whatever the calendar's.
	var week []calendar.Hours
	for _, d := range []string{"sun", "sat", "fri", "thu", "wed", "tue", "mon"} {
		week = append(week, calendar.Hours{Day: d, Open: "09:00", Close: "21:00"})
	}
	require.Equal(t, "every day 09:00-21:00, Asia/Kolkata time", openHours(calendarJSON{TimeZone: "Asia/Kolkata", Hours: week}))
	require.Equal(t, "mon-fri, sun 09:00-21:00, Asia/Kolkata time", openHours(calendarJSON{TimeZone: "Asia/Kolkata", Hours: slices.Delete(slices.Clone(week), 1, 2)}))
	require.Equal(t, "mon-wed 09:00-21:00; sat, sun 10:00-16:00, UTC time", openHours(calendarJSON{TimeZone: "UTC", Hours: []calendar.Hours{
		{Day: "mon", Open: "09:00", Close: "21:00"}, {Day: "tue", Open: "09:00", Close: "21:00"}, {Day: "wed", Open: "09:00", Close: "21:00"},
		{Day: "sat", Open: "10:00", Close: "16:00"}, {Day: "sun", Open: "10:00", Close: "16:00"},
	}}))
}

func TestEndShiftWarning(t *testing.T) {
	require.Empty(t, endShiftWarning(0, 0, 0, 0, 0))
	require.Equal(t, "You still own 2 open actions: they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes them on. End your shift anyway?", endShiftWarning(2, 0, 0, 0, 0))
	require.Equal(t, "You still own 1 open action: it stays yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes it on. "+
		"3 handovers wait for you: off shift you cannot accept them, so ending your shift declines them, and whoever handed each over is told and keeps it. End your shift anyway?",
		endShiftWarning(1, 0, 0, 0, 3))
	// Those offered to a colleague the shift handover skips while the offer waits.
	require.Equal(t, "You still own 5 open actions (1 of them offered to a colleague, yours until accepted): they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes 4 on, but not the 1 offered to a colleague, which waits for an answer. End your shift anyway?",
		endShiftWarning(5, 1, 0, 0, 0))
	require.Equal(t, "You still own 5 open actions (2 of them offered to a colleague, yours until accepted): they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes 3 on, but not the 2 offered to a colleague, which wait for an answer. End your shift anyway?",
		endShiftWarning(5, 2, 0, 0, 0))
	require.Equal(t, "You still own 1 open action (offered to a colleague, yours until accepted): it stays yours, listed for your team's supervisors (or the managers) while you are away; offered to a colleague, it waits for an answer: the shift handover form below passes it on only once you withdraw the offer. End your shift anyway?",
		endShiftWarning(1, 1, 0, 0, 0))
	require.Equal(t, "You still own 5 open actions (2 of them offered to a colleague, yours until accepted): they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes 2 on, but not the 2 offered to a colleague, which wait for an answer, nor the 1 at its due time or escalated: ask a supervisor to reassign it. End your shift anyway?",
		endShiftWarning(5, 2, 1, 0, 0), "the reviewer's case: one escalated, two offered")
	require.Equal(t, "You still own 3 open actions (1 of them offered to a colleague, yours until accepted): they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes none of them on: not the 1 offered to a colleague, which waits for an answer, nor the 2 at their due time or escalated: ask a supervisor to reassign them. End your shift anyway?",
		endShiftWarning(3, 1, 2, 0, 0))
	// Those whose policy asks every handover for notes the shift's one text cannot give.
	require.Equal(t, "You still own 3 open actions: they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes 2 on, but not the 1 whose policy asks for notes a shift handover cannot give (hand it over from its own page). End your shift anyway?",
		endShiftWarning(3, 0, 0, 1, 0), "the reviewer's case: a refund among three")
	// Those at their due time or escalated only a supervisor passes on: the form would skip them.
	require.Equal(t, "You still own 1 open action: it stays yours, listed for your team's supervisors (or the managers) while you are away; at its due time or escalated, no handover passes it on: ask a supervisor to reassign it. End your shift anyway?",
		endShiftWarning(1, 0, 1, 0, 0))
	require.Equal(t, "You still own 3 open actions: they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes one on, but not the 2 at their due time or escalated: ask a supervisor to reassign them. End your shift anyway?",
		endShiftWarning(3, 0, 2, 0, 0))
	require.Equal(t, "You still own 3 open actions: they stay yours, listed for your team's supervisors (or the managers) while you are away; the shift handover form below passes 2 on, but not the 1 at its due time or escalated: ask a supervisor to reassign it. End your shift anyway?",
		endShiftWarning(3, 0, 1, 0, 0))
}

func TestHandoverFormFrom(t *testing.T) {
	back := handoverJSON{FromID: "alice", ToID: "bob", Status: workflows.HandoverDeclined, Reason: "shift ends", Method: "chat", Situation: "busy",
		Notes:           workflows.HandoverNotes{Summary: "2pm checkout", CustomerContext: unavailable, Fields: map[string]string{"room": "214"}},
		CustomerMessage: "Bob will call you."}
	f := handoverFormFrom([]handoverJSON{back}, "alice")
	require.Equal(t, "2pm checkout", f.Get("notes_summary"))
	require.Equal(t, "shift ends", f.Get("reason"))
	require.Equal(t, "chat", f.Get("method"))
	require.Equal(t, "214", f.Get("field_room"))
	require.False(t, f.Has("notes_customer_context"), "data that could not be opened is not typed back as text")
	require.False(t, f.Has("customer_message"), "it named the colleague who declined")
	require.Empty(t, handoverFormFrom([]handoverJSON{back}, "carol"), "another's handover")
	back.Status = workflows.HandoverAccepted
	require.Empty(t, handoverFormFrom([]handoverJSON{back}, "alice"), "an accepted handover is not started again")
	require.Empty(t, handoverFormFrom(nil, "alice"))
}

func TestRenderShiftNamesRecipientsOrNone(t *testing.T) {
	p := workflows.ShiftProgress{ID: "s1", FromID: "alice", Items: []workflows.ShiftItem{
		{ActionID: "a1", To: workflows.Recipient{ID: "bob", Name: "Bob Brown", Role: workflows.RoleAgent, Authority: 1}, Status: workflows.ShiftItemRequested},
		{ActionID: "a2", Status: workflows.ShiftItemSkipped, Reason: "nobody eligible is on shift"},
	}}
	out := renderShift(p)
	require.Equal(t, &personJSON{ID: "bob", Name: "Bob Brown"}, out.Items[0].To, "the recipient by ID and name, not their whole record")
	require.Nil(t, out.Items[1].To, "nobody, not an empty person")
	raw, err := json.Marshal(out.Items[1])
	require.NoError(t, err)
	require.Contains(t, string(raw), `"to":null`)
}

// Starting or ending one's own shift says so on the inbox it leads back to, as every other form
// says what it did.
func TestMyShiftSaysWhatItDid(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		sess, err := u.store.OpenSession(context.Background(), "token-ann", time.Now(), time.Hour)
		require.NoError(t, err)
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		base, err := url.Parse(u.srv.URL)
		require.NoError(t, err)
		jar.SetCookies(base, []*http.Cookie{{Name: sessionCookie, Value: sess.ID, Path: "/"}})
		client := &http.Client{Jar: jar}
		for _, c := range []struct{ on, status, done string }{
			{"false", "off shift", "Your shift has ended: nothing is routed or handed over to you until you start it again."},
			{"true", "on shift", "Your shift has started: new actions can be routed to you and colleagues can hand theirs over to you."},
		} {
			resp, err := client.PostForm(u.srv.URL+"/my-shift", url.Values{"csrf": {maskCSRF(sess.CSRF)}, "on": {c.on}})
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			page := string(body)
			require.Equal(t, http.StatusOK, resp.StatusCode, page)
			require.Equal(t, "/inbox", resp.Request.URL.Path)
			require.Contains(t, page, `<strong id="my-shift-status">`+c.status+`</strong>`)
			require.Contains(t, page, `<p class="done" id="done" role="status" tabindex="-1">`+c.done+`</p>`)
		}
	})
}

// Starting a shift handover says what it asked for and how many actions it left out.
func TestShiftStarted(t *testing.T) {
	item := func(status string, reassign bool) workflows.ShiftItem {
		return workflows.ShiftItem{Status: status, Reassign: reassign}
	}
	requested, skipped := workflows.ShiftItemRequested, workflows.ShiftItemSkipped
	for _, tc := range []struct {
		items []workflows.ShiftItem
		want  string
	}{
		{[]workflows.ShiftItem{item(requested, false)}, "Shift handover started: 1 handover requested."},
		{[]workflows.ShiftItem{item(requested, false), item(requested, false), item(requested, true), item(skipped, false)},
			"Shift handover started: 2 handovers requested, 1 reassignment, 1 action left out (why is below)."},
		{[]workflows.ShiftItem{item(skipped, false), item(skipped, false)}, "Shift handover started: 0 handovers requested, 2 actions left out (why is below)."},
	} {
		require.Equal(t, tc.want, shiftStarted(workflows.ShiftProgress{Items: tc.items}))
	}
	// The page's badges count as the confirmation does: a reassignment being made is not one of
	// the handovers requested ("2 handovers requested, 1 reassignment" read beside "requested: 3").
	require.Equal(t, map[string]int{"requested": 2, "being_reassigned": 1, "skipped": 1, "reassigned": 1},
		shiftCounts([]workflows.ShiftItem{item(requested, false), item(requested, false), item(requested, true), item(skipped, false),
			item(workflows.ShiftItemReassigned, true)}))
}

// A refusal of a check's or a reassignment's form names its due_in as the form labels it.
func TestRefusalNamesFieldsAsTheFormLabelsThem(t *testing.T) {
	refused := func(detail string) apiResult { return apiResult{Status: 422, Problem: &problemBody{Detail: detail}} }
	require.Equal(t, "New due in: must be positive; Reason for reassigning: say why", refused("due_in: must be positive; reason: say why").messageOf(workflows.UpdateReassign))
	// A reason says whose: a board card's panel holds four forms that each ask for one.
	require.Equal(t, "Reason to escalate: is required", refused("reason: is required").messageOf(workflows.UpdateEscalate))
	require.Equal(t, "Reason to cancel: is required", refused("reason: is required").messageOf(workflows.UpdateCancel))
	require.Equal(t, "Reason for extending: is required", refused("reason: is required").messageOf(workflows.UpdateExtend))
	require.Equal(t, "Result: choose one; New due in: must be positive", refused("result: choose one; due_in: must be positive").messageOf(workflows.UpdateCheck))
	require.Equal(t, "Due in: must be positive", refused("due_in: must be positive").messageOf(workflows.UpdateExtend), "the extend form says Due in")
	// Each as its form labels it, not by the API's name for it.
	require.Equal(t, "What is to be done: is required", refused("title: is required").messageOf(formCreate))
	require.Equal(t, "What was done: is required", refused("outcome: is required").messageOf(workflows.UpdateComplete))
	require.Equal(t, "Hand over to: is not a member of staff; Remind me to follow up in: must be positive; Must be answered within: must be positive",
		refused("to_id: is not a member of staff; follow_up_in: must be positive; accept_within: must be positive").messageOf(workflows.UpdateHandover))
	require.Equal(t, "Reassign to: is required", refused("to_id: is required").messageOf(workflows.UpdateReassign))
	require.Equal(t, "Title: cannot be blank: give the action a title, or put back the title it had",
		refused("title: cannot be blank: give the action a title, or leave title out to keep it").message(), "a form sends every field")
	require.Equal(t, "Due in: must be positive", refused("due_in: must be positive").message())
}

// A reassignment a shift handover is still making reads "being reassigned" on its row and "to be
// reassigned" in its reason, as its badge and the confirmation count it: its row had read
// "requested" beside "reassigned, as a supervisor started ...". Made, it reads "reassigned".
func TestShiftPageRowOfAReassignment(t *testing.T) {
	pages, err := newUI(UIOptions{}, newStaffNames(nil), time.Now)
	require.NoError(t, err)
	draw := func(status string) string {
		p := workflows.ShiftProgress{FromID: "erin", Items: []workflows.ShiftItem{{ActionID: "a1", Status: status, Reassign: true,
			To: workflows.Recipient{ID: "bob"}, Why: "it was at its due time, where no handover passes it on"}}}
		var drawn strings.Builder
		require.NoError(t, pages.pages["shift"].ExecuteTemplate(&drawn, "content", map[string]any{
			"P": p, "Counts": shiftCounts(p.Items), "Actions": map[string]map[string]any{}}))
		return drawn.String()
	}
	making := draw(workflows.ShiftItemRequested)
	require.Contains(t, making, `<span class="badge">being reassigned: 1</span>`)
	require.Contains(t, making, `<span class="status">being reassigned</span></td><td>to be reassigned, as a supervisor started the shift handover: it was at its due time`)
	made := draw(workflows.ShiftItemReassigned)
	require.Contains(t, made, `<span class="status">reassigned</span></td><td>reassigned, as a supervisor started the shift handover: it was at its due time`)
}
