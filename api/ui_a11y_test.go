package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/handover/handover/models"
)

// postForm sends a page's form as the person whose token it is, with their session's CSRF
// token, and answers the page drawn (a redirect is not followed).
func (u *uiScale) postForm(staffID, path string, form url.Values) (int, string) {
	u.t.Helper()
	return u.page(staffID, http.MethodPost, path, form)
}

// a11yProblems lists what a page breaks of the structural rules every page keeps, so that it
// reads well with a screen reader and works by keyboard: the document's language and a title
// saying where it is; one h1 and no heading level skipped; a skip link to the main content,
// which is the main landmark, and nothing outside the landmarks but that link; a name for every
// field (its label, or aria-label), link and button; a scope on every table header; and unique
// ids, which every for, aria-describedby and aria-labelledby names.
func a11yProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"not HTML: " + err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var all []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			all = append(all, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)

	ids := map[string]int{}
	labelled := map[string]bool{}
	labels := map[string]string{}
	for _, n := range all {
		if id := attr(n, "id"); id != "" {
			ids[id]++
		}
		if n.Data == "label" && attr(n, "for") != "" {
			labelled[attr(n, "for")] = true
			labels[attr(n, "for")] = textOf(n)
		}
	}
	for id, count := range ids {
		if count > 1 {
			add("id %q is used %d times", id, count)
		}
	}

	var h1s int
	level := 0
	var mains []*html.Node
	for _, n := range all {
		switch n.Data {
		case "html":
			if strings.TrimSpace(attr(n, "lang")) == "" {
				add("<html> has no lang")
			}
		case "title":
			if t := strings.TrimSpace(textOf(n)); t == "" || t == "handover" || strings.HasPrefix(t, "·") {
				add("the title %q does not say where the page is", t)
			}
		case "h1", "h2", "h3", "h4", "h5", "h6":
			l := int(n.Data[1] - '0')
			if l == 1 {
				h1s++
			}
			if l > level+1 {
				add("heading %q is an h%d after an h%d", strings.TrimSpace(textOf(n)), l, level)
			}
			level = l
		case "main":
			mains = append(mains, n)
		case "input", "select", "textarea":
			if typ := attr(n, "type"); typ == "hidden" || typ == "submit" || typ == "button" {
				continue
			}
			id := attr(n, "id")
			if !(id != "" && labelled[id]) && attr(n, "aria-label") == "" && attr(n, "aria-labelledby") == "" && !within(n, "label") {
				add("the field %s (name %q) has no label", n.Data, attr(n, "name"))
			}
			// A form that changes something marks the fields it can go without (WCAG 3.3.2): an
			// empty one that is not required says "optional" in its label, so that a sighted person,
			// not only a screen reader reading the required state, knows what must be filled in.
			// Left as they are: choices (a select always shows one; boxes ticked or not), fields
			// drawn with a value, the filters of a search, and a new due time, given as "due in" or
			// "due at", one of the two.
			if typ := attr(n, "type"); n.Data != "select" && typ != "checkbox" && typ != "radio" && attr(n, "value") == "" &&
				textOf(n) == "" && !hasAttr(n, "required") && postForm(n) && attr(n, "name") != "due_in" &&
				!strings.HasSuffix(attr(n, "name"), "_at_local") && !strings.Contains(labels[id], "optional") {
				add("the field %s (name %q) is not required and its label %q does not say it is optional", n.Data, attr(n, "name"), strings.Join(strings.Fields(labels[id]), " "))
			}
		case "a", "button", "summary":
			if n.Data == "a" && attr(n, "href") == "" {
				continue
			}
			if strings.TrimSpace(textOf(n)) == "" && attr(n, "aria-label") == "" && attr(n, "aria-labelledby") == "" {
				add("a %s (%s) has no name", n.Data, attr(n, "href"))
			}
		case "th":
			if s := attr(n, "scope"); s != "col" && s != "row" {
				add("the table header %q has no scope", strings.TrimSpace(textOf(n)))
			}
		}
		for _, a := range []string{"for", "aria-describedby", "aria-labelledby", "aria-controls"} {
			for _, ref := range strings.Fields(attr(n, a)) {
				if ids[ref] == 0 {
					add("%s %q of a %s names no element", a, ref, n.Data)
				}
			}
		}
	}
	// A table whose rows are named by row headers names each of its rows (a row of totals or of
	// defaults too), so that a screen reader says which row a cell is in.
	for _, tbody := range all {
		if tbody.Data != "tbody" {
			continue
		}
		var rows, named int
		for tr := tbody.FirstChild; tr != nil; tr = tr.NextSibling {
			if tr.Type != html.ElementNode || tr.Data != "tr" {
				continue
			}
			cells := 0
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "th" || c.Data == "td") {
					cells++
					if cells == 1 && c.Data == "th" && attr(c, "scope") == "row" {
						named++
					}
				}
			}
			if cells > 1 {
				rows++
			}
		}
		if named > 0 && named < rows {
			add("%d of the %d rows of a table have no row header", rows-named, rows)
		}
	}
	if h1s != 1 {
		add("%d h1 headings, not one", h1s)
	}
	if len(mains) != 1 || attr(mains[0], "id") != "main" {
		add("not one <main id=\"main\">")
	}

	// The body: a skip link to the main content first, then only landmarks (scripts aside).
	body := find(doc, "body")
	if body == nil {
		return append(problems, "no <body>")
	}
	first := true
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" || c.Type == html.CommentNode {
			continue
		}
		if c.Type != html.ElementNode {
			add("text %q outside the landmarks", strings.TrimSpace(c.Data))
			continue
		}
		if first {
			first = false
			if c.Data != "a" || attr(c, "href") != "#main" {
				add("the page does not start with a link to its main content")
			}
			continue
		}
		if !landmark(c) && c.Data != "script" {
			add("<%s class=%q> is outside the landmarks", c.Data, attr(c, "class"))
		}
	}
	return problems
}

// hasAttr reports whether n has the attribute, whatever its value (a boolean one has none).
func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

// postForm reports whether n is in a form that is posted: one that changes something.
func postForm(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "form" {
			return strings.EqualFold(attr(p, "method"), "post")
		}
	}
	return false
}

// landmark reports whether n is a landmark a screen reader lists: a page's header and main, a
// navigation, or a region or form named for it.
func landmark(n *html.Node) bool {
	switch role := attr(n, "role"); {
	case n.Data == "header", n.Data == "main", n.Data == "nav", n.Data == "footer", n.Data == "aside",
		role == "banner", role == "main", role == "navigation", role == "contentinfo", role == "search":
		return true
	case n.Data == "section" || n.Data == "form" || role == "region":
		return attr(n, "aria-label") != "" || attr(n, "aria-labelledby") != ""
	}
	return false
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func within(n *html.Node, tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return true
		}
	}
	return false
}

func find(n *html.Node, tag string) *html.Node {
	if n.Type == html.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

// Every page, as each kind of person sees it, keeps the structural rules of a11yProblems: a page
// added later is to be added here too.
func TestPagesKeepTheStructuralRules(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	ctx := context.Background()
	u.addAdmin()
	var policy map[string]any
	require.Equal(t, http.StatusOK, u.send("root", http.MethodPut, "/api/v1/policies/billing",
		map[string]any{"accept_within": "20m", "required_fields": []string{"amount"}}, &policy))
	u.put("own", "desk", "assigned", "ann", 2, -time.Hour) // overdue, on the board and in the inbox
	u.put("wait", "desk", "handover_pending", "ann", 2, time.Hour)
	u.put("esc", "desk", "escalated", "ann", 1, 2*time.Hour)
	// Action pages, whose IDs are UUIDs: one in each state a page draws differently.
	action := func(n int, status, owner string, handovers ...models.Handover) string {
		id := fmt.Sprintf("0b6f4f52-5a5e-4b8a-9d0e-%012d", n)
		a := models.Action{
			ID: id, Title: fmt.Sprintf("Page %d (%s)", n, status), Details: "Guest in room 412", Category: "request",
			Priority: "high", Status: status, OwnerID: owner, TeamID: "desk", CustomerRef: "C-1", DueAt: u.now.Add(time.Hour),
			CreatedBy: "ann", CreatedAt: u.now.Add(-time.Hour), UpdatedAt: u.now, Version: 3, Handovers: handovers,
		}
		for _, h := range handovers {
			if h.Status == "pending" {
				a.PendingHandoverID = h.ID
			}
		}
		events := []models.ActionEvent{{Seq: 1, Type: "created", ActorID: "ann", Cause: "request", At: u.now.Add(-time.Hour), Data: `{}`}}
		require.NoError(t, u.store.ApplyProjection(ctx, a, events))
		return "/actions/" + id
	}
	handover := func(id, from, to, status string) models.Handover {
		return models.Handover{ID: id, FromID: from, ToID: to, Reason: "shift ends", Method: "written", Situation: "busy",
			Summary: "what is promised", Status: status, RequestedAt: u.now.Add(-30 * time.Minute)}
	}
	assigned := action(1, "assigned", "ann")
	pending := action(2, "handover_pending", "ann", handover("0b6f4f52-0000-4b8a-9d0e-000000000002", "ann", "ben", "pending"))
	accepted := action(3, "assigned", "ben", handover("0b6f4f52-0000-4b8a-9d0e-000000000003", "ann", "ben", "accepted"))
	checking := action(4, "checking", "ann")
	escalated := action(5, "escalated", "ann")
	unassigned := action(6, "unassigned", "")

	pages := []struct{ who, path string }{
		{"ann", "/inbox"}, {"ann", "/actions/new"}, {"ann", "/find"}, {"ann", "/find?q=Page&state=any"},
		{"ann", assigned}, {"ann", pending}, {"ann", checking},
		{"ben", "/inbox"}, {"ben", pending}, {"ben", accepted}, {"ben", unassigned},
		{"sue", "/inbox"}, {"sue", "/board"}, {"sue", escalated}, {"sue", checking}, {"sue", assigned},
		{"max", "/manager"}, {"max", "/manager?days=7&team=desk"}, {"max", "/board?team=desk"}, {"max", "/actions/new"},
		{"root", "/admin"}, {"root", "/admin/policies"}, {"root", "/admin/audit"},
		{"root", "/admin/audit?subject_type=staff&subject=ann"}, {"root", "/admin/teams/desk/calendar"},
		{"ann", "/actions/0b6f4f52-5a5e-4b8a-9d0e-999999999999"},
	}
	var problems []string
	for _, p := range pages {
		status, page := u.get(p.who, p.path)
		if strings.HasSuffix(p.path, "999999999999") {
			require.Equal(t, http.StatusNotFound, status)
		} else {
			require.Equal(t, http.StatusOK, status, "%s %s", p.who, p.path)
		}
		for _, problem := range a11yProblems(page) {
			problems = append(problems, p.who+" "+p.path+": "+problem)
		}
	}
	require.Empty(t, problems)
	resp, err := http.Get(u.srv.URL + "/signin")
	require.NoError(t, err)
	signin, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Empty(t, a11yProblems(string(signin)), "the sign-in page")
}

// The checker itself finds what it is for.
func TestA11yProblemsFindsBreaches(t *testing.T) {
	t.Parallel()
	good := `<!doctype html><html lang="en"><head><title>Inbox · handover</title></head><body>` +
		`<a href="#main">Skip</a><header><nav aria-label="Main"><a href="/inbox">Inbox</a></nav></header>` +
		`<main id="main"><h1>Inbox</h1><label for="f">F</label><input id="f" aria-describedby="h"><small id="h">hint</small>` +
		`<table><tr><th scope="col">A</th></tr></table></main></body></html>`
	require.Empty(t, a11yProblems(good))
	for _, marked := range []string{`<input id="f" required aria-describedby="h">`, `<input id="f" value="4h" aria-describedby="h">`} {
		posted := strings.Replace(good, `<label for="f">F</label><input id="f" aria-describedby="h">`,
			`<form method="post"><label for="f">F</label>`+marked+`</form>`, 1)
		require.Empty(t, a11yProblems(posted), "a required field, or one drawn with a value, in a posted form")
	}
	require.Empty(t, a11yProblems(strings.Replace(good, `<label for="f">F</label><input id="f" aria-describedby="h">`,
		`<form method="post"><label for="f">F (optional)</label><input id="f" aria-describedby="h"></form>`, 1)), "marked optional")
	for breach, page := range map[string]string{
		"no lang":        strings.Replace(good, ` lang="en"`, "", 1),
		"two h1":         strings.Replace(good, `<h1>Inbox</h1>`, `<h1>Inbox</h1><h1>Again</h1>`, 1),
		"skipped level":  strings.Replace(good, `<h1>Inbox</h1>`, `<h1>Inbox</h1><h3>Deep</h3>`, 1),
		"no label":       strings.Replace(good, `<label for="f">F</label>`, "", 1),
		"no scope":       strings.Replace(good, ` scope="col"`, "", 1),
		"dangling hint":  strings.Replace(good, `<small id="h">hint</small>`, "", 1),
		"no skip link":   strings.Replace(good, `<a href="#main">Skip</a>`, "", 1),
		"outside":        strings.Replace(good, `<main id="main">`, `<div class="live-bar"><button>Pause</button></div><main id="main">`, 1),
		"empty button":   strings.Replace(good, `<h1>Inbox</h1>`, `<h1>Inbox</h1><button aria-describedby="h"></button>`, 1),
		"bare title":     strings.Replace(good, `Inbox · handover`, ` · handover`, 1),
		"unnamed row":    strings.Replace(good, `</table>`, `<tbody><tr><th scope="row">a</th><td>1</td></tr><tr><td>b</td><td>2</td></tr></tbody></table>`, 1),
		"duplicated ids": strings.Replace(good, `<small id="h">`, `<small id="f">x</small><small id="h">`, 1),
		"unmarked optional field": strings.Replace(good, `<label for="f">F</label><input id="f" aria-describedby="h">`,
			`<form method="post"><label for="f">F</label><input id="f" aria-describedby="h"></form>`, 1),
	} {
		require.NotEmpty(t, a11yProblems(page), breach)
	}
}

// A field the API refuses is marked where it is, whichever field it is: its error follows it,
// tied to it by aria-invalid and aria-describedby (with or without JavaScript; app.js then links
// the refusal to it), and the fields the API bounds say so to the browser first (maxlength).
func TestRefusedFieldsAreMarkedWhereTheyAre(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	errorAfter := func(page, field string) {
		t.Helper()
		m := regexp.MustCompile(`(?s)<(?:input|textarea) id="` + field + `"([^>]*)>[^<]*(?:</textarea>)?\s*<span class="field-error" id="(field-error-s\d+)">must be at most`).FindStringSubmatch(page)
		require.NotNil(t, m, "%s: its error follows it", field)
		require.Contains(t, m[1], `aria-invalid="true"`, field)
		require.Regexp(t, `aria-describedby="([^"]* )?`+m[2]+`"`, m[1], "%s is described by its error", field)
	}
	status, page := u.postForm("ann", "/actions", url.Values{
		"idem": {"a11y-1"}, "title": {"Late checkout"}, "customer_ref": {"C-1"}, "category": {"request"}, "priority": {"normal"},
		"due_in": {"4h"}, "required_authority": {"0"}, "team_id": {"desk"},
		"customer_name": {strings.Repeat("n", 201)}, "customer_contact": {strings.Repeat("c", 201)}, "details": {strings.Repeat("d", 10001)},
	})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	for _, field := range []string{"customer_name", "customer_contact", "details"} {
		errorAfter(page, field)
	}
	for field, most := range map[string]string{"customer_name": "200", "customer_ref": "100", "customer_contact": "200", "details": "10000"} {
		require.Regexp(t, `id="`+field+`"[^>]* maxlength="`+most+`"`, page, field)
	}

	id := "0b6f4f52-5a5e-4b8a-9d0e-00000000a11e"
	require.NoError(t, u.store.ApplyProjection(context.Background(), models.Action{
		ID: id, Title: "Refund", Category: "request", Priority: "normal", Status: "assigned", OwnerID: "ann", TeamID: "desk",
		CustomerRef: "C-1", DueAt: u.now.Add(time.Hour), CreatedBy: "ann", CreatedAt: u.now, UpdatedAt: u.now, Version: 1,
	}, nil))
	status, page = u.postForm("ann", "/actions/"+id+"/handover", url.Values{
		"idem": {"a11y-2"}, "to_id": {"ben"}, "reason": {"shift ends"}, "method": {"written"}, "situation": {"routine"},
		"notes_summary": {"refund promised"}, "customer_message": {strings.Repeat("m", 2001)},
	})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	errorAfter(page, "ho-message")
	require.Regexp(t, `id="ho-message"[^>]* maxlength="2000"`, page)
}

// A page's title says where it is, as a screen reader reads it first: whose board, what was
// searched and how much found, whose changes; and a form refused says so before it.
func TestTitlesSayWhereThePageIs(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.addAdmin()
	u.put("own", "desk", "assigned", "ann", 2, time.Hour)
	title := regexp.MustCompile(`<title>([^<]*)</title>`)
	for _, tc := range []struct{ who, path, want string }{
		// A team by its name, as the board's heading says it.
		{"max", "/board?team=kitchen", "Team board: Team kitchen · handover"},
		{"sue", "/board", "Team board: Team desk · handover"},
		// The review: of every team, or of the one shown.
		{"max", "/manager", "Manager: all teams · handover"},
		{"max", "/manager?team=desk", "Manager: handover review of Team desk · handover"},
		{"sue", "/manager", "Handover review of Team desk · handover"},
		{"ann", "/find?q=Action&state=any", "“Action”: 2 found · Find · handover"},
		{"ann", "/find", "Find · handover"},
		{"root", "/admin/audit?subject_type=staff&subject=ann", "Changes to Ann (ann) · handover"},
		// An error page says which kind of problem it is.
		{"ann", "/actions/0b6f4f52-5a5e-4b8a-9d0e-999999999999", "Not found · handover"},
		{"ann", "/admin", "Not allowed · handover"},
	} {
		_, page := u.get(tc.who, tc.path)
		m := title.FindStringSubmatch(page)
		require.NotNil(t, m, tc.path)
		require.Equal(t, tc.want, html.UnescapeString(m[1]), tc.path)
	}
	_, page := u.postForm("ann", "/actions", url.Values{"idem": {"a11y-t"}, "title": {"Late checkout"}, "customer_ref": {"C-1"},
		"category": {"request"}, "due_in": {"soon"}, "team_id": {"desk"}})
	require.Contains(t, page, "<title>Nothing changed: New action · handover</title>")
}

// Every duration field of the action page and the board says, in words beside it, what it takes:
// a placeholder alone is gone once someone types, and a screen reader may not read it.
func TestDurationFieldsSayWhatTheyTake(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	own, chk := uuid.NewString(), uuid.NewString()
	followUp := u.now.Add(-time.Minute)
	for _, a := range []models.Action{
		// Handed to ann by ben, whose follow-up has come.
		{ID: own, Status: "assigned", DueAt: u.now.Add(time.Hour), HanderID: "ben", FollowUpAt: &followUp},
		{ID: chk, Status: "checking", DueAt: u.now.Add(-time.Hour)},
	} {
		a.Title, a.Category, a.Priority, a.OwnerID, a.TeamID, a.CustomerRef = "Late checkout", "request", "normal", "ann", "desk", "C-1"
		a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.Version = "ann", u.now.Add(-time.Hour), u.now, 1
		require.NoError(t, u.store.ApplyProjection(context.Background(), a, nil))
	}

	durations := regexp.MustCompile(`<input id="([^"]+)" name="(?:due_in|again_in|follow_up_in|accept_within)"[^>]*>`)
	described := regexp.MustCompile(`aria-describedby="([^"]+)"`)
	seen := map[string]bool{}
	for _, view := range []struct{ who, path string }{
		{"ann", "/actions/" + own}, {"ben", "/actions/" + own}, {"sue", "/actions/" + own},
		{"ann", "/actions/" + chk}, {"sue", "/actions/" + chk}, {"sue", "/board"},
	} {
		status, page := u.get(view.who, view.path)
		require.Equal(t, http.StatusOK, status, "%s as %s: %s", view.path, view.who, page)
		for _, m := range durations.FindAllStringSubmatch(page, -1) {
			by := described.FindStringSubmatch(m[0])
			require.NotNil(t, by, "%s as %s: %s has no description", view.path, view.who, m[1])
			help := regexp.MustCompile(`id="` + regexp.QuoteMeta(by[1]) + `">([^<]*)`).FindStringSubmatch(page)
			require.NotNil(t, help, "%s as %s: %s is described by %s, which is not there", view.path, view.who, m[1], by[1])
			require.Regexp(t, `For example 30m, 2h, 48h|For example 15m or 2h|Counted from now`, help[1], m[1])
			seen[strings.TrimSuffix(strings.TrimSuffix(m[1], "-"+own), "-"+chk)] = true
		}
	}
	for _, id := range []string{"check-due", "fu-again", "ho-follow", "ho-within", "re-due", "ex-due"} {
		require.True(t, seen[id], "a page showed %s (seen: %v)", id, seen)
	}
}

// The customer's name and contact are not offered the agent's own details by the browser, and the
// lists of action cards, drawn without bullets, stay lists to screen readers that drop the role of
// a list without them.
func TestCustomerFieldsAndCardLists(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.put("own", "desk", "assigned", "ann", 1, time.Hour)
	status, page := u.get("ann", "/actions/new")
	require.Equal(t, http.StatusOK, status, page)
	for _, id := range []string{"customer_name", "customer_contact"} {
		require.Regexp(t, `<input id="`+id+`"[^>]* autocomplete="off"`, page)
	}
	status, page = u.get("ann", "/inbox")
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, `<ul class="cards" role="list">`)
	require.NotRegexp(t, `<ul class="cards"(?: [^r][^>]*)?>`, page, "every card list keeps its role")
}

// sameNameElsewhere lists the links, buttons, fields and summaries of a page's content that a
// screen reader names alike but that lead to different places or do different things (a link by
// its address, a button by its form's address, a field by its label in its form, a summary
// wherever it is), as a list of controls or of form fields read out of context shows them:
// "Reassign" five times, "1" for two teams' overdue actions, "Reason" on every card.
func sameNameElsewhere(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"not HTML: " + err.Error()}
	}
	targets := map[string]map[string]bool{}
	summaries := map[string]int{}
	var walk func(n *html.Node, form string)
	walk = func(n *html.Node, form string) {
		if n.Type == html.ElementNode {
			name := strings.Join(strings.Fields(textOf(n)), " ")
			switch n.Data {
			case "form":
				form = attr(n, "action")
			case "a", "button", "label":
				target := attr(n, "href")
				switch n.Data {
				case "button":
					target = form + " " + attr(n, "name") + "=" + attr(n, "value")
				case "label":
					target = form + " field " + attr(n, "for")
				}
				if targets[name] == nil {
					targets[name] = map[string]bool{}
				}
				targets[name][target] = true
			case "summary":
				summaries[name]++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, form)
		}
	}
	main := find(doc, "main")
	if main == nil {
		return []string{"no <main>"}
	}
	walk(main, "")
	var out []string
	for name, to := range targets {
		if len(to) > 1 {
			out = append(out, fmt.Sprintf("%q names %d controls", name, len(to)))
		}
	}
	for name, n := range summaries {
		if n > 1 {
			out = append(out, fmt.Sprintf("%q names %d panels", name, n))
		}
	}
	return out
}

// Controls repeated for each card, team or row say which one they are for, to a screen reader
// too: the board's commands name the card's action, the teams' links and panels the team, and the
// manager's counts what they count and in which team.
func TestRepeatedControlsSayWhatTheyAreFor(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.addAdmin()
	u.put("late", "desk", "assigned", "ann", 2, -time.Hour)
	u.put("esc", "desk", "escalated", "ann", 1, time.Hour)
	u.put("cold", "kitchen", "assigned", "kim", 1, -time.Hour)
	u.put("hot", "kitchen", "escalated", "kim", 1, time.Hour)
	for _, view := range []struct{ who, path, want string }{
		{"sue", "/board", `class="secondary">Reassign<span class="visually-hidden"> Action late-0000</span></button>`},
		{"root", "/admin", `>Opening hours<span class="visually-hidden"> of Team kitchen</span></a>`},
		{"root", "/admin", `<button type="submit">Rename Team kitchen</button>`},
		{"max", "/manager", `>1<span class="visually-hidden"> overdue in Team kitchen</span></a>`},
		{"ann", "/inbox", `<h1`},
		{"sue", "/inbox", `<h1`},
		{"sue", "/find?state=overdue", `<h1`},
	} {
		status, page := u.get(view.who, view.path)
		require.Equal(t, http.StatusOK, status, page)
		require.Contains(t, page, view.want, view.path)
		require.Empty(t, sameNameElsewhere(page), "%s as %s", view.path, view.who)
	}
	require.NotEmpty(t, sameNameElsewhere(`<main><form action="/a"><button>Go</button></form><form action="/b"><button>Go</button></form></main>`), "the checker finds what it is for")
}

// Only a page redrawn live has the live updates' region; the others keep their status line (a
// token copied says so) inside their content, with no empty landmark named for updates they never
// make.
func TestLiveRegionOnlyWhereThePageIsLive(t *testing.T) {
	t.Parallel()
	u := newUIScale(t)
	u.addAdmin()
	region := `<section class="live-bar" aria-label="Live updates"><div id="live-status"`
	for _, view := range []struct {
		who, path string
		live      bool
	}{
		{"ann", "/inbox", true}, {"sue", "/board", true}, {"max", "/manager", true},
		{"ann", "/actions/new", false}, {"ann", "/find", false}, {"root", "/admin", false},
		{"root", "/admin/policies", false}, {"root", "/admin/audit", false},
	} {
		status, page := u.get(view.who, view.path)
		require.Equal(t, http.StatusOK, status, page)
		if view.live {
			require.Contains(t, page, region, view.path)
			continue
		}
		require.NotContains(t, page, `aria-label="Live updates"`, view.path)
		require.Contains(t, page, "<main id=\"main\" tabindex=\"-1\">\n<div id=\"live-status\" class=\"live-status\" role=\"status\" aria-live=\"polite\"></div>", view.path)
	}
	resp, err := http.Get(u.srv.URL + "/signin")
	require.NoError(t, err)
	signin, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.NotContains(t, string(signin), `aria-label="Live updates"`, "the sign-in page")
}
