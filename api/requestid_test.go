package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
)

func TestRequestIDsAreKeptOrMadeAndLogged(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := newEngine(Deps{Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	call := func(id string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if id != "" {
			req.Header.Set("X-Request-Id", id)
		}
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code)
		return rec.Header().Get("X-Request-Id")
	}
	require.Equal(t, "crm-4711", call("crm-4711"), "a caller's ID is kept")
	made := call("")
	_, err := uuid.Parse(made)
	require.NoError(t, err, "one is made when none is sent")
	replaced := call("bad id\nwith newline")
	require.NotEqual(t, "bad id\nwith newline", replaced)

	var line struct {
		Msg       string `json:"msg"`
		RequestID string `json:"request_id"`
		Route     string `json:"route"`
		Status    int    `json:"status"`
	}
	first, _, _ := bytes.Cut(logs.Bytes(), []byte("\n"))
	require.NoError(t, json.Unmarshal(first, &line))
	require.Equal(t, "http request", line.Msg)
	require.Equal(t, "crm-4711", line.RequestID)
	require.Equal(t, "/healthz", line.Route)
	require.Equal(t, http.StatusOK, line.Status)

	// A probe or a scrape answered well is logged at debug level: a load balancer's every few
	// seconds, or Prometheus's, would bury the requests.
	var quiet bytes.Buffer
	h = newEngine(Deps{Log: slog.New(slog.NewJSONHandler(&quiet, nil)), Metrics: prometheus.NewRegistry()})
	for _, path := range []string{"/healthz", "/metrics"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		require.Equal(t, http.StatusOK, rec.Code, path)
	}
	require.Empty(t, quiet.String())

	// A request no route took says its path (not its query), bounded.
	var stray bytes.Buffer
	h = newEngine(Deps{Log: slog.New(slog.NewJSONHandler(&stray, nil)), Metrics: prometheus.NewRegistry()})
	for _, target := range []string{"/api/v1/nowhere?customer=patel", "/" + strings.Repeat("x", 300)} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodDelete, target, nil))
	}
	type strayLine struct {
		Route string `json:"route"`
		Path  string `json:"path"`
	}
	var strays []strayLine
	for _, raw := range bytes.Split(bytes.TrimSpace(stray.Bytes()), []byte("\n")) {
		var l strayLine
		require.NoError(t, json.Unmarshal(raw, &l))
		strays = append(strays, l)
	}
	require.Len(t, strays, 2)
	require.Equal(t, strayLine{Path: "/api/v1/nowhere"}, strays[0], "the query left out")
	require.Equal(t, strayLine{Path: "/" + strings.Repeat("x", 196) + "..."}, strays[1], "200 characters")
}

// A web page is one request in the log and the metrics: the reads of the JSON API it makes in the
// process are logged at debug level only, under its request ID, and not counted.
func TestAPageIsLoggedAndCountedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	require.NoError(t, store.SaveStaff(ctx, models.Staff{ID: "ann", Name: "Ann", Role: "agent", Authority: 1, OnShift: true, Active: true}))
	require.NoError(t, store.AddToken(ctx, "ann", "token-ann", "test"))
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	h := NewRouter(Deps{Store: store, Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: reg, Now: time.Now})
	sess, err := store.OpenSession(ctx, "token-ann", time.Now(), time.Hour)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/inbox", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sess.ID})
	req.Header.Set("X-Request-Id", "page-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	var info, debug []string
	for _, raw := range bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n")) {
		var line struct {
			Level, Msg, Route, RequestID string
			InProcess                    bool `json:"in_process"`
		}
		require.NoError(t, json.Unmarshal(raw, &line))
		if line.Msg != "http request" {
			continue
		}
		switch line.Level {
		case "INFO":
			info = append(info, line.Route)
		case "DEBUG":
			require.True(t, line.InProcess)
			debug = append(debug, line.Route)
		}
	}
	require.Equal(t, []string{"/inbox"}, info, "the page once")
	require.Contains(t, debug, "/api/v1/me/inbox", "its reads at debug level")

	families, err := reg.Gather()
	require.NoError(t, err)
	var routes []string
	for _, f := range families {
		if f.GetName() != "handover_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" {
					routes = append(routes, l.GetValue())
				}
			}
		}
	}
	require.Equal(t, []string{"/inbox"}, routes)
}

// Requests with made-up methods are counted under the method "other": each would otherwise add
// series of its own to /metrics, without end, for anyone who can reach the port.
func TestMadeUpMethodsShareOneLabel(t *testing.T) {
	t.Parallel()
	var sent [][2]string
	for _, m := range []string{"M00001X", "M00002X", "BREW", http.MethodGet, http.MethodHead} {
		sent = append(sent, [2]string{m, "/x"})
	}
	methods := countedRequests(t, sent, "method")
	require.Equal(t, map[string]float64{"other": 3, "GET": 1, "HEAD": 1}, methods, "a HEAD, answered as a GET, counted as a HEAD")
}

// countedRequests sends each request (method and path) to an API of its own and answers its
// handover_http_requests_total, summed by the labels named, joined with a space.
func countedRequests(t *testing.T, sent [][2]string, by ...string) map[string]float64 {
	t.Helper()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	reg := prometheus.NewRegistry()
	h := NewRouter(Deps{Store: store, Log: slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)), Metrics: reg, Now: time.Now})
	for _, r := range sent {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r[0], r[1], nil))
	}
	families, err := reg.Gather()
	require.NoError(t, err)
	counted := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "handover_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			var key []string
			for _, name := range by {
				key = append(key, labels[name])
			}
			counted[strings.Join(key, " ")] += m.GetCounter().GetValue()
		}
	}
	return counted
}

// A method a served path does not take is counted apart from a path the API does not serve: a
// dashboard of "unmatched" read both as one.
func TestMethodNotAllowedCountedApart(t *testing.T) {
	t.Parallel()
	counted := countedRequests(t, [][2]string{{http.MethodDelete, "/healthz"}, {http.MethodDelete, "/api/v1/actions"}, {http.MethodGet, "/nowhere"}}, "route", "status")
	require.Equal(t, map[string]float64{"method_not_allowed 405": 2, "unmatched 404": 1}, counted)
}

// HEAD is answered on every GET route, as GET is but without the body: a monitor probing /healthz
// with HEAD saw 405. The event streams are not: a HEAD of one would hold a connection open.
func TestHeadIsAnsweredAsGet(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(NewRouter(Deps{}))
	defer srv.Close()
	do := func(method, path string) *http.Response {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if method == http.MethodHead {
			require.Empty(t, body, path)
		}
		return resp
	}
	for path, want := range map[string]int{"/healthz": http.StatusOK, "/api/v1/actions": http.StatusUnauthorized, "/nowhere": http.StatusNotFound,
		"/api/v1/stream": http.StatusMethodNotAllowed, "/events": http.StatusMethodNotAllowed} {
		head := do(http.MethodHead, path)
		require.Equal(t, want, head.StatusCode, path)
		if want == http.StatusMethodNotAllowed {
			continue
		}
		get := do(http.MethodGet, path)
		require.Equal(t, get.Header.Get("Content-Type"), head.Header.Get("Content-Type"), path)
		require.Equal(t, get.ContentLength, head.ContentLength, path)
	}
	// A method a route does not take is answered 405 with the methods it does: HEAD among them
	// wherever GET is, but for the streams.
	for path, want := range map[string]string{"/healthz": "GET, HEAD", "/api/v1/stream": "GET", "/events": "GET", "/signin": "GET, POST, HEAD"} {
		resp := do(http.MethodDelete, path)
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, path)
		require.Equal(t, want, resp.Header.Get("Allow"), path)
	}
}

// An address with no page, asked for by a browser, is answered with a page saying so; the API's
// clients, and any path under /api/, get the problem document.
func TestNoPageHereForABrowser(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(NewRouter(Deps{}))
	defer srv.Close()
	get := func(path, accept string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", accept)
		// A confirmation a form left for the page its redirect leads to.
		req.AddCookie(&http.Cookie{Name: doneCookie, Value: base64.RawURLEncoding.EncodeToString([]byte("Handed over to Bob Brown."))})
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	resp, page := get("/changes", browser)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, page, "There is no page at this address.")
	require.Contains(t, page, `<a href="/inbox">`, "a way on")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'", "sent as every page is")
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.NotContains(t, page, "Handed over to Bob Brown.")
	require.Empty(t, resp.Header.Values("Set-Cookie"), "the confirmation is left for the page it was meant for")
	for path, accept := range map[string]string{"/changes": "application/json", "/api/v1/nothing": browser} {
		resp, body := get(path, accept)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), path)
		require.Contains(t, body, "no such route")
	}
}

// A page answered 503 because the session could not be checked (the read model away) says why on
// its log line, as a JSON request does: the statement's own line is at debug level only.
func TestPageUnavailableSaysWhyInItsLogLine(t *testing.T) {
	t.Parallel()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := closed.Addr().String()
	require.NoError(t, closed.Close())
	store, err := models.OpenLater("postgres://nobody@"+addr+"/none?sslmode=disable&connect_timeout=2", nil)
	require.NoError(t, err)
	defer store.Close()
	var logs bytes.Buffer
	h := NewRouter(Deps{Store: store, Log: slog.New(slog.NewJSONHandler(&logs, nil)), Now: time.Now})
	req := httptest.NewRequest(http.MethodGet, "/inbox", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "some-session"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	type logLine struct{ Level, Msg, Route, Error string }
	var line logLine
	for _, raw := range bytes.Split(bytes.TrimSpace(logs.Bytes()), []byte("\n")) {
		line = logLine{}
		require.NoError(t, json.Unmarshal(raw, &line))
		if line.Msg == "http request" {
			break
		}
	}
	require.Equal(t, "http request", line.Msg, logs.String())
	require.Equal(t, "WARN", line.Level)
	require.Equal(t, "/inbox", line.Route)
	require.Contains(t, line.Error, "connection refused")
}

// With a metrics token the API's /metrics answers only a scrape that sends it as its bearer
// token, saying how in a problem; its /healthz stays open, and without a token /metrics is open.
func TestMetricsToken(t *testing.T) {
	t.Parallel()
	store := modelstest.Open(t, modelstest.SQLiteURL(t))
	quiet := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	get := func(h http.Handler, path, auth string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	guarded := NewRouter(Deps{Store: store, Log: quiet, Now: time.Now, MetricsToken: "s3cret-metrics-token"})
	refused := get(guarded, "/metrics", "Bearer demo-alice")
	require.Equal(t, http.StatusUnauthorized, refused.Code, "a staff token is not the metrics token")
	require.Equal(t, `Bearer realm="metrics"`, refused.Header().Get("WWW-Authenticate"))
	var p problem
	require.NoError(t, json.Unmarshal(refused.Body.Bytes(), &p))
	require.Equal(t, codeUnauthorized, p.Code)
	require.Contains(t, p.Detail, "HANDOVER_METRICS_TOKEN")
	require.Equal(t, http.StatusUnauthorized, get(guarded, "/metrics", "").Code)
	scraped := get(guarded, "/metrics", "Bearer s3cret-metrics-token")
	require.Equal(t, http.StatusOK, scraped.Code)
	require.Contains(t, scraped.Body.String(), "handover_http_requests_total")
	require.Equal(t, http.StatusOK, get(guarded, "/healthz", "").Code)
	open := NewRouter(Deps{Store: store, Log: quiet, Now: time.Now})
	require.Equal(t, http.StatusOK, get(open, "/metrics", "").Code)
}
