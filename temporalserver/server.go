// Package temporalserver runs a complete Temporal server inside the handover process, persisted in
// a SQLite file (or in memory for tests). It is what `handover dev` runs, so that one command needs
// no separate Temporal installation, and what the test suites start once per package.
package temporalserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/handover/handover/privfile"
)

// Config says where and how the embedded server runs.
type Config struct {
	// DatabaseFile is the SQLite file holding all Temporal state. Empty means in memory: state is
	// lost when the process ends (tests only).
	DatabaseFile string
	// IP is the address every Temporal service binds to. Default 127.0.0.1.
	IP string
	// FrontendPort is the gRPC port clients (the SDK, the temporal CLI, the UI) connect to.
	// Zero picks a free port.
	FrontendPort int
	// InternalPorts, when set, is the first of the four ports the server's own services listen
	// on (history, matching and worker gRPC, the frontend's HTTP), taken in order, so that a
	// firewall can name them; zero picks free ones, others on each start.
	InternalPorts int
	// Namespace is registered at start if it does not exist. Default "default".
	Namespace string
	// Retention is how long closed workflows stay in Temporal. The read model is the long-term
	// record. Default 30 days.
	Retention time.Duration
	// HistoryShards is fixed when the database is created and never changes after. Default 4.
	HistoryShards int32
	// Logger receives the server's logs; only warnings and errors are passed on by default.
	Logger *slog.Logger
	// LogLevel is the lowest level of server log passed to Logger. Default warn.
	LogLevel slog.Level
}

func (c *Config) setDefaults() {
	if c.IP == "" {
		c.IP = "127.0.0.1"
	}
	if c.Namespace == "" {
		c.Namespace = "default"
	}
	if c.Retention == 0 {
		c.Retention = 30 * 24 * time.Hour
	}
	if c.HistoryShards == 0 {
		c.HistoryShards = 4
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.LogLevel == 0 {
		c.LogLevel = slog.LevelWarn
	}
}

func (c *Config) validate() error {
	if net.ParseIP(c.IP) == nil {
		return fmt.Errorf("temporal server IP %q is not an IP address", c.IP)
	}
	if c.FrontendPort < 0 || c.FrontendPort > 65535 {
		return fmt.Errorf("temporal frontend port %d is out of range", c.FrontendPort)
	}
	if c.InternalPorts < 0 || c.InternalPorts > 65535-3 {
		return fmt.Errorf("temporal internal ports %d to %d are out of range", c.InternalPorts, c.InternalPorts+3)
	}
	if c.InternalPorts != 0 && c.FrontendPort >= c.InternalPorts && c.FrontendPort <= c.InternalPorts+3 {
		return fmt.Errorf("temporal frontend port %d is one of the internal ports %d to %d: choose ports apart", c.FrontendPort, c.InternalPorts, c.InternalPorts+3)
	}
	if c.Retention < 24*time.Hour {
		return fmt.Errorf("retention %s is shorter than Temporal's minimum of one day", c.Retention)
	}
	return nil
}

// clusterID names the one embedded cluster; it is stored in the database on first start.
const clusterID = "6f1c1d0e-3b7a-4a51-9d5e-1f0a2c4b8e77"

// Server is a running embedded Temporal server.
type Server struct {
	server    temporal.Server
	hostPort  string
	namespace string
	logLevel  *slog.LevelVar
	stopping  *atomic.Bool
	// release gives up the database's lock once the server has stopped.
	release func() error
}

// Start creates the database if needed, registers the namespace and starts all four Temporal
// services. It returns once the frontend accepts connections.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ports, err := freePorts(cfg.IP, 5)
	if err != nil {
		return nil, err
	}
	if cfg.InternalPorts != 0 {
		// The frontend's port (ports[3]) stays as it was chosen.
		for i, p := range []int{0, 1, 2, 4} {
			ports[p] = cfg.InternalPorts + i
			if err := portFree(cfg.IP, ports[p]); err != nil {
				return nil, err
			}
		}
	}
	if cfg.FrontendPort == 0 {
		cfg.FrontendPort = ports[3]
	} else if err := portFree(cfg.IP, cfg.FrontendPort); err != nil {
		// The server would fail deep inside its start-up on a taken port; say it plainly first.
		return nil, err
	}
	hostPort := net.JoinHostPort(cfg.IP, strconv.Itoa(cfg.FrontendPort))

	// One server per database file: a second one started on it (another dev or temporal process
	// on the same data directory) is refused here.
	var lock *os.File
	if cfg.DatabaseFile != "" {
		if err := os.MkdirAll(filepath.Dir(cfg.DatabaseFile), 0o700); err != nil {
			return nil, fmt.Errorf("creating directory for %s: %w", cfg.DatabaseFile, err)
		}
		if lock, err = lockDatabase(cfg.DatabaseFile + ".lock"); err != nil {
			return nil, err
		}
		if err := privfile.KeepPrivate(cfg.DatabaseFile); err != nil {
			return nil, errors.Join(err, lock.Close())
		}
	}
	release := func() error {
		if lock == nil {
			return nil
		}
		return lock.Close()
	}
	sqlConf, err := prepareDatabase(cfg)
	if err != nil {
		return nil, errors.Join(err, release())
	}
	conf := serverConfig(cfg, sqlConf, hostPort, ports)
	level := &slog.LevelVar{}
	level.Set(cfg.LogLevel)
	stopping := new(atomic.Bool)
	logger := slogLogger{log: cfg.Logger, level: level, stopping: stopping}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: static.SingleLocalHost(hostPort),
			primitives.HistoryService:  static.SingleLocalHost(net.JoinHostPort(cfg.IP, strconv.Itoa(ports[0]))),
			primitives.MatchingService: static.SingleLocalHost(net.JoinHostPort(cfg.IP, strconv.Itoa(ports[1]))),
			primitives.WorkerService:   static.SingleLocalHost(net.JoinHostPort(cfg.IP, strconv.Itoa(ports[2]))),
		}),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("building temporal server: %w", err), release())
	}
	if err := srv.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("starting temporal server: %w", err), release())
	}
	s := &Server{server: srv, hostPort: hostPort, namespace: cfg.Namespace, logLevel: level, stopping: stopping, release: release}
	if err := waitForPort(ctx, hostPort); err != nil {
		return nil, errors.Join(err, s.Stop())
	}
	return s, nil
}

// HostPort is the frontend address for SDK clients.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the namespace registered at start.
func (s *Server) Namespace() string { return s.namespace }

// Stop stops all services and waits for them to end.
func (s *Server) Stop() error {
	// Internal pollers warn about every connection they lose while the services stop one by one,
	// and a call the stop cut short can fail to add its metrics to a reply already ended.
	s.logLevel.Set(slog.LevelError)
	s.stopping.Store(true)
	if err := s.server.Stop(); err != nil {
		return errors.Join(fmt.Errorf("stopping temporal server: %w", err), s.release())
	}
	return s.release()
}

func prepareDatabase(cfg Config) (*config.SQL, error) {
	sqlConf := &config.SQL{PluginName: sqliteplugin.PluginName}
	if cfg.DatabaseFile == "" {
		sqlConf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		// Each in-memory server needs its own database name within the process.
		sqlConf.DatabaseName = fmt.Sprintf("handover-%d-%d", os.Getpid(), time.Now().UnixNano())
	} else {
		// WAL with synchronous=normal survives a process crash and is about twice as fast as the
		// default journal on this workload. Keys without a leading underscore are the ones the
		// plugin passes on.
		sqlConf.ConnectAttributes = map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "1"}
		sqlConf.DatabaseName = cfg.DatabaseFile
	}
	// One connection: SQLite serialises writers, and more connections only add lock contention.
	sqlConf.MaxConns = 1
	sqlConf.MaxIdleConns = 1

	if cfg.DatabaseFile == "" {
		if err := sqliteschema.SetupSchema(sqlConf); err != nil {
			return nil, fmt.Errorf("setting up temporal schema: %w", err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(cfg.DatabaseFile), 0o700); err != nil {
			return nil, fmt.Errorf("creating directory for %s: %w", cfg.DatabaseFile, err)
		}
		if err := setupSchemaFile(cfg.DatabaseFile); err != nil {
			return nil, fmt.Errorf("setting up temporal schema in %s: %w", cfg.DatabaseFile, err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig("active", cfg.Namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("preparing namespace %s: %w", cfg.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(cfg.Retention)
	if err := sqliteschema.CreateNamespaces(sqlConf, ns); err != nil {
		return nil, fmt.Errorf("registering namespace %s: %w", cfg.Namespace, err)
	}
	return sqlConf, nil
}

// setupSchemaFile creates Temporal's schema in a database file that has none yet (a new file, or
// one whose set-up never committed), all of it in one transaction: it is a hundred statements, and
// run one by one (as sqliteschema.SetupSchema does), a process killed among them left a file that
// every later start took as set up, and failed on ("no such table: namespaces").
func setupSchemaFile(file string) error {
	db, err := sql.Open("sqlite", file)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var objects int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&objects); err != nil {
		return err
	}
	if objects > 0 {
		return nil // set up already
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if err := sqliteschema.SetupSchemaOnDB(schemaTx{tx: tx}); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// schemaTx runs the schema's statements in one transaction; SetupSchemaOnDB uses only Exec.
type schemaTx struct {
	sqlplugin.AdminDB
	tx *sql.Tx
}

func (s schemaTx) Exec(stmt string, args ...any) error {
	_, err := s.tx.Exec(stmt, args...)
	return err
}

func serverConfig(cfg Config, sqlConf *config.SQL, hostPort string, ports []int) *config.Config {
	conf := &config.Config{}
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = cfg.IP
	conf.Persistence.DefaultStore = "sqlite"
	conf.Persistence.VisibilityStore = "sqlite"
	conf.Persistence.NumHistoryShards = cfg.HistoryShards
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite": {SQL: sqlConf}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        "active",
		CurrentClusterName:       "active",
		ClusterInformation: map[string]cluster.ClusterInformation{
			"active": {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             hostPort,
				HTTPAddress:            net.JoinHostPort(cfg.IP, strconv.Itoa(ports[4])),
				ClusterID:              clusterID,
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	frontend := config.Service{}
	frontend.RPC.GRPCPort = cfg.FrontendPort
	frontend.RPC.HTTPPort = ports[4]
	frontend.RPC.BindOnIP = cfg.IP
	service := func(port int) config.Service {
		var s config.Service
		s.RPC.GRPCPort = port
		s.RPC.BindOnIP = cfg.IP
		return s
	}
	conf.Services = map[string]config.Service{
		"frontend": frontend,
		"history":  service(ports[0]),
		"matching": service(ports[1]),
		"worker":   service(ports[2]),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = hostPort
	return conf
}

// dynamicConfig holds the settings that differ from a production cluster's defaults because one
// process on one SQLite file serves everything.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():            8192,
		dynamicconfig.FrontendPersistenceMaxQPS.Key():               10000,
		dynamicconfig.HistoryPersistenceMaxQPS.Key():                45000,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
		// Timers fire up to this late; the default of 1s would delay every escalation.
		dynamicconfig.TimerProcessorMaxTimeShift.Key(): 50 * time.Millisecond,
		// Tasks go to one partition of each task queue. With four (the default) and the worker's
		// two pollers, a workflow task written to a partition nobody was polling waited to be
		// forwarded: creates and first commands stalled for 0.2-0.6 s under load (bench API p99
		// 0.6-1.1 s -> 0.26-0.34 s). All four are still read, so tasks an older version wrote
		// to the others are not left behind.
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key(): 1,
		dynamicconfig.MatchingNumTaskqueueReadPartitions.Key():  4,
		// No limit of Updates in flight per workflow (10 by default): the Update past it is
		// refused, and the refusal clears the workflow's register of Updates, aborting every one
		// admitted and throwing away the workflow task taking them (whose projection has written
		// its version of the timeline). Commands from several API processes, or from the worker's
		// shift handovers beside the API's, are not bounded by any one process's turns.
		dynamicconfig.WorkflowExecutionMaxInFlightUpdates.Key(): 0,
	}
}

// freePorts finds n ports free on ip for the services' own listeners, which Temporal opens itself
// a moment later. They are taken below the kernel's ephemeral range where it leaves room: a port
// from that range (what listening on port 0 gives) can meanwhile become the local end of any
// outgoing connection on the machine, or be given to another process's port 0, and the service
// that then cannot listen on it brings the whole process down.
func freePorts(ip string, n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	low, high := portsBelowEphemeral()
	for attempts := 0; len(ports) < n; attempts++ {
		port := 0
		if low > 0 && attempts < 100*n {
			port = low + rand.IntN(high-low)
		}
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err != nil {
			if port != 0 {
				continue // taken: another
			}
			return nil, fmt.Errorf("finding a free port on %s: %w", ip, err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// portsBelowEphemeral is the range [low, high) of ports just below the kernel's ephemeral range
// (Linux: /proc/sys/net/ipv4/ip_local_port_range), or 0, 0 where it cannot be read or leaves too
// little room below it.
func portsBelowEphemeral() (low, high int) {
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0
	}
	fields := strings.Fields(string(raw))
	if len(fields) != 2 {
		return 0, 0
	}
	first, err := strconv.Atoi(fields[0])
	if err != nil || first < 12000 {
		return 0, 0
	}
	return first - 10000, first
}

func portFree(ip string, port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("temporal port %d on %s is not free (is another handover or Temporal server running? choose another port): %w", port, ip, err)
	}
	return l.Close()
}

func waitForPort(ctx context.Context, hostPort string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", hostPort)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal frontend %s did not come up: %w", hostPort, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// slogLogger passes the server's logs to slog at or above a minimum level.
type slogLogger struct {
	log   *slog.Logger
	level *slog.LevelVar
	// stopping is set once the server is being stopped: errors the stop itself causes are dropped.
	stopping *atomic.Bool
}

// stopNoise are the errors a stop causes in the server's own calls, said of nothing wrong: a call
// cut short by the stop whose reply was already ended when the server added its metrics to it.
var stopNoise = []string{"unable to add metrics baggage to gRPC trailer"}

var _ log.Logger = slogLogger{}

func (l slogLogger) Debug(msg string, tags ...tag.Tag) { l.emit(slog.LevelDebug, msg, tags) }
func (l slogLogger) Info(msg string, tags ...tag.Tag)  { l.emit(slog.LevelInfo, msg, tags) }
func (l slogLogger) Warn(msg string, tags ...tag.Tag)  { l.emit(slog.LevelWarn, msg, tags) }
func (l slogLogger) Error(msg string, tags ...tag.Tag) { l.emit(slog.LevelError, msg, tags) }

// DPanic, Panic and Fatal are logged as errors: the embedded server must never end the process.
func (l slogLogger) DPanic(msg string, tags ...tag.Tag) { l.emit(slog.LevelError, msg, tags) }
func (l slogLogger) Panic(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }
func (l slogLogger) Fatal(msg string, tags ...tag.Tag)  { l.emit(slog.LevelError, msg, tags) }

func (l slogLogger) emit(level slog.Level, msg string, tags []tag.Tag) {
	if level < l.level.Level() {
		return
	}
	if l.stopping != nil && l.stopping.Load() && slices.Contains(stopNoise, msg) {
		return
	}
	attrs := make([]slog.Attr, 0, len(tags)+1)
	attrs = append(attrs, slog.String("component", "temporal"))
	for _, t := range tags {
		attrs = append(attrs, slog.Any(t.Key(), t.Value()))
	}
	l.log.LogAttrs(context.Background(), level, msg, attrs...)
}
