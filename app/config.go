package app

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/handover/handover/activities"
	"github.com/handover/handover/api"
	"github.com/handover/handover/codec"
	"github.com/handover/handover/keyuse"
	"github.com/handover/handover/models"
	"github.com/handover/handover/pii"
	"github.com/handover/handover/reproject"
	"github.com/handover/handover/telemetry"
	"github.com/handover/handover/worker"
	"github.com/handover/handover/workflows"
)

// Config is the environment of the production processes; the README lists every variable.
type Config struct {
	TemporalAddress   string `env:"HANDOVER_TEMPORAL_ADDRESS" envDefault:"127.0.0.1:7233"`
	TemporalNamespace string `env:"HANDOVER_TEMPORAL_NAMESPACE" envDefault:"default"`
	DatabaseURL       string `env:"HANDOVER_DATABASE_URL"`
	// DatabaseWait is how long api and worker wait at start for a read model that does not answer
	// (restarted during a database outage, they come up when it is back, not exit at once); the
	// worker runs its workflows meanwhile.
	DatabaseWait time.Duration `env:"HANDOVER_DATABASE_WAIT" envDefault:"2m"`
	// TemporalWait is how long api and worker wait at start for a Temporal service that does not
	// answer yet (started beside them, restarting); zero gives up at once.
	TemporalWait time.Duration `env:"HANDOVER_TEMPORAL_WAIT" envDefault:"2m"`
	// TemporalCheck is how often a worker asks whether Temporal answers, to log when it stops and
	// when it answers again; zero is every 10 s.
	TemporalCheck time.Duration
	HTTPAddr      string  `env:"HANDOVER_HTTP_ADDR" envDefault:"127.0.0.1:8080"`
	DataDir       string  `env:"HANDOVER_DATA_DIR" envDefault:".handover"`
	LogFormat     string  `env:"HANDOVER_LOG_FORMAT" envDefault:"text"`
	LogLevel      string  `env:"HANDOVER_LOG_LEVEL" envDefault:"info"`
	RateLimit     float64 `env:"HANDOVER_RATE_LIMIT" envDefault:"50"`
	RateBurst     int     `env:"HANDOVER_RATE_BURST" envDefault:"100"`
	OTLPEndpoint  string  `env:"HANDOVER_OTLP_ENDPOINT"`
	OTLPInsecure  bool    `env:"HANDOVER_OTLP_INSECURE"`
	MetricsAddr   string  `env:"HANDOVER_METRICS_ADDR"`
	WebhookURL    string  `env:"HANDOVER_WEBHOOK_URL"`
	WebhookSecret string  `env:"HANDOVER_WEBHOOK_SECRET"`
	// WebhookPreviousSecret is the secret being replaced, set only while the secret is changed:
	// each delivery is signed with it too, so that a receiver that has not yet been given the new
	// secret accepts every delivery of every worker meanwhile.
	WebhookPreviousSecret string `env:"HANDOVER_WEBHOOK_PREVIOUS_SECRET"`
	// MetricsToken, when set, is the bearer token every scrape of /metrics must send (the API's
	// and a worker's on MetricsAddr): at least 16 characters.
	MetricsToken string `env:"HANDOVER_METRICS_TOKEN"`
	// EncryptionKey encrypts workflow payloads and wraps customers' data keys: 32 bytes as 64 hex
	// digits or base64. Required by api, worker and admin reproject; dev generates one if unset.
	EncryptionKey string `env:"HANDOVER_ENCRYPTION_KEY"`
	// OldEncryptionKeys are earlier keys, comma-separated, kept to decrypt after a rotation.
	OldEncryptionKeys []string `env:"HANDOVER_ENCRYPTION_OLD_KEYS" envSeparator:","`
	// CodecOrigins are the web origins (the Temporal UI) allowed to call the codec endpoint.
	CodecOrigins []string `env:"HANDOVER_CODEC_CORS_ORIGINS" envSeparator:","`
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose X-Forwarded-For names the
	// client; none by default, so a client cannot choose the address it is counted under.
	TrustedProxies []string `env:"HANDOVER_TRUSTED_PROXIES" envSeparator:","`
	// TemporalUIURL is the Temporal Web UI's base URL; the web UI links each action's workflow there.
	TemporalUIURL string `env:"HANDOVER_TEMPORAL_UI_URL"`
	// SecureCookies marks the web UI's session cookie Secure: set it when serving over TLS.
	SecureCookies bool `env:"HANDOVER_SECURE_COOKIES"`
	// CommandTimeout is how long the api waits for a command's workflow to take it before
	// answering 503 (with no worker running, Temporal holds the command until one comes).
	CommandTimeout time.Duration `env:"HANDOVER_COMMAND_TIMEOUT" envDefault:"30s"`
	// MinFreeDiskMB is the free space, in MiB, the data directory of `handover dev` needs for
	// /readyz to answer 200.
	MinFreeDiskMB uint64 `env:"HANDOVER_MIN_FREE_DISK_MB" envDefault:"100"`
	// TemporalTLS connects to Temporal over TLS, trusting the system's roots unless TemporalTLSCA
	// names a CA. Any of the other TLS settings, or an API key, turns it on too.
	TemporalTLS           bool   `env:"HANDOVER_TEMPORAL_TLS"`
	TemporalTLSCA         string `env:"HANDOVER_TEMPORAL_TLS_CA"`
	TemporalTLSCert       string `env:"HANDOVER_TEMPORAL_TLS_CERT"`
	TemporalTLSKey        string `env:"HANDOVER_TEMPORAL_TLS_KEY"`
	TemporalTLSServerName string `env:"HANDOVER_TEMPORAL_TLS_SERVER_NAME"`
	// TemporalAPIKey is sent with every call to Temporal (Temporal Cloud's API keys).
	TemporalAPIKey string `env:"HANDOVER_TEMPORAL_API_KEY"`
}

// Keyring is the encryption key ring of the production processes: they refuse to run without a
// key, as there is no unencrypted mode.
func (c Config) Keyring() (*codec.Keyring, error) {
	if c.EncryptionKey == "" {
		return nil, errors.New("HANDOVER_ENCRYPTION_KEY is required (32 bytes, hex or base64; `openssl rand -base64 32` makes one)")
	}
	if _, err := codec.ParseKey(c.EncryptionKey); err != nil {
		return nil, fmt.Errorf("HANDOVER_ENCRYPTION_KEY: %w", err)
	}
	k, err := codec.NewKeyring(c.EncryptionKey, c.OldEncryptionKeys...)
	if err != nil {
		return nil, fmt.Errorf("HANDOVER_ENCRYPTION_OLD_KEYS: %w", err)
	}
	return k, nil
}

// TemporalOptions are the client options every production process dials Temporal with: address,
// namespace, and the TLS configuration and credentials a secured cluster asks for. The certificate
// files are read here, so Validate refuses a bad one at start; a renewed certificate is read at
// the next start.
func (c Config) TemporalOptions() (client.Options, error) {
	opts := client.Options{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace}
	tlsConfig, err := c.temporalTLS()
	if err != nil {
		return client.Options{}, err
	}
	opts.ConnectionOptions.TLS = tlsConfig
	if c.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	return opts, nil
}

// temporalTLS is the TLS configuration of the connection to Temporal, nil for plain gRPC (the
// embedded server, the Compose file's).
func (c Config) temporalTLS() (*tls.Config, error) {
	if !c.TemporalTLS && c.TemporalTLSCA == "" && c.TemporalTLSCert == "" && c.TemporalTLSKey == "" &&
		c.TemporalTLSServerName == "" && c.TemporalAPIKey == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.TemporalTLSServerName}
	if c.TemporalTLSCA != "" {
		ca, err := readPEM("HANDOVER_TEMPORAL_TLS_CA", c.TemporalTLSCA)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("HANDOVER_TEMPORAL_TLS_CA %s: no certificate in it", c.TemporalTLSCA)
		}
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		return nil, errors.New("HANDOVER_TEMPORAL_TLS_CERT and HANDOVER_TEMPORAL_TLS_KEY go together: set both for a client certificate, or neither")
	}
	if c.TemporalTLSCert != "" {
		certPEM, err := readPEM("HANDOVER_TEMPORAL_TLS_CERT", c.TemporalTLSCert)
		if err != nil {
			return nil, err
		}
		keyPEM, err := readPEM("HANDOVER_TEMPORAL_TLS_KEY", c.TemporalTLSKey)
		if err != nil {
			return nil, err
		}
		cert, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("HANDOVER_TEMPORAL_TLS_CERT %s and HANDOVER_TEMPORAL_TLS_KEY %s: %w", c.TemporalTLSCert, c.TemporalTLSKey, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// readPEM reads the PEM file that the variable name points to.
func readPEM(name, path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if block, _ := pem.Decode(data); block == nil {
		return nil, fmt.Errorf("%s %s: not a PEM file", name, path)
	}
	return data, nil
}

// Telemetry is where the traces of a process named service go.
func (c Config) Telemetry(service string) telemetry.Config {
	return telemetry.Config{Service: service, OTLPEndpoint: c.OTLPEndpoint, OTLPInsecure: c.OTLPInsecure}
}

// Limits is the per-caller rate limit of the API.
func (c Config) Limits() api.RateLimit { return api.RateLimit{Rate: c.RateLimit, Burst: c.RateBurst} }

// webhookWhere says where a webhook URL goes, by scheme and host (a token in its path or query
// stays out of the log), or "none".
func webhookWhere(raw string) string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil {
		return "none"
	}
	return u.Scheme + "://" + u.Host
}

// Webhook is the configured webhook, or nil when none is.
func (c Config) Webhook() *activities.Webhook {
	if c.WebhookURL == "" {
		return nil
	}
	return &activities.Webhook{URL: c.WebhookURL, Secret: c.WebhookSecret, PreviousSecret: c.WebhookPreviousSecret}
}

// webhookAttrs are the log attributes of a worker's webhook: where it goes, and whether it signs
// with a previous secret too (never a secret itself), so that an operator changing the secret sees
// which workers still do.
func webhookAttrs(hook *activities.Webhook) []any {
	if hook == nil {
		return []any{"webhook", webhookWhere("")}
	}
	attrs := []any{"webhook", webhookWhere(hook.URL)}
	if hook.PreviousSecret != "" {
		attrs = append(attrs, "webhook_previous_secret", true)
	}
	return attrs
}

// settingErrors names each setting the environment gave in a form it cannot be read in by its
// variable (the parser names the Go field), with the form it wants.
func settingErrors(err error) error {
	var parse env.ParseError
	if !errors.As(err, &parse) {
		return err
	}
	var out []error
	for _, e := range unwrapAll(err) {
		if !errors.As(e, &parse) {
			out = append(out, e)
			continue
		}
		name := parse.Name
		if f, ok := reflect.TypeOf(Config{}).FieldByName(parse.Name); ok {
			name = f.Tag.Get("env")
		}
		want := map[string]string{
			"time.Duration": "a duration such as 30s or 2m", "bool": "true or false", "float64": "a number such as 50",
			"int": "a whole number such as 100",
		}[parse.Type.String()]
		if want == "" {
			want = "a " + parse.Type.String()
		}
		out = append(out, fmt.Errorf("%s %q: want %s", name, os.Getenv(name), want))
	}
	return errors.Join(out...)
}

// unwrapAll is the errors an aggregate holds, or the error itself.
func unwrapAll(err error) []error {
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		return many.Unwrap()
	}
	return []error{err}
}

// LoadConfig reads the environment.
func LoadConfig() (Config, error) {
	cfg, err := env.ParseAs[Config]()
	if err != nil {
		return Config{}, fmt.Errorf("reading environment: %w", settingErrors(err))
	}
	// "a, b" is a list of two as people write it: spaces around the commas are not part of an
	// origin or a key.
	cfg.OldEncryptionKeys, cfg.CodecOrigins = listOf(cfg.OldEncryptionKeys), listOf(cfg.CodecOrigins)
	cfg.TrustedProxies = listOf(cfg.TrustedProxies)
	return cfg, nil
}

// listOf trims each entry of a comma-separated setting and drops the empty ones.
func listOf(entries []string) []string {
	var out []string
	for _, e := range entries {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	for _, a := range []struct {
		name, value, want string
		optional          bool
	}{
		{"HANDOVER_TEMPORAL_ADDRESS", c.TemporalAddress, "host:port", false},
		{"HANDOVER_HTTP_ADDR", c.HTTPAddr, "host:port", false},
		{"HANDOVER_OTLP_ENDPOINT", c.OTLPEndpoint, "host:port of an OTLP/gRPC collector", true},
		{"HANDOVER_METRICS_ADDR", c.MetricsAddr, "host:port", true},
	} {
		if a.optional && a.value == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.value); err != nil {
			return fmt.Errorf("%s %q: want %s", a.name, a.value, a.want)
		}
	}
	if _, err := c.TemporalOptions(); err != nil {
		return err
	}
	if c.WebhookURL == "" && c.WebhookSecret != "" {
		// A worker left without the URL sends no webhook: its share of the deliveries would be
		// the other workers' to send, and with every worker alike, none would go.
		return errors.New("HANDOVER_WEBHOOK_SECRET is set without HANDOVER_WEBHOOK_URL: set both, or neither for no webhook")
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("HANDOVER_WEBHOOK_URL %q: want an http or https URL", c.WebhookURL)
		}
		if c.WebhookSecret == "" {
			return errors.New("HANDOVER_WEBHOOK_SECRET is required with HANDOVER_WEBHOOK_URL: a shared secret of at least 16 characters, which the receiver checks each delivery's signature with")
		}
		if len(c.WebhookSecret) < 16 {
			return fmt.Errorf("HANDOVER_WEBHOOK_SECRET is %d characters: at least 16 are required", len(c.WebhookSecret))
		}
		if c.WebhookPreviousSecret != "" && len(c.WebhookPreviousSecret) < 16 {
			return fmt.Errorf("HANDOVER_WEBHOOK_PREVIOUS_SECRET is %d characters: at least 16 are required", len(c.WebhookPreviousSecret))
		}
		if c.WebhookPreviousSecret == c.WebhookSecret {
			return errors.New("HANDOVER_WEBHOOK_PREVIOUS_SECRET is the same as HANDOVER_WEBHOOK_SECRET: it is for the secret being replaced while the receiver is given the new one; remove it")
		}
	} else if c.WebhookPreviousSecret != "" {
		return errors.New("HANDOVER_WEBHOOK_PREVIOUS_SECRET is set without HANDOVER_WEBHOOK_URL and HANDOVER_WEBHOOK_SECRET: it signs beside the current secret while the secret is changed; set all three, or remove it")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return fmt.Errorf("HANDOVER_METRICS_TOKEN is %d characters: at least 16 are required", len(c.MetricsToken))
	}
	if c.CommandTimeout <= 0 || c.CommandTimeout > maxCommandTimeout {
		return fmt.Errorf("HANDOVER_COMMAND_TIMEOUT %s: want a positive duration up to %s, such as 30s", c.CommandTimeout, maxCommandTimeout)
	}
	if c.DatabaseWait < 0 {
		return fmt.Errorf("HANDOVER_DATABASE_WAIT %s: want 0 (do not wait) or more, such as 2m", c.DatabaseWait)
	}
	if c.TemporalWait < 0 {
		return fmt.Errorf("HANDOVER_TEMPORAL_WAIT %s: want 0 (do not wait) or more, such as 2m", c.TemporalWait)
	}
	if c.RateLimit < 0 || c.RateBurst < 1 {
		return errors.New("HANDOVER_RATE_LIMIT must be 0 (off) or more, HANDOVER_RATE_BURST at least 1")
	}
	if c.TemporalUIURL != "" {
		if u, err := url.Parse(c.TemporalUIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("HANDOVER_TEMPORAL_UI_URL %q: want the Temporal UI's http or https URL, such as https://temporal.example.com", c.TemporalUIURL)
		}
	}
	for _, o := range c.CodecOrigins {
		// An origin as a browser sends it: a scheme and a host, no path; no wildcard, which
		// would let any site read decoded histories with a manager's session.
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || strings.Contains(o, "*") {
			return fmt.Errorf("HANDOVER_CODEC_CORS_ORIGINS %q: want origins such as https://temporal.example.com, comma-separated (no wildcard, no path)", o)
		}
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return fmt.Errorf("HANDOVER_TRUSTED_PROXIES %q: want IP addresses or CIDRs such as 10.0.0.0/8, comma-separated", p)
		}
	}
	if c.EncryptionKey != "" {
		if _, err := c.Keyring(); err != nil {
			return err
		}
	}
	if !strings.EqualFold(c.LogFormat, "text") && !strings.EqualFold(c.LogFormat, "json") {
		return fmt.Errorf("HANDOVER_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("HANDOVER_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// Logger builds the process logger from the configuration, writing to standard error.
func (c Config) Logger() *slog.Logger { return c.LoggerTo(os.Stderr) }

// LoggerTo builds the process logger from the configuration, writing to w.
func (c Config) LoggerTo(w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: readableDuration}
	if strings.EqualFold(c.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// readableDuration writes a duration as Go writes it ("35s", "1m30s"), in JSON too, where slog
// would write a number of nanoseconds (35000000000) that nobody reading the log can take in.
func readableDuration(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}

// DatabaseURLError names the variable whose read model could not be opened, so that a command
// refused for it says where to look.
func DatabaseURLError(err error) error {
	return fmt.Errorf("HANDOVER_DATABASE_URL: %w", err)
}

func (c Config) requireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("HANDOVER_DATABASE_URL is required (postgres://... or sqlite:PATH)")
	}
	return nil
}

// OpenCurrent opens the read model at url and refuses a schema that `handover migrate` has not
// brought up to date (it applies nothing).
func OpenCurrent(ctx context.Context, url string, log *slog.Logger) (*models.Store, error) {
	store, err := models.Open(url, log)
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, store, log); err != nil {
		return nil, errors.Join(err, store.Close())
	}
	return store, nil
}

// checkSchema refuses a read model with migrations to apply, and warns of one a newer release
// has migrated.
func checkSchema(ctx context.Context, store *models.Store, log *slog.Logger) error {
	pending, err := store.PendingMigrations(ctx)
	if err != nil {
		return fmt.Errorf("checking migrations: %w", err)
	}
	if pending {
		return errors.New("the read model has migrations to apply: run `handover migrate` first")
	}
	warnNewerSchema(ctx, store, log)
	return nil
}

// warnNewerSchema says so when a newer release has migrated the read model past what this binary
// knows: it still serves (in a rolling upgrade the older processes run on until they are replaced),
// but what the newer schema added is unknown to it, so it should be replaced soon. So it does when
// open actions were started by a newer release (a release may change the workflow alone, with no
// migration): this release's workers leave them waiting (ActionWorkflow), and at ERROR, as such a
// worker is a rollback the README asks not to make once the newer release has started actions.
func warnNewerSchema(ctx context.Context, store *models.Store, log *slog.Logger) {
	if log == nil {
		return
	}
	if at, known, err := store.SchemaVersions(ctx); err == nil && at > known {
		log.Warn("the read model was migrated by a newer release than this one: replace this process with the newer release",
			"schema_version", at, "newest_known", known)
	}
	if newest, err := store.NewestOpenRevision(ctx); err == nil && newest > workflows.CurrentRevision {
		log.Error("open actions were started by a newer release than this one: this release's workers leave them waiting, for a worker of that release; replace this process with it",
			"workflow_revision", newest, "newest_known", workflows.CurrentRevision)
	}
}

// openWaiting is OpenCurrent that waits up to wait for a read model that is unavailable (refused
// or dropped connections, a database not accepting them), trying again with a growing pause; any
// other error (a wrong password, migrations to apply) ends it at once.
func openWaiting(ctx context.Context, url string, wait time.Duration, log *slog.Logger) (*models.Store, error) {
	return waitFor(ctx, wait, log, "read model", func() (*models.Store, error) { return OpenCurrent(ctx, url, log) }, models.Unavailable)
}

// waitFor tries what start needs (the read model, Temporal) again for up to wait while it does not
// answer, with a pause growing to 8 s; any other error, or the wait's end, returns the last try's.
func waitFor[T any](ctx context.Context, wait time.Duration, log *slog.Logger, what string, try func() (T, error), absent func(error) bool) (T, error) {
	deadline := time.Now().Add(wait)
	pause := 500 * time.Millisecond
	for {
		got, err := try()
		left := time.Until(deadline)
		if err == nil || !absent(err) || left <= 0 {
			return got, err
		}
		// The last pause is cut to the deadline, so the last try comes at the end of the wait.
		next := min(pause, left)
		log.Warn(what+" unavailable; trying again", "error", err, "in", next, "until", deadline.UTC().Format(time.RFC3339))
		select {
		case <-ctx.Done():
			var none T
			return none, errors.Join(ctx.Err(), err)
		case <-time.After(next):
		}
		pause = min(pause*2, 8*time.Second)
	}
}

// stoppedStarting is what a start cut short by a stop (SIGTERM, Ctrl-C) while it waited for the read
// model or Temporal returns: nil, as a stop once running does, so that the process exits 0, with a
// line in the log; any other error as it is.
func stoppedStarting(ctx context.Context, log *slog.Logger, err error) error {
	if ctx.Err() == nil {
		return err
	}
	// The wait's error joins the stop to what was awaited: the log names the latter.
	waited := err
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if !errors.Is(e, context.Canceled) {
				waited = e
			}
		}
	}
	log.Info("stopped before it was ready", "while", waited.Error())
	return nil
}

// writeTimeout bounds writing one answer; a command's wait (HANDOVER_COMMAND_TIMEOUT) stays well
// inside it, so that a command not taken in time is answered 503 rather than cut off.
const (
	writeTimeout      = 60 * time.Second
	maxCommandTimeout = writeTimeout - 10*time.Second
)

// RunAPI serves the HTTP API until ctx is done.
func RunAPI(ctx context.Context, c Config, log *slog.Logger) error {
	if err := c.requireDatabase(); err != nil {
		return err
	}
	keys, err := c.Keyring()
	if err != nil {
		return err
	}
	reportMissingKeys(keys, log)
	// Take the port first: one in use fails at once, not after the waits for the read model and
	// Temporal below, which it is served through (alive, not ready) until the API serves.
	ln, err := net.Listen("tcp", c.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HANDOVER_HTTP_ADDR: listening on %s: %w", c.HTTPAddr, err)
	}
	defer ln.Close()
	handler := &starting{}
	closing := make(chan struct{})
	srv := newHTTPServer(handler, closing)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer srv.Close()
	store, err := openWaiting(ctx, c.DatabaseURL, c.DatabaseWait, log)
	if err != nil {
		if ctx.Err() == nil {
			err = DatabaseURLError(err)
		}
		return stoppedStarting(ctx, log, err)
	}
	defer store.Close()
	if err := retireDemo(ctx, store, log); err != nil {
		return err
	}
	if staff, err := store.ListStaff(ctx, ""); err == nil && len(staff) == 0 {
		// Nobody can sign in yet: say how to make the first administrator.
		log.Warn("no staff yet: make the first administrator, with the same HANDOVER_DATABASE_URL",
			"step1", `handover admin add-staff root "Administrator" --role admin`, "step2", "handover admin issue-token root")
	}
	sealer, err := pii.NewChecked(ctx, keys, store)
	if err != nil {
		return err
	}
	tel, err := telemetry.New(ctx, c.Telemetry("handover-api"))
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())
	tc, err := c.dialTemporal(ctx, log, tel, keys)
	if err != nil {
		return stoppedStarting(ctx, log, err)
	}
	defer tc.Close()
	if err := serveReadModel(ctx, tc, c.TemporalNamespace, store); err != nil {
		return stoppedStarting(ctx, log, err)
	}
	ready := func(ctx context.Context) error { return Readiness(ctx, tc, store) }
	handler.serve(api.NewRouter(api.Deps{
		Temporal: tc, Store: store, Log: log, Ready: ready, RateLimit: c.Limits(), TrustedProxies: c.TrustedProxies,
		Metrics: tel.Registry, MetricsToken: c.MetricsToken, Tracer: tel.Tracer, Propagator: tel.Propagator,
		Codec: keys, CodecOrigins: c.CodecOrigins, Sealer: sealer,
		UI:      api.UIOptions{TemporalUIURL: c.TemporalUIURL, Namespace: c.TemporalNamespace, SecureCookies: c.SecureCookies},
		Closing: closing, CommandTimeout: c.CommandTimeout,
	}))
	log.Info("api listening", "addr", ln.Addr().String(), "encryption_key_id", keys.CurrentKeyID(), "old_key_ids", keys.OldKeyIDs())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("api shutting down: finishing requests in flight", "for_at_most", c.CommandTimeout+5*time.Second)
	// Requests in flight get what a command may wait, and a little more to answer.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.CommandTimeout+5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// RunWorker runs the Temporal worker until ctx is done, then drains it.
func RunWorker(ctx context.Context, c Config, log *slog.Logger) error {
	if err := c.requireDatabase(); err != nil {
		return err
	}
	keys, err := c.Keyring()
	if err != nil {
		return err
	}
	reportMissingKeys(keys, log)
	tel, err := telemetry.New(ctx, c.Telemetry("handover-worker"))
	if err != nil {
		return err
	}
	defer tel.Shutdown(context.Background())
	// Its metrics port first, as the api's: one in use fails at once, not after the waits below,
	// which it is served through (/healthz says the process is up while it waits).
	if c.MetricsAddr != "" {
		metricsLn, err := net.Listen("tcp", c.MetricsAddr)
		if err != nil {
			return fmt.Errorf("HANDOVER_METRICS_ADDR: listening on %s: %w", c.MetricsAddr, err)
		}
		defer metricsLn.Close()
		// A worker has no API: it serves its own metrics (the Temporal SDK's, Go's) here.
		srv := newHTTPServer(workerHTTP(tel.Registry, c.MetricsToken), nil)
		go func() { _ = srv.Serve(metricsLn) }()
		defer srv.Close()
	}
	// The read model is not waited for before Temporal: a worker (re)started during a database
	// outage runs its workflows (deadlines fire, commands are answered from the workflow) while its
	// activities wait behind the gate until the read model answers and passes its checks, for up
	// to HANDOVER_DATABASE_WAIT.
	store, err := models.OpenLater(c.DatabaseURL, log)
	if err != nil {
		return DatabaseURLError(err)
	}
	defer store.Close()
	sealer := &pii.Sealer{Keys: keys, Store: store}
	// One look before polling: a read model that answers and refuses (not migrated, or whose
	// customer keys these encryption keys cannot open) ends the start before the worker has taken
	// any task; one that is away is waited for while the worker runs, as below.
	gate := worker.NewGate()
	ready := func() {
		gate.Open()
		gate.Tried()
		log.Info("read model reached and checked: activities run")
	}
	checked := false
	switch err := firstLook(ctx, store, sealer, log); {
	case err == nil:
		checked = true
	case ctx.Err() != nil:
		return stoppedStarting(ctx, log, errors.Join(err, ctx.Err()))
	case !models.Unavailable(err) && !errors.Is(err, context.DeadlineExceeded):
		return readModelRefused(err)
	default:
		// Away: tried once, so an activity at the gate fails at once (to be retried) rather than
		// wait for the next try, which holds its workflow's task.
		gate.Tried()
	}
	tc, err := c.dialTemporal(ctx, log, tel, keys)
	if err != nil {
		return stoppedStarting(ctx, log, err)
	}
	defer tc.Close()
	run, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if checked {
		// Its activities run once the read model is known to be the namespace's.
		if err := serveReadModel(ctx, tc, c.TemporalNamespace, store); err != nil {
			return stoppedStarting(ctx, log, err)
		}
		ready()
	} else {
		go func() {
			err := checkReadModel(run, store, sealer, c.DatabaseWait, log, gate.Tried)
			if err == nil {
				err = serveReadModel(run, tc, c.TemporalNamespace, store)
			}
			if err != nil {
				stop(err)
				return
			}
			ready()
		}()
	}
	go func() {
		// Once the read model is reached: a worker that stopped at once may have left it ahead of
		// workflows it was changing (reproject.Ahead).
		select {
		case <-gate.Opened():
		case <-run.Done():
			return
		}
		if _, err := reproject.Ahead(run, tc, store, log); err != nil && run.Err() == nil {
			log.Warn("the latest writes could not be compared with their workflows", "error", err)
		}
	}()
	go watchTemporal(run, tc, cmp.Or(c.TemporalCheck, 10*time.Second), log)
	log.Info("worker running", append([]any{"temporal", c.TemporalAddress, "namespace", c.TemporalNamespace,
		"encryption_key_id", keys.CurrentKeyID(), "old_key_ids", keys.OldKeyIDs()}, webhookAttrs(c.Webhook())...)...)
	acts := &activities.Activities{
		Store: store, Webhook: c.Webhook(), Temporal: tc, Sealer: sealer, ProjectionLag: activities.NewProjectionLag(tel.Registry),
	}
	// Once the read model is reached.
	waitIndexer := (&activities.CustomerIndexer{Store: store, Sealer: sealer, Log: log}).Go(run, customerIndexEvery, gate.Opened())
	err = worker.Run(run, tc, acts, gate)
	stop(nil)
	waitIndexer()
	if cause := context.Cause(run); ctx.Err() == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return readModelRefused(cause) // the read model refused, or stayed away past the wait
	}
	return err
}

// watchTemporal logs, once each, when the Temporal service stops answering the worker and when it
// answers again, asking every `every`: the SDK logs the polls that failed as it went, and nothing
// while it stays away or once it is back, so an operator could not tell from the worker's log
// whether it was still cut off.
func watchTemporal(ctx context.Context, tc client.Client, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var awaySince time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		asked, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := tc.CheckHealth(asked, &client.CheckHealthRequest{})
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && awaySince.IsZero():
			awaySince = time.Now()
			log.Warn("Temporal does not answer: workflows, their timers and the commands sent to them wait until it does", "temporal_error", err.Error())
		case err == nil && !awaySince.IsZero():
			log.Info("Temporal answers again", "away_for", time.Since(awaySince).Round(time.Second).String())
			awaySince = time.Time{}
		}
	}
}

// readModelRefused names the variable to look at of a read model that refused a worker: the
// encryption key when it cannot open the customer keys (the database answered), else the
// database's URL, as the api's start names it.
func readModelRefused(err error) error {
	var keys *pii.KeyError
	if errors.As(err, &keys) {
		return fmt.Errorf("HANDOVER_ENCRYPTION_KEY: %w", err)
	}
	return DatabaseURLError(err)
}

// firstLookFor is how long a worker's start gives the read model to answer its first look.
const firstLookFor = 5 * time.Second

// firstLook checks the read model once, as checkReadModel does, for at most firstLookFor.
func firstLook(ctx context.Context, store *models.Store, sealer *pii.Sealer, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, firstLookFor)
	defer cancel()
	return readModelServes(ctx, store, sealer, log)
}

// readModelServes checks that the read model can serve a worker: migrated (checkSchema), and its
// customer keys opened by these keys (pii.Sealer.Check).
func readModelServes(ctx context.Context, store *models.Store, sealer *pii.Sealer, log *slog.Logger) error {
	if err := checkSchema(ctx, store, log); err != nil {
		return err
	}
	return sealer.Check(ctx)
}

// checkReadModel waits up to wait for the read model to answer, as a start does, and then checks
// it: migrated (OpenCurrent), and opened by the keys (pii.Sealer.Check). A read model still away
// after the wait (an outage that outlasts it, a mistyped host), or one that refuses, ends the
// worker with the error, so that it is restarted rather than holding actions it cannot project.
// tried is called when a try has failed.
func checkReadModel(ctx context.Context, store *models.Store, sealer *pii.Sealer, wait time.Duration, log *slog.Logger, tried func()) error {
	_, err := waitFor(ctx, wait, log, "read model", func() (struct{}, error) {
		err := readModelServes(ctx, store, sealer, log)
		if err != nil {
			tried()
		}
		return struct{}{}, err
	}, models.Unavailable)
	if models.Unavailable(err) && ctx.Err() == nil {
		return fmt.Errorf("the read model did not answer within HANDOVER_DATABASE_WAIT (%s): %w", wait, err)
	}
	return err
}

// reportMissingKeys logs, as an error, data under an encryption key the process does not hold: an
// action whose history needs a retired key cannot run, and the SDK says so only quietly.
func reportMissingKeys(keys *codec.Keyring, log *slog.Logger) {
	keys.OnMissingKey(func(keyID string) {
		log.Error("data under an encryption key this process does not have: the actions it belongs to cannot run until the key is named in HANDOVER_ENCRYPTION_OLD_KEYS",
			"missing_key_id", keyID, "encryption_key_id", keys.CurrentKeyID(), "old_key_ids", keys.OldKeyIDs())
	})
}

// workerHTTP is a worker's own listener: /metrics, and /healthz (the process is up: a liveness
// check; the worker's readiness is Temporal's handover_workers on the API). Any other path is 404,
// so a probe of the wrong path is not answered with metrics that look like health.
func workerHTTP(reg *prometheus.Registry, token string) http.Handler {
	mux := http.NewServeMux()
	// Its /metrics asks for the token as the API's does; /healthz, a liveness probe, does not.
	mux.Handle("GET /metrics", api.MetricsGuard(token, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	return mux
}

// Migrate applies the read model's migrations and says what it did.
func Migrate(ctx context.Context, c Config, log *slog.Logger) (models.Migrated, error) {
	if err := c.requireDatabase(); err != nil {
		return models.Migrated{}, err
	}
	store, err := models.Open(c.DatabaseURL, log)
	if err != nil {
		return models.Migrated{}, DatabaseURLError(err)
	}
	defer store.Close()
	return store.Migrate(ctx)
}

// Reproject rebuilds the read model in store from the action workflows of the configured Temporal
// service (`handover admin reproject`). takeOver records the configured namespace as the one the
// read model serves where it records another: an operator's decision, for a namespace set up anew
// (a new Temporal cluster), whose actions the read model is to hold from then on beside those of
// the namespace it served.
func Reproject(ctx context.Context, c Config, store *models.Store, log *slog.Logger, takeOver bool) (reproject.Result, error) {
	return onTemporal(ctx, c, log, func(tc client.Client, keys *codec.Keyring) (reproject.Result, error) {
		// Into the namespace's read model, or a new one (a lost read model rebuilt), which it
		// records as the namespace's: never into another deployment's, unless told to.
		id, served, err := namespaceServed(ctx, tc, c.TemporalNamespace, store)
		switch {
		case errors.Is(err, ErrOtherReadModel) && takeOver:
			if err = store.ReplaceServedNamespace(ctx, id, c.TemporalNamespace, time.Now()); err == nil {
				log.Warn("the read model serves this namespace from now on", "namespace", c.TemporalNamespace, "namespace_id", id)
			}
		case err == nil && served == nil:
			err = recordServed(ctx, store, id, c.TemporalNamespace)
		}
		if err != nil {
			return reproject.Result{}, err
		}
		return reproject.Run(ctx, tc, c.TemporalNamespace, keys, store, log)
	})
}

// KeyUsage reads every workflow history the configured Temporal keeps and counts, for each
// encryption key, the runs that still hold payloads under it (keyuse.Scan).
func KeyUsage(ctx context.Context, c Config, log *slog.Logger) (keyuse.Usage, error) {
	return onTemporal(ctx, c, log, func(tc client.Client, _ *codec.Keyring) (keyuse.Usage, error) {
		return keyuse.Scan(ctx, tc, c.TemporalNamespace)
	})
}

// onTemporal runs an admin command's work with a client of the configured Temporal service (its
// payloads opened with the configured keys, its calls measured as the handover-admin service's).
func onTemporal[T any](ctx context.Context, c Config, log *slog.Logger, work func(client.Client, *codec.Keyring) (T, error)) (T, error) {
	var none T
	keys, err := c.Keyring()
	if err != nil {
		return none, err
	}
	tel, err := telemetry.New(ctx, c.Telemetry("handover-admin"))
	if err != nil {
		return none, err
	}
	defer tel.Shutdown(context.Background())
	tc, err := c.dialTemporal(ctx, log, tel, keys)
	if err != nil {
		return none, err
	}
	defer tc.Close()
	return work(tc, keys)
}

// dialTemporal connects a production process to the configured Temporal service.
func (c Config) dialTemporal(ctx context.Context, log *slog.Logger, tel *telemetry.Telemetry, keys *codec.Keyring) (client.Client, error) {
	opts, err := c.TemporalOptions()
	if err != nil {
		return nil, err
	}
	return dialWaiting(ctx, c.TemporalWait, log, func() (client.Client, error) { return DialTemporal(ctx, opts, log, tel, keys) })
}

// dialWaiting dials Temporal, trying again for up to wait while it does not answer (a service
// still starting, or restarting): api and worker come up once it does, rather than exiting. Any
// other refusal (a wrong namespace, bad credentials) is returned at once.
func dialWaiting(ctx context.Context, wait time.Duration, log *slog.Logger, dial func() (client.Client, error)) (client.Client, error) {
	return waitFor(ctx, wait, log, "temporal", dial, temporalUnavailable)
}

// temporalUnavailable reports whether a dial failed because nothing answered.
func temporalUnavailable(err error) bool {
	var unavailable *serviceerror.Unavailable
	return errors.As(err, &unavailable) || status.Code(err) == codes.Unavailable || errors.Is(err, context.DeadlineExceeded)
}
