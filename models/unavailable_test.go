package models_test

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/handover/handover/models"
)

// Errors that say the database is away are told apart from statements that failed: the first are
// answered 503 (retry), the second 500 or what they mean.
func TestUnavailableTellsAnOutageFromAFailedStatement(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("loading action: %w", err) }
	for code, want := range map[string]bool{
		"08006": true,  // connection failure
		"57P01": true,  // terminated by an administrator
		"57P03": true,  // cannot connect now (starting up)
		"55000": true,  // the database is not accepting connections
		"53300": true,  // too many connections
		"23505": false, // unique violation
		"42P01": false, // no such table
	} {
		require.Equal(t, want, models.Unavailable(wrap(&pgconn.PgError{Code: code})), code)
	}
	require.True(t, models.Unavailable(wrap(driver.ErrBadConn)))
	require.False(t, models.Unavailable(wrap(models.ErrNotFound)))
	require.False(t, models.Unavailable(errors.New("some other failure")))
	require.False(t, models.Unavailable(nil))
}
