-- +goose Up
-- The word search also reads each customer reference without its separators ("bk4424" finds
-- "BK-4424"). PostgreSQL makes its index of the texts again (its migration 00054); SQLite has none,
-- and reads each reference so as it searches (models/store.go, bareRefSQL).
SELECT 1;

-- +goose Down
SELECT 1;
