package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// send sends a request to the JSON API with staffID's token and decodes the answer into out.
func (u *uiScale) send(staffID, method, path string, in, out any) int {
	u.t.Helper()
	b, err := json.Marshal(in)
	require.NoError(u.t, err)
	req, err := http.NewRequest(method, u.srv.URL+path, bytes.NewReader(b))
	require.NoError(u.t, err)
	req.Header.Set("Authorization", "Bearer token-"+staffID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(u.t, err)
	defer resp.Body.Close()
	require.NoError(u.t, json.NewDecoder(resp.Body).Decode(out))
	return resp.StatusCode
}

// An administrator's changes through the API are each in the audit trail under their name, and
// GET /audit reads it, newest first, filtered and a page at a time; only administrators may.
func TestAuditTrailThroughTheAPI(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		ctx := context.Background()
		require.NoError(t, u.store.CreateStaff(ctx, models.AdminCommand, models.Staff{ID: "root", Name: "Root", Role: "admin", Active: true}))
		require.NoError(t, u.store.AddToken(ctx, "root", "token-root", "test"))
		var out map[string]any
		require.Equal(t, http.StatusCreated, u.send("root", "POST", "/api/v1/teams", map[string]any{"id": "bar", "name": "Bar"}, &out))
		require.Equal(t, http.StatusOK, u.send("root", "PATCH", "/api/v1/teams/bar", map[string]any{"name": "Cocktail bar"}, &out))
		require.Equal(t, http.StatusCreated, u.send("root", "POST", "/api/v1/staff", map[string]any{"id": "lou", "name": "Lou", "role": "agent", "team_id": "bar", "authority": 1}, &out))
		require.Equal(t, http.StatusOK, u.send("root", "PATCH", "/api/v1/staff/lou", map[string]any{"authority": 2, "on_shift": false}, &out))
		require.Equal(t, http.StatusCreated, u.send("root", "POST", "/api/v1/staff/lou/tokens", map[string]any{"label": "tablet"}, &out))
		require.NotEmpty(t, out["token"])
		token := out["token"].(string)
		require.Equal(t, http.StatusOK, u.send("root", "DELETE", "/api/v1/staff/lou/tokens", map[string]any{}, &out))
		require.Equal(t, http.StatusOK, u.send("root", "PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "20m"}, &out))
		require.Equal(t, http.StatusOK, u.send("root", "PUT", "/api/v1/policies/refund", map[string]any{"accept_within": "5m", "check_within": "2h", "required_fields": []string{"room_number"}}, &out))
		require.Equal(t, http.StatusOK, u.send("root", "PUT", "/api/v1/teams/bar/calendar", map[string]any{"time_zone": "Europe/Paris", "hours": []map[string]string{{"day": "mon", "open": "09:00", "close": "17:00"}}, "holidays": []string{"2026-12-25"}}, &out))

		type entry struct {
			ID          int64           `json:"id"`
			ActorID     string          `json:"actor_id"`
			Kind        string          `json:"kind"`
			SubjectType string          `json:"subject_type"`
			Subject     string          `json:"subject"`
			Detail      json.RawMessage `json:"detail"`
		}
		type page struct {
			Items      []entry `json:"items"`
			NextBefore *string `json:"next_before"`
		}
		var all page
		require.Equal(t, http.StatusOK, u.call("root", "/api/v1/audit", &all))
		require.Nil(t, all.NextBefore)
		var kinds []string
		for _, e := range all.Items {
			kinds = append(kinds, e.Kind+" "+e.SubjectType+"/"+e.Subject+" by "+e.ActorID)
			require.NotContains(t, string(e.Detail), token, "never the token")
		}
		require.Equal(t, []string{
			"calendar_saved team/bar by root", "policy_saved policy/refund by root", "policy_saved policy/refund by root", "tokens_revoked staff/lou by root",
			"token_issued staff/lou by root", "staff_changed staff/lou by root", "staff_created staff/lou by root",
			"team_renamed team/bar by root", "team_created team/bar by root",
			// The people every test starts with, and root, added beside the API.
			"staff_created staff/root by handover admin", "staff_created staff/max by test-admin", "staff_created staff/kim by test-admin",
			"staff_created staff/sue by test-admin", "staff_created staff/ben by test-admin", "staff_created staff/ann by test-admin",
			"team_created team/kitchen by test-admin", "team_created team/desk by test-admin",
		}, kinds)
		require.JSONEq(t, `{"changes":{"authority":{"from":1,"to":2},"on_shift":{"from":true,"to":false}}}`, string(all.Items[5].Detail))

		var lou page
		require.Equal(t, http.StatusOK, u.call("root", "/api/v1/audit?subject_type=staff&subject=lou&kind=token_issued", &lou))
		require.Len(t, lou.Items, 1)
		require.JSONEq(t, `{"label":"tablet"}`, string(lou.Items[0].Detail))

		// Pages of 5 read every entry once, in order.
		var ids []int64
		path := "/api/v1/audit?limit=5"
		for pages := 0; ; pages++ {
			require.Less(t, pages, 10)
			var p page
			require.Equal(t, http.StatusOK, u.call("root", path, &p), path)
			for _, e := range p.Items {
				ids = append(ids, e.ID)
			}
			if p.NextBefore == nil {
				break
			}
			path = "/api/v1/audit?limit=5&before=" + url.QueryEscape(*p.NextBefore)
		}
		require.Len(t, ids, len(all.Items))
		for i, e := range all.Items {
			require.Equal(t, e.ID, ids[i])
		}

		// The changes page says each in words, by name, newest first; a person's changes on their own.
		status, html := u.get("root", "/admin/audit")
		require.Equal(t, http.StatusOK, status, html)
		for _, want := range []string{
			`saved the opening hours of Cocktail bar (bar): Europe/Paris, 1 opening period: mon 09:00–17:00; 1 holiday (2026-12-25)`,
			`saved version 1 of policy refund: accept within 20m, clock business`,
			// What a version changed from the one before, a duration left out as the default's.
			`saved version 2 of policy refund: accept within 20m → 5m, check within the default → 2h, required notes none → room_number`,
			`revoked 1 token of Lou (lou)`,
			`issued a token to Lou (lou), “tablet”`,
			`changed Lou (lou): authority 1 → 2, on shift yes → no`,
			`added Lou (lou) as agent of Cocktail bar (bar), authority 1`,
			`renamed team bar from “Bar” to “Cocktail bar”`,
			`created team bar, “Bar”`,
			`<td data-label="Who">handover admin (on the server)</td>`,
			`<td data-label="Who">Root</td>`,
		} {
			require.Contains(t, html, want)
		}
		require.Less(t, strings.Index(html, "saved version 1 of policy refund"), strings.Index(html, "created team bar"), "newest first")
		status, html = u.get("root", "/admin/audit?subject_type=staff&subject=lou")
		require.Equal(t, http.StatusOK, status, html)
		require.Contains(t, html, "<h1>Changes to Lou (lou)</h1>")
		require.Equal(t, 4, strings.Count(html, `<tr id="audit-`), html)
		require.NotContains(t, html, "team bar from")
		status, html = u.get("root", "/admin")
		require.Equal(t, http.StatusOK, status, html)
		require.Contains(t, html, `<a href="/admin/audit?subject_type=staff&amp;subject=lou" id="history-lou">`)
		// A calendar removed is said in words too, with what it was.
		removed, err := u.store.RemoveCalendar(context.Background(), "bar", "root")
		require.NoError(t, err)
		require.True(t, removed)
		status, html = u.get("root", "/admin/audit")
		require.Equal(t, http.StatusOK, status, html)
		require.Contains(t, html, `removed the opening hours of Cocktail bar (bar), Europe/Paris with 1 opening period: open around the clock`)
		status, _ = u.get("max", "/admin/audit")
		require.Equal(t, http.StatusForbidden, status, "a manager")

		var refused problem
		require.Equal(t, http.StatusForbidden, u.call("max", "/api/v1/audit", &refused), "a manager")
		for _, bad := range []struct{ query, field string }{
			{"kind=deleted", "kind"}, {"subject_type=room", "subject_type"}, {"limit=0", "limit"}, {"limit=201", "limit"},
			{"before=nonsense", "before"}, {"before=e30", "before"}, {"actor=root", "actor"}, {"kind=team_created&kind=team_renamed", "kind"},
		} {
			u.refused("root", "/api/v1/audit?"+bad.query, bad.field)
		}
	})
}
