package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models/modelstest"
)

// offShiftAnswer is what ending one's shift answers of the work left: the open actions one owns,
// the messages one is to tell customers.
type offShiftAnswer struct {
	StillOwned *int64 `json:"actions_still_owned"`
	ToTell     *int   `json:"customers_still_to_tell"`
}

// endShiftAndBack ends c's own shift and starts it again, and returns what ending it answered.
func endShiftAndBack(t *testing.T, c caller) offShiftAnswer {
	t.Helper()
	var off offShiftAnswer
	require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/api/v1/shifts/end", nil, &off))
	require.Equal(t, http.StatusOK, c.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	return off
}

// customerTask is one of the inbox's customers_to_tell.
type customerTask struct {
	ActionID string `json:"action_id"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	Customer struct {
		Name    string `json:"name"`
		Contact string `json:"contact"`
	} `json:"customer"`
	MessageSeq int64  `json:"message_seq"`
	Message    string `json:"message"`
	AskedID    string `json:"asked_id"`
	Stranded   bool   `json:"stranded"`
	Tries      int    `json:"tries"`
	LastTry    *struct {
		Seq    int64  `json:"seq"`
		By     string `json:"by"`
		Method string `json:"method"`
		Note   string `json:"note"`
	} `json:"last_try"`
	RecordsCloseAt  *time.Time `json:"records_close_at"`
	LaterMessageSeq *int64     `json:"later_message_seq"`
}

// acceptedByBob is an action alice created and handed over to bob, who accepted it, with a message
// to the customer: its path in the API too.
func acceptedByBob(t *testing.T, alice, bob caller) (action, string) {
	t.Helper()
	var a action
	require.Equal(t, http.StatusCreated, alice.call(http.MethodPost, "/api/v1/actions", newAction("alice"), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, alice.call(http.MethodPost, path+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, path+"/accept", map[string]any{"summary": "2pm checkout, I tell housekeeping"}, nil))
	return a, path
}

// tasksOf are the messages c is to tell customers about action id.
func tasksOf(t *testing.T, c caller, id string) []customerTask {
	t.Helper()
	var in struct {
		CustomersToTell []customerTask `json:"customers_to_tell"`
	}
	require.Equal(t, http.StatusOK, c.call(http.MethodGet, "/api/v1/me/inbox", nil, &in))
	require.NotNil(t, in.CustomersToTell, "always a list")
	var out []customerTask
	for _, task := range in.CustomersToTell {
		if task.ActionID == id {
			out = append(out, task)
		}
	}
	return out
}

// Without an integration, the recipient who accepts a handover is to tell the customer its
// message: their inbox lists it with the customer's contact and the message itself, and the
// action's timeline offers the form, until they record how they told the customer. The record
// is refused from an administrator, for an entry that is no message, and a second time.
func webCustomersToTell(t *testing.T, st *app.Stack) {
	alice, bob, root := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "root")
	a, path := acceptedByBob(t, alice, bob)

	tasks := tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1)
	task := tasks[0]
	require.Equal(t, "Bob will confirm your late checkout.", task.Message, "the message opened")
	require.Equal(t, "Ms Patel", task.Customer.Name)
	require.Equal(t, "+44 7700 900123", task.Customer.Contact)
	require.Equal(t, "Late checkout for room 214", task.Title)
	require.Equal(t, "assigned", task.Status)
	var messageSeq int64
	for i, e := range timelineOf(t, bob, a.ID) {
		if e.Type == "customer_told" {
			messageSeq = int64(i + 1)
		}
	}
	require.Equal(t, messageSeq, task.MessageSeq, "the timeline's entry of the message")
	require.Empty(t, tasksOf(t, alice, a.ID), "the owner is asked, not the hander")

	seq := strconv.FormatInt(task.MessageSeq, 10)
	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `<h2 id="h-tell">Customers to tell`)
	// The person's own actions come before the messages, whose forms fill a phone's screen, and
	// the inbox's list of its sections leads to each with its count.
	require.Less(t, strings.Index(page, `<h2 id="h-owned">`), strings.Index(page, `<h2 id="h-tell">`))
	require.Regexp(t, `<nav class="jump" aria-label="In my inbox"><a href="#h-awaiting">Waiting for me \(\d+\)</a> <a href="#h-owned">I own \(\d+\)</a> <a href="#h-tell">Customers to tell \(\d+\)</a>`, page)
	item := formOf(t, page, "tell-"+a.ID+"-"+seq)
	require.Contains(t, item, `<blockquote class="message" id="message-`+a.ID+`-`+seq+`">Bob will confirm your late checkout.</blockquote>`)
	require.Contains(t, item, `for Ms Patel (<a href="tel:&#43;447700900123">&#43;44 7700 900123</a>)`, "a number to call")
	require.Contains(t, item, `<input type="hidden" name="message_seq" value="`+seq+`">`)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, formOf(t, page, "told-"+seq), `<select id="told-method-`+seq+`" name="method" required>`)
	// Completing it would leave the message untold: the form says so.
	require.Contains(t, formOf(t, page, "form-complete"), `<p class="hint" id="complete-untold">The customer has not been told the message <a href="/actions/`+a.ID+`?entry=`+seq+`#ev-`+seq+`">on the timeline</a> yet: completing leaves it to tell, and to record once told.</p>`)
	csrf := csrfOf(t, page)
	_, page = signedIn(t, st, "demo-alice").do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `id="told-`+seq+`"`, "a colleague at the desk who told the guest records it too")
	_, page = signedIn(t, st, "demo-root").do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="told-`+seq+`"`, "an administrator does not")
	require.Contains(t, page, `<strong class="untold" id="untold-`+seq+`">Not told to the customer yet</strong>`, "but sees it is not told")

	// The team's board shows it to the supervisors until it is told.
	board := signedIn(t, st, "demo-carol")
	_, page = board.do(http.MethodGet, "/board", nil)
	require.Regexp(t, `<tr id="team-tell-`+a.ID+`-`+seq+`"><th scope="row"><a href="/actions/`+a.ID+`\?entry=`+seq+`#ev-`+seq+`">Late checkout for room 214</a></th><td>Bob Brown</td>`, page)

	var p problem
	require.Equal(t, http.StatusForbidden, root.call(http.MethodPost, path+"/told", map[string]any{"message_seq": task.MessageSeq, "method": "phone"}, &p))
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": 1, "method": "phone"}, &p))
	require.Equal(t, []string{"message_seq"}, fieldsOf(p))
	require.Contains(t, p.Detail, "entry 1 of the timeline is not a message to the customer")
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": task.MessageSeq, "method": "pigeon"}, &p))
	require.Equal(t, []string{"method"}, fieldsOf(p))
	require.Len(t, tasksOf(t, bob, a.ID), 1, "a refusal changes nothing")

	// Refused from the inbox, the inbox says why.
	resp, page := web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "back": {"tell"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, `<h1>My inbox</h1>`)
	require.Contains(t, page, `<strong>Nothing changed:</strong> Method: is required`)
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {"1"}, "method": {"phone"}, "back": {"tell"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, `<strong>Nothing changed:</strong> Message: entry 1 of the timeline is not a message to the customer`, "the field as the page says it")
	require.Len(t, tasksOf(t, bob, a.ID), 1)

	// Told by phone, from the inbox: the task is gone, and the timeline says how.
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "method": {"phone"}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/inbox#h-tell", resp.Header.Get("Location"))
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `Recorded: the customer of “Late checkout for room 214” was told the message.`)
	require.NotContains(t, page, `id="tell-`+a.ID+`-`)
	require.Empty(t, tasksOf(t, bob, a.ID))
	timeline := timelineOf(t, bob, a.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "message_delivered", last.Type)
	require.Equal(t, "bob", last.ActorID)
	require.Equal(t, map[string]any{"message_seq": float64(task.MessageSeq), "method": "phone"}, last.Data)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="told-`+seq+`"`)
	require.NotContains(t, page, `id="complete-untold"`, "nothing left to tell")
	_, boardPage := board.do(http.MethodGet, "/board", nil)
	require.NotContains(t, boardPage, `id="team-tell-`+a.ID+`-`)
	require.Regexp(t, `<strong>message delivered</strong> by Bob Brown<br><span class="ev-data">message of entry: `+seq+` · how: phone</span>`, page)

	require.Equal(t, http.StatusConflict, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": task.MessageSeq, "method": "email"}, &p))
	require.Contains(t, p.Detail, "Bob Brown recorded telling the customer the message of entry "+seq+" already by phone")
}

// A supervisor's shift handover from the board reassigns an action past its due time with the new
// due time the form gives, and the page that follows it says so.
func webShiftReassignsPastDue(t *testing.T, st *app.Stack) {
	out, _, sup, outID, inID := teamOf3(t, st)
	var due action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", merge(newAction(outID), "due_in", "1s"), &due))
	waitStatus(t, out, due.ID, "checking", 0)
	web := newWebClient(t, st.URL)
	csrf := web.signIn(sup.token)
	resp, _ := web.do(http.MethodPost, "/shift-handovers", url.Values{"csrf": {csrf}, "from_id": {outID}, "to_id": {inID}, "situation": {"routine"},
		"notes": {"Night shift"}, "reassign_due_in": {"2h"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	progress := resp.Header.Get("Location")
	require.Regexp(t, `^/shift-handovers/[0-9a-f-]{36}$`, progress)
	var got action
	require.Eventually(t, func() bool {
		sup.call(http.MethodGet, "/api/v1/actions/"+due.ID+"?consistent=true", nil, &got)
		return got.Status == "assigned"
	}, 15*time.Second, 100*time.Millisecond, "reassigned with a due time ahead, not at its check")
	require.Equal(t, inID, got.OwnerID)
	require.WithinDuration(t, time.Now().Add(2*time.Hour), got.DueAt, time.Minute)
	_, page := web.do(http.MethodGet, progress, nil)
	require.Contains(t, page, "it was given a new due time, 2h 0m from the reassignment")
}

// A message someone went off shift without telling its customer, of an action that has ended, is
// in the team's supervisors' inbox while they are away (stranded, naming them), and not before;
// the supervisor records telling it, which ends it for both. Going off shift counts only one's own.
func webToldStrandedForSupervisors(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	var a action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions",
		merge(newAction(outID), "customer", map[string]any{"name": "Ms Ferreira", "contact": "+44 20 7946 0011"}), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, path+"/handover", merge(handoverBody, "to_id", inID), nil))
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/accept", map[string]any{"summary": "I call her back"}, nil))
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/complete", map[string]any{"outcome": "room changed"}, nil))
	mine := tasksOf(t, in, a.ID)
	require.Len(t, mine, 1, "the accept's message, given to its new owner")
	require.Equal(t, inID, mine[0].AskedID)
	require.False(t, mine[0].Stranded)
	require.Empty(t, tasksOf(t, sup, a.ID), "not the supervisor's while the person asked is at work")

	var off offShiftAnswer
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, "/api/v1/shifts/end", nil, &off))
	require.NotNil(t, off.ToTell)
	require.Equal(t, 1, *off.ToTell)
	left := tasksOf(t, sup, a.ID)
	require.Len(t, left, 1, "nobody at work has it otherwise: the action has ended")
	require.Equal(t, inID, left[0].AskedID)
	require.True(t, left[0].Stranded)
	require.Equal(t, mine[0].MessageSeq, left[0].MessageSeq)
	require.Len(t, tasksOf(t, in, a.ID), 1, "still theirs")
	var supOff offShiftAnswer
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/shifts/end", nil, &supOff))
	require.Equal(t, 0, *supOff.ToTell, "the supervisor's own only")
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))

	web := newWebClient(t, st.URL)
	web.signIn(sup.token)
	_, page := web.do(http.MethodGet, "/inbox", nil)
	id := fmt.Sprintf("%s-%d", a.ID, left[0].MessageSeq)
	require.Contains(t, page, `<p class="hint away" id="away-`+id+`">Asked of `+inID+`, who is away (off shift): it is in your inbox because nobody at work has it in theirs.</p>`)
	require.NotContains(t, formOf(t, page, "form-on-shift"), "You have 1 message", "not hers to warn of")

	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, path+"/told", map[string]any{"message_seq": left[0].MessageSeq, "method": "phone"}, nil))
	require.Empty(t, tasksOf(t, sup, a.ID))
	require.Empty(t, tasksOf(t, in, a.ID))
}

// A form sent again after it was done (the browser's Back, a page left open) changes nothing, and
// its confirmation says so, and that the action has changed since, rather than repeat what it did
// then as if it were true now; the API marks such an answer Idempotent-Replayed.
func webFormSentAgain(t *testing.T, st *app.Stack) {
	alice, _, sup, aliceID, _ := teamOf3(t, st) // a team of its own: the demo's board stays as other tests read it
	var a action
	require.Equal(t, http.StatusCreated, alice.call(http.MethodPost, "/api/v1/actions", newAction(aliceID), &a))
	path := "/api/v1/actions/" + a.ID

	web := newWebClient(t, st.URL)
	csrf := web.signIn(alice.token)
	pause := url.Values{"csrf": {csrf}, "idem": {modelstest.Name("pause")}, "version": {strconv.FormatInt(a.Version, 10)}, "reason": {"the guest is at breakfast"}}
	resp, _ := web.do(http.MethodPost, "/actions/"+a.ID+"/pause", pause)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, "is paused: its clocks stand still")
	// Sent twice in a row: done once, and the second says it was done before.
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/pause", pause)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `id="done" role="status" tabindex="-1">This form was sent before, and done then (under a minute ago). Nothing was done again.</p>`)

	// Resumed since: the same pause form again says so, and leaves the action running.
	require.Equal(t, http.StatusOK, alice.call(http.MethodPost, path+"/resume", map[string]any{"reason": "the guest is back"}, nil))
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/pause", pause)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `id="done" role="status" tabindex="-1">This form was sent before, and done then (under a minute ago). Nothing was done again. The action has changed since: it stands as below.</p>`)
	require.NotContains(t, page, "its clocks stand still until")
	var now struct {
		Paused bool `json:"paused"`
	}
	require.Equal(t, http.StatusOK, alice.call(http.MethodGet, path, nil, &now))
	require.False(t, now.Paused, "still running")

	// Through the API: a retry with the key is marked, a first request is not.
	key := modelstest.Name("extend")
	for i, want := range []string{"", "true"} {
		status, header := sup.callHeader(http.MethodPost, path+"/extend", `{"due_in": "9h", "reason": "the guest asked for more time"}`, nil, "Idempotency-Key", key)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, want, header.Get("Idempotent-Replayed"), "request %d", i+1)
	}
}

// A handover or completion refused because someone else changed the action while its page was
// open (reassigned it) says so, and how it stands now, rather than only "only the owner can".
func webRefusedAfterAChange(t *testing.T, st *app.Stack) {
	alice, bob, carol, aliceID, bobID := teamOf3(t, st) // a team of its own: the demo's board stays as other tests read it
	var a action
	require.Equal(t, http.StatusCreated, alice.call(http.MethodPost, "/api/v1/actions", newAction(aliceID), &a))
	web := newWebClient(t, st.URL)
	csrf := web.signIn(alice.token)
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `<input type="hidden" name="idem" value="`)
	require.Contains(t, page, `-handover"><input type="hidden" name="seen" value="1">`)
	require.Regexp(t, `<dd id="action-customer">Ms Patel <small>\(G-1001\)</small><br><a href="tel:(\+|&#43;)447700900123">&#43;44 7700 900123</a></dd>`, page, "the customer's number is a link to call, as in the inbox")
	require.Equal(t, http.StatusOK, carol.call(http.MethodPost, "/api/v1/actions/"+a.ID+"/reassign", map[string]any{"to_id": bobID, "reason": "Alice is needed on reception"}, nil))

	resp, page := web.do(http.MethodPost, "/actions/"+a.ID+"/handover", url.Values{"csrf": {csrf}, "idem": {modelstest.Name("ho")}, "seen": {"1"},
		"to_id": {bobID}, "reason": {"going to lunch"}, "method": {"chat"}, "situation": {"busy"}, "notes_summary": {"2pm checkout agreed"}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, page, "The action changed while this page was open: now "+bobID+" owns it, assigned. So only the owner ("+bobID+") can hand this action over")
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/complete", url.Values{"csrf": {csrf}, "idem": {modelstest.Name("co")}, "seen": {"1"}, "outcome": {"done"}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, page, "The action changed while this page was open: now "+bobID+" owns it, assigned. So only the owner or a supervisor can complete this action")
	// Sent from a page of the action as it is, the refusal is the plain one.
	var now action
	require.Equal(t, http.StatusOK, alice.call(http.MethodGet, "/api/v1/actions/"+a.ID, nil, &now))
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/complete", url.Values{"csrf": {csrf}, "idem": {modelstest.Name("co")}, "seen": {strconv.FormatInt(now.Version, 10)}, "outcome": {"done"}})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.NotContains(t, page, "The action changed while this page was open")
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, "/api/v1/actions/"+a.ID+"/complete", map[string]any{"outcome": "checkout moved to 2pm"}, nil), "its owner now can")
}

// An action whose owner goes off shift without handing it over is in their supervisor's inbox, under
// "Owned by someone away", until they are back (or it is reassigned); not in a colleague's.
func webOwnedByPeopleAway(t *testing.T, st *app.Stack) {
	out, in, sup, outID, _ := teamOf3(t, st)
	var a action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", newAction(outID), &a))
	awayOf := func(c caller) []string {
		t.Helper()
		var box inbox
		require.Equal(t, http.StatusOK, c.call(http.MethodGet, "/api/v1/me/inbox", nil, &box))
		require.NotNil(t, box.OwnedByPeopleAway, "always a list")
		return ids(box.OwnedByPeopleAway)
	}
	require.Empty(t, awayOf(sup), "its owner is at work")

	var off offShiftAnswer
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, &off))
	require.EqualValues(t, 1, *off.StillOwned)
	require.Equal(t, []string{a.ID}, awayOf(sup))
	require.Empty(t, awayOf(in), "a colleague's inbox does not list it")
	web := newWebClient(t, st.URL)
	web.signIn(sup.token)
	_, page := web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `<a href="#h-away">Owned by someone away (1)</a>`)
	require.Regexp(t, `<h2 id="h-away">Owned by someone away <span class="count">1</span></h2>\s*<p class="hint" id="away-hint">Your team's open actions whose owner is off shift, deactivated or gone from the team, due first on top: nobody at work looks after them until their owner is back. [^<]*</p>\s*<ul class="cards" role="list">\s*<li class="card" data-action="`+a.ID+`">`, page)
	// So does the action's own page, beside its owner.
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `<strong class="danger-text" id="action-owner-away">(off shift: nobody at work has it until they are back, or it is handed over or reassigned)</strong>`)

	// The manager's table counts it.
	manager := newWebClient(t, st.URL)
	manager.signIn(as(t, st, "dave").token)
	_, page = manager.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `<p class="hint" id="checks-hint">Actions you handed over, and those of every team with no supervisor on shift that nobody handed over, that were taken over in a shift handover or whose hander is away (they come to the managers while no supervisor is there), now at their due time`,
		"the manager's checks say why another team's come to them")
	_, page = manager.do(http.MethodGet, "/manager", nil)
	require.Regexp(t, `<a href="/board\?team=`+a.TeamID+`">Evening</a></th><td>1</td>(<td[^>]*>[^/]*</td>|<td[^>]*>.*?</td>){4}<td class="danger-text">1</td><td>0</td></tr>`, page, "open 1, owner away 1")

	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Empty(t, awayOf(sup), "back at work")
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="action-owner-away"`)
	_, page = manager.do(http.MethodGet, "/manager", nil)
	require.Regexp(t, `<a href="/board\?team=`+a.TeamID+`">Evening</a></th><td>1</td>(<td[^>]*>[^/]*</td>|<td[^>]*>.*?</td>){4}<td>0</td><td>0</td></tr>`, page)
}

// Going off shift says how many customers one is still to tell, and the inbox warns first. A
// customer erased is told nothing more: their tasks end, none is listed for a message sent after
// the erasure, and telling them is refused.
func webCustomersToTellOffShiftAndErased(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	ref := "G-" + modelstest.Name("tell")
	var a action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions",
		merge(newAction(outID), "customer", map[string]any{"ref": ref, "name": "Mr Novak", "contact": "novak@example.org"}), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, path+"/handover", merge(handoverBody, "to_id", inID), nil))
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/accept", map[string]any{"summary": "I call him back"}, nil))
	require.Len(t, tasksOf(t, in, a.ID), 1)
	tellDone := func(c caller) []*time.Time {
		var told struct {
			Items []struct {
				ActionID string     `json:"action_id"`
				Kind     string     `json:"kind"`
				DoneAt   *time.Time `json:"done_at"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, c.call(http.MethodGet, "/api/v1/me/notifications?limit=200", nil, &told))
		var done []*time.Time
		for _, it := range told.Items {
			if it.ActionID == a.ID && it.Kind == "customer_message" {
				done = append(done, it.DoneAt)
			}
		}
		return done
	}
	require.Equal(t, []*time.Time{nil}, tellDone(in), "to do")
	require.Equal(t, http.StatusNotFound, as(t, st, "alice").call(http.MethodPost, path+"/told", map[string]any{"message_seq": 4, "method": "phone"}, nil),
		"an agent of another team does not see the action, nor record telling its customer")

	web := newWebClient(t, st.URL)
	web.signIn(in.token)
	_, page := web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, formOf(t, page, "form-on-shift"), `You have 1 message to tell customers, not recorded as told: it stays in your inbox, and while you are away in the inbox of a colleague at work (the action&#39;s owner, or else your supervisors), until someone records telling it.`)
	require.Contains(t, page, `(<a href="mailto:novak@example.org">novak@example.org</a>)`)
	off := endShiftAndBack(t, in)
	require.NotNil(t, off.ToTell)
	require.Equal(t, 1, *off.ToTell)

	// Reassigned, the new owner sees the task too, and the board says who owns it now.
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, path+"/reassign", map[string]any{"to_id": outID, "reason": "back from lunch", "customer_message": "Your request is with us."}, nil))
	require.Len(t, tasksOf(t, out, a.ID), 2, "the one given to the owner before, and the reassignment's")
	board := newWebClient(t, st.URL)
	board.signIn(sup.token)
	_, page = board.do(http.MethodGet, "/board", nil)
	require.Regexp(t, `id="team-tell-`+a.ID+`-\d+">.*<td>`+inID+`<br><small>`+outID+` owns it now, and sees it too</small></td>`, page)
	// Both away: the board says the supervisors' inbox has it.
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/end", nil, nil))
	_, page = board.do(http.MethodGet, "/board", nil)
	require.Regexp(t, `id="team-tell-`+a.ID+`-\d+">.*<td>`+inID+` <strong class="danger-text">off shift</strong><br><small>`+outID+` owns it now, off shift too: it is in the supervisors' inbox</small></td>`, page)
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, "/api/v1/shifts/start", nil, nil))

	// Erased: the tasks end; a reassignment after it tells the customer (its message is sealed
	// with a key that is gone), and nobody is asked to.
	require.Equal(t, http.StatusOK, as(t, st, "root").call(http.MethodDelete, "/api/v1/customers/"+ref, nil, nil))
	require.Empty(t, tasksOf(t, in, a.ID))
	require.Empty(t, tasksOf(t, out, a.ID))
	// What they were told says the tasks are settled, so that nobody goes on to do one.
	for _, done := range tellDone(in) {
		require.NotNil(t, done, "settled by the erasure")
	}
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Regexp(t, `href="/actions/`+a.ID+`\?entry=\d+#ev-\d+">[^\n]*</a> <small class="settled">\(settled: nothing left to do\)</small></li>`, page)
	tellRecords := func() int {
		var told struct {
			Items []struct {
				ActionID string `json:"action_id"`
				Kind     string `json:"kind"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, in.call(http.MethodGet, "/api/v1/me/notifications?limit=200", nil, &told))
		n := 0
		for _, it := range told.Items {
			if it.ActionID == a.ID && it.Kind == "customer_message" {
				n++
			}
		}
		return n
	}
	before := tellRecords()
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, path+"/reassign", map[string]any{"to_id": inID, "reason": "out went home"}, nil))
	require.Empty(t, tasksOf(t, in, a.ID), "an erased customer is told nothing more")
	require.Equal(t, before, tellRecords(), "nor is anyone asked to tell them, in what they were told")
	_, page = board.do(http.MethodGet, "/board", nil)
	require.NotContains(t, page, `id="team-tell-`+a.ID)
	var told int64
	for i, e := range timelineOf(t, in, a.ID) {
		if e.Type == "customer_told" {
			told = int64(i + 1)
		}
	}
	var p problem
	require.Equal(t, http.StatusConflict, in.call(http.MethodPost, path+"/told", map[string]any{"message_seq": told, "method": "email"}, &p))
	require.Contains(t, p.Detail, "the customer's personal data was erased")
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `class="untold"`)
}

// A try that did not reach the customer is recorded from the inbox, with a note sealed as the
// customer's data, and leaves the message there, saying who tried, how and when; a message the
// customer need not be told is recorded with why, and ends the task as telling it would. Without a
// reason it is refused, and the inbox draws that task's form again with what was typed.
func webCustomersNotReachedNotNeeded(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	a, path := acceptedByBob(t, alice, bob)
	tasks := tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1)
	require.Zero(t, tasks[0].Tries)
	require.Nil(t, tasks[0].LastTry)
	require.Nil(t, tasks[0].RecordsCloseAt, "the action is open")
	seq := strconv.FormatInt(tasks[0].MessageSeq, 10)

	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/inbox", nil)
	form := formOf(t, page, "told-"+a.ID+"-"+seq)
	require.Contains(t, form, `<button type="submit" name="outcome" value="not_reached" class="secondary">Could not reach them`)
	require.Contains(t, form, `<button type="submit" name="outcome" value="not_needed" class="secondary" formnovalidate>Not needed`)
	csrf := csrfOf(t, page)

	// Not reached by phone: still to tell, the try shown.
	resp, _ := web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"not_reached"}, "method": {"phone"}, "note": {"Voicemail left at 10:05"}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	tasks = tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1, "still to tell")
	require.Equal(t, 1, tasks[0].Tries)
	require.NotNil(t, tasks[0].LastTry)
	require.Equal(t, "bob", tasks[0].LastTry.By)
	require.Equal(t, "phone", tasks[0].LastTry.Method)
	require.Equal(t, "Voicemail left at 10:05", tasks[0].LastTry.Note, "the note opened")
	timeline := timelineOf(t, bob, a.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "message_not_reached", last.Type)
	require.Equal(t, map[string]any{"message_seq": float64(tasks[0].MessageSeq), "method": "phone", "try": float64(1), "note": "Voicemail left at 10:05"}, last.Data)
	require.EqualValues(t, len(timeline), tasks[0].LastTry.Seq, "the last entry")
	stored, err := st.Store.ListEvents(t.Context(), a.ID)
	require.NoError(t, err)
	require.NotContains(t, stored[len(stored)-1].Data, "Voicemail", "the note is sealed in the read model")
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `Recorded: the customer of “Late checkout for room 214” was not reached. The message is still to tell.`)
	require.Regexp(t, `<p class="hint tried" id="tried-`+a.ID+`-`+seq+`">Not reached once: last by Bob Brown, phone, <time datetime="[^"]+">[^<]+</time>: “Voicemail left at 10:05”.</p>`, page)
	_, boardPage := signedIn(t, st, "demo-carol").do(http.MethodGet, "/board", nil)
	require.Regexp(t, `id="team-tell-`+a.ID+`-`+seq+`">.*<small class="tried">not reached: last tried by Bob Brown, <time`, boardPage)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Regexp(t, `<strong>customer not reached</strong> by Bob Brown<br><span class="ev-data">message of entry: `+seq+` · how: phone · try: 1 · note: Voicemail left at 10:05</span>`, page)
	require.Contains(t, page, `id="told-`+seq+`"`, "the form stays on the timeline")

	// Not needed, without a reason: refused, the form drawn again with the method dropped and the
	// note field marked.
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"not_needed"}, "method": {"email"}, "note": {" "}, "back": {"tell"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, `<strong>Nothing changed:</strong> Note: is required when the customer need not be told`)
	require.Regexp(t, `<input type="text" id="told-note-`+a.ID+`-`+seq+`" name="note" maxlength="1000" value=" " aria-invalid="true" aria-describedby="[^"]+">`, page)
	var p problem
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": tasks[0].MessageSeq, "outcome": "not_needed", "method": "email"}, &p))
	require.ElementsMatch(t, []string{"method", "note"}, fieldsOf(p), "both at once")
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": tasks[0].MessageSeq, "outcome": "not_reached"}, &p))
	require.Equal(t, []string{"method"}, fieldsOf(p))
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": tasks[0].MessageSeq, "outcome": "lost", "method": "email"}, &p))
	require.Equal(t, []string{"outcome"}, fieldsOf(p))
	require.Len(t, tasksOf(t, bob, a.ID), 1, "a refusal changes nothing")

	// With why: done, and the timeline says so.
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"not_needed"}, "method": {"email"}, "note": {"She checked out early"}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Empty(t, tasksOf(t, bob, a.ID))
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `Recorded: the customer of “Late checkout for room 214” need not be told the message.`)
	timeline = timelineOf(t, bob, a.ID)
	last = timeline[len(timeline)-1]
	require.Equal(t, "message_not_needed", last.Type)
	require.Equal(t, map[string]any{"message_seq": float64(tasks[0].MessageSeq), "note": "She checked out early"}, last.Data)
	require.Equal(t, http.StatusConflict, alice.call(http.MethodPost, path+"/told", map[string]any{"message_seq": tasks[0].MessageSeq, "method": "phone"}, &p))
	require.Contains(t, p.Detail, "Bob Brown recorded that the customer need not be told the message of entry "+seq)
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="told-`+seq+`"`)
	require.NotContains(t, page, `id="complete-untold"`, "nothing left to tell")
	require.Contains(t, page, `<strong>message not needed</strong> by Bob Brown`)
}

// A customer who gave neither name nor contact (a walk-up guest known by a reference alone) is
// known erased all the same: a message sent them after the erasure is listed to nobody, offered on
// no timeline, and telling them is refused.
func webErasedWithoutNameOrContact(t *testing.T, st *app.Stack) {
	out, in, sup, outID, inID := teamOf3(t, st)
	ref := "G-" + modelstest.Name("walkup")
	var a action
	require.Equal(t, http.StatusCreated, out.call(http.MethodPost, "/api/v1/actions", merge(newAction(outID), "customer", map[string]any{"ref": ref}), &a))
	path := "/api/v1/actions/" + a.ID
	require.Equal(t, http.StatusOK, out.call(http.MethodPost, path+"/handover", merge(handoverBody, "to_id", inID), nil))
	require.Equal(t, http.StatusOK, in.call(http.MethodPost, path+"/accept", map[string]any{"summary": "I find him in the lobby"}, nil))
	given := tasksOf(t, in, a.ID)
	require.Len(t, given, 1, "told face to face: a task without a contact")
	tasksBefore := given[0].MessageSeq

	require.Equal(t, http.StatusOK, as(t, st, "root").call(http.MethodDelete, "/api/v1/customers/"+ref, nil, nil))
	require.Empty(t, tasksOf(t, in, a.ID))
	// A message of one's own to them is refused (there is nobody to send it to), and changes
	// nothing; without one, the product's words are recorded, and given to nobody to tell.
	var p problem
	before := len(timelineOf(t, out, a.ID))
	for cmd, body := range map[string]map[string]any{
		"reassign": {"to_id": outID, "reason": "in went home", "customer_message": "Your request is with us."},
		"complete": {"outcome": "done", "customer_message": "All done."},
		"handover": merge(handoverBody, "to_id", outID),
		"check":    {"result": "not_done", "next": "reassign", "to_id": outID, "customer_message": "Someone will call."},
	} {
		require.Equal(t, http.StatusConflict, sup.call(http.MethodPost, path+"/"+cmd, body, &p), cmd)
		require.Equal(t, "customer_message: the customer's personal data was erased: there is nobody to send a message to, so leave it out", p.Detail, cmd)
		require.Equal(t, "customer_erased", p.Code, cmd)
	}
	require.Len(t, timelineOf(t, out, a.ID), before, "nothing changed")
	require.Equal(t, http.StatusOK, sup.call(http.MethodPost, path+"/reassign", map[string]any{"to_id": outID, "reason": "in went home"}, nil))
	require.Empty(t, tasksOf(t, out, a.ID), "an erased customer is told nothing more")
	var told int64
	for i, e := range timelineOf(t, out, a.ID) {
		if e.Type == "customer_told" {
			told = int64(i + 1)
		}
	}
	web := newWebClient(t, st.URL)
	web.signIn(out.token)
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `class="untold"`)
	require.Contains(t, page, `<p class="hint" id="complete-erased">The customer's personal data was erased: no message can be sent them.</p>`)
	require.Contains(t, page, `<small class="hint" id="not-sent-`+strconv.FormatInt(told, 10)+`">Not sent: the customer's personal data was erased before it</small>`,
		"the product's words after the erasure reached nobody")
	require.NotContains(t, page, `id="not-sent-`+strconv.FormatInt(tasksBefore, 10)+`"`, "the message before it was given to tell")
	require.NotContains(t, page, `name="customer_message"`, "no form asks for a message to them")
	for _, form := range []string{"ho", "complete"} {
		require.Contains(t, page, `id="`+form+`-erased"`, form)
	}
	supWeb := newWebClient(t, st.URL)
	supWeb.signIn(sup.token)
	_, supPage := supWeb.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, supPage, `id="re-erased"`, "a supervisor's reassignment asks for none either")
	require.NotContains(t, supPage, `name="customer_message"`)
	_, board := supWeb.do(http.MethodGet, "/board", nil)
	require.Contains(t, board, `id="card-`+a.ID+`"`)
	require.Contains(t, board, `<p class="hint" id="re-erased-`+a.ID+`">The customer's personal data was erased: no message can be sent them.</p>`, "nor the board's")
	require.NotContains(t, board, `id="re-message-`+a.ID+`"`)
	require.Equal(t, http.StatusConflict, out.call(http.MethodPost, path+"/told", map[string]any{"message_seq": told, "method": "face_to_face"}, &p))
	require.Contains(t, p.Detail, "the customer's personal data was erased")
}

// A message with a later one of the same action offers, in the inbox and on the timeline, to
// record it replaced by the later one in one go, the later one still to tell or told already (by
// someone else, whose inbox it was not in); the form of each message is described by the message
// (and its last try).
func webReplacedByLaterMessage(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	a, path := acceptedByBob(t, alice, bob)
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, path+"/complete", map[string]any{"outcome": "2pm agreed", "customer_message": "Your checkout is at 2pm."}, nil))
	tasks := tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 2)
	first, later := strconv.FormatInt(tasks[0].MessageSeq, 10), strconv.FormatInt(tasks[1].MessageSeq, 10)
	// Completed: each says when the action's records close, 7 days after it ended.
	var ended time.Time
	for _, e := range timelineOf(t, bob, a.ID) {
		if e.Type == "completed" {
			ended = e.At
		}
	}
	require.NotNil(t, tasks[0].RecordsCloseAt)
	require.True(t, ended.Add(7*24*time.Hour).Equal(*tasks[0].RecordsCloseAt), "%v", *tasks[0].RecordsCloseAt)

	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/inbox", nil)
	id := a.ID + "-" + first
	require.Regexp(t, `<p class="hint" id="closes-`+id+`">The action has ended: record it by <time datetime="[^"]+">[^<]+</time>, when its records close.</p>`, page)
	require.Contains(t, page, `<select id="told-method-`+id+`" name="method" required aria-describedby="message-`+id+` closes-`+id+`">`, "described by the message and when the records close")
	require.Contains(t, page, `<blockquote class="message" id="message-`+id+`">Bob will confirm your late checkout.</blockquote>`)
	replaced := formOf(t, page, "replaced-"+id)
	require.Contains(t, replaced, `<input type="hidden" name="outcome" value="not_needed"><input type="hidden" name="note" value="Replaced by the later message of entry `+later+`">`)
	require.NotContains(t, page, `id="replaced-`+a.ID+`-`+later+`"`, "the latest is replaced by none")
	require.NotContains(t, page, `id="ended-`+a.ID+`-`+later+`"`, "the outcome's own message is not made moot by the end it tells")
	_, actionPage := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, actionPage, `id="replaced-`+first+`"`)
	require.NotContains(t, actionPage, `id="replaced-`+later+`"`)
	require.Equal(t, tasks[1].MessageSeq, *tasks[0].LaterMessageSeq)
	require.Nil(t, tasks[1].LaterMessageSeq, "the latest")

	// Alice, at the desk when the guest came by, tells them the later one: Bob hears it is no
	// longer his to tell, and the first, still his, is still offered as replaced by it.
	require.Equal(t, http.StatusOK, alice.call(http.MethodPost, path+"/told", map[string]any{"message_seq": tasks[1].MessageSeq, "method": "face_to_face"}, nil))
	tasks = tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1)
	require.Equal(t, first, strconv.FormatInt(tasks[0].MessageSeq, 10))
	require.NotNil(t, tasks[0].LaterMessageSeq)
	require.Equal(t, later, strconv.FormatInt(*tasks[0].LaterMessageSeq, 10), "told already, it still came later")
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `Alice Adams told the customer of “Late checkout for room 214” the message of entry `+later+` (face to face): it is no longer yours to tell.`)
	replaced = formOf(t, page, "replaced-"+id)
	require.Contains(t, replaced, `value="Replaced by the later message of entry `+later+`">`)
	_, actionPage = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, actionPage, `id="replaced-`+first+`"`)

	resp, _ := web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrfOf(t, page)}, "idem": {"replace-1"}, "message_seq": {first}, "outcome": {"not_needed"},
		"note": {"Replaced by the later message of entry " + later}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Empty(t, tasksOf(t, bob, a.ID))
	timeline := timelineOf(t, bob, a.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "message_not_needed", last.Type)
	require.Equal(t, "Replaced by the later message of entry "+later, last.Data["note"])
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.NotContains(t, page, `id="replaced-`)
}

// A handover's message to the customer still untold when the action is completed is offered as not
// needed in one go, saying why (the tell form asks for a note): news that someone else looks after
// the request is moot once it is done.
func webEndedBeforeTold(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	a, path := acceptedByBob(t, alice, bob)
	require.Equal(t, http.StatusOK, bob.call(http.MethodPost, path+"/complete", map[string]any{"outcome": "2pm agreed"}, nil))
	tasks := tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1)
	seq := strconv.FormatInt(tasks[0].MessageSeq, 10)
	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/inbox", nil)
	ended := formOf(t, page, "ended-"+a.ID+"-"+seq)
	require.Contains(t, ended, `<input type="hidden" name="outcome" value="not_needed"><input type="hidden" name="note" value="The action was completed before the customer was told this">`)
	require.Contains(t, ended, `Not needed: it is completed`)
	resp, _ := web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrfOf(t, page)}, "idem": {"ended-1"}, "message_seq": {seq}, "outcome": {"not_needed"},
		"note": {"The action was completed before the customer was told this"}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Empty(t, tasksOf(t, bob, a.ID))
	timeline := timelineOf(t, bob, a.ID)
	require.Equal(t, "message_not_needed", timeline[len(timeline)-1].Type)
}

// A record that ended a message's task made in error is undone, saying what was wrong: by who made
// it (its timeline entry offers them the form), a supervisor or a manager, not another agent. The
// task is back in the inbox, the note sealed, and whoever was asked to tell the message, and
// whoever made the record, hear when someone else undid it. A refusal changes nothing.
func webUndoMistakenRecord(t *testing.T, st *app.Stack) {
	alice, bob, carol := as(t, st, "alice"), as(t, st, "bob"), as(t, st, "carol")
	a, path := acceptedByBob(t, alice, bob)
	tasks := tasksOf(t, bob, a.ID)
	require.Len(t, tasks, 1)
	msg := tasks[0].MessageSeq
	seq := strconv.FormatInt(msg, 10)

	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/inbox", nil)
	csrf := csrfOf(t, page)
	resp, _ := web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"told"}, "method": {"phone"}, "back": {"tell"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Empty(t, tasksOf(t, bob, a.ID))
	record := strconv.Itoa(len(timelineOf(t, bob, a.ID)))

	// Bob's own record, and a supervisor's page, offer the undo; another agent's does not.
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `<small class="hint" id="wording-`+seq+`">Written by Alice Adams, in the handover</small>`, "not Bob's words, who accepted")
	form := formOf(t, page, "undo-"+record)
	require.Contains(t, form, `<input type="hidden" name="message_seq" value="`+seq+`"><input type="hidden" name="outcome" value="undo">`)
	require.Contains(t, form, `<input type="text" id="undo-note-`+record+`" name="note" maxlength="1000" required>`)
	_, supPage := signedIn(t, st, "demo-carol").do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, supPage, `id="undo-`+record+`"`)
	_, alicePage := signedIn(t, st, "demo-alice").do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, alicePage, `id="undo-`)

	var p problem
	require.Equal(t, http.StatusForbidden, alice.call(http.MethodPost, path+"/told", map[string]any{"message_seq": msg, "outcome": "undo", "note": "wrong guest"}, &p))
	require.Contains(t, p.Detail, "only Bob Brown, who made the record of entry "+record+", or a supervisor or manager may undo it")
	require.Equal(t, http.StatusUnprocessableEntity, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": msg, "outcome": "undo", "method": "phone"}, &p))
	require.ElementsMatch(t, []string{"method", "note"}, fieldsOf(p), "both at once")
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"undo"}, "note": {" "}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	require.Contains(t, page, `<strong>Nothing changed:</strong> Note: is required to undo a record`)
	require.Contains(t, page, `<details class="undo" id="undo-`+record+`" open>`)
	require.NotContains(t, page, `id="kept"`, "the form is drawn again: nothing to copy")
	require.Regexp(t, `<input type="text" id="undo-note-`+record+`" name="note" maxlength="1000" required value=" " aria-invalid="true"`, page)
	require.Empty(t, tasksOf(t, bob, a.ID), "a refusal changes nothing")

	// Undone: the task is back, the timeline says why, the note is sealed.
	resp, _ = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"undo"}, "method": {"phone"}, "note": {"Rang the wrong room"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Len(t, tasksOf(t, bob, a.ID), 1, "to tell again")
	timeline := timelineOf(t, bob, a.ID)
	last := timeline[len(timeline)-1]
	require.Equal(t, "message_record_undone", last.Type)
	undone, _ := strconv.Atoi(record)
	require.Equal(t, map[string]any{"message_seq": float64(msg), "undone_seq": float64(undone), "note": "Rang the wrong room"}, last.Data)
	stored, err := st.Store.ListEvents(t.Context(), a.ID)
	require.NoError(t, err)
	require.NotContains(t, stored[len(stored)-1].Data, "wrong room", "the note is sealed in the read model")
	_, page = web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.Contains(t, page, `Undone: the message to the customer of “Late checkout for room 214” is to tell again.`)
	require.Regexp(t, `<strong>record undone</strong> by Bob Brown<br><span class="ev-data">message of entry: `+seq+` · record of entry: `+record+` · note: Rang the wrong room</span>`, page)
	require.NotContains(t, page, `id="undo-`, "nothing left to undo")
	undoEntry := strconv.Itoa(len(timeline))
	require.Contains(t, page, `<small class="hint" id="undone-`+record+`">Undone: see <a href="/actions/`+a.ID+`?entry=`+undoEntry+`#ev-`+undoEntry+`">entry `+undoEntry+`</a></small>`, "the record undone says so")
	require.Contains(t, page, `id="told-`+seq+`"`, "the form to record it is back")
	resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/told", url.Values{"csrf": {csrf}, "message_seq": {seq}, "outcome": {"told"}, "note": {"left a card"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "no method")
	require.NotContains(t, page, `id="kept"`, "the form is drawn again with the note")
	require.Contains(t, page, `<input type="text" id="told-note-`+seq+`" name="note" maxlength="1000" value="left a card">`)
	require.Equal(t, http.StatusConflict, bob.call(http.MethodPost, path+"/told", map[string]any{"message_seq": msg, "outcome": "undo", "note": "again"}, &p))
	require.Contains(t, p.Detail, "there is no record to undo")

	// Alice tells the customer by email; the supervisor undoes her record: both Bob, who was asked
	// to tell it, and Alice, whose record it was, hear so.
	require.Equal(t, http.StatusOK, alice.call(http.MethodPost, path+"/told", map[string]any{"message_seq": msg, "method": "email"}, nil))
	require.Empty(t, tasksOf(t, bob, a.ID))
	aliceRecord := len(timelineOf(t, bob, a.ID))
	require.Equal(t, http.StatusOK, carol.call(http.MethodPost, path+"/told", map[string]any{"message_seq": msg, "outcome": "undo", "note": "the email bounced"}, nil))
	require.Len(t, tasksOf(t, bob, a.ID), 1)
	what := "Carol Clark undid the record of entry " + strconv.Itoa(aliceRecord) + ` (told, email) of “Late checkout for room 214”`
	require.Contains(t, notificationsOf(t, bob, a.ID), what+": the customer is still to be told the message of entry "+seq+", and it is yours to tell again.")
	require.Contains(t, notificationsOf(t, alice, a.ID), "Carol Clark undid your record of entry "+strconv.Itoa(aliceRecord)+` (told, email) of “Late checkout for room 214”: the customer is still to be told the message of entry `+seq+".")
	undoneAt := strconv.Itoa(len(timelineOf(t, bob, a.ID)))
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `<a href="/actions/`+a.ID+`?entry=`+undoneAt+`#ev-`+undoneAt+`">`, "what Bob was told links to the undo")
}

// A record refused on an older page of a long timeline draws that page again, with the form and
// what was typed, not the newest page without them.
func webToldRefusedOnAnOlderPage(t *testing.T, st *app.Stack) {
	alice, bob := as(t, st, "alice"), as(t, st, "bob")
	a, path := acceptedByBob(t, alice, bob)
	seq := strconv.FormatInt(tasksOf(t, bob, a.ID)[0].MessageSeq, 10)
	for i := range 105 {
		require.Equal(t, http.StatusCreated, bob.call(http.MethodPost, path+"/notes", map[string]any{"text": "note " + strconv.Itoa(i)}, nil))
	}
	web := signedIn(t, st, "demo-bob")
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	require.NotContains(t, page, `id="told-`+seq+`"`, "the message is on an older page")
	_, page = web.do(http.MethodGet, "/actions/"+a.ID+"?entry="+seq, nil)
	require.Contains(t, page, `<form method="post" action="/actions/`+a.ID+`/told?entry=`+seq+`" class="inline told-form" id="told-`+seq+`">`)
	resp, page := web.do(http.MethodPost, "/actions/"+a.ID+"/told?entry="+seq, url.Values{"csrf": {csrfOf(t, page)}, "message_seq": {seq}, "outcome": {"told"}, "note": {"left a card"}})
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "no method")
	require.Contains(t, page, `<input type="text" id="told-note-`+seq+`" name="note" maxlength="1000" value="left a card">`, "drawn again, with the note")
	require.NotContains(t, page, `id="kept"`)
}
