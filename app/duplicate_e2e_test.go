package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

// An action made twice: its owner, an agent, cancels the second as a duplicate of the first from
// its page, choosing the first from the team's open actions; the timeline names the one kept. A
// duplicate of itself, of an action not found or ended, by someone else, or a cancel for another
// reason by the agent, is refused, changing nothing.
func webCancelDuplicate(t *testing.T, st *app.Stack) {
	out, in, sup, outID, _ := teamOf3(t, st)
	var first, second, ended, escalated action
	body := merge(newAction(outID), "title", "Taxi to the airport at 6")
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", body, &first))
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", body, &second))
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", body, &escalated))
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/actions/"+escalated.ID+"/escalate", map[string]any{"reason": "guest complained"}, nil))
	var walkIn action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", merge(body, "customer", map[string]any{"name": "A walk-in"}), &walkIn))
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", merge(body, "title", "Ended one"), &ended))
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/actions/"+ended.ID+"/cancel", map[string]any{"reason": "guest left"}, nil))

	path := "/api/v1/actions/" + second.ID + "/cancel"
	var p problem
	for _, c := range []struct {
		by     caller
		body   map[string]any
		status int
		field  string
	}{
		{out, map[string]any{"reason": "made twice"}, http.StatusForbidden, ""},
		{in, map[string]any{"duplicate_of": first.ID}, http.StatusForbidden, ""},
		{out, map[string]any{"duplicate_of": second.ID}, http.StatusUnprocessableEntity, "duplicate_of"},
		{out, map[string]any{"duplicate_of": "0b6f4f52-5a5e-4b8a-9d0e-00000000dead"}, http.StatusUnprocessableEntity, "duplicate_of"},
		{out, map[string]any{"duplicate_of": ended.ID}, http.StatusUnprocessableEntity, "duplicate_of"},
		{out, map[string]any{"duplicate_of": " "}, http.StatusUnprocessableEntity, "duplicate_of"},
		{sup, map[string]any{}, http.StatusUnprocessableEntity, "reason"},
	} {
		require.Equal(t, c.status, c.by.call(http.MethodPost, path, c.body, &p), "%v", c.body)
		if c.field != "" {
			require.Equal(t, []string{c.field}, fieldsOf(p), "%v", c.body)
		}
	}
	require.Contains(t, p.Detail, "reason: is required")
	require.Equal(t, http.StatusForbidden, out.call(http.MethodPost, "/api/v1/actions/"+escalated.ID+"/cancel", map[string]any{"duplicate_of": first.ID}, &p),
		"escalated: the supervisors' to end")

	web := newWebClient(t, st.URL)
	csrf := web.signIn(out.token)
	_, page := web.do(http.MethodGet, "/actions/"+second.ID, nil)
	form := formOf(t, page, "form-cancel-duplicate")
	require.Contains(t, form, `<option value="`+first.ID+`">Taxi to the airport at 6 (`)
	require.NotContains(t, form, `<option value="`+second.ID+`"`, "not itself")
	// The copies, made the same minute with one title, are told apart.
	require.Regexp(t, `<option value="`+first.ID+`">Taxi to the airport at 6 \(`+outID+`, assigned, customer G-1001, created \w+ \d+ \w+ \d\d:\d\d:\d\d UTC, ID …`+first.ID[len(first.ID)-6:]+`\)</option>`, form)
	require.Regexp(t, `<option value="`+escalated.ID+`">Taxi to the airport at 6 \(`+outID+`, escalated, `, form)
	require.Regexp(t, `<option value="`+walkIn.ID+`">Taxi to the airport at 6 \(`+outID+`, assigned, no customer reference, created `, form)
	require.NotContains(t, form, ended.ID, "not an ended one")
	_, page = web.do(http.MethodGet, "/actions/"+first.ID, nil)
	require.NotContains(t, page, `id="form-cancel"`, "an agent has no cancel for any reason")

	resp, _ := web.do(http.MethodPost, "/actions/"+second.ID+"/cancel-duplicate", url.Values{"csrf": {csrf}, "duplicate_of": {first.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = web.do(http.MethodGet, "/actions/"+second.ID, nil)
	require.Contains(t, page, "“Taxi to the airport at 6” is cancelled as a duplicate: the other action stays open.")
	require.Contains(t, page, `a duplicate of: <a href="/actions/`+first.ID+`">“Taxi to the airport at 6”</a>`, "its timeline leads to the action kept, by its title")
	var now action
	require.Equal(t, http.StatusOK, out.call(http.MethodGet, "/api/v1/actions/"+second.ID, nil, &now))
	require.Equal(t, "cancelled", now.Status)
	timeline := timelineOf(t, out, second.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "cancelled", last.Type)
	require.Equal(t, outID, last.ActorID)
	require.Equal(t, map[string]any{"reason": "a duplicate of “Taxi to the airport at 6”", "duplicate_of": first.ID}, last.Data)
	require.Equal(t, http.StatusOK, out.call(http.MethodGet, "/api/v1/actions/"+first.ID, nil, &now))
	require.Equal(t, "assigned", now.Status, "the one kept")

	// A supervisor's cancel may name the action kept too.
	supWeb := newWebClient(t, st.URL)
	supCSRF := supWeb.signIn(sup.token)
	_, page = supWeb.do(http.MethodGet, "/actions/"+escalated.ID, nil)
	form = formOf(t, page, "form-cancel")
	require.Contains(t, form, `<option value="">None: cancelled for the reason above</option><option value="`)
	require.Contains(t, form, `<option value="`+first.ID+`">Taxi to the airport at 6 (`)
	require.NotContains(t, form, `<option value="`+escalated.ID+`"`, "not itself")
	require.NotContains(t, page, `id="form-cancel-duplicate"`, "the supervisor's is the cancel form's choice")
	resp, _ = supWeb.do(http.MethodPost, "/actions/"+escalated.ID+"/cancel", url.Values{"csrf": {supCSRF}, "reason": {"the guest asked twice"}, "duplicate_of": {first.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	timeline = timelineOf(t, sup, escalated.ID)
	last = timeline[len(timeline)-1]
	require.Equal(t, map[string]any{"reason": "the guest asked twice", "duplicate_of": first.ID}, last.Data)

	// The action kept lists both, each a link, for what was noted on them.
	_, page = web.do(http.MethodGet, "/actions/"+first.ID, nil)
	start := strings.Index(page, `id="action-duplicates"`)
	require.GreaterOrEqual(t, start, 0, "the action kept lists its duplicates")
	kept := page[start : start+strings.Index(page[start:], "</dd>")]
	require.Regexp(t, `<li><a href="/actions/`+second.ID+`">Taxi to the airport at 6</a>, cancelled by [^<]+ <time datetime="[^"]+">[^<]+</time></li>`+
		`<li><a href="/actions/`+escalated.ID+`">Taxi to the airport at 6</a>, cancelled by `, kept)
	_, page = web.do(http.MethodGet, "/actions/"+second.ID, nil)
	require.NotContains(t, page, `id="action-duplicates"`, "none of the cancelled one")
}
