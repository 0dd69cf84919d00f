package api

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

func TestStaffNames(t *testing.T) {
	ctx := context.Background()
	reads := 0
	dir := []models.Staff{{ID: "alice", Name: "Alice Adams"}, {ID: "svc"}}
	var fail error
	n := &staffNames{ttl: time.Minute, load: func(context.Context) ([]models.Staff, error) {
		reads++
		if fail != nil {
			return nil, fail
		}
		return dir, nil
	}}
	require.Equal(t, "alice", n.of("alice"), "nothing read yet: the ID")

	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	require.NoError(t, n.refresh(ctx, t0))
	require.Equal(t, "Alice Adams", n.of("alice"))
	require.Equal(t, "svc", n.of("svc"), "no name: the ID")
	require.Equal(t, "zed", n.of("zed"), "unknown: the ID")
	require.Equal(t, "", n.of(""))

	dir = []models.Staff{{ID: "alice", Name: "Alice Baker"}}
	require.NoError(t, n.refresh(ctx, t0.Add(59*time.Second)))
	require.Equal(t, 1, reads, "within the TTL the directory is not read again")
	require.Equal(t, "Alice Adams", n.of("alice"))

	n.forget()
	require.NoError(t, n.refresh(ctx, t0.Add(60*time.Second)))
	require.Equal(t, 2, reads)
	require.Equal(t, "Alice Baker", n.of("alice"), "a change made here shows at once")

	fail = errors.New("database down")
	require.ErrorIs(t, n.refresh(ctx, t0.Add(3*time.Minute)), fail)
	require.Equal(t, "Alice Baker", n.of("alice"), "a failed read keeps the names known")
	require.NoError(t, n.refresh(ctx, t0.Add(3*time.Minute+time.Second)))
	require.Equal(t, 3, reads, "a failed read is not tried again on every page")
}

func TestEventTextNamesPeople(t *testing.T) {
	who := func(id string) string { return map[string]string{"bob": "Bob Brown"}[id] + "?" }
	parts := eventText(eventJSON{Data: map[string]any{"to_id": "bob", "reason": "bob knows"}}, who)
	require.Equal(t, []eventPart{{Label: "to", Text: "Bob Brown?"}, {Label: "reason", Text: "bob knows"}}, parts)
}

func TestTimelineWords(t *testing.T) {
	parts := eventText(eventJSON{Data: map[string]any{"result": "not_done", "next": "reassign", "to_role": "supervisor"}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "result", Text: "not done"}, {Label: "next step", Text: "reassign"}, {Label: "to", Text: "supervisor"}}, parts)
	paused := eventText(eventJSON{Type: "resumed", Data: map[string]any{"paused_for": "50h30m0s"}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "paused for", Text: "50h 30m"}}, paused, "business time, in hours however long")
	closeAt := time.Date(2029, 6, 8, 9, 0, 0, 0, time.UTC)
	untold := eventText(eventJSON{Type: "messages_untold", Data: map[string]any{"message_seqs": []any{4.0, 8.0}, "records_close_at": closeAt.Format(time.RFC3339Nano)}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "messages of entries", Text: "4, 8"}, {Label: "records close", Text: closeAt.Format(time.RFC3339Nano), At: closeAt}}, untold)
	require.Equal(t, "messages still to tell", eventLabel("messages_untold"))
	next := time.Date(2029, 6, 3, 9, 0, 0, 0, time.UTC)
	since := next.Add(-48 * time.Hour)
	reminded := eventText(eventJSON{Type: "pause_reminder", Data: map[string]any{
		"owner_id": "bob", "paused_since": since.Format(time.RFC3339Nano), "reason": "waiting on the guest", "next_at": next.Format(time.RFC3339Nano),
	}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "owner", Text: "bob"}, {Label: "reason", Text: "waiting on the guest"},
		{Label: "paused since", Text: since.Format(time.RFC3339Nano), At: since}, {Label: "remind again", Text: next.Format(time.RFC3339Nano), At: next}}, reminded)
	first := next.Add(-24 * time.Hour)
	pausedParts := eventText(eventJSON{Type: "paused", Data: map[string]any{"reason": "waiting on the guest", "remind_at": first.Format(time.RFC3339Nano), "paused_since": since.Format(time.RFC3339Nano)}}, func(id string) string { return id })
	require.Equal(t, []eventPart{{Label: "reason", Text: "waiting on the guest"}, {Label: "first reminder", Text: first.Format(time.RFC3339Nano), At: first}}, pausedParts, "each field in its own entries")
	require.Equal(t, "reminder: still paused", eventLabel("pause_reminder"))
	require.Equal(t, "message to the customer", eventLabel("customer_told"))
	require.Equal(t, "let down by people, systems or resources", situationLabel("let_down"), "the workbook's words, not the customer being let down")
	require.Equal(t, "handover accepted", eventLabel("handover_accepted"))
	who := func(id string) string { return map[string]string{"carol": "Carol Clark"}[id] }
	require.Empty(t, causeText(eventJSON{Cause: "request"}, who))
	require.Empty(t, causeText(eventJSON{Cause: "timer"}, who))
	require.Equal(t, "in a shift handover", causeText(eventJSON{Cause: "shift_handover", ActorID: "bob", Data: map[string]any{"started_by": "bob"}}, who))
	require.Equal(t, "in a shift handover started by Carol Clark", causeText(eventJSON{Cause: "shift_handover", ActorID: "bob", Data: map[string]any{"started_by": "carol"}}, who),
		"a supervisor's shift handover is made in the outgoing person's name: the timeline says who started it")
}

// Pages name people, not staff IDs: the recipient of a waiting handover on an inbox card, each person of
// the review's time-held table, and whoever set a team's opening hours.
func TestPagesNamePeople(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		ctx := context.Background()
		require.NoError(t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: "ada", Name: "Ada Lovelace", Role: "admin", Active: true}))
		require.NoError(t, u.store.AddToken(ctx, "ada", "token-ada", "test"))
		u.put("wait", "desk", "handover_pending", "ann", 1, time.Hour) // to ben
		status, page := u.get("ann", "/inbox")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "<span>handover to Ben, asked")

		a := models.Action{
			ID: "held-1", Title: "Held", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "ben",
			TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(time.Hour), CreatedBy: "ann",
			CreatedAt: u.now.Add(-time.Hour), UpdatedAt: u.now, Version: 3,
			Handovers: []models.Handover{{ID: "h1", FromID: "ann", ToID: "ben", Reason: "shift", Method: "written", Situation: "routine",
				Summary: "s", Status: "accepted", RequestedAt: u.now.Add(-50 * time.Minute), RespondedAt: ptr(u.now.Add(-40 * time.Minute))}},
		}
		require.NoError(t, u.store.ApplyProjection(ctx, a, nil))
		status, page = u.get("max", "/manager")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, `<tr><th scope="row">Ben</th><td>1</td>`, "the time held, by name")

		_, err := u.store.SaveCalendar(ctx, models.TeamCalendar{TeamID: "desk", TimeZone: "Europe/London",
			Hours: `[{"day":"mon","open":"08:00","close":"18:00"}]`, Holidays: `[]`, UpdatedBy: "ada"})
		require.NoError(t, err)
		status, page = u.get("ada", "/admin/teams/desk/calendar")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "Set by Ada Lovelace on")
	})
}

// An accepted handover's message to the customer is credited to whoever wrote it: the hander, or
// the product when the handover gave none; other messages, and other entries, are not marked.
func TestMessageWordings(t *testing.T) {
	events := []eventJSON{
		{Seq: 4, Type: "customer_told", Data: map[string]any{"handover_id": "h1", "message": "Bob will call"}},
		{Seq: 7, Type: "customer_told", Data: map[string]any{"handover_id": "h2", "message": "Your request has been passed to Erin"}},
		{Seq: 9, Type: "customer_told", Data: map[string]any{"message": "All done"}},
		{Seq: 3, Type: "handover_accepted", Data: map[string]any{"handover_id": "h1"}},
	}
	handovers := []handoverJSON{{ID: "h1", FromID: "alice", CustomerMessage: "Bob will call"}, {ID: "h2", FromID: "bob"}}
	require.Equal(t, map[int64]*wording{4: {By: "alice"}, 7: {}}, messageWordings(events, handovers))
}

// A policy saved is said in the audit trail with each duration named as its field on the policies
// page is ("remind paused every", not the API's "pause remind every").
func TestAuditPolicySavedWords(t *testing.T) {
	e := auditEntryJSON{Kind: models.AuditPolicySaved, Subject: "refund",
		Detail: json.RawMessage(`{"version": 3, "clock": "24/7", "accept_within_seconds": 900, "pause_remind_every_seconds": 14400, "required_fields": []}`)}
	require.Equal(t, "saved version 3 of refund: accept within 15m, remind paused every 4h, clock 24/7",
		auditText(e, auditNames{staff: func(id string) string { return id }, team: func(id string) string { return id }}))
}

// The changes page names teams as people read them: a person moved between teams, added to one,
// and a team's opening hours, by the teams' names; a team it does not know by its ID.
func TestAuditNamesTeams(t *testing.T) {
	teams := map[string]string{"frontdesk": "Front desk", "nyc": "New York"}
	names := auditNames{
		staff: func(id string) string { return map[string]string{"lou": "Lou"}[id] },
		team:  func(id string) string { return cmp.Or(teams[id], id) },
	}
	for _, c := range []struct {
		e    auditEntryJSON
		want string
	}{
		{auditEntryJSON{Kind: models.AuditStaffChanged, SubjectType: models.SubjectStaff, Subject: "lou",
			Detail: json.RawMessage(`{"changes": {"team_id": {"from": "frontdesk", "to": "nyc"}, "authority": {"from": 1, "to": 2}}}`)},
			"changed Lou (lou): team “Front desk” → “New York”, authority 1 → 2"},
		{auditEntryJSON{Kind: models.AuditStaffChanged, SubjectType: models.SubjectStaff, Subject: "lou",
			Detail: json.RawMessage(`{"changes": {"team_id": {"from": null, "to": "gone"}}}`)},
			"changed Lou (lou): team none → “gone”"},
		{auditEntryJSON{Kind: models.AuditStaffCreated, SubjectType: models.SubjectStaff, Subject: "lou",
			Detail: json.RawMessage(`{"role": "agent", "team_id": "nyc", "authority": 1}`)},
			"added Lou (lou) as agent of New York (nyc), authority 1"},
		{auditEntryJSON{Kind: models.AuditCalendarSaved, SubjectType: models.SubjectTeam, Subject: "frontdesk",
			Detail: json.RawMessage(`{"time_zone": "Europe/London", "hours": []}`)},
			"set Front desk (frontdesk) open around the clock"},
		{auditEntryJSON{Kind: models.AuditTeamRenamed, SubjectType: models.SubjectTeam, Subject: "nyc",
			Detail: json.RawMessage(`{"name": {"from": "NYC", "to": "New York"}}`)},
			"renamed team nyc from “NYC” to “New York”"},
	} {
		require.Equal(t, c.want, auditText(c.e, names))
	}
}
