// Package app wires the parts of handover into running processes: the embedded development stack
// (Temporal server, worker, API and read model in one process) and the production `api` and
// `worker` processes. The command line and the end-to-end tests both start the product through it,
// so tests run exactly what users run.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/api"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/reproject"
	"github.com/handover/handover/telemetry"
	"github.com/handover/handover/temporalserver"
	"github.com/handover/handover/worker"
)

// DevConfig configures the all-in-one development stack.
type DevConfig struct {
	// DataDir holds the Temporal and read-model SQLite files; state survives restarts.
	DataDir string
	// HTTPAddr is where the API listens, e.g. "127.0.0.1:8080" (port 0 picks a free one).
	HTTPAddr string
	// TemporalPort is the embedded Temporal frontend's port; 0 picks a free one.
	TemporalPort int
	// TemporalIP is the address the embedded Temporal server binds to. Default 127.0.0.1.
	TemporalIP string
	// DatabaseURL puts the read model in PostgreSQL instead of the data directory.
	DatabaseURL string
	// Demo creates the demo team, staff and tokens.
	Demo bool
	// Webhook, when set, receives every notification as a signed event.
	Webhook *activities.Webhook
	// RateLimit bounds each caller's API requests; the zero value turns it off.
	RateLimit api.RateLimit
	// Telemetry says where traces go; metrics are always served at /metrics, to a scrape that
	// sends MetricsToken as its bearer token when it is set.
	Telemetry    telemetry.Config
	MetricsToken string
	// EncryptionKey encrypts workflow payloads and wraps customer data keys (codec.ParseKey
	// formats); empty keeps a generated key in DataDir/encryption.key. OldEncryptionKeys still
	// decrypt what earlier keys wrote.
	EncryptionKey     string
	OldEncryptionKeys []string
	// CodecOrigins may call the codec endpoint from a browser (the Temporal UI).
	CodecOrigins []string
	// TemporalUIPort serves the Temporal Web UI on the API's address at this port; 0 picks a
	// free one, and NoTemporalUI leaves it out.
	TemporalUIPort int
	NoTemporalUI   bool
	// SecureCookies marks the web UI's session cookie Secure (behind a TLS proxy), and
	// CommandTimeout bounds a command's wait for its workflow (zero: the API's default), as for
	// the api process.
	SecureCookies  bool
	CommandTimeout time.Duration
	// MinFreeDiskMB is the free space DataDir needs for /readyz to answer 200; zero is
	// DefaultMinFreeDiskMB.
	MinFreeDiskMB uint64
	Log           *slog.Logger
}

// KeyFileName is where `handover dev` keeps its generated encryption key, in its data directory.
const KeyFileName = "encryption.key"

// TemporalAddressFileName is where `handover dev` writes its embedded Temporal's address while it
// runs, in its data directory, for the admin commands given that directory (reproject, keys) to
// find it on whatever port it was started.
const TemporalAddressFileName = "temporal.address"

// Stack is a running development stack.
type Stack struct {
	// URL is the API's base URL, e.g. http://127.0.0.1:8080.
	URL string
	// TemporalUIURL is where the Temporal Web UI is served, when it is.
	TemporalUIURL string
	Temporal      *temporalserver.Server
	Client        client.Client
	Store         *models.Store
	// Keys encrypt the Temporal payloads; Sealer seals customers' personal data.
	Keys   *codec.Keyring
	Sealer *pii.Sealer

	telemetry  *telemetry.Telemetry
	temporalUI *temporalUI
	worker     sdkworker.Worker
	httpServer *http.Server
	served     chan error
	workerUp   atomic.Bool
	dataDir    string
	minFreeMB  uint64
	log        *slog.Logger
	stopOnce   sync.Once
	// stopIndexer ends the customer indexer (activities.CustomerIndexer); waitIndexer returns once
	// it has.
	stopIndexer context.CancelFunc
	waitIndexer func()
	stopErr     error
}

// StartDev starts the embedded Temporal server, the read model, the worker and the API, and
// returns once all are up.
func StartDev(ctx context.Context, cfg DevConfig) (_ *Stack, err error) {
	if cfg.DataDir == "" {
		return nil, errors.New("a data directory is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	// Take the HTTP port first: a port in use fails at once, before anything else starts.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", cfg.HTTPAddr, err)
	}
	if cfg.MinFreeDiskMB == 0 {
		cfg.MinFreeDiskMB = DefaultMinFreeDiskMB
	}
	st := &Stack{log: cfg.Log, dataDir: cfg.DataDir, minFreeMB: cfg.MinFreeDiskMB}
	defer func() {
		if err != nil {
			err = errors.Join(err, ln.Close(), st.Stop(context.Background()))
		}
	}()

	key := cfg.EncryptionKey
	if key == "" {
		if key, err = codec.LoadOrCreateKeyFile(filepath.Join(cfg.DataDir, KeyFileName)); err != nil {
			return nil, err
		}
	}
	if st.Keys, err = codec.NewKeyring(key, cfg.OldEncryptionKeys...); err != nil {
		return nil, err
	}
	// As api and worker do: `handover admin rewrap-keys --to ID` asks for this ID.
	cfg.Log.Info("encryption keys", "encryption_key_id", st.Keys.CurrentKeyID(), "old_key_ids", st.Keys.OldKeyIDs())

	st.Temporal, err = temporalserver.Start(ctx, temporalserver.Config{
		DatabaseFile: filepath.Join(cfg.DataDir, "temporal.db"),
		IP:           cfg.TemporalIP,
		FrontendPort: cfg.TemporalPort,
		Logger:       cfg.Log,
	})
	if err != nil {
		return nil, err
	}
	// An address file left by the last `dev` on this directory (Stop removes it) says it did not
	// stop: killed at once, it may have left the read model ahead of workflows it was changing.
	_, err = os.Stat(filepath.Join(cfg.DataDir, TemporalAddressFileName))
	stoppedAtOnce := err == nil
	if err := os.WriteFile(filepath.Join(cfg.DataDir, TemporalAddressFileName), []byte(st.Temporal.HostPort()+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("writing the Temporal address into %s: %w", cfg.DataDir, err)
	}
	dbURL := cfg.DatabaseURL
	if dbURL == "" {
		// Made readable by its owner alone as it opens (models.Open).
		dbURL = "sqlite:" + filepath.Join(cfg.DataDir, "readmodel.db")
	}
	if st.Store, err = OpenStore(ctx, dbURL, cfg.Log); err != nil {
		return nil, err
	}
	if cfg.Demo {
		if err := SeedDemo(ctx, st.Store); err != nil {
			return nil, err
		}
	} else if err := retireDemo(ctx, st.Store, cfg.Log); err != nil {
		return nil, err
	}
	if cfg.Telemetry.Service == "" {
		cfg.Telemetry.Service = "handover-dev"
	}
	if st.telemetry, err = telemetry.New(ctx, cfg.Telemetry); err != nil {
		return nil, err
	}
	if err := registerFreeDisk(st.telemetry.Registry, cfg.DataDir); err != nil {
		return nil, err
	}
	if err := enoughDisk(cfg.DataDir, cfg.MinFreeDiskMB); err != nil {
		// It starts (what is stored stays readable) but is not ready until space is freed.
		cfg.Log.Warn("low disk space", "error", err)
	}
	if st.Sealer, err = pii.NewChecked(ctx, st.Keys, st.Store); err != nil {
		return nil, err
	}
	if st.Client, err = dialTemporal(ctx, client.Options{HostPort: st.Temporal.HostPort(), Namespace: st.Temporal.Namespace()}, cfg.Log, st.telemetry, st.Keys, true); err != nil {
		return nil, err
	}
	// A read model of another data directory's Temporal (HANDOVER_DATABASE_URL shared by two) is
	// refused, as api and worker refuse another deployment's.
	if err := serveReadModel(ctx, st.Client, st.Temporal.Namespace(), st.Store); err != nil {
		return nil, err
	}
	acts := &activities.Activities{Store: st.Store, Webhook: cfg.Webhook, Temporal: st.Client, Sealer: st.Sealer,
		ProjectionLag: activities.NewProjectionLag(st.telemetry.Registry)}
	indexing, stopIndexing := context.WithCancel(context.Background())
	st.stopIndexer = stopIndexing
	st.waitIndexer = (&activities.CustomerIndexer{Store: st.Store, Sealer: st.Sealer, Log: cfg.Log}).Go(indexing, customerIndexEvery, nil)
	st.worker = worker.New(st.Client, acts, func(err error) {
		// It polls no more: /readyz says so rather than the stack looking well.
		st.workerUp.Store(false)
		cfg.Log.Error("worker stopped", "error", err)
	})
	if err := worker.EnsureSchedules(ctx, st.Client); err != nil {
		return nil, err
	}
	if err := st.worker.Start(); err != nil {
		st.worker = nil
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	cfg.Log.Info("worker running", webhookAttrs(cfg.Webhook)...) // as `handover worker` says
	st.workerUp.Store(true)
	// Before the API serves, after a `dev` that did not stop: the read model may be ahead of
	// workflows it was changing (reproject.Ahead). After one that stopped, nothing is to compare.
	if stoppedAtOnce {
		if _, err := reproject.Ahead(ctx, st.Client, st.Store, cfg.Log); err != nil {
			return nil, fmt.Errorf("comparing the latest writes with their workflows: %w", err)
		}
	}

	uiOpts := api.UIOptions{Namespace: st.Temporal.Namespace(), SecureCookies: cfg.SecureCookies}
	if cfg.Demo {
		for _, d := range DemoStaff {
			uiOpts.DemoStaff = append(uiOpts.DemoStaff, api.DemoUser{ID: d.ID, Name: d.Name, Role: d.Role})
		}
	}
	if !cfg.NoTemporalUI {
		ip, _, err := net.SplitHostPort(ln.Addr().String())
		if err != nil {
			return nil, err
		}
		codecURL := "http://" + ln.Addr().String() + "/codec"
		if st.temporalUI, err = startTemporalUI(ip, cfg.TemporalUIPort, st.Temporal.HostPort(), st.Temporal.Namespace(), codecURL); err != nil {
			return nil, err
		}
		cfg.CodecOrigins = append(cfg.CodecOrigins, st.temporalUI.URL)
		st.TemporalUIURL = st.temporalUI.URL
		uiOpts.TemporalUIURL = st.temporalUI.URL
	}
	closing := make(chan struct{})
	handler := api.NewRouter(api.Deps{
		Temporal: st.Client, Store: st.Store, Log: cfg.Log, Ready: st.Ready, RateLimit: cfg.RateLimit,
		Metrics: st.telemetry.Registry, MetricsToken: cfg.MetricsToken, Tracer: st.telemetry.Tracer, Propagator: st.telemetry.Propagator,
		Codec: st.Keys, CodecOrigins: cfg.CodecOrigins, Sealer: st.Sealer,
		UI: uiOpts, Closing: closing, CommandTimeout: cfg.CommandTimeout,
	})
	st.serve(ln, handler, closing)
	return st, nil
}

func (st *Stack) serve(ln net.Listener, handler http.Handler, closing chan struct{}) {
	st.URL = "http://" + ln.Addr().String()
	st.httpServer = newHTTPServer(handler, closing)
	st.served = make(chan error, 1)
	go func() { st.served <- st.httpServer.Serve(ln) }()
}

// newHTTPServer serves h; closing, unless nil, is closed when its shutdown begins (the API's event
// streams end on it).
func newHTTPServer(h http.Handler, closing chan struct{}) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
	}
	if closing != nil {
		srv.RegisterOnShutdown(func() { close(closing) })
	}
	return srv
}

// Served is closed-over by the caller to learn that the HTTP server stopped on its own.
func (st *Stack) Served() <-chan error { return st.served }

// Ready is what GET /readyz answers: nil when ready; a *api.Degraded when one of Temporal and the
// read model does not answer; otherwise the part that is not ready (the worker, the disk).
func (st *Stack) Ready(ctx context.Context) error {
	if !st.workerUp.Load() {
		return errors.New("worker is not running")
	}
	if err := enoughDisk(st.dataDir, st.minFreeMB); err != nil {
		return err
	}
	return Readiness(ctx, st.Client, st.Store)
}

// Readiness is the API's: with Temporal or the read model down it is degraded, not down, as the
// other goes on serving (commands through the workflows; reads from the read model, and commands
// answered 503 at once), and a load balancer that took every API out would stop that too. With
// both down it is not ready. The two are asked at once: a slow one does not fail the other.
func Readiness(ctx context.Context, tc client.Client, store *models.Store) error {
	engine := make(chan error, 1)
	go func() {
		_, err := tc.CheckHealth(ctx, &client.CheckHealthRequest{})
		engine <- err
	}()
	storeErr := store.Ping(ctx)
	engineErr := <-engine
	switch {
	case engineErr != nil && storeErr != nil:
		return fmt.Errorf("temporal and read model: %w", errors.Join(engineErr, storeErr))
	case engineErr != nil:
		return &api.Degraded{Part: "temporal", Err: engineErr}
	case storeErr != nil:
		return &api.Degraded{Part: "read model", Err: storeErr}
	}
	return nil
}

// customerIndexEvery is how often a worker indexes the customers of actions created or corrected
// since, for search.
const customerIndexEvery = 500 * time.Millisecond

// Stop stops the API (finishing requests in flight), the worker, then the Temporal server. Later
// calls return the first call's result.
func (st *Stack) Stop(ctx context.Context) error {
	st.stopOnce.Do(func() { st.stopErr = st.stop(ctx) })
	return st.stopErr
}

func (st *Stack) stop(ctx context.Context) error {
	var errs []error
	if st.httpServer != nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		errs = append(errs, st.httpServer.Shutdown(ctx))
		cancel()
	}
	if st.temporalUI != nil {
		st.temporalUI.stop()
	}
	if st.worker != nil {
		st.workerUp.Store(false)
		st.worker.Stop()
	}
	if st.stopIndexer != nil {
		st.stopIndexer()
		st.waitIndexer()
	}
	if st.Client != nil {
		st.Client.Close()
	}
	if st.Temporal != nil {
		errs = append(errs, st.Temporal.Stop())
		// Stopped, it is no address for the admin commands to find.
		if err := os.Remove(filepath.Join(st.dataDir, TemporalAddressFileName)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if st.Store != nil {
		errs = append(errs, st.Store.Close())
	}
	if st.telemetry != nil {
		errs = append(errs, st.telemetry.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// OpenStore opens the read model and applies its migrations.
func OpenStore(ctx context.Context, url string, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(url, log)
	if err != nil {
		return nil, err
	}
	m, err := store.Migrate(ctx)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	if m.Applied > 0 && log != nil {
		// An upgrade says what it changed in the read model: the release notes of each migration
		// are in its file.
		log.InfoContext(ctx, "read model migrated", "migrations_applied", m.Applied, "schema_version", m.Version)
	}
	warnNewerSchema(ctx, store, log)
	return store, nil
}

// DialTemporal connects an SDK client to the service base names (address, namespace, TLS and
// credentials), logging through slog, with the SDK's metrics and the tracing interceptor of tel,
// encrypting every payload and failure with keys. A namespace the server does not have is an error
// here, not on the first request.
func DialTemporal(ctx context.Context, base client.Options, log *slog.Logger, tel *telemetry.Telemetry, keys *codec.Keyring) (client.Client, error) {
	c, err := dialTemporal(ctx, base, log, tel, keys, false)
	if err != nil {
		return nil, err
	}
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: base.Namespace}); err != nil {
		c.Close()
		return nil, fmt.Errorf("temporal namespace %q at %s: %w", base.Namespace, base.HostPort, err)
	}
	return c, nil
}

// reconnect is how the connection to Temporal is made again after it was lost. The SDK's waits
// grow to 10 s between tries, and a try may wait 20 s for a service that took the connection
// but does not answer yet (one restarting): after Temporal came back, the api answered 503 for
// 4 to 22 s more. Tries at most 2 s apart, each given 5 s, cost a refused connection a try while
// it is away.
var reconnect = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: 200 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second},
	MinConnectTimeout: 5 * time.Second,
}

// dialTemporal connects; in-process (the embedded server on loopback) it sends gRPC uncompressed:
// gzip there only costs CPU (about 5 % of the dev stack's under load) and saves no network.
func dialTemporal(ctx context.Context, base client.Options, log *slog.Logger, tel *telemetry.Telemetry, keys *codec.Keyring, inProcess bool) (client.Client, error) {
	base.Logger = sdklog.NewStructuredLogger(log.With("component", "temporal-sdk"))
	// Given after the SDK's own, these win (gRPC takes the last).
	base.ConnectionOptions.DialOptions = append(slices.Clone(base.ConnectionOptions.DialOptions), grpc.WithConnectParams(reconnect))
	if inProcess {
		base.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	}
	opts, err := tel.ClientOptions(keys.ClientOptions(base))
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connecting to temporal at %s: %w", base.HostPort, err)
	}
	return c, nil
}
