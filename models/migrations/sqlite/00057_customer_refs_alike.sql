-- +goose Up
-- A reference typed on the web UI's new-action form as a known customer's is but for case and
-- separators ("bk5001" for BK-5001) is taken as that customer's (models/dataprotection.go,
-- RefsSpelledAlike): the live keys by their references so read.
CREATE INDEX customer_keys_ref_alike ON customer_keys (lower(replace(replace(replace(replace(replace(replace(replace(customer_ref, '-', ''), '.', ''), '/', ''), '_', ''), '#', ''), ':', ''), ' ', ''))) WHERE destroyed_at IS NULL;

-- +goose Down
DROP INDEX customer_keys_ref_alike;
