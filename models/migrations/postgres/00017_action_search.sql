-- +goose Up
-- Finding actions by a text of their title, details or customer reference (GET /actions?q=):
-- a trigram index of the three, as the search reads them, lets PostgreSQL find a rare text
-- without reading every action. pg_trgm ships with PostgreSQL; where the read model's user may not
-- create it, the index is left out and a search reads every action in the caller's scope.
-- +goose StatementBegin
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm cannot be created here: searches read every action in scope';
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX actions_search ON actions USING gin ((lower(title || chr(31) || details || chr(31) || customer_ref)) gin_trgm_ops);
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS actions_search;
