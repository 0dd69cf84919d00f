// Command handover runs the handover service: `dev` for everything in one process, `api`,
// `worker` and `migrate` for production against a Temporal cluster and PostgreSQL.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/handover/handover/api"
	"github.com/handover/handover/app"
	"github.com/handover/handover/models"
	"github.com/handover/handover/temporalserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		reportFailure(os.Stderr, os.Getenv("HANDOVER_LOG_FORMAT"), err)
		os.Exit(1)
	}
}

// reportFailure writes why the command stopped: a line of text, or, with HANDOVER_LOG_FORMAT=json,
// a JSON log record at level ERROR like the process's others, so that a log pipeline reads it.
func reportFailure(w io.Writer, format string, err error) {
	if strings.EqualFold(format, "json") {
		slog.New(slog.NewJSONHandler(w, nil)).Error("handover stopped", "error", err.Error())
		return
	}
	fmt.Fprintln(w, "handover:", err)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "handover",
		Short:         "Reliable customer-service handovers, each action a durable Temporal workflow",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newDevCmd(), newAPICmd(), newWorkerCmd(), newMigrateCmd(), newTemporalCmd(), newAdminCmd(), newBenchCmd())
	return root
}

func loadConfig() (app.Config, error) {
	cfg, err := app.LoadConfig()
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// dataDirOf is the data directory a command uses: its --data flag when given, else
// HANDOVER_DATA_DIR (default .handover).
func dataDirOf(cmd *cobra.Command, flag string, cfg app.Config) string {
	if cmd.Flags().Changed("data") {
		return flag
	}
	return cfg.DataDir
}

func newDevCmd() *cobra.Command {
	var (
		dataDir      string
		demo         bool
		httpAddr     string
		temporalPort int
		uiPort       int
		noUI         bool
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run everything in one process: embedded Temporal, worker, API and read model",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			log := cfg.Logger()
			dataDir = dataDirOf(cmd, dataDir, cfg)
			began := time.Now()
			stack, err := app.StartDev(cmd.Context(), app.DevConfig{
				DataDir: dataDir, HTTPAddr: httpAddr, TemporalPort: temporalPort,
				DatabaseURL: cfg.DatabaseURL, Demo: demo, Log: log, Webhook: cfg.Webhook(), RateLimit: cfg.Limits(),
				Telemetry: cfg.Telemetry("handover-dev"), MetricsToken: cfg.MetricsToken, EncryptionKey: cfg.EncryptionKey,
				OldEncryptionKeys: cfg.OldEncryptionKeys, CodecOrigins: cfg.CodecOrigins, TemporalUIPort: uiPort, NoTemporalUI: noUI,
				SecureCookies: cfg.SecureCookies, CommandTimeout: cfg.CommandTimeout, MinFreeDiskMB: cfg.MinFreeDiskMB,
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			readyCtx, cancel := context.WithTimeout(cmd.Context(), 3*time.Second)
			fmt.Fprintln(out, startedLine(time.Since(began), stack.Ready(readyCtx)))
			cancel()
			fmt.Fprintf(out, "  Web UI:   %s\n", stack.URL)
			fmt.Fprintf(out, "  API:      %s/api/v1   (health %s/healthz)\n", stack.URL, stack.URL)
			if stack.TemporalUIURL != "" {
				fmt.Fprintf(out, "  Temporal Web UI: %s\n", stack.TemporalUIURL)
			}
			fmt.Fprintf(out, "  Temporal: %s, namespace %s\n", stack.Temporal.HostPort(), stack.Temporal.Namespace())
			fmt.Fprintf(out, "  Data:     %s\n", dataDir)
			fmt.Fprintf(out, "  Codec:    %s/codec   (Temporal UI codec endpoint; manager and admin tokens)\n", stack.URL)
			if demo {
				fmt.Fprintln(out, "  Demo tokens (team "+app.DemoTeam+"):")
				for _, st := range app.DemoStaff {
					fmt.Fprintf(out, "    %-6s %-10s %s\n", st.ID, st.Role, app.DemoToken(st.ID))
				}
			} else if staff, err := stack.Store.ListStaff(cmd.Context(), ""); err == nil && len(staff) == 0 {
				// Nobody can sign in yet: say how to make the first administrator.
				fmt.Fprintln(out, "  No staff yet. Make an administrator, then sign in with the token printed:")
				fmt.Fprintf(out, "    handover admin --data %s add-staff root \"Administrator\" --role admin\n", dataDir)
				fmt.Fprintf(out, "    handover admin --data %s issue-token root\n", dataDir)
			}
			select {
			case <-cmd.Context().Done():
			case err := <-stack.Served():
				log.Error("http server stopped", "error", err)
			}
			fmt.Fprintln(out, "handover: shutting down")
			return stack.Stop(context.Background())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", ".handover", "directory for the Temporal and read-model databases (env HANDOVER_DATA_DIR)")
	cmd.Flags().BoolVar(&demo, "demo", false, "create the demo team, staff and tokens")
	cmd.Flags().StringVar(&httpAddr, "http", "127.0.0.1:8080", "address the API listens on")
	cmd.Flags().IntVar(&temporalPort, "temporal-port", 7233, "port of the embedded Temporal frontend")
	cmd.Flags().IntVar(&uiPort, "temporal-ui-port", 8233, "port of the Temporal Web UI, on the API's address")
	cmd.Flags().BoolVar(&noUI, "no-temporal-ui", false, "do not serve the Temporal Web UI")
	return cmd
}

func newAPICmd() *cobra.Command {
	return &cobra.Command{
		Use:   "api",
		Short: "Serve the HTTP API against a Temporal service and the read-model database",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			return app.RunAPI(cmd.Context(), cfg, cfg.Logger())
		},
	}
}

func newWorkerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run the Temporal worker that executes the action workflows",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			return app.RunWorker(cmd.Context(), cfg, cfg.Logger())
		},
	}
}

func newMigrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the read model's migrations (HANDOVER_DATABASE_URL)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			done, err := app.Migrate(cmd.Context(), cfg, cfg.Logger())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), migratedLine(done))
			return nil
		},
	}
}

func newTemporalCmd() *cobra.Command {
	var (
		dataDir string
		ip      string
		port    int
		// internal is the first of the server's own four ports (0: free ones).
		internal int
	)
	cmd := &cobra.Command{
		Use:   "temporal",
		Short: "Run only the embedded Temporal server, for separate api and worker processes",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			dataDir = dataDirOf(cmd, dataDir, cfg)
			log := cfg.Logger()
			srv, err := temporalserver.Start(cmd.Context(), temporalserver.Config{
				DatabaseFile: filepath.Join(dataDir, "temporal.db"), IP: ip, FrontendPort: port, InternalPorts: internal, Logger: log,
			})
			if err != nil {
				return err
			}
			// Logged as the api and worker log their start: in JSON with HANDOVER_LOG_FORMAT=json.
			log.Info("temporal server ready", "address", srv.HostPort(), "namespace", srv.Namespace())
			<-cmd.Context().Done()
			log.Info("temporal server stopping")
			if err := srv.Stop(); err != nil {
				return err
			}
			// As the api and worker say they stopped: an operator reading the log sees it ended
			// cleanly, not that it died.
			log.Info("temporal server stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", ".handover", "directory for the Temporal database (env HANDOVER_DATA_DIR)")
	cmd.Flags().StringVar(&ip, "ip", "127.0.0.1", "address to bind to")
	cmd.Flags().IntVar(&port, "port", 7233, "frontend gRPC port")
	cmd.Flags().IntVar(&internal, "internal-ports", 0, "first of 4 ports in a row for the server's own services (history, matching, worker, frontend HTTP); 0 picks free ones on each start")
	return cmd
}

// migratedLine says what `migrate` did.
func migratedLine(m models.Migrated) string {
	switch {
	case m.Version > m.Known:
		return fmt.Sprintf("read model at schema version %d, newer than this release knows (%d): a newer release migrated it; nothing to apply", m.Version, m.Known)
	case m.Applied == 0:
		return fmt.Sprintf("read model already at schema version %d: nothing to apply", m.Version)
	case m.Applied == 1:
		return fmt.Sprintf("read model migrated to schema version %d (1 migration applied)", m.Version)
	}
	return fmt.Sprintf("read model migrated to schema version %d (%d migrations applied)", m.Version, m.Applied)
}

// startedLine is the first line `handover dev` prints once it serves: ready, or what GET /readyz
// says is not (low disk space, say), so the banner never says ready where the probe does not.
func startedLine(took time.Duration, notReady error) string {
	took = took.Round(time.Millisecond)
	var degraded *api.Degraded
	switch {
	case notReady == nil:
		return fmt.Sprintf("handover is ready in %s", took)
	case errors.As(notReady, &degraded):
		return fmt.Sprintf("handover started in %s, degraded: %s does not answer (GET /readyz)", took, degraded.Part)
	}
	return fmt.Sprintf("handover started in %s, but is not ready: %v (GET /readyz answers 503 until it is; the log says more)", took, notReady)
}
