package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/calendar"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// The people page is an administrator's: teams and staff, and the tokens people sign in with.
// Like every page it only calls the JSON API, so its rules are the API's.

// uiAdminOnly keeps the administrators' pages to administrators (the API refuses their calls to
// anyone else too; this says so before any form is read).
func (s *server) uiAdminOnly(c *gin.Context) {
	if workflows.Role(principal(c).Role) != workflows.RoleAdmin {
		s.notSent(c, http.StatusForbidden, "Staff, teams, policies and opening hours are managed by administrators.")
		return
	}
	c.Next()
}

// adminForm names the form a people page was answered to, so a refusal opens that form again
// with what was typed and the reason.
type adminForm struct {
	Name    string // "team", "staff", "edit", "token", "revoke" or "policy"
	Key     string // which one: the person, team or category the form was for
	Values  url.Values
	Problem *apiResult
}

// formView is one form of the page: the values it shows (stored ones, or what was typed when it
// was refused), whether it is open, and the reasons of a refusal by field.
type formView struct {
	Values url.Values
	Open   bool
	Fields map[string]string
}

type teamRow struct {
	teamView
	Staff  int
	Rename formView
}

type staffRow struct {
	staffView
	Edit   formView
	Tokens formView
	// Live are the person's live tokens, by label (those of one label together, as one revocation
	// takes them all), each label with its own revocation.
	Live []liveLabel
}

// liveLabel is the live tokens of one label: how many, and when the first was issued.
type liveLabel struct {
	Label     string
	Count     int
	CreatedAt time.Time
}

// byLabel puts tokens of one label together, in the order of the first of each.
func byLabel(tokens []models.LiveToken) []liveLabel {
	var out []liveLabel
	for _, t := range tokens {
		if i := slices.IndexFunc(out, func(l liveLabel) bool { return l.Label == t.Label }); i >= 0 {
			out[i].Count++
			continue
		}
		out = append(out, liveLabel{Label: t.Label, Count: 1, CreatedAt: t.CreatedAt})
	}
	return out
}

// tokenNamed says which tokens a label picks: "labelled "front desk PC"", or "without a label".
func tokenNamed(label string) string {
	if label == "" {
		return "without a label"
	}
	return fmt.Sprintf("labelled “%s”", label)
}

// view is the form's values: typed ones if this form (name, id) was the one refused, else stored.
func (f adminForm) view(name, id string, stored url.Values) formView {
	if f.Name != name || f.Key != id || f.Problem == nil {
		return formView{Values: stored, Fields: map[string]string{}}
	}
	fields := f.Problem.fields()
	if id == "" && f.Problem.Status == http.StatusConflict && len(fields) == 0 {
		// A new person or team refused as a conflict is refused for its ID, taken already.
		fields["id"] = f.Problem.message()
	}
	if name == "edit" && f.Problem.Status == http.StatusConflict && len(fields) == 0 {
		// A change to a person refused while they have work: at the field changed, in the order
		// the API weighs them (workChange), not the form's first.
		for _, k := range []string{"active", "team_id", "role", "authority"} {
			typed, was := f.Values.Get(k), f.Values.Get("was_"+k)
			if k == "active" {
				typed, was = cmp.Or(typed, "false"), cmp.Or(was, "false") // a box left unticked sends nothing
			}
			if f.Values.Has("was_"+k) && typed != was {
				fields[k] = f.Problem.message()
				break
			}
		}
	}
	return formView{Values: f.Values, Open: true, Fields: fields}
}

func (s *server) uiAdmin(c *gin.Context) {
	s.adminPage(c, http.StatusOK, adminForm{}, s.takeIssued(c))
}

// adminWebhookRows is how many failing webhook deliveries the people page lists.
const adminWebhookRows = 10

// adminPage draws the people page; issued carries a token just issued, shown this once.
func (s *server) adminPage(c *gin.Context, status int, form adminForm, issued *tokenJSON) {
	teams, ok := s.readTeams(c)
	if !ok {
		return
	}
	// Every person, for each team's count and for the page that holds the one a form was about.
	everyone, res := s.staffDirectory(c, "")
	if !res.ok() {
		s.uiError(c, res.Status, res.message())
		return
	}
	teamRows := make([]teamRow, len(teams))
	for i, t := range teams {
		teamRows[i] = teamRow{teamView: t, Rename: form.view("team", t.ID, url.Values{"name": {t.Name}})}
		for _, st := range everyone {
			if st.TeamID == t.ID {
				teamRows[i].Staff++
			}
		}
	}
	// A page of the staff (of one team, when the page names it), the one holding the person a
	// form was about, if any: hundreds of people, each with their forms, made a page of megabytes.
	list := everyone
	if team := c.Query("team"); team != "" {
		list = slices.DeleteFunc(slices.Clone(list), func(st staffView) bool { return st.TeamID != team })
	}
	from, _ := strconv.Atoi(c.Query("from"))
	person := c.Query("person")
	if person == "" && form.Name != "team" && form.Name != "staff" {
		person = form.Key
	}
	if issued != nil {
		person = issued.StaffID
	}
	if i := slices.IndexFunc(list, func(st staffView) bool { return st.ID == person }); i >= 0 {
		from = i / peoplePage * peoplePage
	}
	from = max(min(from, len(list)), 0)
	page := list[from:min(from+peoplePage, len(list))]
	address := func(from int) string {
		q := url.Values{"from": {strconv.Itoa(from)}}
		if team := c.Query("team"); team != "" {
			q.Set("team", team)
		}
		return "/admin?" + q.Encode()
	}
	var earlier, later string
	if from > 0 {
		earlier = address(max(from-peoplePage, 0))
	}
	if from+len(page) < len(list) {
		later = address(from + len(page))
	}
	staffRows := make([]staffRow, len(page))
	for i, st := range page {
		stored := url.Values{
			"name": {st.Name}, "role": {st.Role}, "team_id": {st.TeamID},
			"authority": {strconv.Itoa(st.Authority)}, "on_shift": {strconv.FormatBool(st.OnShift)},
			"active": {strconv.FormatBool(st.Active)},
		}
		for _, k := range staffFields {
			stored["was_"+k] = stored[k] // what the page showed, so a save sends only what was changed
		}
		staffRows[i] = staffRow{staffView: st, Edit: form.view("edit", st.ID, stored), Tokens: form.view("token", st.ID, url.Values{})}
	}
	// The page's people's live tokens, in one read after the administrators' check (no API read
	// answers a page of people's).
	ids := make([]string, len(page))
	for i, st := range page {
		ids[i] = st.ID
	}
	live, err := s.Store.LiveTokensOf(c.Request.Context(), ids)
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "listing tokens", "error", err)
		s.uiError(c, http.StatusServiceUnavailable, "The people's tokens cannot be read just now. Try again in a moment.")
		return
	}
	for i := range staffRows {
		staffRows[i].Live = byLabel(live[staffRows[i].ID])
	}
	// The integration's failing deliveries, the oldest first: the administrator hears of them here,
	// not only from the CLI and the metrics.
	failing, err := s.Store.OldestUndeliveredWebhooks(c.Request.Context(), adminWebhookRows+1)
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "listing undelivered webhooks", "error", err)
		s.uiError(c, http.StatusServiceUnavailable, "The webhook deliveries cannot be read just now. Try again in a moment.")
		return
	}
	// A new person is an agent on shift, in the first team, unless the form says otherwise.
	newStaff := url.Values{"role": {"agent"}, "authority": {"1"}, "on_shift": {"true"}}
	if len(teams) > 0 {
		newStaff.Set("team_id", teams[0].ID)
	}
	data := gin.H{
		"Teams": teamRows, "Staff": staffRows, "Roles": models.StaffRoles, "Issued": issued,
		"StaffTotal": len(list), "StaffFrom": from, "Earlier": earlier, "Later": later, "TeamShown": c.Query("team"),
		"NewTeam":  form.view("team", "", url.Values{}),
		"NewStaff": form.view("staff", "", newStaff),
		"Idem":     pageIdem(c),
		"Webhooks": failing[:min(len(failing), adminWebhookRows)], "MoreWebhooks": len(failing) > adminWebhookRows,
	}
	if form.Problem != nil {
		data["Error"] = form.Problem.message()
	}
	s.render(c, status, "admin", data)
}

// adminAnswer redirects back to the people page after a change, or draws it again with the
// refused form open.
func (s *server) adminAnswer(c *gin.Context, res apiResult, form adminForm) {
	if !res.ok() {
		form.Problem = &res
		s.adminPage(c, res.Status, form, nil)
		return
	}
	done := "Saved."
	switch form.Name {
	case "revoke":
		var revoked struct {
			Revoked int     `json:"revoked"`
			Label   *string `json:"label"`
		}
		_ = res.decode(&revoked)
		done = fmt.Sprintf("%d token(s) of %s revoked: they are signed out everywhere.", revoked.Revoked, form.Key)
		if revoked.Label != nil {
			done = fmt.Sprintf("%d token(s) of %s %s revoked, and the sessions signed in with them; their other tokens work as before.",
				revoked.Revoked, form.Key, tokenNamed(*revoked.Label))
		}
	case "staff", "team":
		if form.Key == "" { // a new one; a team's Key is set when it is renamed
			done = "Added."
		}
	case "edit":
		if form.Values.Get("was_active") == "true" && form.Values.Get("active") != "true" { // its box left unticked
			done = fmt.Sprintf("Saved: %s is deactivated, their tokens are revoked and they are signed out everywhere (made active again, they need a new token).", form.Key)
		}
		// Off shift, the handovers waiting for them, which an administrator leaves as they are.
		var w waitingHandovers
		_ = res.decode(&w)
		done += w.said(false)
	}
	s.setDone(c, done)
	c.Redirect(http.StatusSeeOther, peopleOf(form))
}

// peoplePage is how many people the people page lists at once.
const peoplePage = 50

// peopleOf is the people page showing the person a form was about (its page of the staff), or
// its first page.
func peopleOf(form adminForm) string {
	person := form.Key
	if form.Name == "staff" {
		person = strings.TrimSpace(form.Values.Get("id"))
	}
	if form.Name == "team" || person == "" {
		return "/admin"
	}
	return "/admin?person=" + url.QueryEscape(person)
}

func (s *server) uiAdminTeam(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	var res apiResult
	if id := c.Param("id"); id != "" {
		res = s.call(c, http.MethodPatch, "/api/v1/teams/"+url.PathEscape(id), map[string]any{"name": f.Get("name")}, "")
	} else {
		res = s.call(c, http.MethodPost, "/api/v1/teams", map[string]any{"id": strings.TrimSpace(f.Get("id")), "name": f.Get("name")}, f.Get("idem"))
	}
	s.adminAnswer(c, res, adminForm{Name: "team", Key: c.Param("id"), Values: f})
}

// staffFields are the fields of a person's form.
var staffFields = []string{"name", "role", "team_id", "authority", "on_shift", "active"}

// staffBody is a person's form as the API's body; authority that is not a number is sent as
// text, so the API names the field.
func staffBody(f url.Values) map[string]any {
	body := map[string]any{
		"name": f.Get("name"), "role": f.Get("role"), "team_id": f.Get("team_id"),
		"on_shift": f.Get("on_shift") == "true",
	}
	body["authority"] = formNumber(f.Get("authority"))
	return body
}

// formNumber is a form's number field for a JSON body: a number, or the text as typed when it is
// not one, so that the API names the field.
func formNumber(v string) any {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		return n
	}
	return v
}

func (s *server) uiAdminStaff(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	body := staffBody(f)
	if id := c.Param("id"); id != "" {
		body["active"] = f.Get("active") == "true"
		// Only what the form changed: a field changed elsewhere since the page was drawn (the
		// person ending their shift, say) keeps its new value.
		for _, k := range staffFields {
			was, shown := f["was_"+k]
			if shown && len(was) == 1 && fmt.Sprint(body[k]) == was[0] {
				delete(body, k)
			}
		}
		res := s.call(c, http.MethodPatch, "/api/v1/staff/"+url.PathEscape(id), body, "")
		s.adminAnswer(c, res, adminForm{Name: "edit", Key: id, Values: f})
		return
	}
	body["id"] = strings.TrimSpace(f.Get("id"))
	res := s.call(c, http.MethodPost, "/api/v1/staff", body, f.Get("idem"))
	s.adminAnswer(c, res, adminForm{Name: "staff", Values: f})
}

// uiAdminToken issues a token and sends the browser to the people page, which shows it once.
func (s *server) uiAdminToken(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	id := c.Param("id")
	res := s.call(c, http.MethodPost, "/api/v1/staff/"+url.PathEscape(id)+"/tokens", map[string]any{"label": f.Get("label")}, "")
	if !res.ok() {
		s.adminAnswer(c, res, adminForm{Name: "token", Key: id, Values: f})
		return
	}
	// Shown by the page the browser is sent to, once: reloading that page issues nothing more.
	// The browser keeps it sealed for this session: another one (the next administrator at a
	// shared desk, within the two minutes) cannot read it, nor can whoever reads the cookie store.
	if sealed, ok := s.sealForSession(c, res.Body); ok {
		s.setOnce(c, issuedCookie, "/admin", sealed, issuedTTL)
	}
	c.Redirect(http.StatusSeeOther, peopleOf(adminForm{Name: "token", Key: id}))
}

// sealForSession seals a value for the session that asked for it; without the encryption keys
// (a router alone) there is nothing to seal it with, and it is not kept.
func (s *server) sealForSession(c *gin.Context, value []byte) ([]byte, bool) {
	session, err := c.Cookie(sessionCookie)
	if err != nil || s.Codec == nil {
		return nil, false
	}
	keyID, sealed := s.Codec.Seal(value, []byte("once\x00"+session))
	return append([]byte(keyID+"\x00"), sealed...), true
}

// openForSession opens what sealForSession sealed for this same session.
func (s *server) openForSession(c *gin.Context, kept []byte) ([]byte, bool) {
	session, err := c.Cookie(sessionCookie)
	keyID, sealed, found := bytes.Cut(kept, []byte{0})
	if err != nil || !found || s.Codec == nil {
		return nil, false
	}
	value, err := s.Codec.Open(string(keyID), sealed, []byte("once\x00"+session))
	return value, err == nil
}

const (
	// issuedCookie carries a token just issued from the form to the people page, which shows it.
	issuedCookie = "handover_issued"
	issuedTTL    = 120 // seconds
)

// takeIssued reads the token just issued, if any, and forgets it: it is shown once.
func (s *server) takeIssued(c *gin.Context) *tokenJSON {
	kept, ok := s.takeOnce(c, issuedCookie, "/admin")
	var body []byte
	if ok {
		body, ok = s.openForSession(c, kept)
	}
	var issued tokenJSON
	if !ok || json.Unmarshal(body, &issued) != nil || issued.Token == "" {
		return nil
	}
	return &issued
}

func (s *server) uiAdminRevoke(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	id := c.Param("id")
	path := "/api/v1/staff/" + url.PathEscape(id) + "/tokens"
	if f.Get("by_label") == "true" {
		// One label's tokens (the list's own button), not every one.
		path += "?" + url.Values{"label": {f.Get("label")}}.Encode()
	}
	res := s.call(c, http.MethodDelete, path, nil, "")
	s.adminAnswer(c, res, adminForm{Name: "revoke", Key: id})
}

// postForm reads a posted form; a form that cannot be read is answered here.
func (s *server) postForm(c *gin.Context) (url.Values, bool) {
	if err := c.Request.ParseForm(); err != nil {
		s.notSent(c, http.StatusBadRequest, "The form could not be read.")
		return nil, false
	}
	return c.Request.PostForm, true
}

// policyRow is one category's policy on the policies page, with its form.
type policyRow struct {
	policyJSON
	// Shown is the stored policy as the table shows it; Edit its form, as typed after a refusal.
	Shown url.Values
	Edit  formView
}

// policyValues is a policy as its form shows it: durations as short as they read ("1h", not
// "1h0m0s"), the required note fields separated by commas.
func policyValues(p policyJSON) url.Values {
	return url.Values{
		"category": {p.Category}, "accept_within": {shortDuration(p.AcceptWithin)},
		"check_within": {shortDuration(p.CheckWithin)}, "escalate_within": {shortDuration(p.EscalateWithin)},
		"assign_within": {shortDuration(p.AssignWithin)}, "follow_up_every": {shortDuration(p.FollowUpEvery)},
		"pause_remind_every": {shortDuration(p.PauseRemindEvery)},
		"clock":              {p.Clock}, "required_fields": {strings.Join(p.RequiredFields, ", ")},
	}
}

// shortDuration drops the zero minutes and seconds Go writes: "1h0m0s" is "1h", "30m0s" "30m".
func shortDuration(d string) string {
	if strings.HasSuffix(d, "m0s") {
		d = strings.TrimSuffix(d, "0s")
	}
	if strings.HasSuffix(d, "h0m") {
		d = strings.TrimSuffix(d, "0m")
	}
	return d
}

func (s *server) uiPolicies(c *gin.Context) {
	s.policiesPage(c, http.StatusOK, adminForm{})
}

// policiesPage shows every category's policy and the defaults, each with a form to change it.
func (s *server) policiesPage(c *gin.Context, status int, form adminForm) {
	var list struct {
		Items    []policyJSON `json:"items"`
		Defaults policyJSON   `json:"defaults"`
	}
	if !s.read(c, "/api/v1/policies", &list, "The policies") {
		return
	}
	rows := make([]policyRow, len(list.Items))
	for i, p := range list.Items {
		rows[i] = policyRow{policyJSON: p, Shown: policyValues(p), Edit: form.view("policy", p.Category, policyValues(p))}
	}
	defaults := policyValues(list.Defaults)
	data := gin.H{
		"Policies": rows, "Defaults": policyRow{policyJSON: list.Defaults, Shown: defaults}, "New": form.view("policy", "", defaults),
		"Clocks": []string{workflows.ClockBusiness, workflows.Clock247},
	}
	if form.Problem != nil {
		data["Error"] = form.Problem.message()
	}
	s.render(c, status, "policies", data)
}

// uiSetPolicy sets a new version of a category's policy from its form (field key: "" for the
// form of a new category, else the category).
func (s *server) uiSetPolicy(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	category := strings.TrimSpace(f.Get("category"))
	form := adminForm{Name: "policy", Key: f.Get("key"), Values: f}
	refuse := func(status int, detail, message string) {
		form.Problem = &apiResult{Status: status, Problem: &problemBody{
			Detail: detail, Errors: []FieldError{{Field: "category", Message: message}},
		}}
		s.policiesPage(c, status, form)
	}
	switch {
	case category == "":
		refuse(http.StatusUnprocessableEntity, "Name the category.", "is required")
		return
	case !categoryPattern.MatchString(category):
		// The category is the API's path: checked here so that a "/" cannot make it another path.
		refuse(http.StatusUnprocessableEntity, "The category "+categoryRule+".", categoryRule)
		return
	case form.Key == "":
		// The form for a new category must not replace a policy set earlier with the defaults.
		var current policyJSON
		res := s.call(c, http.MethodGet, "/api/v1/policies/"+url.PathEscape(category), nil, "")
		if res.ok() && res.decode(&current) == nil && current.Version > 0 {
			refuse(http.StatusConflict, "The category "+category+" has a policy already: change it with its own form.", "has a policy already")
			return
		}
	}
	// Names are separated by commas only: "payment reference" stays one name, which the API
	// refuses, rather than becoming two.
	required := []string{}
	for _, name := range strings.Split(f.Get("required_fields"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			required = append(required, name)
		}
	}
	body := map[string]any{"clock": f.Get("clock"), "required_fields": required}
	for _, name := range policyDurations {
		body[name] = strings.TrimSpace(f.Get(name))
	}
	res := s.call(c, http.MethodPut, "/api/v1/policies/"+url.PathEscape(category), body, "")
	if !res.ok() {
		form.Problem = &res
		s.policiesPage(c, res.Status, form)
		return
	}
	var saved policyJSON
	if err := res.decode(&saved); err != nil {
		s.setDone(c, fmt.Sprintf("The %s policy is saved: new actions of it run under it, running ones keep theirs.", category))
	} else {
		s.setDone(c, policySaved(saved, f))
	}
	c.Redirect(http.StatusSeeOther, "/admin/policies")
}

func (s *server) uiRemovePolicy(c *gin.Context) {
	category := c.Param("category")
	s.uiRemove(c, "/api/v1/policies/"+url.PathEscape(category), "/admin/policies",
		fmt.Sprintf("The %s policy is removed: it is no longer offered, and new actions of the category run on the defaults.", category))
}

// uiRemove sends an administrator's removal form as the API's DELETE of apiPath, and goes back to
// the page it came from saying done; a refusal is drawn as a page.
func (s *server) uiRemove(c *gin.Context, apiPath, back, done string) {
	if _, ok := s.postForm(c); !ok {
		return
	}
	res := s.call(c, http.MethodDelete, apiPath, nil, "")
	if !res.ok() {
		s.uiError(c, res.Status, res.message())
		return
	}
	s.setDone(c, done)
	c.Redirect(http.StatusSeeOther, back)
}

// policyDurations are the durations of a policy's form, in its order.
var policyDurations = []string{"accept_within", "check_within", "escalate_within", "assign_within", "follow_up_every", "pause_remind_every"}

// policyDurationWords names a policy's duration as its field is labelled: "accept within", "remind
// paused every" (fieldWords, as a refusal names it).
func policyDurationWords(name string) string { return cmp.Or(fieldWords[name], label(name)) }

// policySaved says what a policy form saved, naming the durations left empty that took the
// default, so that a field cleared by mistake does not go unnoticed.
func policySaved(p policyJSON, f url.Values) string {
	shown := policyValues(p)
	var parts []string
	for _, name := range policyDurations {
		part := policyDurationWords(name) + " " + shown.Get(name)
		if strings.TrimSpace(f.Get(name)) == "" {
			part += " (left empty: the default)"
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf("The %s policy is saved as version %d: %s. New actions of it run under it; running ones keep theirs.",
		p.Category, p.Version, strings.Join(parts, ", "))
}

// calendarLines writes a calendar's opening periods one per line, as its form takes them:
// "mon 08:00-18:00".
func calendarLines(hours []calendar.Hours) string {
	lines := make([]string, len(hours))
	for i, h := range hours {
		lines[i] = h.Day + " " + h.Open + "-" + h.Close
	}
	return strings.Join(lines, "\n")
}

// parseHoursLines reads the opening periods of a calendar form, one per line ("mon 08:00-18:00";
// blank lines skipped). Each part goes to the API as written, which judges it; lines[i] is the
// form's line number of period i, so the API's reasons can name lines.
func parseHoursLines(text string) (hours []map[string]string, lines []int) {
	hours = []map[string]string{}
	for n, line := range strings.Split(text, "\n") {
		parts := strings.FieldsFunc(line, func(r rune) bool { return r == '-' || unicode.IsSpace(r) })
		if len(parts) == 0 {
			continue
		}
		// "mon 08:00-12:00 13:00-18:00": a day, then one or more periods, each its open and close
		// (one left without its close is refused by the API, naming the line).
		day, times := strings.ToLower(parts[0]), parts[1:]
		if len(times) == 0 {
			times = []string{""}
		}
		for i := 0; i < len(times); i += 2 {
			open, close := times[i], ""
			if i+1 < len(times) {
				close = times[i+1]
			}
			hours = append(hours, map[string]string{"day": day, "open": open, "close": close})
			lines = append(lines, n+1)
		}
	}
	return hours, lines
}

var hoursField = regexp.MustCompile(`^hours\[(\d+)\]\.?(.*)$`)

// calendarProblems are the API's reasons for a refused calendar by form field: those about one
// opening period name its line.
func calendarProblems(res apiResult, lines []int, holidays []string) map[string]string {
	out := map[string]string{}
	if res.Problem == nil {
		return out
	}
	add := func(field, msg string) {
		if out[field] != "" {
			msg = out[field] + "; " + msg
		}
		out[field] = msg
	}
	for _, f := range res.Problem.Errors {
		m := hoursField.FindStringSubmatch(f.Field)
		switch {
		case m != nil:
			i, _ := strconv.Atoi(m[1])
			where := "a line"
			if i < len(lines) {
				where = "line " + strconv.Itoa(lines[i])
			}
			add("hours", strings.TrimSpace(where+": "+m[2]+" "+f.Message))
		case strings.HasPrefix(f.Field, "holidays"):
			// The API names the date by its place in the list; the form shows it as typed.
			var i int
			if _, err := fmt.Sscanf(f.Field, "holidays[%d]", &i); err == nil && i < len(holidays) {
				add("holidays", holidays[i]+": "+f.Message)
			} else {
				add("holidays", f.Message)
			}
		default:
			add(f.Field, f.Message)
		}
	}
	return out
}

func (s *server) uiCalendar(c *gin.Context) {
	s.calendarPage(c, http.StatusOK, nil, nil)
}

// calendarPage shows a team's opening hours and holidays in a form; after a refusal, the form as
// typed (form) with the reasons (problems).
func (s *server) calendarPage(c *gin.Context, status int, form url.Values, problems map[string]string) {
	team := c.Param("id")
	var cal calendarJSON
	if !s.read(c, "/api/v1/teams/"+url.PathEscape(team)+"/calendar", &cal, "The calendar") {
		return
	}
	if form == nil {
		form = url.Values{"time_zone": {cal.TimeZone}, "hours": {calendarLines(cal.Hours)}, "holidays": {strings.Join(cal.Holidays, "\n")}}
		if cal.AroundTheClock {
			form.Set("hours", "mon 09:00-17:00\ntue 09:00-17:00\nwed 09:00-17:00\nthu 09:00-17:00\nfri 09:00-17:00")
		}
	}
	// The team by its name: the calendar's read answered 404 for one that does not exist.
	teams, ok := s.readTeams(c)
	if !ok {
		return
	}
	name := team
	if i := slices.IndexFunc(teams, func(t teamView) bool { return t.ID == team }); i >= 0 {
		name = teams[i].Name
	}
	data := gin.H{"Team": team, "TeamName": name, "Calendar": cal, "Form": form, "Fields": problems}
	if problems == nil {
		data["Fields"] = map[string]string{}
	} else {
		data["Error"] = "the opening hours were not saved: see the reasons beside the fields."
	}
	s.render(c, status, "calendar", data)
}

func (s *server) uiRemoveCalendar(c *gin.Context) {
	path := "/teams/" + url.PathEscape(c.Param("id")) + "/calendar"
	s.uiRemove(c, "/api/v1"+path, "/admin"+path, "Calendar removed: new actions of the team count their deadlines around the clock.")
}

func (s *server) uiSetCalendar(c *gin.Context) {
	f, ok := s.postForm(c)
	if !ok {
		return
	}
	hours, lines := parseHoursLines(f.Get("hours"))
	holidays := strings.FieldsFunc(f.Get("holidays"), func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	body := map[string]any{
		"time_zone": strings.TrimSpace(f.Get("time_zone")), "hours": hours,
		"holidays": holidays,
	}
	team := c.Param("id")
	res := s.call(c, http.MethodPut, "/api/v1/teams/"+url.PathEscape(team)+"/calendar", body, "")
	if !res.ok() {
		if res.Status != http.StatusUnprocessableEntity {
			s.uiError(c, res.Status, res.message())
			return
		}
		problems := calendarProblems(res, lines, holidays)
		s.calendarPage(c, res.Status, f, problems)
		return
	}
	s.setDone(c, "Opening hours saved: new actions of the team count business time on them.")
	c.Redirect(http.StatusSeeOther, "/admin/teams/"+url.PathEscape(team)+"/calendar")
}
