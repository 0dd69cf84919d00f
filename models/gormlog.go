package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// slowQuery is how long a statement may take before it is logged as slow.
const slowQuery = 200 * time.Millisecond

// queryLogger logs failed and slow statements through slog. GORM's own slog logger renders every
// statement with its values before it decides whether to log it; this one asks for the statement
// only when it logs it.
// GORM's own messages (Info, Warn, Error) are printf formats: they are formatted here, where
// GORM's slog logger would log the format with its arguments beside it.
type queryLogger struct {
	log   *slog.Logger
	level logger.LogLevel
	// literals finds the values written into a statement, in the dialect's quoting;
	// placeholders the $1$ GORM writes for a PostgreSQL placeholder whose value it was not given.
	literals, placeholders *regexp.Regexp
}

// sqlLiterals matches the values GORM writes into a statement it logs: strings (and times) in
// single quotes, and on SQLite in double quotes too (its identifiers are in backquotes; on
// PostgreSQL double quotes are identifiers).
func sqlLiterals(dialect string) string {
	if dialect == DialectPostgres {
		return `'(?:[^']|'')*'`
	}
	return `'(?:[^']|'')*'|"(?:[^"]|"")*"`
}

// requestIDKey holds, in a statement's context, the ID of the request it serves.
type requestIDKey struct{}

// WithRequestID marks ctx as serving the request id: a statement run with it that fails or is
// slow is logged with that request_id, beside the request's own line.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

func newQueryLogger(log *slog.Logger, dialect string) logger.Interface {
	const level = logger.Warn
	return queryLogger{
		log:          log,
		level:        level,
		literals:     regexp.MustCompile(sqlLiterals(dialect)),
		placeholders: regexp.MustCompile(`\$(\d+)\$`),
	}
}

// ParamsFilter keeps the values out of logged statements (GORM asks for it only to log): a failed
// or slow statement is logged with its placeholders, not with the session hashes, customer
// references or other values it carried.
func (l queryLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l queryLogger) LogMode(level logger.LogLevel) logger.Interface {
	l.level = level
	return l
}

func (l queryLogger) Info(ctx context.Context, format string, args ...any) {
	if l.level >= logger.Info {
		l.log.InfoContext(ctx, fmt.Sprintf(format, args...))
	}
}

func (l queryLogger) Warn(ctx context.Context, format string, args ...any) {
	if l.level >= logger.Warn {
		l.log.WarnContext(ctx, fmt.Sprintf(format, args...))
	}
}

func (l queryLogger) Error(ctx context.Context, format string, args ...any) {
	if l.level >= logger.Error {
		l.log.ErrorContext(ctx, fmt.Sprintf(format, args...))
	}
}

func (l queryLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	// A statement ended because whoever asked for it went away (a closed browser tab's live
	// updates, a client that hung up) did not fail: the caller's own handler says so if need be.
	quiet := err == nil || errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, context.Canceled)
	elapsed := time.Since(begin)
	if l.level < logger.Info && quiet && elapsed <= slowQuery {
		return
	}
	// A statement read into a struct (Scan) comes with its values written in (GORM records it
	// without ParamsFilter): they are taken out here, whatever the path. A placeholder left without
	// its value reads $1$ on PostgreSQL: it is put back as $1.
	sql, rows := fc()
	sql = l.placeholders.ReplaceAllString(l.literals.ReplaceAllString(sql, "?"), "$$$1")
	attrs := []any{"sql", sql, "rows", rows, "elapsed_ms", float64(elapsed.Microseconds()) / 1000}
	if id, ok := ctx.Value(requestIDKey{}).(string); ok {
		attrs = append(attrs, "request_id", id)
	}
	switch {
	case !quiet && unreachable(err):
		// The database away: every statement fails alike while it is, and whoever asked says so
		// once (the request's line, the readiness watch, the worker's gate). At debug level only.
		// A statement that ran out of time is not one of those: which one stalled is worth an error.
		l.log.DebugContext(ctx, "SQL statement failed", append([]any{"error", err.Error()}, attrs...)...)
	case !quiet:
		l.log.ErrorContext(ctx, "SQL statement failed", append([]any{"error", err.Error()}, attrs...)...)
	case elapsed > slowQuery:
		l.log.WarnContext(ctx, "slow SQL statement", append(attrs, "slow_ms", slowQuery.Milliseconds())...)
	default:
		l.log.InfoContext(ctx, "SQL statement", attrs...)
	}
}
