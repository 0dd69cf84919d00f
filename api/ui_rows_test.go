package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// A list row says when things happen the way a desk reads them: a handover asked for in the past
// was asked "ago", a due time ahead is "in".
func TestRowsSayWhenInTheRightDirection(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s := &server{Deps: Deps{Now: func() time.Time { return now }}}
	a := actionJSON{Status: "handover_pending", DueAt: now.Add(2*time.Hour + 5*time.Minute),
		PendingHandover: &handoverJSON{ToID: "bob", RequestedAt: now.Add(-3 * time.Minute)}}
	row := s.rows([]actionJSON{a})[0]
	require.Equal(t, "3m ago", row.PendingSince)
	require.Equal(t, "in 2h 5m", row.DueIn)
	require.False(t, row.Overdue)
}

// A paused action's due time waits: its row says the time it has once resumed, not a due time
// that passes meanwhile ("due 1m ago" beside "paused"). With nothing left (paused at its check),
// or a due time given while paused that stays where it is, the row says the due time as it is.
func TestPausedRowSaysTheTimeLeft(t *testing.T) {
	now := time.Date(2026, 12, 4, 14, 13, 0, 0, time.UTC)
	s := &server{Deps: Deps{Now: func() time.Time { return now }}}
	left, none := "2m0s", "0s"
	paused := actionJSON{Status: "assigned", DueAt: now.Add(-time.Minute), Paused: true, DueLeft: &left}
	row := s.rows([]actionJSON{paused})[0]
	require.True(t, row.DueOnHold)
	require.Equal(t, "2m left once resumed", row.DueIn)
	require.False(t, row.Overdue, "nothing falls due while paused")
	since := now.Add(-26 * time.Hour)
	paused.PausedAt = &since
	require.Equal(t, "2m left once resumed", s.rows([]actionJSON{paused})[0].DueIn)
	require.Equal(t, "26h 0m ago", s.rows([]actionJSON{paused})[0].PausedAgo, "how long it has lasted shows, the page counting it on")
	paused.PausedAt = nil
	// A pause's end is said whatever the due time: with time left, at its check, or once it has
	// come and the resume is on its way.
	end := now.Add(3 * time.Hour)
	for _, a := range []actionJSON{paused, {Status: "checking", DueAt: now.Add(-time.Hour), Paused: true, DueLeft: &none}} {
		a.ResumeAt = &end
		require.Equal(t, "in 3h 0m", s.rows([]actionJSON{a})[0].PauseEnds, a.Status)
	}
	past := now.Add(-time.Second)
	ended := paused
	ended.ResumeAt = &past
	require.Equal(t, "any moment now", s.rows([]actionJSON{ended})[0].PauseEnds)
	require.Empty(t, s.rows([]actionJSON{paused})[0].PauseEnds, "no end")
	require.Empty(t, s.rows([]actionJSON{paused})[0].PauseRemind, "no reminder (an action started before them)")
	remind := now.Add(23*time.Hour + 59*time.Minute)
	reminded := paused
	reminded.PauseRemindAt = &remind
	require.Equal(t, "in 23h 59m", s.rows([]actionJSON{reminded})[0].PauseRemind, "without an end, the next reminder")
	reminded.PauseRemindAt = &past
	require.Equal(t, "any moment now", s.rows([]actionJSON{reminded})[0].PauseRemind)
	atCheck := actionJSON{Status: "checking", DueAt: now.Add(-time.Hour), Paused: true, DueLeft: &none}
	row = s.rows([]actionJSON{atCheck})[0]
	require.False(t, row.DueOnHold)
	require.Equal(t, "1h 0m ago", row.DueIn)
	fixed := actionJSON{Status: "assigned", DueAt: now.Add(time.Hour), Paused: true}
	row = s.rows([]actionJSON{fixed})[0]
	require.False(t, row.DueOnHold)
	require.True(t, row.DueFixed, "a due time set while paused does not wait")
	require.Equal(t, "in 1h 0m", row.DueIn)
	row = s.rows([]actionJSON{atCheck})[0]
	require.False(t, row.DueFixed, "paused at its check, the due time has passed: it is not set")
	// The time left is the action's own, business time on a team's calendar: hours, never days.
	long := "52h30m0s"
	paused.DueLeft = &long
	require.Equal(t, "52h 30m left once resumed", s.rows([]actionJSON{paused})[0].DueIn)
}

// A board card says when its owner is off shift (nobody is working it now) and when the action is
// urgent or of high priority, so that the supervisor sees what to move first.
func TestBoardCardsSayOwnerOffShiftAndPriority(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	ctx := context.Background()
	u.put("calm", "desk", "assigned", "ben", 1, time.Hour)
	hot := models.Action{ID: "hot-1", Title: "VIP complaint", Category: "complaint", Priority: "urgent", Status: "assigned",
		OwnerID: "ann", TeamID: "desk", CustomerRef: "C-2", DueAt: u.now.Add(2 * time.Hour), CreatedBy: "ann",
		CreatedAt: u.now.Add(-time.Minute), UpdatedAt: u.now, Version: 1}
	require.NoError(t, u.store.ApplyProjection(ctx, hot, nil))
	card := func(page, id string) string {
		start := strings.Index(page, `id="card-`+id+`"`)
		require.Positive(t, start, id)
		end := strings.Index(page[start:], `<details`)
		require.Positive(t, end, id)
		return page[start : start+end]
	}
	_, page := u.get("sue", "/board")
	require.Contains(t, card(page, "hot-1"), `<span class="badge danger">urgent</span>`)
	require.NotContains(t, card(page, "hot-1"), "off shift")
	require.NotContains(t, card(page, "calm-0000"), "priority", "a normal one says nothing of it")
	require.Equal(t, http.StatusOK, u.send("ann", http.MethodPost, "/api/v1/shifts/end", map[string]any{}, &map[string]any{}))
	_, page = u.get("sue", "/board")
	require.Contains(t, card(page, "hot-1"), `<strong class="danger-text">off shift</strong>`)
	require.NotContains(t, card(page, "calm-0000"), "off shift")
}

// The New action form of someone who chooses the team (a manager of no team) gives each team's
// time zone and opening hours with its choice, so that a time typed in another zone is shown as
// the desk's, and the hint names the hours of the team chosen (the first, until one is).
func TestNewActionFormGivesEachTeamsZone(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.addAdmin()
	require.Equal(t, http.StatusOK, u.send("root", http.MethodPut, "/api/v1/teams/desk/calendar", map[string]any{
		"time_zone": "Europe/London", "hours": []map[string]any{{"day": "mon", "open": "08:00", "close": "18:00"}},
	}, &map[string]any{}))
	_, page := u.get("max", "/actions/new")
	require.Contains(t, page, `<option value="desk" data-zone="Europe/London" data-hours="mon 08:00-18:00, Europe/London time">`)
	require.Contains(t, page, `<option value="kitchen">`, "a team without a calendar has no zone")
	require.Contains(t, page, `data-due-at data-zone-from="team_id"`)
	require.Contains(t, page, `<span id="due-hours" data-hours-from="team_id"> Counted in the team's opening hours, mon 08:00-18:00, Europe/London time, unless the category's policy runs around the clock.</span>`)
	_, page = u.get("ann", "/actions/new")
	require.Contains(t, page, `data-due-at data-desk-zone="Europe/London"`, "a member's own team")
	require.Contains(t, page, `<span id="due-hours"> Counted in the team's opening hours, mon 08:00-18:00, Europe/London time,`)
}

// "Whoever can take it now" is offered only when an agent of the team on shift has the authority
// the action needs: routing picks among them, and would refuse.
func TestRoutedHandoverOfferedOnlyWhenSomeoneCanTakeIt(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	ctx := context.Background()
	const id = "0b6f4f52-5a5e-4b8a-9d0e-00000000a001"
	require.NoError(t, u.store.ApplyProjection(ctx, models.Action{ID: id, Title: "Late checkout", Category: "request", Priority: "normal",
		Status: "assigned", OwnerID: "ann", TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(time.Hour), RequiredAuthority: 1,
		CreatedBy: "ann", CreatedAt: u.now.Add(-time.Minute), UpdatedAt: u.now, Version: 1}, nil))
	_, page := u.get("ann", "/actions/"+id)
	require.Contains(t, page, `<option value="~route">Whoever can take it now</option>`)
	require.Equal(t, http.StatusOK, u.send("ben", http.MethodPost, "/api/v1/shifts/end", map[string]any{}, &map[string]any{}))
	_, page = u.get("ann", "/actions/"+id)
	require.Contains(t, page, `<option value="~route" disabled>Whoever can take it now (no other agent on shift has authority 1, which it needs: choose a colleague)</option>`,
		"ben, the one agent who could, is off shift")
}

// The notices of one end of shift are one line of the inbox, led once by who went and how; a
// shift handover's leftovers are one line too, and notices that do not begin alike keep their
// words.
func TestToldLinesOfAnEndOfShift(t *testing.T) {
	away := func(seq int64, msg string) notificationJSON {
		return notificationJSON{Kind: workflows.NotifyOwnerOffShift, Seq: seq, Message: msg}
	}
	lines := toldLines([]notificationJSON{
		away(-7, "Carol Clark took Erin Evans off shift while they still own “Wake-up call”: it waits for their return unless someone reassigns it."),
		away(-7, "Carol Clark took Erin Evans off shift while they still own “Spa booking”, whose handover waits for an answer."),
		away(-8, "Bob Brown went off shift still owning “Taxi”: it waits."),
		{Kind: workflows.NotifyShiftLeftOver, Seq: -9, Message: "“Lost key” stays with Bob Brown after their shift handover: not handed over."},
		{Kind: workflows.NotifyShiftLeftOver, Seq: -9, Message: "“Late checkout” stays with Bob Brown after their shift handover: not handed over."},
	}, false)
	require.Len(t, lines, 3)
	require.Equal(t, "Carol Clark took Erin Evans off shift while they still own", lines[0].Lead)
	require.Equal(t, "“Wake-up call”: it waits for their return unless someone reassigns it.", lines[0].Left[0].Message)
	require.Equal(t, "“Spa booking”, whose handover waits for an answer.", lines[0].Left[1].Message)
	require.Nil(t, lines[1].Left, "one notice alone is a line as it is")
	require.Equal(t, "Bob Brown went off shift still owning “Taxi”: it waits.", lines[1].Item.Message)
	require.Empty(t, lines[2].Lead, "a shift handover's leftovers begin with their title")
	require.Len(t, lines[2].Left, 2)

	// A manager standing in reads once why they are told.
	lines = toldLines([]notificationJSON{
		away(-3, "Ann went off shift still owning “A”: it waits. (It comes to you because no supervisor of the team is on shift.)"),
		away(-3, "Ann went off shift still owning “B”: it waits. (It comes to you because no supervisor of the team is on shift.)"),
	}, false)
	require.Len(t, lines, 1)
	require.Equal(t, []string{"Ann went off shift still owning", "(It comes to you because no supervisor of the team is on shift.)"}, []string{lines[0].Lead, lines[0].Why})
	require.Equal(t, "“B”: it waits.", lines[0].Left[1].Message)

	lead, kept := commonLead([]notificationJSON{away(-1, "Ann went off shift still owning “A”."), away(-1, "Ben went off shift still owning “B”.")})
	require.Empty(t, lead, "not alike")
	require.Equal(t, "Ann went off shift still owning “A”.", kept[0].Message)
}

// A timeline entry made by a shift handover links to it for those the API shows it to: the
// supervisors and managers, the outgoing person, whoever started it, and the action's recipient
// or new owner; another agent reads its words without a link that would be refused.
func TestShiftLinkOnlyForThoseWhoMayOpenIt(t *testing.T) {
	handover := eventJSON{Type: workflows.EventHandoverRequested, ActorID: "bob", Cause: workflows.CauseShiftHandover,
		Data: map[string]any{"shift_handover_id": "s1", "to_id": "erin", "started_by": "carol"}}
	reassigned := eventJSON{Type: workflows.EventReassigned, ActorID: "bob", Cause: workflows.CauseShiftHandover,
		Data: map[string]any{"shift_handover_id": "s1", "owner_id": "erin", "from_id": "bob"}}
	for _, c := range []struct {
		e    eventJSON
		me   viewer
		want bool
	}{
		{handover, viewer{ID: "dave", Manager: true}, true},
		{handover, viewer{ID: "cora", Supervisor: true}, true},
		{handover, viewer{ID: "bob"}, true},
		{handover, viewer{ID: "carol"}, true},
		{handover, viewer{ID: "erin"}, true},
		{reassigned, viewer{ID: "erin"}, true},
		{handover, viewer{ID: "alice"}, false},
		{reassigned, viewer{ID: "alice"}, false},
	} {
		require.Equal(t, c.want, opensShift(c.e, c.me), "%s for %s", c.e.Type, c.me.ID)
	}
}
