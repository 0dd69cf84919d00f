package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/api"
	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/temporalserver"
	"github.com/handover/handover/worker"
	"github.com/handover/handover/workflows"
)

// cutProxy is a loopback TCP proxy in front of PostgreSQL that the test can cut (every
// connection dropped, new ones refused) and restore.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	up     bool
	conns  map[net.Conn]struct{}
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target, up: true, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	go p.serve()
	return p
}

// proxiedPostgres is a test database reached through a cutProxy, and its URL through the proxy.
// It skips, saying so, without PostgreSQL.
func proxiedPostgres(t *testing.T) (*cutProxy, string) {
	direct, err := url.Parse(modelstest.PostgresURL(t))
	require.NoError(t, err)
	proxy := newCutProxy(t, direct.Host)
	proxied := *direct
	proxied.Host = proxy.ln.Addr().String()
	return proxy, proxied.String()
}

func (p *cutProxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if !p.up {
			p.mu.Unlock()
			_ = in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			_ = in.Close()
			continue
		}
		p.conns[in], p.conns[out] = struct{}{}, struct{}{}
		p.mu.Unlock()
		go func() { _, _ = io.Copy(out, in); _ = out.Close() }()
		go func() { _, _ = io.Copy(in, out); _ = in.Close() }()
	}
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = true
}

// When the read model's PostgreSQL goes away, commands on actions keep working through their
// workflows; once it is back the read model converges to the workflows' state with every event
// once and in order.
func TestReadModelOutage(t *testing.T) {
	t.Parallel()
	proxy, proxied := proxiedPostgres(t)
	st := startStack(t, t.TempDir(), proxied)
	alice, bob := as(t, st, "alice"), as(t, st, "bob")

	var ids []string
	for range 4 {
		var a action
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
		ids = append(ids, a.ID)
	}
	require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+ids[0]+"/handover", handoverBody, nil))
	require.Equal(t, http.StatusOK, bob.call("GET", "/api/v1/me", nil, nil))

	// The outage: every connection cut, none accepted, for a few seconds of commands.
	proxy.cut()
	// Readiness says which part is down, and not how to reach it; without the read model the API
	// stays in service (commands go on), degraded.
	var down struct{ Status, Degraded string }
	require.Equal(t, http.StatusOK, alice.call("GET", "/readyz", nil, &down))
	require.Equal(t, "degraded", down.Status)
	require.Equal(t, "read model", down.Degraded)
	// Metrics go on too: the read model's figures are missing, and its gauge says why.
	metrics := scrape(t, st.URL)
	require.Contains(t, metrics, "handover_read_model_up 0")
	require.Contains(t, metrics, "handover_temporal_up 1")
	require.Contains(t, metrics, "go_goroutines")
	require.NotContains(t, metrics, "handover_actions_open")
	// Reads that need the read model say so with 503 and Retry-After, at once; an action is read
	// from its workflow, all of it (the customer's sealed data shows as unavailable: its key is
	// in the read model too).
	var shown struct {
		Title           string `json:"title"`
		Status          string `json:"status"`
		PendingHandover *struct {
			ToID string `json:"to_id"`
		} `json:"pending_handover"`
		Customer struct {
			Name string `json:"name"`
		} `json:"customer"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+ids[0], nil, &shown))
	require.Equal(t, "Late checkout for room 214", shown.Title)
	require.Equal(t, "handover_pending", shown.Status)
	require.NotNil(t, shown.PendingHandover)
	require.Equal(t, "bob", shown.PendingHandover.ToID)
	require.Equal(t, "[unavailable]", shown.Customer.Name)
	for _, path := range []string{"/api/v1/actions?limit=5", "/api/v1/actions/" + ids[0] + "/events", "/api/v1/me/inbox"} {
		began := time.Now()
		req, err := http.NewRequest(http.MethodGet, st.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+app.DemoToken("alice"))
		resp, err := contractClient(t).Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
		require.Equal(t, "1", resp.Header.Get("Retry-After"), path)
		require.Less(t, time.Since(began), 5*time.Second, path)
	}
	var refused problem
	require.Equal(t, http.StatusServiceUnavailable, alice.call("POST", "/api/v1/actions", newAction("alice"), &refused), "a create needs the read model")
	require.Contains(t, refused.Detail, "read model is unavailable")
	began := time.Now()
	commands := 0
	for i, id := range ids {
		var a action
		require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+id+"/notes", map[string]any{"text": "during the outage"}, &a), id)
		commands++
		switch i {
		case 0:
			require.Equal(t, http.StatusOK, bob.call("POST", "/api/v1/actions/"+id+"/accept", map[string]any{"summary": "taken on while the database was away"}, &a))
			require.Equal(t, "bob", a.OwnerID)
		case 1:
			require.Equal(t, http.StatusOK, alice.call("POST", "/api/v1/actions/"+id+"/complete", map[string]any{"outcome": "done while the database was away"}, &a))
			require.Equal(t, "completed", a.Status)
		default:
			require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+id+"/notes", map[string]any{"text": "and another"}, nil))
		}
		commands++
	}
	// An action whose first projection has not reached the read model (started during the outage:
	// its projector retries every 5 s) is answered from its workflow once the database is back, not
	// 404.
	startUnprojected := func(team string) string {
		id := uuid.NewString()
		_, err := st.Client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
			ID: workflows.ActionWorkflowID(id), TaskQueue: workflows.TaskQueue,
		}, workflows.ActionWorkflowName, workflows.StartInput{
			ActionID: id, Title: "Taxi for 6am", Category: "request", Priority: "normal",
			TeamID: team, DueAt: time.Now().Add(4 * time.Hour),
			CreatedBy: workflows.Actor{ID: "crm", Role: workflows.RoleService}, Revision: workflows.CurrentRevision,
		})
		require.NoError(t, err)
		return id
	}
	unprojected, otherTeams := startUnprojected("frontdesk"), startUnprojected("kitchen")
	for time.Since(began) < 6*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	outage := time.Since(began)
	// The failed projections were counted, for alerting while commands went on.
	require.Regexp(t, `(?m)^handover_projection_failures_total\{[^}]*\} [1-9]`, scrape(t, st.URL))
	sweep := time.Now() // an integration's catch-up sweep, from before the read model is back
	proxy.restore()
	var early struct {
		Title   string `json:"title"`
		Version int64  `json:"version"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+unprojected, nil, &early), "an action started during the outage")
	require.Equal(t, "Taxi for 6am", early.Title)
	require.Equal(t, http.StatusNotFound, alice.call("GET", "/api/v1/actions/"+uuid.NewString(), nil, nil), "one that does not exist is still 404")
	require.Equal(t, http.StatusNotFound, alice.call("GET", "/api/v1/actions/"+otherTeams, nil, nil), "and one outside the caller's team")

	// Convergence: the read model reaches each workflow's version, with events 1..version once each.
	events := 0
	for _, id := range ids {
		var live action
		require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+id+"?consistent=true", nil, &live))
		require.Eventually(t, func() bool {
			var row action
			return alice.call("GET", "/api/v1/actions/"+id, nil, &row) == http.StatusOK && row.Version == live.Version
		}, 30*time.Second, 100*time.Millisecond, "the read model of %s never caught up", id)
		var tl struct {
			Items []struct {
				Seq  int64  `json:"seq"`
				Type string `json:"type"`
			} `json:"items"`
		}
		require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+id+"/events", nil, &tl))
		require.Len(t, tl.Items, int(live.Version), id)
		notes := 0
		for i, e := range tl.Items {
			require.Equal(t, int64(i+1), e.Seq, id)
			if e.Type == "note_added" {
				notes++
			}
		}
		require.Equal(t, 1+boolInt(id != ids[0] && id != ids[1]), notes, id)
		events += len(tl.Items)
	}
	// The sweep finds every action changed during the outage: written late, by when it was written
	// (the changes themselves keep the times they were made, before the sweep began).
	var swept struct {
		Items []struct {
			ID        string    `json:"id"`
			UpdatedAt time.Time `json:"updated_at"`
		} `json:"items"`
	}
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions?limit=200&updated_since="+url.QueryEscape(sweep.UTC().Format(time.RFC3339Nano)), nil, &swept))
	found := map[string]time.Time{}
	for _, a := range swept.Items {
		found[a.ID] = a.UpdatedAt
	}
	for _, id := range ids {
		require.Contains(t, found, id, "a change made during the outage is found by a sweep begun before it was written")
		require.True(t, found[id].Before(sweep), "and it still says when it was made")
	}
	t.Logf("read model cut for %s: %d commands answered during it; %d events of %d actions checked after it, 0 lost, 0 doubled",
		outage.Round(100*time.Millisecond), commands, events, len(ids))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A read model that stalls rather than goes away (a table locked by a long migration or a stuck
// transaction) holds every request only up to the command timeout: then 503 with Retry-After, the
// read and the command alike, and all works again once the lock is gone.
func TestReadModelStallIsBounded(t *testing.T) {
	t.Parallel()
	dbURL := modelstest.PostgresURL(t) // skips, saying so, without PostgreSQL
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := app.StartDev(ctx, app.DevConfig{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL,
		Demo: true, NoTemporalUI: true, CommandTimeout: 2 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Stop(context.Background()) })
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))

	db, err := gorm.Open(postgres.Open(dbURL), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	lock := db.Begin()
	require.NoError(t, lock.Exec("LOCK TABLE actions IN ACCESS EXCLUSIVE MODE").Error)
	locked := true
	t.Cleanup(func() {
		if locked {
			lock.Rollback()
		}
	})
	for _, req := range []struct{ method, path string }{
		{"GET", "/api/v1/actions/" + a.ID},
		{"POST", "/api/v1/actions/" + a.ID + "/notes"},
	} {
		began := time.Now()
		var problem struct {
			Status int `json:"status"`
		}
		code := alice.call(req.method, req.path, map[string]any{"text": "called the guest"}, &problem)
		took := time.Since(began)
		require.Equal(t, http.StatusServiceUnavailable, code, req.path)
		require.Less(t, took, 10*time.Second, "%s held for %s, past the 2 s command timeout", req.path, took)
	}
	require.NoError(t, lock.Rollback().Error)
	locked = false
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "called the guest"}, nil))
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, nil))
}

// An api or worker started while the read model is away waits for it (HANDOVER_DATABASE_WAIT)
// instead of exiting at once, and comes up when it is back; one that stays away ends the wait with
// the connection's error.
func TestStartWaitsForTheReadModel(t *testing.T) {
	t.Parallel()
	proxy, proxied := proxiedPostgres(t)
	ctx := context.Background()
	// The read model must be migrated before api and worker open it: a first open through the
	// proxy while it is up.
	_, err := app.Migrate(ctx, app.Config{DatabaseURL: proxied}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)

	proxy.cut()
	began := time.Now()
	_, err = app.OpenWaiting(ctx, proxied, time.Second, slog.New(slog.DiscardHandler))
	require.Error(t, err, "still away after the wait")
	require.True(t, models.Unavailable(err), "%v", err)
	require.GreaterOrEqual(t, time.Since(began), time.Second, "it waited the whole wait, its last try at the end")

	go func() {
		time.Sleep(2 * time.Second)
		proxy.restore()
	}()
	began = time.Now()
	store, err := app.OpenWaiting(ctx, proxied, time.Minute, slog.New(slog.DiscardHandler))
	require.NoError(t, err, "back within the wait")
	require.NoError(t, store.Close())
	require.GreaterOrEqual(t, time.Since(began), 2*time.Second)
}

// A read model that answers with a refusal waiting cannot mend (a database that does not exist, a
// user it does not know) ends the start at once, naming it, rather than after HANDOVER_DATABASE_WAIT
// of retries; a database that is not accepting connections now is still waited for.
func TestStartRefusesAWrongDatabaseAtOnce(t *testing.T) {
	t.Parallel()
	direct, err := url.Parse(modelstest.PostgresURL(t))
	require.NoError(t, err)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	_, err = app.Migrate(ctx, app.Config{DatabaseURL: direct.String()}, log)
	require.NoError(t, err)

	noDatabase, noUser := *direct, *direct
	noDatabase.Path = direct.Path + "_missing"
	noUser.User = url.User("handover_no_such_user")
	for name, u := range map[string]string{"no such database": noDatabase.String(), "no such user": noUser.String()} {
		began := time.Now()
		_, err := app.OpenWaiting(ctx, u, time.Minute, log)
		require.Error(t, err, name)
		require.False(t, models.Unavailable(err), "%s: %v", name, err)
		require.Less(t, time.Since(began), 5*time.Second, "%s: waited for a database that cannot come: %v", name, err)
	}

	// Closed to connections (an administrator's ALTER DATABASE): waited for, as an outage.
	admin, err := gorm.Open(postgres.Open(os.Getenv(modelstest.PostgresEnv)), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	db := strings.TrimPrefix(direct.Path, "/")
	require.NoError(t, admin.Exec("ALTER DATABASE "+db+" ALLOW_CONNECTIONS false").Error)
	t.Cleanup(func() { admin.Exec("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true") })
	go func() {
		time.Sleep(1500 * time.Millisecond)
		admin.Exec("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true")
	}()
	began := time.Now()
	store, err := app.OpenWaiting(ctx, direct.String(), time.Minute, log)
	require.NoError(t, err, "open once it accepts connections again")
	require.NoError(t, store.Close())
	require.GreaterOrEqual(t, time.Since(began), time.Second)
}

// An api or worker started before its Temporal service answers waits for it
// (HANDOVER_TEMPORAL_WAIT) instead of exiting at once; one that stays away ends the wait with the
// connection's error.
func TestStartWaitsForTemporal(t *testing.T) {
	t.Parallel()
	st := startStack(t, t.TempDir(), "")
	proxy := newCutProxy(t, st.Temporal.HostPort())
	proxy.cut()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	dial := func() (client.Client, error) {
		return client.DialContext(ctx, client.Options{HostPort: proxy.ln.Addr().String(), Namespace: st.Temporal.Namespace()})
	}

	began := time.Now()
	_, err := app.DialWaiting(ctx, time.Second, log, dial)
	require.Error(t, err, "still away after the wait")
	require.GreaterOrEqual(t, time.Since(began), time.Second, "it waited the whole wait, its last try at the end")

	go func() {
		time.Sleep(1500 * time.Millisecond)
		proxy.restore()
	}()
	tc, err := app.DialWaiting(ctx, 30*time.Second, log, dial)
	require.NoError(t, err, "connected once Temporal answered")
	defer tc.Close()
	_, err = tc.CheckHealth(ctx, &client.CheckHealthRequest{})
	require.NoError(t, err)

	// A refusal that waiting cannot mend is returned at once.
	began = time.Now()
	_, err = app.DialWaiting(ctx, 30*time.Second, log, func() (client.Client, error) {
		return nil, errors.New("temporal namespace \"nope\": not found")
	})
	require.Error(t, err)
	require.Less(t, time.Since(began), time.Second)
}

// While Temporal does not answer, a command, a create and a consistent read are answered 503 as
// soon as a health probe of the engine fails too, saying that the engine is unavailable, rather
// than after the whole command timeout; once it answers again the same API serves them.
func TestEngineOutageIsAnsweredAtOnce(t *testing.T) {
	t.Parallel()
	st := startStack(t, t.TempDir(), "")
	proxy := newCutProxy(t, st.Temporal.HostPort())
	ctx := context.Background()
	tc, err := client.DialContext(ctx, st.Keys.ClientOptions(client.Options{HostPort: proxy.ln.Addr().String(), Namespace: st.Temporal.Namespace()}))
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	// An API of its own, reaching Temporal through the proxy, with a command timeout no step
	// below comes near: an answer of the timeout would say "did not finish in time".
	var logged syncBuffer
	srv := httptest.NewServer(api.NewRouter(api.Deps{
		Temporal: tc, Store: st.Store, Codec: st.Keys, Sealer: st.Sealer, CommandTimeout: 45 * time.Second,
		Ready: func(ctx context.Context) error { return app.Readiness(ctx, tc, st.Store) },
		Log:   slog.New(slog.NewJSONHandler(&logged, nil)),
	}))
	t.Cleanup(srv.Close)
	alice := caller{t: t, base: srv.URL, token: app.DemoToken("alice")}
	var a action
	require.Equal(t, http.StatusCreated, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))

	web := newWebClient(t, srv.URL)
	web.signIn(app.DemoToken("alice"))
	_, page := web.do(http.MethodGet, "/actions/"+a.ID, nil)
	note := url.Values{"csrf": {csrfOf(t, page)}, "idem": {noteKeyOf(t, page)}, "text": {"guest asked again"}}

	proxy.cut()
	// A form not answered in time may still take effect: the page says so, not "Nothing changed",
	// and keeps the form's key, so that sending it again as it is makes it once.
	resp, page := web.do(http.MethodPost, "/actions/"+a.ID+"/note", note)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Contains(t, page, "<title>Not confirmed: ")
	require.Contains(t, page, "<strong>Not confirmed:</strong> The change could not be confirmed")
	require.NotContains(t, page, "Nothing changed")
	require.Equal(t, note.Get("idem"), noteKeyOf(t, page), "the form keeps its key")
	require.Contains(t, page, ">guest asked again</textarea>", "and what was typed")
	for _, req := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/actions/" + a.ID + "/notes", map[string]any{"text": "called the guest"}},
		{"POST", "/api/v1/actions", newAction("alice")},
		{"GET", "/api/v1/actions/" + a.ID + "?consistent=true", nil},
	} {
		var p problem
		require.Equal(t, http.StatusServiceUnavailable, alice.call(req.method, req.path, req.body, &p), req.path)
		require.Equal(t, "the workflow engine is unavailable; retry shortly", p.Detail, req.path)
	}
	// Each create's log line names the action it made, or tried to: one answered 503 may still
	// take effect, and the operator follows it to its workflow.
	type logLine struct {
		Level, Msg, Method, Route, Error string
		Status                           int
		ActionID                         string `json:"action_id"`
		Workflow                         string `json:"workflow_id"`
		RequestID                        string `json:"request_id"`
	}
	var creates []logLine
	lines := map[string]int{} // lines logged per request
	for _, line := range strings.Split(strings.TrimSpace(logged.String()), "\n") {
		var l logLine
		require.NoError(t, json.Unmarshal([]byte(line), &l))
		lines[l.RequestID]++
		if l.Msg == "http request" && l.Method == "POST" && l.Route == "/api/v1/actions" {
			creates = append(creates, l)
		}
	}
	require.Len(t, creates, 2)
	require.Equal(t, a.ID, creates[0].ActionID)
	require.Equal(t, "action/"+a.ID, creates[0].Workflow)
	require.Equal(t, http.StatusServiceUnavailable, creates[1].Status)
	require.NotEmpty(t, creates[1].ActionID, "the create that may still take effect")
	// A request answered 503 is one line, a warning that says what was away: the operator is told
	// once per request, not by a line of each layer.
	require.Equal(t, "WARN", creates[1].Level)
	require.NotEmpty(t, creates[1].Error)
	require.Equal(t, 1, lines[creates[1].RequestID], "one line for the request")
	// Reads from the read model go on, so the API stays in service, degraded: a load balancer
	// that took it out would stop them too.
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID, nil, nil))
	var down struct{ Status, Degraded string }
	require.Equal(t, http.StatusOK, alice.call("GET", "/readyz", nil, &down))
	require.Equal(t, "degraded", down.Status)
	require.Equal(t, "temporal", down.Degraded)

	proxy.restore()
	require.Eventually(t, func() bool {
		return alice.call("POST", "/api/v1/actions/"+a.ID+"/notes", map[string]any{"text": "called the guest"}, nil) == http.StatusCreated
	}, 30*time.Second, 200*time.Millisecond, "commands go through once Temporal answers")
	require.Equal(t, http.StatusOK, alice.call("GET", "/readyz", nil, &down))
	require.Equal(t, "ready", down.Status)

	// The form sent again, twice, from the page that said "Not confirmed": one note.
	for range 2 {
		resp, page = web.do(http.MethodPost, "/actions/"+a.ID+"/note", note)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, page)
	}
	var events struct{ Items []struct{ Type string } }
	require.Equal(t, http.StatusOK, alice.call("GET", "/api/v1/actions/"+a.ID+"/events", nil, &events))
	notes := 0
	for _, e := range events.Items {
		if e.Type == "note_added" {
			notes++
		}
	}
	require.Equal(t, 2, notes, "the API's note, and the form's once")
}

// noteKeyOf is the Idempotency-Key of an action page's note form.
func noteKeyOf(t *testing.T, page string) string {
	m := regexp.MustCompile(`<input type="hidden" name="idem" value="([^"]+-note)">`).FindStringSubmatch(page)
	require.NotNil(t, m, "the note form's key")
	return m[1]
}

// syncBuffer is a bytes.Buffer written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// While no worker runs, every page says that changes wait (a form answers "Not confirmed" after the
// command timeout, and the desk had no other sign of it); once a worker polls, the pages stop
// saying it. Against a Temporal server of its own, on which no worker has run.
func TestPagesSayWhenNoWorkerRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := temporalserver.Start(ctx, temporalserver.Config{DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = engine.Stop() })
	tc, err := client.DialContext(ctx, client.Options{HostPort: engine.HostPort(), Namespace: engine.Namespace()})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	require.NoError(t, store.CreateTeam(ctx, "test-admin", models.Team{ID: "desk", Name: "Desk"}))
	desk := "desk"
	require.NoError(t, store.CreateStaff(ctx, "test-admin", models.Staff{ID: "ann", Name: "Ann", Role: "agent", TeamID: &desk, Authority: 1, OnShift: true, Active: true}))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann", "test"))
	ready := func(ctx context.Context) error { return app.Readiness(ctx, tc, store) }
	srv := httptest.NewServer(api.NewRouter(api.Deps{Temporal: tc, Store: store, WorkerCheck: 100 * time.Millisecond, Ready: ready}))
	t.Cleanup(srv.Close)
	web := newWebClient(t, srv.URL)
	web.signIn("token-ann")
	says := func() bool {
		_, page := web.do(http.MethodGet, "/inbox", nil)
		return strings.Contains(page, `<p class="problem" id="no-workers"><strong>Changes are waiting:</strong> the service's workers are not running`)
	}
	require.Eventually(t, says, 20*time.Second, 100*time.Millisecond, "no worker has polled")
	// So does the readiness probe, in service (reads go on), for whoever watches it.
	readiness := func() (int, string) {
		resp, err := http.Get(srv.URL + "/readyz")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	status, body := readiness()
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"degraded","degraded":"workers"}`, body)
	_, page := web.do(http.MethodGet, "/inbox", nil)
	require.NotContains(t, page, `id="no-workers" hidden`)

	// A page left open hears it from its event stream, once, and again when a worker polls.
	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(streamCtx, http.MethodGet, srv.URL+"/events", nil)
	require.NoError(t, err)
	resp, err := web.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	events := make(chan string, 16)
	go func() {
		defer close(events)
		lines := bufio.NewScanner(resp.Body)
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				events <- data
			}
		}
	}()
	next := func(why string) string {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-time.After(20 * time.Second):
			t.Fatalf("no event: %s", why)
			return ""
		}
	}
	require.Equal(t, `{"running":false}`, next("the stream says no worker runs"))
	// The API's own stream, for integrations, carries no such event.
	apiReq, err := http.NewRequestWithContext(streamCtx, http.MethodGet, srv.URL+"/api/v1/stream", nil)
	require.NoError(t, err)
	apiReq.Header.Set("Authorization", "Bearer token-ann")
	apiResp, err := http.DefaultClient.Do(apiReq)
	require.NoError(t, err)
	defer apiResp.Body.Close()
	require.Equal(t, http.StatusOK, apiResp.StatusCode)
	var apiLines syncBuffer
	go func() {
		lines := bufio.NewScanner(apiResp.Body)
		for lines.Scan() {
			_, _ = apiLines.Write([]byte(lines.Text() + "\n"))
		}
	}()

	w := worker.New(tc, &activities.Activities{Store: store}, nil)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	require.Equal(t, `{"running":true}`, next("a worker polls"), "said once, then when it changed")
	require.Contains(t, apiLines.String(), ": connected", "the API's stream was open meanwhile")
	require.NotContains(t, apiLines.String(), "workers", "and said nothing of workers")
	require.Eventually(t, func() bool { return !says() }, 20*time.Second, 100*time.Millisecond, "a worker polls")
	status, body = readiness()
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ready"}`, body)
	_, page = web.do(http.MethodGet, "/inbox", nil)
	require.Contains(t, page, `<p id="no-workers" hidden>`, "the banner is there for the stream to show")
}

// A worker started while the read model is away runs its workflows all the same: an action's due
// time fires then, not when the database is back. Its activities wait; once the read model
// answers, within HANDOVER_DATABASE_WAIT, the projection lands. One whose read model stays away
// past the wait ends, to be restarted, rather than holding actions it cannot project. Against a
// Temporal server of its own, on which no other worker runs.
func TestWorkerStartedDuringAReadModelOutageRunsItsWorkflows(t *testing.T) {
	t.Parallel()
	proxy, proxied := proxiedPostgres(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	_, err := app.Migrate(ctx, app.Config{DatabaseURL: proxied}, log)
	require.NoError(t, err)
	engine, err := temporalserver.Start(ctx, temporalserver.Config{DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = engine.Stop() })
	cfg := app.Config{DatabaseURL: proxied, DatabaseWait: time.Minute, TemporalAddress: engine.HostPort(), TemporalNamespace: engine.Namespace(),
		TemporalWait: time.Minute, EncryptionKey: codec.NewKey(), CommandTimeout: 30 * time.Second}
	keys, err := cfg.Keyring()
	require.NoError(t, err)
	tc, err := client.DialContext(ctx, keys.ClientOptions(client.Options{HostPort: engine.HostPort(), Namespace: engine.Namespace()}))
	require.NoError(t, err)
	t.Cleanup(tc.Close)

	// An action projected by a worker that ran before the outage.
	start1, stop1 := context.WithCancel(ctx)
	ended1 := make(chan error, 1)
	go func() { ended1 <- app.RunWorker(start1, cfg, log) }()
	// Started once the worker has recorded the namespace its new read model serves: an action in
	// the namespace before that would make the read model another's (TestProcessesRefuseAnother...).
	written := modelstest.Open(t, proxied)
	require.Eventually(t, func() bool { served, err := written.ServedNamespace(ctx); return err == nil && served != nil }, 30*time.Second, 20*time.Millisecond)
	before := uuid.NewString()
	_, err = tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(before), TaskQueue: workflows.TaskQueue},
		workflows.ActionWorkflowName, workflows.StartInput{ActionID: before, Title: "Airport taxi", Category: "request", Priority: "normal",
			OwnerID: "alice", TeamID: "frontdesk", DueAt: time.Now().Add(time.Hour), CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, err := written.GetAction(ctx, before); return err == nil }, 20*time.Second, 50*time.Millisecond)
	stop1()
	require.NoError(t, <-ended1)
	// The workflow is let go of the stopped worker's sticky queue: a workflow task that completes
	// after the stop's ShutdownWorker call ties it to that queue again, and its next task would
	// wait out the sticky queue's 5 s before going to the shared queue (Temporal's race, which
	// this test does not measure).
	_, err = tc.WorkflowService().ResetStickyTaskQueue(ctx, &workflowservice.ResetStickyTaskQueueRequest{
		Namespace: engine.Namespace(), Execution: &commonpb.WorkflowExecution{WorkflowId: workflows.ActionWorkflowID(before)}})
	require.NoError(t, err)

	proxy.cut()
	runCtx, stop := context.WithCancel(ctx)
	ended := make(chan error, 1)
	go func() { ended <- app.RunWorker(runCtx, cfg, log) }()
	t.Cleanup(func() {
		stop()
		<-ended
	})
	// A command to it, on the worker started during the outage, is answered from the workflow
	// once its projection has failed (its five quick tries, about 1.5 s), as by a worker that was
	// running when the outage began: the gate fails them at once once the read model has been
	// tried, where waiting at it held the workflow's task, and the commands and timers behind it,
	// for the local activity's 10 s. That is timed within the workflow, from the start of the
	// workflow task that took the command to its answer: how long Temporal took to hand the task
	// to the new worker is not the gate's (a workflow task lost on its way and handed out again
	// after its 10 s timeout makes the command 11.5 s, its five tries as quick as ever).
	began := time.Now()
	handle, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.ActionWorkflowID(before), UpdateName: workflows.UpdateNote,
		Args:         []any{workflows.NoteInput{Actor: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}, Text: "called the guest"}, workflows.Idempotency{}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	require.NoError(t, err)
	var noted workflows.State
	answered, cancelAnswer := context.WithTimeout(ctx, 30*time.Second) // during the outage, not once the read model is back
	defer cancelAnswer()
	require.NoError(t, handle.Get(answered, &noted))
	took := updateTook(t, tc, workflows.ActionWorkflowID(before), handle.UpdateID())
	require.Less(t, took, 5*time.Second, "answered once the projection failed (%s after it was sent)", time.Since(began))

	id := uuid.NewString()
	due := time.Now().Add(2 * time.Second)
	_, err = tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ActionWorkflowID(id), TaskQueue: workflows.TaskQueue},
		workflows.ActionWorkflowName, workflows.StartInput{ActionID: id, Title: "Late checkout", Category: "request", Priority: "normal",
			OwnerID: "alice", TeamID: "frontdesk", DueAt: due, CreatedBy: workflows.Actor{ID: "alice", Role: workflows.RoleAgent}})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		v, err := tc.QueryWorkflow(ctx, workflows.ActionWorkflowID(id), "", workflows.QueryState)
		require.NoError(c, err, "a worker runs the workflow")
		var st workflows.State
		require.NoError(c, v.Get(&st))
		require.Equal(c, workflows.StatusChecking, st.Status, "its due time fired")
	}, 20*time.Second, 100*time.Millisecond)
	require.Less(t, time.Since(due), 15*time.Second)
	select {
	case err := <-ended:
		t.Fatalf("the worker ended during the outage, within its database wait: %v", err)
	default:
	}
	short := cfg
	short.DatabaseWait = time.Second
	err = app.RunWorker(ctx, short, log)
	require.True(t, models.Unavailable(err), "away past the wait: %v", err)

	proxy.restore()
	require.Eventually(t, func() bool {
		a, err := written.GetAction(ctx, id)
		b, errb := written.GetAction(ctx, before)
		return err == nil && a.Status == string(workflows.StatusChecking) && errb == nil && b.Version == noted.Version
	}, 30*time.Second, 100*time.Millisecond, "the projections land once the read model is back")

	// One whose read model answers but cannot be served (not migrated) ends, saying what to do,
	// before it has polled Temporal for any task.
	unmigrated := cfg
	unmigrated.DatabaseURL = modelstest.PostgresURL(t)
	var said strings.Builder
	require.ErrorContains(t, app.RunWorker(ctx, unmigrated, slog.New(slog.NewTextHandler(&said, nil))), "run `handover migrate` first")
	require.NotContains(t, said.String(), "worker running")
}

// updateTook is how long an update spent in its workflow, as the history records it: from the
// start of the workflow task that accepted it to its completion. The time the task waited to be
// handed to a worker is left out.
func updateTook(t *testing.T, tc client.Client, workflowID, updateID string) time.Duration {
	t.Helper()
	started := map[int64]time.Time{}
	var taskStarted, accepted, completed time.Time
	events := tc.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for events.HasNext() {
		e, err := events.Next()
		require.NoError(t, err)
		switch {
		case e.GetWorkflowTaskStartedEventAttributes() != nil:
			started[e.GetEventId()] = e.GetEventTime().AsTime()
		case e.GetWorkflowTaskCompletedEventAttributes() != nil:
			taskStarted = started[e.GetWorkflowTaskCompletedEventAttributes().GetStartedEventId()]
		case e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetMeta().GetUpdateId() == updateID:
			accepted = taskStarted
		case e.GetWorkflowExecutionUpdateCompletedEventAttributes().GetMeta().GetUpdateId() == updateID:
			completed = e.GetEventTime().AsTime()
		}
	}
	require.False(t, accepted.IsZero() || completed.IsZero(), "update %s accepted and completed in the history of %s", updateID, workflowID)
	return completed.Sub(accepted)
}

// An action whose first projection has not reached the read model (its worker cannot reach the
// database, while the API can) is read from its workflow, and its page works out what the viewer
// may do from the workflow too: not "Nothing for you to do" for want of the row.
func TestActionPageWithoutItsRow(t *testing.T) {
	t.Parallel()
	proxy, proxied := proxiedPostgres(t)
	st := startStack(t, t.TempDir(), proxied)
	// An API of its own, on the same database reached directly.
	directURL, err := url.Parse(proxied)
	require.NoError(t, err)
	directURL.Host = proxy.target
	direct, err := models.Open(directURL.String(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = direct.Close() })
	srv := httptest.NewServer(api.NewRouter(api.Deps{
		Temporal: st.Client, Store: direct, Codec: st.Keys, Sealer: st.Sealer, CommandTimeout: 45 * time.Second,
	}))
	t.Cleanup(srv.Close)
	web := newWebClient(t, srv.URL)
	web.signIn(app.DemoToken("alice"))

	proxy.cut() // the stack's worker no longer reaches the read model
	id := uuid.NewString()
	_, err = st.Client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{
		ID: workflows.ActionWorkflowID(id), TaskQueue: workflows.TaskQueue,
	}, workflows.ActionWorkflowName, workflows.StartInput{
		ActionID: id, Title: "Extra towels for 312", Category: "request", Priority: "normal",
		TeamID: "frontdesk", DueAt: time.Now().Add(4 * time.Hour),
		CreatedBy: workflows.Actor{ID: "crm", Role: workflows.RoleService}, Revision: workflows.CurrentRevision,
	})
	require.NoError(t, err)
	resp, page := web.do(http.MethodGet, "/actions/"+id, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, page, "Extra towels for 312")
	require.Contains(t, page, `id="form-claim"`, "nobody owns it: she may claim it")
	require.NotContains(t, page, "Nothing for you to do")
	require.NotContains(t, page, "could not be worked out")
	_, err = direct.GetAction(context.Background(), id)
	require.ErrorIs(t, err, models.ErrNotFound, "the page was drawn without the action's row")
}

// A worker says in its log when Temporal stops answering it and when it answers again, once each:
// the SDK logged only the polls that failed as it went.
func TestWorkerLogsTemporalAwayAndBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := temporalserver.Start(ctx, temporalserver.Config{DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = engine.Stop() })
	proxy := newCutProxy(t, engine.HostPort())
	dbURL := modelstest.SQLiteURL(t)
	_, err = app.Migrate(ctx, app.Config{DatabaseURL: dbURL}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	var logged syncBuffer
	cfg := app.Config{DatabaseURL: dbURL, DatabaseWait: time.Minute, TemporalAddress: proxy.ln.Addr().String(), TemporalNamespace: engine.Namespace(),
		TemporalWait: time.Minute, EncryptionKey: codec.NewKey(), TemporalCheck: 200 * time.Millisecond}
	runCtx, stop := context.WithCancel(ctx)
	ended := make(chan error, 1)
	go func() { ended <- app.RunWorker(runCtx, cfg, slog.New(slog.NewJSONHandler(&logged, nil))) }()
	t.Cleanup(func() {
		stop()
		<-ended
	})
	require.Eventually(t, func() bool { return strings.Contains(logged.String(), "worker running") }, 30*time.Second, 50*time.Millisecond)
	lines := func(msg string) int { return strings.Count(logged.String(), `"msg":"`+msg+`"`) }
	const away, back = "Temporal does not answer: workflows, their timers and the commands sent to them wait until it does", "Temporal answers again"

	proxy.cut()
	require.Eventually(t, func() bool { return lines(away) == 1 }, 10*time.Second, 50*time.Millisecond, "the worker says Temporal is away")
	time.Sleep(time.Second) // five more looks, all failed
	require.Equal(t, 1, lines(away), "said once, not at every look")
	require.Zero(t, lines(back))
	proxy.restore()
	require.Eventually(t, func() bool { return lines(back) == 1 }, 10*time.Second, 50*time.Millisecond, "and that it is back")
	require.Regexp(t, `"level":"WARN","msg":"`+away+`","temporal_error":"[^"]+"`, logged.String())
	require.Regexp(t, `"level":"INFO","msg":"`+back+`","away_for":"[0-9]+s"`, logged.String())
}
