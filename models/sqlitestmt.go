package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// maxCachedStatements bounds the statements one SQLite connection keeps prepared. The read
// model's statements come in a few hundred shapes at most; past the bound, idle ones are let go.
const maxCachedStatements = 256

// openSQLite opens a pool of SQLite connections that keep the statements they run prepared.
//
// The pure-Go driver parses every statement anew on each Exec and Query (about a tenth of the
// CPU of an API request went to SQLite's parser), and database/sql's own prepared statements,
// GORM's PrepareStmt with them, are prepared again in every transaction, so the projection's
// statements would still be parsed each time. Here each connection keeps its statements by text,
// inside transactions or not.
//
// Its connections come from a driver of their own, which has the read model's own SQL functions
// (sqliteFold).
func openSQLite(dsn string) (*sql.DB, error) {
	if _, err := sqlite.NewConnector(dsn); err != nil {
		return nil, err // the driver's own check of the DSN
	}
	d := &sqlite.Driver{}
	if err := d.RegisterDeterministicScalarFunction(sqliteFold, 1, foldText(folder)); err != nil {
		return nil, err
	}
	return sql.OpenDB(stmtCachingConnector{driverConnector{d: d, dsn: dsn}}), nil
}

// sqliteFold is the SQL function that reads a text as the word search does: in lower case as Go
// puts it, without the accents fold ignores (PostgreSQL's foldedSQL).
const sqliteFold = "handover_fold"

// foldText is sqliteFold, folding with folder: NULL as NULL (anything else is an error).
func foldText(folder *strings.Replacer) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return folder.Replace(strings.ToLower(v)), nil
		default:
			return nil, fmt.Errorf("%s takes a text, not %T", sqliteFold, v)
		}
	}
}

// driverConnector opens connections to dsn with the driver d.
type driverConnector struct {
	d   *sqlite.Driver
	dsn string
}

func (c driverConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.d.Open(c.dsn)
}

func (c driverConnector) Driver() driver.Driver { return c.d }

type stmtCachingConnector struct{ driver.Connector }

func (c stmtCachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		return nil, errors.Join(errors.New("the SQLite driver's connection lacks a method database/sql uses"), conn.Close())
	}
	return &stmtCachingConn{sqliteConn: sc, idle: map[string]sqliteStmt{}}, nil
}

// sqliteConn is what database/sql uses of a modernc SQLite connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// stmtCachingConn runs ExecContext and QueryContext through statements it keeps prepared. A
// statement is taken out of the cache while it runs (a query's until its rows are closed), so
// the same text asked again meanwhile gets a statement of its own.
type stmtCachingConn struct {
	sqliteConn
	mu   sync.Mutex
	idle map[string]sqliteStmt
}

func (c *stmtCachingConn) take(ctx context.Context, query string) (sqliteStmt, error) {
	c.mu.Lock()
	s, ok := c.idle[query]
	delete(c.idle, query)
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s, ok = ds.(sqliteStmt)
	if !ok {
		return nil, errors.Join(errors.New("the SQLite driver's statement lacks a context method"), ds.Close())
	}
	return s, nil
}

// give puts a statement back after use; one that failed, or one too many, is closed instead.
func (c *stmtCachingConn) give(query string, s sqliteStmt, failed bool) error {
	c.mu.Lock()
	_, taken := c.idle[query]
	keep := !failed && !taken && c.idle != nil && len(c.idle) < maxCachedStatements
	if keep {
		c.idle[query] = s
	}
	c.mu.Unlock()
	if keep {
		return nil
	}
	return s.Close()
}

func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(ctx, args)
	return res, firstErr(err, c.give(query, s, err != nil))
}

// firstErr is err, or else next: the driver's own error goes back to database/sql as it is.
func firstErr(err, next error) error {
	if err != nil {
		return err
	}
	return next
}

func (c *stmtCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, args)
	if err != nil {
		return nil, firstErr(err, c.give(query, s, true))
	}
	r, ok := rows.(sqliteRows)
	if !ok {
		return nil, errors.Join(errors.New("the SQLite driver's rows lack a column-type method"), rows.Close(), c.give(query, s, true))
	}
	return &cachedStmtRows{sqliteRows: r, conn: c, query: query, stmt: s}, nil
}

// Close closes the kept statements, then the connection.
func (c *stmtCachingConn) Close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	var errs []error
	for _, s := range idle {
		errs = append(errs, s.Close())
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// sqliteRows is what database/sql and GORM use of a modernc result set.
type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

// cachedStmtRows gives its statement back to the connection when closed.
type cachedStmtRows struct {
	sqliteRows
	conn  *stmtCachingConn
	query string
	stmt  sqliteStmt
}

func (r *cachedStmtRows) Close() error {
	err := r.sqliteRows.Close()
	return firstErr(err, r.conn.give(r.query, r.stmt, err != nil))
}
