-- +goose Up
-- The word search reads letters without their accents ("jose" finds "José"). PostgreSQL makes its
-- index of the texts again (its migration 00049); SQLite has none, and folds each text as it
-- reads it (models' handover_fold).
SELECT 1;

-- +goose Down
SELECT 1;
