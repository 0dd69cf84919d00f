package api

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// GET /actions?q= finds the actions in the caller's scope whose title, details or customer
// reference hold the text; the find page shows them, open ones by default, a page at a time.
func TestFindActionsByText(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.put("late", "desk", "assigned", "ann", 30, 0)      // "Action late-0000" ...
		u.put("done", "desk", "completed", "ann", 2, 0)      // "Action done-0000" ...
		u.put("kitchen", "kitchen", "assigned", "kim", 2, 0) // another team's
		var list struct {
			Items      []actionJSON `json:"items"`
			NextCursor *string      `json:"next_cursor"`
		}
		require.Equal(t, http.StatusOK, u.call("ann", "/api/v1/actions?q=LATE-00", &list))
		require.Len(t, list.Items, 30, "whatever the case, newest first")
		require.Equal(t, "late-0029", list.Items[0].ID)
		require.Equal(t, http.StatusOK, u.call("ann", "/api/v1/actions?q=kitchen", &list))
		require.Empty(t, list.Items, "another team's actions are out of her scope")
		require.Equal(t, http.StatusOK, u.call("max", "/api/v1/actions?q=kitchen-0001", &list))
		require.Len(t, list.Items, 1, "a manager sees every team")
		for _, bad := range []string{"q=", "q=%20%20", "q=" + strings.Repeat("x", 101), "q=a&q=b", "q=late%1F00", "q=late%0Aroom"} {
			u.refused("ann", "/api/v1/actions?"+bad, "q")
		}

		status, page := u.get("ann", "/find?q=action")
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, findPage, strings.Count(page, `<li class="card`), "a page of the open ones")
		require.NotContains(t, page, "done-0000", "completed ones only when asked")
		require.Contains(t, page, "<span>C-1</span>", "a customer without a name by their reference alone")
		require.Contains(t, page, `<title>“action”: 25+ found · Find · handover</title>`)
		status, page = u.get("ann", "/find?q=done&state=completed")
		require.Equal(t, http.StatusOK, status, page)
		require.Equal(t, 2, strings.Count(page, `<li class="card`))
		require.Equal(t, 2, strings.Count(page, `<span class="due">was due <time`), "an ended action counts down to nothing")
		require.NotContains(t, page, `data-rel=`)
		status, page = u.get("ann", "/find?q=nowhere")
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, "No open action holds “nowhere” in its title, details or customer reference. A customer's name or contact is not in these words (it is kept sealed): look for it in the customer's box instead.",
			"an empty result says a guest's name is not searched, so nobody reads it as no such request")
		status, page = u.get("ann", "/find?q="+strings.Repeat("x", 101))
		require.Equal(t, http.StatusUnprocessableEntity, status, page)
		require.Contains(t, page, `<div class="problem" role="alert">`)
		require.Contains(t, page, `value="`+strings.Repeat("x", 101)+`"`, "the form keeps what was typed")
		require.Contains(t, page, `<strong>Not searched:</strong> Words: must be`, "a search changes nothing; its field by its label")
		status, page = u.get("ann", "/find?q=late&q=done")
		require.Equal(t, http.StatusUnprocessableEntity, status, "words given twice are refused, not one taken in silence")
		require.Contains(t, page, "Words: give it once")
		status, _ = u.get("ann", "/find.csv?q=late&q=done")
		require.Equal(t, http.StatusUnprocessableEntity, status, "nor downloaded")
		status, page = u.get("ann", "/find")
		require.Equal(t, http.StatusOK, status, page)
		require.NotContains(t, page, `<li class="card`, "nothing until something is typed")
		require.Contains(t, page, `<a href="/find" aria-current="page">Find</a>`)
	})
}

// A status chosen without words (Overdue, Escalated, Open, Completed...) lists every such action
// in scope: a manager's over every team, an agent's in their own; with words, only those holding
// them.
func TestFindListsOverdueAndEscalated(t *testing.T) {
	forEachUIScale(t, func(t *testing.T, u *uiScale) {
		u.put("past", "desk", "assigned", "ann", 3, -2*time.Hour)
		u.put("ahead", "desk", "assigned", "ann", 2, time.Hour)
		u.put("kit", "kitchen", "assigned", "kim", 2, -time.Hour)
		u.put("esc", "desk", "escalated", "ben", 1, time.Hour)
		esc, err := u.store.GetAction(context.Background(), "esc-0000")
		require.NoError(t, err)
		esc.EscalationLevel, esc.Version = 1, 2
		require.NoError(t, u.store.ApplyProjection(context.Background(), esc, nil))
		u.put("gone", "desk", "completed", "ann", 1, -3*time.Hour)
		u.put("wait", "desk", "assigned", "ann", 1, time.Hour)
		wait, err := u.store.GetAction(context.Background(), "wait-0000")
		require.NoError(t, err)
		since, end := u.now.Add(-time.Hour), u.now.Add(3*time.Hour)
		wait.Paused, wait.PausedAt, wait.ResumeAt, wait.Version = true, &since, &end, 2
		require.NoError(t, u.store.ApplyProjection(context.Background(), wait, nil))
		cards := regexp.MustCompile(`<li class="card[^"]*"[^>]*>`)
		for _, tc := range []struct {
			who, query string
			want       int
			says       string
		}{
			{"ann", "state=overdue", 3, "<title>Overdue: 3 found · Find"},
			{"max", "state=overdue", 5, "<h2 id=\"h-found\">Overdue actions <span class=\"count\">5</span></h2>"},
			{"ann", "state=escalated", 1, "<title>Escalated: 1 found · Find"},
			{"ann", "state=overdue&q=past-0001", 1, "Actions holding “past-0001”"},
			{"kim", "state=escalated", 0, "No escalated action."},
			// Paused now, waiting on the customer, each with when it resumes by itself.
			{"max", "state=paused", 1, `<span class="badge">paused: resumes by itself <span data-rel=`},
			{"kim", "state=paused", 0, "No paused action."},
			// Any status chosen without words lists every such action in scope.
			{"ann", "state=completed", 1, "<title>Completed: 1 found · Find"},
			{"ann", "state=any", 8, "<h2 id=\"h-found\">Any actions <span class=\"count\">8</span></h2>"},
			{"max", "state=open&team=kitchen", 2, "Open actions of Team kitchen <span class=\"count\">2</span>"},
			{"kim", "state=cancelled", 0, "No cancelled action."},
		} {
			status, page := u.get(tc.who, "/find?"+tc.query)
			require.Equal(t, http.StatusOK, status, page)
			require.Len(t, cards.FindAllString(page, -1), tc.want, "%s: %s", tc.who, tc.query)
			require.Contains(t, page, tc.says, "%s: %s", tc.who, tc.query)
		}
		// A state the page does not list is refused, saying which it lists, not taken for "open".
		for _, query := range []string{"state=bogus", "state=overdue&state=open", "status=overdue&state=nope"} {
			status, page := u.get("ann", "/find?"+query)
			require.Equal(t, http.StatusUnprocessableEntity, status, query)
			require.Contains(t, page, "state: must be one of open, overdue, escalated, paused, completed, cancelled, any (once)", query)
			require.Zero(t, len(cards.FindAllString(page, -1)), query)
		}
		status, _ := u.get("ann", "/find.csv?state=bogus")
		require.Equal(t, http.StatusUnprocessableEntity, status)
		// Nor is one of two teams taken in silence by the board or the manager view.
		for who, path := range map[string]string{"max": "/manager?team=desk&team=kitchen", "sue": "/board?team=desk&team=kitchen"} {
			status, page := u.get(who, path)
			require.Equal(t, http.StatusUnprocessableEntity, status, path)
			require.Contains(t, page, "The address names several teams", path)
		}
		// Found across teams, each card names its team; one team's list, or a team member's, not.
		_, page := u.get("max", "/find?state=overdue")
		require.Equal(t, 3, strings.Count(page, `<span class="team">Team desk</span>`))
		require.Equal(t, 2, strings.Count(page, `<span class="team">Team kitchen</span>`))
		for who, query := range map[string]string{"max": "state=open&team=kitchen", "ann": "state=overdue"} {
			_, page = u.get(who, "/find?"+query)
			require.NotContains(t, page, `<span class="team">`, who)
		}
	})
}

// The manager view's overdue and escalated counts lead to the list of them, one team's.
func TestManagerCountsLeadToTheirActions(t *testing.T) {
	u := newUIScale(t)
	u.put("past", "desk", "assigned", "ann", 2, -2*time.Hour)
	u.put("kit", "kitchen", "assigned", "kim", 1, -time.Hour)
	u.put("wait", "kitchen", "assigned", "kim", 1, time.Hour)
	wait, err := u.store.GetAction(context.Background(), "wait-0000")
	require.NoError(t, err)
	since := u.now.Add(-time.Hour)
	wait.Paused, wait.PausedAt, wait.Version = true, &since, 2
	require.NoError(t, u.store.ApplyProjection(context.Background(), wait, nil))
	status, page := u.get("max", "/manager")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<a class="count" href="/find?state=overdue&amp;team=desk">2<span class="visually-hidden"> overdue in Team desk</span></a>`)
	require.Contains(t, page, `<a class="count" href="/find?state=overdue&amp;team=kitchen">1<span class="visually-hidden"> overdue in Team kitchen</span></a>`)
	require.NotContains(t, page, `/find?state=escalated&amp;team=desk`, "no link to an empty list")
	require.Contains(t, page, `<a class="count" href="/find?state=paused&amp;team=kitchen">1<span class="visually-hidden"> paused in Team kitchen</span></a>`)
	require.NotContains(t, page, `/find?state=paused&amp;team=desk`)
	require.Regexp(t, `>Team desk</a></th>(<td[^>]*>(?:[^<]|<a[^>]*>[^<]*(?:<span class="visually-hidden">[^<]*</span>)?</a>)*</td>){4}<td>0</td>`, page, "the desk's actions all have an owner")

	status, page = u.get("max", "/find?state=overdue&team=desk")
	require.Equal(t, http.StatusOK, status, page)
	require.Len(t, regexp.MustCompile(`<li class="card[^"]*"[^>]*>`).FindAllString(page, -1), 2, "the desk's, not the kitchen's")
	require.Contains(t, page, `Overdue actions of Team desk <span class="count">2</span>`)
	require.Contains(t, page, `<input type="hidden" name="team" value="desk">`, "a search from here stays in the team")
	status, _ = u.get("ann", "/find?state=overdue&team=kitchen")
	require.Equal(t, http.StatusNotFound, status, "another team's is out of an agent's scope")

	// Actions nobody owns, unassigned or escalated with nobody on them, are counted as such, on
	// the manager's table and on the team's board.
	u.put("lost", "desk", "unassigned", "", 1, time.Hour)
	u.put("stray", "desk", "escalated", "", 2, -time.Hour)
	_, page = u.get("max", "/manager")
	require.Regexp(t, `>Team desk</a></th>(<td[^>]*>(?:[^<]|<a[^>]*>[^<]*(?:<span class="visually-hidden">[^<]*</span>)?</a>)*</td>){4}<td class="danger-text">3</td>`, page)
	_, page = u.get("max", "/board?team=desk")
	require.Contains(t, page, `<tr id="roster-nobody"><th scope="row">Nobody <small>(unassigned, or escalated with no owner)</small></th><td></td><td></td><td class="danger-text">3</td></tr>`)
}

// The find page's later pages say they hold older actions, not that the search found as many as
// they show, and lead back to the newest.
func TestFindLaterPages(t *testing.T) {
	u := newUIScale(t)
	for i := range findPage + 3 {
		// IDs as the API gives them: a page's cursor holds one.
		a := models.Action{
			ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Title: fmt.Sprintf("Minibar restock %d", i), Category: "request",
			Priority: "normal", Status: "assigned", OwnerID: "ann", TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(time.Hour),
			CreatedBy: "ann", CreatedAt: u.now.Add(time.Duration(i-100) * time.Minute), UpdatedAt: u.now, Version: 1,
		}
		require.NoError(t, u.store.ApplyProjection(context.Background(), a, nil))
	}
	status, page := u.get("ann", "/find?q=minibar")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<title>“minibar”: 25+ found · Find · handover</title>`)
	require.NotContains(t, page, "The newest", "the first page is the newest")
	next := regexp.MustCompile(`<a href="(/find\?cursor=[^"]+)" rel="next">`).FindStringSubmatch(page)
	require.NotNil(t, next, "a link to the older ones")
	status, page = u.get("ann", html.UnescapeString(next[1]))
	require.Equal(t, http.StatusOK, status, page)
	require.Equal(t, 3, strings.Count(page, `<li class="card`))
	require.Contains(t, page, `<title>“minibar”: older actions · Find · handover</title>`, "not this page's count as what was found")
	require.Contains(t, page, `<p><a href="/find?q=minibar&amp;state=open">The newest</a></p>`, "and the way back")
}
