package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
)

// An internal action, the team's own work: made so from the New action form, it says so on its
// page and in its JSON, its forms ask for no message to a customer, and its handover, once
// accepted, gives nobody a message to tell; the API refuses a customer with it and a message to
// the customer on it, changing nothing.
func webInternalAction(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, out.call(http.MethodPost, "/api/v1/actions", merge(newAction(outID), "internal", true), &p))
	require.Equal(t, []string{"customer"}, fieldsOf(p))
	require.Contains(t, p.Detail, "an internal action has no customer")

	web := newWebClient(t, st.URL)
	csrf := web.signIn(out.token)
	_, page := web.do(http.MethodGet, "/actions/new", nil)
	require.Contains(t, page, `<input type="checkbox" id="internal" name="internal" value="true">`)
	form := url.Values{"csrf": {csrf}, "title": {"Restock the minibars on floor 3"}, "category": {"request"},
		"priority": {"normal"}, "due_in": {"4h"}, "owner_id": {outID}, "internal": {"true"}}
	form.Set("customer_name", "Ms Patel")
	resp, page := web.do(http.MethodPost, "/actions", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "a customer with it")
	require.Contains(t, page, `<input type="checkbox" id="internal" name="internal" value="true" checked`, "the box stays ticked")
	require.Regexp(t, `<span class="field-error" id="field-error-s\d+">an internal action has no customer`, page)
	form.Del("customer_name")
	resp, _ = web.do(http.MethodPost, "/actions", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/actions/")

	var got struct {
		Internal bool `json:"internal"`
	}
	require.Equal(t, http.StatusOK, out.call(http.MethodGet, "/api/v1/actions/"+id, nil, &got))
	require.True(t, got.Internal, "the read model's")
	created := timelineOf(t, out, id)[0]
	require.Equal(t, true, created.Data["internal"], "the timeline's first entry says so")
	_, page = web.do(http.MethodGet, "/actions/"+id, nil)
	require.Contains(t, page, `<span class="empty">none: an internal action, the team's own work</span>`)
	for _, field := range []string{`id="ho-message"`, `id="complete-message"`, `id="co-name"`, `id="ho-context"`} {
		require.NotContains(t, page, field, "no customer to write to, or about")
	}
	require.Contains(t, page, `<label for="complete-outcome">What was done</label>`)
	require.Contains(t, page, `<summary>Pause: waiting on someone outside the team</summary>`)
	require.Contains(t, page, `<p class="hint" id="correct-no-customer">An internal action has no customer.</p>`)
	require.NotContains(t, page, `id="form-cancel-duplicate"`, "no other open action of the team for it to duplicate")
	resp, page = web.do(http.MethodPost, "/actions/"+id+"/cancel-duplicate", url.Values{"csrf": {csrf}, "duplicate_of": {"0b6f4f52-5a5e-4b8a-9d0e-00000000dead"}, "reason": {"typed it twice"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, "That form is no longer offered here. What you typed, to copy:", "refused, its form is not drawn again without an action to name")
	require.Contains(t, page, "typed it twice", "what was typed is shown to copy")
	require.Contains(t, page, `<span class="ev-data">customer: none: an internal action, the team&#39;s own work · owner: `, "the created entry says so")
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Regexp(t, `(?s)<a class="card-title" href="/actions/`+id+`">Restock the minibars on floor 3</a>.*?<span class="internal">internal: no customer</span>`, page, "its card in the inbox too")

	path := "/api/v1/actions/" + id
	handover := merge(handoverBody, "to_id", inID)
	require.Equal(t, http.StatusUnprocessableEntity, out.call(http.MethodPost, path+"/handover", handover, &p))
	require.Equal(t, []string{"customer_message"}, fieldsOf(p))
	delete(handover, "customer_message")
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, path+"/handover", handover, nil))
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/accept", map[string]any{"summary": "I restock floor 3 after lunch"}, nil))
	require.Equal(t, http.StatusUnprocessableEntity, sup.call(http.MethodPost, path+"/complete", map[string]any{"outcome": "done", "customer_message": "All done"}, &p))
	require.Equal(t, []string{"customer_message"}, fieldsOf(p))
	require.Equal(t, http.StatusUnprocessableEntity, sup.call(http.MethodPost, path+"/correct", map[string]any{"customer": map[string]any{"name": "Ms Patel"}}, &p))
	require.Equal(t, []string{"customer"}, fieldsOf(p))
	for _, e := range timelineOf(t, in, id) {
		require.NotEqual(t, "customer_told", e.Type, "nobody to tell")
	}
	require.Empty(t, tasksOf(t, in, id), "nothing for the new owner to tell")
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/complete", map[string]any{"outcome": "Restocked"}, nil))
}
