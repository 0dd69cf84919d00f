package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/app"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/models/modelstest"
	"github.com/handover/handover/workflows"
)

// The production processes refuse to run without an encryption key (there is no unencrypted mode)
// and refuse a key that is not 32 bytes.
func TestProductionProcessesNeedAnEncryptionKey(t *testing.T) {
	t.Parallel()
	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	cfg.DatabaseURL = modelstest.SQLiteURL(t)
	cfg.EncryptionKey = ""
	require.ErrorContains(t, app.RunAPI(context.Background(), cfg, nil), "HANDOVER_ENCRYPTION_KEY is required")
	require.ErrorContains(t, app.RunWorker(context.Background(), cfg, nil), "HANDOVER_ENCRYPTION_KEY is required")

	cfg.EncryptionKey = "too-short"
	require.ErrorContains(t, cfg.Validate(), "encryption key")
	cfg.EncryptionKey = codec.NewKey()
	cfg.OldEncryptionKeys = []string{codec.NewKey()}
	require.NoError(t, cfg.Validate())
	_, err = cfg.Keyring()
	require.NoError(t, err)
	cfg.OldEncryptionKeys = []string{"too-short"}
	_, err = cfg.Keyring()
	require.ErrorContains(t, err, "HANDOVER_ENCRYPTION_OLD_KEYS", "a bad old key is named as such")
}

// `handover dev` generates its key on first start and reuses it after a restart, so what it wrote
// before stays readable.
func TestDevKeepsItsGeneratedKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := startStack(t, dir, "")
	first := st.Keys.CurrentKeyID()
	alice := as(t, st, "alice")
	var a action
	require.Equal(t, 201, alice.call("POST", "/api/v1/actions", newAction("alice"), &a))
	require.NoError(t, st.Stop(context.Background()))

	// It logs the key's ID at start, as api and worker do (rewrap-keys --to asks for it).
	var logged syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	again, err := app.StartDev(ctx, app.DevConfig{DataDir: dir, HTTPAddr: "127.0.0.1:0", Demo: true, NoTemporalUI: true,
		Log: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = again.Stop(context.Background()) })
	require.Equal(t, first, again.Keys.CurrentKeyID())
	require.Contains(t, logged.String(), "encryption_key_id="+first)
	require.Contains(t, logged.String(), `msg="worker running" webhook=none`, "and where its webhook goes, as the worker does")
	var got struct {
		Customer struct{ Name string } `json:"customer"`
	}
	require.Equal(t, 200, as(t, again, "alice").call("GET", "/api/v1/actions/"+a.ID+"?consistent=true", nil, &got))
	require.Equal(t, "Ms Patel", got.Customer.Name)
}

// A setting that cannot work stops the process at start with the variable's name, instead of
// failing later (a trace exporter dialling nowhere, a command timeout of zero answering every
// command 503).
func TestConfigNamesTheSettingThatCannotWork(t *testing.T) {
	t.Parallel()
	base, err := app.LoadConfig()
	require.NoError(t, err)
	require.NoError(t, base.Validate(), "the defaults work")
	for name, tc := range map[string]struct {
		set  func(*app.Config)
		want string
	}{
		"temporal address":               {func(c *app.Config) { c.TemporalAddress = "temporal" }, "HANDOVER_TEMPORAL_ADDRESS"},
		"http address":                   {func(c *app.Config) { c.HTTPAddr = ":80:80" }, "HANDOVER_HTTP_ADDR"},
		"otlp endpoint":                  {func(c *app.Config) { c.OTLPEndpoint = "http://collector:4317/v1" }, "HANDOVER_OTLP_ENDPOINT"},
		"metrics address":                {func(c *app.Config) { c.MetricsAddr = "9090" }, "HANDOVER_METRICS_ADDR"},
		"no command timeout":             {func(c *app.Config) { c.CommandTimeout = 0 }, "HANDOVER_COMMAND_TIMEOUT"},
		"negative timeout":               {func(c *app.Config) { c.CommandTimeout = -time.Second }, "HANDOVER_COMMAND_TIMEOUT"},
		"negative database wait":         {func(c *app.Config) { c.DatabaseWait = -time.Second }, "HANDOVER_DATABASE_WAIT"},
		"negative temporal wait":         {func(c *app.Config) { c.TemporalWait = -time.Second }, "HANDOVER_TEMPORAL_WAIT"},
		"timeout past the write timeout": {func(c *app.Config) { c.CommandTimeout = 51 * time.Second }, "HANDOVER_COMMAND_TIMEOUT"},
		"webhook url":                    {func(c *app.Config) { c.WebhookURL = "ftp://x" }, "HANDOVER_WEBHOOK_URL"},
		"webhook secret short":           {func(c *app.Config) { c.WebhookURL, c.WebhookSecret = "https://pms.example.com/hook", "short" }, "HANDOVER_WEBHOOK_SECRET is 5 characters: at least 16 are required"},
		"webhook url without secret":     {func(c *app.Config) { c.WebhookURL = "https://pms.example.com/hook" }, "HANDOVER_WEBHOOK_SECRET is required with HANDOVER_WEBHOOK_URL"},
		// A worker whose URL went missing (a misspelt variable) would send no webhook at all.
		"webhook secret without url": {func(c *app.Config) { c.WebhookSecret = "0123456789abcdef" }, "HANDOVER_WEBHOOK_SECRET is set without HANDOVER_WEBHOOK_URL"},
		"log format":                 {func(c *app.Config) { c.LogFormat = "xml" }, "HANDOVER_LOG_FORMAT"},
		"log level":                  {func(c *app.Config) { c.LogLevel = "loud" }, "HANDOVER_LOG_LEVEL"},
		"rate burst":                 {func(c *app.Config) { c.RateBurst = 0 }, "HANDOVER_RATE_BURST"},
		"trusted proxy":              {func(c *app.Config) { c.TrustedProxies = []string{"10.0.0.0/8", "lb.internal"} }, "HANDOVER_TRUSTED_PROXIES"},
		"temporal ui url":            {func(c *app.Config) { c.TemporalUIURL = "notaurl" }, "HANDOVER_TEMPORAL_UI_URL"},
		"codec origin wildcard":      {func(c *app.Config) { c.CodecOrigins = []string{"*"} }, "HANDOVER_CODEC_CORS_ORIGINS"},
		"codec origin with a path":   {func(c *app.Config) { c.CodecOrigins = []string{"https://temporal.example.com/"} }, "HANDOVER_CODEC_CORS_ORIGINS"},
		"metrics token short":        {func(c *app.Config) { c.MetricsToken = "short" }, "HANDOVER_METRICS_TOKEN is 5 characters: at least 16 are required"},
	} {
		cfg := base
		tc.set(&cfg)
		require.ErrorContains(t, cfg.Validate(), tc.want, name)
	}
	ok := base
	ok.OTLPEndpoint, ok.MetricsAddr, ok.CommandTimeout = "collector.internal:4317", "127.0.0.1:9090", 5*time.Second
	ok.MetricsToken = "s3cret-metrics-token"
	ok.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.10", "2001:db8::/32"}
	ok.TemporalUIURL, ok.CodecOrigins = "https://temporal.example.com", []string{"https://temporal.example.com", "http://localhost:8233"}
	require.NoError(t, ok.Validate())
	// The log's format and level are words in any case, as the level always was.
	ok.LogFormat, ok.LogLevel = "JSON", "INFO"
	require.NoError(t, ok.Validate())
	var logged strings.Builder
	ok.LoggerTo(&logged).Info("hello")
	require.True(t, strings.HasPrefix(logged.String(), `{"time":`), logged.String())
}

// HANDOVER_WEBHOOK_PREVIOUS_SECRET, the secret being replaced, signs beside the current one: it is
// refused without the webhook and its secret, shorter than a secret may be, or the same as the
// current secret (it would add nothing, and be left set); a refusal names the variable and never
// prints a secret.
func TestWebhookPreviousSecretRefusedWhereItCannotWork(t *testing.T) {
	t.Parallel()
	base, err := app.LoadConfig()
	require.NoError(t, err)
	const url, secret, previous = "https://pms.example.com/hook", "the-new-secret-0123456789", "the-old-secret-0123456789"
	for name, tc := range map[string]struct {
		url, secret, previous, want string
	}{
		"without the webhook": {"", "", previous,
			"HANDOVER_WEBHOOK_PREVIOUS_SECRET is set without HANDOVER_WEBHOOK_URL and HANDOVER_WEBHOOK_SECRET"},
		"without the url":    {"", secret, previous, "HANDOVER_WEBHOOK_SECRET is set without HANDOVER_WEBHOOK_URL"},
		"without the secret": {url, "", previous, "HANDOVER_WEBHOOK_SECRET is required with HANDOVER_WEBHOOK_URL"},
		"short":              {url, secret, "old-secret", "HANDOVER_WEBHOOK_PREVIOUS_SECRET is 10 characters: at least 16 are required"},
		"the same as the secret": {url, secret, secret,
			"HANDOVER_WEBHOOK_PREVIOUS_SECRET is the same as HANDOVER_WEBHOOK_SECRET: it is for the secret being replaced while the receiver is given the new one; remove it"},
	} {
		cfg := base
		cfg.WebhookURL, cfg.WebhookSecret, cfg.WebhookPreviousSecret = tc.url, tc.secret, tc.previous
		err := cfg.Validate()
		require.ErrorContains(t, err, tc.want, name)
		require.NotContains(t, err.Error(), tc.previous, "%s: the previous secret is not printed", name)
		if tc.secret != "" {
			require.NotContains(t, err.Error(), tc.secret, "%s: nor the secret", name)
		}
	}
	ok := base
	ok.WebhookURL, ok.WebhookSecret, ok.WebhookPreviousSecret = url, secret, previous
	require.NoError(t, ok.Validate())
	hook := ok.Webhook()
	require.Equal(t, previous, hook.PreviousSecret, "the deliveries are signed with it")
	ok.WebhookPreviousSecret = ""
	require.NoError(t, ok.Validate(), "and without it, as before")
	require.Empty(t, ok.Webhook().PreviousSecret)
}

// HANDOVER_WEBHOOK_PREVIOUS_SECRET is read from the environment beside HANDOVER_WEBHOOK_SECRET.
func TestWebhookPreviousSecretIsRead(t *testing.T) {
	t.Setenv("HANDOVER_WEBHOOK_URL", "https://pms.example.com/hook")
	t.Setenv("HANDOVER_WEBHOOK_SECRET", "the-new-secret-0123456789")
	t.Setenv("HANDOVER_WEBHOOK_PREVIOUS_SECRET", "the-old-secret-0123456789")
	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	require.NoError(t, cfg.Validate())
	require.Equal(t, "the-old-secret-0123456789", cfg.WebhookPreviousSecret)
	require.Equal(t, "the-old-secret-0123456789", cfg.Webhook().PreviousSecret)
}

// A list setting written with spaces after its commas means its entries, not entries with spaces.
func TestListSettingsAreTrimmed(t *testing.T) {
	t.Setenv("HANDOVER_CODEC_CORS_ORIGINS", "http://localhost:8233, https://ui.example ,")
	t.Setenv("HANDOVER_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10")
	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	require.Equal(t, []string{"http://localhost:8233", "https://ui.example"}, cfg.CodecOrigins)
	require.Equal(t, []string{"10.0.0.0/8", "192.0.2.10"}, cfg.TrustedProxies)
}

// A port in use ends the start of api and worker at once, naming it, not after they have waited for
// a read model (or a Temporal service) that does not answer.
func TestTakenPortEndsTheStartAtOnce(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	cfg := awaitingReadModel(t)
	cfg.HTTPAddr, cfg.MetricsAddr = taken.Addr().String(), taken.Addr().String()
	variable := map[string]string{"api": "HANDOVER_HTTP_ADDR", "worker": "HANDOVER_METRICS_ADDR"}
	for name, run := range map[string]func(context.Context, app.Config, *slog.Logger) error{"api": app.RunAPI, "worker": app.RunWorker} {
		began := time.Now()
		err := run(context.Background(), cfg, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, variable[name]+": listening on "+taken.Addr().String(), name)
		require.Less(t, time.Since(began), 5*time.Second, "%s waited before finding its port taken", name)
	}
}

// A read model URL with its scheme mistyped, or none, is refused by migrate, api and worker alike,
// naming the variable, where it was taken for a SQLite file to make beside the process (a worker
// so started wrote its share of the actions there, outside PostgreSQL). Nothing is created.
func TestDatabaseURLWithoutSchemeRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	cfg.EncryptionKey = codec.NewKey()
	cfg.HTTPAddr, cfg.MetricsAddr = "127.0.0.1:0", ""
	cfg.DatabaseWait, cfg.TemporalWait = time.Second, time.Second
	const want = "HANDOVER_DATABASE_URL: database URL has no scheme"
	for _, url := range []string{"postgres//handover:pw@127.0.0.1:5432/handover", "127.0.0.1:5432/handover", "readmodel.db"} {
		cfg.DatabaseURL = url
		_, err := app.Migrate(context.Background(), cfg, slog.New(slog.DiscardHandler))
		require.ErrorContains(t, err, want, url)
		require.NotContains(t, err.Error(), "pw", "the password is not repeated")
		require.ErrorContains(t, app.RunAPI(context.Background(), cfg, slog.New(slog.DiscardHandler)), want, url)
		require.ErrorContains(t, app.RunWorker(context.Background(), cfg, slog.New(slog.DiscardHandler)), want, url)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "no file was made")
}

// awaitingReadModel is the configuration of an api or worker whose read model is a PostgreSQL
// address nothing listens on: its start would wait HANDOVER_DATABASE_WAIT (a minute) for it.
func awaitingReadModel(t *testing.T) app.Config {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	cfg, err := app.LoadConfig()
	require.NoError(t, err)
	cfg.EncryptionKey = codec.NewKey()
	cfg.DatabaseURL = "postgres://handover@" + closed.Addr().String() + "/handover?sslmode=disable"
	cfg.DatabaseWait, cfg.TemporalWait = time.Minute, time.Minute
	return cfg
}

// A stop (SIGTERM, Ctrl-C) that comes while api or worker waits at start (the api for its read
// model, the worker for Temporal: it runs its workflows while the read model is away) ends the
// process as a stop once running does: without an error, so it exits 0, and saying so.
func TestStopWhileWaitingToStart(t *testing.T) {
	t.Parallel()
	cfg := awaitingReadModel(t)
	cfg.HTTPAddr, cfg.MetricsAddr = "127.0.0.1:0", ""
	for name, run := range map[string]func(context.Context, app.Config, *slog.Logger) error{"api": app.RunAPI, "worker": app.RunWorker} {
		ctx, stop := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, stop)
		var logged strings.Builder
		require.NoError(t, run(ctx, cfg, slog.New(slog.NewTextHandler(&logged, nil))), name)
		waited := map[string]string{"api": "read model", "worker": "temporal"}[name]
		require.Contains(t, logged.String(), waited+" unavailable; trying again", name)
		require.Contains(t, logged.String(), "stopped before it was ready", name)
		require.NotContains(t, logged.String(), "context canceled", "%s: the log names what it waited for, not the stop", name)
	}
}

// While api and worker wait at start for their read model, their ports already answer: /healthz
// that the process is alive (a liveness probe must not kill a process that waits as it should),
// /readyz that it is not ready, and the API anything else with 503 and Retry-After.
func TestAliveWhileWaitingToStart(t *testing.T) {
	t.Parallel()
	free := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		return ln.Addr().String()
	}
	cfg := awaitingReadModel(t)
	cfg.HTTPAddr, cfg.MetricsAddr = free(), free()
	client := &http.Client{Timeout: 2 * time.Second}
	get := func(url string) (int, string, http.Header) {
		resp, err := client.Get(url)
		if err != nil {
			return 0, err.Error(), nil
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header
	}
	for name, run := range map[string]func(context.Context, app.Config, *slog.Logger) error{"api": app.RunAPI, "worker": app.RunWorker} {
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, cfg, slog.New(slog.DiscardHandler)) }()
		base := "http://" + cfg.HTTPAddr
		if name == "worker" {
			base = "http://" + cfg.MetricsAddr
		}
		require.Eventually(t, func() bool { code, _, _ := get(base + "/healthz"); return code == http.StatusOK }, 5*time.Second, 20*time.Millisecond, name)
		if name == "api" {
			code, body, header := get(base + "/readyz")
			require.Equal(t, http.StatusServiceUnavailable, code)
			require.Contains(t, body, "not ready: starting")
			require.Equal(t, "5", header.Get("Retry-After"), "a probe is told when to look again too")
			code, body, header = get(base + "/api/v1/me")
			require.Equal(t, http.StatusServiceUnavailable, code)
			require.Contains(t, body, "starting: waiting for the read model and Temporal")
			require.Equal(t, "5", header.Get("Retry-After"))
		} else {
			code, body, _ := get(base + "/metrics")
			require.Equal(t, http.StatusOK, code)
			require.Contains(t, body, "go_goroutines", "its own metrics are served while it waits")
		}
		stop()
		require.NoError(t, <-done, name)
		code, _, _ := get(base + "/healthz")
		require.Zero(t, code, "%s: stopped, the port is closed", name)
	}
}

// The JSON log writes durations as people read them ("35s"), as the text log does, not as a number
// of nanoseconds.
func TestLogsWriteDurationsReadably(t *testing.T) {
	t.Parallel()
	for format, want := range map[string]string{"json": `"for_at_most":"35s"`, "text": "for_at_most=35s"} {
		var out strings.Builder
		app.Config{LogFormat: format, LogLevel: "info"}.LoggerTo(&out).Info("api shutting down", "for_at_most", 35*time.Second)
		require.Contains(t, out.String(), want, format)
	}
}

// A worker's own listener serves its metrics and a liveness check, and nothing else: a probe of any
// other path is 404, not metrics that look like health.
func TestWorkerListener(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "handover_probe_total"}))
	h := app.WorkerHTTP(reg, "")
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	metrics := get("/metrics")
	require.Equal(t, http.StatusOK, metrics.Code)
	require.Contains(t, metrics.Body.String(), "handover_probe_total 0")
	health := get("/healthz")
	require.Equal(t, http.StatusOK, health.Code)
	require.JSONEq(t, `{"status":"ok"}`, health.Body.String())
	require.Equal(t, http.StatusNotFound, get("/").Code)
	require.Equal(t, http.StatusNotFound, get("/readyz").Code)
}

// With HANDOVER_METRICS_TOKEN a worker's /metrics answers only a scrape that sends it as its
// bearer token; its /healthz, a liveness probe, stays open.
func TestWorkerMetricsToken(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "handover_probe_total"}))
	h := app.WorkerHTTP(reg, "s3cret-metrics-token")
	get := func(path, auth string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, auth := range []string{"", "Bearer wrong", "Basic s3cret-metrics-token", "Bearer s3cret-metrics-token2", "Bearer"} {
		rec := get("/metrics", auth)
		require.Equal(t, http.StatusUnauthorized, rec.Code, auth)
		require.NotContains(t, rec.Body.String(), "handover_probe_total", auth)
		require.Equal(t, `Bearer realm="metrics"`, rec.Header().Get("WWW-Authenticate"))
		require.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	}
	require.Contains(t, get("/metrics", "Bearer s3cret-metrics-token").Body.String(), "handover_probe_total 0")
	require.Equal(t, http.StatusOK, get("/metrics", "bearer s3cret-metrics-token").Code, "the scheme in any case")
	require.Equal(t, http.StatusOK, get("/healthz", "").Code)
}

// A setting the environment gives in a form it cannot be read in is named by its variable, with
// the form wanted (not by the Go field it is read into).
func TestUnreadableSettingsNamed(t *testing.T) {
	t.Setenv("HANDOVER_RATE_LIMIT", "abc")
	t.Setenv("HANDOVER_SECURE_COOKIES", "yes")
	_, err := app.LoadConfig()
	require.ErrorContains(t, err, `HANDOVER_RATE_LIMIT "abc": want a number such as 50`)
	require.ErrorContains(t, err, `HANDOVER_SECURE_COOKIES "yes": want true or false`)
	require.NotContains(t, err.Error(), "RateLimit")
}

// Opening the read model says in the log how many migrations it applied, and to which version (an
// upgrade's changes are in them); opened again, with nothing to apply, it says nothing.
func TestOpenStoreLogsTheMigrationsApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := modelstest.SQLiteURL(t)
	var logged strings.Builder
	store, err := app.OpenStore(ctx, url, slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err)
	at, _, err := store.SchemaVersions(ctx)
	require.NoError(t, err)
	require.NoError(t, store.Close())
	require.Contains(t, logged.String(), fmt.Sprintf(`msg="read model migrated" migrations_applied=%d schema_version=%d`, at, at))
	logged.Reset()
	store, err = app.OpenStore(ctx, url, slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err)
	require.NoError(t, store.Close())
	require.NotContains(t, logged.String(), "read model migrated")
}

// An api or worker of an older release opening a read model a newer release has migrated serves,
// as in a rolling upgrade, but says in its log that it should be replaced.
func TestOlderReleaseOnANewerSchemaSaysSo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := modelstest.SQLiteURL(t)
	store, err := app.OpenStore(ctx, url, nil)
	require.NoError(t, err)
	at, _, err := store.SchemaVersions(ctx)
	require.NoError(t, err)
	var quiet strings.Builder
	current, err := app.OpenCurrent(ctx, url, slog.New(slog.NewTextHandler(&quiet, nil)))
	require.NoError(t, err)
	require.NoError(t, current.Close())
	require.NotContains(t, quiet.String(), "newer release", "a schema this release made")

	require.NoError(t, store.DB().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, ?)", at+1, true).Error)
	require.NoError(t, store.Close())
	var logged strings.Builder
	newer, err := app.OpenCurrent(ctx, url, slog.New(slog.NewTextHandler(&logged, nil)))
	require.NoError(t, err, "it still serves")
	require.NoError(t, newer.Close())
	require.Contains(t, logged.String(), "the read model was migrated by a newer release than this one")
	require.Contains(t, logged.String(), fmt.Sprintf("schema_version=%d newest_known=%d", at+1, at))
}

// A release may change the workflow alone, with no migration: a process of an older release
// opening a read model whose open actions a newer one started says so at ERROR (its workers leave
// them waiting); one ended since, or of this release, says nothing.
func TestOlderReleaseWithNewerActionsSaysSo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := modelstest.SQLiteURL(t)
	store, err := app.OpenStore(ctx, url, nil)
	require.NoError(t, err)
	now := time.Now().UTC()
	put := func(id, status string, revision int) {
		require.NoError(t, store.ApplyProjection(ctx, models.Action{
			ID: id, Title: "Late checkout", Category: "request", Priority: "normal", Status: status, OwnerID: "alice",
			TeamID: "frontdesk", DueAt: now.Add(time.Hour), CreatedBy: "alice", CreatedAt: now, UpdatedAt: now, Version: 1, Revision: &revision,
		}, nil))
	}
	put("this", "assigned", workflows.CurrentRevision)
	put("newer-ended", "completed", workflows.CurrentRevision+1)
	opened := func() string {
		var logged strings.Builder
		current, err := app.OpenCurrent(ctx, url, slog.New(slog.NewTextHandler(&logged, nil)))
		require.NoError(t, err, "it still serves")
		require.NoError(t, current.Close())
		return logged.String()
	}
	require.NotContains(t, opened(), "newer release")
	put("newer-open", "assigned", workflows.CurrentRevision+1)
	require.NoError(t, store.Close())
	logged := opened()
	require.Contains(t, logged, "level=ERROR msg=\"open actions were started by a newer release than this one")
	require.Contains(t, logged, fmt.Sprintf("workflow_revision=%d newest_known=%d", workflows.CurrentRevision+1, workflows.CurrentRevision))
}
