// Package api is the HTTP face of handover: the JSON API under /api/v1, health and readiness. It
// changes an action only through its workflow (an Update), and reads from the read model.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/client"
	"golang.org/x/time/rate"

	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/workflows"
)

// Deps is what the API needs from the rest of the process.
type Deps struct {
	Temporal client.Client
	Store    *models.Store
	Log      *slog.Logger
	// Ready reports whether every part the API relies on is up; nil means ready.
	Ready func(context.Context) error
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// RateLimit bounds each caller's requests, and each client address's failed authentications;
	// the zero value turns it off.
	RateLimit RateLimit
	// TrustedProxies are the reverse proxies (addresses or CIDRs) whose X-Forwarded-For names the
	// client's address; with none, the address is the connection's.
	TrustedProxies []string
	// Metrics is the registry served at /metrics, with the HTTP and domain figures added to it;
	// nil means a registry of the API's own.
	Metrics *prometheus.Registry
	// MetricsToken, when set, is the bearer token a scrape of /metrics must send (MetricsGuard).
	MetricsToken string
	// Tracer and Propagator trace each request; nil turns tracing off.
	Tracer     trace.TracerProvider
	Propagator propagation.TextMapPropagator
	// Codec is the key ring of the Temporal payload codec, served at /codec for the Temporal UI;
	// nil serves no codec.
	Codec *codec.Keyring
	// CodecOrigins are the web origins (the Temporal UI's) allowed to call /codec from a browser.
	CodecOrigins []string
	// Sealer seals customers' personal data before it enters a workflow and opens it for answers;
	// nil leaves it as sent (router tests only).
	Sealer *pii.Sealer
	// UI configures the web UI served beside the API.
	UI UIOptions
	// Closing is closed when the HTTP server begins to shut down: event streams then end, so the
	// shutdown does not wait for clients that never hang up. Nil never closes.
	Closing <-chan struct{}
	// StreamKeepAlive is how often an event stream sends a keep-alive and checks its caller again;
	// zero means 15 s.
	StreamKeepAlive time.Duration
	// CommandTimeout bounds how long a command waits for its workflow to take it: with no worker
	// running, Temporal holds an Update until one comes, and the caller is answered 503 instead of
	// waiting without end. Zero means DefaultCommandTimeout.
	CommandTimeout time.Duration
	// WorkerCheck is how often the pages look up whether any worker is running, to say so when
	// none is; zero means DefaultWorkerCheck.
	WorkerCheck time.Duration
}

// DefaultCommandTimeout is how long a command waits for its workflow when Deps does not say.
const DefaultCommandTimeout = 30 * time.Second

// streamPath is the server-sent events of action changes: a request that lasts as long as the
// client stays.
const streamPath = "/api/v1/stream"

// uiStreamPath is the web UI's event stream: the same changes, and whether any worker runs.
const uiStreamPath = "/events"

type server struct {
	Deps
	decoder  *decoder
	limiters *limiters
	// recent stands in for the token table while the read model is unreachable.
	recent *authMemory
	// failures counts failed authentications per client address (ratelimit.go).
	failures *failures
	ui       *ui
	changes  *changeHub
	// engine ends a call to a Temporal service that does not answer early (engine.go).
	engine *engineWatch
	// turns bounds the Updates in flight to one action's workflow (inflight.go).
	turns actionTurns
	// workers tells the pages when no worker is running (workers.go); nil without Temporal.
	workers *workerWatch
	// readiness is what /readyz last found ("ready", "degraded: read model", ...), so that the log
	// says when the API is ready again.
	readiness atomic.Pointer[string]
}

// noteReadiness keeps what /readyz found and logs the API's return to ready after it was not.
func (s *server) noteReadiness(ctx context.Context, now string) {
	was := s.readiness.Swap(&now)
	if now == "ready" && was != nil && *was != "ready" {
		s.Log.InfoContext(ctx, "ready again", "was", *was)
	}
}

// NewRouter builds the HTTP handler with every route, its larger answers compressed.
func NewRouter(d Deps) http.Handler { return headAsGet(compressed(newEngine(d))) }

// headAsGet answers HEAD on every GET route, as HTTP asks of a server (RFC 9110, 9.3.2): the
// GET's status and headers without its body, which the server does not send for a HEAD (a
// monitor or load balancer probing /healthz with HEAD was answered 405). The event streams (the
// API's and the pages') are left out: a HEAD of one would hold a connection, and one of its
// person's streams, open for nothing. The request's log line names it GET; its metrics, HEAD.
func headAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead || r.URL.Path == streamPath || r.URL.Path == uiStreamPath {
			h.ServeHTTP(w, r)
			return
		}
		get := r.Clone(context.WithValue(r.Context(), headKey{}, true))
		get.Method = http.MethodGet
		h.ServeHTTP(w, get)
	})
}

// headKey marks the context of a GET that answers a HEAD.
type headKey struct{}

// headOnly reports whether the GET being served answers a HEAD, whose body is thrown away: a
// handler whose body costs more than its status and headers (an export) stops once they are set.
func headOnly(ctx context.Context) bool {
	head, _ := ctx.Value(headKey{}).(bool)
	return head
}

func newEngine(d Deps) *gin.Engine {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	if d.Ready == nil {
		d.Ready = func(context.Context) error { return nil }
	}
	s := &server{Deps: d, decoder: newDecoder(), limiters: &limiters{cfg: d.RateLimit, by: map[string]*rate.Limiter{}}, recent: &authMemory{}, failures: &failures{}}
	pages, err := newUI(d.UI, newStaffNames(d.Store), d.Now)
	if err != nil {
		panic(err) // the templates are embedded: a broken one is a build defect the tests catch
	}
	s.ui = pages
	s.changes = newChangeHub(d.Store, d.Log)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// A path with a slash too many or too few is not found (a problem document), not redirected:
	// a client that follows redirects was sent from DELETE /customers to DELETE /customers/, the
	// erasure of an empty reference, and a redirect answers with HTML.
	r.RedirectTrailingSlash = false
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		// Checked with the configuration: this is a caller that skipped it. Trust none.
		d.Log.Error("trusted proxies not understood; the client's address is the connection's", "error", err)
		_ = r.SetTrustedProxies(nil)
	}
	httpm := newHTTPMetrics(d.Metrics)
	if d.Store != nil {
		d.Metrics.MustRegister(newDomainCollector(d.Store, d.Now))
	}
	if d.Temporal != nil {
		d.Metrics.MustRegister(newWorkerCollector(d.Temporal))
		s.engine = newEngineWatch(d.Temporal)
		s.workers = newWorkerWatch(d.Temporal, d.WorkerCheck)
	}
	r.Use(s.recover, s.logRequests, httpm.middleware, refuseBadText)
	if d.Tracer != nil {
		r.Use(otelgin.Middleware("handover-api", otelgin.WithTracerProvider(d.Tracer), otelgin.WithPropagators(d.Propagator)))
	}
	r.NoRoute(func(c *gin.Context) {
		if !strings.HasPrefix(c.Request.URL.Path, "/api/") && strings.Contains(c.GetHeader("Accept"), "text/html") {
			// A browser at an address with no page (a mistyped or an old bookmark) is answered with
			// a page, not the API's problem document; it leaves a confirmation a form left for the
			// page its redirect leads to (a request of the browser's own at a stray address
			// comes between them).
			setUIHeaders(c)
			c.Set(keepDoneKey, true)
			s.notSent(c, http.StatusNotFound, "There is no page at this address. Start from your inbox.")
			return
		}
		writeProblem(c, http.StatusNotFound, codeNotFound, "no such route", nil)
	})
	r.NoMethod(func(c *gin.Context) {
		// Gin's Allow lists the routes' methods; HEAD is answered wherever GET is (headAsGet), but
		// for the event streams.
		allow := strings.Split(c.Writer.Header().Get("Allow"), ", ")
		if slices.Contains(allow, http.MethodGet) && !slices.Contains(allow, http.MethodHead) &&
			c.Request.URL.Path != streamPath && c.Request.URL.Path != uiStreamPath {
			c.Header("Allow", strings.Join(append(allow, http.MethodHead), ", "))
		}
		writeProblem(c, http.StatusMethodNotAllowed, codeMethodNotAllowed, "method not allowed here", nil)
	})

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readyz)
	r.GET("/api/openapi.json", s.openAPI)
	r.GET("/metrics", metricsHandler(d.Metrics, d.MetricsToken))

	codecGroup := r.Group("/codec", s.codecCORS)
	for _, op := range []string{"/decode", "/encode"} {
		codecGroup.OPTIONS(op, func(*gin.Context) {})
		codecGroup.POST(op, s.authenticateOrSession, s.limit, s.codecEndpoint)
	}

	s.ui.engine = r
	s.mountUI(r)

	v1 := r.Group("/api/v1", noStore, actionIDLowered, s.bounded, s.authenticate, s.limit, s.noEmptyKey, s.writesTakeNoQuery)
	// A customer reference is the caller system's own and may hold a "/" (PMS folio numbers do).
	v1.DELETE("/customers/*ref", s.noQuery, s.handle(s.eraseCustomer))
	v1.POST("/erasures", s.handle(s.eraseEnded))
	v1.GET("/audit", s.handle(s.listAudit))
	v1.GET("/stream", s.takes(), s.stream)
	v1.GET("/me", s.takes(), s.me)
	v1.POST("/actions", s.createAction)
	v1.GET("/actions", s.listActions)
	v1.GET("/actions.csv", s.exportActions)
	v1.GET("/actions/:id", s.handle(s.getAction))
	v1.GET("/actions/:id/events", s.handle(s.listEvents))
	v1.DELETE("/actions/:id/customer", s.noQuery, s.handle(s.eraseActionCustomer))
	v1.POST("/actions/:id/handover", s.handover)
	v1.POST("/actions/:id/accept", s.accept)
	v1.POST("/actions/:id/decline", s.decline)
	v1.POST("/actions/:id/handover/withdraw", s.withdraw)
	v1.POST("/actions/:id/follow-up", s.followUp)
	v1.POST("/actions/:id/complete", s.complete)
	v1.POST("/actions/:id/notes", s.addNote)
	v1.POST("/actions/:id/told", s.told)
	v1.POST("/actions/:id/check", s.check)
	v1.POST("/actions/:id/escalate", s.escalate)
	v1.POST("/actions/:id/reassign", s.reassign)
	v1.POST("/actions/:id/extend", s.extend)
	v1.POST("/actions/:id/cancel", s.cancel)
	v1.POST("/actions/:id/correct", s.correct)
	v1.POST("/actions/:id/claim", s.claim)
	v1.POST("/actions/:id/pause", s.pause)
	v1.POST("/actions/:id/resume", s.resume)
	v1.GET("/me/notifications", s.handle(s.myNotifications))
	v1.GET("/me/inbox", s.takes(), s.handle(s.myInbox))
	v1.GET("/reports/handovers", s.handle(s.handoverReport))
	v1.GET("/reports/weekly", s.handle(s.weeklyReports))
	v1.POST("/shift-handovers", s.handle(s.startShiftHandover))
	v1.GET("/shift-handovers/:id", s.takes(), s.handle(s.getShiftHandover))
	v1.POST("/shifts/start", s.handle(s.shift(true)))
	v1.POST("/shifts/end", s.handle(s.shift(false)))
	v1.POST("/actions/:id/handovers/:hid/feedback", s.feedback)
	v1.GET("/teams", s.takes(), s.handle(s.listTeams))
	v1.POST("/teams", s.handle(s.createTeam))
	v1.PATCH("/teams/:id", s.handle(s.patchTeam))
	v1.GET("/teams/:id/calendar", s.takes(), s.handle(s.getCalendar))
	v1.PUT("/teams/:id/calendar", s.handle(s.putCalendar))
	v1.DELETE("/teams/:id/calendar", s.noQuery, s.handle(s.deleteCalendar))
	v1.GET("/staff", s.handle(s.listStaff))
	v1.GET("/staff/:id", s.takes(), s.handle(s.getStaff))
	v1.POST("/staff", s.handle(s.createStaff))
	v1.PATCH("/staff/:id", s.handle(s.patchStaff))
	v1.POST("/staff/:id/tokens", s.handle(s.issueToken))
	v1.GET("/staff/:id/tokens", s.takes(), s.handle(s.listTokens))
	v1.DELETE("/staff/:id/tokens", s.revocationQuery, s.handle(s.revokeTokens))
	v1.GET("/policies", s.takes(), s.handle(s.listPolicies))
	v1.GET("/policies/:category", s.takes("version"), s.handle(s.getPolicy))
	v1.PUT("/policies/:category", s.handle(s.putPolicy))
	v1.DELETE("/policies/:category", s.noQuery, s.handle(s.deletePolicy))
	return r
}

// takes refuses a read given a query parameter other than names, or one of them given twice (422
// naming it), as the lists do: a misspelt parameter would otherwise be ignored in silence.
func (s *server) takes(names ...string) gin.HandlerFunc {
	return func(c *gin.Context) { s.refuse(c, queryFields(c, "is not a parameter of this read", names)) }
}

// refuse answers 422 naming fields, and stops the request there, when there are any.
func (s *server) refuse(c *gin.Context, fields []FieldError) {
	if len(fields) > 0 {
		writeError(c, s.Log, invalidFields(fields...))
		c.Abort()
	}
}

// noStore marks every answer of the API as one no cache may keep: they hold customers' personal data
// and who did what, which a browser's or a proxy's cache would keep on disk after the session.
// (ETags stay: a command's If-Match names the version it was answered.)
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

// actionIDLowered writes an action's ID in a path in lower case (lowerID), where the exact
// look-up answered 404 to one in upper case.
func actionIDLowered(c *gin.Context) {
	if !strings.HasPrefix(c.FullPath(), "/api/v1/actions/:id") {
		return
	}
	for i, p := range c.Params {
		if p.Key == "id" {
			c.Params[i].Value = lowerID(p.Value)
		}
	}
}

// noEmptyKey refuses, on every request that may change something, an Idempotency-Key header sent
// empty (a client's key variable left unset): taken as none, a retry would apply the change again,
// where the client asked for it once.
func (s *server) noEmptyKey(c *gin.Context) {
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		return
	}
	if keys := c.Request.Header.Values("Idempotency-Key"); len(keys) == 1 && keys[0] == "" {
		s.refuse(c, []FieldError{{Field: "Idempotency-Key", Message: "is empty: send a key, or leave the header out"}})
	}
}

// revocationQuery refuses, on a revocation of tokens, a query parameter other than label, or
// label given twice (422 naming it); an empty label is taken: it names the tokens issued without
// one.
func (s *server) revocationQuery(c *gin.Context) {
	s.refuse(c, slices.DeleteFunc(queryFields(c, "is not a parameter of this request", []string{"label"}), func(f FieldError) bool {
		return f.Field == "label" && f.Message == emptyParameter
	}))
}

// writesTakeNoQuery refuses a query parameter on every create, command and change (POST, PUT,
// PATCH; 422 naming it): none takes one, and one ignored in silence, such as dry_run=true, would
// make the change it asked not to. Reads and deletions say what they take on their routes.
func (s *server) writesTakeNoQuery(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		s.noQuery(c)
	}
}

// noQuery refuses a query parameter on a request that takes none (422 naming it): on an erasure
// or a revocation, a parameter such as dry_run=true ignored in silence would do what it asked not to.
func (s *server) noQuery(c *gin.Context) {
	s.refuse(c, queryFields(c, "is not a parameter of this request", nil))
}

// handle adapts the usual handler shape: the status and body of the answer, or an error that
// writeError turns into a problem document.
func (s *server) handle(h func(c *gin.Context) (int, any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, body, err := h(c)
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		c.JSON(status, body)
	}
}

// Degraded is a readiness error for a part the API serves without (the read model: commands go on
// through the workflows, reads of one action come from its workflow): /readyz answers 200
// "degraded" naming it, not 503.
type Degraded struct {
	Part string
	Err  error
}

func (d *Degraded) Error() string { return d.Part + ": " + d.Err.Error() }
func (d *Degraded) Unwrap() error { return d.Err }

func (s *server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	err := s.Ready(ctx)
	var degraded *Degraded
	if errors.As(err, &degraded) {
		// Serving without one part: what the other serves goes on (commands through their
		// workflows, or reads from the read model), so the API stays in service (a load
		// balancer that took it out would stop those too).
		s.Log.WarnContext(ctx, "degraded", "error", err)
		s.noteReadiness(ctx, "degraded: "+degraded.Part)
		c.JSON(http.StatusOK, gin.H{"status": "degraded", "degraded": degraded.Part})
		return
	}
	if err != nil {
		// The part that is down, for anyone; why (addresses, database names) only in the log.
		s.Log.WarnContext(ctx, "not ready", "error", err)
		part, _, _ := strings.Cut(err.Error(), ":")
		s.noteReadiness(ctx, "not ready: "+part)
		writeProblem(c, http.StatusServiceUnavailable, codeUnavailable, "not ready: "+part, nil)
		return
	}
	if s.workers != nil && s.workers.none() {
		// Temporal and the read model answer, but no worker has polled in two looks: reads go on,
		// while every command waits for a worker (503 after the command timeout, to take effect
		// once one runs), and so do due times and escalations. In service, as for the other
		// parts, and said once, as it begins.
		if was := s.readiness.Load(); was == nil || *was != "degraded: "+degradedWorkers {
			s.Log.WarnContext(ctx, "degraded", "error", "no worker has polled the task queue "+workflows.TaskQueue+" in two looks")
		}
		s.noteReadiness(ctx, "degraded: "+degradedWorkers)
		c.JSON(http.StatusOK, gin.H{"status": "degraded", "degraded": degradedWorkers})
		return
	}
	s.noteReadiness(ctx, "ready")
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// degradedWorkers is the part GET /readyz names degraded while no worker runs.
const degradedWorkers = "workers"

// recover answers a panic with a 500 problem instead of a dropped connection.
func (s *server) recover(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			s.Log.ErrorContext(c.Request.Context(), "panic in handler", "panic", p, "route", c.FullPath(), "request_id", c.GetString(requestIDKey))
			writeProblem(c, http.StatusInternalServerError, codeInternal, "", nil)
		}
	}()
	c.Next()
}

// requestIDPattern is what an incoming X-Request-Id may look like to be kept.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// logRequests gives every request an ID (the caller's X-Request-Id when it is sane), returns it
// in the answer, and logs the request with it once it is done.
func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		id = uuid.NewString()
	}
	c.Header("X-Request-Id", id)
	c.Set(requestIDKey, id)
	c.Request = c.Request.WithContext(models.WithRequestID(c.Request.Context(), id))
	c.Next()
	level := slog.LevelInfo
	switch status := c.Writer.Status(); {
	case status == http.StatusServiceUnavailable:
		// Something it needs is away (Temporal, the read model) or too slow: the caller retries.
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	}
	attrs := []any{
		"request_id", id, "method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(),
		"duration_ms", time.Since(start).Milliseconds(),
	}
	if c.FullPath() == "" {
		// A request no route took: its path says what was asked (its query, which may hold what a
		// person searched for, is left out), bounded.
		path := c.Request.URL.EscapedPath()
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath-3] + "..."
		}
		attrs = append(attrs, "path", path)
	}
	if why := c.GetString(unavailableKey); why != "" {
		// What was away, on the request's one line rather than a line of its own.
		attrs = append(attrs, "error", why)
	}
	if why := c.GetString(rememberedKey); why != "" {
		attrs = append(attrs, "caller", "known from a recent check: the token could not be looked up", "lookup_error", why)
	}
	if probe := c.FullPath() == "/healthz" || c.FullPath() == "/readyz" || c.FullPath() == "/metrics"; probe && c.Writer.Status() < 400 {
		level = slog.LevelDebug // a load balancer's probe or a scrape every few seconds, answered well
	}
	if inProcess(c) && level == slog.LevelInfo {
		// A page's read of the JSON API: the page's own request is the one logged (under the
		// same request_id); with debug logs on, its reads too.
		level, attrs = slog.LevelDebug, append(attrs, "in_process", true)
	}
	if st, ok := c.Get(principalKey); ok {
		attrs = append(attrs, "staff_id", st.(models.Staff).ID)
	}
	if status := c.Writer.Status(); status == http.StatusUnauthorized || status == http.StatusTooManyRequests {
		// Who is knocking without a good token, or too often: the one place the address is kept.
		attrs = append(attrs, "client_ip", c.ClientIP())
	}
	if id := c.Param("id"); id != "" && strings.HasPrefix(c.FullPath(), "/api/v1/actions/") {
		attrs = append(attrs, "action_id", id, "workflow_id", workflows.ActionWorkflowID(id))
	} else if id := c.GetString(createdIDKey); id != "" {
		// A create names the action it made, or tried to: one answered 503 may still take effect.
		attrs = append(attrs, "action_id", id, "workflow_id", workflows.ActionWorkflowID(id))
	}
	s.Log.Log(c.Request.Context(), level, "http request", attrs...)
}

const requestIDKey = "request_id"

// maxLoggedPath bounds the path of a request no route took on its log line.
const maxLoggedPath = 200

// unavailableKey holds why a request was answered 503, for its log line.
const unavailableKey = "unavailable"

// rememberedKey holds, on a request whose caller was known from a recent check of their token,
// why the token could not be looked up now, for its log line.
const rememberedKey = "caller_remembered"

// createdIDKey holds the ID a create gave its action, for the request's log line.
const createdIDKey = "created_action_id"

// inProcess reports whether the request is a page's call of the JSON API, made in this process
// as the signed-in person (ui.go's call).
func inProcess(c *gin.Context) bool {
	_, ok := c.Request.Context().Value(trustedPrincipal{}).(models.Staff)
	return ok
}

const principalKey = "principal"

// authenticate resolves the bearer token to a member of staff.
func (s *server) authenticate(c *gin.Context) {
	if st, ok := c.Request.Context().Value(trustedPrincipal{}).(models.Staff); ok {
		c.Set(principalKey, st)
		c.Next()
		return
	}
	token, ok := bearerToken(c)
	if !ok {
		c.Header("WWW-Authenticate", `Bearer realm="handover"`)
		writeProblem(c, http.StatusUnauthorized, codeUnauthorized, "send Authorization: Bearer <token>", nil)
		return
	}
	if wait := s.failWait(c, failBearer); wait > 0 {
		if _, known := s.recent.recall(token, s.Now()); !known {
			c.Header("Retry-After", strconv.Itoa(retrySeconds(wait)))
			writeProblem(c, http.StatusTooManyRequests, codeRateLimited, "too many failed authentications from your address: retry after the given seconds", nil)
			return
		}
	}
	st, err := s.Store.StaffByToken(c.Request.Context(), token)
	if errors.Is(err, models.ErrNotFound) {
		s.authFailed(c, failBearer)
		s.recent.forget(token)
		c.Header("WWW-Authenticate", `Bearer realm="handover", error="invalid_token"`)
		writeProblem(c, http.StatusUnauthorized, codeUnauthorized, "the token is unknown or revoked", nil)
		return
	}
	if err == nil {
		s.recent.remember(token, st, s.Now())
	} else if remembered, ok := s.recent.recall(token, s.Now()); ok {
		c.Set(rememberedKey, err.Error())
		st = remembered
	} else {
		writeError(c, s.Log, err)
		return
	}
	c.Set(principalKey, st)
	c.Next()
}

// bearerToken is the request's Authorization: Bearer token, if it sends one. The scheme's name
// is read without regard to case (RFC 9110, 11.1): some HTTP clients send "bearer".
func bearerToken(c *gin.Context) (string, bool) {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

func principal(c *gin.Context) models.Staff {
	return c.MustGet(principalKey).(models.Staff)
}

func actorOf(st models.Staff) workflows.Actor {
	return workflows.Actor{ID: st.ID, Role: workflows.Role(st.Role), Name: st.Name}
}

func teamOf(st models.Staff) string {
	if st.TeamID == nil {
		return ""
	}
	return *st.TeamID
}

// seesAllTeams reports whether the caller's scope is every team.
func seesAllTeams(st models.Staff) bool {
	switch workflows.Role(st.Role) {
	case workflows.RoleManager, workflows.RoleAdmin, workflows.RoleService:
		return true
	}
	return false
}

// inScope reports whether the caller may see an action of this team.
func inScope(st models.Staff, teamID string) bool {
	return seesAllTeams(st) || (teamOf(st) != "" && teamOf(st) == teamID)
}

func (s *server) me(c *gin.Context) {
	st := principal(c)
	c.JSON(http.StatusOK, staffJSON(st))
}

// refuseBadText refuses a path or a query holding a NUL character, which no database text column
// takes, or bytes that are not UTF-8, which PostgreSQL refuses in text. JSON bodies are checked as
// they are decoded (encoding/json replaces bytes that are not UTF-8), and the web UI's forms reach
// the API as JSON bodies.
func refuseBadText(c *gin.Context) {
	bad := func(s string) bool { return strings.ContainsRune(s, 0) || !utf8.ValidString(s) }
	has := func(values url.Values) bool {
		for k, vs := range values {
			if bad(k) || slices.ContainsFunc(vs, bad) {
				return true
			}
		}
		return false
	}
	if bad(c.Request.URL.Path) || has(c.Request.URL.Query()) {
		writeProblem(c, http.StatusBadRequest, codeMalformed, "the path and query must be UTF-8 text without a NUL character", nil)
		c.Abort()
		return
	}
	c.Next()
}
