package app_test

import (
	"context"
	"encoding/base64"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

var issuedToken = regexp.MustCompile(`<input id="token-value" class="token" readonly value="([^"]+)"`)

// An administrator runs the directory from the people page: adds a team and a person, gives
// them a token they sign in with, changes them, and revokes the token, which ends their session.
// A refused form opens again with what was typed and the reason per field; nobody else may use
// the page.
func webPeople(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	admin := newWebClient(t, st.URL)
	csrf := admin.signIn("demo-root")
	_, page := admin.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `href="/admin"`, "the administrator's way to the people page")
	resp, page := admin.do(http.MethodGet, "/admin", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, `id="staff-alice"`)
	require.Contains(t, page, `id="team-frontdesk"`)

	team, person := modelstest.Name("night"), modelstest.Name("nina")
	resp, _ = admin.do(http.MethodPost, "/admin/teams", url.Values{"csrf": {csrf}, "id": {team}, "name": {"Night desk"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/admin", resp.Header.Get("Location"))
	var teams struct {
		Items []struct{ ID, Name string } `json:"items"`
	}
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/teams", nil, &teams))
	require.Contains(t, teams.Items, struct{ ID, Name string }{team, "Night desk"})

	// Everything wrong with a new person is named at once; the form keeps what was typed.
	resp, page = admin.do(http.MethodPost, "/admin/staff", url.Values{
		"csrf": {csrf}, "id": {"Nina M"}, "name": {"  "}, "role": {"agent"}, "team_id": {team}, "authority": {"12"},
	})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	form := formOf(t, page, "form-add-staff")
	for _, field := range []string{"id", "name", "authority"} {
		require.Regexp(t, `name="`+field+`"[^>]*>\s*<span class="field-error" id="field-error-s\d+">`, form, "a reason under %s", field)
	}
	require.Contains(t, form, `value="Nina M"`)
	require.Contains(t, form, `<option value="`+team+`" selected>`)
	require.Equal(t, http.StatusNotFound, root.call(http.MethodGet, "/api/v1/staff/nina-m", nil, nil))

	resp, _ = admin.do(http.MethodPost, "/admin/staff", url.Values{
		"csrf": {csrf}, "id": {person}, "name": {"Nina Moreau"}, "role": {"agent"}, "team_id": {team}, "authority": {"2"}, "on_shift": {"true"},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var nina struct {
		Name      string `json:"name"`
		TeamID    string `json:"team_id"`
		Authority int    `json:"authority"`
		OnShift   bool   `json:"on_shift"`
		Active    bool   `json:"active"`
	}
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/staff/"+person, nil, &nina))
	require.Equal(t, "Nina Moreau", nina.Name)
	require.Equal(t, team, nina.TeamID)
	require.Equal(t, 2, nina.Authority)
	require.True(t, nina.OnShift)
	require.True(t, nina.Active)
	// An ID taken already is named beside the ID field, not only above the form.
	resp, page = admin.do(http.MethodPost, "/admin/staff", url.Values{
		"csrf": {csrf}, "id": {person}, "name": {"Another Nina"}, "role": {"agent"}, "team_id": {team}, "authority": {"1"},
	})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Regexp(t, `name="id"[^>]*>\s*<span class="field-error" id="field-error-s\d+">there is already a member of staff`, formOf(t, page, "form-add-staff"))

	// A token is shown once, on the page the form sends the browser to (so a reload issues no
	// other); Nina signs in with it.
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person+"/tokens", url.Values{"csrf": {csrf}, "label": {"night desk PC"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/admin?person="+person, resp.Header.Get("Location"), "the page holding the person")
	var kept *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "handover_issued" {
			kept = ck
		}
	}
	require.NotNil(t, kept, "the token waits for the page in a cookie")
	// Sealed for this session: another administrator's session handed the same cookie (the next
	// one at a shared desk) is shown nothing.
	other := signedIn(t, st, "demo-root")
	otherURL, err := url.Parse(st.URL + "/admin")
	require.NoError(t, err)
	other.http.Jar.SetCookies(otherURL, []*http.Cookie{{Name: kept.Name, Value: kept.Value, Path: "/admin"}})
	_, page = other.do(http.MethodGet, "/admin", nil)
	require.Nil(t, issuedToken.FindStringSubmatch(page), "another session cannot open it")
	_, page = admin.do(http.MethodGet, "/admin", nil)
	m := issuedToken.FindStringSubmatch(page)
	require.NotNil(t, m, "the page shows the new token")
	token := html.UnescapeString(m[1])
	raw, err := base64.RawURLEncoding.DecodeString(kept.Value)
	require.NoError(t, err)
	require.NotContains(t, string(raw), token, "the browser keeps it sealed")
	_, page = admin.do(http.MethodGet, "/admin", nil)
	require.NotContains(t, page, token, "and never again")
	ninaWeb := newWebClient(t, st.URL)
	ninaWeb.signIn(token)
	_, page = ninaWeb.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, "Nina Moreau")

	// A change refused (a team that does not exist) keeps that person's form open as typed.
	resp, page = admin.do(http.MethodPost, "/admin/staff/"+person, url.Values{
		"csrf": {csrf}, "name": {"Nina Moreau"}, "role": {"agent"}, "team_id": {"no-such-team"}, "authority": {"3"}, "active": {"true"},
	})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	form = formOf(t, page, "form-edit-"+person)
	require.Contains(t, form, `value="3"`)
	require.Contains(t, form, "is not a team")
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/staff/"+person, nil, &nina))
	require.Equal(t, 2, nina.Authority, "nothing changed")

	// Off shift (the box left empty), authority 3.
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person, url.Values{
		"csrf": {csrf}, "name": {"Nina Moreau"}, "role": {"agent"}, "team_id": {team}, "authority": {"3"}, "active": {"true"},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/staff/"+person, nil, &nina))
	require.Equal(t, 3, nina.Authority)
	require.False(t, nina.OnShift)
	require.True(t, nina.Active)

	// A save sends only what the form changed: Nina going on shift after the page was drawn
	// stays on shift when the administrator then changes her name from that page.
	_, page = admin.do(http.MethodGet, "/admin", nil)
	drawn := formOf(t, page, "form-edit-"+person)
	require.Contains(t, drawn, `name="was_on_shift" value="false"`)
	require.Equal(t, http.StatusOK, root.call(http.MethodPatch, "/api/v1/staff/"+person, map[string]any{"on_shift": true}, nil))
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person, url.Values{
		"csrf": {csrf}, "name": {"Nina Moreau-Ruiz"}, "role": {"agent"}, "team_id": {team}, "authority": {"3"}, "active": {"true"},
		"was_name": {"Nina Moreau"}, "was_role": {"agent"}, "was_team_id": {team}, "was_authority": {"3"}, "was_on_shift": {"false"}, "was_active": {"true"},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/staff/"+person, nil, &nina))
	require.Equal(t, "Nina Moreau-Ruiz", nina.Name)
	require.True(t, nina.OnShift, "the change made elsewhere is kept")

	// The team's new name shows everywhere it is listed.
	resp, _ = admin.do(http.MethodPost, "/admin/teams/"+team, url.Values{"csrf": {csrf}, "name": {"Night front desk"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/admin", nil)
	require.Contains(t, formOf(t, page, "form-team-"+team), `value="Night front desk"`)

	// Her Access lists her live tokens by label, each with its own revocation: revoking the spare
	// one leaves the one she signed in with working.
	spare, err := st.Store.IssueToken(context.Background(), "test-admin", person, "spare tablet")
	require.NoError(t, err)
	spare2, err := st.Store.IssueToken(context.Background(), "test-admin", person, "spare tablet")
	require.NoError(t, err)
	_, page = admin.do(http.MethodGet, "/admin?person="+person, nil)
	list := regexp.MustCompile(`(?s)<ul class="tokens" id="tokens-` + regexp.QuoteMeta(person) + `".*?</ul>`).FindString(page)
	require.Contains(t, list, "night desk PC, issued <time")
	require.Contains(t, list, "spare tablet (2 tokens, the first issued <time", "one label, one row: its Revoke takes both")
	require.Equal(t, 1, strings.Count(list, `value="spare tablet"`))
	_, mine := admin.do(http.MethodGet, "/admin?person=root", nil)
	mine = regexp.MustCompile(`(?s)<ul class="tokens" id="tokens-root".*?</ul>`).FindString(mine)
	require.Contains(t, mine, "yours: sign out instead")
	require.NotContains(t, mine, "<form", "no Revoke of your own tokens, which is refused")
	_, mine = admin.do(http.MethodGet, "/admin?person=root", nil)
	require.NotContains(t, mine, `id="form-revoke-root"`, "nor a Revoke all")
	require.Contains(t, page, `id="form-revoke-`+person+`"`)
	require.Contains(t, list, `Revoke<span class="visually-hidden"> the 2 tokens labelled spare tablet of Nina Moreau-Ruiz</span>`,
		"each Revoke names what it revokes, and whose, as people know them")
	require.Contains(t, formOf(t, page, "form-token-"+person), `Issue a token<span class="visually-hidden"> for Nina Moreau-Ruiz</span>`)
	require.Contains(t, list, `<input type="hidden" name="label" value="spare tablet">`)
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person+"/revoke", url.Values{"csrf": {csrf}, "by_label": {"true"}, "label": {"spare tablet"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/admin?person="+person, nil)
	require.Contains(t, page, `2 token(s) of `+person+` labelled “spare tablet” revoked, and the sessions signed in with them; their other tokens work as before.`)
	require.NotContains(t, regexp.MustCompile(`(?s)<ul class="tokens" id="tokens-`+regexp.QuoteMeta(person)+`".*?</ul>`).FindString(page), "spare tablet")
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: spare}.call(http.MethodGet, "/api/v1/me", nil, nil))
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: spare2}.call(http.MethodGet, "/api/v1/me", nil, nil))
	require.Equal(t, http.StatusOK, caller{t: t, base: st.URL, token: token}.call(http.MethodGet, "/api/v1/me", nil, nil), "her other token works")
	resp, _ = ninaWeb.do(http.MethodGet, "/inbox", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "and so does her session")

	// Revoking ends Nina's session and her token.
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person+"/revoke", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/admin", nil)
	require.Regexp(t, `<p class="done" id="done" role="status" tabindex="-1">\d+ token\(s\) of `+person+` revoked: they are signed out everywhere.</p>`, page)
	resp, _ = ninaWeb.do(http.MethodGet, "/inbox", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/signin"), resp.Header.Get("Location"))
	require.Equal(t, http.StatusUnauthorized, caller{t: t, base: st.URL, token: token}.call(http.MethodGet, "/api/v1/me", nil, nil))
	// Deactivated from her form (its Active box left unticked), the page says what that did.
	resp, _ = admin.do(http.MethodPost, "/admin/staff/"+person, url.Values{
		"csrf": {csrf}, "name": {"Nina Moreau-Ruiz"}, "role": {"agent"}, "team_id": {team}, "authority": {"3"}, "on_shift": {"true"},
		"was_name": {"Nina Moreau-Ruiz"}, "was_role": {"agent"}, "was_team_id": {team}, "was_authority": {"3"}, "was_on_shift": {"true"}, "was_active": {"true"},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/admin", nil)
	require.Contains(t, page, `Saved: `+person+` is deactivated, their tokens are revoked and they are signed out everywhere (made active again, they need a new token).`)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/staff/"+person, nil, &nina))
	require.False(t, nina.Active)

	// Nobody is left without an administrator, nor signs themselves out by revoking their own
	// tokens; a token is not issued to an inactive person, and its answer is not cached.
	var p problem
	require.Equal(t, http.StatusConflict, root.call(http.MethodPatch, "/api/v1/staff/root", map[string]any{"active": false}, &p))
	require.Contains(t, p.Detail, "only active administrator")
	resp, page = admin.do(http.MethodPost, "/admin/staff/root", url.Values{
		"csrf": {csrf}, "name": {"Administrator"}, "role": {"agent"}, "team_id": {team}, "authority": {"0"}, "active": {"true"},
		"was_role": {"admin"},
	})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Contains(t, page, "only active administrator")
	require.Equal(t, http.StatusConflict, root.call(http.MethodDelete, "/api/v1/staff/root/tokens", nil, &p))
	require.Contains(t, p.Detail, "your own tokens")
	second := modelstest.Name("adm")
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/staff", map[string]any{"id": second, "name": "Second admin", "role": "admin"}, nil))
	require.Equal(t, http.StatusOK, root.call(http.MethodPatch, "/api/v1/staff/"+second, map[string]any{"active": false}, nil), "root is still one")
	require.Equal(t, http.StatusConflict, root.call(http.MethodPost, "/api/v1/staff/"+second+"/tokens", nil, &p))
	require.Contains(t, p.Detail, "inactive")
	require.Equal(t, http.StatusOK, root.call(http.MethodPatch, "/api/v1/staff/"+second, map[string]any{"active": true}, nil))
	req, err := http.NewRequest(http.MethodPost, st.URL+"/api/v1/staff/"+second+"/tokens", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer demo-root")
	res, err := contractClient(t).Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))

	// Someone who owns an action is not deactivated, nor moved: the refusal, by name and the
	// team's name, is given at the field changed (the Active box, the team), not the form's first.
	busy := modelstest.Name("sam")
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/staff", map[string]any{"id": busy, "name": "Sam Okafor", "role": "agent", "team_id": team, "authority": 1}, nil))
	samToken, err := st.Store.IssueToken(context.Background(), "test-admin", busy, "test")
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, caller{t: t, base: st.URL, token: samToken}.call(http.MethodPost, "/api/v1/actions", newAction(busy), nil))
	was := url.Values{"was_name": {"Sam Okafor"}, "was_role": {"agent"}, "was_team_id": {team}, "was_authority": {"1"}, "was_on_shift": {"true"}, "was_active": {"true"}}
	edit := func(changes url.Values) string {
		t.Helper()
		form := url.Values{"csrf": {csrf}, "name": {"Sam Okafor"}, "role": {"agent"}, "team_id": {team}, "authority": {"1"}, "on_shift": {"true"}, "active": {"true"}}
		maps.Copy(form, was)
		maps.Copy(form, changes)
		for k, v := range changes {
			if len(v) == 0 {
				delete(form, k)
			}
		}
		resp, page := admin.do(http.MethodPost, "/admin/staff/"+busy, form)
		require.Equal(t, http.StatusConflict, resp.StatusCode)
		return formOf(t, page, "form-edit-"+busy)
	}
	f := edit(url.Values{"active": nil})
	require.Regexp(t, `name="active" value="true" aria-invalid="true" aria-describedby="field-error-s\d+">`, f)
	require.Contains(t, f, `<span class="field-error" id="field-error-s1">Sam Okafor owns 1 open action: a supervisor of Night front desk or a manager passes it on`)
	require.NotRegexp(t, `name="name"[^>]*aria-invalid`, f)
	f = edit(url.Values{"team_id": {"frontdesk"}})
	require.Regexp(t, `name="team_id" aria-invalid="true"[^>]*>[\s\S]*<span class="field-error" id="field-error-s\d+">Sam Okafor owns 1 open action: [^<]*; then Sam Okafor moves to another team</span>`, f)

	// Nobody but an administrator: the page is refused, and so is every form, changing nothing.
	sup := newWebClient(t, st.URL)
	supCSRF := sup.signIn("demo-carol")
	resp, _ = sup.do(http.MethodGet, "/admin", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = sup.do(http.MethodPost, "/admin/staff", url.Values{"csrf": {supCSRF}, "id": {person + "x"}, "name": {"X"}, "role": {"agent"}, "team_id": {team}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, http.StatusNotFound, root.call(http.MethodGet, "/api/v1/staff/"+person+"x", nil, nil))
	resp, _ = sup.do(http.MethodPost, "/admin/staff/alice/tokens", url.Values{"csrf": {supCSRF}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	_, page = sup.do(http.MethodGet, "/inbox", nil)
	require.NotContains(t, page, `href="/admin"`)
}

// formOf is the HTML of the form with the given id on a page.
func formOf(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `id="`+id+`"`)
	require.GreaterOrEqual(t, start, 0, "the page has form %s", id)
	end := strings.Index(page[start:], "</form>")
	require.Greater(t, end, 0)
	return page[start : start+end]
}

// An administrator sets a category's deadlines on the policies page: a new category starts from
// the defaults, a refusal names every wrong field and keeps what was typed, a change is a new
// version, and GET /api/v1/policies lists the same.
func webPolicies(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	admin := newWebClient(t, st.URL)
	csrf := admin.signIn("demo-root")
	resp, page := admin.do(http.MethodGet, "/admin/policies", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, `id="policy-defaults"`)
	require.Contains(t, formOf(t, page, "form-policy-new"), `name="accept_within" maxlength="32" value="30m"`, "a new category starts from the defaults")

	category := modelstest.Name("lostkey")
	form := url.Values{
		"csrf": {csrf}, "key": {""}, "category": {category}, "accept_within": {"soon"}, "check_within": {"2h"},
		"escalate_within": {"45m"}, "assign_within": {"10m"}, "follow_up_every": {"0.1s"}, "pause_remind_every": {"daily"}, "clock": {"24/7"},
		"required_fields": {"room_number, key card"},
	}
	resp, page = admin.do(http.MethodPost, "/admin/policies", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	f := formOf(t, page, "form-policy-new")
	require.Contains(t, page, "Remind paused every: must be a duration", "named as its field is labelled")
	for _, field := range []string{"accept_within", "follow_up_every", "pause_remind_every"} {
		require.Regexp(t, `name="`+field+`"[^>]*>\s*<span class="field-error" id="field-error-s\d+">`, f, "a reason under %s", field)
	}
	require.Regexp(t, `name="required_fields"[^>]*>\s*<span class="field-error" id="field-error-s\d+">must be lower-case`, f, "a name with a space is one wrong name, not two")
	require.Contains(t, f, `value="soon"`)
	require.Contains(t, f, `value="`+category+`"`)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, nil))
	var got struct {
		Version      int    `json:"version"`
		AcceptWithin string `json:"accept_within"`
	}
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Zero(t, got.Version, "nothing refused was stored")

	// The table shows what is stored, not what was refused.
	table := page[strings.Index(page, `<table class="grid policies">`):strings.Index(page, "</table>")]
	require.NotContains(t, table, "soon")
	require.Contains(t, table, `<td>30m</td>`, "the defaults row")
	require.Contains(t, table, `<td>business hours</td><td>-</td>`, "the clock as the form names it")

	// Without a category nothing is sent, and a category must be one path segment of the API's form.
	resp, page = admin.do(http.MethodPost, "/admin/policies", url.Values{"csrf": {csrf}, "key": {""}, "category": {"lost/key"}, "accept_within": {"15m"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Regexp(t, `name="category"[^>]*>\s*<span class="field-error" id="field-error-s\d+">must be lower-case`, formOf(t, page, "form-policy-new"))
	resp, page = admin.do(http.MethodPost, "/admin/policies", url.Values{"csrf": {csrf}, "key": {""}, "category": {" "}, "accept_within": {"15m"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, formOf(t, page, "form-policy-new"), "is required")

	form.Set("accept_within", "15m")
	form.Set("follow_up_every", "30m")
	form.Set("pause_remind_every", "4h")
	form.Set("required_fields", "room_number, key_card")
	resp, _ = admin.do(http.MethodPost, "/admin/policies", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/admin/policies", resp.Header.Get("Location"))
	var list struct {
		Items []struct {
			Category         string   `json:"category"`
			Version          int      `json:"version"`
			AcceptWithin     string   `json:"accept_within"`
			PauseRemindEvery string   `json:"pause_remind_every"`
			Clock            string   `json:"clock"`
			RequiredFields   []string `json:"required_fields"`
		} `json:"items"`
		Defaults struct {
			AcceptWithin     string `json:"accept_within"`
			PauseRemindEvery string `json:"pause_remind_every"`
		} `json:"defaults"`
	}
	require.Equal(t, http.StatusOK, as(t, st, "alice").call(http.MethodGet, "/api/v1/policies", nil, &list), "anyone reads the policies")
	require.Equal(t, "30m0s", list.Defaults.AcceptWithin)
	require.Equal(t, "24h0m0s", list.Defaults.PauseRemindEvery, "a pause without an end reminds once a day by default")
	found := false
	for _, p := range list.Items {
		if p.Category == category {
			found = true
			require.Equal(t, 1, p.Version)
			require.Equal(t, "15m0s", p.AcceptWithin)
			require.Equal(t, "4h0m0s", p.PauseRemindEvery)
			require.Equal(t, "24/7", p.Clock)
			require.Equal(t, []string{"room_number", "key_card"}, p.RequiredFields)
		}
	}
	require.True(t, found, "the new category is listed")

	// The form for a new category does not replace it with the defaults.
	resp, page = admin.do(http.MethodPost, "/admin/policies", url.Values{"csrf": {csrf}, "key": {""}, "category": {category}, "accept_within": {"1h"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	require.Contains(t, formOf(t, page, "form-policy-new"), "has a policy already")
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Equal(t, 1, got.Version)

	// Its own form shows it as stored, and saving it again is version 2.
	_, page = admin.do(http.MethodGet, "/admin/policies", nil)
	require.Regexp(t, `<td>24/7</td>\s*<td>room_number, key_card</td>`, page, "its row: the clock, and the notes as the form takes them")
	f = formOf(t, page, "form-policy-"+category)
	require.Contains(t, f, `name="accept_within" maxlength="32" value="15m" placeholder="30m"`, "an empty field shows the default it takes")
	require.Contains(t, f, `value="room_number, key_card"`)
	require.Contains(t, f, "as version 2")
	edit := url.Values{"csrf": {csrf}, "key": {category}, "category": {category}, "accept_within": {"20m"}, "clock": {"business"}}
	resp, _ = admin.do(http.MethodPost, "/admin/policies", edit)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, resp.Header.Get("Location"), nil)
	require.Regexp(t, `The `+category+` policy is saved as version 2: accept within 20m, check within \S+ \(left empty: the default\), escalate within`, page,
		"the fields left empty are named as taking the default")
	require.Contains(t, page, "remind paused every 24h (left empty: the default)", "named as its field is")
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Equal(t, 2, got.Version)
	require.Equal(t, "20m0s", got.AcceptWithin)
	// The same form sent again (a double click, a reload) makes no new version.
	resp, _ = admin.do(http.MethodPost, "/admin/policies", edit)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Equal(t, 2, got.Version)

	// Only administrators.
	sup := newWebClient(t, st.URL)
	supCSRF := sup.signIn("demo-carol")
	resp, _ = sup.do(http.MethodGet, "/admin/policies", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	edit.Set("csrf", supCSRF)
	edit.Set("accept_within", "1m")
	resp, _ = sup.do(http.MethodPost, "/admin/policies", edit)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Equal(t, "20m0s", got.AcceptWithin, "unchanged")

	// A policy set under a mistyped category, which no action has, is removed from its form: no
	// longer offered, the category is on the defaults again, and the change is audited. One that
	// actions have is refused, and stays.
	_, page = admin.do(http.MethodGet, "/admin/policies", nil)
	require.Contains(t, page, `id="form-policy-remove-`+category+`"`)
	var p problem
	require.Equal(t, http.StatusForbidden, as(t, st, "carol").call(http.MethodDelete, "/api/v1/policies/"+category, nil, &p), "only administrators")
	resp, _ = admin.do(http.MethodPost, "/admin/policies/"+category+"/remove", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/admin/policies", nil)
	require.Contains(t, page, "The "+category+" policy is removed: it is no longer offered, and new actions of the category run on the defaults.")
	require.NotContains(t, page, `id="policy-`+category+`"`)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+category, nil, &got))
	require.Equal(t, 0, got.Version, "the defaults")
	_, page = admin.do(http.MethodGet, "/admin/audit?subject_type=policy&subject="+category, nil)
	require.Contains(t, page, "removed the policy "+category+" (at version 2): no action had the category")

	used := modelstest.Name("minibar")
	require.Equal(t, http.StatusOK, root.call(http.MethodPut, "/api/v1/policies/"+used, map[string]any{"clock": "24/7"}, nil))
	require.Equal(t, http.StatusCreated, as(t, st, "alice").call(http.MethodPost, "/api/v1/actions", merge(newAction("alice"), "category", used), nil))
	p = problem{}
	require.Equal(t, http.StatusConflict, root.call(http.MethodDelete, "/api/v1/policies/"+used, nil, &p))
	require.Contains(t, p.Detail, "1 action has the category "+used)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/policies/"+used, nil, &got))
	require.Equal(t, 1, got.Version, "it stays")
}

// An administrator sets a team's opening hours from the people page: a refusal names the lines
// and fields that are wrong and keeps the form as typed; the saved calendar is the API's.
func webCalendar(t *testing.T, st *app.Stack) {
	root := as(t, st, "root")
	team := modelstest.Name("spa")
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/teams", map[string]any{"id": team, "name": "Spa"}, nil))
	admin := newWebClient(t, st.URL)
	csrf := admin.signIn("demo-root")
	_, page := admin.do(http.MethodGet, "/admin", nil)
	require.Contains(t, page, `href="/admin/teams/`+team+`/calendar"`)
	resp, page := admin.do(http.MethodGet, "/admin/teams/"+team+"/calendar", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "has no calendar")
	require.Contains(t, page, "<h1>Opening hours of Spa <small>("+team+")</small></h1>", "the team by its name")
	require.Contains(t, page, "mon 09:00-17:00", "a team without one is offered office hours to start from")

	bad := url.Values{
		"csrf": {csrf}, "time_zone": {"Mars/Olympus"},
		"hours":    {"mon 08:00-18:00\n\nfunday 09:00-17:00\ntue 18:00-08:00"},
		"holidays": {"2026-12-25\n25/12/2026"},
	}
	resp, page = admin.do(http.MethodPost, "/admin/teams/"+team+"/calendar", bad)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	form := formOf(t, page, "form-calendar")
	require.Contains(t, form, `value="Mars/Olympus"`)
	require.Contains(t, page, "the opening hours were not saved: see the reasons beside the fields.")
	require.Contains(t, form, "funday 09:00-17:00", "the hours as typed")
	require.Regexp(t, `name="time_zone"[^>]*>\s*<small[^>]*>[^<]*</small>\s*<span class="field-error" id="field-error-s\d+">`, form)
	require.Contains(t, form, "line 3", "the reason names the line of the unknown day")
	require.Contains(t, form, "line 4", "and of the period that closes before it opens")
	require.NotContains(t, form, "line 1:")
	require.Regexp(t, `name="holidays"[\s\S]*<span class="field-error" id="field-error-s\d+">25/12/2026: must be a date`, form, "the reason names the date as typed")
	var cal struct {
		AroundTheClock bool   `json:"around_the_clock"`
		TimeZone       string `json:"time_zone"`
		Hours          []struct {
			Day, Open, Close string
		} `json:"hours"`
		Holidays []string `json:"holidays"`
	}
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/teams/"+team+"/calendar", nil, &cal))
	require.True(t, cal.AroundTheClock, "nothing refused was saved")

	good := url.Values{
		"csrf": {csrf}, "time_zone": {"Europe/Madrid"},
		"hours":    {"tue 10:00-14:00\nMon 08:00-12:00\nmon 13:00 - 18:00"},
		"holidays": {"2026-12-25, 2027-01-01"},
	}
	resp, _ = admin.do(http.MethodPost, "/admin/teams/"+team+"/calendar", good)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/teams/"+team+"/calendar", nil, &cal))
	require.False(t, cal.AroundTheClock)
	require.Equal(t, "Europe/Madrid", cal.TimeZone)
	require.Equal(t, []struct{ Day, Open, Close string }{{"mon", "08:00", "12:00"}, {"mon", "13:00", "18:00"}, {"tue", "10:00", "14:00"}}, cal.Hours)
	require.Equal(t, []string{"2026-12-25", "2027-01-01"}, cal.Holidays)
	_, page = admin.do(http.MethodGet, "/admin/teams/"+team+"/calendar", nil)
	require.Contains(t, page, "mon 08:00-12:00\nmon 13:00-18:00\ntue 10:00-14:00", "the form shows the calendar as stored")
	require.Contains(t, page, "Set by Administrator", "who set it, by name")

	// The team's New action form says due times count these hours.
	therapist := modelstest.Name("therapist")
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/staff", map[string]any{"id": therapist, "name": "Tess Tanner", "role": "agent", "team_id": team, "authority": 1}, nil))
	var issued struct{ Token string }
	require.Equal(t, http.StatusCreated, root.call(http.MethodPost, "/api/v1/staff/"+therapist+"/tokens", map[string]any{"label": "spa desk"}, &issued))
	spa := newWebClient(t, st.URL)
	spa.signIn(issued.Token)
	_, page = spa.do(http.MethodGet, "/actions/new", nil)
	require.Contains(t, page, "Counted in the team's opening hours, mon 08:00-12:00; mon 13:00-18:00; tue 10:00-14:00, Europe/Madrid time, unless the category's policy runs around the clock.")
	// So do the extend forms of its actions, on the action page and the board.
	var spaAction action
	require.Equal(t, http.StatusCreated, as(t, st, "dave").call(http.MethodPost, "/api/v1/actions",
		map[string]any{"title": "Massage rebooking", "category": "request", "team_id": team, "due_in": "2h"}, &spaAction))
	manager := signedIn(t, st, "demo-dave")
	hours := "Counted from now, in the team's opening hours (mon 08:00-12:00; mon 13:00-18:00; tue 10:00-14:00, Europe/Madrid time) unless the category's policy runs around the clock; its due time:"
	_, page = manager.do(http.MethodGet, "/actions/"+spaAction.ID, nil)
	// The action page says the hours the action itself counts, as it started with them.
	require.Contains(t, page, `<p class="hint" id="ex-due-hint">Counted from now, in the opening hours the action counts (mon 08:00-12:00; mon 13:00-18:00; tue 10:00-14:00, Europe/Madrid time); its due time:`)
	_, page = manager.do(http.MethodGet, "/board?team="+team, nil)
	require.Contains(t, page, `<p class="hint" id="ex-due-hint-`+spaAction.ID+`">`+hours)
	// One of a category whose policy counts around the clock says so, whatever the team's hours.
	allDay := modelstest.Name("spanight")
	require.Equal(t, http.StatusOK, root.call(http.MethodPut, "/api/v1/policies/"+allDay, map[string]any{"clock": "24/7"}, nil))
	var nightAction action
	require.Equal(t, http.StatusCreated, as(t, st, "dave").call(http.MethodPost, "/api/v1/actions",
		map[string]any{"title": "Late sauna booking", "category": allDay, "team_id": team, "due_in": "2h"}, &nightAction))
	_, page = manager.do(http.MethodGet, "/actions/"+nightAction.ID, nil)
	require.Contains(t, page, `<p class="hint" id="ex-due-hint">Counted from now, around the clock; its due time:`)
	// A row an earlier release wrote, which does not say, has the team's hours as they are.
	require.NoError(t, st.Store.DB().Exec("UPDATE actions SET clock_hours = NULL WHERE id = ?", spaAction.ID).Error)
	_, page = manager.do(http.MethodGet, "/actions/"+spaAction.ID, nil)
	require.Contains(t, page, `<p class="hint" id="ex-due-hint">`+hours)

	// Only administrators; an unknown team is not found.
	sup := newWebClient(t, st.URL)
	supCSRF := sup.signIn("demo-carol")
	resp, _ = sup.do(http.MethodGet, "/admin/teams/"+team+"/calendar", nil)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	good.Set("csrf", supCSRF)
	good.Set("time_zone", "Asia/Tokyo")
	resp, _ = sup.do(http.MethodPost, "/admin/teams/"+team+"/calendar", good)
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/teams/"+team+"/calendar", nil, &cal))
	require.Equal(t, "Europe/Madrid", cal.TimeZone)
	resp, _ = sup.do(http.MethodPost, "/admin/teams/"+team+"/calendar/remove", url.Values{"csrf": {supCSRF}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, "nor remove one")
	resp, _ = admin.do(http.MethodGet, "/admin/teams/no-such-team/calendar", nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Removed, the team is open around the clock again, and the page offers no removal.
	_, page = admin.do(http.MethodGet, "/admin/teams/"+team+"/calendar", nil)
	require.Contains(t, page, `id="form-calendar-remove"`)
	resp, _ = admin.do(http.MethodPost, "/admin/teams/"+team+"/calendar/remove", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, http.StatusOK, root.call(http.MethodGet, "/api/v1/teams/"+team+"/calendar", nil, &cal))
	require.True(t, cal.AroundTheClock)
	_, page = admin.do(http.MethodGet, "/admin/teams/"+team+"/calendar", nil)
	require.Contains(t, page, "Calendar removed: new actions of the team count their deadlines around the clock.")
	require.Contains(t, page, "has no calendar")
	require.NotContains(t, page, `id="form-calendar-remove"`)
}

// An administrator erases a customer from the action page: a walk-in's (no reference) on that
// action alone, a referenced customer's on every action of theirs. Nobody else is offered it, and
// a forged form from someone else is refused and changes nothing.
func webEraseCustomer(t *testing.T, st *app.Stack) {
	alice := as(t, st, "alice")
	var walkIn, other, ref1, ref2 action
	customerRef := modelstest.Name("G")
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"name": "Wanda Walkin"}), &walkIn))
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"name": "Otto Other"}), &other))
	for _, a := range []*action{&ref1, &ref2} {
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", merge(newAction("alice"), "customer", map[string]any{"ref": customerRef, "name": "Rita Ref"}), a))
	}
	owner := newWebClient(t, st.URL)
	ownerCSRF := owner.signIn("demo-alice")
	_, page := owner.do(http.MethodGet, "/actions/"+walkIn.ID, nil)
	require.NotContains(t, page, `id="form-erase-customer"`, "only administrators are offered it")
	resp, page := owner.do(http.MethodPost, "/actions/"+walkIn.ID+"/erase-customer", url.Values{"csrf": {ownerCSRF}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, page, "only administrators erase customer data")

	admin := newWebClient(t, st.URL)
	csrf := admin.signIn("demo-root")
	_, page = admin.do(http.MethodGet, "/actions/"+walkIn.ID, nil)
	require.Contains(t, page, "Wanda Walkin")
	require.Contains(t, page, `data-confirm="Erase the personal data of this action's customer for good?`)
	require.Contains(t, page, "This action's customer gave no reference")
	resp, _ = admin.do(http.MethodPost, "/actions/"+walkIn.ID+"/erase-customer", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/actions/"+walkIn.ID, resp.Header.Get("Location"))
	_, page = admin.do(http.MethodGet, "/actions/"+walkIn.ID, nil)
	require.Contains(t, page, `id="done" role="status" tabindex="-1">The customer&#39;s personal data is erased.</p>`)
	require.NotContains(t, page, "Wanda Walkin")
	require.NotContains(t, page, `id="form-erase-customer"`, "nothing left to erase")
	var full customerView
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+walkIn.ID+"?consistent=true", nil, &full))
	require.Equal(t, models.Erased, full.Customer.Name)
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+other.ID+"?consistent=true", nil, &full))
	require.Equal(t, "Otto Other", full.Customer.Name, "another walk-in is another customer")
	// A handover made since carries new personal data of the customer: it can be erased too. (A
	// message to them it may not: there is nobody to send it to.)
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+walkIn.ID+"/handover",
		merge(merge(handoverBody, "notes", map[string]any{"summary": "Guest wants a 2pm checkout", "customer_context": "now in room 12"}), "customer_message", ""), nil))
	_, page = admin.do(http.MethodGet, "/actions/"+walkIn.ID, nil)
	require.Contains(t, page, "now in room 12")
	require.Contains(t, page, `id="form-erase-customer"`, "the new data can be erased")
	resp, _ = admin.do(http.MethodPost, "/actions/"+walkIn.ID+"/erase-customer", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/actions/"+walkIn.ID, nil)
	require.NotContains(t, page, "now in room 12")
	require.NotContains(t, page, `id="form-erase-customer"`)

	_, page = admin.do(http.MethodGet, "/actions/"+ref1.ID, nil)
	require.Contains(t, page, "on every action of theirs")
	resp, _ = admin.do(http.MethodPost, "/actions/"+ref1.ID+"/erase-customer", url.Values{"csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = admin.do(http.MethodGet, "/actions/"+ref1.ID, nil)
	require.Contains(t, page, "The personal data of customer "+customerRef+" is erased, on 2 actions.")
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+ref2.ID, nil, &full))
	require.Equal(t, models.Erased, full.Customer.Name)

	// The changes page says whose data went.
	_, page = admin.do(http.MethodGet, "/admin/audit?subject_type=customer", nil)
	require.Contains(t, page, "erased the personal data of the customer of action "+walkIn.ID+" (1 key, 1 action)")
	require.Contains(t, page, "erased the personal data of customer "+customerRef+" (1 key, 2 actions)")
}
