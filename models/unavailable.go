package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err says the database could not be reached or is not taking
// connections now, rather than that a statement was wrong: what failed may work when retried.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	// The server's own answer first, also when it refused a connection: a connection error
	// (pgconn.ConnectError) wraps it, and a database that does not exist (3D000) or a wrong user
	// or password (28xxx) is a setting to correct, not an outage to wait out.
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// 08: connection exceptions; 57P: the server shutting down or restarting, or the
		// connection terminated by an administrator; 53300: too many connections; 55000: the
		// database is not accepting connections.
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "57P") || pg.Code == "53300" || pg.Code == "55000"
	}
	var connect *pgconn.ConnectError
	var netErr *net.OpError
	if errors.As(err, &connect) || errors.As(err, &netErr) {
		return true
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.Timeout(err)
}

// unreachable reports whether err says the database could not be reached at all (Unavailable,
// but not a statement that ran out of time on a database that answers).
func unreachable(err error) bool {
	return Unavailable(err) && !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded)
}
