// Package bench measures handover against the bare Temporal engine it runs on: full action
// lifecycles through the HTTP API (with the read model and notifications) beside the same number of
// lifecycles of a bare workflow taking the same Updates on the same server, alternated so that
// machine noise hits both alike. It also measures how far the read model lags a write, how late an
// escalation shows after its deadline, and the read model's queries at scale.
package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/workflows"
)

// Config says what to measure against.
type Config struct {
	// APIURL targets a running stack; empty starts an embedded one in a temporary directory.
	APIURL string
	// TemporalHostPort and Namespace name the Temporal service of a running stack (with APIURL):
	// the bare workflow runs there.
	TemporalHostPort string
	Namespace        string
	// TemporalConnection and TemporalCredentials carry the TLS configuration and API key a secured
	// Temporal service asks for, as the stack's own processes send them (app.Config.TemporalOptions).
	TemporalConnection  client.ConnectionOptions
	TemporalCredentials client.Credentials
	// DatabaseURL is the read model: that of the running stack with APIURL, or where the embedded
	// stack puts its read model (empty: SQLite in the temporary directory).
	DatabaseURL string
	// OwnerID and OwnerToken create and hand over; RecipientID and RecipientToken accept and
	// complete. Defaults: the demo staff alice and bob.
	OwnerID, OwnerToken         string
	RecipientID, RecipientToken string
	// CPUProfile, when set, names the CPU profiles of the measured phases, one file per phase
	// (useful with the embedded stack, which runs in this process).
	CPUProfile string
	Log        *slog.Logger
}

func (c *Config) setDefaults() {
	// The demo's people unless named; a token given is never replaced (one without the person it
	// belongs to is refused by validate).
	if c.OwnerID == "" && c.OwnerToken == "" {
		c.OwnerID, c.OwnerToken = "alice", app.DemoToken("alice")
	}
	if c.RecipientID == "" && c.RecipientToken == "" {
		c.RecipientID, c.RecipientToken = "bob", app.DemoToken("bob")
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

func (c *Config) validate() error {
	if c.APIURL != "" && (c.TemporalHostPort == "" || c.DatabaseURL == "") {
		return errors.New("--api needs --temporal (for the bare-engine baseline) and --database-url (to check the read model)")
	}
	if c.OwnerToken == "" || c.RecipientToken == "" {
		return errors.New("the owner and recipient need tokens")
	}
	if c.OwnerID == "" || c.RecipientID == "" {
		return errors.New("--token and --recipient-token need --owner and --recipient: the staff IDs they belong to")
	}
	return nil
}

// Bench is a ready measuring rig: a stack (embedded or remote), a Temporal client, the read
// model and the bare-engine worker.
type Bench struct {
	cfg      Config
	stack    *app.Stack
	tmpDir   string
	temporal client.Client
	store    *models.Store
	api      *apiClient
	bare     sdkworker.Worker
	runs     atomic.Int64
	closeFn  []func() error
}

// Start readies the rig: it starts the embedded stack unless cfg.APIURL names a running one.
func Start(ctx context.Context, cfg Config) (_ *Bench, err error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b := &Bench{cfg: cfg}
	defer func() {
		if err != nil {
			err = errors.Join(err, b.Close())
		}
	}()
	base := cfg.APIURL
	if base == "" {
		if b.tmpDir, err = os.MkdirTemp("", "handover-bench-*"); err != nil {
			return nil, err
		}
		b.stack, err = app.StartDev(ctx, app.DevConfig{
			DataDir: b.tmpDir, HTTPAddr: "127.0.0.1:0", DatabaseURL: cfg.DatabaseURL, Demo: true, Log: cfg.Log, NoTemporalUI: true,
		})
		if err != nil {
			return nil, fmt.Errorf("starting the embedded stack: %w", err)
		}
		b.temporal, b.store, base = b.stack.Client, b.stack.Store, b.stack.URL
	} else {
		if b.temporal, err = client.DialContext(ctx, client.Options{
			HostPort: cfg.TemporalHostPort, Namespace: cfg.Namespace,
			ConnectionOptions: cfg.TemporalConnection, Credentials: cfg.TemporalCredentials,
		}); err != nil {
			return nil, fmt.Errorf("connecting to temporal at %s: %w", cfg.TemporalHostPort, err)
		}
		b.closeFn = append(b.closeFn, func() error { b.temporal.Close(); return nil })
		if b.store, err = models.Open(cfg.DatabaseURL, cfg.Log); err != nil {
			return nil, err
		}
		b.closeFn = append(b.closeFn, b.store.Close)
	}
	b.api = &apiClient{
		base: strings.TrimSuffix(base, "/"), ownerID: cfg.OwnerID, ownerToken: cfg.OwnerToken,
		recipientID: cfg.RecipientID, recipientToken: cfg.RecipientToken,
		http: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxIdleConns: 512}},
	}
	if b.bare, err = startBareWorker(b.temporal); err != nil {
		return nil, err
	}
	return b, nil
}

// Close stops the bare worker and the embedded stack and removes its directory.
func (b *Bench) Close() error {
	var errs []error
	if b.bare != nil {
		b.bare.Stop()
	}
	if b.stack != nil {
		errs = append(errs, b.stack.Stop(context.Background()))
	}
	for i := len(b.closeFn) - 1; i >= 0; i-- {
		errs = append(errs, b.closeFn[i]())
	}
	if b.tmpDir != "" {
		errs = append(errs, os.RemoveAll(b.tmpDir))
	}
	return errors.Join(errs...)
}

// Phase is one measured stretch of lifecycles of one kind.
type Phase struct {
	Kind       string  `json:"kind"`
	Lifecycles int     `json:"lifecycles"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
	// CPUSeconds is the CPU time the whole process used during the phase: with the embedded
	// stack, the Temporal server, the workers, the API, the read model and the bench's clients.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
}

// Result is what one measurement found. Durations are in milliseconds.
type Result struct {
	Actions                       int     `json:"actions"`
	Concurrency                   int     `json:"concurrency"`
	Rate                          float64 `json:"rate,omitempty"`
	LifecyclesPerSecond           float64 `json:"lifecycles_per_second"`
	BareEngineLifecyclesPerSecond float64 `json:"bare_engine_lifecycles_per_second"`
	RatioToBareEngine             float64 `json:"ratio_to_bare_engine"`
	APIP50Ms                      float64 `json:"api_p50_ms"`
	APIP99Ms                      float64 `json:"api_p99_ms"`
	BareEngineP50Ms               float64 `json:"bare_engine_p50_ms"`
	BareEngineP99Ms               float64 `json:"bare_engine_p99_ms"`
	ProjectionLagP50Ms            float64 `json:"projection_lag_p50_ms"`
	ProjectionLagP99Ms            float64 `json:"projection_lag_p99_ms"`
	Escalations                   int     `json:"escalations"`
	EscalationDelayP50Ms          float64 `json:"escalation_delay_p50_ms"`
	EscalationDelayP99Ms          float64 `json:"escalation_delay_p99_ms"`
	// APIHistoryEvents and BareHistoryEvents are the length of the Temporal history of one
	// completed lifecycle of each kind: the engine's work per lifecycle.
	APIHistoryEvents  int `json:"api_history_events"`
	BareHistoryEvents int `json:"bare_history_events"`
	// APICPUMsPerLifecycle and BareCPUMsPerLifecycle are the CPU time of one lifecycle of each
	// kind, everything in the process counted (embedded stack only), and CPURatioToBareEngine is
	// the bare figure over the API's: like ratio_to_bare_engine, but not moved by stalls that
	// leave the CPU idle, so it is the steadier figure of what the product costs over the engine.
	APICPUMsPerLifecycle  float64  `json:"api_cpu_ms_per_lifecycle,omitempty"`
	BareCPUMsPerLifecycle float64  `json:"bare_cpu_ms_per_lifecycle,omitempty"`
	CPURatioToBareEngine  float64  `json:"cpu_ratio_to_bare_engine,omitempty"`
	ProjectionExact       bool     `json:"projection_exact"`
	ProjectionErrors      []string `json:"projection_errors,omitempty"`
	Phases                []Phase  `json:"phases"`
}

// Options are the knobs of one measurement.
type Options struct {
	// Actions is the number of lifecycles of each kind, API and bare engine.
	Actions int
	// Concurrency is the number of clients driving lifecycles at once.
	Concurrency int
	// Escalations is the number of actions given a 1 s acceptance deadline to time the
	// escalation; 0 picks Actions/15 between 2 and 20.
	Escalations int
	// Rate, when above 0, starts this many lifecycles per second of each kind, whether or not
	// the ones before have finished (an open loop, as requests arrive in production), instead of
	// Concurrency clients each starting the next lifecycle when the last one ends. Latencies at a
	// rate the engine sustains show what a caller waits when nothing queues.
	Rate float64
}

// runner holds one measurement's figures.
type runner struct {
	*Bench
	runID    string
	apiLat   latencies
	bareLat  latencies
	lagLat   latencies
	escLat   latencies
	mu       sync.Mutex
	finished []finished
	lastBare atomic.Value // string: the workflow ID of a finished bare lifecycle
}

// finished is an API lifecycle's action and the last version its answers showed.
type finished struct {
	ID      string
	Version int64
	// Escalated actions were left open to escalate; the others were completed.
	Escalated bool
}

// Measure drives opt.Actions lifecycles through the API and as many through the bare engine,
// in the order bare, API, API, bare (halves), then times escalations and checks the read model.
// It returns an error when the read model is not exact, with the result filled in.
func (b *Bench) Measure(ctx context.Context, opt Options) (Result, error) {
	if opt.Actions < 2 || opt.Concurrency < 1 {
		return Result{}, errors.New("at least 2 actions and 1 client")
	}
	if opt.Rate < 0 {
		return Result{}, errors.New("the rate cannot be negative")
	}
	if opt.Escalations == 0 {
		opt.Escalations = min(max(opt.Actions/15, 2), 20)
	}
	r := &runner{Bench: b, runID: fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), b.runs.Add(1))}
	// Warm both paths up (connections, caches, the workers' pollers) before measuring.
	warm := min(opt.Concurrency, opt.Actions, 8)
	if _, err := r.phase(ctx, "bare", warm, opt.Concurrency, 0, r.bareOne, true); err != nil {
		return Result{}, err
	}
	if _, err := r.phase(ctx, "api", warm, opt.Concurrency, 0, r.apiOne, true); err != nil {
		return Result{}, err
	}
	half := opt.Actions / 2
	res := Result{Actions: opt.Actions, Concurrency: opt.Concurrency, Rate: opt.Rate}
	for _, p := range []struct {
		kind string
		n    int
		one  func(context.Context, int) error
	}{
		{"bare", half, r.bareOne}, {"api", half, r.apiOne},
		{"api", opt.Actions - half, r.apiOne}, {"bare", opt.Actions - half, r.bareOne},
	} {
		stop, err := b.profile(len(res.Phases)+1, p.kind)
		if err != nil {
			return res, err
		}
		ph, err := r.phase(ctx, p.kind, p.n, opt.Concurrency, opt.Rate, p.one, false)
		if err := errors.Join(err, stop()); err != nil {
			return res, err
		}
		res.Phases = append(res.Phases, ph)
	}
	var apiSec, bareSec, apiCPU, bareCPU float64
	for _, ph := range res.Phases {
		if ph.Kind == "api" {
			apiSec, apiCPU = apiSec+ph.Seconds, apiCPU+ph.CPUSeconds
		} else {
			bareSec, bareCPU = bareSec+ph.Seconds, bareCPU+ph.CPUSeconds
		}
	}
	res.LifecyclesPerSecond = round(float64(opt.Actions) / apiSec)
	res.BareEngineLifecyclesPerSecond = round(float64(opt.Actions) / bareSec)
	res.RatioToBareEngine = round(res.LifecyclesPerSecond / res.BareEngineLifecyclesPerSecond)
	if b.stack != nil && apiCPU > 0 && bareCPU > 0 {
		res.APICPUMsPerLifecycle = round(apiCPU * 1000 / float64(opt.Actions))
		res.BareCPUMsPerLifecycle = round(bareCPU * 1000 / float64(opt.Actions))
		res.CPURatioToBareEngine = round(bareCPU / apiCPU)
	}
	err := r.escalations(ctx, opt.Escalations)
	if err != nil {
		return res, err
	}
	res.APIP50Ms, res.APIP99Ms = r.apiLat.ms(0.50), r.apiLat.ms(0.99)
	res.BareEngineP50Ms, res.BareEngineP99Ms = r.bareLat.ms(0.50), r.bareLat.ms(0.99)
	res.ProjectionLagP50Ms, res.ProjectionLagP99Ms = r.lagLat.ms(0.50), r.lagLat.ms(0.99)
	res.Escalations = r.escLat.len()
	res.EscalationDelayP50Ms, res.EscalationDelayP99Ms = r.escLat.ms(0.50), r.escLat.ms(0.99)
	if res.APIHistoryEvents, res.BareHistoryEvents, err = r.historyLengths(ctx); err != nil {
		return res, err
	}
	problems, err := r.checkProjection(ctx)
	if err != nil {
		return res, err
	}
	res.ProjectionExact, res.ProjectionErrors = len(problems) == 0, problems
	if !res.ProjectionExact {
		return res, fmt.Errorf("the read model is not exact: %d problems, first: %s", len(problems), problems[0])
	}
	return res, nil
}

// profile starts a CPU profile of one measured phase, in its own file beside cfg.CPUProfile
// (cpu.prof: cpu.bare-1.prof, cpu.api-2.prof, ...), so that what the API adds shows as the
// difference of the API phases over the bare ones: both drive the same number of lifecycles.
func (b *Bench) profile(n int, kind string) (stop func() error, err error) {
	if b.cfg.CPUProfile == "" {
		return func() error { return nil }, nil
	}
	ext := filepath.Ext(b.cfg.CPUProfile)
	f, err := os.Create(fmt.Sprintf("%s.%s-%d%s", strings.TrimSuffix(b.cfg.CPUProfile, ext), kind, n, ext))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(err, f.Close())
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

func (r *runner) bareOne(ctx context.Context, n int) error {
	id := fmt.Sprintf("%s/bare-%d", r.runID, n)
	if err := bareLifecycle(ctx, r.temporal, id, &r.bareLat); err != nil {
		return err
	}
	r.lastBare.Store(id)
	return nil
}

// historyLengths reads the history length of one completed API lifecycle and one bare one.
func (r *runner) historyLengths(ctx context.Context) (api, bare int, err error) {
	length := func(id string) (int, error) {
		d, err := r.temporal.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return 0, fmt.Errorf("describing %s: %w", id, err)
		}
		return int(d.GetWorkflowExecutionInfo().GetHistoryLength()), nil
	}
	r.mu.Lock()
	var actionID string
	for _, f := range r.finished {
		if !f.Escalated {
			actionID = f.ID
		}
	}
	r.mu.Unlock()
	if actionID == "" {
		return 0, 0, errors.New("no completed API lifecycle")
	}
	if api, err = length(workflows.ActionWorkflowID(actionID)); err != nil {
		return 0, 0, err
	}
	bareID, _ := r.lastBare.Load().(string)
	if bare, err = length(bareID); err != nil {
		return 0, 0, err
	}
	return api, bare, nil
}

func (r *runner) apiOne(ctx context.Context, n int) error {
	f, err := r.apiLifecycle(ctx, n)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.finished = append(r.finished, f)
	r.mu.Unlock()
	return nil
}

var phaseSeq atomic.Int64

// phase runs n lifecycles and times the whole stretch, from the first start to the last end:
// with rate above 0 each starts on its own at that rate, otherwise c clients each start the next
// when the last one ends. Warm-up phases record no latencies of the bare engine (those of the API
// are kept: they are real requests).
func (r *runner) phase(ctx context.Context, kind string, n, c int, rate float64, one func(context.Context, int) error, warm bool) (Phase, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	base := int(phaseSeq.Add(1)) * 1_000_000
	run := func(i int) {
		if err := one(ctx, base+i); err != nil {
			cancel(err)
		}
	}
	var wg sync.WaitGroup
	begin, cpuBegin := time.Now(), processCPU()
	if rate > 0 {
		interval := time.Duration(float64(time.Second) / rate)
		for i := 1; i <= n && ctx.Err() == nil; i++ {
			wg.Go(func() { run(i) })
			if i < n {
				select {
				case <-ctx.Done():
				case <-time.After(time.Until(begin.Add(time.Duration(i) * interval))):
				}
			}
		}
	} else {
		var next atomic.Int64
		for range min(c, n) {
			wg.Go(func() {
				for i := int(next.Add(1)); i <= n && ctx.Err() == nil; i = int(next.Add(1)) {
					run(i)
				}
			})
		}
	}
	wg.Wait()
	took, cpu := time.Since(begin), processCPU()-cpuBegin
	if err := context.Cause(ctx); err != nil {
		return Phase{}, fmt.Errorf("%s phase: %w", kind, err)
	}
	if warm {
		r.apiLat.reset()
		r.bareLat.reset()
		r.lagLat.reset()
	}
	return Phase{
		Kind: kind, Lifecycles: n, Seconds: round(took.Seconds()), PerSecond: round(float64(n) / took.Seconds()),
		CPUSeconds: round(cpu.Seconds()),
	}, nil
}

// escalations hands n actions over with a one-second acceptance deadline and measures, for each,
// the time from that deadline to the read model showing the escalation.
func (r *runner) escalations(ctx context.Context, n int) error {
	const within = time.Second
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			a, err := r.api.createOwned(ctx, fmt.Sprintf("%s-esc-%d", r.runID, i), "4h")
			if err != nil {
				errs[i] = err
				return
			}
			h, err := r.api.handover(ctx, a.ID, within.String())
			if err != nil {
				errs[i] = err
				return
			}
			if h.PendingHandover == nil {
				errs[i] = fmt.Errorf("action %s: no pending handover in the answer", a.ID)
				return
			}
			deadline := h.PendingHandover.RequestedAt.Add(within)
			for {
				var row models.Action
				err := r.store.DB().WithContext(ctx).Select("escalation_level", "version").Where("id = ?", a.ID).Take(&row).Error
				if err == nil && row.EscalationLevel > 0 {
					r.escLat.add(time.Since(deadline))
					r.mu.Lock()
					r.finished = append(r.finished, finished{ID: a.ID, Version: row.Version, Escalated: true})
					r.mu.Unlock()
					return
				}
				if time.Since(deadline) > 30*time.Second {
					errs[i] = fmt.Errorf("action %s not escalated 30s after its deadline", a.ID)
					return
				}
				select {
				case <-ctx.Done():
					errs[i] = ctx.Err()
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkProjection compares every action the run drove with the read model: the row has the
// version of the last answer (at least, for escalated ones), and the timeline holds exactly the
// events 1..version.
func (r *runner) checkProjection(ctx context.Context) ([]string, error) {
	want := map[string]finished{}
	for _, f := range r.finished {
		want[f.ID] = f
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var problems []string
	for chunk := range slices.Chunk(ids, 500) {
		var rows []struct {
			ID      string
			Status  string
			Version int64
			Events  int64
			MaxSeq  int64
		}
		err := r.store.DB().WithContext(ctx).Raw(`SELECT a.id, a.status, a.version,
			(SELECT COUNT(*) FROM action_events e WHERE e.action_id = a.id) AS events,
			(SELECT COALESCE(MAX(seq), 0) FROM action_events e WHERE e.action_id = a.id) AS max_seq
			FROM actions a WHERE a.id IN ?`, chunk).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("checking the read model: %w", err)
		}
		seen := map[string]bool{}
		for _, row := range rows {
			seen[row.ID] = true
			f := want[row.ID]
			v := f.Version
			switch {
			case row.Version != v:
				problems = append(problems, fmt.Sprintf("action %s: read model at version %d, workflow answered %d", row.ID, row.Version, v))
			case !f.Escalated && row.Status != "completed":
				problems = append(problems, fmt.Sprintf("action %s: read model shows %s, not completed", row.ID, row.Status))
			case row.Events != row.Version || row.MaxSeq != row.Version:
				problems = append(problems, fmt.Sprintf("action %s: %d events up to seq %d for version %d", row.ID, row.Events, row.MaxSeq, row.Version))
			}
		}
		for _, id := range chunk {
			if !seen[id] {
				problems = append(problems, fmt.Sprintf("action %s: missing from the read model", id))
			}
		}
	}
	return problems, nil
}
