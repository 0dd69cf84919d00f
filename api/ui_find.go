package api

import (
	"bytes"
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/workflows"
)

// findPage is how many actions the find page lists at once.
const findPage = 25

// findState is a choice of the find page's status: the statuses it lists (nil: all), and a filter
// of the list (overdue=true, escalated=true, paused=true), which lists every such action in scope even without
// words to find.
type findState struct {
	Value, Label string
	Statuses     []workflows.Status
	Filter       string
}

// findStates are the find page's choices of status, the default first.
var findStates = []findState{
	{"open", "Open", workflows.OpenStatuses(), ""},
	{"overdue", "Overdue", nil, "overdue"},
	{"escalated", "Escalated", workflows.OpenStatuses(), "escalated"},
	{"paused", "Paused", workflows.OpenStatuses(), "paused"},
	{"completed", "Completed", []workflows.Status{workflows.StatusCompleted}, ""},
	{"cancelled", "Cancelled", []workflows.Status{workflows.StatusCancelled}, ""},
	{"any", "Any", nil, ""},
}

// uiFind draws the find page: the actions in the person's scope whose title, details or customer
// reference hold the words typed (GET /actions?q=), newest first, a page at a time; or, a status
// chosen without words, every such action in scope (a manager's: every team's).
func (s *server) uiFind(c *gin.Context) {
	asked := askedFind(c)
	text, chosen, team := asked.text, asked.chosen, asked.team
	state := chosen.Value
	data := gin.H{"Q": text, "Customer": asked.customer, "State": state, "StateLabel": chosen.Label, "States": findStates, "Team": team}
	if asked.unknown {
		values := make([]string, len(findStates))
		for i, st := range findStates {
			values[i] = st.Value
		}
		data["Error"] = "state: must be one of " + strings.Join(values, ", ") + " (once)"
		s.render(c, http.StatusUnprocessableEntity, "find", data)
		return
	}
	if !asked.anything() {
		s.render(c, http.StatusOK, "find", data)
		return
	}
	q := asked.api()
	q.Set("limit", strconv.Itoa(findPage))
	if team != "" {
		data["TeamName"] = s.namedTeam(c, team)
	}
	data["Export"] = "/find.csv?" + asked.page().Encode()
	if cur := c.Query("cursor"); cur != "" {
		q.Set("cursor", cur)
	}
	res := s.call(c, http.MethodGet, "/api/v1/actions?"+q.Encode(), nil, "")
	if res.Status == http.StatusUnprocessableEntity {
		data["Error"] = res.message()
		s.render(c, http.StatusUnprocessableEntity, "find", data)
		return
	}
	if !res.ok() {
		s.uiError(c, res.Status, res.message())
		return
	}
	var page struct {
		Items      []actionJSON `json:"items"`
		NextCursor *string      `json:"next_cursor"`
	}
	if err := res.decode(&page); err != nil {
		s.uiError(c, http.StatusInternalServerError, "The actions could not be read.")
		return
	}
	rows := s.rows(page.Items)
	if seesAllTeams(principal(c)) && team == "" {
		// Found across teams: each card says whose it is.
		teams, ok := s.readTeams(c)
		if !ok {
			return
		}
		names := map[string]string{}
		for _, t := range teams {
			names[t.ID] = cmp.Or(t.Name, t.ID)
		}
		for i := range rows {
			rows[i].TeamName = cmp.Or(names[rows[i].TeamID], rows[i].TeamID)
		}
	}
	data["Searched"], data["Rows"] = true, rows
	if page.NextCursor != nil {
		more := asked.page()
		more.Set("cursor", *page.NextCursor)
		data["More"] = "/find?" + more.Encode()
	}
	if c.Query("cursor") != "" {
		// A later page: its count is of this page alone, and the way back is to the first.
		data["Earlier"], data["First"] = true, "/find?"+asked.page().Encode()
	}
	s.render(c, http.StatusOK, "find", data)
}

// findAsked is what the find page was asked: the words, the status chosen and a team.
type findAsked struct {
	text string
	// customer is the customer's name, phone number or email looked for (GET /actions?customer=).
	customer string
	chosen   findState
	// stated is true when a status was chosen (the form always sends one): without words, every
	// action of that status in scope is listed. The page opened bare lists nothing yet.
	stated bool
	team   string // one team's, from the manager view's counts; the API checks the scope
	// twice are the words or teams given more than once, passed on as they are for the API to
	// refuse, not one of them taken in silence.
	twice url.Values
	// unknown is a state the page does not list (or several), refused rather than taken for the
	// default.
	unknown bool
}

// askedFind reads what the find page (or its download) was asked; a status it does not know is
// the default, the first.
func askedFind(c *gin.Context) findAsked {
	i := slices.IndexFunc(findStates, func(st findState) bool { return st.Value == c.Query("state") })
	chosen := findStates[max(i, 0)]
	a := findAsked{text: strings.TrimSpace(c.Query("q")), customer: strings.TrimSpace(c.Query("customer")), chosen: chosen, stated: c.Query("state") != "", team: c.Query("team"), twice: url.Values{},
		unknown: (c.Query("state") != "" && i < 0) || len(c.QueryArray("state")) > 1}
	for page, api := range map[string]string{"q": "q", "customer": "customer", "team": "team_id"} {
		if all := c.QueryArray(page); len(all) > 1 {
			a.twice[api] = all
		}
	}
	return a
}

// anything says whether something was asked: words, a filter, or a status chosen.
func (a findAsked) anything() bool {
	return a.text != "" || a.customer != "" || a.chosen.Filter != "" || a.stated
}

// page is the find page's own parameters for what was asked (its links: the next page, the
// download).
func (a findAsked) page() url.Values {
	v := url.Values{"state": {a.chosen.Value}}
	if a.text != "" {
		v.Set("q", a.text)
	}
	if a.customer != "" {
		v.Set("customer", a.customer)
	}
	if a.team != "" {
		v.Set("team", a.team)
	}
	return v
}

// api is the API's filters for what was asked.
func (a findAsked) api() url.Values {
	q := url.Values{}
	if a.text != "" {
		q.Set("q", a.text)
	}
	if a.customer != "" {
		q.Set("customer", a.customer)
	}
	if a.chosen.Filter != "" {
		q.Set(a.chosen.Filter, "true")
	}
	if a.team != "" {
		q.Set("team_id", a.team)
	}
	for _, status := range a.chosen.Statuses {
		q.Add("status", string(status))
	}
	for k, v := range a.twice {
		q[k] = v
	}
	return q
}

// uiFindExport downloads what the find page lists, every one of them, as CSV (GET
// /actions.csv): for a spreadsheet. A refusal is drawn as a page, as the find page's are.
func (s *server) uiFindExport(c *gin.Context) {
	asked := askedFind(c)
	if asked.unknown {
		s.uiError(c, http.StatusUnprocessableEntity, "Choose one of the find page's statuses before downloading the list.")
		return
	}
	if !asked.anything() {
		s.uiError(c, http.StatusUnprocessableEntity, "Say what to find, or choose a status, before downloading the list.")
		return
	}
	w := &streamOrRefusal{w: c.Writer, header: http.Header{}}
	if err := s.forward(c, "/api/v1/actions.csv?"+asked.api().Encode(), w); err != nil {
		s.uiError(c, http.StatusInternalServerError, "The list could not be downloaded.")
		return
	}
	if w.status != http.StatusOK {
		s.uiError(c, w.status, apiAnswer(w.status, w.refusal.Bytes(), w.header).message())
	}
}

// streamOrRefusal passes a 200 answer on to the browser as it is written (an export may be long),
// and keeps any other for the page to draw.
type streamOrRefusal struct {
	w       gin.ResponseWriter
	header  http.Header
	status  int
	refusal bytes.Buffer
}

func (r *streamOrRefusal) Header() http.Header { return r.header }

func (r *streamOrRefusal) WriteHeader(status int) {
	if r.status != 0 {
		return
	}
	r.status = status
	if status == http.StatusOK {
		for k, v := range r.header {
			r.w.Header()[k] = v
		}
		r.w.WriteHeader(status)
	}
}

func (r *streamOrRefusal) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.status != http.StatusOK {
		return r.refusal.Write(b)
	}
	return r.w.Write(b)
}

func (r *streamOrRefusal) Flush() {
	if r.status == http.StatusOK {
		r.w.Flush()
	}
}
