package api

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

// uiScale is a read model with two teams and their people, served by the router, for pages
// drawn over many actions.
type uiScale struct {
	t     *testing.T
	store *models.Store
	srv   *httptest.Server
	now   time.Time
}

func newUIScale(t *testing.T) *uiScale {
	return newUIScaleOn(t, modelstest.SQLiteURL(t))
}

// newUIScaleOn is newUIScale over the read model at url; tune, when given, changes the router's
// dependencies before it is built.
func newUIScaleOn(t *testing.T, url string, tune ...func(*Deps)) *uiScale {
	store := modelstest.Open(t, url)
	ctx := context.Background()
	for _, team := range []string{"desk", "kitchen"} {
		require.NoError(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: team, Name: "Team " + team}))
	}
	for _, st := range []models.Staff{
		{ID: "ann", Name: "Ann", Role: "agent", TeamID: ptr("desk"), Authority: 1, OnShift: true, Active: true},
		{ID: "ben", Name: "Ben", Role: "agent", TeamID: ptr("desk"), Authority: 1, OnShift: true, Active: true},
		{ID: "sue", Name: "Sue", Role: "supervisor", TeamID: ptr("desk"), Authority: 1, OnShift: true, Active: true},
		{ID: "kim", Name: "Kim", Role: "agent", TeamID: ptr("kitchen"), Authority: 1, OnShift: true, Active: true},
		{ID: "max", Name: "Max", Role: "manager", Authority: 1, Active: true},
	} {
		require.NoError(t, store.CreateStaff(ctx, "test-admin", st))
		require.NoError(t, store.AddToken(ctx, st.ID, "token-"+st.ID, "test"))
	}
	now := time.Now().UTC().Truncate(time.Second)
	deps := Deps{Store: store, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	for _, f := range tune {
		f(&deps)
	}
	srv := httptest.NewServer(NewRouter(deps))
	t.Cleanup(srv.Close)
	return &uiScale{t: t, store: store, srv: srv, now: now}
}

// addAdmin adds the administrator root, with the token token-root.
func (u *uiScale) addAdmin() {
	ctx := context.Background()
	require.NoError(u.t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: "root", Name: "Root", Role: "admin", Active: true}))
	require.NoError(u.t, u.store.AddToken(ctx, "root", "token-root", "test"))
}

// put writes open actions of a team in a status, n of them, due from due on (a minute apart).
func (u *uiScale) put(prefix, team, status, owner string, n int, due time.Duration) {
	u.t.Helper()
	for i := range n {
		id := fmt.Sprintf("%s-%04d", prefix, i)
		a := models.Action{
			ID: id, Title: "Action " + id, Category: "request", Priority: "normal", Status: status,
			OwnerID: owner, TeamID: team, CustomerRef: "C-1", DueAt: u.now.Add(due + time.Duration(i)*time.Minute),
			CreatedBy: owner, CreatedAt: u.now.Add(-time.Duration(n-i) * time.Minute), UpdatedAt: u.now, Version: 1,
		}
		if status == "handover_pending" {
			a.PendingHandoverID = id + "-h"
			a.Handovers = []models.Handover{{ID: id + "-h", FromID: owner, ToID: "ben", Reason: "shift", Method: "written",
				Situation: "routine", Summary: "s", Status: "pending", RequestedAt: u.now.Add(-time.Duration(i) * time.Minute)}}
		}
		require.NoError(u.t, u.store.ApplyProjection(context.Background(), a, nil))
	}
}

// get draws a page as the person whose token it is signed in with.
func (u *uiScale) get(staffID, path string) (int, string) {
	u.t.Helper()
	return u.page(staffID, http.MethodGet, path, nil)
}

// page asks for a page as the person whose token it is signed in with, sending form (with their
// session's CSRF token) when there is one, and answers the page drawn (a redirect is not followed).
func (u *uiScale) page(staffID, method, path string, form url.Values) (int, string) {
	u.t.Helper()
	resp := u.pageResponse(staffID, method, path, form)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(u.t, err)
	return resp.StatusCode, string(answer)
}

// pageResponse is page's request: the caller reads and closes the answer's body.
func (u *uiScale) pageResponse(staffID, method, path string, form url.Values) *http.Response {
	u.t.Helper()
	sess, err := u.store.OpenSession(context.Background(), "token-"+staffID, time.Now(), time.Hour)
	require.NoError(u.t, err)
	var body io.Reader
	if form != nil {
		form.Set("csrf", maskCSRF(sess.CSRF))
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.srv.URL+path, body)
	require.NoError(u.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess.ID})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	require.NoError(u.t, err)
	return resp
}

// The manager's table counts each team's open actions, overdue, escalated, waiting for
// acceptance, unassigned, owned by someone away and paused ones, from the read model's counts.
func TestManagerViewCountsEveryTeamsOpenActions(t *testing.T) {
	u := newUIScale(t)
	u.put("late", "desk", "assigned", "ann", 3, -time.Hour)
	u.put("later", "desk", "assigned", "ann", 2, time.Hour)
	u.put("esc", "desk", "escalated", "ben", 2, time.Hour)
	u.put("wait", "desk", "handover_pending", "ann", 1, time.Hour)
	u.put("none", "desk", "unassigned", "", 4, time.Hour)
	u.put("done", "desk", "completed", "ann", 5, -time.Hour)
	u.put("kit", "kitchen", "assigned", "kim", 6, -time.Hour)
	paused, err := u.store.GetAction(context.Background(), "later-0000")
	require.NoError(t, err)
	paused.Paused, paused.Version = true, 2
	require.NoError(t, u.store.ApplyProjection(context.Background(), paused, nil))

	status, page := u.get("max", "/manager")
	require.Equal(t, http.StatusOK, status, page)
	row := func(team string) string {
		m := regexp.MustCompile(`<tr><th scope="row"><a href="/board\?team=` + team + `">[^<]*</a></th>((?:<td[^>]*>(?:<a [^>]*>)?\d+(?:<span class="visually-hidden">[^<]*</span></a>)?</td>)+)</tr>`).FindStringSubmatch(page)
		require.NotNil(t, m, "the row of %s", team)
		// A count's link says what it counts to a screen reader ("3 overdue in Team desk"), in words
		// left out here.
		cells := regexp.MustCompile(`<span class="visually-hidden">[^<]*</span>`).ReplaceAllString(m[1], "")
		return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(regexp.MustCompile(`</td>`).ReplaceAllString(cells, " "), "")
	}
	// Open, overdue, escalated, awaiting acceptance, unassigned, owner away, paused.
	require.Equal(t, "12 3 2 1 4 0 1 ", row("desk"))
	require.Equal(t, "6 6 0 0 0 0 0 ", row("kitchen"))
	// Ann off shift: her six open actions are owned by someone away (Ben's escalated two are in
	// the escalations).
	_, err = u.store.SetOnShift(context.Background(), "ann", "ann", false)
	require.NoError(t, err)
	_, page = u.get("max", "/manager")
	require.Equal(t, "12 3 2 1 4 6 1 ", row("desk"))
}

// The board draws at most boardCards cards a column, however many open actions the team has:
// each column says how many it holds, and leads on to its next cards and back.
func TestBoardColumnsAreBounded(t *testing.T) {
	u := newUIScale(t)
	n := boardCards*2 + 10
	u.put("late", "desk", "assigned", "ann", n, -time.Duration(n)*time.Minute) // every one overdue
	u.put("wait", "desk", "handover_pending", "ann", boardCards+5, time.Hour)
	u.put("esc", "desk", "escalated", "ben", 3, time.Hour)
	u.put("kit", "kitchen", "assigned", "kim", 4, time.Hour)
	cards := regexp.MustCompile(`<div class="card[^"]*" data-action="([^"]+)"`)
	shownIn := func(page, prefix string) []string {
		var out []string
		for _, m := range cards.FindAllStringSubmatch(page, -1) {
			if len(m[1]) > len(prefix) && m[1][:len(prefix)] == prefix {
				out = append(out, m[1])
			}
		}
		return out
	}

	status, page := u.get("sue", "/board")
	require.Equal(t, http.StatusOK, status, page)
	require.Len(t, shownIn(page, "late-"), boardCards)
	require.Equal(t, "late-0000", shownIn(page, "late-")[0], "the most overdue first")
	require.Len(t, shownIn(page, "wait-"), boardCards)
	require.Len(t, shownIn(page, "esc-"), 3)
	require.Empty(t, shownIn(page, "kit-"), "another team's")
	require.Contains(t, page, fmt.Sprintf(`<span class="count">%d</span></h2>`, n), "the column counts all of its actions")
	require.Contains(t, page, fmt.Sprintf(`Waiting for acceptance <span class="count">%d</span>`, boardCards+5))
	require.Len(t, regexp.MustCompile(`<tr><th scope="row"><a href="/actions/wait-`).FindAllStringIndex(page, -1), boardCards, "the waiting handovers are bounded too")
	require.Contains(t, page, `<td>`+fmt.Sprint(n+boardCards+5)+` <span class="badge danger">`+fmt.Sprint(n)+` overdue</span> <a href="/board?team=desk&amp;shift_from=ann#h-shift"`, "Ann's open and overdue actions are all counted")
	next := regexp.MustCompile(`<a href="([^"]+)" id="later-assigned">`).FindStringSubmatch(page)
	require.NotNil(t, next)
	require.NotContains(t, page, `id="earlier-assigned"`)

	_, page = u.get("sue", html.UnescapeString(next[1]))
	got := shownIn(page, "late-")
	require.Len(t, got, boardCards)
	require.Equal(t, fmt.Sprintf("late-%04d", boardCards), got[0])
	require.Contains(t, page, fmt.Sprintf("Cards %d-%d of %d", boardCards+1, 2*boardCards, n))
	require.Len(t, shownIn(page, "wait-"), boardCards, "the other columns show their first cards")
	require.Contains(t, page, `id="earlier-assigned"`)

	_, page = u.get("sue", fmt.Sprintf("/board?column=assigned&from=%d", 2*boardCards))
	require.Len(t, shownIn(page, "late-"), 10)
	require.NotContains(t, page, `id="later-assigned"`)

	// A manager reads another team's board the same way.
	status, page = u.get("max", "/board?team=desk")
	require.Equal(t, http.StatusOK, status, page)
	require.Len(t, shownIn(page, "late-"), boardCards)
	require.Contains(t, page, `href="/board?column=assigned&amp;from=25&amp;team=desk"`)
}

// The people page lists peoplePage people at a time (of one team when it says so), leading on to
// the next; a form about a person, and the page it sends the browser to, show that person's page.
func TestPeoplePageIsBounded(t *testing.T) {
	u := newUIScale(t)
	ctx := context.Background()
	u.addAdmin()
	for i := range 120 {
		team := "desk"
		if i%4 == 0 {
			team = "kitchen"
		}
		require.NoError(t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: fmt.Sprintf("p%03d", i), Name: "Person", Role: "agent", TeamID: ptr(team), Authority: 1, Active: true}))
	}
	total := 120 + 6
	rows := regexp.MustCompile(`<tr id="staff-([^"]+)"`)
	shown := func(page string) []string {
		var out []string
		for _, m := range rows.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}

	status, page := u.get("root", "/admin")
	require.Equal(t, http.StatusOK, status, page)
	require.Len(t, shown(page), peoplePage)
	require.Equal(t, "ann", shown(page)[0], "by ID")
	require.Contains(t, page, fmt.Sprintf(`Staff <span class="count">%d</span>`, total))
	require.Contains(t, page, `<td>`+fmt.Sprint(30+1)+`</td>`, "the kitchen's people are all counted in the teams' table")
	next := regexp.MustCompile(`<a href="([^"]+)" id="staff-later">`).FindStringSubmatch(page)
	require.NotNil(t, next)

	_, page = u.get("root", html.UnescapeString(next[1]))
	require.Len(t, shown(page), peoplePage)
	require.Contains(t, page, fmt.Sprintf("People %d-%d of %d", peoplePage+1, 2*peoplePage, total))
	require.Contains(t, page, `id="staff-earlier"`)

	_, page = u.get("root", "/admin?person=p117")
	require.Contains(t, shown(page), "p117", "the page holding the person named")
	require.NotContains(t, page, `id="staff-later"`)

	_, page = u.get("root", "/admin?team=kitchen")
	require.Len(t, shown(page), 31, "the kitchen's 30 and Kim")
	require.Contains(t, page, fmt.Sprintf(`Staff <span class="count">%d</span>`, 31))
	require.NotContains(t, page, `id="staff-later"`)

	require.Equal(t, "/admin?person=p117", peopleOf(adminForm{Name: "edit", Key: "p117"}))
	require.Equal(t, "/admin?person=nina", peopleOf(adminForm{Name: "staff", Values: url.Values{"id": {" nina "}}}))
	require.Equal(t, "/admin", peopleOf(adminForm{Name: "team", Key: "desk"}))
}

// An inbox list holds at most models.InboxListLimit actions; past that the inbox says how many
// there are in all, and so does the warning before ending the shift.
func TestInboxSaysHowManyPastItsBound(t *testing.T) {
	u := newUIScale(t)
	n := models.InboxListLimit + 7
	u.put("own", "desk", "assigned", "ann", n, time.Hour)
	u.put("few", "desk", "assigned", "ben", 3, time.Hour)

	status, page := u.get("ann", "/inbox")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, fmt.Sprintf(`Actions I own <span class="count">%d</span>`, n))
	require.Contains(t, page, fmt.Sprintf("The %d due first are listed here, of %d", models.InboxListLimit, n))
	require.Len(t, regexp.MustCompile(`<li class="card[^"]*" data-action="own-`).FindAllStringIndex(page, -1), models.InboxListLimit)
	require.Contains(t, page, fmt.Sprintf("You still own %d open actions", n))

	_, page = u.get("ben", "/inbox")
	require.Contains(t, page, `Actions I own <span class="count">3</span>`)
	require.NotContains(t, page, `id="owned-shown"`)
}

// The timeline is read a page at a time (GET /actions/{id}/events with limit and before), and the
// action page shows timelinePage entries, the newest first, leading on to the earlier ones.
func TestTimelineIsPaged(t *testing.T) {
	u := newUIScale(t)
	ctx := context.Background()
	n := timelinePage*2 + 30
	id := "0b6f4f52-5a5e-4b8a-9d0e-0c1d2e3f4a5b" // the API takes UUIDs
	events := make([]models.ActionEvent, n)
	for i := range events {
		events[i] = models.ActionEvent{Seq: int64(i + 1), Type: "escalation_reminder", Cause: "timer",
			At: u.now.Add(time.Duration(i-n) * time.Minute), Data: fmt.Sprintf(`{"message":"reminder %d"}`, i+1)}
	}
	require.NoError(t, u.store.ApplyProjection(ctx, models.Action{
		ID: id, Title: "Left escalated", Category: "request", Priority: "normal", Status: "escalated", EscalationLevel: 2,
		OwnerID: "ann", TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(-time.Hour),
		CreatedBy: "ann", CreatedAt: u.now.Add(-time.Duration(n) * time.Minute), UpdatedAt: u.now, Version: int64(n),
	}, events))

	api := func(query string) (int, []int64, *int64) {
		req, err := http.NewRequest(http.MethodGet, u.srv.URL+"/api/v1/actions/"+id+"/events"+query, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token-sue")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct {
			Items []struct {
				Seq int64 `json:"seq"`
			} `json:"items"`
			NextBefore *int64 `json:"next_before"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		seqs := make([]int64, len(body.Items))
		for i, e := range body.Items {
			seqs[i] = e.Seq
		}
		return resp.StatusCode, seqs, body.NextBefore
	}
	status, all, next := api("")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, all, n, "without limit or before, the whole timeline")
	require.Nil(t, next)
	_, page, next := api("?limit=50")
	require.Equal(t, int64(n-49), page[0])
	require.Equal(t, int64(n), page[49], "the last ones, in order")
	require.Equal(t, int64(n-49), *next)
	_, page, next = api(fmt.Sprintf("?limit=50&before=%d", n-199))
	require.Equal(t, []int64{1, 30}, []int64{page[0], page[len(page)-1]})
	require.Nil(t, next, "nothing before the first")
	status, _, _ = api("?limit=0")
	require.Equal(t, http.StatusUnprocessableEntity, status)
	status, _, _ = api("?before=x")
	require.Equal(t, http.StatusUnprocessableEntity, status)

	// Forward from a seq, for a reader catching up: next_after leads on until the end.
	var read []int64
	for after := int64(0); ; {
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/v1/actions/%s/events?limit=97&after=%d", u.srv.URL, id, after), nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer token-sue")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var body struct {
			Items []struct {
				Seq int64 `json:"seq"`
			} `json:"items"`
			NextBefore *int64 `json:"next_before"`
			NextAfter  *int64 `json:"next_after"`
		}
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		require.Nil(t, body.NextBefore)
		for _, e := range body.Items {
			read = append(read, e.Seq)
		}
		if body.NextAfter == nil {
			break
		}
		after = *body.NextAfter
	}
	require.Equal(t, all, read, "every event once, in order")
	for _, bad := range []string{"?after=-1", "?after=x", "?after=3&before=9", "?after=1&after=2"} {
		status, _, _ = api(bad)
		require.Equal(t, http.StatusUnprocessableEntity, status, bad)
	}

	entries := regexp.MustCompile(`message: reminder (\d+)</span></li>`)
	shown := func(page string) []string {
		var out []string
		for _, m := range entries.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	status, body := u.get("sue", "/actions/"+id)
	require.Equal(t, http.StatusOK, status, body)
	got := shown(body)
	require.Len(t, got, timelinePage)
	require.Equal(t, fmt.Sprint(n), got[0], "the newest first")
	require.Contains(t, body, fmt.Sprintf(`<ol reversed start="%d">`, n))
	earlier := regexp.MustCompile(`<a href="([^"]+)" id="timeline-earlier">`).FindStringSubmatch(body)
	require.NotNil(t, earlier)
	require.NotContains(t, body, `id="timeline-newest"`)

	_, body = u.get("sue", html.UnescapeString(strings.TrimSuffix(earlier[1], "#h-timeline")))
	got = shown(body)
	require.Len(t, got, timelinePage)
	require.Equal(t, fmt.Sprint(n-timelinePage), got[0])
	require.Contains(t, body, `id="timeline-newest"`)
	_, body = u.get("sue", fmt.Sprintf("/actions/%s?before=%d", id, n-2*timelinePage+1))
	require.Len(t, shown(body), 30)
	require.NotContains(t, body, `id="timeline-earlier"`)

	// A link to one entry opens the page it is on: one older than the newest page's heads its own,
	// one on the newest page opens that.
	_, body = u.get("sue", fmt.Sprintf("/actions/%s?entry=%d", id, 42))
	got = shown(body)
	require.Len(t, got, 42)
	require.Equal(t, "42", got[0])
	_, body = u.get("sue", fmt.Sprintf("/actions/%s?entry=%d", id, n-5))
	require.Equal(t, fmt.Sprint(n), shown(body)[0])
}

// An agent's inbox lists the unassigned actions of their team that they may claim (only the
// supervisors are told of them, and an agent has no board), and not those needing more
// authority than they hold, nor another team's.
func TestInboxOffersTheTeamsUnassignedActionsToClaim(t *testing.T) {
	u := newUIScale(t)
	u.put("none", "desk", "unassigned", "", 2, time.Hour)
	u.put("kit", "kitchen", "unassigned", "", 1, time.Hour)
	senior, err := u.store.GetAction(context.Background(), "none-0001")
	require.NoError(t, err)
	senior.RequiredAuthority, senior.Version = 5, 2
	require.NoError(t, u.store.ApplyProjection(context.Background(), senior, nil))

	status, page := u.get("ann", "/inbox")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<h2 id="h-claim">Unassigned in my team <span class="count">1</span></h2>`)
	require.Contains(t, page, `<a class="card-title" href="/actions/none-0000">`)
	require.NotContains(t, page, `href="/actions/none-0001"`, "it needs authority 5")
	require.NotContains(t, page, `href="/actions/kit-0000"`, "another team's")

	_, page = u.get("kim", "/inbox")
	require.Contains(t, page, `href="/actions/kit-0000"`)
	require.NotContains(t, page, `href="/actions/none-0000"`)

	_, page = u.get("max", "/inbox")
	require.NotContains(t, page, `id="h-claim"`, "a manager, in no team, has nothing to claim here")
}

// An administrator, whom the API never lets create an action, is not shown the new-action form
// (it could only be refused), but told why.
func TestNewActionFormIsNotOfferedToAdministrators(t *testing.T) {
	u := newUIScale(t)
	require.NoError(t, u.store.CreateStaff(context.Background(), "test-admin", models.Staff{ID: "ada", Name: "Ada", Role: "admin", Active: true}))
	require.NoError(t, u.store.AddToken(context.Background(), "ada", "token-ada", "test"))
	status, page := u.get("ada", "/actions/new")
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, page, "Administrators manage staff and teams; they do not create actions.")
	require.NotContains(t, page, `action="/actions"`)
	status, page = u.get("ann", "/actions/new")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<form method="post" action="/actions"`)
}

// On the board, the escalate and reassign forms of an action whose handover waits say that
// sending them withdraws it: the recipient can no longer accept (the workflow withdraws it); and
// the switch taking its recipient off shift asks first.
func TestBoardSaysACommandWithdrawsTheHandover(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.put("wait", "desk", "handover_pending", "ann", 1, time.Hour)
	u.put("plain", "desk", "assigned", "ann", 1, time.Hour)
	answerBy := u.now.Add(30 * time.Minute)
	require.NoError(t, u.store.DB().Exec("UPDATE handovers SET expires_at = ? WHERE id = ?", answerBy, "wait-0000-h").Error)
	status, page := u.get("sue", "/board")
	require.Equal(t, http.StatusOK, status, page)
	for _, form := range []string{"escalate", "reassign"} {
		require.Regexp(t, `<p class="hint" id="`+form+`-withdraws-wait-0000">[A-Z][a-z]+ withdraws the handover waiting for Ben: they can no longer accept it.</p>`, page)
		require.NotContains(t, page, form+`-withdraws-plain-0000`, "no handover waits on the other")
	}
	// The table of handovers waiting says by when each is to be answered.
	require.Regexp(t, `<th scope="col">Answer by</th>`, page)
	require.Regexp(t, `(?s)<h2 id="h-pending">.*?Action wait-0000</a></th>.*?<td><time datetime="`+answerBy.UTC().Format(time.RFC3339)+`">[^<]+</time></td></tr>`, page)
	// Taking Sue, the team's only supervisor on shift, off shift asks first too: its alerts for
	// the supervisors go to the managers then.
	_, managers := u.get("max", "/board?team=desk")
	require.Contains(t, managers, `id="shift-of-sue" data-confirm="Sue is the only supervisor of the team on shift: until one is back, its checks and escalations for the supervisors go to the managers too. Take Sue off shift?">`)
	// So does the shift handover form, which takes its outgoing person off shift by default.
	require.Contains(t, managers, `<p class="hint" id="sh-last-supervisor">Sue is the only supervisor of the team on shift: taken off shift as the outgoing person, the team's checks and escalations for the supervisors go to the managers too, until one is back.</p>`)
	_, forAnn := u.get("max", "/board?team=desk&shift_from=ann")
	require.Contains(t, forAnn, `id="sh-end-shift"`)
	require.NotContains(t, forAnn, `id="sh-last-supervisor"`, "the form hands over Ann's shift, not Sue's")
	// Taking Ben off shift asks first: the handover waiting for him cannot be accepted then.
	require.Contains(t, page, `id="shift-of-ben" data-confirm="A handover waits for Ben to accept: off shift they cannot, so taking them off shift withdraws it, and whoever made it keeps the action (one whose owner is not at work either waits, to expire and be escalated). Take Ben off shift?">`)
}

// A supervisor ending her shift as the only one of her team on shift is told first that its
// alerts for the supervisors go to the managers until one is back; with another on shift, not.
func TestLastSupervisorOnShiftIsToldFirst(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	const told = `id="form-on-shift" data-confirm="You are the only supervisor of your team on shift: until one is back, its checks and escalations for the supervisors go to the managers too. End your shift?"`
	u.put("own", "desk", "assigned", "sue", 1, time.Hour) // hers: the inbox offers to hand her shift over
	status, page := u.get("sue", "/inbox")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `id="form-on-shift" data-confirm="You are the only supervisor of your team on shift: until one is back, its checks and escalations for the supervisors go to the managers too. You still own 1 open action: it stays yours, listed for your team&#39;s supervisors (or the managers) while you are away;`)
	require.Contains(t, page, `<p class="hint" id="ms-last-supervisor">You are the only supervisor of your team on shift`, "and so does handing her shift over, which ends it")
	status, page = u.get("ann", "/inbox")
	require.Equal(t, http.StatusOK, status, page)
	require.NotContains(t, page, "only supervisor", "an agent is not asked")
	desk := "desk"
	require.NoError(t, u.store.CreateStaff(context.Background(), "test-admin", models.Staff{ID: "sid", Name: "Sid", Role: "supervisor", TeamID: &desk, Authority: 1, OnShift: true, Active: true}))
	_, page = u.get("sue", "/inbox")
	require.NotContains(t, page, "only supervisor", "another supervisor is on shift")
	require.Contains(t, page, `id="form-on-shift" data-confirm="You still own 1 open action: it stays yours, listed for your team&#39;s supervisors (or the managers) while you are away;`)
}

// A manager of a team is asked for its checks only when no supervisor of it is on shift, as the
// alerts for them come to the managers only then: while Sue is on shift, the check is hers alone.
func TestManagerChecksOnlyWhenNoSupervisorIsOnShift(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	ctx := context.Background()
	desk := "desk"
	require.NoError(t, u.store.CreateStaff(ctx, "test-admin", models.Staff{ID: "mia", Name: "Mia", Role: "manager", TeamID: &desk, Authority: 1, OnShift: true, Active: true}))
	require.NoError(t, u.store.AddToken(ctx, "mia", "token-mia", "test"))
	u.put("due", "desk", "checking", "ann", 1, -time.Minute) // nobody handed it over: the supervisors' check
	checks := func(who string) []string {
		var in struct {
			ChecksDue []struct{ ID string } `json:"checks_due"`
		}
		require.Equal(t, http.StatusOK, u.send(who, http.MethodGet, "/api/v1/me/inbox", nil, &in))
		var ids []string
		for _, a := range in.ChecksDue {
			ids = append(ids, a.ID)
		}
		return ids
	}
	require.Equal(t, []string{"due-0000"}, checks("sue"))
	require.Empty(t, checks("mia"), "Sue is on shift: hers")
	sue, err := u.store.GetStaff(ctx, "sue")
	require.NoError(t, err)
	sue.OnShift = false
	require.NoError(t, u.store.UpdateStaff(ctx, "test-admin", sue, []string{"on_shift"}, false))
	require.Equal(t, []string{"due-0000"}, checks("mia"), "no supervisor on shift: the managers'")
}
