package models

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// GORM's messages are formats: the log holds them formatted, at the query logger's level.
func TestQueryLoggerFormatsGormsMessages(t *testing.T) {
	var buf bytes.Buffer
	l := newQueryLogger(slog.New(slog.NewTextHandler(&buf, nil)), DialectSQLite)
	ctx := context.Background()
	l.Error(ctx, "failed to initialize database, got error %v", errors.New("connection refused"))
	l.Info(ctx, "not logged at %s", "warn level")
	require.Contains(t, buf.String(), `msg="failed to initialize database, got error connection refused"`)
	require.NotContains(t, buf.String(), "%v")
	require.NotContains(t, buf.String(), "not logged")

	buf.Reset()
	l.Trace(ctx, time.Now(), func() (string, int64) { return "SELECT 1", 1 }, nil)
	require.Empty(t, buf.String(), "a quick statement that worked is not logged")
	l.Trace(ctx, time.Now(), func() (string, int64) { return "SELECT nothing", 0 }, errors.New("no such table"))
	require.Contains(t, buf.String(), "no such table", "a failed statement is")

	buf.Reset()
	l.Trace(ctx, time.Now(), func() (string, int64) { return "SELECT changes", 0 }, context.Canceled)
	require.Empty(t, buf.String(), "one whose caller went away did not fail")
	l.Trace(ctx, time.Now(), func() (string, int64) { return "SELECT slowly", 0 }, context.DeadlineExceeded)
	require.Contains(t, buf.String(), "deadline exceeded", "one that ran out of time did")
	require.Contains(t, buf.String(), `level=ERROR msg="SQL statement failed"`)

	// One run for a request names it; one that failed because the database is away is logged at
	// debug level only: every statement fails alike meanwhile, and the request's own line says so.
	buf.Reset()
	l.Trace(WithRequestID(ctx, "req-7"), time.Now(), func() (string, int64) { return "SELECT nothing", 0 }, errors.New("no such table"))
	require.Contains(t, buf.String(), "request_id=req-7")
	buf.Reset()
	away := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	l.Trace(WithRequestID(ctx, "req-8"), time.Now(), func() (string, int64) { return "SELECT 1", 0 }, away)
	require.Empty(t, buf.String(), "not at info level")
	debug := newQueryLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), DialectSQLite)
	debug.Trace(WithRequestID(ctx, "req-8"), time.Now(), func() (string, int64) { return "SELECT 1", 0 }, away)
	require.Contains(t, buf.String(), `level=DEBUG msg="SQL statement failed" error="dial tcp: connection refused"`)
	require.Contains(t, buf.String(), "request_id=req-8")

	// A slow one says so, with its placeholders as the statement had them.
	buf.Reset()
	pg := newQueryLogger(slog.New(slog.NewTextHandler(&buf, nil)), DialectPostgres)
	pg.Trace(ctx, time.Now().Add(-slowQuery-time.Millisecond), func() (string, int64) {
		return `UPDATE "webhook_deliveries" SET "delivered_at"=$1$ WHERE id = $2$ AND name = 'x'`, 1
	}, nil)
	require.Contains(t, buf.String(), `level=WARN msg="slow SQL statement" sql="UPDATE \"webhook_deliveries\" SET \"delivered_at\"=$1 WHERE id = $2 AND name = ?" rows=1 elapsed_ms=`)
	require.Contains(t, buf.String(), "slow_ms=200")
}

// A read model that cannot be reached is reported once, by the error Open returns: nothing is
// logged beside it.
func TestOpenReportsAnUnreachableDatabaseOnce(t *testing.T) {
	var buf bytes.Buffer
	_, err := Open("postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", slog.New(slog.NewTextHandler(&buf, nil)))
	require.ErrorContains(t, err, "opening postgres read model")
	require.Empty(t, buf.String())
}

// A failed statement is logged without the values it carried.
func TestFailedStatementsAreLoggedWithoutValues(t *testing.T) {
	var buf bytes.Buffer
	store, err := Open("sqlite:"+t.TempDir()+"/log.db", slog.New(slog.NewTextHandler(&buf, nil)))
	require.NoError(t, err)
	defer store.Close()
	require.Error(t, store.DB().Exec("SELECT * FROM nowhere WHERE secret = ?", "canary-value-42").Error)
	require.Contains(t, buf.String(), "nowhere", "the failed statement is logged")
	require.NotContains(t, buf.String(), "canary-value-42", "without its values")
}

// A failed statement read into a struct (Scan: GORM writes its values into the statement it
// logs) is logged without them too, on SQLite (values in quotes of both kinds) and PostgreSQL.
func TestScannedStatementsAreLoggedWithoutValues(t *testing.T) {
	urls := map[string]string{"sqlite": "sqlite:" + t.TempDir() + "/log.db"}
	if pg := os.Getenv("HANDOVER_TEST_POSTGRES_URL"); pg != "" {
		urls["postgres"] = pg
	}
	for name, url := range urls {
		var buf bytes.Buffer
		store, err := Open(url, slog.New(slog.NewTextHandler(&buf, nil)))
		require.NoError(t, err, name)
		var rows []struct{ Secret string }
		err = store.DB().Raw("SELECT secret FROM nowhere WHERE secret = ? AND at > ?", "canary-value-43", time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)).Scan(&rows).Error
		require.Error(t, err, name)
		require.NoError(t, store.Close())
		require.Contains(t, buf.String(), "nowhere", "%s: the failed statement is logged", name)
		require.NotContains(t, buf.String(), "canary-value-43", "%s: without its values", name)
		require.NotContains(t, buf.String(), "2031", "%s: nor the times it carried", name)
	}
}

// A statement that runs out of time on a database that answers (a lock held, a stall) is an error
// in the log, naming the statement: only one that could not reach the database at all is left to
// the debug level. PostgreSQL's driver reports the first as a timeout, which is also one of the
// ways a database that is away fails.
func TestStatementOutOfTimeIsLoggedAsAnError(t *testing.T) {
	url := os.Getenv("HANDOVER_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("HANDOVER_TEST_POSTGRES_URL is not set: the driver's own timeout needs PostgreSQL")
	}
	var buf bytes.Buffer // written by the statement's own goroutine, through the query logger
	store, err := Open(url, slog.New(slog.NewTextHandler(&buf, nil)))
	require.NoError(t, err)
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = store.db.WithContext(WithRequestID(ctx, "req-9")).Exec("SELECT pg_sleep(2)").Error
	require.Error(t, err)
	require.True(t, Unavailable(err), "the driver's timeout: %v", err)
	require.Contains(t, buf.String(), `level=ERROR msg="SQL statement failed"`)
	require.Contains(t, buf.String(), "pg_sleep")
	require.Contains(t, buf.String(), "request_id=req-9")
}
