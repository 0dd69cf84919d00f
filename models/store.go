package models

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	// The pure-Go SQLite driver, registered as "sqlite"; the embedded Temporal server links it too.
	_ "modernc.org/sqlite"

	"github.com/handover/handover/privfile"
)

//go:embed migrations
var migrations embed.FS

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// Dialects the store runs on.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// Store reads and writes the read model.
type Store struct {
	db *gorm.DB
	// read answers the reads outside transactions: on SQLite a pool of its own beside the one
	// writing connection (WAL lets readers run while it writes), on PostgreSQL the same pool.
	read    *gorm.DB
	dialect string
	// handoverColumns are those a projection's upsert of a handover assigns (columnsBut).
	handoverColumns []string
}

// otherScheme matches a URL that begins with a scheme the read model does not speak (sqlite:///path
// is SQLite's own form of a path).
var otherScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// postgresWithoutSlashes matches a PostgreSQL URL missing its "//" ("postgres:/db"); a file path
// that begins with the word (postgres-data/readmodel.db) is a path.
var postgresWithoutSlashes = regexp.MustCompile(`(?i)^postgres(ql)?:`)

// keywordDSN matches a libpq keyword/value connection string ("host=db dbname=handover").
var keywordDSN = regexp.MustCompile(`^\s*[a-z_]+=\S*(\s+[a-z_]+=\S*)*\s*$`)

// Open connects to the database named by url: "postgres://..." (or "postgresql://...") for
// PostgreSQL, "sqlite:PATH" for SQLite; anything else is refused. It does not migrate.
func Open(url string, log *slog.Logger) (*Store, error) {
	return open(url, log, true)
}

// OpenLater is Open without connecting to a PostgreSQL database yet: the first statement does, and
// fails as any does while the database is away (Unavailable). A worker started during an outage
// runs its workflows meanwhile.
func OpenLater(url string, log *slog.Logger) (*Store, error) {
	return open(url, log, false)
}

func open(url string, log *slog.Logger, connect bool) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var (
		dialector gorm.Dialector
		readDSN   string
		dialect   string
		// closeConn closes what was opened for the dialector when GORM cannot use it.
		closeConn = func() error { return nil }
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		dialector, dialect = postgres.Open(url), DialectPostgres
	case otherScheme.MatchString(url) && !strings.HasPrefix(url, "sqlite:"):
		// A URL of another scheme (or a misspelt one) is not a file path to create.
		scheme, _, _ := strings.Cut(url, "://")
		return nil, fmt.Errorf("database URL scheme %q is not supported: use postgres://... or sqlite:PATH", scheme)
	case !strings.HasPrefix(url, "sqlite:") && (postgresWithoutSlashes.MatchString(url) || keywordDSN.MatchString(url)):
		// "postgres:/db" or "host=db dbname=handover": meant for PostgreSQL, not a file to create.
		return nil, errors.New("database URL: PostgreSQL takes the URL form postgres://USER:PASSWORD@HOST:PORT/DB (not keyword=value pairs); SQLite takes sqlite:PATH")
	case strings.HasPrefix(url, "sqlite://") && !strings.HasPrefix(url, "sqlite:///"):
		// "sqlite://data/x.db" names a host, data, which SQLite refuses in words of its own.
		return nil, fmt.Errorf("database URL %q names a host: write sqlite:PATH (sqlite:data/x.db, sqlite:/var/lib/handover/x.db)", url)
	case url != "" && !strings.HasPrefix(url, "sqlite:"):
		// A path, or a PostgreSQL URL with its scheme mistyped ("postgres//db", "db:5432/x"): taken
		// for a file, it would put the read model, or a worker's writes, in a SQLite file beside
		// the process, and nothing would say so.
		// Not repeated in the error: a mistyped URL may still carry its password.
		return nil, errors.New("database URL has no scheme (it begins neither postgres:// nor sqlite:): write postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL, or sqlite:PATH for a SQLite file")
	case url != "":
		path := strings.TrimPrefix(url, "sqlite:")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("creating directory for %s: %w", path, err)
		}
		if path != ":memory:" && !strings.HasPrefix(path, "file:") {
			// The read model holds the customers' data keys and who did what for whom.
			if err := privfile.KeepPrivate(path); err != nil {
				return nil, err
			}
		}
		// secure_delete: content a write removes (a destroyed customer key among it) is
		// overwritten with zeros in the page, not left in its free space (ForgetErased).
		dsn := "file:" + path + "?_pragma=journal_mode(wal)&_pragma=synchronous(normal)" +
			"&_pragma=busy_timeout(" + strconv.Itoa(sqliteBusyTimeoutMS) + ")&_pragma=foreign_keys(on)&_pragma=secure_delete(1)&_time_format=sqlite"
		// Writes begin IMMEDIATE: a write transaction of another process on the same file (an
		// admin command's, while dev runs) is waited for (busy_timeout), where one begun as a read
		// and turned into a write after it would fail at once (SQLITE_BUSY).
		conn, err := openSQLite(dsn + "&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", path, err)
		}
		dialector, closeConn = sqlite.New(sqlite.Config{Conn: conn}), conn.Close
		readDSN = dsn + "&_pragma=query_only(1)"
		dialect = DialectSQLite
	default:
		return nil, errors.New("no database URL given")
	}
	// GORM logs a failure to connect as well as returning it; the caller reports the error once.
	// The query logger is set once the connection is up.
	gormConfig := func() *gorm.Config {
		return &gorm.Config{
			Logger:                 logger.Discard,
			SkipDefaultTransaction: true,
			TranslateError:         true,
			NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
			DisableAutomaticPing:   !connect,
		}
	}
	db, err := gorm.Open(dialector, gormConfig())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("opening %s read model: %w", dialect, err), closeConn())
	}
	db.Logger = newQueryLogger(log, dialect)
	// The handovers' columns a projection's upsert assigns, read from the schema once.
	handoverColumns, err := columnsBut(db, &Handover{})
	if err != nil {
		return nil, errors.Join(err, closeConn())
	}
	st := &Store{db: db, read: db, dialect: dialect, handoverColumns: handoverColumns}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	switch dialect {
	case DialectPostgres:
		// Keep as many connections open as are used at once: database/sql keeps only two idle
		// by default, so each request beyond two opened (and PostgreSQL forked) a connection.
		sqlDB.SetMaxOpenConns(postgresConns)
		sqlDB.SetMaxIdleConns(postgresConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	case DialectSQLite:
		// SQLite allows one writer; one connection avoids "database is locked" between our own.
		sqlDB.SetMaxOpenConns(1)
		// Reads get their own connections, so an API request does not queue behind a projection.
		readDB, err := openSQLite(readDSN)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("opening sqlite read connections: %w", err), sqlDB.Close())
		}
		if st.read, err = gorm.Open(sqlite.New(sqlite.Config{Conn: readDB}), gormConfig()); err != nil {
			return nil, errors.Join(fmt.Errorf("opening sqlite read connections: %w", err), readDB.Close(), sqlDB.Close())
		}
		st.read.Logger = db.Logger
		readDB.SetMaxOpenConns(4)
		readDB.SetMaxIdleConns(4)
	}
	return st, nil
}

// postgresConns is how many PostgreSQL connections one process uses at most, and keeps open.
const postgresConns = 16

// sqliteBusyTimeoutMS is how long a SQLite connection waits for a lock another holds before it
// gives up (ForgetErased waits less, and sets it back to this).
const sqliteBusyTimeoutMS = 10000

// Dialect is DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// DB exposes the GORM handle for tests and benchmarks.
func (s *Store) DB() *gorm.DB { return s.db }

// Close closes the connections.
func (s *Store) Close() error {
	var errs []error
	dbs := []*gorm.DB{s.db}
	if s.read != s.db {
		dbs = append(dbs, s.read)
	}
	for _, g := range dbs {
		sqlDB, err := g.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Migrate applies every migration not yet applied and says what it did (Migrated).
func (s *Store) Migrate(ctx context.Context) (Migrated, error) {
	p, err := s.migrator()
	if err != nil {
		return Migrated{}, err
	}
	applied, err := p.Up(ctx)
	if err != nil {
		return Migrated{}, fmt.Errorf("migrating read model: %w", err)
	}
	version, known, err := schemaVersions(ctx, p)
	return Migrated{Version: version, Known: known, Applied: len(applied)}, err
}

// Migrated is what Migrate did: the schema version the read model is at, and how many migrations
// this call applied to get there (none when another process had, or nothing was pending). Known
// is the newest version this binary knows: a Version above it was migrated by a newer release.
type Migrated struct {
	Version int64
	Known   int64
	Applied int
}

// PendingMigrations reports whether migrations remain to be applied.
func (s *Store) PendingMigrations(ctx context.Context) (bool, error) {
	p, err := s.migrator()
	if err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

// SchemaVersions reports the schema version the read model is at and the newest this binary knows:
// a read model at a newer version was migrated by a newer release.
func (s *Store) SchemaVersions(ctx context.Context) (at, known int64, err error) {
	p, err := s.migrator()
	if err != nil {
		return 0, 0, err
	}
	return schemaVersions(ctx, p)
}

// NewestOpenRevision is the newest workflow revision an open action runs (0 when none says): one
// above what a process knows was started by a newer release, whose workers alone may run it.
func (s *Store) NewestOpenRevision(ctx context.Context) (int, error) {
	var newest *int
	if err := s.read.WithContext(ctx).Model(&Action{}).Where("status IN ?", openStatuses).
		Select("MAX(revision)").Scan(&newest).Error; err != nil {
		return 0, fmt.Errorf("reading the newest revision of the open actions: %w", err)
	}
	if newest == nil {
		return 0, nil
	}
	return *newest, nil
}

// schemaVersions is SchemaVersions with the migrator in hand.
func schemaVersions(ctx context.Context, p *goose.Provider) (at, known int64, err error) {
	if at, err = p.GetDBVersion(ctx); err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	if len(sources) > 0 {
		known = sources[len(sources)-1].Version
	}
	return at, known, nil
}

func (s *Store) migrator() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	if s.dialect != DialectPostgres {
		return goose.NewProvider(goose.DialectSQLite3, sqlDB, sub) // one file, one writer
	}
	// Several processes may migrate at once (a migrate job per pod, two deploys): an advisory
	// lock lets one run the migrations while the others wait, then find nothing left to do.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600)) // every second, for up to 10 min
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
}

func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn, &sql.TxOptions{})
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

// ApplyProjection writes an action's state, new timeline events and the inbox records of its
// notifications in one transaction. It is idempotent and never goes backwards: the action row
// changes only when the write is of its last change or a later one (by the change's time, then
// its version), and a write of an earlier one leaves events and inbox records as they are.
//
// The projection runs inside the workflow task of the change. A task the server throws away
// (Updates it aborts under load, and redelivers in another order) may have written a state, and
// events and notifications at their seqs, that no history holds; the workflow's own write comes
// later, from a task that started later. Its state replaces that one even at a lower version, its
// events replace those written at their seqs with an earlier time (the database keeps each row
// replaced in action_event_corrections: the timeline is otherwise append-only), its inbox
// records replace the others at their seqs (ApplyProjectionWithInbox), and no inbox record is
// left past its version.
func (s *Store) ApplyProjection(ctx context.Context, a Action, events []ActionEvent, inbox ...Notification) error {
	return s.applyProjection(ctx, a, events, inbox, false)
}

// rowToWrite is an action's row as it is written, its times in UTC and written now, and its
// handovers apart (upsertAction writes them after the row).
func rowToWrite(a Action) (Action, []Handover) {
	a.DueAt, a.CreatedAt, a.UpdatedAt, a.FollowUpAt = utc(a.DueAt), utc(a.CreatedAt), utc(a.UpdatedAt), utcPtr(a.FollowUpAt)
	a.PausedAt, a.ResumeAt, a.PauseRemindAt, a.EscalatedAt = utcPtr(a.PausedAt), utcPtr(a.ResumeAt), utcPtr(a.PauseRemindAt), utcPtr(a.EscalatedAt)
	a.CheckBy, a.EscalateBy = utcPtr(a.CheckBy), utcPtr(a.EscalateBy)
	a.WrittenAt = utc(time.Now())
	handovers := a.Handovers
	a.Handovers = nil
	return a, handovers
}

// versionWritten is the version of an action's row in the read model (0: none yet).
func versionWritten(tx *gorm.DB, id string) (int64, error) {
	var written int64
	if err := tx.Model(&Action{}).Where("id = ?", id).Limit(1).Pluck("version", &written).Error; err != nil {
		return 0, fmt.Errorf("reading the version written of action %s: %w", id, err)
	}
	return written, nil
}

// actionColumns are the columns of an action's row a projection writes.
func actionColumns() []string {
	return []string{
		"title", "details", "category", "priority", "status", "owner_id", "team_id",
		"customer_ref", "customer_name", "customer_contact", "required_authority", "due_at",
		"escalation_level", "pending_handover_id", "outcome", "updated_at", "written_at", "version", "hander_id", "follow_up_at",
		"policy_version", "internal", "paused", "paused_at", "pause_reason", "due_left_seconds", "resume_at",
		"pause_remind_at", "revision", "clock_hours", "policy", "escalation_reason", "escalated_at", "check_by", "escalate_by",
	}
}

// upsertAction writes an action's row where the existing one matches when (every row, when
// empty; a customer erased stays erased), and then its handovers, answering how many rows of
// actions it wrote (none: nor the handovers).
func (s *Store) upsertAction(tx *gorm.DB, a *Action, handovers []Handover, when clause.Where) (int64, error) {
	res := tx.Omit(clause.Associations).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "id"}}, DoUpdates: keepErased("actions", actionColumns()), Where: when,
	}).Create(a)
	if res.Error != nil {
		return 0, fmt.Errorf("upserting action %s: %w", a.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return 0, nil
	}
	for i := range handovers {
		h := handovers[i]
		h.ActionID = a.ID
		h.RequestedAt, h.FollowUpAt, h.RespondedAt, h.ExpiresAt = utc(h.RequestedAt), utcPtr(h.FollowUpAt), utcPtr(h.RespondedAt), utcPtr(h.ExpiresAt)
		if h.NoteFields == "" {
			h.NoteFields = "{}"
		}
		upsert := clause.OnConflict{Columns: []clause.Column{{Name: "action_id"}, {Name: "id"}}, DoUpdates: keepErased("handovers", s.handoverColumns)}
		if err := tx.Clauses(upsert).Create(&h).Error; err != nil {
			return 0, fmt.Errorf("upserting handover %s of action %s: %w", h.ID, a.ID, err)
		}
	}
	return res.RowsAffected, nil
}

// ActionVersion is an action and the version its read model holds.
type ActionVersion struct {
	ID      string
	Version int64
}

// LatestWritten lists the actions written within window before the read model's latest write,
// newest first, at most limit: those a process that stopped at once (kill -9, a power cut) may
// have written ahead of their workflows (RollBack).
func (s *Store) LatestWritten(ctx context.Context, window time.Duration, limit int) ([]ActionVersion, error) {
	var latest Action
	err := s.read.WithContext(ctx).Select("written_at").Where("written_at IS NOT NULL").Order("written_at DESC").Take(&latest).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the latest write: %w", err)
	}
	var out []ActionVersion
	if err := s.read.WithContext(ctx).Model(&Action{}).Select("id, version").Where("written_at >= ?", utc(latest.WrittenAt.Add(-window))).
		Order("written_at DESC").Limit(limit).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("listing the actions written lately: %w", err)
	}
	return out, nil
}

// RollBack puts an action's read model back to its workflow's state (a, with its handovers and
// its tasks to tell the customer) where it is ahead of it: written inside a workflow task that
// never took effect (the process died before Temporal recorded the task), it shows a change the
// workflow never made. The row and handovers are the workflow's again (a handover it never had
// is gone), the entries past its version are withdrawn from the timeline (kept in
// action_event_corrections), the inbox records they made are gone, and a task one of them
// recorded done or tried is as the workflow has it. It answers false, changing nothing, when the
// read model is not ahead.
func (s *Store) RollBack(ctx context.Context, a Action, tasks []Task) (bool, error) {
	a, handovers := rowToWrite(a)
	rolled := false
	err := s.tx(ctx, func(tx *gorm.DB) error {
		written, err := versionWritten(tx, a.ID)
		if err != nil || written <= a.Version {
			return err
		}
		if _, err := s.upsertAction(tx, &a, handovers, clause.Where{}); err != nil {
			return err
		}
		kept := make([]string, 0, len(handovers))
		for _, h := range handovers {
			kept = append(kept, h.ID)
		}
		gone := tx.Where("action_id = ?", a.ID)
		if len(kept) > 0 {
			gone = gone.Where("id NOT IN ?", kept)
		}
		if err := gone.Delete(&Handover{}).Error; err != nil {
			return fmt.Errorf("removing handovers of action %s its workflow never had: %w", a.ID, err)
		}
		if err := withdrawUnwritten(tx, a.ID, a.Version); err != nil {
			return fmt.Errorf("withdrawing the entries of action %s past version %d: %w", a.ID, a.Version, err)
		}
		if err := tx.Where("action_id = ? AND seq > ?", a.ID, a.Version).Delete(&Notification{}).Error; err != nil {
			return fmt.Errorf("removing inbox records of action %s past version %d: %w", a.ID, a.Version, err)
		}
		open := tx.Model(&Notification{}).Where("action_id = ? AND kind = ? AND done_seq > ?", a.ID, KindTellCustomer, a.Version)
		if err := open.Updates(map[string]any{"read_at": nil, "done_seq": nil}).Error; err != nil {
			return fmt.Errorf("reopening the tasks of action %s: %w", a.ID, err)
		}
		tried := map[int64]any{}
		for _, t := range tasks {
			if t.TriedSeq != 0 {
				tried[t.Seq] = t.TriedSeq
			}
		}
		var later []Notification
		if err := tx.Where("action_id = ? AND kind = ? AND tried_seq > ?", a.ID, KindTellCustomer, a.Version).Find(&later).Error; err != nil {
			return fmt.Errorf("reading the tries of action %s: %w", a.ID, err)
		}
		for _, n := range later {
			if err := tx.Model(&Notification{}).Where("action_id = ? AND seq = ? AND kind = ?", a.ID, n.Seq, n.Kind).
				Update("tried_seq", tried[n.Seq]).Error; err != nil {
				return fmt.Errorf("marking the tries of action %s: %w", a.ID, err)
			}
		}
		rolled = true
		return nil
	})
	return rolled, err
}

// withdrawUnwritten deletes an action's timeline entries past version, once its row is at that
// version: the entries of a change its workflow never made. It is the one deletion of timeline
// entries in the code, and the database allows no other (migration 33 keeps each in
// action_event_corrections and refuses one at or before the action's version).
func withdrawUnwritten(tx *gorm.DB, actionID string, version int64) error {
	return tx.Where("action_id = ? AND seq > ?", actionID, version).Delete(&ActionEvent{}).Error // withdrawUnwritten
}

// ApplyProjectionWithInbox is ApplyProjection of a projection that carries every inbox record of
// its events: a record an earlier write put at one of these events' seqs that is not among them
// is removed (a change that notified someone else, in a task thrown away). One still there keeps
// when it was read.
func (s *Store) ApplyProjectionWithInbox(ctx context.Context, a Action, events []ActionEvent, inbox []Notification) error {
	return s.applyProjection(ctx, a, events, inbox, true)
}

func (s *Store) applyProjection(ctx context.Context, a Action, events []ActionEvent, inbox []Notification, wholeInbox bool) error {
	a, handovers := rowToWrite(a)
	return s.tx(ctx, func(tx *gorm.DB) error {
		// What was written before: a write that reaches back over seqs already written (or
		// behind the version written) is one that may replace another's inbox records.
		written, err := versionWritten(tx, a.ID)
		if err != nil {
			return err
		}
		overlaps := written > a.Version || (len(events) > 0 && written >= events[0].Seq)
		newer := clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "actions.updated_at < excluded.updated_at OR " +
			"(actions.updated_at = excluded.updated_at AND actions.version <= excluded.version)"}}}
		affected, err := s.upsertAction(tx, &a, handovers, newer)
		if err != nil || affected == 0 {
			// None affected: a retry of a write of an earlier change, whose events and inbox
			// records that write made, or one from a workflow task thrown away, not to be seen.
			return err
		}
		if a.SearchPending {
			pending := CustomerSearchPending{ActionID: a.ID, Version: a.Version}
			if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "action_id"}}, DoUpdates: clause.AssignmentColumns([]string{"version"})}).
				Create(&pending).Error; err != nil {
				return fmt.Errorf("marking the customer of action %s to index: %w", a.ID, err)
			}
		}
		if overlaps {
			// No notification lies past the version the workflow has reached.
			if err := tx.Where("action_id = ? AND seq > ?", a.ID, a.Version).Delete(&Notification{}).Error; err != nil {
				return fmt.Errorf("removing inbox records of action %s past version %d: %w", a.ID, a.Version, err)
			}
			if wholeInbox && len(events) > 0 {
				if err := replaceInbox(tx, a.ID, events, inbox); err != nil {
					return err
				}
			}
		}
		if slices.ContainsFunc(inbox, func(n Notification) bool { return n.Kind == KindTellCustomer }) {
			// An erased customer is told nothing more: nobody is given a message sent them after the
			// erasure to tell (its record would say so in "what I was told" with nothing to do).
			var erased int64
			if err := tx.Model(&Action{}).Where("id = ? AND "+erasedCustomer(""), a.ID).
				Count(&erased).Error; err != nil {
				return fmt.Errorf("reading whether the customer of action %s is erased: %w", a.ID, err)
			}
			if erased > 0 {
				inbox = slices.DeleteFunc(slices.Clone(inbox), func(n Notification) bool { return n.Kind == KindTellCustomer })
			}
		}
		if len(inbox) > 0 {
			// One record of a person's per entry and kind: two notices of one change can reach
			// the same person (by name, and as one of a role), which one insert may not write twice
			// (PostgreSQL refuses it). The first, which names them, stands.
			inbox = uniqueRecords(inbox)
			for i := range inbox {
				inbox[i].CreatedAt = utc(inbox[i].CreatedAt)
			}
			conflict := clause.OnConflict{
				Columns:   []clause.Column{{Name: "recipient_id"}, {Name: "action_id"}, {Name: "seq"}, {Name: "kind"}},
				DoUpdates: clause.AssignmentColumns([]string{"actor_id", "cause", "message", "created_at"}),
			}
			if err := tx.Clauses(conflict).Create(&inbox).Error; err != nil {
				return fmt.Errorf("adding inbox records of action %s: %w", a.ID, err)
			}
		}
		for _, t := range a.Tasks {
			if !t.Changed && !overlaps {
				continue // as written before
			}
			q := func() *gorm.DB {
				return tx.Model(&Notification{}).Where("action_id = ? AND seq = ? AND kind = ?", a.ID, t.Seq, t.Kind)
			}
			var err error
			if t.DoneAt == nil {
				// Reopened only when a projection marked it done (one thrown away): not one ended
				// otherwise (an erasure, the tasks given before they could be done).
				err = q().Where("done_seq IS NOT NULL").Updates(map[string]any{"read_at": nil, "done_seq": nil}).Error
			} else {
				// Open, or done by a record since undone (an undo and a new record in one write).
				err = q().Where("read_at IS NULL OR (done_seq IS NOT NULL AND done_seq <> ?)", t.DoneSeq).
					Updates(map[string]any{"read_at": utc(*t.DoneAt), "done_seq": t.DoneSeq}).Error
			}
			switch {
			case err != nil:
			case t.TriedSeq != 0:
				err = q().Where("tried_seq IS NULL OR tried_seq <> ?", t.TriedSeq).Update("tried_seq", t.TriedSeq).Error
			default:
				// A try that a write thrown away recorded, and the workflow never did.
				err = q().Where("tried_seq IS NOT NULL").Update("tried_seq", nil).Error
			}
			if err != nil {
				return fmt.Errorf("marking the task at %d of action %s: %w", t.Seq, a.ID, err)
			}
		}
		if len(events) == 0 {
			return nil
		}
		rows := make([]ActionEvent, len(events))
		for i, e := range events {
			e.ActionID = a.ID
			e.At = utc(e.At)
			rows[i] = e
		}
		// An event at the same seq written with an earlier time came from a workflow task that was
		// thrown away: the workflow's own takes its place (the database allows this one change to a
		// timeline row, and keeps the row replaced). One written as it is now is left.
		conflict := clause.OnConflict{
			Columns:   []clause.Column{{Name: "action_id"}, {Name: "seq"}},
			DoUpdates: clause.AssignmentColumns([]string{"type", "actor_id", "cause", "at", "data"}),
			Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "action_events.at < excluded.at"}}},
		}
		if err := tx.Clauses(conflict).Create(&rows).Error; err != nil {
			return fmt.Errorf("appending events of action %s: %w", a.ID, err)
		}
		return nil
	})
}

// replaceInbox removes the inbox records at the events' seqs that are not among inbox: records an
// earlier write of other events at those seqs made.
func replaceInbox(tx *gorm.DB, actionID string, events []ActionEvent, inbox []Notification) error {
	seqs := make([]int64, len(events))
	for i, e := range events {
		seqs[i] = e.Seq
	}
	type key struct {
		recipient, kind string
		seq             int64
	}
	keep := map[key]bool{}
	for _, n := range inbox {
		keep[key{n.RecipientID, n.Kind, n.Seq}] = true
	}
	var there []Notification
	if err := tx.Select("recipient_id, action_id, seq, kind").Where("action_id = ? AND seq IN ?", actionID, seqs).Find(&there).Error; err != nil {
		return fmt.Errorf("reading inbox records of action %s: %w", actionID, err)
	}
	// A message the integration could not send is given to tell by hand at the message's own
	// entry, not the message_undelivered's: those tasks are the write's too.
	var byHand []int64
	for _, e := range events {
		if seq := givenByHand(e); seq > 0 {
			byHand = append(byHand, seq)
		}
	}
	if len(byHand) > 0 {
		var tasks []Notification
		if err := tx.Select("recipient_id, action_id, seq, kind").Where("action_id = ? AND seq IN ? AND kind = ?", actionID, byHand, KindTellCustomer).Find(&tasks).Error; err != nil {
			return fmt.Errorf("reading the tasks to tell of action %s: %w", actionID, err)
		}
		there = append(there, tasks...)
	}
	for _, n := range there {
		if keep[key{n.RecipientID, n.Kind, n.Seq}] {
			continue
		}
		if err := tx.Where("recipient_id = ? AND action_id = ? AND seq = ? AND kind = ?", n.RecipientID, actionID, n.Seq, n.Kind).
			Delete(&Notification{}).Error; err != nil {
			return fmt.Errorf("removing an inbox record of action %s: %w", actionID, err)
		}
	}
	return nil
}

// withHandovers loads each action's handovers with it, in the order they were made.
func withHandovers(q *gorm.DB) *gorm.DB {
	return q.Preload("Handovers", func(db *gorm.DB) *gorm.DB { return db.Order("requested_at, id") })
}

// GetAction loads an action with its handovers.
func (s *Store) GetAction(ctx context.Context, id string) (Action, error) {
	return takeAction(withHandovers(s.read.WithContext(ctx)), id)
}

// GetActionRow loads an action without its handovers: what a command needs to check its scope.
func (s *Store) GetActionRow(ctx context.Context, id string) (Action, error) {
	return takeAction(s.read.WithContext(ctx), id)
}

func takeAction(q *gorm.DB, id string) (Action, error) {
	var a Action
	err := q.Where("id = ?", id).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Action{}, fmt.Errorf("action %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Action{}, fmt.Errorf("loading action %s: %w", id, err)
	}
	return a, nil
}

// timeline reads an action's events up to its version: one past it was written by a workflow task
// that was thrown away, and waits there for the workflow's own event at its seq (ApplyProjection).
func (s *Store) timeline(ctx context.Context, actionID string) *gorm.DB {
	return s.read.WithContext(ctx).Where("action_id = ? AND seq <= (SELECT version FROM actions WHERE actions.id = ?)", actionID, actionID)
}

// ListEvents returns an action's timeline in order.
func (s *Store) ListEvents(ctx context.Context, actionID string) ([]ActionEvent, error) {
	var events []ActionEvent
	if err := s.timeline(ctx, actionID).Order("seq").Find(&events).Error; err != nil {
		return nil, fmt.Errorf("loading events of action %s: %w", actionID, err)
	}
	return events, nil
}

// ListEventsBefore returns a page of an action's timeline: its last limit events before seq before
// (before 0: its last events), in order, and whether earlier ones remain.
func (s *Store) ListEventsBefore(ctx context.Context, actionID string, before int64, limit int) ([]ActionEvent, bool, error) {
	q := s.timeline(ctx, actionID)
	if before > 0 {
		q = q.Where("seq < ?", before)
	}
	var events []ActionEvent
	if err := q.Order("seq DESC").Limit(limit + 1).Find(&events).Error; err != nil {
		return nil, false, fmt.Errorf("loading events of action %s: %w", actionID, err)
	}
	more := len(events) > limit
	events = events[:min(len(events), limit)]
	slices.Reverse(events)
	return events, more, nil
}

// ListEventsAfter returns up to limit events of an action's timeline after seq after, in order,
// and whether later ones remain: what an integration that has seen the timeline up to after
// reads to catch up.
func (s *Store) ListEventsAfter(ctx context.Context, actionID string, after int64, limit int) ([]ActionEvent, bool, error) {
	var events []ActionEvent
	if err := s.timeline(ctx, actionID).Where("seq > ?", after).
		Order("seq").Limit(limit + 1).Find(&events).Error; err != nil {
		return nil, false, fmt.Errorf("loading events of action %s: %w", actionID, err)
	}
	more := len(events) > limit
	return events[:min(len(events), limit)], more, nil
}

// ActionFilter narrows a listing. Empty fields do not filter.
type ActionFilter struct {
	// IDs keeps only the actions named.
	IDs         []string
	Statuses    []string
	OwnerID     string
	TeamID      string
	CustomerRef string
	// CreatedBy keeps the actions created by that person or integration.
	CreatedBy string
	// Text keeps the actions whose title, details or customer reference hold each of its words
	// (split at spaces), in any order, whatever the case.
	Text string
	// Customer keeps the actions whose customer is found by each of its parts: one of the part's
	// blind indexes (customer_search) is the action's.
	Customer [][]string
	// Overdue keeps open actions whose due time is before Now, except paused ones.
	Overdue bool
	Now     time.Time
	// Escalated keeps actions at an escalation level above 0.
	Escalated bool
	// Paused keeps the actions paused now, waiting on the customer (a partial index holds them).
	Paused bool
	// UpdatedSince keeps actions written to the read model at or after it (zero: all): a change
	// written late, after an outage, counts from when it was written, so a sweep does not miss it.
	UpdatedSince time.Time
	// After is the position to continue from: the last row of the previous page.
	After *Position
	Limit int
}

// escapeLike makes a text match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// searchedText is the SQL expression of the text the word search reads (ActionFilter.Text): the
// title, details and customer reference, then the reference again without its separators
// (bareRefSQL), so that "bk4424" finds "BK-4424".
func (s *Store) searchedText() string {
	// Joined by a character nobody types (the API refuses control characters).
	sep := " || char(31) || "
	if s.dialect == DialectPostgres {
		sep = " || chr(31) || "
	}
	return s.folded(strings.Join([]string{"title", "details", "customer_ref", s.bareRefSQL("customer_ref")}, sep))
}

// folded is the SQL expression of the text expr as the word search reads it: in lower case,
// without the accents fold ignores (PostgreSQL's foldedSQL, SQLite's sqliteFold).
func (s *Store) folded(expr string) string {
	if s.dialect == DialectPostgres {
		return foldedSQL(expr)
	}
	return sqliteFold + "(" + expr + ")"
}

// refSeparators are the characters a reference is written with or without ("BK-4424", "BK 4424",
// "bk4424", "0042/17"): the search reads a customer reference without them too, and a word typed
// with them is looked for without them as well.
const refSeparators = "-./_#: "

// bareRefSQL is the SQL expression of the text expr without refSeparators.
func (s *Store) bareRefSQL(expr string) string {
	if s.dialect == DialectPostgres {
		// translate() deletes the characters of its second text that its third has none for.
		return "translate(" + expr + ", '" + refSeparators + "', '')"
	}
	for _, r := range refSeparators {
		expr = "replace(" + expr + ", '" + string(r) + "', '')"
	}
	return expr
}

// bareRef is a word looked for without refSeparators.
func bareRef(word string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(refSeparators, r) {
			return -1
		}
		return r
	}, word)
}

// Position is a place in the newest-first order of actions.
type Position struct {
	CreatedAt time.Time
	ID        string
}

var openStatuses = []string{"unassigned", "assigned", "handover_pending", "checking", "escalated"}

// ListActions returns up to Limit actions, newest first, and the position after the last one when
// more may follow.
func (s *Store) ListActions(ctx context.Context, f ActionFilter) ([]Action, *Position, error) {
	q := s.read.WithContext(ctx).Model(&Action{})
	if len(f.IDs) > 0 {
		q = q.Where("id IN ?", f.IDs)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.CreatedBy != "" {
		q = q.Where("created_by = ?", f.CreatedBy)
	}
	if f.OwnerID != "" {
		q = q.Where("owner_id = ?", f.OwnerID)
	}
	if f.TeamID != "" {
		q = q.Where("team_id = ?", f.TeamID)
	}
	if f.CustomerRef != "" {
		q = q.Where("customer_ref = ?", f.CustomerRef)
	}
	if f.Text != "" {
		// The three texts joined by a character nobody types (the API refuses control characters),
		// in lower case and without accents (fold.go), as PostgreSQL's trigram index holds them
		// (migration 00049): "jose" finds "José", and "Überweisung" is found by "uberweisung".
		// SQLite folds them with the read model's own function, every letter as Go does.
		joined := s.searchedText()
		for _, word := range strings.Fields(f.Text) {
			word = foldWord(word)
			like := "%" + escapeLike(word) + "%"
			if bare := bareRef(word); bare != word && bare != "" {
				// "bk-4424" finds "BK4424" as well as "BK-4424", and "check-in" still a title's
				// "check-in"; without its separators the word is looked for in the references
				// alone ("12.50" does not find a title's "1250"), the index finding the rows
				// that hold it anywhere.
				bareLike := "%" + escapeLike(bare) + "%"
				q = q.Where("("+joined+` LIKE ? ESCAPE '\' OR (`+joined+` LIKE ? ESCAPE '\' AND `+s.folded(s.bareRefSQL("customer_ref"))+` LIKE ? ESCAPE '\'))`,
					like, bareLike, bareLike)
				continue
			}
			q = q.Where(joined+` LIKE ? ESCAPE '\'`, like)
		}
	}
	for _, part := range f.Customer {
		q = q.Where("id IN (?)", s.read.Model(&CustomerSearch{}).Select("action_id").Where("token IN ?", part))
	}
	if f.Overdue {
		q = q.Where("status IN ? AND "+overdueSQL, append([]any{openStatuses}, overdueArgs(f.Now)...)...)
	}
	if f.Escalated {
		q = q.Where("escalation_level > 0")
	}
	if f.Paused {
		// As the index's predicate says it, so that both databases read the index alone.
		q = q.Where("paused")
	}
	if !f.UpdatedSince.IsZero() {
		q = q.Where("written_at >= ?", utc(f.UpdatedSince))
	}
	if f.After != nil {
		at := utc(f.After.CreatedAt)
		// A row comparison lets both databases seek the (team_id, created_at, id) index.
		q = q.Where("(created_at, id) < (?, ?)", at, f.After.ID)
	}
	var actions []Action
	q = withHandovers(q)
	if err := q.Order("created_at DESC, id DESC").Limit(f.Limit + 1).Find(&actions).Error; err != nil {
		return nil, nil, fmt.Errorf("listing actions: %w", err)
	}
	var next *Position
	if len(actions) > f.Limit {
		actions = actions[:f.Limit]
		last := actions[len(actions)-1]
		next = &Position{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	return actions, next, nil
}

// NewestOpen lists a team's newest open actions, at most limit, with their id, title, owner,
// creation time, status and customer reference alone: what a form naming one of them shows (cancel
// as a duplicate of ...), on a page drawn often, so without the rest of each row or its handovers.
func (s *Store) NewestOpen(ctx context.Context, team string, limit int) ([]Action, error) {
	var actions []Action
	err := s.read.WithContext(ctx).Model(&Action{}).Select("id", "title", "owner_id", "created_at", "status", "customer_ref").
		Where("team_id = ? AND status IN ?", team, openStatuses).Order("created_at DESC, id DESC").Limit(limit).Find(&actions).Error
	if err != nil {
		return nil, fmt.Errorf("listing the newest open actions of team %s: %w", team, err)
	}
	return actions, nil
}

// Ending is how an action ended: when, and of a cancelled one why, and the action it was a
// duplicate of when cancelled as one.
type Ending struct {
	At                        time.Time
	CancelReason, DuplicateOf string
}

// Endings reads how each of the actions named ended, from its completed or cancelled entry, by ID;
// an action still open is not in it. Read through the index of migration 32.
func (s *Store) Endings(ctx context.Context, ids []string) (map[string]Ending, error) {
	out := make(map[string]Ending, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []ActionEvent
	if err := s.read.WithContext(ctx).Model(&ActionEvent{}).Select("action_id", "type", "at", "data").
		Where("type IN ? AND action_id IN ?", []string{"completed", "cancelled"}, ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("reading how %d actions ended: %w", len(ids), err)
	}
	for _, r := range rows {
		e := Ending{At: r.At.UTC()}
		if r.Type == "cancelled" {
			var data struct {
				Reason      string `json:"reason"`
				DuplicateOf string `json:"duplicate_of"`
			}
			if err := json.Unmarshal([]byte(r.Data), &data); err != nil {
				return nil, fmt.Errorf("reading why action %s was cancelled: %w", r.ActionID, err)
			}
			e.CancelReason, e.DuplicateOf = data.Reason, data.DuplicateOf
		}
		out[r.ActionID] = e
	}
	return out, nil
}

// CancelledDuplicate is an action cancelled as a duplicate of another: who cancelled it, and when.
type CancelledDuplicate struct {
	ID, Title, ActorID string
	At                 time.Time
}

// DuplicatesOf lists the actions cancelled as duplicates of the action id (their timeline's
// cancelled entry names it as duplicate_of), first cancelled first, at most limit: the action
// kept shows where the others went, with their notes. The index of migration 50 holds them.
func (s *Store) DuplicatesOf(ctx context.Context, id string, limit int) ([]CancelledDuplicate, error) {
	var out []CancelledDuplicate
	err := s.read.WithContext(ctx).Raw("SELECT e.action_id AS id, a.title, e.actor_id, e.at FROM action_events e JOIN actions a ON a.id = e.action_id"+
		" WHERE e.type = 'cancelled' AND "+s.duplicateOf("e.data")+" = ? ORDER BY e.at, e.action_id LIMIT ?", id, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the duplicates cancelled of action %s: %w", id, err)
	}
	for i := range out {
		out[i].At = out[i].At.UTC()
	}
	return out, nil
}

// duplicateOf is the SQL expression of the duplicate_of of an event's data, as migration 50
// indexes it.
func (s *Store) duplicateOf(data string) string {
	if s.dialect == DialectPostgres {
		return "((" + data + "::jsonb) ->> 'duplicate_of')"
	}
	return "json_extract(" + data + ", '$.duplicate_of')"
}

// Inbox is what a person has to act on.
type Inbox struct {
	// Owned are the open actions the person owns, earliest due (so overdue) first.
	Owned []Action
	// AwaitingAcceptance are the actions handed to the person and not yet accepted or declined.
	AwaitingAcceptance []Action
	// FollowUpsDue are the actions the person handed over whose follow-up time has come; not one at
	// its check, which ChecksDue lists (the check replaces the follow-up).
	FollowUpsDue []Action
	// ChecksDue are the actions at their due time that the person must check: those they handed
	// over, and for a supervisor those of the team nobody handed over or that were taken over in
	// a shift handover; not those they own, which Owned lists.
	ChecksDue []Action
	// Escalated are the escalated actions whose alerts reach the person (InboxOf.EscalatedFrom),
	// earliest due first: what is left to them to reassign, extend or complete.
	Escalated []Action
	// OwnedByPeopleAway are, for a supervisor, the team's open actions (neither unassigned nor
	// escalated) whose owner is away: off shift, deactivated or gone from the team, earliest due
	// first; for a manager standing in, those of the teams with no supervisor on shift. Nobody at
	// work looks after them until they are handed over or reassigned, or their owner is back.
	OwnedByPeopleAway []Action
}

// InboxOf names whose inbox is read and what they may see of it.
type InboxOf struct {
	StaffID string
	// TeamID is the person's team.
	TeamID string
	// Supervisor widens the checks to those of the team that nobody handed over, or that were
	// taken over in a shift handover.
	Supervisor bool
	// AllTeams is a person who sees every team's actions (a manager); anyone else sees only
	// TeamID's, so that someone moved to another team no longer reads the old team's customers.
	AllTeams bool
	// EscalatedFrom is the lowest escalation level whose alerts reach the person (1 for a
	// supervisor, 2 for a manager): the escalated actions at it or above are listed. 0 lists none.
	EscalatedFrom int
	// StandsIn is a manager, to whom the alerts meant for a team's supervisors go when the team
	// has no active supervisor on shift (the notifications pass them up): that team's escalations below
	// EscalatedFrom and the checks its supervisors would make are listed too, so that what the
	// manager is told is also in the lists they act from. So is an escalation below EscalatedFrom
	// of an action the team's only supervisor owns, which is passed up to the managers too.
	StandsIn bool
}

// notAtWork holds for the member of staff of the SQL expression id who is not at work for the team
// of the expression team: not an active member of it on shift (Staff.AtWorkIn, in SQL).
func notAtWork(id, team string) string {
	return "NOT EXISTS (SELECT 1 FROM staff w WHERE w.id = " + id + " AND w.active AND w.on_shift AND w.team_id = " + team + ")"
}

// handerGone holds for an action whose hander is no longer an active member of its team, or is
// off shift: not there to make the check now.
var handerGone = "(actions.hander_id <> '' AND " + notAtWork("actions.hander_id", "actions.team_id") + ")"

// noSupervisor holds for an action whose team has no active supervisor on shift (the alerts for
// its supervisors go to the managers then).
var noSupervisor = noSupervisorOf("actions.")

// ownedBySupervisors holds for an action owned by the only active supervisors of its team: an
// escalation to the supervisors, or a check asked of them, then goes to the managers too (the
// owner is told by name already, and an escalation or a check is for someone else to make), as
// activities' inboxRecords passes it up.
const ownedBySupervisors = `EXISTS (SELECT 1 FROM staff so WHERE so.id = actions.owner_id AND so.team_id = actions.team_id AND so.role = 'supervisor' AND so.active)` +
	` AND NOT EXISTS (SELECT 1 FROM staff sv WHERE sv.team_id = actions.team_id AND sv.role = 'supervisor' AND sv.active AND sv.id <> actions.owner_id)`

// InboxListLimit is how many actions each list of an inbox holds at most.
const InboxListLimit = 200

// Inbox gathers a person's inbox.
func (s *Store) Inbox(ctx context.Context, of InboxOf, now time.Time) (Inbox, error) {
	var in Inbox
	staffID, teamID := of.StaffID, of.TeamID
	checks := "status = ? AND hander_id = ?"
	checkArgs := []any{"checking", staffID}
	// The checks nobody but a supervisor makes: of actions nobody handed over, of those whose owner
	// took them over in a shift handover (the workflow asks the supervisors to check those too:
	// their hander has gone), and of those whose hander has left the team, been deactivated since
	// or is off shift (they are asked, and cannot answer now).
	supervisors := "(hander_id = '' OR " + takenOverInShift + " OR " + handerGone + ")"
	if of.Supervisor && teamID != "" {
		checks = "status = ? AND (hander_id = ? OR (team_id = ? AND " + supervisors + "))"
		checkArgs = append(checkArgs, teamID)
	}
	if of.StandsIn {
		// And those of every team without a supervisor, and those its only supervisors own (the
		// check asked of the supervisors passes up to the managers: nobody checks their own).
		checks = "(" + checks + ") OR (status = ? AND " + supervisors + " AND (" + noSupervisor + " OR (" + ownedBySupervisors + ")))"
		checkArgs = append(checkArgs, "checking")
	}
	// Not their own: those are in Owned, at their due time, for them to record the outcome.
	checks = "(" + checks + ") AND owner_id <> ?"
	checkArgs = append(checkArgs, staffID)
	// The lists (four, and the escalations for those they reach), each in its order and at most InboxListLimit, are one statement (one round trip and
	// one plan), and their handovers one more.
	lists := []inboxList{
		{&in.Owned, "owner_id = ? AND status IN ?", []any{staffID, openStatuses}, "due_at, id"},
		{&in.AwaitingAcceptance, "id IN (SELECT action_id FROM handovers WHERE to_id = ? AND status = ?)", []any{staffID, "pending"}, "updated_at, id"},
		{&in.FollowUpsDue, "hander_id = ? AND follow_up_at <= ? AND status IN ?", []any{staffID, utc(now), followUpStatuses}, "follow_up_at, id"},
		{&in.ChecksDue, checks, checkArgs, "due_at, id"},
	}
	if of.Supervisor || of.StandsIn {
		away := ownedBySomeoneAway + " AND owner_id <> ?"
		if !of.Supervisor {
			away += " AND " + noSupervisor
		}
		lists = append(lists, inboxList{&in.OwnedByPeopleAway, away, []any{ownedAwayStatuses, staffID}, "due_at, id"})
		// The follow-ups of the shift handovers they ran for others (reminded to them too): those
		// whose owner took the action over, from its hander, in a handover this person started.
		lists = append(lists, inboxList{&in.FollowUpsDue, "follow_up_at <= ? AND status IN ? AND " + shiftRunBy, []any{utc(now), followUpStatuses, staffID}, "follow_up_at, id"})
	}
	if of.EscalatedFrom > 0 {
		escalated := "status = ? AND escalation_level >= ?"
		if of.StandsIn {
			escalated = "status = ? AND (escalation_level >= ? OR " + noSupervisor + " OR (" + ownedBySupervisors + "))"
		}
		lists = append(lists, inboxList{&in.Escalated, escalated, []any{"escalated", of.EscalatedFrom}, "due_at, id"})
	}
	var sql strings.Builder
	var args []any
	for i, l := range lists {
		if !of.AllTeams {
			l.where = "team_id = ? AND (" + l.where + ")"
			l.args = append([]any{teamID}, l.args...)
		}
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		// A union keeps no order of its own: each row carries its list and its place in it.
		fmt.Fprintf(&sql, "SELECT * FROM (SELECT actions.*, %d AS inbox_list, ROW_NUMBER() OVER (ORDER BY %s) AS inbox_place FROM actions WHERE %s ORDER BY %s LIMIT %d) AS list%d",
			i, l.order, l.where, l.order, InboxListLimit, i)
		args = append(args, l.args...)
	}
	type inboxRow struct {
		Action
		InboxList  int
		InboxPlace int
	}
	var rows []inboxRow
	if err := s.read.WithContext(ctx).Raw(sql.String(), args...).Scan(&rows).Error; err != nil {
		return in, fmt.Errorf("inbox of %s: %w", staffID, err)
	}
	slices.SortFunc(rows, func(a, b inboxRow) int {
		if a.InboxList != b.InboxList {
			return a.InboxList - b.InboxList
		}
		return a.InboxPlace - b.InboxPlace
	})
	for _, r := range rows {
		*lists[r.InboxList].dst = append(*lists[r.InboxList].dst, r.Action)
	}
	// The follow-ups came in two lists (their own, and those of the shift handovers they ran):
	// one list, by follow-up time.
	slices.SortStableFunc(in.FollowUpsDue, func(a, b Action) int {
		if c := newestFirst(b.FollowUpAt, a.FollowUpAt); c != 0 { // the earliest first
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	in.FollowUpsDue = slices.CompactFunc(in.FollowUpsDue, func(a, b Action) bool { return a.ID == b.ID })
	in.FollowUpsDue = in.FollowUpsDue[:min(len(in.FollowUpsDue), InboxListLimit)]
	if err := s.loadHandovers(ctx, in.Owned, in.AwaitingAcceptance, in.FollowUpsDue, in.ChecksDue, in.Escalated, in.OwnedByPeopleAway); err != nil {
		return in, fmt.Errorf("inbox of %s: %w", staffID, err)
	}
	return in, nil
}

// ownerAway holds for an action whose owner is not at work for its team.
var ownerAway = notAtWork("actions.owner_id", "actions.team_id")

// ownedAwayStatuses are the statuses of an action a supervisor's inbox lists while its owner is
// away: an escalated one is in their escalations already, and an unassigned one has no owner.
var ownedAwayStatuses = []string{"assigned", "handover_pending", "checking"}

// ownedBySomeoneAway holds for an action in one of the statuses given (ownedAwayStatuses) whose
// owner is away: what the away lists hold.
var ownedBySomeoneAway = "status IN ? AND owner_id <> '' AND " + ownerAway

// followUpStatuses are the open statuses in which a hander's follow-up is due: not at the check,
// where the hander checks instead.
var followUpStatuses = slices.DeleteFunc(slices.Clone(openStatuses), func(s string) bool { return s == "checking" })

// inboxList is one list of an inbox: where it goes, which actions it holds and in what order.
type inboxList struct {
	dst   *[]Action
	where string
	args  []any
	order string
}

// shiftRunBy holds for an action whose owner took it over from its hander in a handover of a
// shift handover that the person of the parameter started for the hander (read through the
// index of migration 52).
const shiftRunBy = `EXISTS (SELECT 1 FROM handovers h WHERE h.action_id = actions.id AND h.started_by = ? AND h.started_by <> ''
	AND h.status = 'accepted' AND h.from_id = actions.hander_id AND h.to_id = actions.owner_id)`

// takenOverInShift holds for an action whose owner took it over from its hander in a shift
// handover: the last handover the hander made them that they accepted was a shift handover's.
const takenOverInShift = `EXISTS (SELECT 1 FROM handovers h WHERE h.action_id = actions.id AND h.status = 'accepted'
	AND h.from_id = actions.hander_id AND h.to_id = actions.owner_id AND h.shift_handover_id <> ''
	AND NOT EXISTS (SELECT 1 FROM handovers l WHERE l.action_id = h.action_id AND l.status = 'accepted'
		AND l.from_id = h.from_id AND l.to_id = h.to_id AND l.requested_at > h.requested_at))`

// OpenWork counts what a person holds of the actions that need more than authority (-1: all of
// them): the open actions they own, and the handovers waiting for them to accept.
func (s *Store) OpenWork(ctx context.Context, staffID string, authority int) (owned, awaiting int64, err error) {
	return openWork(s.read.WithContext(ctx), staffID, authority)
}

// openWork is OpenWork read through db: the read connections, or a change's own transaction.
func openWork(db *gorm.DB, staffID string, authority int) (owned, awaiting int64, err error) {
	if err = db.Model(&Action{}).Where("owner_id = ? AND status IN ? AND required_authority > ?", staffID, openStatuses, authority).Count(&owned).Error; err != nil {
		return 0, 0, fmt.Errorf("open work of %s: %w", staffID, err)
	}
	err = db.Model(&Handover{}).Joins("JOIN actions ON actions.id = handovers.action_id").
		Where("handovers.to_id = ? AND handovers.status = ? AND actions.required_authority > ?", staffID, "pending", authority).
		Count(&awaiting).Error
	if err != nil {
		return 0, 0, fmt.Errorf("open work of %s: %w", staffID, err)
	}
	return owned, awaiting, nil
}

// loadHandovers fills in the handovers of every action of the lists, in the order they were made,
// with one query.
func (s *Store) loadHandovers(ctx context.Context, lists ...[]Action) error {
	var ids []string
	for _, l := range lists {
		for _, a := range l {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var hs []Handover
	if err := s.read.WithContext(ctx).Where("action_id IN ?", ids).Order("requested_at, id").Find(&hs).Error; err != nil {
		return fmt.Errorf("loading handovers: %w", err)
	}
	by := map[string][]Handover{}
	for _, h := range hs {
		by[h.ActionID] = append(by[h.ActionID], h)
	}
	for _, l := range lists {
		for i := range l {
			l[i].Handovers = by[l[i].ID]
		}
	}
	return nil
}

// SetOnShift starts or ends a person's shift, as actorID asked (themselves, or their shift handover).
func (s *Store) SetOnShift(ctx context.Context, actorID, staffID string, on bool) (Staff, error) {
	// Written only where it changes (as it was, there is nothing to tell the pages, nor to
	// record), in one statement, so that of two clicks at once the last written wins; then read
	// as it stands. A shift changed is no move: the team left is told of no more. The audit trail
	// records it with the change, as it records a supervisor's (UpdateStaff).
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := time.Now()
		res := tx.Model(&Staff{}).Where("id = ? AND on_shift <> ?", staffID, on).
			Updates(map[string]any{"on_shift": on, "changed_at": utc(now), "left_team_id": nil})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return audit(tx, now, actorID, AuditStaffChanged, SubjectStaff, staffID, map[string]any{"changes": map[string]Change{"on_shift": {From: !on, To: on}}})
	})
	if err != nil {
		return Staff{}, fmt.Errorf("setting shift of %s: %w", staffID, err)
	}
	return s.GetStaff(ctx, staffID)
}

// OwnedOpenActions lists a person's open actions, oldest first (at most 1,000).
func (s *Store) OwnedOpenActions(ctx context.Context, ownerID string) ([]Action, error) {
	var out []Action
	err := s.read.WithContext(ctx).Where("owner_id = ? AND status IN ?", ownerID, openStatuses).
		Order("created_at, id").Limit(1000).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing open actions of %s: %w", ownerID, err)
	}
	return out, nil
}

// LeftWithoutSupervisor lists the open actions of team whose owners are away (off shift,
// deactivated or gone from the team), as the supervisors' away lists hold them, while the team has
// no active supervisor on shift: none while it has one.
func (s *Store) LeftWithoutSupervisor(ctx context.Context, teamID string) ([]Action, error) {
	var out []Action
	err := s.read.WithContext(ctx).Where("team_id = ? AND "+ownedBySomeoneAway+" AND "+noSupervisor, teamID, ownedAwayStatuses).
		Order("due_at, id").Limit(1000).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the actions of team %s left without a supervisor: %w", teamID, err)
	}
	return out, nil
}

// uniqueRecords keeps the first inbox record of each recipient, action, entry and kind.
func uniqueRecords(inbox []Notification) []Notification {
	type key struct {
		to, action, kind string
		seq              int64
	}
	seen := make(map[key]bool, len(inbox))
	out := make([]Notification, 0, len(inbox))
	for _, n := range inbox {
		k := key{n.RecipientID, n.ActionID, n.Kind, n.Seq}
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}

// PendingInShiftHandovers maps each of the actions whose pending handover was made in a shift
// handover to that shift handover's ID: its recipient has yet to answer it.
func (s *Store) PendingInShiftHandovers(ctx context.Context, actionIDs []string) (map[string]string, error) {
	out, err := s.pendingHandovers(ctx, actionIDs, "shift_handover_id", "handovers.shift_handover_id <> ''")
	if err != nil {
		return nil, fmt.Errorf("looking up pending handovers of shift handovers: %w", err)
	}
	return out, nil
}

// PendingRecipients maps each of the actions with a pending handover to its recipient.
func (s *Store) PendingRecipients(ctx context.Context, actionIDs []string) (map[string]string, error) {
	out, err := s.pendingHandovers(ctx, actionIDs, "to_id", "")
	if err != nil {
		return nil, fmt.Errorf("looking up the recipients of pending handovers: %w", err)
	}
	return out, nil
}

// HandoversWaitingFor lists the pending handovers waiting for the person's answer, oldest first
// (at most 1,000): those of open actions whose pending handover they are.
func (s *Store) HandoversWaitingFor(ctx context.Context, staffID string) ([]Handover, error) {
	var out []Handover
	err := s.read.WithContext(ctx).Model(&Handover{}).Select("handovers.*").
		Joins("JOIN actions ON actions.id = handovers.action_id AND actions.pending_handover_id = handovers.id").
		Where("handovers.to_id = ? AND handovers.status = ?", staffID, "pending").
		Order("handovers.requested_at, handovers.action_id").Limit(1000).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("listing the handovers waiting for %s: %w", staffID, err)
	}
	return out, nil
}

// pendingHandovers maps each of the actions whose pending handover meets cond (none: any) to
// that handover's column.
func (s *Store) pendingHandovers(ctx context.Context, actionIDs []string, column, cond string) (map[string]string, error) {
	out := map[string]string{}
	if len(actionIDs) == 0 {
		return out, nil
	}
	var rows []struct{ ActionID, Value string }
	q := s.read.WithContext(ctx).Table("handovers").Select("handovers.action_id, handovers."+column+" AS value").
		Joins("JOIN actions ON actions.id = handovers.action_id AND actions.pending_handover_id = handovers.id").
		Where("handovers.action_id IN ?", actionIDs)
	if cond != "" {
		q = q.Where(cond)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ActionID] = r.Value
	}
	return out, nil
}

// erasedColumns are the columns of a customer's personal data that an erasure overwrites with
// Erased.
var erasedColumns = map[string]bool{"customer_name": true, "customer_contact": true, "customer_context": true, "customer_message": true}

// keepErased is an upsert's assignments of columns of table: each takes the value written, but
// personal data an erasure has overwritten with Erased, which stays so. The workflow still holds
// the sealed value (unreadable, its key destroyed) and writes it again with each change: the row
// would hold ciphertext again, and a second erasure would find something to erase, record it
// and tell the integration again. An action's revision, once known, is kept by a write that does
// not know it.
func keepErased(table string, columns []string) clause.Set {
	set := make(clause.Set, len(columns))
	for i, col := range columns {
		value := clause.Expr{SQL: "excluded." + col}
		if erasedColumns[col] {
			value = clause.Expr{SQL: "CASE WHEN " + table + "." + col + " = ? THEN " + table + "." + col + " ELSE excluded." + col + " END", Vars: []any{Erased}}
		}
		if table == "actions" && col == "revision" {
			// Known once, kept by a write that does not know it (a roll-back to the workflow's
			// queried state, which does not carry it).
			value = clause.Expr{SQL: "COALESCE(excluded.revision, actions.revision)"}
		}
		set[i] = clause.Assignment{Column: clause.Column{Name: col}, Value: value}
	}
	return set
}

// columnsBut lists the columns of model's table but its primary key, as an upsert that updates
// every other column assigns them.
func columnsBut(tx *gorm.DB, model any) ([]string, error) {
	stmt := &gorm.Statement{DB: tx}
	if err := stmt.Parse(model); err != nil {
		return nil, fmt.Errorf("reading the columns of %T: %w", model, err)
	}
	var cols []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && !f.PrimaryKey {
			cols = append(cols, f.DBName)
		}
	}
	return cols, nil
}
