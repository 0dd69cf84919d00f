package models

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// idleStatements is how many statements the pool's one connection keeps prepared.
func idleStatements(t *testing.T, db *sql.DB) int {
	t.Helper()
	conn, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	var n int
	require.NoError(t, conn.Raw(func(dc any) error {
		c := dc.(*stmtCachingConn)
		c.mu.Lock()
		defer c.mu.Unlock()
		n = len(c.idle)
		return nil
	}))
	return n
}

func TestSQLiteConnectionsKeepStatementsPrepared(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite("file:" + filepath.Join(t.TempDir(), "stmt.db") + "?_pragma=journal_mode(wal)")
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	db.SetMaxOpenConns(1)

	_, err = db.ExecContext(ctx, `CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`)
	require.NoError(t, err)
	const insert = `INSERT INTO kv (k, v) VALUES (?, ?)`
	const get = `SELECT v FROM kv WHERE k = ?`

	t.Run("a statement runs again with new values, in and out of transactions", func(t *testing.T) {
		for i := range 3 {
			_, err := db.ExecContext(ctx, insert, fmt.Sprintf("a%d", i), i)
			require.NoError(t, err)
		}
		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, insert, "t", 10)
		require.NoError(t, err)
		var v int
		require.NoError(t, tx.QueryRowContext(ctx, get, "t").Scan(&v))
		require.Equal(t, 10, v)
		require.NoError(t, tx.Rollback())
		require.ErrorIs(t, db.QueryRowContext(ctx, get, "t").Scan(&v), sql.ErrNoRows, "the rolled-back row is gone")
		require.NoError(t, db.QueryRowContext(ctx, get, "a2").Scan(&v))
		require.Equal(t, 2, v)
		// The create, the insert and the select: each kept once, not once per use.
		require.Equal(t, 3, idleStatements(t, db))
	})

	t.Run("the same query while its rows are open gets its own statement", func(t *testing.T) {
		const all = `SELECT k FROM kv WHERE k LIKE 'a%' ORDER BY k`
		outer, err := db.QueryContext(ctx, all)
		require.NoError(t, err)
		var got []string
		for outer.Next() {
			var k string
			require.NoError(t, outer.Scan(&k))
			got = append(got, k)
		}
		require.NoError(t, outer.Err())
		require.NoError(t, outer.Close())
		require.Equal(t, []string{"a0", "a1", "a2"}, got)

		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		rows, err := tx.QueryContext(ctx, all)
		require.NoError(t, err)
		got = nil
		for rows.Next() {
			var k string
			require.NoError(t, rows.Scan(&k))
			var v int
			require.NoError(t, tx.QueryRowContext(ctx, get, k).Scan(&v))
			// The same text again while the outer rows are open, on the same connection: it must
			// not reset the outer statement.
			inner, err := tx.QueryContext(ctx, all)
			require.NoError(t, err)
			n := 0
			for inner.Next() {
				n++
			}
			require.NoError(t, inner.Close())
			require.Equal(t, 3, n)
			got = append(got, fmt.Sprintf("%s=%d", k, v))
		}
		require.NoError(t, rows.Err())
		require.NoError(t, rows.Close())
		require.NoError(t, tx.Commit())
		require.Equal(t, []string{"a0=0", "a1=1", "a2=2"}, got)
	})

	t.Run("a failed statement is not kept, and the next run works", func(t *testing.T) {
		before := idleStatements(t, db)
		_, err := db.ExecContext(ctx, insert, "a0", 99)
		require.Error(t, err, "duplicate key")
		require.Equal(t, before-1, idleStatements(t, db), "the insert that failed was closed, not put back")
		_, err = db.ExecContext(ctx, insert, "b", 5)
		require.NoError(t, err)
		require.Equal(t, before, idleStatements(t, db))
	})

	t.Run("the cache is bounded", func(t *testing.T) {
		for i := range maxCachedStatements + 20 {
			var n int
			require.NoError(t, db.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&n))
			require.Equal(t, i, n)
		}
		require.Equal(t, maxCachedStatements, idleStatements(t, db))
	})
}

func TestSQLiteConstraintErrorsStayRecognisable(t *testing.T) {
	ctx := context.Background()
	store, err := Open("sqlite:"+filepath.Join(t.TempDir(), "rm.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, store.Close()) })
	require.NoError(t, store.db.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY)`).Error)
	require.NoError(t, store.db.WithContext(ctx).Exec(`INSERT INTO kv (k) VALUES (?)`, "a").Error)
	err = store.db.WithContext(ctx).Exec(`INSERT INTO kv (k) VALUES (?)`, "a").Error
	require.True(t, isDuplicate(err), "the driver's error came through the statement cache as itself: %v", err)
}
