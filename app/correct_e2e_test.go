package app_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

// A supervisor corrects the room in an action's title and the customer's phone number while its
// handover waits for Bob: the answer and the read model say the new values, the timeline what
// each said before (the customer's opened like the rest of their data), the owner and Bob are
// told, and so is the integration. What would change nothing, names a field that cannot be
// corrected, or comes from someone outside the action changes nothing; an erased customer's
// data is not given again; an ended action is not corrected.
func testCorrections(t *testing.T, st *app.Stack, hooks *hookReceiver) {
	alice, bob, carol, root := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "carol"), as(t, st, "root")
	ref := modelstest.Name("G-CORR")
	body := newAction("alice")
	body["customer"] = map[string]any{"ref": ref, "name": "Ms Patel", "contact": "+44 7700 900123"}
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a))
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/handover", handoverBody, &a))

	type corrected struct {
		Title    string `json:"title"`
		Details  string `json:"details"`
		Priority string `json:"priority"`
		Version  int64  `json:"version"`
		Status   string `json:"status"`
		Customer struct {
			Ref     string `json:"ref"`
			Name    string `json:"name"`
			Contact string `json:"contact"`
		} `json:"customer"`
	}
	var got corrected
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/correct", map[string]any{
		"title":    "Late checkout for room 241",
		"customer": map[string]any{"name": "Ms Patel", "contact": "+44 7700 900999"},
		"reason":   "The guest is in 241.",
	}, &got))
	require.Equal(t, "Late checkout for room 241", got.Title)
	require.Equal(t, "+44 7700 900999", got.Customer.Contact)
	require.Equal(t, "Ms Patel", got.Customer.Name)
	require.Equal(t, ref, got.Customer.Ref)
	require.Equal(t, "handover_pending", got.Status, "the handover still waits")

	var read corrected
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &read))
	require.Equal(t, got, read, "the read model shows the correction when the command answers")

	timeline := timelineOf(t, alice, a.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "corrected", last.Type)
	require.Equal(t, "carol", last.ActorID)
	require.Equal(t, map[string]any{
		"title": "Late checkout for room 241", "title_was": "Late checkout for room 214",
		"customer_contact": "+44 7700 900999", "customer_contact_was": "+44 7700 900123",
		"reason": "The guest is in 241.",
	}, last.Data, "the name sent as it was is no change")

	what := "corrected the title (it was “Late checkout for room 214”) and the customer's contact of "
	require.Contains(t, notificationsOf(t, alice, a.ID), "Carol Clark "+what+"your action “Late checkout for room 241”. Why: The guest is in 241.")
	require.Contains(t, notificationsOf(t, bob, a.ID), "Carol Clark "+what+"“Late checkout for room 241”, whose handover to you waits for your answer: read it again before you accept. Why: The guest is in 241.")
	told := hooks.waitFor(t, a.ID, "action.corrected")
	require.Equal(t, "carol", told.ActorID)
	require.NotContains(t, told.Message, "900999", "a notification quotes no personal data")

	var p problem
	refused := func(who caller, body map[string]any, status int) problem {
		t.Helper()
		p = problem{}
		require.Equal(t, status, who.call("POST", "/api/v1/actions/"+a.ID+"/correct", body, &p), "%v", body)
		return p
	}
	require.Contains(t, refused(bob, map[string]any{"title": "Mine now"}, http.StatusForbidden).Detail, "only the action's owner, whoever created it, a supervisor or manager, or the integration can correct it")
	require.Contains(t, refused(alice, map[string]any{"title": "Late checkout for room 241", "customer": map[string]any{"contact": "+44 7700 900999"}}, http.StatusUnprocessableEntity).Detail, "nothing to correct")
	fields := func(p problem) []string {
		var out []string
		for _, e := range p.Errors {
			out = append(out, e.Field)
		}
		return out
	}
	require.Equal(t, []string{"title", "priority"}, fields(refused(alice, map[string]any{"title": " ", "priority": "soon"}, http.StatusUnprocessableEntity)))
	require.Equal(t, []string{"customer.ref"}, fields(refused(alice, map[string]any{"customer": map[string]any{"ref": "G-2"}}, http.StatusUnprocessableEntity)))
	require.Equal(t, []string{"owner_id"}, fields(refused(alice, map[string]any{"owner_id": "bob"}, http.StatusUnprocessableEntity)), "an owner is changed by a handover or a reassignment")
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, &read))
	require.Equal(t, got.Version, read.Version, "nothing refused changed the action")

	// The owner clears the details and raises the priority.
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+a.ID+"/correct", map[string]any{"details": "", "priority": "urgent"}, &got))
	require.Equal(t, "urgent", got.Priority)
	require.Empty(t, got.Details)

	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, nil))
	p = refused(carol, map[string]any{"customer": map[string]any{"name": "Mrs Patel"}}, http.StatusConflict)
	require.Equal(t, "customer_erased", p.Code)
	timeline = timelineOf(t, alice, a.ID)
	for _, e := range timeline {
		if e.Type == "corrected" && e.Data["customer_contact"] != nil {
			require.Equal(t, "[erased]", e.Data["customer_contact"], "the erasure reaches the timeline's copy")
			require.Equal(t, "[erased]", e.Data["customer_contact_was"])
		}
	}
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/correct", map[string]any{"title": "Late checkout, room 241"}, nil), "the title is no personal data")

	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "Checked out at 2pm"}, nil))
	p = refused(alice, map[string]any{"title": "Late checkout"}, http.StatusConflict)
	require.Equal(t, "action_closed", p.Code)
}

// The action page offers its owner a form to correct it, filled with what the action says: sent
// with a new room in the title and the rest as it was, it changes the title alone, says who is
// told, and the timeline shows the title before and after. A blank title is refused beside its
// field, keeping what was typed; a colleague outside the action is not offered the form.
func webCorrect(t *testing.T, st *app.Stack) {
	alice, bob, carol, aliceID, bobID := teamOf3(t, st) // a team of its own: the demo's board stays as other tests read it
	var a action
	require.Equal(t, http.StatusCreated, carol.call(http.MethodPost, "/api/v1/actions", newAction(aliceID), &a))
	web := newWebClient(t, st.URL)
	csrf := web.signIn(alice.token)
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `<summary>Correct the title, details or customer</summary>`)
	require.Contains(t, page, `<input id="co-title" name="title" maxlength="200" required value="Late checkout for room 214">`)
	require.Contains(t, page, `<option value="high" selected>high</option>`)
	require.Contains(t, page, `<input id="co-name" name="customer_name" maxlength="200" autocomplete="off" value="Ms Patel">`)
	require.Contains(t, page, `<p class="hint" id="correct-hint">Change what is wrong and leave the rest as it is: the timeline keeps what each field said before.</p>`)

	form := url.Values{"csrf": {csrf}, "idem": {modelstest.Name("co")}, "version": {strconv.FormatInt(a.Version, 10)},
		"title": {"  "}, "priority": {"high"}, "details": {""}, "customer_name": {"Ms Patel"}, "customer_contact": {"+44 7700 900123"}, "reason": {"wrong room"}}
	resp, page := web.do(http.MethodPost, "/actions/"+a.ID+"/correct", form)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, `<details class="cmd" id="cmd-correct" open>`)
	require.Regexp(t, `<input id="co-title" name="title" maxlength="200" required value="  "[^>]*aria-invalid="true"`, page)
	require.Contains(t, page, "cannot be blank: give the action a title, or put back the title it had")
	require.NotContains(t, page, "leave title out", "a form sends every field")
	require.Contains(t, page, `<input id="co-reason" name="reason" maxlength="2000" value="wrong room">`, "what was typed stays")

	form.Set("title", "Late checkout for room 241")
	form.Set("idem", modelstest.Name("co"))
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/correct", form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, "“Late checkout for room 241” is corrected: the timeline keeps what it said before.")
	require.Contains(t, page, `<h1>Late checkout for room 241</h1>`)
	require.Contains(t, page, `<strong>corrected</strong> by `+aliceID+`<br><span class="ev-data">reason: wrong room · title: Late checkout for room 241 · title before: Late checkout for room 214</span>`)
	timeline := timelineOf(t, alice, a.ID)
	require.Equal(t, map[string]any{"title": "Late checkout for room 241", "title_was": "Late checkout for room 214", "reason": "wrong room"},
		timeline[len(timeline)-1].Data, "only what the form changed: the customer's data sent as it was is no correction")

	// A colleague outside the action is not offered the form; its creator, a supervisor, is, and
	// the owner is told.
	other := newWebClient(t, st.URL)
	other.signIn(bob.token)
	_, page = other.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="form-correct"`, "%s neither owns nor created it", bobID)
	sup := newWebClient(t, st.URL)
	supCSRF := sup.signIn(carol.token)
	_, page = sup.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `the timeline keeps what each field said before, and `+aliceID+` is told.`)
	var now action
	require.Equal(t, http.StatusOK, alice.call(http.MethodGet, "/api/v1/actions/"+a.ID, nil, &now))
	resp, page = sup.do(http.MethodPost, "/actions/"+a.ID+"/correct", url.Values{"csrf": {supCSRF}, "idem": {modelstest.Name("co")}, "version": {strconv.FormatInt(now.Version, 10)},
		"title": {"Late checkout for room 241"}, "priority": {"urgent"}, "details": {"Guest flies at 6pm"}, "customer_name": {"Ms Patel"}, "customer_contact": {"+44 7700 900123"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, page)
	_, page = sup.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, "“Late checkout for room 241” is corrected: "+aliceID+" is told what changed.")
	var supervisor struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, carol.call(http.MethodGet, "/api/v1/me", nil, &supervisor))
	require.Contains(t, notificationsOf(t, alice, a.ID), supervisor.ID+" corrected the details and the priority (now urgent, it was high) of your action “Late checkout for room 241”.")

	// Details emptied in the form are corrected to nothing.
	require.Equal(t, http.StatusOK, alice.call(http.MethodGet, "/api/v1/actions/"+a.ID, nil, &now))
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/correct", url.Values{"csrf": {csrf}, "idem": {modelstest.Name("co")}, "version": {strconv.FormatInt(now.Version, 10)},
		"title": {"Late checkout for room 241"}, "priority": {"urgent"}, "details": {""}, "customer_name": {"Ms Patel"}, "customer_contact": {"+44 7700 900123"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var cleared struct {
		Details string `json:"details"`
	}
	require.Equal(t, http.StatusOK, alice.call(http.MethodGet, "/api/v1/actions/"+a.ID, nil, &cleared))
	require.Empty(t, cleared.Details)
}

// A customer is found by their name, email or phone number, which are sealed: through the API's
// customer filter and the find page, by words and their beginnings and by the number written another way, once
// the worker has indexed them; a correction of their number finds them by the new one alone, and
// an erasure by nothing.
func testFindCustomer(t *testing.T, st *app.Stack) {
	alice, carol, root := as(t, st, "alice"), as(t, st, "carol"), as(t, st, "root")
	surname := "Zed" + strings.ReplaceAll(modelstest.Name("x"), "-", "") // a word no other test's customer has
	number := fmt.Sprintf("%06d", rand.IntN(1_000_000))
	ref := modelstest.Name("G-FIND")
	body := newAction("alice")
	body["customer"] = map[string]any{"ref": ref, "name": "Ms Anna " + surname, "contact": "+44 7700 " + number}
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", body, &a))
	foundBy := func(who caller, customer string) []string {
		t.Helper()
		var page struct {
			Items []action `json:"items"`
		}
		require.Equal(t, http.StatusOK, who.call("GET", "/api/v1/actions?status=assigned&customer="+url.QueryEscape(customer), nil, &page))
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	// Indexed by the worker within about a second of the create.
	require.Eventually(t, func() bool { return slices.Equal([]string{a.ID}, foundBy(alice, strings.ToLower(surname))) }, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, []string{a.ID}, foundBy(carol, "anna "+surname))
	require.Equal(t, []string{a.ID}, foundBy(alice, "07700 "+number), "the number written the national way")
	require.Contains(t, foundBy(alice, number), a.ID, "the end of the number, six digits")
	require.Equal(t, []string{a.ID}, foundBy(alice, surname[:6]), "the beginning of a word")
	require.Equal(t, []string{a.ID}, foundBy(alice, "Ánna "+surname), "with accents it has not")
	require.Empty(t, foundBy(alice, surname[2:8]), "not its middle")
	require.Empty(t, foundBy(alice, "Mr "+surname), "every word is to be found")
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, alice.call("GET", "/api/v1/actions?customer=%20-%20", nil, &p))
	require.Equal(t, "customer", p.Errors[0].Field)
	for _, q := range []string{"12", "@@", surname + " 900"} {
		require.Equal(t, http.StatusUnprocessableEntity, alice.call("GET", "/api/v1/actions?customer="+url.QueryEscape(q), nil, &p), q)
		require.Equal(t, "customer", p.Errors[0].Field, q)
	}
	require.Contains(t, p.Detail, "too short for a phone number")

	web := newWebClient(t, st.URL)
	web.signIn(alice.token)
	_, page := web.do(http.MethodGet, "/find?customer="+url.QueryEscape(surname), nil)
	require.Contains(t, page, `data-action="`+a.ID+`"`)
	require.Contains(t, page, `for the customer “`+surname+`”`)

	moved := fmt.Sprintf("%06d", (rand.IntN(999_999)+1+mustAtoi(t, number))%1_000_000)
	require.Equal(t, http.StatusOK, carol.call("POST", "/api/v1/actions/"+a.ID+"/correct", map[string]any{"customer": map[string]any{"contact": "+44 7700 " + moved}}, nil))
	require.Eventually(t, func() bool { return slices.Equal([]string{a.ID}, foundBy(alice, "+447700"+moved)) }, 15*time.Second, 50*time.Millisecond)
	require.Empty(t, foundBy(alice, "07700 "+number), "the old number finds it no more")
	require.Equal(t, []string{a.ID}, foundBy(alice, surname), "the name, not corrected, still finds it")

	require.Equal(t, http.StatusOK, root.call("DELETE", "/api/v1/customers/"+ref, nil, nil))
	require.Empty(t, foundBy(alice, surname), "an erased customer is found by nothing, at once")
	require.Empty(t, foundBy(alice, "+447700"+moved))
}

func mustAtoi(t *testing.T, v string) int {
	t.Helper()
	n, err := strconv.Atoi(v)
	require.NoError(t, err)
	return n
}
