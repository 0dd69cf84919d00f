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
	logger.Interface
	log   *slog.Logger
	level logger.LogLevel
	// literals finds the values written into a statement, in the dialect's quoting.
	literals *regexp.Regexp
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

func newQueryLogger(log *slog.Logger, dialect string) logger.Interface {
	const level = logger.Warn
	return queryLogger{
		Interface: logger.NewSlogLogger(log, logger.Config{SlowThreshold: slowQuery, IgnoreRecordNotFoundError: true, LogLevel: level}),
		log:       log,
		level:     level,
		literals:  regexp.MustCompile(sqlLiterals(dialect)),
	}
}

// ParamsFilter keeps the values out of logged statements (GORM asks for it only to log): a failed
// or slow statement is logged with its placeholders, not with the session hashes, customer
// references or other values it carried.
func (l queryLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func (l queryLogger) LogMode(level logger.LogLevel) logger.Interface {
	return queryLogger{Interface: l.Interface.LogMode(level), log: l.log, level: level, literals: l.literals}
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
	if l.level < logger.Info && quiet && time.Since(begin) <= slowQuery {
		return
	}
	// A statement read into a struct (Scan) comes with its values written in (GORM records it
	// without ParamsFilter): they are taken out here, whatever the path.
	l.Interface.Trace(ctx, begin, func() (string, int64) {
		sql, rows := fc()
		return l.literals.ReplaceAllString(sql, "?"), rows
	}, err)
}
