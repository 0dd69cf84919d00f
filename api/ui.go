package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// DemoUser is a person of the demo team, offered on the sign-in page by name and role.
type DemoUser struct {
	ID, Name, Role string
}

// UIOptions configures the web UI served beside the JSON API.
type UIOptions struct {
	// DemoStaff are offered as one-click sign-ins (token demo-<id>); only `handover dev --demo`
	// sets it.
	DemoStaff []DemoUser
	// TemporalUIURL is the base URL of the Temporal Web UI; each action links to its workflow
	// there. Empty hides the links.
	TemporalUIURL string
	// Namespace is the Temporal namespace of the action workflows, for those links.
	Namespace string
	// SecureCookies marks the session cookie Secure: set it whenever the UI is served over TLS.
	SecureCookies bool
	// SessionTTL is how long a browser session lasts; 12 hours when zero.
	SessionTTL time.Duration
}

//go:embed ui/templates/*.html
var uiTemplates embed.FS

//go:embed ui/static
var uiStatic embed.FS

const (
	sessionCookie = "handover_session"
	signinCookie  = "handover_signin"
	csrfKey       = "csrf"
)

// trustedPrincipal carries a member of staff already authenticated by the UI's session into the
// JSON API handlers the UI calls in-process. A context value cannot come from the network.
type trustedPrincipal struct{}

type ui struct {
	opts   UIOptions
	pages  map[string]*template.Template
	engine *gin.Engine
	names  *staffNames
}

// whenLayout is how the pages show a time; whenYearLayout one in another year than now's (a
// deadline 22 months ahead read as one this year).
const (
	whenLayout     = "Mon 2 Jan 15:04 UTC"
	whenYearLayout = "Mon 2 Jan 2006 15:04 UTC"
)

// whenText shows t as the pages do, with its year when that is not now's.
func whenText(t, now time.Time) string { return formatWithYear(t, now, whenLayout, whenYearLayout) }

// formatWithYear formats t in UTC by layout, or by yearLayout when its year is not now's.
func formatWithYear(t, now time.Time, layout, yearLayout string) string {
	if t.UTC().Year() != now.UTC().Year() {
		layout = yearLayout
	}
	return t.UTC().Format(layout)
}

var uiFuncs = template.FuncMap{
	"iso":          func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"label":        label,
	"fieldLabel":   fieldLabel,
	"eventLabel":   eventLabel,
	"situation":    situationLabel,
	"hasCommand":   slices.Contains[[]string, string],
	"messageParts": messageParts,
	"randomIdem":   randomString,
	"list":         func(v ...string) []string { return v },
	"routeChoice":  func() string { return routeChoice },
	"hasPrefix":    strings.HasPrefix,
	"inc":          func(n int) int { return n + 1 },
	"add":          func(a, b int) int { return a + b },
	// dict passes several values to a template: dict "Key" value "Key2" value2.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict takes key and value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"percent": func(v *float64) string {
		if v == nil {
			return "none yet"
		}
		return percentText(*v)
	},
	"decimal": func(v *float64) string {
		if v == nil {
			return "none yet"
		}
		return fmt.Sprintf("%.1f", *v)
	},
	"hours":       hoursText,
	"contactHref": contactHref,
	// seconds says a report's span in seconds ("45s", "12m", "2h 5m"), or "none yet".
	"seconds": func(v *float64) string {
		if v == nil {
			return "none yet"
		}
		if *v > 0 && *v < .5 {
			return "under 1s" // a handover accepted in 50 ms read "0s", as if at once
		}
		// A review's times are compared: 62 h 20 m reads "2 days 14h", not "3 days".
		return heldText(time.Duration(*v * float64(time.Second)))
	},
	"canTake":  canTake,
	"canRoute": canRoute,
	"total": func(counts map[string]int) int {
		n := 0
		for _, c := range counts {
			n += c
		}
		return n
	},
}

// canTake says whether anyone of staff other than owner could be given an action needing
// authority need now (on shift, with the authority): a reassignment form where every choice is
// disabled is a dead end, said as such instead.
func canTake(staff []staffView, owner string, need int) bool {
	return slices.ContainsFunc(staff, func(st staffView) bool { return couldTake(st, owner, need) })
}

// canRoute says whether "whoever can take it now" has anyone to route to: routing picks among the
// agents who could take it (canTake's people, agents only).
func canRoute(staff []staffView, owner string, need int) bool {
	return slices.ContainsFunc(staff, func(st staffView) bool {
		return workflows.Role(st.Role) == workflows.RoleAgent && couldTake(st, owner, need)
	})
}

// couldTake says whether st, not the owner, could be given an action needing authority need now.
func couldTake(st staffView, owner string, need int) bool {
	return st.ID != owner && st.OnShift && st.Authority >= need
}

// newUI parses the page templates: each page is the layout with its own content.
// People are shown by name, from the directory in staff.
func newUI(opts UIOptions, staff *staffNames, now func() time.Time) (*ui, error) {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	names, err := fs.Glob(uiTemplates, "ui/templates/page_*.html")
	if err != nil {
		return nil, err
	}
	funcs := maps.Clone(uiFuncs)
	funcs["when"] = func(t time.Time) string { return whenText(t, now()) }
	funcs["who"] = staff.of
	funcs["teamName"] = staff.team
	funcs["offShift"] = staff.offShift
	funcs["shiftOf"] = shiftOf
	funcs["opensShift"] = opensShift
	funcs["eventText"] = func(e eventJSON) []eventPart { return eventText(e, staff.of) }
	funcs["causeText"] = func(e eventJSON) string { return causeText(e, staff.of) }
	funcs["auditActor"] = func(id string) string { return auditActor(id, staff.of) }
	u := &ui{opts: opts, pages: map[string]*template.Template{}, names: staff}
	for _, name := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(uiTemplates, "ui/templates/layout.html", "ui/templates/parts.html", name)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		u.pages[strings.TrimSuffix(strings.TrimPrefix(name, "ui/templates/page_"), ".html")] = t
	}
	return u, nil
}

// mountUI adds the web UI's routes to the engine.
func (s *server) mountUI(r *gin.Engine) {
	static, err := fs.Sub(uiStatic, "ui/static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	r.GET("/static/*path", func(c *gin.Context) {
		// Files only: a folder is not listed.
		name := strings.TrimPrefix(c.Param("path"), "/")
		if info, err := fs.Stat(static, name); err != nil || info.IsDir() {
			writeProblem(c, http.StatusNotFound, codeNotFound, "no such file", nil)
			return
		}
		c.Header("Cache-Control", "public, max-age=3600")
		// Each file is what its name says (a script, a style sheet), never sniffed as another kind.
		c.Header("X-Content-Type-Options", "nosniff")
		c.FileFromFS(c.Param("path"), http.FS(static))
	})
	pages := r.Group("/", s.uiHeaders, s.uiFormBodies)
	pages.GET("/", s.uiHome)
	pages.GET("/signin", s.uiSigninPage)
	pages.POST("/signin", s.uiSignin)

	p := pages.Group("/", s.uiSession, s.uiCSRF)
	p.POST("/signout", s.uiSignout)
	p.GET("/inbox", s.uiInbox)
	p.GET("/told", s.uiTold)
	p.GET("/actions/new", s.uiNewAction)
	p.POST("/actions", s.uiCreateAction)
	p.GET("/actions/:id", s.uiAction)
	p.POST("/actions/:id/:command", s.uiCommand)
	p.GET("/board", s.uiBoard)
	p.GET("/find", s.uiFind)
	p.GET("/find.csv", s.uiFindExport)
	p.POST("/shift-handovers", s.uiStartShift)
	p.POST("/my-shift", s.uiMyShift)
	p.POST("/staff/:id/shift", s.uiStaffShift)
	p.GET("/shift-handovers/:id", s.uiShift)
	p.GET("/manager", s.uiManager)
	admin := p.Group("/admin", s.uiAdminOnly)
	admin.GET("", s.uiAdmin)
	admin.POST("/teams", s.uiAdminTeam)
	admin.POST("/teams/:id", s.uiAdminTeam)
	admin.POST("/staff", s.uiAdminStaff)
	admin.POST("/staff/:id", s.uiAdminStaff)
	admin.POST("/staff/:id/tokens", s.uiAdminToken)
	admin.POST("/staff/:id/revoke", s.uiAdminRevoke)
	admin.GET("/policies", s.uiPolicies)
	admin.GET("/audit", s.uiAudit)
	admin.POST("/policies", s.uiSetPolicy)
	admin.POST("/policies/:category/remove", s.uiRemovePolicy)
	admin.GET("/teams/:id/calendar", s.uiCalendar)
	admin.POST("/teams/:id/calendar", s.uiSetCalendar)
	admin.POST("/teams/:id/calendar/remove", s.uiRemoveCalendar)
	p.GET(uiStreamPath, s.stream)
	// A page answered to a form keeps the form's address: reloading it, or opening it again,
	// goes back to where the form was rather than to a "method not allowed".
	back := func(to func(c *gin.Context) string) gin.HandlerFunc {
		return func(c *gin.Context) { c.Redirect(http.StatusSeeOther, to(c)) }
	}
	p.GET("/actions", back(func(*gin.Context) string { return "/actions/new" }))
	p.GET("/actions/:id/:command", back(func(c *gin.Context) string { return "/actions/" + url.PathEscape(c.Param("id")) }))
	p.GET("/shift-handovers", back(func(*gin.Context) string { return "/board" }))
	p.GET("/my-shift", back(func(*gin.Context) string { return "/inbox" }))
	p.GET("/staff/:id/shift", back(func(*gin.Context) string { return "/board" }))
	for _, form := range []string{"/admin/teams", "/admin/teams/:id", "/admin/staff", "/admin/staff/:id", "/admin/staff/:id/tokens", "/admin/staff/:id/revoke"} {
		p.GET(form, back(func(*gin.Context) string { return "/admin" }))
	}
}

// uiHeaders keeps pages out of frames and other sites' scripts out of pages.
func (s *server) uiHeaders(c *gin.Context) {
	setUIHeaders(c)
	c.Next()
}

// setUIHeaders sets the headers every page is sent with.
func setUIHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "same-origin")
	c.Header("Cache-Control", "no-store")
}

// uiSession resolves the session cookie to a member of staff, or sends the browser to sign in.
func (s *server) uiSession(c *gin.Context) {
	id, err := c.Cookie(sessionCookie)
	var st models.Staff
	var csrf string
	if err == nil {
		st, csrf, err = s.Store.SessionStaff(c.Request.Context(), id, s.Now())
	}
	if err != nil {
		if !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, models.ErrNotFound) {
			c.Set(unavailableKey, err.Error()) // on the request's log line
			s.notSent(c, http.StatusServiceUnavailable, "The service cannot check your session just now. Try again in a moment.")
			return
		}
		target := "/signin"
		switch {
		case c.Request.Method == http.MethodGet && c.Request.URL.Path != uiStreamPath:
			target += "?next=" + url.QueryEscape(c.Request.URL.RequestURI())
		case c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead:
			// A form sent once the session had ended (signed out elsewhere, or it ran out): the
			// sign-in page says it was not sent, and leads back to the page it was sent from.
			target += "?unsent=1"
			if from := sameSitePage(c); from != "" {
				target += "&next=" + url.QueryEscape(from)
			}
		}
		if c.GetHeader("HX-Request") != "" {
			c.Header("HX-Redirect", target)
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		status := http.StatusFound
		if c.Request.Method != http.MethodGet {
			status = http.StatusSeeOther // the browser is to GET the sign-in page, not resend the form
		}
		c.Redirect(status, target)
		c.Abort()
		return
	}
	c.Set(principalKey, st)
	c.Set(csrfKey, csrf)
	c.Next()
}

// uiCSRF refuses any state-changing request that does not carry the session's CSRF token, in
// the form or in the X-CSRF-Token header htmx sends.
func (s *server) uiCSRF(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	want := c.GetString(csrfKey)
	got := c.GetHeader("X-CSRF-Token")
	if got == "" {
		got = c.PostForm("csrf")
	}
	if !csrfMatches(want, got) {
		s.notSent(c, http.StatusForbidden, "This form has expired or did not come from handover. Reload the page and try again.")
		return
	}
	c.Next()
}

func (s *server) uiHome(c *gin.Context) {
	if id, err := c.Cookie(sessionCookie); err == nil {
		if st, _, err := s.Store.SessionStaff(c.Request.Context(), id, s.Now()); err == nil {
			c.Redirect(http.StatusFound, landingOf(st))
			return
		}
	}
	c.Redirect(http.StatusFound, "/signin")
}

// landingOf is where a person's pages start: an administrator, who owns no actions, on the people
// page; everyone else in their inbox.
func landingOf(st models.Staff) string {
	if workflows.Role(st.Role) == workflows.RoleAdmin {
		return "/admin"
	}
	return "/inbox"
}

func randomString() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeNext keeps a post-sign-in destination on this site: a path of its own, with no scheme or
// host, and no character a browser drops or reads as a slash (so "/\t/evil.example" cannot become
// "//evil.example").
func safeNext(next string) string {
	u, err := url.Parse(next)
	switch {
	case err != nil, u.Scheme != "", u.Host != "", u.User != nil,
		!strings.HasPrefix(next, "/"), strings.HasPrefix(next, "//"),
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }):
		return "/" // the person's own start page (landingOf)
	}
	return next
}

// sameSitePage is the page of this site the request came from (its Referer's path and query), or
// "" when it names none.
func sameSitePage(c *gin.Context) string {
	ref, err := url.Parse(c.GetHeader("Referer"))
	if err != nil || ref.Host != c.Request.Host || ref.Path == "" || ref.Path == "/signin" {
		return ""
	}
	return safeNext(ref.RequestURI())
}

// uiSigninPage shows the sign-in form. Before there is a session, a double-submit cookie guards
// the form against sign-in forgery.
func (s *server) uiSigninPage(c *gin.Context) {
	s.signinPage(c, http.StatusOK, "")
}

// activeDemoStaff are the demo users still active: one an administrator has deactivated could not
// sign in. All of them when the directory cannot be read.
func (s *server) activeDemoStaff(ctx context.Context) []DemoUser {
	out := make([]DemoUser, 0, len(s.ui.opts.DemoStaff))
	for _, d := range s.ui.opts.DemoStaff {
		st, err := s.Store.GetStaff(ctx, d.ID)
		if err == nil && !st.Active {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (s *server) signinPage(c *gin.Context, status int, problem string) {
	token := randomString()
	s.setCookie(c, signinCookie, token, 600)
	next := c.Query("next")
	if next == "" {
		next = c.PostForm("next") // a refused sign-in keeps where it was going
	}
	s.render(c, status, "signin", gin.H{
		"CSRF": token, "Next": safeNext(next), "Demo": s.activeDemoStaff(c.Request.Context()), "Error": problem,
		"Unsent": c.Query("unsent") == "1" && problem == "",
	})
}

// maxFormBytes bounds a web form's body: the longest form (a handover's notes) is far below it.
const maxFormBytes = 256 << 10

// uiFormBodies takes the pages' forms as browsers send them (URL-encoded) and bounded, before
// anything reads them: a multipart body would be parsed into memory and temporary files, even
// before sign-in.
func (s *server) uiFormBodies(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		c.Next()
		return
	}
	if ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); ct != "application/x-www-form-urlencoded" {
		s.notSent(c, http.StatusUnsupportedMediaType, "The form was not sent as a web form.")
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	if err := c.Request.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.notSent(c, http.StatusRequestEntityTooLarge, "The form is too large to send.")
		} else {
			s.notSent(c, http.StatusBadRequest, "The form could not be read.")
		}
		return
	}
	c.Next()
}

// setCookie sets one of the UI's cookies. The session's is SameSite=Lax, so that a link to an
// action from an email, a chat or the PMS opens it for the signed-in person (Strict sent no cookie
// on those, and every such link landed on the sign-in page); every request that changes anything
// is a POST, which Lax does not send from other sites, and carries the session's CSRF token too.
func (s *server) setCookie(c *gin.Context, name, value string, maxAge int) {
	same := http.SameSiteStrictMode
	if name == sessionCookie {
		same = http.SameSiteLaxMode
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.ui.opts.SecureCookies, SameSite: same,
	})
}

func (s *server) uiSignin(c *gin.Context) {
	want, err := c.Cookie(signinCookie)
	got := c.PostForm("csrf")
	if err != nil || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		s.signinPage(c, http.StatusForbidden, "The sign-in form expired. Please try again.")
		return
	}
	token := strings.TrimSpace(c.PostForm("token"))
	if demo := c.PostForm("demo"); demo != "" {
		if !slices.ContainsFunc(s.ui.opts.DemoStaff, func(d DemoUser) bool { return d.ID == demo }) {
			s.signinPage(c, http.StatusUnprocessableEntity, "There is no demo user "+demo+".")
			return
		}
		token = "demo-" + demo
	}
	if token == "" {
		s.signinPage(c, http.StatusUnprocessableEntity, "Enter your access token.")
		return
	}
	if wait := s.failWait(c, failSignIn); wait > 0 {
		secs := retrySeconds(wait)
		c.Header("Retry-After", strconv.Itoa(secs))
		s.signinPage(c, http.StatusTooManyRequests, fmt.Sprintf("Too many sign-ins failed from here. Try again in %s.", plural(secs, "second")))
		return
	}
	sess, err := s.Store.OpenSession(c.Request.Context(), token, s.Now(), s.ui.opts.SessionTTL)
	if errors.Is(err, models.ErrNotFound) {
		s.authFailed(c, failSignIn)
		s.signinPage(c, http.StatusUnauthorized, "That token is unknown or has been revoked.")
		return
	}
	if err != nil {
		s.Log.ErrorContext(c.Request.Context(), "opening a session", "error", err)
		s.signinPage(c, http.StatusServiceUnavailable, "Signing in is not possible just now. Try again in a moment.")
		return
	}
	s.setCookie(c, signinCookie, "", -1)
	s.setCookie(c, sessionCookie, sess.ID, int(s.ui.opts.SessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

func (s *server) uiSignout(c *gin.Context) {
	if id, err := c.Cookie(sessionCookie); err == nil {
		if err := s.Store.CloseSession(c.Request.Context(), id); err != nil {
			s.Log.ErrorContext(c.Request.Context(), "closing a session", "error", err)
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/signin")
}

// apiResult is the answer of an in-process call to the JSON API.
type apiResult struct {
	Status  int
	Body    []byte
	Header  http.Header
	Problem *problemBody
	// Current is the version of the action a refusal as changed (412) named: the one to act on.
	Current int64
}

type problemBody struct {
	Title  string       `json:"title"`
	Code   string       `json:"code"`
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors"`
}

// apiAnswer is an answer of the JSON API as the pages read it: a refusal's problem document decoded.
func apiAnswer(status int, body []byte, header http.Header) apiResult {
	res := apiResult{Status: status, Body: body, Header: header}
	if !res.ok() {
		var p problemBody
		if json.Unmarshal(body, &p) == nil {
			res.Problem = &p
		}
	}
	return res
}

func (r apiResult) ok() bool { return r.Status >= 200 && r.Status < 300 }

// changedWhileOpen is a refusal of a command for an earlier version of the action (412) as a page
// says it: someone else acted on the action while the page was open, what they did and how it
// stands now. The page drawn again shows it as it stands, its forms for the version the refusal
// names (Current).
func changedWhileOpen(res apiResult) apiResult {
	said := "The action changed while this page was open"
	m := changedTo.FindStringSubmatch(res.Problem.Detail)
	switch {
	case m == nil:
		said += "." + sendAgain
	default:
		res.Current, _ = strconv.ParseInt(m[1], 10, 64)
		if m[3] != "" {
			said += ": " + m[3]
		}
		said += ". Now " + m[2] + "."
		if strings.HasSuffix(m[2], ", completed") || strings.HasSuffix(m[2], ", cancelled") {
			said += " It has ended: there is nothing more to do on it."
		} else {
			said += sendAgain
		}
	}
	res.Problem = &problemBody{Detail: said}
	return res
}

// sendAgain ends changedWhileOpen's words for a form the page drawn again still offers; the page
// says notOffered instead when the change took the form away (the action resumed by someone else
// while the Resume form was open), so that nobody looks for a form to send again.
const (
	sendAgain  = " Look at it again below, and send the form again if it still holds."
	notOffered = " Look at it again below: that form is not offered now."
)

// withoutForm is a refusal's words for a page that no longer offers the refused form.
func withoutForm(message string) string { return strings.Replace(message, sendAgain, notOffered, 1) }

// changedTo is how the workflow says how an action stands when it refuses a command for an
// earlier version of it: "…: it is at version 9, Bob Brown owns it, assigned; the last change:
// reassigned by Carol Clark".
var changedTo = regexp.MustCompile(`it is at version (\d+), (.+?)(?:; the last change: (.+))?$`)

// unconfirmed says whether a command answered status may still take effect: the API gave up
// waiting for it (503), or a proxy did (504).
func unconfirmed(status int) bool {
	return status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

func (r apiResult) decode(v any) error { return json.Unmarshal(r.Body, v) }

// message is a sentence for a person about a refused call.
func (r apiResult) message() string { return r.messageOf("") }

// messageOf is message for the refused form of command, its fields named as that form labels
// them (formFieldWords).
func (r apiResult) messageOf(command string) string {
	if r.Problem == nil {
		return fmt.Sprintf("The request failed (%d).", r.Status)
	}
	msg := r.Problem.Detail
	if msg == "" {
		msg = r.Problem.Title
	}
	return spokenFieldsOf(formWords(msg), formFieldWords[command])
}

// formFieldWords are the fields a command's form labels otherwise than fieldWords says: a
// check's and a reassignment's due_in is "New due in" (the new action's is "Due in"). A reason
// says whose it is: a board card's panel holds four forms that each ask for one.
var formFieldWords = map[string]map[string]string{
	workflows.UpdateCheck:    {"due_in": "new due in", "to_id": "reassign to", "next": "if not done, next"},
	workflows.UpdateReassign: {"due_in": "new due in", "due_at": "or new due at", "to_id": "reassign to", "reason": "reason for reassigning"},
	workflows.UpdateExtend:   {"reason": "reason for extending"},
	workflows.UpdateEscalate: {"reason": "reason to escalate"},
	workflows.UpdateCancel:   {"reason": "reason to cancel"},
	workflows.UpdatePause:    {"reason": "reason to pause"},
	workflows.UpdateResume:   {"reason": "reason to resume"},
	workflows.UpdateHandover: {"to_id": "hand over to", "reason": "reason for the handover", "follow_up_in": "remind me to follow up in", "accept_within": "must be answered within"},
	workflows.UpdateComplete: {"outcome": "what was done"},
	workflows.UpdateDecline:  {"reason": "why you cannot take it"},
	workflows.UpdateWithdraw: {"reason": "why you take it back"},
	formCreate:               {"title": "what is to be done", "due_at": "or due at"},
}

// formCreate names the new action form among the commands' forms, for formFieldWords.
const formCreate = "create"

// fieldWords are the API's field names as the forms label them, where a name is not plain words
// once its underscores are spaces.
var fieldWords = map[string]string{
	"to_id": "to", "owner_id": "owner", "team_id": "team", "from_id": "from", "id": "ID",
	"summary": "read-back", "notes.summary": "summary", "customer.ref": "customer reference", "customer.name": "customer name",
	"customer.contact": "customer contact", "required_authority": "authority needed",
	"Idempotency-Key": "form", "text": "note", "again_in": "remind me again in", "q": "words",
	"message_seq": "message", "reassign_due_in": "new due in", "resume_in": "resume by itself in", "resume_at": "resume by itself at",
	"pause_remind_every": "remind paused every",
}

// fieldsInText are the API's field names (and values) a refusal's sentence may mention inside it
// ("due_in or due_at is required"), and how a page says them.
var fieldsInText = map[string]string{
	"due_in": "a duration", "due_at": "a time", "follow_up_in": "a duration", "follow_up_at": "a time",
	"again_in": "a duration", "to_id": "a person", "resume_in": "a duration", "resume_at": "a time",
	// A check's result, as its radio button says it.
	"not_done": "not done",
	// Ways of telling a customer, and of handing over, as the forms' choices say them.
	"text_message": "text message", "face_to_face": "face to face",
}

var fieldInText = regexp.MustCompile(`\b(due_in|due_at|follow_up_in|follow_up_at|again_in|resume_in|resume_at|to_id|not_done|text_message|face_to_face)\b`)

func sayFieldsInText(s string) string {
	return fieldInText.ReplaceAllStringFunc(s, func(name string) string { return fieldsInText[name] })
}

// refusedField is a field name at the start of a refusal's sentence: "to_id: ...", or one of
// several joined by "; ".
var refusedField = regexp.MustCompile(`(^|; )([A-Za-z][A-Za-z0-9_.-]*)(\[(\d+)\])?: `)

// spokenFields says a refusal's field names the way the page's labels do: "to_id: bob already
// owns it" reads "Person: bob already owns it", "required_fields[1]: ..." "Required fields, item
// 2: ...", a policy's note "notes.fields.amount: ..." "Amount: ...".
func spokenFields(msg string) string { return spokenFieldsOf(msg, nil) }

// spokenFieldsOf is spokenFields with a form's own labels (formFieldWords) before fieldWords.
func spokenFieldsOf(msg string, labels map[string]string) string {
	prefix := refusedField.FindAllStringIndex(msg, -1)
	// The field names inside the sentences, not those that start them (which become labels below).
	var b strings.Builder
	last := 0
	for _, p := range prefix {
		b.WriteString(sayFieldsInText(msg[last:p[0]]))
		b.WriteString(msg[p[0]:p[1]])
		last = p[1]
	}
	b.WriteString(sayFieldsInText(msg[last:]))
	msg = b.String()
	return refusedField.ReplaceAllStringFunc(msg, func(m string) string {
		g := refusedField.FindStringSubmatch(m)
		name := g[2]
		words, ok := labels[name]
		if !ok {
			words, ok = fieldWords[name]
		}
		if !ok {
			words = label(name[strings.LastIndexByte(name, '.')+1:])
		}
		if words == "" {
			words = name // a path ending in a name the body left empty ("action_notes.x.")
		}
		if g[4] != "" {
			n, _ := strconv.Atoi(g[4])
			words += fmt.Sprintf(", item %d", n+1)
		}
		return g[1] + capitalized(words) + ": "
	})
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }
func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}
func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

// apiRequest is a request to the JSON API in-process, as the signed-in person, under the page's
// request ID.
func apiRequest(c *gin.Context, method, path string, body io.Reader) (*http.Request, error) {
	ctx := context.WithValue(c.Request.Context(), trustedPrincipal{}, principal(c))
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Request-Id", c.GetString(requestIDKey))
	req.RemoteAddr = c.Request.RemoteAddr
	return req, nil
}

// forward sends one GET to the JSON API in-process, as the signed-in person, and writes its
// answer to w as it comes (call keeps the whole answer).
func (s *server) forward(c *gin.Context, path string, w http.ResponseWriter) error {
	req, err := apiRequest(c, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	s.ui.engine.ServeHTTP(w, req)
	return nil
}

// call sends one request to the JSON API in-process, as the signed-in person: the UI goes
// through exactly the API's checks, scope and workflow Updates, and adds none of its own.
func (s *server) call(c *gin.Context, method, path string, body any, idemKey string) apiResult {
	return s.callIf(c, method, path, body, idemKey, "")
}

// callIf is call for a command decided on the version of the action a page showed (its forms'
// version field; "" for none): the API refuses it (412) once the action has changed since.
func (s *server) callIf(c *gin.Context, method, path string, body any, idemKey, version string) apiResult {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return apiResult{Status: http.StatusInternalServerError, Problem: &problemBody{Detail: err.Error()}}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := apiRequest(c, method, path, rd)
	if err != nil {
		return apiResult{Status: http.StatusInternalServerError, Problem: &problemBody{Detail: err.Error()}}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	if version != "" {
		req.Header.Set("If-Match", `"`+version+`"`)
	}
	w := &recorder{header: http.Header{}}
	s.ui.engine.ServeHTTP(w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	res := apiAnswer(w.status, w.body.Bytes(), w.header)
	if method != http.MethodGet && res.Status >= 400 && res.Status < 500 {
		c.Set(notSentKey, true) // refused: the API changes nothing it refuses
	}
	if res.Status == http.StatusTooManyRequests && res.Problem != nil && res.Problem.Code == codeRateLimited {
		// The API's "retry after the given seconds" names a header a person never sees.
		secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || secs < 1 {
			secs = 1
		}
		res.Problem = &problemBody{Title: res.Problem.Title, Code: res.Problem.Code,
			Detail: fmt.Sprintf("You have made too many requests just now (all your tabs, sessions and tokens together), so this one did nothing. Try again in %s.", plural(secs, "second"))}
	}
	if res.Status == http.StatusPreconditionFailed && res.Problem != nil {
		res = changedWhileOpen(res)
	}
	if method == http.MethodPost && idemKey != "" && unconfirmed(res.Status) {
		// The API's words are for a program ("retry it with the same Idempotency-Key"); the form
		// shown again keeps its key (pageIdem), so sending it again as it is does that.
		res.Problem = &problemBody{Detail: "The change could not be confirmed: the service did not answer in time (its workers or the workflow engine are slow or down), and it may still be made. Send the form again as it is: it is made once, not twice."}
	}
	if res.Problem != nil && res.Problem.Code == workflows.CodeKeyReused {
		// The form was sent before with other values: a page brought back by the browser's Back
		// button still holds its first key. That first request stands; the form shown again gets a
		// new key, so sending it again is a new request rather than the same refusal forever.
		res.Problem = &problemBody{Detail: "This form was already sent once with other values (a page brought back from the browser's history, say), and that stands. Check the values and send the form again to make a new request."}
		if c.Request.PostForm != nil {
			c.Request.PostForm.Del("idem")
		}
	}
	return res
}

// read GETs path from the JSON API into dst as the signed-in person. When that fails it draws the
// error page (what names the thing read) and answers false.
func (s *server) read(c *gin.Context, path string, dst any, what string) bool {
	res := s.call(c, http.MethodGet, path, nil, "")
	if !res.ok() {
		s.uiError(c, res.Status, res.message())
		return false
	}
	if err := res.decode(dst); err != nil {
		s.uiError(c, http.StatusInternalServerError, what+" could not be read.")
		return false
	}
	return true
}

// viewer is what every page knows of the signed-in person.
type viewer struct {
	ID         string
	Name       string
	Role       string
	TeamID     string
	Supervisor bool
	Manager    bool
	// Reviews reads the handover review: a manager every team's, a supervisor their own team's.
	Reviews bool
	// Admin manages staff, teams and their tokens on the people page.
	Admin bool
	// Creates is false for an administrator, who manages staff and teams, not actions.
	Creates bool
	// Histories: may read decrypted workflow histories in the Temporal UI (readsHistories).
	Histories bool
	CSRF      string
}

func (s *server) viewer(c *gin.Context) viewer {
	st := principal(c)
	role := workflows.Role(st.Role)
	return viewer{
		ID: st.ID, Name: st.Name, Role: st.Role, TeamID: teamOf(st), CSRF: maskCSRF(c.GetString(csrfKey)),
		Supervisor: role.SupervisorOrAbove(),
		// The manager view reads the review reports, which are for managers (not administrators).
		Manager:   role == workflows.RoleManager,
		Reviews:   role == workflows.RoleManager || role == workflows.RoleSupervisor,
		Admin:     role == workflows.RoleAdmin,
		Creates:   role != workflows.RoleAdmin,
		Histories: readsHistories(role),
	}
}

// livePages are the pages redrawn by live updates (their content has data-live).
var livePages = map[string]bool{"action": true, "board": true, "inbox": true, "manager": true, "shift": true}

// render writes a page: the whole document, or for htmx only the part it asked for (htmx
// selects it from the document, so one template serves both).
func (s *server) render(c *gin.Context, status int, page string, data gin.H) {
	t, ok := s.ui.pages[page]
	if !ok {
		panic("no page template " + page)
	}
	if _, set := data["Me"]; !set {
		if _, signedIn := c.Get(principalKey); signedIn {
			data["Me"] = s.viewer(c)
		}
	}
	data["Page"] = page
	// Only a page that is redrawn live has the live updates' region (its status line and pause
	// button); another keeps a status line, for what its script says (a token copied), inside its
	// content, where an empty landmark named "Live updates" would have told of updates never made.
	data["Live"] = livePages[page]
	data["TemporalUI"] = s.ui.opts.TemporalUIURL
	data["NoWorkers"] = s.workers != nil && s.workers.none()
	// A form refused and shown again at the address it was posted to: the live updates leave it
	// alone (its address is not the page's, and what was typed must stay).
	data["Refused"] = c.Request.Method == http.MethodPost && status >= http.StatusBadRequest
	// How a refused form's banner and the page's title begin: a form not answered in time may
	// still take effect, so it is not said to have changed nothing.
	data["Lead"] = "Nothing changed:"
	if data["Refused"] == true && unconfirmed(status) {
		data["Lead"] = "Not confirmed:"
	}
	if data["Refused"] == true {
		// The page the form was sent from, which the browser's history is to hold rather than the
		// form's address: Back or a reload then asks for that page, not to send the form again.
		if from, err := url.Parse(c.GetHeader("Referer")); err == nil && from.Host == c.Request.Host && strings.HasPrefix(from.Path, "/") {
			data["SentFrom"] = from.RequestURI()
		}
	}
	if c.Request.Method == http.MethodGet && c.GetHeader("HX-Request") == "" && !c.GetBool(keepDoneKey) {
		// A page the browser was sent to after a form (not a live redraw) says what the form did.
		data["Done"] = s.takeDone(c)
	}
	s.who(c)
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.Log.ErrorContext(c.Request.Context(), "rendering page", "page", page, "error", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("the page could not be drawn"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", tieFieldErrors(buf.Bytes()))
}

// who names people for a page or a sentence about to be written: the staff directory, read
// again when it is stale (on failure, people are shown by ID).
func (s *server) who(c *gin.Context) func(id string) string {
	if err := s.ui.names.refresh(c.Request.Context(), s.Now()); err != nil {
		s.Log.WarnContext(c.Request.Context(), "staff names not read; the page shows staff IDs", "error", err)
	}
	return s.ui.names.of
}

// doneCookie carries, across the redirect that follows a form, a sentence saying what the form
// did; the next page shows it once.
const doneCookie = "handover_done"

// setDone keeps the sentence for the next page.
func (s *server) setDone(c *gin.Context, message string) {
	s.setOnce(c, doneCookie, "/", []byte(message), 60)
}

// keepDoneKey marks a request whose page leaves the sentence a form left for another (the page
// for an address with no page).
const keepDoneKey = "handover.keep_done"

// takeDone reads the sentence a form left for this page, if any, and forgets it.
func (s *server) takeDone(c *gin.Context) string {
	text, _ := s.takeOnce(c, doneCookie, "/")
	return string(text)
}

// setOnce keeps value, for maxAge seconds, in an HttpOnly cookie sent only to the pages under
// path: how a form hands something to the page its redirect leads to, which shows it once.
func (s *server) setOnce(c *gin.Context, name, path string, value []byte, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: base64.RawURLEncoding.EncodeToString(value), Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.ui.opts.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

// takeOnce reads what setOnce kept, if anything, and forgets it.
func (s *server) takeOnce(c *gin.Context, name, path string) ([]byte, bool) {
	raw, err := c.Cookie(name)
	if err != nil || raw == "" {
		return nil, false
	}
	s.setOnce(c, name, path, nil, -1)
	value, err := base64.RawURLEncoding.DecodeString(raw)
	return value, err == nil
}

// errorTitle is the title of an error page: what kind of problem it is, so that the browser's tab
// and a screen reader's first words tell a page not found from one not allowed.
func errorTitle(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "Not understood"
	case http.StatusUnauthorized:
		return "Not signed in"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusNotFound:
		return "Not found"
	case http.StatusConflict:
		return "Not possible now"
	case http.StatusTooManyRequests:
		return "Too many requests"
	case http.StatusServiceUnavailable:
		return "Unavailable for now"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "Problem"
}

// uiError shows a page that explains what went wrong and changes nothing.
//
// Drawn for a form known to have changed nothing (notSentKey: its session or key had run out, its
// body could not be taken, the API refused what it asked), the page is marked Unsent: the script
// that kept what was typed in the form says so, and puts it back when the person is on the form's
// page again. Any other error page after a form is not: its change may have been made (an answer
// that did not come in time, a page that could not be drawn after it).
func (s *server) uiError(c *gin.Context, status int, message string) {
	unsent := c.Request.Method == http.MethodPost && c.GetBool(notSentKey)
	s.render(c, status, "error", gin.H{"Status": status, "Message": message, "Title": errorTitle(status), "Unsent": unsent})
	c.Abort()
}

// notSentKey marks a form's request known to have changed nothing: refused before any handler
// saw it, or refused by the API (4xx) in what it asked.
const notSentKey = "handover.not-sent"

// notSent is uiError for a form refused before anything was asked of the API.
func (s *server) notSent(c *gin.Context, status int, message string) {
	c.Set(notSentKey, true)
	s.uiError(c, status, message)
}

// workflowLinkFor is the action's workflow link for those who may decode its payloads (/codec:
// managers, administrators); to anyone else the history would be ciphertext, so there is no link.
func (s *server) workflowLinkFor(c *gin.Context, actionID string) string {
	if !s.viewer(c).Histories {
		return ""
	}
	return s.temporalLink(actionID)
}

func (s *server) temporalLink(actionID string) string {
	if s.ui.opts.TemporalUIURL == "" {
		return ""
	}
	ns := s.ui.opts.Namespace
	if ns == "" {
		ns = "default"
	}
	return strings.TrimRight(s.ui.opts.TemporalUIURL, "/") + "/namespaces/" + url.PathEscape(ns) +
		"/workflows/" + url.PathEscape(workflows.ActionWorkflowID(actionID))
}

// authenticateOrSession accepts a bearer token, or else the web UI's session cookie: the
// Temporal Web UI served beside handover calls the codec endpoint with the browser's cookies,
// so a manager signed in to handover reads decrypted histories there. The cookie is
// SameSite=Lax (not sent on another site's POST or fetch) and the endpoint changes nothing, so no
// CSRF token is needed.
func (s *server) authenticateOrSession(c *gin.Context) {
	if c.GetHeader("Authorization") != "" {
		s.authenticate(c)
		return
	}
	if id, err := c.Cookie(sessionCookie); err == nil {
		if st, _, err := s.Store.SessionStaff(c.Request.Context(), id, s.Now()); err == nil {
			c.Set(principalKey, st)
			c.Next()
			return
		}
	}
	s.authenticate(c)
}

// phoneNumber is a contact that reads as a telephone number: 7 to 15 digits, with a leading + and
// the spaces, dots, dashes and brackets people write them with (not a date, 2030-03-04); email is
// one address, local@domain.tld.
var (
	phoneNumber = regexp.MustCompile(`^\+?[0-9(][0-9 ().-]{5,30}$`)
	aDate       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	email       = regexp.MustCompile(`^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$`)
)

// contactHref is the link that calls or writes to a customer's contact (tel: or mailto:), or ""
// for a contact that is neither a telephone number nor an email address.
func contactHref(contact string) template.URL {
	contact = strings.TrimSpace(contact)
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, contact)
	switch {
	case phoneNumber.MatchString(contact) && len(digits) >= 7 && len(digits) <= 15 && !aDate.MatchString(contact):
		plus := ""
		if strings.HasPrefix(contact, "+") {
			plus = "+"
		}
		return template.URL("tel:" + plus + digits)
	case email.MatchString(contact):
		return template.URL("mailto:" + contact)
	}
	return ""
}
