package models

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// slowQuery is how long a statement may take before it is logged as slow.
const slowQuery = 200 * time.Millisecond

// queryLogger logs failed and slow statements through slog. GORM's own slog logger renders every
// statement with its values before it decides whether to log it; this one asks for the statement
// only when it logs it.
type queryLogger struct {
	logger.Interface
	level logger.LogLevel
}

func newQueryLogger(log *slog.Logger) logger.Interface {
	const level = logger.Warn
	return queryLogger{
		Interface: logger.NewSlogLogger(log, logger.Config{SlowThreshold: slowQuery, IgnoreRecordNotFoundError: true, LogLevel: level}),
		level:     level,
	}
}

func (l queryLogger) LogMode(level logger.LogLevel) logger.Interface {
	return queryLogger{Interface: l.Interface.LogMode(level), level: level}
}

func (l queryLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	quiet := err == nil || errors.Is(err, gorm.ErrRecordNotFound)
	if l.level < logger.Info && quiet && time.Since(begin) <= slowQuery {
		return
	}
	l.Interface.Trace(ctx, begin, fc, err)
}
