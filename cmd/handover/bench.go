package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/handover/handover/app"
	"github.com/handover/handover/bench"
)

func newBenchCmd() *cobra.Command {
	var (
		cfg        bench.Config
		opt        bench.Options
		asJSON     bool
		sweep      string
		svgPath    string
		readModel  bool
		rmActions  int
		rmRequests int
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure lifecycles through the API against the bare Temporal engine, and the read model at scale",
		Long: `bench starts an embedded stack in a temporary directory (or targets a running one with --api,
--temporal and --database-url), drives --actions full lifecycles (create, handover, accept, complete)
through the HTTP API with --concurrency clients, and as many lifecycles of a bare workflow taking the
same three Updates on the same Temporal server, alternating the two. It checks that the read model
holds exactly every action's final version and timeline, and fails otherwise.

--read-model seeds a read model (--database-url, PostgreSQL in production) with --rm-actions actions
and their timelines, the customers' data sealed, and reports p50 and p99 of each read query instead,
directly and through the HTTP API.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if readModel {
				if cfg.DatabaseURL == "" {
					return fmt.Errorf("--read-model needs --database-url")
				}
				res, err := bench.ReadModel(ctx, cfg.DatabaseURL, bench.ReadModelOptions{Actions: rmActions, Requests: rmRequests})
				if err != nil {
					return err
				}
				return printResult(out, asJSON, res, res.Table())
			}
			if cfg.APIURL != "" {
				// The running stack's Temporal service may ask for TLS or an API key: send them as the
				// stack's processes do, from HANDOVER_TEMPORAL_TLS* and HANDOVER_TEMPORAL_API_KEY.
				env, err := app.LoadConfig()
				if err != nil {
					return err
				}
				opts, err := env.TemporalOptions()
				if err != nil {
					return err
				}
				cfg.TemporalConnection, cfg.TemporalCredentials = opts.ConnectionOptions, opts.Credentials
			}
			b, err := bench.Start(ctx, cfg)
			if err != nil {
				return err
			}
			defer b.Close()
			if sweep == "" {
				res, err := b.Measure(ctx, opt)
				if perr := printResult(out, asJSON, res, res.Summary()); perr != nil {
					return perr
				}
				return err
			}
			var levels []int
			for _, f := range strings.Split(sweep, ",") {
				c, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || c < 1 {
					return fmt.Errorf("--sweep: %q is not a number of clients", f)
				}
				levels = append(levels, c)
			}
			var results []bench.Result
			for _, c := range levels {
				o := opt
				o.Concurrency = c
				res, err := b.Measure(ctx, o)
				if err != nil {
					return err
				}
				results = append(results, res)
				if !asJSON {
					fmt.Fprintln(out, res.Summary())
				}
			}
			if svgPath != "" {
				if err := os.WriteFile(svgPath, bench.SweepSVG(results), 0o644); err != nil {
					return err
				}
			}
			if asJSON {
				return printResult(out, true, results, "")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.Actions, "actions", 300, "lifecycles of each kind (API and bare engine)")
	f.IntVar(&opt.Concurrency, "concurrency", 16, "clients driving lifecycles at once")
	f.Float64Var(&opt.Rate, "rate", 0, "start this many lifecycles per second of each kind (open loop) instead of --concurrency clients")
	f.IntVar(&opt.Escalations, "escalations", 0, "actions timed from their acceptance deadline to the escalation (0: actions/15, 2 to 20)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.StringVar(&cfg.APIURL, "api", "", "base URL of a running stack instead of an embedded one (it makes real actions there, which escalate and notify: a test system only)")
	f.StringVar(&cfg.TemporalHostPort, "temporal", "", "Temporal frontend of the running stack (with --api)")
	f.StringVar(&cfg.Namespace, "namespace", "default", "Temporal namespace of the running stack")
	f.StringVar(&cfg.DatabaseURL, "database-url", "", "read model: of the running stack (with --api), or for the embedded stack (default SQLite)")
	f.StringVar(&cfg.OwnerToken, "token", "", "bearer token of the owner, with --owner (default demo-alice)")
	f.StringVar(&cfg.OwnerID, "owner", "", "staff ID of the owner (default alice)")
	f.StringVar(&cfg.RecipientToken, "recipient-token", "", "bearer token of the recipient, with --recipient (default demo-bob)")
	f.StringVar(&cfg.RecipientID, "recipient", "", "staff ID of the recipient (default bob)")
	f.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of each measured phase beside this path (cpu.prof: cpu.bare-1.prof, cpu.api-2.prof, ...)")
	f.StringVar(&sweep, "sweep", "", "comma-separated concurrencies to measure in turn, e.g. 1,2,4,8,16,32")
	f.StringVar(&svgPath, "svg", "", "with --sweep: write a plot of throughput against concurrency to this SVG file")
	f.BoolVar(&readModel, "read-model", false, "measure the read model's queries instead (needs --database-url)")
	f.IntVar(&rmActions, "rm-actions", 100_000, "with --read-model: actions to seed (at least 200; one team per 200, at most 50)")
	f.IntVar(&rmRequests, "rm-requests", 200, "with --read-model: requests of each query")
	return cmd
}

func printResult(out interface{ Write([]byte) (int, error) }, asJSON bool, v any, text string) error {
	if !asJSON {
		_, err := fmt.Fprintln(out, text)
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
