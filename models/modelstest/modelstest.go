// Package modelstest gives tests a real, empty read-model database: SQLite in a temporary
// directory always, and PostgreSQL when HANDOVER_TEST_POSTGRES_URL names a server.
package modelstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/handover/handover/models"
)

// PostgresEnv names the variable holding the PostgreSQL URL the tests may create databases on.
const PostgresEnv = "HANDOVER_TEST_POSTGRES_URL"

// Backend is a kind of read-model database to run a test against.
type Backend struct {
	Name string
	// URL returns the URL of a new, empty database that is dropped when the test ends.
	URL func(t testing.TB) string
}

// Backends lists SQLite, and PostgreSQL when its URL is set.
func Backends() []Backend {
	b := []Backend{{Name: "sqlite", URL: SQLiteURL}}
	if os.Getenv(PostgresEnv) != "" {
		b = append(b, Backend{Name: "postgres", URL: PostgresURL})
	}
	return b
}

// SQLiteURL returns the URL of a new SQLite file in the test's temporary directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "readmodel.db")
}

// PostgresURL creates a database on the server named by HANDOVER_TEST_POSTGRES_URL and drops it
// when the test ends. Without that variable the test is skipped, saying so.
func PostgresURL(t testing.TB) string {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set: PostgreSQL read-model tests skipped", PostgresEnv)
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("connecting to %s: %v", PostgresEnv, err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "handover_test_" + hex.EncodeToString(suffix)
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		if db, err := admin.DB(); err == nil {
			_ = db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parsing %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open opens and migrates a store at url, closed when the test ends.
func Open(t testing.TB, url string) *models.Store {
	t.Helper()
	store, err := models.Open(url, nil)
	if err != nil {
		t.Fatalf("opening read model: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating read model: %v", err)
	}
	return store
}

// Name returns a readable unique name, for IDs that must not collide across runs.
func Name(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s", prefix, hex.EncodeToString(b))
}
